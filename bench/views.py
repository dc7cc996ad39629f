from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare(request):
    """The floor: a Django view through the same middleware that touches no database and returns JSON."""
    return JsonResponse({"ok": True})
