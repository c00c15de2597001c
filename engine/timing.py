"""Time: evaluating time expressions on a real calendar, office hours, and wording.

All arithmetic happens in the application's time zone, offset by offset, left to right:

- ``m`` and ``h`` are exact: ``2h`` is two real hours, across a daylight-saving change;
- ``d`` and ``w`` are calendar days (a week is seven): the local date moves and the wall
  time stays, so "a week after 10:00" is 10:00 local even when the clocks changed in
  between. A wall time the change skips moves forward by the gap (02:30 on a spring-
  forward night is 03:30); one it repeats is its first occurrence (``fold=0``);
- ``bd`` counts business days: the days of ``settings.office_hours.days`` that are not
  public holidays of ``settings.holidays`` (the ``holidays`` package), keeping the wall
  time. From a day that is not a business day, ``+1bd`` is the next one.

Office hours are open on business days only: never on a holiday.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from typing import Any, Optional

from rulebook.policy import OfficeHours
from rulebook.timeexpr import UNITS, TimeExpr, shift_key
from rulebook.vocabulary import NOW

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CALENDAR_DAYS = {"d": 1, "w": 7}
_MAX_SEARCH = 3700  # days: a calendar with no business day for ten years is an error
_HOLIDAYS_LOCK = threading.Lock()  # holidays objects fill themselves in on first use


@functools.lru_cache(maxsize=4096)
def from_epoch(seconds: int, tz: dt.tzinfo) -> dt.datetime:
    """The moment ``seconds`` after the epoch in ``tz`` (memoised: a timeline's facts are
    read again and again by windows and reasons; datetimes are immutable)."""
    return dt.datetime.fromtimestamp(seconds, tz)


@functools.lru_cache(maxsize=256)
def _holiday_dates(country: str, subdivision: Optional[str], year: int) -> frozenset:
    import holidays  # imported on first use: most evaluations never need it

    with _HOLIDAYS_LOCK:
        table = holidays.country_holidays(country, subdiv=subdivision, years=year)
        return frozenset(d for d in table if d.year == year)


@functools.lru_cache(maxsize=256)
def _holiday_name(country: str, subdivision: Optional[str], day: dt.date) -> Optional[str]:
    import holidays

    with _HOLIDAYS_LOCK:
        return holidays.country_holidays(country, subdiv=subdivision,
                                         years=day.year, language="en_US").get(day)


class WorkCalendar:
    """Which local dates are business days: the week's working days minus holidays."""

    def __init__(self, days=("mon", "tue", "wed", "thu", "fri"), country: Optional[str] = None,
                 subdivision: Optional[str] = None):
        self.weekdays = frozenset(_DAYS.index(d) for d in days)
        self.country, self.subdivision = country, subdivision

    @classmethod
    def of(cls, settings) -> "WorkCalendar":
        """The calendar a policy's ``settings`` describe."""
        h = getattr(settings, "holidays", None)
        return cls(settings.office_hours.days, h.country if h else None,
                   h.subdivision if h else None)

    def holiday(self, day: dt.date) -> bool:
        return self.country is not None and \
            day in _holiday_dates(self.country, self.subdivision, day.year)

    def holiday_name(self, day: dt.date) -> Optional[str]:
        if not self.holiday(day):
            return None
        return _holiday_name(self.country, self.subdivision, day)

    def business_day(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and not self.holiday(day)

    def add_business_days(self, moment: dt.datetime, days: int) -> dt.datetime:
        """``days`` business days later (earlier if negative), same local wall time."""
        step = 1 if days >= 0 else -1
        tz = moment.tzinfo
        local = moment.replace(tzinfo=None, fold=0)
        remaining, tried = abs(days), 0
        while remaining:
            local += dt.timedelta(days=step)
            tried += 1
            if tried > _MAX_SEARCH + abs(days) * 7:
                raise ValueError("no business day in ten years: check office_hours.days")
            if self.business_day(local.date()):
                remaining -= 1
        return localize(local, tz)


_DEFAULT = WorkCalendar()


def add_business_days(moment: dt.datetime, days: int,
                      calendar: Optional[WorkCalendar] = None) -> dt.datetime:
    """``days`` business days later on ``calendar`` (default Monday to Friday)."""
    return (calendar or _DEFAULT).add_business_days(moment, days)


def add_calendar_days(moment: dt.datetime, days: int) -> dt.datetime:
    """``days`` local calendar days later, keeping the wall time (see the module's rules)."""
    local = moment.replace(tzinfo=None, fold=0) + dt.timedelta(days=days)
    return localize(local, moment.tzinfo)


def localize(naive: dt.datetime, tz) -> dt.datetime:
    """A wall-clock time in ``tz``: a skipped one moves forward by the gap, a repeated
    one is its first occurrence."""
    aware = naive.replace(tzinfo=tz, fold=0)
    roundtrip = aware.astimezone(dt.timezone.utc).astimezone(tz)
    if roundtrip.replace(tzinfo=None) != naive:
        aware = roundtrip  # skipped: fold=0 read it with the offset before the change
    return aware




def shift(moment: dt.datetime, offsets, tz: dt.tzinfo,
          calendar: Optional[WorkCalendar] = None) -> dt.datetime:
    """``moment`` moved by ``offsets`` one after the other, in ``tz``."""
    moment = moment.astimezone(tz)
    for off in offsets:
        amount = off.sign * off.amount
        if off.unit == "bd":
            moment = add_business_days(moment, amount, calendar)
        elif off.unit in _CALENDAR_DAYS:
            moment = add_calendar_days(moment, amount * _CALENDAR_DAYS[off.unit])
        else:  # exact: across a DST change, 2h is two real hours
            delta = dt.timedelta(seconds=amount * UNITS[off.unit])
            moment = (moment.astimezone(dt.timezone.utc) + delta).astimezone(tz)
    return moment


def with_shifts(fact: dict[str, Any], shifts: dict, tz: dt.tzinfo) -> dict[str, Any]:
    """``fact`` with the calendar-shifted times the compiled policy compares
    (:attr:`rulebook.compiler.Program.shifts`); the same fact if it needs none."""
    wanted = shifts.get(fact["type"])
    if not wanted:
        return fact
    out = dict(fact)
    for key, offsets in wanted:
        if isinstance(fact.get(key), int):
            moved = shift(from_epoch(fact[key], tz), offsets, tz)
            out[shift_key(key, offsets)] = int(moved.timestamp())
    return out


def evaluate(expr: TimeExpr, bindings: dict[str, dict[str, Any]], at: dt.datetime,
             tz: dt.tzinfo, calendar: Optional[WorkCalendar] = None) -> dt.datetime:
    """The moment ``expr`` names, given the facts a match bound."""
    if expr.anchor == NOW:
        moment = at.astimezone(tz)
    else:
        fact = bindings[expr.anchor]
        moment = from_epoch(fact["t" if expr.field in (None, "at") else expr.field], tz)
    return shift(moment, expr.offsets, tz, calendar)


class OfficeClock:
    """Office hours in the application's time zone, on business days only."""

    def __init__(self, hours: OfficeHours, tz: dt.tzinfo,
                 calendar: Optional[WorkCalendar] = None):
        self.calendar = calendar or WorkCalendar(hours.days)
        self.days = self.calendar.weekdays
        self.open = dt.time.fromisoformat(hours.start)
        self.close_minutes = int(hours.end[:2]) * 60 + int(hours.end[3:])
        self.tz = tz

    def _bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return _office_bounds(self.open, self.close_minutes, self.tz, day)

    def is_open(self, moment: dt.datetime) -> bool:
        return self.next_open(moment) == moment

    def next_open(self, moment: dt.datetime) -> Optional[dt.datetime]:
        """The first office moment at or after ``moment``."""
        local = moment.astimezone(self.tz)
        for i in range(31):
            day = local.date() + dt.timedelta(days=i)
            if not self.calendar.business_day(day):
                continue
            start, end = self._bounds(day)
            if local < end:
                return max(local, start)
        return None

    def last_open(self, moment: dt.datetime) -> Optional[dt.datetime]:
        """The last office moment at or before ``moment``."""
        local = moment.astimezone(self.tz)
        for i in range(31):
            day = local.date() - dt.timedelta(days=i)
            if not self.calendar.business_day(day):
                continue
            start, end = self._bounds(day)
            if local >= start:
                return min(local, end)
        return None


@functools.lru_cache(maxsize=4096)
def _office_bounds(opens: dt.time, close_minutes: int, tz: dt.tzinfo,
                   day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Opening and closing time of one office day in ``tz``: worked out once per zone and
    day, not for every window that asks."""
    start = localize(dt.datetime.combine(day, opens), tz)
    end = localize(dt.datetime.combine(day, dt.time()) +
                   dt.timedelta(minutes=close_minutes), tz)
    return start, end


def words_time(moment: Optional[dt.datetime], date_only: bool = False,
               lang: str = "en") -> str:
    """A moment as a person reads it: 'Tue 3 Mar 2026, 10:00' (Babel, never the process
    locale)."""
    from rulebook.lang import moment as words

    return words(moment, lang, date_only)


def english(moment: dt.datetime, fmt: str) -> str:
    """``strftime`` with English day and month abbreviations (%a, %b) whatever the
    process locale: an embedding program's ``setlocale`` never changes the output."""
    fmt = fmt.replace("%a", _DAYS[moment.weekday()].capitalize()).replace(
        "%b", _MONTHS[moment.month - 1])
    return moment.strftime(fmt)
