"""A day-by-day agenda of what a policy says over a period, optionally doing as told.

Each day is evaluated at the same local time of day as the first. The agenda lists what
changes: a recommendation that appears (``new``), one that is due that day (``due``),
one a limit holds back (``held``), one that disappears without being done (``gone``).
With ``follow``, the candidate does each recommended action at its due time that day
(:func:`rulebook.perform.event_for`): the event joins the timeline and later days see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional

from .advice import Advice, Recommendation
from .api import Rulebook
from .events import Timeline, timeline_from_document
from .perform import event_for
from .problems import InvalidInput, Problem
from .source import Document

MAX_DAYS = 366


@dataclass(frozen=True)
class Item:
    kind: str                 # new | upcoming | due | done | held | gone
    rec: Recommendation
    event: Optional[dict[str, Any]] = None


@dataclass
class Day:
    at: dt.datetime
    items: list[Item] = field(default_factory=list)


def _key(r: Recommendation) -> tuple:
    return (r.rule, r.action, r.to or "", r.window.start)


def _timeline(base: Timeline, extra: list[dict[str, Any]]) -> Timeline:
    data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["events"] = data["events"] + extra
    return timeline_from_document(Document(file="<simulated>", data=data))


def days(start: dt.datetime, end: dt.datetime, tz) -> list[dt.datetime]:
    """Every day from ``start`` to ``end``, at ``start``'s local time of day."""
    first = start.astimezone(tz)
    if end < start:
        raise InvalidInput([Problem("--to", 0, 0, "the period ends before it starts")])
    out, day = [], first.date()
    while True:
        local = dt.datetime.combine(day, first.timetz().replace(tzinfo=None))
        moment = local.replace(tzinfo=tz)
        if moment > end:
            break
        out.append(moment)
        if len(out) > MAX_DAYS:
            raise InvalidInput([Problem("--to", 0, 0, f"simulate at most {MAX_DAYS} days")])
        day += dt.timedelta(days=1)
    return out


def advice_over(book: Rulebook, timeline: Timeline, start: dt.datetime,
                end: dt.datetime) -> list[Advice]:
    """The advice at each moment the agenda evaluates from ``start`` to ``end`` (pictures)."""
    return [book.recommend(timeline, moment) for moment in days(start, end, timeline.tz)]


def simulate(book: Rulebook, timeline: Timeline, start: dt.datetime, end: dt.datetime, *,
             follow: bool = False, call_outcome: str = "reached") -> tuple[list[Day], Timeline]:
    """The agenda from ``start`` to ``end``, and the timeline as it ends up."""
    tz = timeline.tz
    extra: list[dict[str, Any]] = []
    current = timeline
    seen: set[tuple] = set()
    held_seen: set[tuple] = set()
    done: set[tuple] = set()
    open_before: dict[tuple, Recommendation] = {}
    agenda = []
    for moment in days(start, end, tz):
        advice = book.recommend(current, moment)
        day = Day(moment)
        open_now = {_key(r): r for r in advice.actions}
        for key, r in open_before.items():
            if key not in open_now and key not in done:
                day.items.append(Item("gone", r))
        for key, r in open_now.items():
            if key not in seen:
                seen.add(key)
                day.items.append(Item("new", r))
        for r in advice.upcoming:
            if _key(r) not in seen:
                seen.add(_key(r))
                day.items.append(Item("upcoming", r))
        for r in advice.held_back:
            hk = _key(r) + (r.limit,)
            if hk not in held_seen:
                held_seen.add(hk)
                day.items.append(Item("held", r))
        new_events = []
        for key, r in open_now.items():
            if key in done or r.window.due.astimezone(tz).date() != moment.date():
                continue
            if not follow:
                day.items.append(Item("due", r))
                continue
            event = event_for(r, r.window.due, call_outcome=call_outcome)
            done.add(key)
            day.items.append(Item("done", r, event))
            if event is not None:
                new_events.append(event)
        if new_events:
            extra += new_events
            current = _timeline(timeline, extra)
        open_before = {k: r for k, r in open_now.items() if k not in done}
        agenda.append(day)
    return agenda, current


def _when(t: Optional[dt.datetime]) -> str:
    return "open" if t is None else t.strftime("%a %d %b %H:%M")


def render(agenda: list[Day]) -> str:
    lines = []
    for day in agenda:
        lines.append(day.at.strftime("%a %d %b %Y"))
        if not day.items:
            lines.append("  (nothing new)")
        for item in day.items:
            r = item.rec
            who = f" to {r.to}" if r.to else ""
            how = f" by {r.channel}" if r.channel else ""
            text = {"new": f"due {_when(r.window.due)}",
                    "upcoming": f"from {_when(r.window.start)}, due {_when(r.window.due)}",
                    "due": f"due today {r.window.due:%H:%M}",
                    "done": (f"done {r.window.due:%H:%M}, recorded as {item.event['type']}"
                             if item.event else f"done {r.window.due:%H:%M} (leaves no event)"),
                    "held": f"held back by {getattr(r, 'limit', '')} until "
                            f"{_when(getattr(r, 'until', None))}",
                    "gone": "no longer recommended"}[item.kind]
            lines.append(f"  {item.kind:<8} {r.action}{who}{how}: {text}  [{r.rule}]")
    return "\n".join(lines) + "\n"
