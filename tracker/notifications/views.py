from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.notifications.selectors import inbox_for
from tracker.notifications.services import notifications_mark_read


@login_required
def notification_list(request):
    page = Paginator(inbox_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_mark_all_read(request):
    count = notifications_mark_read(user=request.user)
    messages.success(request, _("Marked %(count)d message(s) as read.") % {"count": count})
    return redirect("notifications:list")
