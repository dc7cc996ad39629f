from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SymptomsConfig(AppConfig):
    name = "tracker.symptoms"
    label = "symptoms"
    verbose_name = _("Symptoms and check-ins")

    def ready(self):
        from tracker.alerts.evaluation import register_checkin_readers, register_evaluator
        from tracker.core import panels
        from tracker.core.vocab import Role
        from tracker.symptoms.evaluation import checkin_findings
        from tracker.symptoms.home import checkin_panel
        from tracker.symptoms.models import CheckIn
        from tracker.symptoms.selectors import checkins_count, recent_checkins

        register_evaluator(CheckIn, checkin_findings)
        register_checkin_readers(recent=recent_checkins, count=checkins_count)
        panels.register_nav(label=_("Check-in"), url_name="symptoms:checkin", roles=(Role.PATIENT,), order=10)
        panels.register_nav(label=_("My charts"), url_name="symptoms:my_history", roles=(Role.PATIENT,), order=30)
        panels.register_home_panel(
            template="symptoms/panels/checkin.html", roles=(Role.PATIENT,), order=10, context=checkin_panel
        )
