from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def checkin_panel(request) -> dict | None:
    """Home-page panel for patients: is today's (or this week's) check-in due, with the big button."""
    from django.urls import reverse

    from tracker.accounts.selectors import patient_of
    from tracker.symptoms.selectors import checkin_status

    patient = patient_of(request.user)
    if patient is None:
        return None
    status = checkin_status(patient)
    return {
        "due": status.due,
        "schedule": status.schedule,
        "next_due": status.next_due,
        "url": reverse("symptoms:checkin"),
        "history_url": reverse("symptoms:my_history"),
    }


class SymptomsConfig(AppConfig):
    name = "tracker.symptoms"
    label = "symptoms"
    verbose_name = _("Symptoms and check-ins")

    def ready(self):
        from tracker.core import panels
        from tracker.core.vocab import Role

        panels.register_nav(label=_("Check-in"), url_name="symptoms:checkin", roles=(Role.PATIENT,), order=10)
        panels.register_nav(label=_("My charts"), url_name="symptoms:my_history", roles=(Role.PATIENT,), order=30)
        panels.register_home_panel(
            template="symptoms/panels/checkin.html", roles=(Role.PATIENT,), order=10, context=checkin_panel
        )
