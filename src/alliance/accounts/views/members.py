"""The members of an agreement: who has which role, who is invited; invite, resend, cancel,
change a role, revoke. Owners do everything; counsellors see the page and invite party
representatives; everyone else gets 404."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from alliance.accounts import policy, services, two_factor
from alliance.accounts.choices import InvitationStatus, Role
from alliance.accounts.forms import InvitationForm, MembershipRoleForm
from alliance.accounts.models import Membership
from alliance.partnerships.models import Agreement


def _agreement(request: HttpRequest, agreement_id: UUID) -> tuple[Agreement, Membership | None]:
    agreement = policy.get_visible_or_404(request.user, Agreement, uuid=agreement_id)
    membership = policy.role_on(request.user, agreement.pk)
    if not (
        policy.can_manage_members(request.user, agreement)
        or (membership is not None and membership.role == Role.COUNSELLOR)
    ):
        raise Http404
    return agreement, membership


def _invitable_roles(user: Any, agreement: Agreement) -> list[str]:
    return [r for r in Role.values if policy.can_invite(user, agreement, r)]


@login_required
def members(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, _membership = _agreement(request, agreement_id)
    roles = _invitable_roles(request.user, agreement)
    invite_form = InvitationForm(
        request.POST if request.POST.get("action") == "invite" else None,
        agreement=agreement,
        roles=roles,
        initial={"language": request.LANGUAGE_CODE},
    )
    if request.method == "POST":
        response = _act(request, agreement, invite_form)
        if response is not None:
            return response
    return render(request, "accounts/members.html", _context(request, agreement, invite_form))


def _context(request: HttpRequest, agreement: Agreement, invite_form: Any) -> dict[str, Any]:
    manage = policy.can_manage_members(request.user, agreement)
    rows = (
        policy.memberships_visible_to(request.user)
        .filter(agreement=agreement)
        .select_related("user", "party")
        .order_by("role", "user__last_name", "user__username")
    )
    with_factor = set(
        two_factor.Authenticator.objects.filter(
            user__in=[m.user_id for m in rows], type__in=two_factor.SECOND_FACTORS
        ).values_list("user_id", flat=True)
    )
    invitations = (
        policy.invitations_visible_to(request.user)
        .filter(agreement=agreement, status=InvitationStatus.PENDING)
        .select_related("party", "invited_by")
    )
    return {
        "agreement": agreement,
        "manage": manage,
        "members": [
            (
                m,
                m.user_id in with_factor,
                MembershipRoleForm(
                    agreement=agreement,
                    initial={"role": m.role, "party": m.party_id},
                    prefix=f"m-{m.user.username}",
                ),
            )
            for m in rows
        ],
        "invitations": invitations,
        "invite_form": invite_form,
        "team_roles": [str(r) for r in (Role.OWNER, Role.COUNSELLOR, Role.EDITOR)],
    }


def _warn_of_namesakes(request: HttpRequest, data: dict[str, Any]) -> None:
    """Say so when the address is a person's of another party: the account will not be
    linked to them (a person belongs to one party)."""
    if data["role"] != Role.PARTY_REPRESENTATIVE:
        return
    party = data["party"]
    for person in services.invitation_namesakes(
        actor=request.user, email=data["email"], party=party
    ):
        messages.warning(
            request,
            _("%(email)s is also the address of %(person)s (%(other)s). When accepted, the "
              "account will represent %(party)s and be linked to a person of %(party)s, "
              "not to %(person)s.")
            % {"email": data["email"], "person": person.name, "other": person.party.name,
               "party": party.name},
        )  # fmt: skip


def _act(request: HttpRequest, agreement: Agreement, invite_form: Any) -> HttpResponse | None:
    """Carry out one POSTed action; return a redirect when done, None to show the page again
    (with the form's errors)."""
    action = request.POST.get("action")
    here = reverse("agreement_members", args=[agreement.uuid])
    try:
        if action == "invite":
            if not invite_form.is_valid():
                return None
            data = invite_form.cleaned_data
            services.invitation_create(
                actor=request.user,
                agreement=agreement,
                email=data["email"],
                name=data["name"],
                role=data["role"],
                party=data["party"] if data["role"] == Role.PARTY_REPRESENTATIVE else None,
                language=data["language"],
                accept_url=_accept_url(request),
            )
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
            _warn_of_namesakes(request, data)
        elif action in {"resend", "cancel"}:
            invitation = _invitation(request, agreement)
            if action == "resend":
                services.invitation_resend(
                    actor=request.user, invitation=invitation, accept_url=_accept_url(request)
                )
                messages.success(request, _("Invitation sent again, with a new link."))
            else:
                services.invitation_cancel(actor=request.user, invitation=invitation)
                messages.success(request, _("Invitation withdrawn: its link no longer works."))
        elif action in {"role", "revoke"}:
            membership = _member(request, agreement)
            if action == "revoke":
                services.membership_revoke(actor=request.user, membership=membership)
                messages.success(
                    request,
                    _("%(user)s no longer has access to this agreement.")
                    % {"user": membership.user},
                )
            else:
                form = MembershipRoleForm(
                    request.POST, agreement=agreement, prefix=f"m-{membership.user.username}"
                )
                if not form.is_valid():
                    messages.error(request, _("Choose a role."))
                    return redirect(here)
                role = form.cleaned_data["role"]
                services.membership_grant(
                    actor=request.user,
                    agreement=agreement,
                    user=membership.user,
                    role=role,
                    party=form.cleaned_data["party"] if role == Role.PARTY_REPRESENTATIVE else None,
                )
                messages.success(request, _("Role changed."))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        for text in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, text)
        if action == "invite" and isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                invite_form.add_error(field if field in invite_form.fields else None, errors)
            return None
    return redirect(here)


def _accept_url(request: HttpRequest) -> Any:
    def build(token: str) -> str:
        return request.build_absolute_uri(reverse("invitation_accept", args=[token]))

    return build


def _invitation(request: HttpRequest, agreement: Agreement) -> Any:
    try:
        uuid = UUID(request.POST.get("invitation", ""))
    except ValueError as exc:
        raise Http404 from exc
    invitation = (
        policy.invitations_visible_to(request.user).filter(agreement=agreement, uuid=uuid).first()
    )
    if invitation is None:
        raise Http404
    return invitation


def _member(request: HttpRequest, agreement: Agreement) -> Membership:
    if not policy.can_manage_members(request.user, agreement):
        raise PermissionDenied(_("Only the agreement's owner may manage its members."))
    membership = (
        Membership.objects.filter(agreement=agreement, user__username=request.POST.get("member"))
        .select_related("user", "agreement")
        .first()
    )
    if membership is None:
        raise Http404
    return membership
