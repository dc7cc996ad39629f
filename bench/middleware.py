import time


def server_timing(get_response):
    """Adds `Server-Timing: app;dur=<ms>`: the time spent in Django (all middleware and the view)."""

    def middleware(request):
        started = time.perf_counter()
        response = get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.3f}"
        return response

    return middleware
