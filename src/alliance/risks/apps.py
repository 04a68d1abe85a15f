from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "alliance.risks"
    verbose_name = _("Risks")
