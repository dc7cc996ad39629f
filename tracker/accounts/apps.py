from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tracker.accounts"
    label = "accounts"
    verbose_name = _("Accounts and care teams")

    def ready(self):
        from tracker.core import panels
        from tracker.core.vocab import CLINICIAN_ROLES, Role

        panels.register_nav(label=_("Home"), url_name="home", roles=tuple(Role.values), order=0)
        panels.register_nav(
            label=_("Patients"), url_name="accounts:patient_list", roles=(*CLINICIAN_ROLES, Role.ADMIN), order=20
        )
        panels.register_nav(label=_("My details"), url_name="accounts:my_details", roles=(Role.PATIENT,), order=80)
