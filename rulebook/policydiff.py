"""How two versions of a policy advise differently, shown on concrete timelines.

A coach changing a policy wants to know what changes for candidates, not which lines
of YAML changed. Both versions are run over the same timelines (the scenarios beside
either policy, the shipped examples, any given ones, and timelines generated from a
fixed seed) over each timeline's first weeks, at every moment where either version's
advice can change (an event, a window's start, due time or end, a limit's until; see
:mod:`rulebook.moments`); each recommendation is compared by action and person:

- ``added`` / ``removed``: only one version recommends it;
- ``status``: to do now, coming up, or held back by a limit in one and not the other;
- ``channel``: recommended by another channel;
- ``timing``: due at another time.

A change counts once per timeline, action and person, however many days it lasts; the
first day it shows is the example.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional
from zoneinfo import ZoneInfo

from .advice import Advice, Recommendation
from .api import Rulebook
from .engine.timing import english
from .events import Timeline, timeline_from_document
from .moments import sweep
from .source import Document

KINDS = ("added", "removed", "status", "channel", "timing")
DAYS = 35
NAMES = ("Dana Lee", "Sam Ortiz", "Priya Natarajan", "Alex Kim")


@dataclass(frozen=True)
class Change:
    kind: str
    timeline: str
    at: dt.datetime
    action: str
    to: Optional[str]
    old: str
    new: str

    def words(self) -> str:
        who = f" to {self.to}" if self.to else ""
        return (f"{self.timeline} at {english(self.at, '%a %d %b %Y %H:%M')}: "
                f"{self.action}{who}: "
                f"{self.old} -> {self.new}")


@dataclass
class Report:
    timelines: int = 0
    evaluations: int = 0
    changes: list[Change] = field(default_factory=list)

    def counts(self) -> Counter:
        return Counter((c.kind, c.action) for c in self.changes)

    def render(self, examples: int = 3) -> str:
        lines = [f"compared on {self.timelines} timelines, {self.evaluations} evaluations each "
                 "side"]
        if not self.changes:
            lines.append("no change in the recommendations")
            return "\n".join(lines) + "\n"
        by_kind: dict[str, list[Change]] = defaultdict(list)
        for c in self.changes:
            by_kind[c.kind].append(c)
        for kind in KINDS:
            items = by_kind.get(kind)
            if not items:
                continue
            per_action = Counter(c.action for c in items)
            lines.append(f"{kind}: {len(items)} change(s) in "
                         f"{len({c.timeline for c in items})} timeline(s): " +
                         ", ".join(f"{a} {n}" for a, n in sorted(per_action.items())))
            shown = set()
            for c in items:
                if len(shown) >= examples:
                    break
                if (c.action, c.timeline) in shown:
                    continue
                shown.add((c.action, c.timeline))
                lines.append("  e.g. " + c.words())
        return "\n".join(lines) + "\n"


def _state(advice: Advice) -> dict[tuple, list[tuple[str, Recommendation]]]:
    out: dict[tuple, list] = defaultdict(list)
    for status, items in (("now", advice.actions), ("upcoming", advice.upcoming),
                          ("held", advice.held_back)):
        for r in items:
            out[(r.action, r.to)].append((status, r))
    for key in out:
        out[key].sort(key=lambda item: (item[1].window.due, item[0], item[1].rule))
    return out


def _when(t: dt.datetime) -> str:
    return english(t, "%a %d %b %H:%M")


def _status_words(status: str, r: Recommendation) -> str:
    if status == "held":
        return f"held back by {r.limit}"
    return {"now": "to do now", "upcoming": "coming up"}[status]


def compare(old: Advice, new: Advice, name: str, at: dt.datetime) -> list[Change]:
    """The differences between two answers for the same timeline and moment."""
    a, b = _state(old), _state(new)
    out = []
    for key in sorted(set(a) | set(b), key=lambda k: (k[0], k[1] or "")):
        left, right = a.get(key, []), b.get(key, [])
        for i in range(max(len(left), len(right))):
            action, to = key
            if i >= len(left):
                s, r = right[i]
                out.append(Change("added", name, at, action, to, "nothing",
                                  f"{_status_words(s, r)}, due {_when(r.window.due)}"))
                continue
            if i >= len(right):
                s, r = left[i]
                out.append(Change("removed", name, at, action, to,
                                  f"{_status_words(s, r)}, due {_when(r.window.due)}", "nothing"))
                continue
            (s1, r1), (s2, r2) = left[i], right[i]
            if s1 != s2 or getattr(r1, "limit", None) != getattr(r2, "limit", None):
                out.append(Change("status", name, at, action, to, _status_words(s1, r1),
                                  _status_words(s2, r2)))
            if r1.channel != r2.channel:
                out.append(Change("channel", name, at, action, to, r1.channel or "no channel",
                                  r2.channel or "no channel"))
            if r1.window.due != r2.window.due:
                out.append(Change("timing", name, at, action, to, f"due {_when(r1.window.due)}",
                                  f"due {_when(r2.window.due)}"))
    return out


def period(timeline: Timeline, days: int = DAYS) -> tuple[dt.datetime, dt.datetime] | None:
    """From the first event to ``days`` days after it (None for an empty timeline)."""
    if not timeline.events:
        return None
    first = min(e.at for e in timeline.events).astimezone(timeline.tz)
    return first, first + dt.timedelta(days=days)


def diff(old: Rulebook, new: Rulebook, timelines: Iterable[tuple], days: int = DAYS) -> Report:
    """Compare on (name, timeline) or (name, timeline, extra moments) items.

    Both versions are evaluated at every moment where either one's advice can change
    (:mod:`rulebook.moments`), so a window of a few hours is compared like a long one.
    """
    report = Report()
    seen: set[tuple] = set()
    for name, timeline, *extra in timelines:
        report.timelines += 1
        span = period(timeline, days)
        if span is None:
            continue
        moments = list(extra[0]) if extra else []
        start = min([span[0]] + moments)
        end = max([span[1]] + moments)
        for at, (a, b) in sweep([old, new], timeline, start, end, moments):
            report.evaluations += 1
            for c in compare(a, b, name, at):
                key = (c.kind, c.timeline, c.action, c.to)
                if key not in seen:
                    seen.add(key)
                    report.changes.append(c)
    return report


# -- generated timelines ------------------------------------------------------------------

def generated_timelines(count: int, seed: int = 0) -> list[tuple[str, Timeline]]:
    """``count`` plausible timelines, the same for the same seed (no clock, no entropy)."""
    rng = random.Random(seed)
    return [(f"generated#{i}", _timeline(rng)) for i in range(count)]


def _timeline(rng: random.Random) -> Timeline:
    zone = rng.choice(["Europe/Berlin", "America/New_York", "UTC"])
    tz = ZoneInfo(zone)
    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=tz) + dt.timedelta(days=rng.randrange(5))
    people = rng.sample(NAMES, rng.randint(1, 3))

    def at(days: float) -> str:
        moment = start + dt.timedelta(hours=round(days * 24))
        return moment.isoformat()

    events: list[dict[str, Any]] = []
    if rng.random() < 0.5:
        events.append({"type": "interview_scheduled", "at": at(-7), "starts_at": at(0)})
    events.append({"type": "interview", "at": at(0), "interviewers": [
        {"name": p, **({"email": p.split()[0].lower() + "@example.com"}
                       if rng.random() < 0.7 else {})} for p in people]})
    if rng.random() < 0.6:
        steps: dict[str, Any] = {"type": "next_steps", "at": at(0.1), "from": people[0]}
        if rng.random() < 0.5:
            steps["decision_by"] = at(rng.choice([5, 10, 14, 21]))
        if rng.random() < 0.4:
            steps["preferred_channel"] = rng.choice(["email", "phone", "linkedin"])
        if rng.random() < 0.2:
            steps["long_wait"] = True
        events.append(steps)
    for p in people:
        if rng.random() < 0.5:
            events.append({"type": "thank_you_sent", "at": at(rng.choice([0.4, 1, 2, 5])),
                           "to": p, "channel": rng.choice(["email", "email", "handwritten_note"])})
    for _ in range(rng.randint(0, 2)):
        kind = rng.choice(["call", "follow_up_sent"])
        when = at(rng.choice([6, 7, 8, 12, 15, 20]))
        if kind == "call":
            events.append({"type": "call", "at": when, "to": people[0],
                           "outcome": rng.choice(["reached", "voicemail", "no_answer"])})
        else:
            events.append({"type": "follow_up_sent", "at": when, "channel": "email"})
    if rng.random() < 0.4:
        kind = rng.choice(["no_decision", "materials_requested", "second_interview", "offer",
                           "rejection", "other"])
        reply: dict[str, Any] = {"type": "reply", "at": at(rng.choice([3, 9, 16])),
                                 "kind": kind, "from": people[0]}
        if kind == "materials_requested" and rng.random() < 0.5:
            reply["due"] = at(rng.choice([12, 20]))
        events.append(reply)
    if rng.random() < 0.15:
        events.append({"type": "promise", "at": at(0.2), "what": "send a work sample",
                       "due": at(3)})
    if rng.random() < 0.15:
        events.append({"type": "referral_contact", "at": at(-10), "name": "Jo Park"})
    if rng.random() < 0.05:
        events.append({"type": "withdrawn", "at": at(18)})
    data = {"timezone": zone, "application": {"company": "Example Co"}, "events": events}
    return timeline_from_document(Document(file="<generated>", data=data))
