"""Follow the advice: do every recommended contact on its due date and see what happens.

Starting from a timeline, time moves forward; whenever a recommended action that leaves
a trace (a thank-you, a call, a follow-up email, materials) is due before the next step,
the candidate does it at its due time, as an event (:func:`rulebook.perform.event_for`),
and the policy is asked again. An optional *employer* answers contacts with events of
its own. The result is the final events document and the list of what was done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from rulebook.advice import Recommendation
from rulebook.perform import event_for

Employer = Callable[[dict[str, Any], dt.datetime], list[dict[str, Any]]]
MAX_CONTACTS = 60  # a policy that asks for more than this in one run is pestering anyway


@dataclass
class Done:
    """One recommendation the candidate followed, and the event that records it."""

    at: dt.datetime
    recommendation: Recommendation
    event: dict[str, Any]


@dataclass
class Simulation:
    events: dict[str, Any]            # the events document at the end
    done: list[Done] = field(default_factory=list)
    checked_at: list[dt.datetime] = field(default_factory=list)  # every evaluation time


def _openings(advice) -> list[dt.datetime]:
    """When something may become due: upcoming windows open, held-back ones are let go."""
    out = [t for r in advice.upcoming for t in (r.window.start, r.window.due)]
    return out + [r.until for r in advice.held_back if r.until is not None]


def follow_advice(book, events: dict[str, Any], start: dt.datetime, *,
                  days: int = 42, step: dt.timedelta = dt.timedelta(days=1),
                  employer: Optional[Employer] = None,
                  call_outcome: str = "reached",
                  on_advice: Optional[Callable[[dt.datetime, Any, "Simulation"], None]] = None
                  ) -> Simulation:
    """Simulate ``days`` of a candidate doing what ``book`` recommends, from ``start``.

    ``on_advice(at, advice, simulation)`` is called with every evaluation, so invariants can
    look at each one; ``employer(event, at)`` returns the events answering a contact.
    """
    doc = {**events, "events": list(events.get("events", []))}
    policy = book.loaded.policy
    end = start + dt.timedelta(days=days)
    sim = Simulation(doc)
    at = start
    while at <= end:
        advice = book.recommend(doc, at)
        sim.checked_at.append(at)
        if on_advice is not None:
            on_advice(at, advice, sim)
        todo = [(r.window.due, i, r) for i, r in enumerate(advice.actions)
                if event_for(r, r.window.due, policy=policy) is not None]
        due_now = [t for t in todo if t[0] <= at]
        if not due_now:  # ask again when the next one falls due or opens, or a step later
            later = [t for t in _openings(advice) if t > at]
            at = min([at + step] + [t[0] for t in todo] + later)
            continue
        _, _, rec = min(due_now, key=lambda x: (x[0], x[1]))
        event = event_for(rec, at, call_outcome=call_outcome, policy=policy)
        doc["events"].append(event)
        sim.done.append(Done(at, rec, event))
        if employer is not None:
            doc["events"].extend(employer(event, at))
        if len(sim.done) > MAX_CONTACTS:
            break
        at = at + dt.timedelta(minutes=1)
    return sim
