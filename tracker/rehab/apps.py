from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RehabConfig(AppConfig):
    name = "tracker.rehab"
    label = "rehab"
    verbose_name = _("Rehabilitation")

    def ready(self):
        from tracker.alerts.evaluation import register_evaluator
        from tracker.core import panels
        from tracker.core.vocab import STAFF_ROLES, Role
        from tracker.rehab.evaluation import exercise_log_findings
        from tracker.rehab.models import ExerciseLog
        from tracker.rehab.views import patient_home_panel, therapist_home_panel

        register_evaluator(ExerciseLog, exercise_log_findings)

        panels.register_nav(label=_("Exercises"), url_name="rehab:today", roles=(Role.PATIENT,), order=30)
        panels.register_nav(label=_("Rehab"), url_name="rehab:patient_list", roles=STAFF_ROLES, order=30)
        panels.register_nav(
            label=_("Exercise library"), url_name="rehab:exercise_list", roles=(Role.THERAPIST, Role.ADMIN), order=31
        )
        panels.register_home_panel(
            template="rehab/panel_today.html", roles=(Role.PATIENT,), order=30, context=patient_home_panel
        )
        panels.register_home_panel(
            template="rehab/panel_therapist.html", roles=(Role.THERAPIST,), order=30, context=therapist_home_panel
        )
