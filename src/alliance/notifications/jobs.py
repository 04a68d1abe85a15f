"""The periodic jobs: what each writes to the outbox, and for whom.

Every message is written through :func:`alliance.notifications.outbox.notify` with a key
that names what it is about, so a job run twice writes nothing twice. Who receives what:

* a reminder ``REMINDER_WORKING_DAYS`` working days (or fewer) before a commitment's due
  date, counted on the **owing party's** calendar, and a notice once it is overdue, to the
  commitment's owners: the representatives of the owing party in that agreement, or its
  counsellors when the party has none;
* an escalation to the agreement's owner(s) once it is ``ESCALATION_WORKING_DAYS`` working
  days overdue;
* deliveries waiting for confirmation, to the representatives of the party asked (or the
  counsellors), when asked and again after ``CONFIRMATION_AGAIN_DAYS`` days;
* a weekly digest per member, built through the access policy exactly as the pages are;
* pulse invitations to each respondent of a round once it is open, and one reminder
  ``remind_before_days`` before it closes to those who have not answered (by address: a
  respondent needs no account; one who has an account and muted the kind gets none).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from alliance.accounts import policy
from alliance.accounts.choices import Role
from alliance.accounts.models import Membership
from alliance.analytics.selectors import working_calendar
from alliance.attention.counts import RUNNING_STATUSES
from alliance.core import clock
from alliance.engagement import pulse_links
from alliance.engagement.models import PulseRespondent, TrustPulse
from alliance.notifications.choices import Kind
from alliance.notifications.outbox import notify, notify_address, receives
from alliance.partnerships import selectors as partnership_selectors
from alliance.partnerships.choices import OPEN_COMMITMENT_STATUSES, ConfirmationStatus
from alliance.partnerships.models import BlackoutPeriod, Commitment, DeliveryConfirmation, Party
from alliance.risks.choices import WarningStatus

REMINDER_WORKING_DAYS = 5
ESCALATION_WORKING_DAYS = 10
CONFIRMATION_AGAIN_DAYS = 7
DIGEST_DAYS_AHEAD = 14


def _calendar(party: Party, today: date) -> Any:
    blackouts = tuple(
        BlackoutPeriod.objects.filter(party=party).values_list("starts_on", "ends_on")
    )
    return working_calendar(
        party.working_week,
        party.holiday_country or party.country,
        party.holiday_subdivision,
        (today.year - 2, today.year + 2),
        blackouts,
    )


def _members(agreement_id: int, *, roles: tuple[str, ...], party_id: int | None = None) -> list:
    memberships = Membership.objects.filter(agreement_id=agreement_id, role__in=roles)
    if party_id is not None:
        memberships = memberships.filter(party_id=party_id)
    return [m.user for m in memberships.select_related("user").order_by("user__username")]


def speakers_for(agreement_id: int, party_id: int) -> list:
    """Who acts for a party in an agreement: its representatives, else the counsellors."""
    reps = _members(agreement_id, roles=(Role.PARTY_REPRESENTATIVE,), party_id=party_id)
    return reps or _members(agreement_id, roles=(Role.COUNSELLOR,))


def _link(name: str, *args: Any) -> str:
    from django.conf import settings

    return getattr(settings, "SITE_URL", "").rstrip("/") + reverse(name, args=args)


def reminders(today: date) -> int:
    """Reminders before the due date, overdue notices and escalations."""
    written = 0
    open_ = Commitment.objects.filter(status__in=OPEN_COMMITMENT_STATUSES).select_related(
        "agreement", "owed_by"
    )
    calendars: dict[int, Any] = {}
    for c in open_.order_by("due_on", "pk"):
        calendar = calendars.setdefault(c.owed_by_id, _calendar(c.owed_by, today))
        left = int(calendar.working_days_between(today, c.due_on))
        context = {
            "commitment": c,
            "agreement": c.agreement,
            "working_days": abs(left),
            "url": _link("commitment", c.agreement.uuid, c.uuid),
        }
        owners = speakers_for(c.agreement_id, c.owed_by_id)
        if 0 < left <= REMINDER_WORKING_DAYS:
            for user in owners:
                written += _write(f"reminder:{c.uuid}:{c.due_on}:{user.pk}", user, Kind.REMINDER,
                                  "notifications/email/reminder", context, c.agreement)  # fmt: skip
        elif c.due_on < today and c.status in RUNNING_STATUSES:
            late = int(calendar.working_days_between(c.due_on, today))
            context["working_days"] = late
            for user in owners:
                written += _write(f"overdue:{c.uuid}:{c.due_on}:{user.pk}", user, Kind.OVERDUE,
                                  "notifications/email/overdue", context, c.agreement)  # fmt: skip
            if late >= ESCALATION_WORKING_DAYS:
                for user in _members(c.agreement_id, roles=(Role.OWNER,)):
                    written += _write(
                        f"escalation:{c.uuid}:{c.due_on}:{user.pk}", user, Kind.ESCALATION,
                        "notifications/email/escalation",
                        {**context, "owners": owners}, c.agreement,
                    )  # fmt: skip
    return written


def confirmations(today: date) -> int:
    """Deliveries waiting for the answer of the party owed, to whoever answers for it."""
    written = 0
    pending = DeliveryConfirmation.objects.filter(status=ConfirmationStatus.PENDING)
    for conf in pending.select_related("commitment__agreement", "party", "delivery"):
        c = conf.commitment
        waited = (today - conf.delivery.happened_on).days
        round_ = "again" if waited >= CONFIRMATION_AGAIN_DAYS else "asked"
        context = {
            "commitment": c,
            "agreement": c.agreement,
            "confirmation": conf,
            "again": round_ == "again",
            "url": _link("delivery_answer", c.agreement.uuid, c.uuid, conf.uuid),
        }
        for user in speakers_for(c.agreement_id, conf.party_id):
            written += _write(f"confirm:{conf.uuid}:{round_}:{user.pk}", user, Kind.CONFIRMATION,
                              "notifications/email/confirmation", context, c.agreement)  # fmt: skip
    return written


def digest_for(user: Any, today: date) -> dict[str, Any]:
    """What a user's weekly digest says, read through the access policy as the pages are:
    what changed and the new warnings of the last seven days, what falls due in the next
    fourteen, and what they are asked. A representative reads what concerns their party."""
    since, until = today - timedelta(days=7), today + timedelta(days=DIGEST_DAYS_AHEAD)
    commitments = policy.commitments_visible_to(user)
    changes = policy.commitment_status_changes_visible_to(user).filter(
        happened_on__gt=since, happened_on__lte=today
    )
    reps = Membership.objects.filter(user_id=user.pk, role=Role.PARTY_REPRESENTATIVE)
    if not user.is_superuser:
        team_agreements = set(
            Membership.objects.filter(user_id=user.pk)
            .exclude(role=Role.PARTY_REPRESENTATIVE)
            .values_list("agreement_id", flat=True)
        )
        concern = Q(agreement_id__in=team_agreements)
        for agreement_id, party_id in reps.values_list("agreement_id", "party_id"):
            concern |= Q(agreement_id=agreement_id) & (Q(owed_by_id=party_id) | Q(owed_to=party_id))
        commitments = commitments.filter(pk__in=Commitment.objects.filter(concern).values("pk"))
        changes = changes.filter(commitment__in=commitments)
    due = (
        commitments.filter(status__in=OPEN_COMMITMENT_STATUSES, due_on__lte=until)
        .select_related("agreement", "owed_by")
        .order_by("due_on", "pk")
    )
    warnings = (
        policy.early_warnings_visible_to(user)
        .filter(raised_on__gt=since, raised_on__lte=today)
        .exclude(status=WarningStatus.RESOLVED)
        .select_related("agreement")
        .order_by("-raised_on", "pk")
    )
    return {
        "since": since,
        "until": until,
        "changes": list(
            changes.select_related("commitment__agreement").order_by("-happened_on", "pk")[:30]
        ),
        "due": (due_list := list(due[:30])),
        # Overdue as every page counts it (alliance.attention.counts): a disputed commitment's
        # clock is stopped.
        "overdue": {c.pk for c in due_list if c.status in RUNNING_STATUSES and c.due_on < today},
        "warnings": list(warnings[:20]),
        "deliveries": list(partnership_selectors.deliveries_to_confirm(user)[:20]),
        "due_dates": list(partnership_selectors.due_dates_to_answer(user)[:20]),
    }


def digests(today: date, period: str) -> int:
    written = 0
    members = Membership.objects.values("user_id")
    users = get_user_model().objects.filter(is_active=True, pk__in=members).exclude(email="")
    for user in users.order_by("pk"):
        content = digest_for(user, today)
        if not any(content[k] for k in ("changes", "due", "warnings", "deliveries", "due_dates")):
            continue
        context = {**content, "today": today, "url": _link("portfolio")}
        written += _write(f"digest:{period}:{user.pk}", user, Kind.DIGEST,
                          "notifications/email/digest", context, None)  # fmt: skip
    return written


def _write(key: str, user: Any, kind: str, template: str, context: dict, agreement: Any) -> int:
    row = notify(
        key=key,
        user=user,
        kind=kind,
        template_prefix=template,
        context=context,
        agreement=agreement,
    )
    return 0 if row is None else 1


def pulse_mail(today: date, pulses: Any = None) -> int:
    """Invitations to the respondents of the rounds open on ``today`` (each once), and the
    reminder to those who have not answered when the round closes within its reminder days.
    ``pulses`` narrows it to some rounds (a round just opened sends at once)."""
    written = 0
    rounds = TrustPulse.objects.filter(opens_on__lte=today, closes_on__gte=today, closed_at=None)
    if pulses is not None:
        rounds = rounds.filter(pk__in=[p.pk for p in pulses])
    sheets = (
        PulseRespondent.objects.filter(pulse__in=rounds, submitted_at=None)
        .select_related("pulse__agreement", "person__user")
        .prefetch_related("about_parties")
        .order_by("pk")
    )
    for sheet in sheets:
        pulse = sheet.pulse
        remind_from = pulse.closes_on - timedelta(days=pulse.remind_before_days)
        reminder = bool(pulse.remind_before_days) and today >= remind_from
        key = f"pulse:{sheet.uuid}:{'reminder' if reminder else 'invitation'}:{sheet.nonce}"
        if reminder and sheet.invited_at is None:
            # Never invited (the round opened in its reminder days): the invitation says all.
            key = f"pulse:{sheet.uuid}:invitation:{sheet.nonce}"
            reminder = False
        written += write_pulse(sheet, key, reminder=reminder)
    return written


def write_pulse(sheet: PulseRespondent, key: str, *, reminder: bool) -> int:
    person = sheet.person
    user = person.user if person.user_id and person.user.is_active else None
    if user is not None and not receives(user, Kind.PULSE):
        return 0
    context = {
        "person": person,
        "pulse": sheet.pulse,
        "agreement": sheet.pulse.agreement,
        "parties": list(sheet.about_parties.all()),
        "reminder": reminder,
        "url": _link("pulse_answer", pulse_links.current_token(sheet)),
    }
    row = notify_address(
        key=key,
        to=person.email,
        language=sheet.language,
        kind=Kind.PULSE,
        template_prefix="notifications/email/pulse",
        context=context,
        agreement=sheet.pulse.agreement,
        user=user,
    )
    if row is None:
        return 0
    if sheet.invited_at is None:
        PulseRespondent.objects.filter(pk=sheet.pk).update(invited_at=clock.now())
    return 1
