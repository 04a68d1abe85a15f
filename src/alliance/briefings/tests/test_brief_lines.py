"""Single lines of the agreement brief: the rating arrows and a disputed commitment's why."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from alliance.briefings import ratings, wording
from alliance.briefings.selectors import KeyCommitment, RatingLine


def _line(name: str, direction: str | None) -> RatingLine:
    rating = ratings.Rating(name, None, None, ratings.INSUFFICIENT, None, {})
    return RatingLine(
        name=name,
        label=name,
        current=None,
        current_label="",
        previous=None,
        previous_label="",
        direction=direction,
        evidence="",
        state=ratings.INSUFFICIENT,
        rating=rating,
    )


@pytest.mark.parametrize(
    ("name", "direction", "arrow"),
    [
        ("progress", "better", "▲"),
        ("progress", "worse", "▼"),
        ("implementation", "better", "▲"),
        # Risk falling from Substantial to Moderate is better news and a move down the scale:
        # the review read a green ▲ beside a lower risk as "risk went up".
        ("risk", "better", "▼"),
        ("risk", "worse", "▲"),
        ("risk", "same", "="),
    ],
)
def test_the_arrow_follows_the_scale_and_the_colour_the_news(name, direction, arrow):
    line = _line(name, direction)
    assert line.arrow == arrow
    with translation.override("en"):
        assert "previous rating" in line.direction_label


def _key(**changes) -> KeyCommitment:
    values = {
        "uuid": "u",
        "title": "Certify the signalling",
        "owed_by": "Valmont",
        "owed_to": ["MINT"],
        "due": date(2025, 11, 13),
        "status": "disputed",
        "status_label": "Disputed",
        "days_late": 0,
        "probability_on_time": 0.0,
        "p80": date(2027, 3, 12),
        "days_added": 0,
        "affected": [],
        "why": "",
        "past_due_in_dispute": True,
    }
    return KeyCommitment(**{**values, **changes})


def test_a_disputed_commitment_past_due_is_not_said_to_be_days_late():
    with translation.override("en"):
        why = wording.commitment_why(_key())
        assert "days late" not in why and "in dispute" in why
        late = wording.commitment_why(_key(status="late", days_late=385, past_due_in_dispute=False))
        assert late.startswith("385 days late")
