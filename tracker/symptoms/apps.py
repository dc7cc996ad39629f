from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SymptomsConfig(AppConfig):
    name = "tracker.symptoms"
    label = "symptoms"
    verbose_name = _("Symptoms and check-ins")
