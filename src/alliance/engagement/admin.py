from django.contrib import admin

from alliance.core.admin import AuditedAdmin
from alliance.engagement import models


@admin.register(models.Interaction)
class InteractionAdmin(AuditedAdmin):
    list_display = ("occurred_on", "kind", "agreement", "tone", "confidentiality", "language")
    list_filter = ("kind", "confidentiality", "language")
    search_fields = ("summary",)
    list_select_related = ("agreement",)


@admin.register(models.Expectation)
class ExpectationAdmin(AuditedAdmin):
    list_display = ("topic", "party", "priority", "target_date", "recorded_on")
    list_select_related = ("topic", "party")


@admin.register(models.TrustResponse)
class TrustResponseAdmin(AuditedAdmin):
    list_display = ("pulse", "respondent", "about_party", "submitted_on")
    list_select_related = ("pulse", "respondent", "about_party")


@admin.register(models.Grievance)
class GrievanceAdmin(AuditedAdmin):
    list_display = (
        "reference",
        "agreement",
        "category",
        "received_on",
        "response_due_on",
        "status",
    )
    list_filter = ("status", "category")


@admin.register(models.PersonNote, models.Topic, models.TrustPulse)
class SimpleAdmin(AuditedAdmin):
    pass
