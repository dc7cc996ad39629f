"""Error pages that answer the API in JSON.

Django's default 400/404/500 pages are HTML; a request under /api/ that no view handles
(an id that is not a number, an unknown path) or that fails outside DRF gets the API's
`{"detail": ...}` shape instead. Pages keep Django's templates.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": _("Something went wrong on our side. Please try again.")}, status=500)
    return defaults.server_error(request)
