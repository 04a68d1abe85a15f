"""How allauth fits Alliance: nobody signs up alone (people are invited), e-mail goes out in
the recipient's language with an HTML part, secrets of authenticator apps are encrypted at
rest, and the counsellor team cannot remove its last second factor."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from alliance.accounts import mail, two_factor
from alliance.core import encryption


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Accounts are made by accepting an invitation (or by an administrator)."""
        return False

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> Any:
        to = email if isinstance(email, str) else email[0]
        user = context.get("user")
        if user is None:
            users = filter_users_by_email(to)
            user = users[0] if users else None
        return mail.build_message(
            to=to,
            template_prefix=template_prefix,
            context=context,
            language=mail.language_of(user),
            headers=headers,
        )


class TwoFactorAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        """The secret of an authenticator app, encrypted with the confidential-text keys."""
        return encryption.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return encryption.decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Whoever must use a second factor keeps at least one (recovery codes are not one)."""
        if authenticator.type not in two_factor.SECOND_FACTORS:
            return True
        user = authenticator.user
        if not two_factor.two_factor_required(user):
            return True
        others = Authenticator.objects.filter(
            user_id=user.pk, type__in=two_factor.SECOND_FACTORS
        ).exclude(pk=authenticator.pk)
        return others.exists()
