"""Salience: every Mitchell-Agle-Wood attribute combination and every Mendelow quadrant."""

import itertools

import numpy as np
import pytest

from alliance.insights.inputs import Participation
from alliance.insights.parameters import SALIENCE
from alliance.insights.salience import (
    assess,
    assess_all,
    is_key,
    mendelow_quadrant,
    mitchell_class,
    salience_score,
)

HIGH, LOW = 4.0, 1.0

EXPECTED_CLASS = {
    (False, False, False): "non-stakeholder",
    (True, False, False): "dormant",
    (False, True, False): "discretionary",
    (False, False, True): "demanding",
    (True, True, False): "dominant",
    (True, False, True): "dangerous",
    (False, True, True): "dependent",
    (True, True, True): "definitive",
}


@pytest.mark.parametrize("held", list(itertools.product([False, True], repeat=3)))
def test_mitchell_class_for_every_attribute_combination(held):
    power, legitimacy, urgency = (HIGH if h else LOW for h in held)
    assert mitchell_class(power, legitimacy, urgency) == EXPECTED_CLASS[held]


def test_threshold_itself_counts_as_held():
    t = SALIENCE.attribute_threshold
    assert mitchell_class(t, t, t) == "definitive"
    assert mitchell_class(t - 0.01, t, t) == "dependent"


@pytest.mark.parametrize(
    ("power", "interest", "quadrant"),
    [
        (HIGH, HIGH, "key players"),
        (HIGH, LOW, "keep satisfied"),
        (LOW, HIGH, "keep informed"),
        (LOW, LOW, "monitor"),
    ],
)
def test_mendelow_quadrants(power, interest, quadrant):
    assert mendelow_quadrant(power, interest) == quadrant


def test_assess_reports_attributes_held_and_score():
    a = assess(Participation("ministry", power=5, legitimacy=5, urgency=1, interest=5))
    assert a.mitchell_class == "dominant"
    assert a.attributes == ("power", "legitimacy")
    assert a.mendelow_quadrant == "key players"
    assert a.is_key
    assert a.score == pytest.approx(11 / 15)


def test_the_forms_neutral_default_makes_nobody_key():
    neutral = assess(Participation("anyone", power=3, legitimacy=3, urgency=3, interest=3))
    assert (neutral.mitchell_class, neutral.mendelow_quadrant) == ("non-stakeholder", "monitor")
    assert not neutral.is_key


def test_vectorised_key_test_agrees_with_the_assessment():
    scores = list(itertools.product([1.0, 3.0, 4.0, 5.0], repeat=4))
    power, legitimacy, urgency, interest = np.array(scores).T
    expected = [assess(Participation("p", "signatory", *row)).is_key for row in scores]
    assert is_key(power, legitimacy, urgency, interest).tolist() == expected


def test_salience_score_is_vectorised_and_bounded():
    s = salience_score(np.array([0, 5, 9]), np.array([0, 5, 9]), np.array([0, 5, 9]))
    assert s.tolist() == [0.0, 1.0, 1.0]


def test_assess_all_keeps_the_most_salient_role_of_a_party():
    out = assess_all(
        [
            Participation("bank", role="observer", power=1),
            Participation("bank", role="lender", power=5, legitimacy=4),
        ]
    )
    assert out["bank"].mitchell_class == "dominant"
