from django.contrib import admin

from alliance.core.admin import AuditedAdmin
from alliance.risks import models


class ObservationInline(admin.TabularInline):
    model = models.IndicatorObservation
    extra = 0
    exclude = ("uuid", "created_at")


@admin.register(models.Risk)
class RiskAdmin(AuditedAdmin):
    list_display = ("title", "agreement", "category", "rating", "likelihood", "impact", "status")
    list_filter = ("category", "rating", "status")


@admin.register(models.RegulatoryRequirement)
class RegulatoryRequirementAdmin(AuditedAdmin):
    list_display = ("instrument", "jurisdiction", "deadline", "alignment_status")
    list_filter = ("alignment_status", "jurisdiction")


@admin.register(models.LocalIndicator)
class LocalIndicatorAdmin(AuditedAdmin):
    list_display = ("name", "agreement", "kind", "target", "target_on")
    inlines = [ObservationInline]


@admin.register(models.EarlyWarning)
class EarlyWarningAdmin(AuditedAdmin):
    list_display = ("title", "agreement", "severity", "status", "raised_on")
    list_filter = ("severity", "status", "rule")
