from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare(request):
    """The floor: a Django view through the same middleware that touches no database and returns JSON."""
    return JsonResponse({"ok": True})


@login_required
def bare_page(request):
    """The floor of a page: the signed-in user's session, and the site's layout (base.html) with no content."""
    return render(request, "base.html", {})
