from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "tracker.alerts"
    label = "alerts"
    verbose_name = _("Alerts")

    def ready(self):
        from tracker.alerts.outcomes import check_extra_outcomes
        from tracker.alerts.rules import thresholds_from_settings
        from tracker.core import panels
        from tracker.core.vocab import Role

        thresholds_from_settings()  # a typo in TRACKER_THRESHOLDS stops start-up
        check_extra_outcomes()
        panels.register_nav(
            label=_("Alert statistics"), url_name="alerts:stats", roles=(Role.PHYSICIAN, Role.ADMIN), order=70
        )
