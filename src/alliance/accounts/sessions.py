"""A user's active sessions (allauth's usersessions: one row per signed-in browser, with its
address, browser and last request), described for people and ended on demand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from allauth.usersessions.models import UserSession
from django.utils.translation import gettext as _
from ua_parser import parse


@dataclass(frozen=True)
class SessionRow:
    """One session as the sessions page lists it."""

    uuid: str  # the row's id, not the session key: the key is a secret of its browser
    browser: str
    device: str
    ip: str
    started: datetime
    last_seen: datetime
    is_current: bool


def describe_user_agent(user_agent: str) -> tuple[str, str]:
    """('Firefox 133', 'Windows 11') — the browser and the device or system it runs on."""
    if not user_agent:
        return _("Unknown browser"), _("Unknown device")
    result = parse(user_agent)
    agent, os, device = result.user_agent, result.os, result.device
    browser = " ".join(x for x in (agent.family, agent.major) if x) if agent else ""
    system = " ".join(x for x in (os.family, os.major) if x) if os else ""
    if device and device.family not in {"Other", "Spider"} and device.family != system:
        system = f"{device.family} ({system})" if system else device.family
    return browser or _("Unknown browser"), system or _("Unknown device")


def active_sessions(user: Any, current_key: str | None) -> list[SessionRow]:
    """The user's live sessions, the current one first, then the most recently seen."""
    rows = []
    for session in UserSession.objects.purge_and_list(user):
        browser, device = describe_user_agent(session.user_agent)
        rows.append(
            SessionRow(
                uuid=str(session.pk),
                browser=browser,
                device=device,
                ip=session.ip,
                started=session.created_at,
                last_seen=session.last_seen_at,
                is_current=session.session_key == current_key,
            )
        )
    return sorted(rows, key=lambda r: (not r.is_current, -r.last_seen.timestamp()))


def end_sessions(user: Any, *, keep_key: str | None = None) -> int:
    """End every session of ``user`` except ``keep_key``; return how many ended."""
    ended = 0
    for session in UserSession.objects.filter(user_id=user.pk).exclude(session_key=keep_key or ""):
        session.end()
        ended += 1
    return ended
