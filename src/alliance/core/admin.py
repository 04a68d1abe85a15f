"""The admin site is the administrators' tool; its changes are audited like any other."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from alliance.accounts.choices import AuditAction
from alliance.core.search import is_encrypted, text_search
from alliance.core.services import audit, snapshot


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin that writes an audit event for every save and delete."""

    readonly_fields: tuple[str, ...] = ("uuid", "created_at")

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        action = AuditAction.UPDATE if change else AuditAction.CREATE
        audit(actor=request.user, obj=obj, action=action, before=before)

    def get_search_results(self, request: Any, queryset: Any, search_term: str) -> Any:
        """Encrypted fields among ``search_fields`` are decrypted and matched in Python
        (``core.search``); the database searches the others."""
        sealed = tuple(f for f in self.search_fields if is_encrypted(self.model, f))
        if not sealed or not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        return text_search(queryset, tuple(self.search_fields), search_term), False

    def delete_model(self, request: Any, obj: Any) -> None:
        audit(
            actor=request.user, obj=obj, action=AuditAction.DELETE, before=snapshot(obj), after={}
        )
        super().delete_model(request, obj)
