"""Time for the reference: expressions, durations, business days, office hours, words.

Written from the README's "Time" section, not from the engine's code. Moments are aware
datetimes to the second. Minutes and hours are exact durations (added on the UTC time
line); days and weeks are calendar days (the local date moves, the wall time stays);
business days are the policy's working days that are not public holidays (the
``holidays`` package), keeping the wall time. A wall time that a DST change skips moves
forward by the gap; one it repeats is its first occurrence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

UTC = dt.timezone.utc
SECONDS = {"m": 60, "h": 60 * 60, "d": 24 * 60 * 60, "w": 7 * 24 * 60 * 60}
_UNIT_NAMES = {"m": "minute", "h": "hour", "d": "day", "w": "week", "bd": "business day"}
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
           "Dec")


def whole_seconds(moment: dt.datetime) -> dt.datetime:
    """The moment as a plain UTC datetime, fractions of a second dropped."""
    return dt.datetime.fromtimestamp(int(moment.timestamp()), UTC)


@dataclass(frozen=True)
class Step:
    sign: int
    amount: int
    unit: str


@dataclass(frozen=True)
class Expr:
    """``anchor[.field] (+|- N unit)*`` as the reference reads it."""

    anchor: str
    field: Optional[str]
    steps: tuple[Step, ...]


_HEAD = re.compile(r"\s*([a-z_][a-z0-9_]*)(?:\.([a-z_][a-z0-9_]*))?\s*")
_STEP = re.compile(r"([+-])\s*(\d+)\s*(bd|m|h|d|w)\s*")


def parse(text: str) -> Expr:
    """A time expression written as text (a ``where`` operand)."""
    head = _HEAD.match(text)
    if head is None:
        raise ValueError(f"not a time expression: {text!r}")
    steps, pos = [], head.end()
    while pos < len(text):
        step = _STEP.match(text, pos)
        if step is None:
            raise ValueError(f"not a time expression: {text!r}")
        steps.append(Step(1 if step.group(1) == "+" else -1, int(step.group(2)), step.group(3)))
        pos = step.end()
    return Expr(head.group(1), head.group(2), tuple(steps))


def from_model(expr) -> Expr:
    """The policy model's parsed expression, read through its attributes only."""
    return Expr(expr.anchor, expr.field,
                tuple(Step(o.sign, o.amount, o.unit) for o in expr.offsets))


def wall(naive: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A local wall-clock time as a moment; one skipped by a DST change moves forward."""
    naive = naive.replace(fold=0)
    guess = naive.replace(tzinfo=tz)
    if guess.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive:
        return guess
    # skipped: read it with the offset before the change, which lands after the gap
    before = naive.replace(tzinfo=tz, fold=0).utcoffset()
    return (naive - before).replace(tzinfo=UTC).astimezone(tz)


class Workdays:
    """Business days: the working week of the office hours, minus public holidays."""

    def __init__(self, settings=None):
        days = settings.office_hours.days if settings is not None else _WEEKDAYS[:5]
        self.weekdays = {_WEEKDAYS.index(d) for d in days}
        hol = getattr(settings, "holidays", None)
        self.country = hol.country if hol else None
        self.subdivision = hol.subdivision if hol else None
        self._years: dict[int, set] = {}

    def is_workday(self, day: dt.date) -> bool:
        if day.weekday() not in self.weekdays:
            return False
        if self.country is None:
            return True
        if day.year not in self._years:
            import holidays

            table = holidays.country_holidays(self.country, subdiv=self.subdivision,
                                              years=day.year)
            self._years[day.year] = {d for d in table if d.year == day.year}
        return day not in self._years[day.year]


_WEEK = Workdays()


def shift(moment: dt.datetime, steps, tz: dt.tzinfo, days: Workdays = _WEEK) -> dt.datetime:
    """``moment`` moved by each step in turn, in the time zone ``tz``."""
    moment = moment.astimezone(tz)
    for s in steps:
        n = s.sign * s.amount
        if s.unit in ("m", "h"):
            moment = (moment.astimezone(UTC) + dt.timedelta(seconds=n * SECONDS[s.unit])
                      ).astimezone(tz)
            continue
        local = moment.replace(tzinfo=None, fold=0)
        if s.unit == "bd":
            day, left = local.date(), abs(n)
            while left:
                day += dt.timedelta(days=1 if n > 0 else -1)
                if days.is_workday(day):
                    left -= 1
            local = dt.datetime.combine(day, local.time())
        else:
            local += dt.timedelta(days=n * (7 if s.unit == "w" else 1))
        moment = wall(local, tz)
    return moment


def offset_words(expr) -> str:
    """'24 hours', '1 week and 2 days', 'minus 1 day'; '' without offsets."""
    parts = []
    for o in expr.offsets:
        unit = _UNIT_NAMES[o.unit] + ("" if o.amount == 1 else "s")
        parts.append(("minus " if o.sign < 0 else "") + f"{o.amount} {unit}")
    return " and ".join(parts)


def words(moment: Optional[dt.datetime], tz: dt.tzinfo, date_only: bool = False) -> str:
    """'Tue 3 Mar 2026, 10:00' in ``tz``, or 'no fixed end' for no moment."""
    if moment is None:
        return "no fixed end"
    m = moment.astimezone(tz)
    text = f"{_WEEKDAYS[m.weekday()].capitalize()} {m.day} {_MONTHS[m.month - 1]} {m.year}"
    return text if date_only else f"{text}, {m.hour:02d}:{m.minute:02d}"


class Office:
    """Office hours on the local calendar: days of the week, an opening and a closing."""

    def __init__(self, settings, tz: dt.tzinfo):
        self.workdays = Workdays(settings)
        self.opens = _minutes(settings.office_hours.start)
        self.closes = _minutes(settings.office_hours.end)
        self.tz = tz

    def _day(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        midnight = dt.datetime.combine(day, dt.time())
        return (wall(midnight + dt.timedelta(minutes=self.opens), self.tz),
                wall(midnight + dt.timedelta(minutes=self.closes), self.tz))

    def first_open(self, moment: dt.datetime) -> Optional[dt.datetime]:
        """The first office moment at or after ``moment`` (None: there is none)."""
        local = moment.astimezone(self.tz)
        for ahead in range(31):
            day = local.date() + dt.timedelta(days=ahead)
            if self.workdays.is_workday(day):
                opening, closing = self._day(day)
                if local < closing:
                    return max(local, opening)
        return None

    def last_open(self, moment: dt.datetime) -> Optional[dt.datetime]:
        """The last office moment at or before ``moment`` (None: there is none)."""
        local = moment.astimezone(self.tz)
        for back in range(31):
            day = local.date() - dt.timedelta(days=back)
            if self.workdays.is_workday(day):
                opening, closing = self._day(day)
                if local >= opening:
                    return min(local, closing)
        return None

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.tz)
        if not self.workdays.is_workday(local.date()):
            return False
        opening, closing = self._day(local.date())
        return opening <= local < closing


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)
