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
        "mean_index": 0.31,
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


def test_the_index_is_not_read_as_a_probability_its_level_is_shown_beside_the_share_on_time():
    # A well-ranking index sits below the share on time by design: no Brier score for it.
    text = " ".join(_lines(0.66, 200, 132))
    assert "Brier" not in text
    assert "it stood at 31 on average, and 66 % of them were on time (132 of 200)" in text
    assert "Its ranking, above, is what tells whether it foresees." in text


def test_a_snapshot_from_before_the_mean_index_says_nothing_of_its_level():
    calibration = {"n": 40, "on_time": 20, "auc": 0.6, "brier": 0.3, "brier_base_rate": 0.25}
    text = " ".join(trust_calibration_lines({"calibration": calibration}))
    assert "level of trust" not in text and "Brier" not in text
