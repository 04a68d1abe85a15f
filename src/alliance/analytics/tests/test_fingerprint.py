"""The inputs' digest (``services._digest`` of ``_canonical``) is canonical: the same values
give the same digest in any process, any change gives another. Its fast path (by exact type)
gives the canonical form the plain one gives (``_canonical_any``, the form the stored
fingerprints were computed with), so stored fingerprints stay valid."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from collections import namedtuple
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.analytics import services
from alliance.analytics.selectors import agreement_inputs
from alliance.insights.calendars import WorkingCalendar


@dataclass(frozen=True)
class Leaf:
    name: str
    on: date | None = None


@dataclass
class Branch:
    items: list
    extra: object = None


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


Pair = namedtuple("Pair", "left right")


def _spec(value: object) -> object:
    """The canonical form as first written (before the fast path): the specification."""
    if isinstance(value, WorkingCalendar):
        return services._calendar_digest(value)
    if is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, [_spec(getattr(value, f.name)) for f in fields(value)]]
    if isinstance(value, dict):
        return [[_spec(k), _spec(v)] for k, v in value.items()]
    if isinstance(value, list | tuple):
        return [_spec(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_spec(v) for v in value), key=repr)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, date | uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    raise TypeError(type(value).__name__)


def _spec_digest(value: object) -> str:
    text = json.dumps(_spec(value), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


hashable = st.one_of(
    st.text(max_size=8),
    st.integers(),
    st.booleans(),
    st.none(),
    st.dates(),
    st.sampled_from(list(Colour)),
)
leaves = st.one_of(
    hashable,
    st.floats(),
    st.datetimes(),
    st.uuids(),
    st.decimals(allow_nan=False, places=3),
    st.integers(-5, 5).map(np.int64),
    st.lists(st.integers(-9, 9), max_size=4).map(np.array),
    st.builds(Leaf, st.text(max_size=4), st.one_of(st.none(), st.dates())),
)
values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(hashable, children, max_size=4),
        st.frozensets(hashable, max_size=4),
        st.sets(st.integers(), max_size=4),
        st.builds(Branch, st.lists(children, max_size=3), children),
        st.builds(Pair, children, children),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(values)
def test_the_fast_canonical_form_is_the_plain_one(value):
    assert services._digest(value) == _spec_digest(value)
    assert services._digest(value) == services._digest(value)  # and again, types now known


@settings(max_examples=200, deadline=None)
@given(values, values)
def test_different_values_have_different_digests(a, b):
    same = json.dumps(_spec(a), sort_keys=True, default=str) == json.dumps(
        _spec(b), sort_keys=True, default=str
    )
    assert (services._digest(a) == services._digest(b)) == same


@pytest.mark.django_db
def test_the_inputs_digest_is_the_plain_one_and_any_change_changes_it(world):
    from alliance.analytics.tests.helpers import commitment

    commitment(world, "Report", due=date(2026, 3, 1), created=date(2026, 1, 5))
    inputs = agreement_inputs(world.agreement, date(2026, 2, 1))
    document = [
        inputs.data,
        inputs.schedule,
        inputs.host_calendar,
        sorted(inputs.people.items()),
        inputs.names,
    ]
    digest = services.inputs_digest(inputs)
    assert digest == _spec_digest(document)
    assert digest == services.inputs_digest(agreement_inputs(world.agreement, date(2026, 2, 1)))
    # One value changed in the inputs: another digest (a due date, a name).
    (task,) = [c for c in inputs.data.commitments if c.label == "Report"]
    moved = dataclasses.replace(task, due=task.due + timedelta(days=1))
    data = dataclasses.replace(
        inputs.data, commitments=[moved if c is task else c for c in inputs.data.commitments]
    )
    assert services.inputs_digest(dataclasses.replace(inputs, data=data)) != digest
    commitments = {**inputs.names.commitments, task.id: {"uuid": task.id, "title": "Other"}}
    renamed = dataclasses.replace(
        inputs, names=dataclasses.replace(inputs.names, commitments=commitments)
    )
    assert services.inputs_digest(renamed) != digest
