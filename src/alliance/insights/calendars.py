"""Working calendars: each party's rhythm of working days.

A party works on the days of its weekmask (countries differ: Saudi Arabia rests
on Friday and Saturday, Iran on Friday), not on its public holidays (from the
`holidays` package) and not during its blackout periods (elections, budget
freezes: nothing gets decided). Every duration, lateness and cadence in the
insights engine is counted in the owing party's working days.

The arithmetic is numpy's business-day machinery (``busday_offset``,
``busday_count``, ``is_busday``) over a cached ``busdaycalendar``, so every
method takes a single date or an array of dates alike. Blackout days are folded
into the holiday list, so they behave exactly like holidays.

:meth:`WorkingCalendar.lookup_tables` exposes the same calendar as two integer
arrays for code that must move tens of millions of dates at once (the schedule
Monte Carlo): adding working days then becomes an array index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import holidays as holidays_package
import numpy as np

from alliance.insights.parameters import CALENDAR, CalendarParameters

DateLike = date | np.datetime64 | str
DateArrayLike = DateLike | np.ndarray | Iterable[DateLike]

_WEEKDAY_ORDER = range(7)  # Monday = 0, as in both numpy and `datetime`


class UnknownCalendarError(ValueError):
    """The `holidays` package does not know this country or subdivision."""


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    return np.datetime64(value, "D").astype(date)


def _as_days(value: Any) -> Any:
    """Dates (scalar or array) as numpy ``datetime64[D]``, scalars kept scalar."""
    if isinstance(value, np.ndarray):
        return value.astype("datetime64[D]")
    if isinstance(value, (date, np.datetime64, str)):
        return np.datetime64(value, "D")
    return np.asarray(list(value), dtype="datetime64[D]")


def _normalise_weekmask(weekmask: Any) -> str:
    """Any numpy-accepted weekmask (``"1111100"``, ``"Mon Tue"``, booleans) as ``"1111100"``."""
    mask = np.busdaycalendar(weekmask=weekmask).weekmask
    if not mask.any():
        raise ValueError("a working calendar needs at least one working weekday")
    return "".join("1" if working else "0" for working in mask)


def weekmask_from_weekend(weekend_days: Iterable[int]) -> str:
    """The weekmask whose rest days are ``weekend_days`` (Monday = 0)."""
    rest = set(weekend_days)
    return "".join("0" if day in rest else "1" for day in _WEEKDAY_ORDER)


def default_weekmask(
    country: str,
    subdivision: str | None = None,
    *,
    parameters: CalendarParameters = CALENDAR,
) -> str:
    """The working week of a country: the parameters' table, else the package's weekend."""
    country = country.upper()
    if country in parameters.weekmask_by_country:
        return parameters.weekmask_by_country[country]
    if parameters.use_package_weekend:
        try:
            entity = holidays_package.country_holidays(country, subdiv=subdivision, years=())
        except NotImplementedError:
            return parameters.default_weekmask
        weekend = getattr(entity, "weekend", None)
        if weekend:
            return weekmask_from_weekend(weekend)
    return parameters.default_weekmask


def public_holidays(country: str, subdivision: str | None, years: Iterable[int]) -> dict[date, str]:
    """Public holidays (date -> name) of a country / subdivision for the given years."""
    try:
        found = holidays_package.country_holidays(
            country.upper(), subdiv=subdivision, years=sorted(set(years))
        )
    except NotImplementedError as error:
        raise UnknownCalendarError(str(error)) from error
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class WorkingCalendar:
    """The working days of one party.

    ``weekmask`` is Monday..Sunday, ``"1"`` for a working day (numpy's busday
    convention). ``blackouts`` are inclusive ``(first, last)`` periods in which
    nothing gets decided; they count as non-working days.
    """

    weekmask: str = "1111100"
    holidays: tuple[date, ...] = ()
    blackouts: tuple[tuple[date, date], ...] = ()

    def __post_init__(self) -> None:
        # Normalise so that equal calendars compare (and hash) equal whatever
        # form the caller used: lists, strings, datetime64, unsorted days.
        object.__setattr__(self, "weekmask", _normalise_weekmask(self.weekmask))
        days = tuple(sorted({_as_date(day) for day in self.holidays}))
        object.__setattr__(self, "holidays", days)
        periods = []
        for first, last in self.blackouts:
            first, last = _as_date(first), _as_date(last)
            if last < first:
                raise ValueError(f"blackout ends before it starts: {first} .. {last}")
            periods.append((first, last))
        object.__setattr__(self, "blackouts", tuple(sorted(periods)))

    @classmethod
    def for_country(
        cls,
        country: str,
        subdivision: str | None = None,
        *,
        years: Iterable[int],
        weekmask: str | None = None,
        blackouts: Iterable[tuple[DateLike, DateLike]] = (),
        parameters: CalendarParameters = CALENDAR,
    ) -> WorkingCalendar:
        """The calendar of a party based in ``country`` (ISO 3166 alpha-2).

        Holidays come from the `holidays` package for ``years``; the weekmask,
        unless given, from :func:`default_weekmask`.
        """
        if weekmask is None:
            weekmask = default_weekmask(country, subdivision, parameters=parameters)
        return cls(
            weekmask=weekmask,
            holidays=tuple(public_holidays(country, subdivision, years)),
            blackouts=tuple(blackouts),
        )

    # -- numpy machinery -------------------------------------------------

    @cached_property
    def non_working_days(self) -> np.ndarray:
        """Holidays and every blackout day, as sorted unique ``datetime64[D]``."""
        days = [np.asarray(self.holidays, dtype="datetime64[D]")]
        for first, last in self.blackouts:
            days.append(np.arange(first, last + timedelta(days=1), dtype="datetime64[D]"))
        return np.unique(np.concatenate(days))

    @cached_property
    def busdaycalendar(self) -> np.busdaycalendar:
        """numpy's calendar object, built once per calendar (building it sorts the holidays)."""
        return np.busdaycalendar(weekmask=self.weekmask, holidays=self.non_working_days)

    # -- arithmetic ------------------------------------------------------

    def add_working_days(self, start: DateArrayLike, n: int | np.ndarray) -> Any:
        """``start`` moved by ``n`` working days (broadcast), as ``datetime64[D]``.

        A non-working ``start`` first rolls forward to the next working day, so
        adding 0 gives the first working day on or after ``start``.
        """
        return np.busday_offset(_as_days(start), n, roll="forward", busdaycal=self.busdaycalendar)

    def working_days_between(self, start: DateArrayLike, end: DateArrayLike) -> Any:
        """Working days in ``[start, end)``; negative when ``end`` is before ``start``."""
        return np.busday_count(_as_days(start), _as_days(end), busdaycal=self.busdaycalendar)

    def is_working_day(self, day: DateArrayLike) -> Any:
        """Whether ``day`` is a working day (a bool, or a bool array)."""
        result = np.is_busday(_as_days(day), busdaycal=self.busdaycalendar)
        return bool(result) if np.ndim(result) == 0 else result

    def lateness(self, due: DateArrayLike, actual: DateArrayLike) -> Any:
        """Working days late: working days in ``[due, actual)``, 0 if on time or early.

        Delivered the working day after a Friday deadline is 1 day late; a
        deadline on a day off is met by delivering on the next working day.
        """
        late = np.maximum(self.working_days_between(due, actual), 0)
        return int(late) if np.ndim(late) == 0 else late

    def lookup_tables(self, origin: DateLike, span_days: int) -> tuple[np.ndarray, np.ndarray]:
        """Integer tables for bulk arithmetic over ``[origin, origin + span_days)``.

        Returns ``(rank, working)``: ``working`` holds the offsets (days since
        ``origin``) of the working days in that range, ascending; ``rank[d]`` is
        the number of working days before offset ``d``, i.e. the index in
        ``working`` of the first working day on or after ``d``. So, within the
        range, ``add_working_days(origin + d, n) == origin + working[rank[d] + n]``
        for ``n >= 0``.
        """
        days = np.datetime64(origin, "D") + np.arange(span_days + 1, dtype="timedelta64[D]")
        is_working = np.is_busday(days, busdaycal=self.busdaycalendar)
        rank = np.concatenate(([0], np.cumsum(is_working[:-1]))).astype(np.int32)
        working = np.flatnonzero(is_working[:-1]).astype(np.int32)
        return rank, working
