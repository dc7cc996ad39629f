from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tracker.accounts.selectors import patient_of
from tracker.core import panels


@login_required
def home(request):
    """The role-aware home page: each app contributes panels for the roles it serves."""
    context = {"panels": panels.home_panels_for(request), "patient": patient_of(request.user)}
    return render(request, "core/home.html", context)


def _broker_ok() -> bool:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure means "down"
        return False


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: database and broker reachability, no patient data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        db = "ok"
    except Exception:  # noqa: BLE001
        db = "down"
    body = {"db": db, "broker": "ok" if _broker_ok() else "down"}
    return JsonResponse(body, status=200 if db == "ok" else 503)
