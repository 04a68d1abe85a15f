from django.contrib import admin

from alliance.core.admin import AuditedAdmin
from alliance.partnerships import models


class BlackoutInline(admin.TabularInline):
    model = models.BlackoutPeriod
    extra = 0
    exclude = ("uuid", "created_at")


class ParticipationInline(admin.TabularInline):
    model = models.Participation
    extra = 0
    exclude = ("uuid", "created_at")


@admin.register(models.Party)
class PartyAdmin(AuditedAdmin):
    list_display = ("name", "kind", "country", "level", "decision_cycle_days")
    list_filter = ("kind", "country", "level")
    search_fields = ("name", "short_name")
    inlines = [BlackoutInline]


@admin.register(models.Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("name", "party", "role_title", "email")
    search_fields = ("name", "email")
    list_select_related = ("party",)


@admin.register(models.Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ("title", "kind", "signed_on", "host_country", "stage")
    list_filter = ("kind", "stage", "host_country")
    search_fields = ("title", "reference")
    inlines = [ParticipationInline]


@admin.register(models.Milestone)
class MilestoneAdmin(AuditedAdmin):
    list_display = ("title", "agreement", "due_on", "reached_on")
    list_select_related = ("agreement",)


@admin.register(models.Commitment)
class CommitmentAdmin(AuditedAdmin):
    list_display = ("title", "agreement", "owed_by", "category", "due_on", "status")
    list_filter = ("status", "category")
    search_fields = ("title", "clause")
    list_select_related = ("agreement", "owed_by")
    raw_id_fields = ("milestone", "source_interaction")


@admin.register(models.CommitmentStatusChange)
class CommitmentStatusChangeAdmin(admin.ModelAdmin):
    list_display = ("commitment", "from_status", "to_status", "happened_on", "actor")
    readonly_fields = [f.name for f in models.CommitmentStatusChange._meta.fields]

    def has_change_permission(self, request, obj=None):  # the history is not editable
        return False


@admin.register(models.StrategicObjective, models.AgreementDocument)
class SimpleAdmin(AuditedAdmin):
    pass
