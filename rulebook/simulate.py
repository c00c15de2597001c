"""An agenda of what a policy says over a period, optionally doing as told.

The policy is evaluated at every moment where its advice can change (see
:mod:`rulebook.moments`: events, window starts, dues and ends, limits' untils), so a
window of a few hours shows like a long one. The agenda lists what changes: a
recommendation that appears (``new``), one that opens later (``upcoming``), one that
falls due (``due``), one a limit holds back (``held``), one that disappears without
being done (``gone``). With ``follow``, the candidate does each recommended action at
its due time (:func:`rulebook.perform.event_for`): it shows as ``done``, the event joins
the timeline and later moments see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional

from .advice import Advice, Recommendation
from .api import Rulebook
from .engine.timing import english
from .events import Timeline, timeline_from_document
from .moments import SECOND, Queue, advice_moments, sweep, timeline_moments
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
class Step:
    """What changed at one moment."""

    at: dt.datetime
    items: list[Item] = field(default_factory=list)


def _key(r: Recommendation) -> tuple:
    """One recommendation across moments: its window's end stays put while office hours
    move its start (an open-ended window is told apart by its start)."""
    return (r.rule, r.action, r.to or "", r.window.end or r.window.start)


def _timeline(base: Timeline, extra: list[dict[str, Any]]) -> Timeline:
    data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["events"] = data["events"] + extra
    return timeline_from_document(Document(file="<simulated>", data=data))


def _period(start: dt.datetime, end: dt.datetime) -> None:
    if end < start:
        raise InvalidInput([Problem("--to", 0, 0, "the period ends before it starts")])
    if end - start > dt.timedelta(days=MAX_DAYS):
        raise InvalidInput([Problem("--to", 0, 0, f"simulate at most {MAX_DAYS} days")])


def advice_over(book: Rulebook, timeline: Timeline, start: dt.datetime,
                end: dt.datetime) -> list[Advice]:
    """The advice at each moment it can change from ``start`` to ``end`` (pictures)."""
    _period(start, end)
    tz = timeline.tz
    return [answers[0] for _, answers in sweep([book], timeline, start.astimezone(tz),
                                               end.astimezone(tz))]


def simulate(book: Rulebook, timeline: Timeline, start: dt.datetime, end: dt.datetime, *,
             follow: bool = False, call_outcome: str = "reached") -> tuple[list[Step], Timeline]:
    """The agenda from ``start`` to ``end`` (the moments where something changed), and the
    timeline as it ends up."""
    _period(start, end)
    tz = timeline.tz
    policy = book.loaded.policy
    extra: list[dict[str, Any]] = []
    current = timeline
    seen: dict[str, set] = {"new": set(), "upcoming": set(), "held": set()}
    done: set[tuple] = set()
    listed: dict[tuple, Recommendation] = {}
    agenda = []
    queue = Queue(start.astimezone(tz), end.astimezone(tz))
    queue.add(timeline_moments(policy, timeline))
    for moment in queue:
        advice = book.recommend(current, moment)
        queue.add(advice_moments(advice))
        step = Step(moment)
        present = {_key(r): r for r in
                   list(advice.actions) + list(advice.upcoming) + list(advice.held_back)}
        for key, r in listed.items():
            if key not in present and key not in done:
                step.items.append(Item("gone", r))
        for kind, recs in (("new", advice.actions), ("upcoming", advice.upcoming)):
            for r in recs:
                if _key(r) not in seen[kind] and _key(r) not in done:
                    seen[kind].add(_key(r))
                    step.items.append(Item(kind, r))
        for r in advice.held_back:
            hk = _key(r) + (r.limit,)
            if hk not in seen["held"]:
                seen["held"].add(hk)
                step.items.append(Item("held", r))
        new_events = []
        for r in advice.actions:
            key = _key(r)
            if key in done or r.window.due != moment:
                continue
            if not follow:
                step.items.append(Item("due", r))
                continue
            event = event_for(r, moment, call_outcome=call_outcome, policy=policy)
            done.add(key)
            step.items.append(Item("done", r, event))
            if event is not None:
                new_events.append(event)
        if new_events:
            extra += new_events
            current = _timeline(timeline, extra)
            queue.add(timeline_moments(policy, current) | {moment + SECOND})
        listed = {k: r for k, r in present.items() if k not in done}
        if step.items:
            agenda.append(step)
    return agenda, current


def _when(t: Optional[dt.datetime]) -> str:
    return "open" if t is None else english(t, "%a %d %b %H:%M")


def render(agenda: list[Step]) -> str:
    """One heading per day, one line per change, each with its time of day."""
    lines: list[str] = []
    day = None
    for step in agenda:
        if step.at.date() != day:
            day = step.at.date()
            lines.append(english(step.at, "%a %d %b %Y"))
        for item in step.items:
            r = item.rec
            who = f" to {r.to}" if r.to else ""
            how = f" by {r.channel}" if r.channel else ""
            text = {"new": f"due {_when(r.window.due)}",
                    "upcoming": f"from {_when(r.window.start)}, due {_when(r.window.due)}",
                    "due": "due now",
                    "done": (f"done, recorded as {item.event['type']}"
                             if item.event else "done (leaves no event)"),
                    "held": f"held back by {getattr(r, 'limit', '')} " + (
                        "for good" if getattr(r, "until", None) is None
                        else f"until {_when(r.until)}"),
                    "gone": "no longer recommended"}[item.kind]
            lines.append(f"  {step.at:%H:%M} {item.kind:<8} {r.action}{who}{how}: {text}  "
                         f"[{r.rule}]")
    if not lines:
        lines.append("(nothing changes in this period)")
    return "\n".join(lines) + "\n"
