"""iCalendar feeds: one user's view of one agreement's commitment deadlines, milestones and
meetings, for Outlook, Google or Apple calendars to subscribe to. Built from the access
policy's querysets, so a feed holds exactly what its user may see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from alliance.accounts import policy
from alliance.partnerships.choices import OPEN_COMMITMENT_STATUSES
from alliance.partnerships.models import Agreement

PRODID = "-//Alliance//Agreement calendar//EN"
UID_DOMAIN = "alliance.invalid"


def build_calendar(user: Any, agreement: Agreement, *, now: datetime | None = None) -> bytes:
    """The feed as iCalendar bytes (RFC 5545)."""
    stamp = now or datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Alliance – {agreement.title}")
    for event in _commitment_events(user, agreement):
        calendar.add_component(_stamped(event, stamp))
    for event in _milestone_events(user, agreement):
        calendar.add_component(_stamped(event, stamp))
    for event in _meeting_events(user, agreement):
        calendar.add_component(_stamped(event, stamp))
    return calendar.to_ical()


def _stamped(event: Event, stamp: datetime) -> Event:
    event.add("dtstamp", stamp)
    return event


def _all_day(uid: str, day: Any, summary: str, description: str = "") -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def _commitment_events(user: Any, agreement: Agreement) -> list[Event]:
    commitments = (
        policy.commitments_visible_to(user)
        .filter(agreement=agreement)
        .select_related("owed_by")
        .order_by("due_on", "pk")
    )
    events = []
    for c in commitments:
        state = _("open") if c.status in OPEN_COMMITMENT_STATUSES else c.get_status_display()
        summary = _("Due: %(title)s (%(party)s)") % {"title": c.title, "party": c.owed_by}
        event = _all_day(f"commitment-{c.uuid}", c.due_on, summary, f"{state}. {c.description}")
        event.add("categories", [c.get_category_display()])
        events.append(event)
    return events


def _milestone_events(user: Any, agreement: Agreement) -> list[Event]:
    milestones = policy.milestones_visible_to(user).filter(agreement=agreement)
    return [
        _all_day(f"milestone-{m.uuid}", m.due_on, _("Milestone: %(t)s") % {"t": m.title})
        for m in milestones.order_by("due_on", "pk")
    ]


def _meeting_events(user: Any, agreement: Agreement) -> list[Event]:
    interactions = (
        policy.interactions_visible_to(user)
        .filter(agreement=agreement)
        .prefetch_related("parties")
        .order_by("occurred_on", "pk")
    )
    events = []
    for i in interactions:
        parties = ", ".join(str(p) for p in i.parties.all())
        summary = f"{i.get_kind_display()}: {parties}"
        events.append(_all_day(f"interaction-{i.uuid}", i.occurred_on, summary, i.summary))
    return events
