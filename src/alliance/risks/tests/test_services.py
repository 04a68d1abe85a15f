"""Risk services: warnings are raised once per key; indicators keep observations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from alliance.accounts.models import AuditEvent
from alliance.risks import services as rs
from alliance.risks.models import EarlyWarning


def test_raising_a_warning_twice_updates_instead_of_duplicating(world):
    fields = dict(
        rule="overdue", title="Permit overdue", severity="warning", raised_on=date(2025, 6, 2)
    )
    first, created = rs.early_warning_raise(
        actor=world.owner, agreement=world.agreement, key="k1", **fields
    )
    assert created
    again, created = rs.early_warning_raise(
        actor=world.owner, agreement=world.agreement, key="k1", **{**fields, "severity": "critical"}
    )
    assert not created and again.pk == first.pk
    assert EarlyWarning.objects.get().severity == "critical"
    assert AuditEvent.objects.filter(object_id=str(first.uuid)).count() == 2


def test_a_manual_warning_must_say_why(world):
    with pytest.raises(ValidationError) as exc:
        rs.early_warning_raise(
            actor=world.owner,
            agreement=world.agreement,
            key="m",
            title="?",
            severity="info",
            raised_on=date(2025, 6, 2),
        )
    assert "explanation" in exc.value.message_dict


def test_one_observation_per_indicator_and_day(world):
    indicator = rs.local_indicator_create(
        actor=world.owner,
        agreement=world.agreement,
        kind="local_hires",
        name="Local hires",
        unit="%",
        target=Decimal("60"),
        target_on=date(2026, 12, 31),
    )
    rs.indicator_observe(
        actor=world.owner, indicator=indicator, observed_on=date(2025, 6, 30), value=Decimal("35")
    )
    with pytest.raises(ValidationError):
        rs.indicator_observe(
            actor=world.owner,
            indicator=indicator,
            observed_on=date(2025, 6, 30),
            value=Decimal("36"),
        )
    with pytest.raises(ValidationError) as exc:
        rs.indicator_observe(
            actor=world.owner,
            indicator=indicator,
            observed_on=date(2025, 7, 30),
            value=Decimal("-1"),
        )
    assert "value" in exc.value.message_dict or "__all__" in exc.value.message_dict


def test_risk_scales_are_one_to_five(world):
    with pytest.raises(ValidationError) as exc:
        rs.risk_create(
            actor=world.owner,
            agreement=world.agreement,
            title="x",
            category="other",
            rating="low",
            likelihood=6,
            impact=1,
        )
    assert "likelihood" in exc.value.message_dict
