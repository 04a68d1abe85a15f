"""Personal pulse links: a token per respondent, stored only as a digest.

The token is ``HMAC-SHA256(SECRET_KEY, "pulse-link:<sheet uuid>:<nonce>")`` in hex. The
database keeps the random ``nonce`` and ``SHA-256(token)`` (unique, to find the sheet a link
names, as the invitation and calendar-feed tokens are found): a copy of the database without
the server's secret key opens no form. Deriving the token (instead of drawing it at random
and forgetting it) lets the scheduler write a reminder with the same link days later, and the
demo print one. A new nonce (``new_link``) kills the old link.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from alliance.core import clock
from alliance.engagement.models import PulseRespondent, TrustPulse

SALT = "alliance.engagement.pulse-link"
TOKEN_LENGTH = 64  # hex characters of an HMAC-SHA256


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_for(sheet: PulseRespondent) -> str:
    """The link token of ``sheet`` (recomputed from the secret key and the stored nonce)."""
    value = f"pulse-link:{sheet.uuid}:{sheet.nonce}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()


def new_link(sheet: PulseRespondent) -> str:
    """Give ``sheet`` a fresh nonce and digest (the caller saves it); return the token."""
    sheet.nonce = secrets.token_hex(16)
    token = token_for(sheet)
    sheet.token_hash = digest(token)
    return token


def current_token(sheet: PulseRespondent) -> str:
    """The token of the sheet's live link. After a change of the server's secret key the
    stored digest no longer matches: a new link is made (and saved), the old one dies."""
    token = token_for(sheet)
    if not constant_time_compare(digest(token), sheet.token_hash):
        token = new_link(sheet)
        sheet.save(update_fields=["nonce", "token_hash"])
    return token


def draft_key(token: str) -> str:
    """The name under which the browser keeps what was tapped on this link (``localStorage``):
    derived from the token with the server's secret, so the device's storage never holds the
    link itself, and one link's key says nothing of another's."""
    return salted_hmac(SALT + ".draft", token, algorithm="sha256").hexdigest()[:32]


def sheet_by_token(token: str) -> PulseRespondent | None:
    """The sheet a link names, whatever its state; None for a forged or malformed link."""
    if not token or len(token) != TOKEN_LENGTH:
        return None
    return (
        PulseRespondent.objects.select_related("pulse__agreement", "person__party")
        .filter(token_hash=digest(token))
        .first()
    )


def expiry_for(closes_on: Any) -> datetime:
    """A link works until the end of the round's closing day (server time zone)."""
    end = datetime.combine(closes_on + timedelta(days=1), time.min)
    return timezone.make_aware(end)


class State:
    OPEN = "open"
    ANSWERED = "answered"
    EXPIRED = "expired"
    NOT_YET = "not_yet"


def state_of(sheet: PulseRespondent) -> str:
    """Whether the link can be used on the clock's day: answered links are spent, a closed
    round's (or an expired link's) are dead, a round not open yet waits. Links expire by
    whole days (the one clock's day, which tests and the demo may freeze)."""
    today = clock.today()
    if sheet.submitted_at is not None:
        return State.ANSWERED
    if sheet.pulse.closed_at is not None:  # closed early by the team
        return State.EXPIRED
    if timezone.localtime(sheet.expires_at).date() <= today or sheet.pulse.closes_on < today:
        return State.EXPIRED
    if sheet.pulse.opens_on > today:
        return State.NOT_YET
    return State.OPEN


def round_takes_answers(pulse: TrustPulse, today: Any, *, or_will: bool = False) -> bool:
    """Whether ``pulse`` is open on ``today`` (not closed early, within its dates);
    ``or_will`` counts a round that has not opened yet."""
    if pulse.closed_at is not None or pulse.closes_on < today:
        return False
    return or_will or pulse.opens_on <= today
