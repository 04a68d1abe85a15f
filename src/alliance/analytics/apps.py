from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "alliance.analytics"
    verbose_name = _("Insights")

    def ready(self) -> None:
        # The engine's message patterns, so any page can render a stored message.
        from alliance.analytics import messages  # noqa: F401
