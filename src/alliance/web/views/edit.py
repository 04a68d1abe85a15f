"""Create, edit and delete any entity through its form and its services (see ``entities``).

Who may open a form is the policy's answer: a user who may not change an object gets 404,
exactly like for an object they may not see. A refusal by the service (permission or
validation) comes back as inline errors and messages naming the field; nothing is written.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, ProtectedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from alliance.accounts import policy
from alliance.partnerships.models import Agreement, Commitment, Party
from alliance.web.access import Access
from alliance.web.entities import AGREEMENT, AGREEMENT_ENTITIES, PARTY, PARTY_ENTITIES, Entity
from alliance.web.views.common import (
    agreement_for,
    insights_outdated,
    render_page,
    report_refusal,
)

FORM_TEMPLATE = "web/forms/entity_form.html"
DELETE_TEMPLATE = "web/forms/entity_delete.html"


def _spec(registry: dict[str, Entity], slug: str) -> Entity:
    try:
        return registry[slug]
    except KeyError:
        raise Http404 from None


def _may_create(spec: Entity, access: Access) -> bool:
    return access.is_team or (spec.rep_may_create and access.is_rep)


def _agreement_object(
    request: HttpRequest, spec: Entity, agreement: Agreement, access: Access, obj_id: UUID
) -> Model:
    """The object, if visible, in this agreement, and changeable by the user — else 404.

    Outside the team only pulse answers are edited here: a representative moves their party's
    commitments through the status change, never their terms.
    """
    path = policy.AGREEMENT_PATH[spec.model]
    obj = policy.get_visible_or_404(request.user, spec.model, uuid=obj_id, **{path: agreement.pk})
    if not (access.is_team or spec.rep_may_create) or not policy.can_change(request.user, obj):
        raise Http404
    return obj


def _after(spec: Entity, obj: Model, parent: Any) -> str:
    if isinstance(obj, Commitment):
        return reverse("commitment", args=[obj.agreement.uuid, obj.uuid])
    if isinstance(obj, Party):
        return reverse("party", args=[obj.uuid])
    if isinstance(obj, Agreement):
        return reverse("agreement", args=[obj.uuid])
    return reverse(spec.back, args=[parent.uuid])


def _form_kwargs(request: HttpRequest, spec: Entity, parent: Any, access: Access | None) -> dict:
    kwargs: dict[str, Any] = {"user": request.user}
    if isinstance(parent, Agreement):
        kwargs["agreement"] = parent
    elif isinstance(parent, Party):
        kwargs["party"] = parent
    if spec.slug == "responses" and access is not None and access.is_rep:
        kwargs["rep_party_id"] = access.party_id
        kwargs["rep_user_id"] = request.user.pk
    return kwargs


def _form_page(
    request: HttpRequest,
    spec: Entity,
    parent: Any,
    obj: Model | None,
    *,
    access: Access | None = None,
    cancel: str,
    delete_url: str | None = None,
) -> HttpResponse:
    """Show the form; on a valid POST hand the data to the service and go back."""
    editing = obj is not None and obj.pk is not None
    instance = obj if obj is not None else _blank(spec, parent)
    form = spec.form(
        request.POST or None, instance=instance, **_form_kwargs(request, spec, parent, access)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if editing:
                # The form wrote onto ``instance``: the service gets a fresh copy so that its
                # audit event records the real "before".
                fresh = type(obj)._default_manager.get(pk=obj.pk)  # type: ignore[union-attr]
                saved = spec.update(request.user, fresh, form.service_data())
            else:
                saved = spec.create(request.user, parent, form.service_data())
        except (ValidationError, PermissionDenied) as exc:
            report_refusal(request, exc, form)
        else:
            messages.success(request, _("Saved: %(obj)s") % {"obj": saved})
            insights_outdated(parent if parent is not None else saved)
            return redirect(_after(spec, saved, parent))
    verbose = spec.model._meta.verbose_name
    title = (
        _("Edit %(what)s: %(obj)s") % {"what": verbose, "obj": obj}
        if editing
        else _("New %(what)s") % {"what": verbose}
    )
    context = {
        "form": form,
        "title": title,
        "parent": parent,
        "cancel_url": cancel,
        "delete_url": delete_url,
        "agreement": parent if isinstance(parent, Agreement) else None,
    }
    status = 400 if request.method == "POST" else 200
    return render_page(request, FORM_TEMPLATE, context, status=status)


def _blank(spec: Entity, parent: Any) -> Model:
    if spec.has_agreement_field and isinstance(parent, Agreement):
        return spec.model(agreement=parent)
    if isinstance(parent, Party) and any(
        f.name == "party" for f in spec.model._meta.concrete_fields
    ):
        return spec.model(party=parent)
    return spec.model()


def _delete_page(
    request: HttpRequest,
    spec: Entity,
    obj: Model,
    *,
    cancel: str,
    done: str,
    concerns: Any = None,
) -> HttpResponse:
    """Confirm, then delete through the service; ``concerns`` is the agreement or party
    whose insights the deletion changes."""
    if request.method == "POST":
        try:
            spec.delete(request.user, obj)
        except (ValidationError, PermissionDenied) as exc:
            report_refusal(request, exc)
        else:
            messages.success(request, _("Deleted: %(obj)s") % {"obj": obj})
            insights_outdated(concerns)
            return redirect(done)
    try:
        plan = spec.plan(request.user, obj)
    except ProtectedError:
        plan = None  # the confirmation page says it cannot go; posting says why
    context = {
        "obj": obj,
        "what": spec.model._meta.verbose_name,
        "cancel_url": cancel,
        "plan": plan,
    }
    return render_page(request, DELETE_TEMPLATE, context)


# ----- entities of an agreement -----


@login_required
def agreement_entity_create(request: HttpRequest, agreement_id: UUID, entity: str) -> HttpResponse:
    spec = _spec(AGREEMENT_ENTITIES, entity)
    agreement, access = agreement_for(request, agreement_id)
    if not _may_create(spec, access):
        raise Http404
    back = reverse(spec.back, args=[agreement.uuid])
    return _form_page(request, spec, agreement, None, access=access, cancel=back)


@login_required
def agreement_entity_edit(
    request: HttpRequest, agreement_id: UUID, entity: str, obj_id: UUID
) -> HttpResponse:
    spec = _spec(AGREEMENT_ENTITIES, entity)
    agreement, access = agreement_for(request, agreement_id)
    obj = _agreement_object(request, spec, agreement, access, obj_id)
    delete_url = reverse("entity_delete", args=[agreement.uuid, entity, obj_id])
    back = _after(spec, obj, agreement)
    return _form_page(
        request, spec, agreement, obj, access=access, cancel=back, delete_url=delete_url
    )


@login_required
def agreement_entity_delete(
    request: HttpRequest, agreement_id: UUID, entity: str, obj_id: UUID
) -> HttpResponse:
    spec = _spec(AGREEMENT_ENTITIES, entity)
    agreement, access = agreement_for(request, agreement_id)
    obj = _agreement_object(request, spec, agreement, access, obj_id)
    back = reverse(spec.back, args=[agreement.uuid])
    return _delete_page(
        request, spec, obj, cancel=_after(spec, obj, agreement), done=back, concerns=agreement
    )


# ----- agreements themselves -----


@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_staff or request.user.is_superuser):
        raise Http404
    return _form_page(request, AGREEMENT, None, None, cancel=reverse("portfolio"))


@login_required
def agreement_edit(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    if not policy.can_change(request.user, agreement):
        raise Http404
    delete_url = (
        reverse("agreement_delete", args=[agreement.uuid])
        if policy.can_manage_members(request.user, agreement)
        else None
    )
    back = reverse("agreement", args=[agreement.uuid])
    return _form_page(
        request, AGREEMENT, None, agreement, access=access, cancel=back, delete_url=delete_url
    )


@login_required
def agreement_delete(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, _access = agreement_for(request, agreement_id)
    if not policy.can_manage_members(request.user, agreement):
        raise Http404
    back = reverse("agreement", args=[agreement.uuid])
    return _delete_page(request, AGREEMENT, agreement, cancel=back, done=reverse("portfolio"))


# ----- parties and what hangs from them -----


def _party(request: HttpRequest, party_id: UUID, *, change: bool) -> Party:
    party = policy.get_visible_or_404(request.user, Party, uuid=party_id)
    if change and not policy.can_change(request.user, party):
        raise Http404
    return party


@login_required
def party_create(request: HttpRequest) -> HttpResponse:
    if not policy.can_change_party(request.user, None):
        raise Http404
    return _form_page(request, PARTY, None, None, cancel=reverse("portfolio"))


@login_required
def party_edit(request: HttpRequest, party_id: UUID) -> HttpResponse:
    party = _party(request, party_id, change=True)
    back = reverse("party", args=[party.uuid])
    delete_url = reverse("party_delete", args=[party.uuid])
    return _form_page(request, PARTY, None, party, cancel=back, delete_url=delete_url)


@login_required
def party_delete(request: HttpRequest, party_id: UUID) -> HttpResponse:
    party = _party(request, party_id, change=True)
    back = reverse("party", args=[party.uuid])
    return _delete_page(
        request, PARTY, party, cancel=back, done=reverse("portfolio"), concerns=party
    )


@login_required
def party_entity_create(request: HttpRequest, party_id: UUID, entity: str) -> HttpResponse:
    spec = _spec(PARTY_ENTITIES, entity)
    party = _party(request, party_id, change=True)
    return _form_page(request, spec, party, None, cancel=reverse("party", args=[party.uuid]))


def _party_object(request: HttpRequest, spec: Entity, party: Party, obj_id: UUID) -> Model:
    obj = policy.get_visible_or_404(request.user, spec.model, uuid=obj_id, party=party)
    if not policy.can_change(request.user, obj):
        raise Http404
    return obj


@login_required
def party_entity_edit(
    request: HttpRequest, party_id: UUID, entity: str, obj_id: UUID
) -> HttpResponse:
    spec = _spec(PARTY_ENTITIES, entity)
    party = _party(request, party_id, change=False)
    obj = _party_object(request, spec, party, obj_id)
    back = reverse("party", args=[party.uuid])
    delete_url = reverse("party_entity_delete", args=[party.uuid, entity, obj_id])
    return _form_page(request, spec, party, obj, cancel=back, delete_url=delete_url)


@login_required
def party_entity_delete(
    request: HttpRequest, party_id: UUID, entity: str, obj_id: UUID
) -> HttpResponse:
    spec = _spec(PARTY_ENTITIES, entity)
    party = _party(request, party_id, change=False)
    obj = _party_object(request, spec, party, obj_id)
    back = reverse("party", args=[party.uuid])
    return _delete_page(request, spec, obj, cancel=back, done=back, concerns=party)
