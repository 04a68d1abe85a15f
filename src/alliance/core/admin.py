"""The admin site is the administrators' tool; its changes are audited like any other."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from alliance.accounts.choices import AuditAction
from alliance.core.services import audit, snapshot


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin that writes an audit event for every save and delete."""

    readonly_fields: tuple[str, ...] = ("uuid", "created_at")

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        action = AuditAction.UPDATE if change else AuditAction.CREATE
        audit(actor=request.user, obj=obj, action=action, before=before)

    def delete_model(self, request: Any, obj: Any) -> None:
        audit(
            actor=request.user, obj=obj, action=AuditAction.DELETE, before=snapshot(obj), after={}
        )
        super().delete_model(request, obj)
