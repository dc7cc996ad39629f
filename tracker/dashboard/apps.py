from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The care team's workspace: triage queue, patient panel and patient timeline (pages only)."""

    name = "tracker.dashboard"
    label = "dashboard"
    verbose_name = _("Care-team workspace")

    def ready(self):
        from tracker.core import panels
        from tracker.core.vocab import STAFF_ROLES
        from tracker.dashboard.views import home_triage_panel

        panels.register_nav(label=_("Triage"), url_name="dashboard:triage", roles=STAFF_ROLES, order=10)
        panels.register_nav(label=_("Panel"), url_name="dashboard:panel", roles=STAFF_ROLES, order=15)
        panels.register_home_panel(
            template="dashboard/home_triage.html", roles=STAFF_ROLES, order=10, context=home_triage_panel
        )
