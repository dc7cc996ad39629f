"""Home-page panels (registered in PsychConfig.ready())."""

from django.utils import timezone

from tracker.accounts.selectors import patient_of
from tracker.psych import selectors


def screens_due_panel(request):
    patient = patient_of(request.user)
    if patient is None:
        return None
    due = selectors.screens_due(patient, timezone.localdate())
    return {"due": due} if due else None


def new_content_panel(request):
    patient = patient_of(request.user)
    if patient is None:
        return None
    items = selectors.content_due_today(patient, timezone.localdate())
    return {"items": items} if items else None


def distress_waiting_panel(request):
    summary = selectors.waiting_summary(request.user)
    if not summary["count"]:
        return None
    return summary
