"""Time: evaluating time expressions, business days, office hours, and wording.

All arithmetic happens in the application's time zone. Hours, minutes, days and weeks
are exact durations; business days step over Saturdays and Sundays on the local
calendar and keep the time of day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from rulebook.policy import OfficeHours
from rulebook.timeexpr import UNITS, TimeExpr
from rulebook.vocabulary import NOW

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def from_epoch(seconds: int, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz)


def add_business_days(moment: dt.datetime, days: int) -> dt.datetime:
    """``days`` business days later (earlier if negative), same local time of day."""
    step = 1 if days >= 0 else -1
    local = moment.replace(tzinfo=None)
    remaining = abs(days)
    while remaining:
        local += dt.timedelta(days=step)
        if local.weekday() < 5:
            remaining -= 1
    return _localize(local, moment.tzinfo)


def _localize(naive: dt.datetime, tz) -> dt.datetime:
    """A wall-clock time in ``tz``; a time skipped by DST moves forward by the gap."""
    aware = naive.replace(tzinfo=tz)
    roundtrip = aware.astimezone(dt.timezone.utc).astimezone(tz)
    if roundtrip.replace(tzinfo=None) != naive:
        aware = roundtrip
    return aware


def evaluate(expr: TimeExpr, bindings: dict[str, dict[str, Any]], at: dt.datetime,
             tz: dt.tzinfo) -> dt.datetime:
    """The moment ``expr`` names, given the facts a match bound."""
    if expr.anchor == NOW:
        moment = at.astimezone(tz)
    else:
        fact = bindings[expr.anchor]
        moment = from_epoch(fact["t" if expr.field in (None, "at") else expr.field], tz)
    for off in expr.offsets:
        if off.unit == "bd":
            moment = add_business_days(moment, off.sign * off.amount)
        else:  # exact: across a DST change, 2h is two real hours
            delta = dt.timedelta(seconds=off.sign * off.amount * UNITS[off.unit])
            moment = (moment.astimezone(dt.timezone.utc) + delta).astimezone(tz)
    return moment


class OfficeClock:
    """Office hours in the application's time zone."""

    def __init__(self, hours: OfficeHours, tz: dt.tzinfo):
        self.days = {_DAYS.index(d) for d in hours.days}
        self.open = dt.time.fromisoformat(hours.start)
        self.close_minutes = int(hours.end[:2]) * 60 + int(hours.end[3:])
        self.tz = tz

    def _bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        start = _localize(dt.datetime.combine(day, self.open), self.tz)
        end = _localize(dt.datetime.combine(day, dt.time()) +
                        dt.timedelta(minutes=self.close_minutes), self.tz)
        return start, end

    def is_open(self, moment: dt.datetime) -> bool:
        return self.next_open(moment) == moment

    def next_open(self, moment: dt.datetime) -> Optional[dt.datetime]:
        """The first office moment at or after ``moment``."""
        local = moment.astimezone(self.tz)
        for i in range(15):
            day = local.date() + dt.timedelta(days=i)
            if day.weekday() not in self.days:
                continue
            start, end = self._bounds(day)
            if local < end:
                return max(local, start)
        return None

    def last_open(self, moment: dt.datetime) -> Optional[dt.datetime]:
        """The last office moment at or before ``moment``."""
        local = moment.astimezone(self.tz)
        for i in range(15):
            day = local.date() - dt.timedelta(days=i)
            if day.weekday() not in self.days:
                continue
            start, end = self._bounds(day)
            if local >= start:
                return min(local, end)
        return None


def words_time(moment: Optional[dt.datetime], date_only: bool = False) -> str:
    """A moment as a person reads it: 'Tue 3 Mar 2026, 10:00'."""
    if moment is None:
        return "no fixed end"
    text = f"{_DAYS[moment.weekday()].capitalize()} {moment.day} {english(moment, '%b %Y')}"
    return text if date_only else f"{text}, {moment:%H:%M}"


def english(moment: dt.datetime, fmt: str) -> str:
    """``strftime`` with English day and month abbreviations (%a, %b) whatever the
    process locale: an embedding program's ``setlocale`` never changes the output."""
    fmt = fmt.replace("%a", _DAYS[moment.weekday()].capitalize()).replace(
        "%b", _MONTHS[moment.month - 1])
    return moment.strftime(fmt)
