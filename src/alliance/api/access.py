"""The one access policy, as the API's caller sees it: the user's querysets, narrowed to the
token's agreement when the token names one, and the token's scope on every write.

Anything the caller may not see answers 404 like something that does not exist; something
they may see but not change answers 403 (its existence is no secret to them).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from alliance.accounts import policy
from alliance.api.problems import Problem
from alliance.partnerships.models import BlackoutPeriod, Participation, Party, Person


def token_of(request: HttpRequest) -> Any:
    return getattr(request, "api_token", None)


def visible(request: HttpRequest, model: type[Model]) -> QuerySet:
    """What the caller may see of ``model``: the policy's queryset for the user, within the
    token's agreement if it names one."""
    qs = policy.visible_to(request.auth, model)  # type: ignore[attr-defined]
    token = token_of(request)
    if token is None or token.agreement_id is None:
        return qs
    if model in (Party, Person, BlackoutPeriod):
        parties = Participation.objects.filter(agreement_id=token.agreement_id).values("party_id")
        return qs.filter(**{"pk__in" if model is Party else "party_id__in": parties})
    return qs.filter(**{policy.AGREEMENT_PATH[model]: token.agreement_id})


def get_or_404(request: HttpRequest, model: type[Model], **lookup: Any) -> Any:
    return one_or_404(visible(request, model), **lookup)


def one_or_404(queryset: QuerySet, **lookup: Any) -> Any:
    """The one object of ``queryset`` matching ``lookup``, else 404."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def require_write(request: HttpRequest, obj: Model | None = None) -> None:
    """Refuse a write the token's scope or the policy does not allow (403)."""
    token = token_of(request)
    if token is not None and not token.may_write:
        raise Problem(403, "read-only-token", _("This token may only read."))
    if obj is not None and not policy.can_change(request.auth, obj):  # type: ignore[attr-defined]
        raise Problem(403, "forbidden", _("You may not change this item."))


def require_team(request: HttpRequest, agreement: Any) -> None:
    """What the pages let only the counsellor team do (create and edit an agreement's
    items, change a commitment's terms)."""
    require_write(request)
    if not policy.is_team_member(request.auth, agreement):  # type: ignore[attr-defined]
        raise Problem(403, "forbidden", _("Only the counsellor team may do this."))


def require_unscoped(request: HttpRequest) -> None:
    """Refuse what lies outside any one agreement to a token limited to one."""
    token = token_of(request)
    if token is not None and token.agreement_id is not None:
        raise Problem(403, "agreement-token", _("This token is limited to one agreement."))
