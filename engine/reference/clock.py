"""Time for the reference: expressions, durations, business days, office hours, words.

Written from the README's "Time" section, not from the engine's code. Moments are aware
datetimes to the second. Minutes, hours, days and weeks are exact durations (added on
the UTC time line); business days step over Saturdays and Sundays on the local calendar
and keep the wall-clock time of day; a wall-clock time that a DST change skips moves
forward by the gap.
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
    guess = naive.replace(tzinfo=tz)
    if guess.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive:
        return guess
    # skipped: read it with the offset before the change, which lands after the gap
    before = naive.replace(tzinfo=tz, fold=0).utcoffset()
    return (naive - before).replace(tzinfo=UTC).astimezone(tz)


def business_days(moment: dt.datetime, count: int, tz: dt.tzinfo) -> dt.datetime:
    if count == 0:
        return moment.astimezone(tz)
    local = moment.astimezone(tz).replace(tzinfo=None)
    day, left = local.date(), abs(count)
    while left:
        day += dt.timedelta(days=1 if count > 0 else -1)
        if day.weekday() < 5:
            left -= 1
    return wall(dt.datetime.combine(day, local.time().replace(fold=0)), tz)


def shift(moment: dt.datetime, steps, tz: dt.tzinfo) -> dt.datetime:
    """``moment`` moved by each step in turn, in the time zone ``tz``."""
    for s in steps:
        if s.unit == "bd":
            moment = business_days(moment, s.sign * s.amount, tz)
        else:
            moment = moment.astimezone(UTC) + dt.timedelta(seconds=s.sign * s.amount
                                                          * SECONDS[s.unit])
    return moment.astimezone(tz)


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

    def __init__(self, hours, tz: dt.tzinfo):
        self.days = {_WEEKDAYS.index(d) for d in hours.days}
        self.opens = _minutes(hours.start)
        self.closes = _minutes(hours.end)
        self.tz = tz

    def _day(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        midnight = dt.datetime.combine(day, dt.time())
        return (wall(midnight + dt.timedelta(minutes=self.opens), self.tz),
                wall(midnight + dt.timedelta(minutes=self.closes), self.tz))

    def first_open(self, moment: dt.datetime) -> Optional[dt.datetime]:
        """The first office moment at or after ``moment`` (None: there is none)."""
        local = moment.astimezone(self.tz)
        for ahead in range(8):
            day = local.date() + dt.timedelta(days=ahead)
            if day.weekday() in self.days:
                opening, closing = self._day(day)
                if local < closing:
                    return max(local, opening)
        return None

    def last_open(self, moment: dt.datetime) -> Optional[dt.datetime]:
        """The last office moment at or before ``moment`` (None: there is none)."""
        local = moment.astimezone(self.tz)
        for back in range(8):
            day = local.date() - dt.timedelta(days=back)
            if day.weekday() in self.days:
                opening, closing = self._day(day)
                if local >= opening:
                    return min(local, closing)
        return None

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.tz)
        if local.weekday() not in self.days:
            return False
        opening, closing = self._day(local.date())
        return opening <= local < closing


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)
