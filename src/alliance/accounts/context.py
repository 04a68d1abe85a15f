"""Template context of accounts (computed only when a template asks for it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from alliance.accounts import two_factor


def account(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)

    def two_factor_missing() -> bool:
        return (
            user is not None
            and two_factor.two_factor_required(user)
            and not two_factor.has_second_factor(user)
        )

    return {"two_factor_missing": two_factor_missing}
