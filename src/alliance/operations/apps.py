from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running the product: the task worker's leases, backups and restores."""

    name = "alliance.operations"
    verbose_name = _("Operations")
