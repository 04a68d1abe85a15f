from django.contrib import admin

from alliance.accounts import models
from alliance.core.admin import AuditedAdmin


@admin.register(models.Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "agreement", "role", "party")
    list_filter = ("role",)
    readonly_fields = ()


@admin.register(models.AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    readonly_fields = [f.name for f in models.AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
