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


def _rated(name: str, current: str, previous: str | None, direction: str | None) -> RatingLine:
    line = _line(name, direction)
    return RatingLine(**{**line.__dict__, "current": current, "previous": previous})


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "moderately unsatisfactory (down from satisfactory)"),
        # "mise en œuvre" is feminine: the review read "moyennement insatisfaisant".
        ("fr", "moyennement insatisfaisante (en baisse, contre satisfaisante)"),
        ("de", "mäßig unzufriedenstellend (verschlechtert von zufriedenstellend)"),
    ],
)
def test_the_implementation_level_agrees_with_its_subject(language, said):
    line = _rated("implementation", "moderately_unsatisfactory", "satisfactory", "worse")
    with translation.override(language):
        assert wording.rating_phrase(line) == said


@pytest.mark.parametrize(
    ("language", "progress", "risk"),
    [
        ("en", "satisfactory", "high"),
        ("fr", "satisfaisant", "élevé"),  # "progrès" and "risque" are masculine
        ("de", "zufriedenstellend", "hoch"),
    ],
)
def test_progress_and_risk_levels_agree_with_theirs(language, progress, risk):
    with translation.override(language):
        assert wording.rating_phrase(_rated("progress", "satisfactory", None, None)) == progress
        assert wording.rating_phrase(_rated("risk", "high", None, None)) == risk


@pytest.mark.parametrize(
    ("language", "counts"),
    [
        ("en", "1 high, 1 substantial, 2 moderate"),
        ("fr", "1 élevé, 1 substantiel, 2 modérés"),  # not "2 modéré"
        ("de", "1 hohes, 1 erhebliches, 2 mäßige"),
    ],
)
def test_open_risks_by_level_agree_with_their_count(language, counts):
    rating = ratings.Rating(
        "risk",
        "high",
        None,
        ratings.ESTABLISHED,
        None,
        {
            "register": "high",
            "open_risks": 4,
            "by_rating": {"moderate": 2, "substantial": 1, "high": 1},
            "forecast": None,
            "on_track": None,
            "open_dated": 0,
        },
    )
    with translation.override(language):
        assert counts in wording.rating_evidence(rating)
