from django.contrib import admin

from alliance.analytics.models import InsightSnapshot


@admin.register(InsightSnapshot)
class InsightSnapshotAdmin(admin.ModelAdmin):
    """Snapshots are computed, never edited by hand: the admin only reads them."""

    list_display = ("agreement", "kind", "as_of", "computed_at", "duration_ms")
    list_filter = ("kind",)
    date_hierarchy = "as_of"
    search_fields = ("agreement__title", "agreement__reference")
    readonly_fields = (
        "uuid", "created_at", "agreement", "kind", "as_of", "computed_at", "data",
        "parameters_digest", "duration_ms",
    )  # fmt: skip

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
