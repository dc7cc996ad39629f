"""Middleware of the project's own."""

from django.utils.cache import add_never_cache_headers

# Pages and API answers: what carries health data. Media (exercise pictures, audio) and the OpenAPI schema
# may be cached as usual; static files never get here (whitenoise answers them first).
NEVER_STORED = ("text/html", "application/json")


def never_stored(get_response):
    """No browser or proxy keeps a copy of a page or an API answer (unless the view said otherwise).

    On a shared phone or ward computer, Back after signing out must not show the last person's data from the
    browser's cache; and Back to a form that was sent fetches it anew, with a new client_id, so what is sent
    from it is a new submission, not taken for a repeat of the first.
    """

    def middleware(request):
        response = get_response(request)
        if not response.has_header("Cache-Control") and response.get("Content-Type", "").startswith(NEVER_STORED):
            add_never_cache_headers(response)
        return response

    return middleware
