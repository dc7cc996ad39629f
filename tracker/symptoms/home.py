"""The patient's home-page panel for check-ins (registered in SymptomsConfig.ready()): whether one is due,
and the care team's answer to what the last ones raised (the call-now card until a clinician has seen it,
then who saw it and when)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from tracker.accounts.selectors import patient_of
from tracker.core.phones import tel_uri as tel_href
from tracker.core.vocab import Role
from tracker.symptoms.selectors import care_team_answer, checkin_status


def seen_by(user) -> str:
    """Who saw a report, as a patient calls them: "Nurse Chen", "Dr Patel", "Sam Lee (therapist)"."""
    if user is None:
        return _("Your care team")
    name = user.last_name or user.display_name
    if user.role == Role.NURSE:
        return _("Nurse %(name)s") % {"name": name}
    if user.role == Role.PHYSICIAN:
        return _("Dr %(name)s") % {"name": name}
    return _("%(name)s (%(role)s)") % {"name": user.display_name, "role": Role(user.role).label.lower()}


def seen_sentence(alert, *, now=None) -> str:
    """ "Nurse Chen saw your report at 16:32" (local time; with the day when it was not today)."""
    now = now or timezone.now()
    at = timezone.localtime(alert.acknowledged_at)
    who = seen_by(alert.acknowledged_by)
    if at.date() == timezone.localtime(now).date():
        return _("%(who)s saw your report at %(time)s.") % {"who": who, "time": time_format(at, "H:i")}
    return _("%(who)s saw your report on %(day)s at %(time)s.") % {
        "who": who,
        "day": at.strftime("%d %b").lstrip("0"),
        "time": time_format(at, "H:i"),
    }


def checkin_panel(request) -> dict | None:
    """Home-page panel for patients: is today's (or this week's) check-in due, with the big button; and the
    care team's answer to the emergency or urgent reports they sent."""
    patient = patient_of(request.user)
    if patient is None:
        return None
    status = checkin_status(patient)
    answer = care_team_answer(patient)
    number = patient.effective_emergency_number
    return {
        "due": status.due,
        "schedule": status.schedule,
        "next_due": status.next_due,
        "url": reverse("symptoms:checkin"),
        "history_url": reverse("symptoms:my_history"),
        "waiting": answer.level,  # "emergency", "urgent" or None
        "seen": seen_sentence(answer.seen) if answer.seen is not None else None,
        "emergency_number": number,
        "emergency_tel": tel_href(number),
    }
