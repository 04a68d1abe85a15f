"""Working calendars: known weeks, country defaults, blackouts, and the integer lookup tables."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.insights.calendars import UnknownCalendarError, WorkingCalendar, default_weekmask

FRANCE_2026 = WorkingCalendar.for_country("FR", years=[2026])
SAUDI_2026 = WorkingCalendar.for_country("SA", years=[2026])


def test_french_may_2026_has_seventeen_working_days():
    # 21 weekdays minus Labour Day (Fri 1), Victory Day (Fri 8), Ascension (Thu 14)
    # and Whit Monday (Mon 25).
    assert FRANCE_2026.working_days_between(date(2026, 5, 1), date(2026, 6, 1)) == 17
    assert FRANCE_2026.working_days_between(date(2026, 5, 11), date(2026, 5, 18)) == 4
    assert not FRANCE_2026.is_working_day(date(2026, 5, 14))


def test_saudi_week_runs_sunday_to_thursday():
    assert SAUDI_2026.weekmask == "1111001"
    assert SAUDI_2026.working_days_between(date(2026, 1, 4), date(2026, 1, 11)) == 5
    # Founding Day, Sunday 22 February, is a public holiday.
    assert SAUDI_2026.working_days_between(date(2026, 2, 22), date(2026, 3, 1)) == 4
    assert not SAUDI_2026.is_working_day(date(2026, 1, 9))  # a Friday
    assert SAUDI_2026.is_working_day(date(2026, 1, 11))  # a Sunday


def test_adding_working_days_skips_weekends_and_rolls_a_day_off_forward():
    assert FRANCE_2026.add_working_days(date(2026, 3, 6), 1) == np.datetime64("2026-03-09")
    assert SAUDI_2026.add_working_days(date(2026, 3, 5), 1) == np.datetime64("2026-03-08")
    assert FRANCE_2026.add_working_days(date(2026, 3, 7), 0) == np.datetime64("2026-03-09")


def test_arithmetic_is_vectorised():
    starts = np.array(["2026-05-13", "2026-05-16", "2026-05-22"], dtype="datetime64[D]")
    moved = FRANCE_2026.add_working_days(starts, np.array([1, 0, 1]))
    assert moved.tolist() == [date(2026, 5, 15), date(2026, 5, 18), date(2026, 5, 26)]
    counts = FRANCE_2026.working_days_between(starts, starts + np.timedelta64(7, "D"))
    assert counts.tolist() == [4, 5, 4]
    assert FRANCE_2026.working_days_between(date(2026, 5, 18), date(2026, 5, 11)) == -4


def test_lateness_counts_working_days_after_the_due_date_only():
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)
    assert FRANCE_2026.lateness(friday, monday) == 1
    assert FRANCE_2026.lateness(monday, friday) == 0
    assert FRANCE_2026.lateness(date(2026, 3, 7), monday) == 0  # due on a Saturday
    due = np.array([friday, friday], dtype="datetime64[D]")
    actual = np.array([monday, date(2026, 3, 2)], dtype="datetime64[D]")
    assert FRANCE_2026.lateness(due, actual).tolist() == [1, 0]


def test_blackout_days_do_not_count():
    election = WorkingCalendar(blackouts=((date(2026, 3, 9), date(2026, 3, 13)),))
    assert election.working_days_between(date(2026, 3, 2), date(2026, 3, 23)) == 10
    assert election.add_working_days(date(2026, 3, 6), 1) == np.datetime64("2026-03-16")


@pytest.mark.parametrize(
    ("country", "weekmask"),
    [("FR", "1111100"), ("SA", "1111001"), ("EG", "1111001"), ("IR", "1111101"), ("AE", "1111100")],
)
def test_default_weekmask_by_country(country, weekmask):
    assert default_weekmask(country) == weekmask
    assert WorkingCalendar.for_country(country, years=[2026]).weekmask == weekmask


def test_unknown_country_is_refused():
    with pytest.raises(UnknownCalendarError):
        WorkingCalendar.for_country("XX", years=[2026])


def test_equal_calendars_compare_and_hash_equal_whatever_the_input_form():
    a = WorkingCalendar("Mon Tue Wed Thu Fri", [date(2026, 1, 2), "2026-01-01"])
    b = WorkingCalendar("1111100", (date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 1)))
    assert a == b and hash(a) == hash(b)
    with pytest.raises(ValueError):
        WorkingCalendar("0000000")


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([FRANCE_2026, SAUDI_2026, WorkingCalendar("1010101")]),
    st.integers(min_value=0, max_value=300),
    st.integers(min_value=0, max_value=40),
)
def test_lookup_tables_agree_with_busday_offset(calendar, offset, n):
    origin = date(2025, 12, 1)
    rank, working = calendar.lookup_tables(origin, 500)
    expected = calendar.add_working_days(origin + timedelta(days=offset), n)
    assert origin + timedelta(days=int(working[rank[offset] + n])) == expected
    start = origin + timedelta(days=offset)
    assert rank[offset] == calendar.working_days_between(origin, start)


def test_working_days_over_many_rows_count_as_busday_count_does():
    # Past _TABLE_FROM rows the portfolio count reads prefix tables: it must give numpy's
    # counts exactly, reversed ranges (counted over (end, start]) and days off at either end
    # included, on calendars with other weekends and blackouts, some calendars unused.
    from alliance.insights.inputs import _TABLE_FROM, working_days_between

    election = WorkingCalendar.for_country(
        "FR", years=[2026], blackouts=[(date(2026, 3, 9), date(2026, 3, 20))]
    )
    calendars = (FRANCE_2026, SAUDI_2026, WorkingCalendar("1010101"), election)
    rng = np.random.default_rng(7)
    n = 2 * _TABLE_FROM
    origin = np.datetime64("2026-01-01")
    start = origin + rng.integers(0, 365, n).astype("timedelta64[D]")
    end = origin + rng.integers(0, 365, n).astype("timedelta64[D]")
    which = rng.choice([0, 1, 3], n)
    counts = working_days_between(calendars, which, start, end)
    expected = np.array(
        [calendars[k].working_days_between(s, e) for k, s, e in zip(which, start, end, strict=True)]
    )
    assert (end < start).sum() > n // 3
    np.testing.assert_array_equal(counts, expected)
    start[5] = np.datetime64("NaT", "D")
    with pytest.raises(ValueError, match="NaT"):
        working_days_between(calendars, which, start, end)
