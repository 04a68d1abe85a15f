"""What the current user is on an agreement, asked once per request from the access policy.

Templates use it to decide which buttons to show; the services check again on every write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alliance.accounts import policy
from alliance.accounts.choices import TEAM_ROLES, Role


@dataclass(frozen=True)
class Access:
    role: str | None  # None for an administrator without a membership
    party_id: int | None  # the party a representative represents
    is_team: bool  # owner, counsellor, editor or administrator: sees internal items, edits

    @property
    def is_rep(self) -> bool:
        return self.role == Role.PARTY_REPRESENTATIVE

    @property
    def is_viewer(self) -> bool:
        return self.role == Role.VIEWER

    def may_change_commitment(self, commitment: Any) -> bool:
        """The policy's rule (``policy.can_change``) without a query per row."""
        return self.is_team or (self.is_rep and commitment.owed_by_id == self.party_id)


def access_for(user: Any, agreement: Any) -> Access:
    return access_from(user, agreement, policy.role_on(user, agreement.pk))


def access_from(user: Any, agreement: Any, membership: Any) -> Access:
    """The access ``membership`` (``user``'s of ``agreement``, or None) gives."""
    return Access(
        role=membership.role if membership else None,
        party_id=membership.party_id if membership else None,
        # A member's role says it (the policy's rule); an administrator is on every team.
        is_team=(
            membership.role in TEAM_ROLES
            if membership is not None and not user.is_superuser
            else policy.is_team_member(user, agreement)
        ),
    )
