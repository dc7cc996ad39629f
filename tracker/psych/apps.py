from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PsychConfig(AppConfig):
    name = "tracker.psych"
    label = "psych"
    verbose_name = _("Psychological support")

    def ready(self):
        from tracker.alerts.evaluation import register_distress_action_check, register_evaluator
        from tracker.core import panels
        from tracker.core.vocab import CLINICIAN_ROLES, STAFF_ROLES, Role
        from tracker.psych import home
        from tracker.psych.models import Screen
        from tracker.psych.selectors import distress_action_taken_since, latest_contact_times, support_content_today
        from tracker.psych.services import screen_findings

        register_evaluator(Screen, screen_findings)
        # A referral's recorded first contact stops the untreated-distress clock (docs/clinical.md "Alert rules").
        register_distress_action_check(distress_action_taken_since, latest=latest_contact_times)
        # The day's sessions also appear on the rehab app's "today" page.
        panels.register_content_for_today(support_content_today)

        panels.register_nav(label=_("Questionnaires"), url_name="psych:screen_list", roles=(Role.PATIENT,), order=30)
        panels.register_nav(label=_("Support"), url_name="psych:content_list", roles=(Role.PATIENT,), order=40)
        panels.register_nav(label=_("Distress queue"), url_name="psych:queue", roles=STAFF_ROLES, order=40)
        panels.register_nav(
            label=_("Support programmes"),
            url_name="psych:patient_overview",
            roles=(*CLINICIAN_ROLES, Role.ADMIN),
            order=45,
        )
        panels.register_home_panel(
            template="psych/panels/screens_due.html", roles=(Role.PATIENT,), order=20, context=home.screens_due_panel
        )
        panels.register_home_panel(
            template="psych/panels/new_content.html", roles=(Role.PATIENT,), order=30, context=home.new_content_panel
        )
        panels.register_home_panel(
            template="psych/panels/distress_waiting.html",
            roles=STAFF_ROLES,
            order=30,
            context=home.distress_waiting_panel,
        )
