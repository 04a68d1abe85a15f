from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "alliance.web"
    verbose_name = _("Web")

    def ready(self) -> None:
        # The parties' own part in the inbox (deliveries to confirm, due dates to answer).
        from alliance.web import attention_sources  # noqa: F401
