from django.conf import settings

from tracker.core import panels


def site(request):
    """Site name, emergency number and the navigation for the signed-in role."""
    user = getattr(request, "user", None)
    context = {
        "site_name": settings.TRACKER_SITE_NAME,
        "nav_items": panels.nav_for(user) if user is not None and user.is_authenticated else [],
    }
    return context
