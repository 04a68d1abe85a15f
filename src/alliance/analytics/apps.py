from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "alliance.analytics"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from alliance.analytics import (
            messages,  # noqa: F401  (the engine's message patterns: any page renders them)
            snapshot_cache,
        )
        from alliance.analytics.models import InsightSnapshot

        # A snapshot written again or deleted here is not served from the localized cache.
        post_save.connect(snapshot_cache.forget, sender=InsightSnapshot, weak=False)
        post_delete.connect(snapshot_cache.forget, sender=InsightSnapshot, weak=False)
