from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tracker.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from tracker.core import panels
        from tracker.core.vocab import Role

        panels.register_nav(label=_("Messages"), url_name="notifications:list", roles=tuple(Role.values), order=90)
