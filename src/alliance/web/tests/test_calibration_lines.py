"""The trust back-test in words: the page says whether the AUC can be told from chance at the
number of deliveries checked, and how many deliveries were left out because their pair's
index was still its starting point."""

from __future__ import annotations

from django.utils import translation

from alliance.web.insight_figures import trust_calibration_lines


def _lines(auc: float, n: int, on_time: int, at_prior: int = 0) -> list[str]:
    calibration = {
        "n": n,
        "on_time": on_time,
        "auc": auc,
        "brier": 0.2,
        "brier_base_rate": 0.24,
        "at_prior": at_prior,
        "established": True,
    }
    return trust_calibration_lines({"calibration": calibration})


def test_the_demos_auc_after_the_prior_fix_reads_as_chance_not_as_a_verdict():
    # The demo's concession: 126 deliveries, 70 on time, AUC 0.43 (z about -1.4).
    text = " ".join(_lines(0.427, 126, 70, at_prior=48))
    assert "cannot be told apart from chance" in text
    assert "48 more deliveries are not counted" in text


def test_a_clear_auc_reads_as_better_or_worse_than_chance():
    assert "Clearly better than chance" in " ".join(_lines(0.66, 200, 132))
    assert "Clearly worse than chance" in " ".join(_lines(0.349, 174, 83))
    assert "Clearly" not in " ".join(_lines(0.66, 12, 6))  # too few to tell


def test_one_delivery_left_out_is_said_in_the_singular_and_none_is_not_said():
    assert "1 more delivery is not counted" in " ".join(_lines(0.6, 40, 20, at_prior=1))
    assert "not counted" not in " ".join(_lines(0.6, 40, 20))


def test_the_verdict_is_translated():
    with translation.override("fr"):
        french = " ".join(_lines(0.349, 174, 83, at_prior=2))
    with translation.override("de"):
        german = " ".join(_lines(0.349, 174, 83, at_prior=2))
    for text in (french, german):
        assert "Clearly" not in text and "not counted" not in text
