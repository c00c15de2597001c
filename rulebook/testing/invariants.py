"""Invariants every policy should keep, as plain functions that raise with a counterexample.

Each invariant takes a :class:`rulebook.Rulebook`, an events document (a dict) and an
evaluation time, and raises :class:`InvariantFailure` -- which carries the events
document, so a failure can be pasted into a file and rerun with ``rulebook recommend`` --
or returns None. ``INVARIANTS`` lists the built-in ones, all on by default.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable, Optional

from ..engine.timing import english
from .simulation import follow_advice

# Actions that ask the employer about the status: the ones no-pestering counts.
STATUS_ACTIONS = frozenset({"follow_up_call", "retry_call", "check_in", "periodic_check_in",
                            "final_nudge", "send_follow_up_email"})
# What a closed process still allows (G22, G23): nothing after an offer or a withdrawal.
TERMINAL_ALLOWED = {"offer": frozenset(), "withdrawn": frozenset(),
                    "rejection": frozenset({"gracious_reply", "request_feedback"})}
REPEATABLE = frozenset({"periodic_check_in"})


class InvariantFailure(AssertionError):
    """An invariant does not hold; ``events`` and ``at`` reproduce it."""

    def __init__(self, invariant: str, message: str, events: dict[str, Any],
                 at: dt.datetime):
        super().__init__(f"{invariant}: {message}")
        self.invariant, self.message, self.events, self.at = invariant, message, events, at

    def document(self) -> str:
        """The events document as short JSON (also YAML): one event per line."""
        head = {k: v for k, v in self.events.items() if k != "events"}
        lines = [json.dumps(e, default=str) for e in self.events.get("events", [])]
        text = json.dumps(head, default=str)[:-1]
        return (text + (", " if head else "") + '"events": [\n  '
                + ",\n  ".join(lines) + "\n]}\n")


def _items(advice):
    return ([("action", r) for r in advice.actions] + [("upcoming", r) for r in advice.upcoming]
            + [("held back", r) for r in advice.held_back])


def _who(rec) -> str:
    return rec.action + (f" to {rec.to}" if rec.to else "") + f" (rule {rec.rule})"


def _snapshot(sim) -> dict:
    """The simulated timeline so far: the start's events plus what was done."""
    return {**sim.events, "events": list(sim.events["events"])}


def explained(book, events: dict, at: dt.datetime) -> None:
    """Every action, upcoming and held-back entry names its rule, that rule's guideline
    sources, and a reason that is filled in (no placeholder left, nothing unknown)."""
    rules = book.loaded.policy.rules
    for where, rec in _items(book.recommend(events, at)):
        rule = rules.get(rec.rule)
        problem = None
        if rule is None:
            problem = "names no rule of the policy"
        elif not rec.sources or rec.sources != list(rule.sources):
            problem = f"cites {rec.sources}, its rule cites {rule.sources}"
        elif not rec.reason.strip() or "{" in rec.reason or "}" in rec.reason:
            problem = f"has no proper reason: {rec.reason!r}"
        elif "(unknown)" in rec.reason:
            problem = f"has a reason naming a fact that is not there: {rec.reason!r}"
        if problem:
            raise InvariantFailure("explained", f"{where} {_who(rec)} {problem}", events, at)


def well_formed_windows(book, events: dict, at: dt.datetime) -> None:
    """start <= due <= end; what is to be done now is due now or later; upcoming starts
    later; held-back entries are held until a later time (or for good)."""
    advice = book.recommend(events, at)
    for where, rec in _items(advice):
        w = rec.window
        if not (w.start <= w.due and (w.end is None or w.due <= w.end)):
            raise InvariantFailure("well_formed_windows", f"{where} {_who(rec)} has window "
                                   f"{w.start} / {w.due} / {w.end}", events, at)
        if where == "action" and (w.due < at or w.start > at):
            raise InvariantFailure("well_formed_windows", f"action {_who(rec)} is due "
                                   f"{w.due}, before now ({at})", events, at)
        if where == "upcoming" and w.start <= at:
            raise InvariantFailure("well_formed_windows", f"upcoming {_who(rec)} has "
                                   f"already started ({w.start})", events, at)
        if where == "held back" and rec.until is not None and rec.until <= at:
            raise InvariantFailure("well_formed_windows", f"{_who(rec)} is held back until "
                                   f"{rec.until}, which has passed", events, at)


def order_independent(book, events: dict, at: dt.datetime) -> None:
    """The same events in another order (and a second evaluation) give the same output."""
    first = book.recommend(events, at).to_json()
    evs = list(events.get("events", []))
    for variant in (evs[::-1], evs[1:] + evs[:1], evs):
        again = book.recommend({**events, "events": variant}, at).to_json()
        if again != first:
            raise InvariantFailure("order_independent", "the same events in another order "
                                   "give different advice", events, at)


def _terminal(events: dict, at: dt.datetime, book) -> list[tuple[str, dt.datetime]]:
    from rulebook.api import as_timeline

    out = []
    for e in as_timeline(events).events:
        if e.at > at:
            continue
        if e.type == "withdrawn":
            out.append(("withdrawn", e.at))
        elif e.type == "reply" and e.kind in ("offer", "rejection"):
            out.append((e.kind, e.at))
    return out


def terminal_states(book, events: dict, at: dt.datetime,
                    allowed: Optional[dict[str, frozenset]] = None) -> None:
    """After an offer, a rejection or a withdrawal, recommend nothing but what that state
    allows (after a rejection: a gracious reply and a feedback request)."""
    allowed = TERMINAL_ALLOWED if allowed is None else allowed
    states = _terminal(events, at, book)
    if not states:
        return
    ok = frozenset.intersection(*(allowed.get(s, frozenset()) for s, _ in states))
    for days in (0, 1, 3, 7, 14):  # now, and as the days go by
        later = at + dt.timedelta(days=days)
        advice = book.recommend(events, later)
        for where, rec in _items(advice)[:len(advice.actions) + len(advice.upcoming)]:
            if rec.action not in ok:
                state = ", ".join(f"{s} on {t.isoformat()}" for s, t in states)
                raise InvariantFailure("terminal_states", f"after {state}, the advice at "
                                       f"{later.isoformat()} still lists {where} "
                                       f"{_who(rec)}", events, later)


def no_pestering(book, events: dict, at: dt.datetime, *, days: int = 42,
                 max_per_week: int = 2, min_gap: dt.timedelta = dt.timedelta(days=3),
                 status_actions: frozenset = STATUS_ACTIONS, employer=None) -> None:
    """Follow the advice for ``days``: status contacts come at most ``max_per_week`` in
    any 7 days and at least ``min_gap`` apart, and never before a decision date the
    employer stated."""
    from rulebook.api import as_timeline

    def look(now, advice, sim) -> None:  # after every step, so a runaway stops early
        contacts = [d for d in sim.done if d.recommendation.action in status_actions]
        if not contacts:
            return

        def fail(message: str) -> None:
            raise InvariantFailure("no_pestering", message + "; following the advice from "
                                   f"{at.isoformat()} did: " + "; ".join(
                                       f"{english(d.at, '%a %d %b %H:%M')} "
                                       f"{_who(d.recommendation)}"
                                       for d in contacts), _snapshot(sim), now)

        d = contacts[-1]
        week = [c for c in contacts if d.at - dt.timedelta(days=7) < c.at <= d.at]
        if len(week) > max_per_week:
            fail(f"{len(week)} status contacts within a week")
        if len(contacts) > 1 and d.at - contacts[-2].at < min_gap:
            fail(f"two status contacts {d.at - contacts[-2].at} apart")
        stated = [e.decision_by for e in as_timeline(sim.events).events
                  if e.type == "next_steps" and e.decision_by is not None and e.at <= d.at]
        told = [s for s in stated if s > d.at]
        if told:
            fail(f"{_who(d.recommendation)} on {english(d.at, '%a %d %b')} comes before the "
                 f"stated decision date {english(min(told), '%a %d %b')}")

    follow_advice(book, events, at, days=days, employer=employer, on_advice=look)


def done_is_done(book, events: dict, at: dt.datetime, *, days: int = 21,
                 repeatable: frozenset = REPEATABLE) -> None:
    """Follow the advice: once an action is done, the same rule does not recommend it to
    the same person again (unless the action is meant to repeat, like a monthly note)."""

    def look(now, advice, sim) -> None:
        for d in sim.done:
            rec = d.recommendation
            if rec.action in repeatable:
                continue
            for again in advice.actions + advice.upcoming:
                if (again.action, again.to, again.rule, again.window.start) == \
                        (rec.action, rec.to, rec.rule, rec.window.start):
                    raise InvariantFailure(
                        "done_is_done", f"{_who(rec)} was done at {d.at.isoformat()} and "
                        f"is recommended again at {now.isoformat()}", _snapshot(sim), now)

    follow_advice(book, events, at, days=days, on_advice=look)


INVARIANTS: dict[str, Callable[..., None]] = {
    "no_pestering": no_pestering,
    "terminal_states": terminal_states,
    "explained": explained,
    "well_formed_windows": well_formed_windows,
    "order_independent": order_independent,
    "done_is_done": done_is_done,
}
