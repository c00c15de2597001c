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

__all__ = ["INVARIANTS", "InvariantFailure", "STATUS_ACTIONS", "allowed_after", "contact_gap",
           "follow_advice", "no_pestering", "keeps_in_touch", "terminal_states",
           "follows_stated_channel", "explained", "well_formed_windows", "order_independent",
           "done_is_done"]

# Actions that ask the employer about the status: the ones no-pestering counts.
STATUS_ACTIONS = frozenset({"follow_up_call", "retry_call", "check_in", "periodic_check_in",
                            "final_nudge", "send_follow_up_email"})
# What a closed process still allows (G22, G23) when the policy has no limit that says:
# nothing after an offer or a withdrawal, grace after a rejection.
TERMINAL_ALLOWED = {"offer": frozenset(), "withdrawn": frozenset(),
                    "rejection": frozenset({"gracious_reply", "request_feedback"})}
REPEATABLE = frozenset({"periodic_check_in"})
# Events a status contact leaves in the timeline (see rulebook.perform).
CONTACT_EVENTS = frozenset({"follow_up_sent", "call"})


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


def _limit_about(lim, state: str) -> bool:
    """Whether ``lim`` matches on the final answer ``state`` alone (and holds for good)."""
    if len(lim.when) != 1 or lim.until is not None:
        return False
    (pattern,) = lim.when.values()
    kind = "withdrawn" if state == "withdrawn" else "reply"
    if kind not in pattern.types or pattern.since is not None:
        return False
    if state == "withdrawn":
        return True
    cond = pattern.where.get("kind")
    if cond is None:
        return False
    for op, value in cond.tests():
        if (op == "eq" and value != state) or (op == "in" and state not in value) \
                or (op == "ne" and value == state) or op not in ("eq", "in", "ne"):
            return False
    return True


def allowed_after(policy, overrides: Optional[dict[str, frozenset]] = None
                  ) -> dict[str, frozenset]:
    """What ``policy`` allows after each final answer, read from its own limits.

    A limit that matches the final answer alone, for good, holds back what it applies to
    (minus its ``except``); an action every such limit lets through is allowed, except a
    status contact, which is never grace. Without such a limit the defaults apply
    (``TERMINAL_ALLOWED``). ``overrides`` (state -> actions) add to what is allowed.
    """
    actions = {r.action for r in policy.active("rules").values()}
    out = {}
    for state, default in TERMINAL_ALLOWED.items():
        limits = [lim for lim in policy.active("limits").values() if _limit_about(lim, state)]
        if not limits:
            ok = set(default)
        else:
            ok = {a for a in actions if all(
                a in lim.except_ or (lim.applies_to != "all" and a not in lim.applies_to)
                for lim in limits)}
            ok -= STATUS_ACTIONS
        out[state] = frozenset(ok | set((overrides or {}).get(state, ())))
    return out


def terminal_states(book, events: dict, at: dt.datetime,
                    allowed: Optional[dict[str, frozenset]] = None) -> None:
    """After an offer, a rejection or a withdrawal, recommend nothing but what that state
    allows: what the policy's own limits let through (a policy may allow answering an
    offer), never a status contact; without such a limit, only grace after a rejection.
    ``allowed`` (state -> actions) replaces what the policy says."""
    allowed = allowed_after(book.loaded.policy) if allowed is None else allowed
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


def contact_gap(book) -> dt.timedelta:
    """The policy's least time between two status contacts (``settings.contact_gap``)."""
    gap = book.loaded.policy.settings.contact_gap
    return dt.timedelta(days=gap.amount) if gap.unit == "bd" else \
        dt.timedelta(seconds=gap.seconds)


def _plus(moment: dt.datetime, span: dt.timedelta, tz) -> dt.datetime:
    """``moment + span`` as the policy language adds it: whole days are calendar days
    (the wall time stays across a daylight-saving change), anything else real time."""
    if span % dt.timedelta(days=1):
        return moment + span
    return moment.astimezone(tz) + span  # aware + timedelta: wall-clock arithmetic


def no_pestering(book, events: dict, at: dt.datetime, *, days: int = 42,
                 max_per_week: int = 2, min_gap: Optional[dt.timedelta] = None,
                 status_actions: frozenset = STATUS_ACTIONS, employer=None) -> None:
    """Follow the advice for ``days``: never two status contacts to do at once; none within
    ``min_gap`` (default: the policy's ``settings.contact_gap``) of the one before, or of
    a follow-up or call the timeline already records (nothing repeated that was just
    done); at most ``max_per_week`` in any 7 days; none before a decision date the
    employer stated."""
    from rulebook.api import as_timeline

    gap = contact_gap(book) if min_gap is None else min_gap
    checked = [0]  # status contacts already looked at

    def look(now, advice, sim) -> None:  # after every step, so a runaway stops early
        contacts = [d for d in sim.done if d.recommendation.action in status_actions]

        def fail(message: str) -> None:
            raise InvariantFailure("no_pestering", message + "; following the advice from "
                                   f"{at.isoformat()} did: " + ("; ".join(
                                       f"{english(d.at, '%a %d %b %H:%M')} "
                                       f"{_who(d.recommendation)}"
                                       for d in contacts) or "nothing yet"),
                                   _snapshot(sim), now)

        both = sorted({r.action for r in advice.actions if r.action in status_actions})
        if len(both) > 1:
            fail(f"{' and '.join(both)} are both to do now, at "
                 f"{english(now, '%a %d %b %H:%M')}: two "
                 "status contacts at once")
        if len(contacts) == checked[0]:
            return
        checked[0] = len(contacts)
        d = contacts[-1]
        week = [c for c in contacts if d.at - dt.timedelta(days=7) < c.at <= d.at]
        if len(week) > max_per_week:
            fail(f"{len(week)} status contacts within a week")
        timeline = as_timeline(sim.events)
        # a call may be tried once more a day after one that reached no one (G13): calls
        # do not space calls, written follow-ups do
        retry = d.event["type"] == "call"
        before = [e.at for e in timeline.events if e.type in CONTACT_EVENTS and e.at < d.at
                  and not (retry and e.type == "call")]
        recent = [t for t in before if d.at < _plus(t, gap, timeline.tz)]
        if recent:
            fail(f"two status contacts {d.at - max(recent)} apart: {_who(d.recommendation)} "
                 f"on {english(d.at, '%a %d %b %H:%M')} repeats the contact of "
                 f"{english(max(recent), '%a %d %b %H:%M')} (the policy's gap: {gap})")
        stated = _standing_dates([e for e in timeline.events if e.at <= d.at])
        told = [s for s in stated if s > d.at]
        if told:
            fail(f"{_who(d.recommendation)} on {english(d.at, '%a %d %b')} comes before the "
                 f"stated decision date {english(min(told), '%a %d %b')}")

    follow_advice(book, events, at, days=days, employer=employer, on_advice=look)


def follows_stated_channel(book, events: dict, at: dt.datetime) -> None:
    """A channel the employer stated (the latest ``next_steps.preferred_channel`` of that
    person or of everyone, as of now) is used by every rule that takes stated channels
    and can use it, whether the event was logged with a time or as a date."""
    from rulebook.api import as_timeline
    from rulebook.events import EndOfDay

    timeline = as_timeline(events)
    tz = timeline.tz
    today = at.astimezone(tz).date()

    def when(e):  # a date without a time, logged for today, counts as done by now
        if isinstance(e.at, EndOfDay) and e.at.astimezone(tz).date() == today:
            return min(e.at, at)
        return e.at

    stated = sorted(((when(e), e) for e in timeline.events
                     if e.type == "next_steps" and e.preferred_channel and when(e) <= at),
                    key=lambda x: x[0])
    policy = book.loaded.policy
    for where, rec in _items(book.recommend(events, at)):
        rule = policy.rules.get(rec.rule)
        if rule is None or rule.channel is None or not rule.channel.stated:
            continue
        key = " ".join((rec.to or "").split()).casefold()
        wishes = [(t, e) for t, e in stated if not e.from_ or not key
                  or " ".join(e.from_.split()).casefold() == key]
        if not wishes:
            continue
        last = [e.preferred_channel for t, e in wishes if t == wishes[-1][0]]
        usable = [rule.channel.default] + list(rule.channel.fallback)
        wish = last[0]
        if len(set(last)) > 1 or wish not in usable or wish not in policy.settings.channels:
            continue
        if rec.channel != wish:
            raise InvariantFailure("follows_stated_channel", f"{where} {_who(rec)} is by "
                                   f"{rec.channel}, but they asked for {wish}", events, at)


def _closed(doc: dict) -> bool:
    return any(e.get("type") == "withdrawn" or (e.get("type") == "reply" and e.get("kind")
               in ("offer", "rejection")) for e in doc.get("events", []))


def _standing_dates(events) -> list[dt.datetime]:
    """The decision dates the employer stated that still stand: a date stated before an
    invitation to another interview was about the old round (at the same instant too: a
    reply comes after next steps in the language's order)."""
    invited = [e.at for e in events if e.type == "reply" and e.kind == "second_interview"]
    return [e.decision_by for e in events if e.type == "next_steps"
            and e.decision_by is not None and not any(t >= e.at for t in invited)]


def keeps_in_touch(book, events: dict, at: dt.datetime, *, days: int = 150,
                   first_within: dt.timedelta = dt.timedelta(days=35),
                   long_wait_every: dt.timedelta = dt.timedelta(days=62)) -> None:
    """Follow the advice for ``days`` with an employer who never answers: while the
    process is open, a status contact comes within ``first_within`` of the employer's
    last word (or of the decision date they stated), and under a stated long wait one at
    least every ``long_wait_every`` for as long as the wait lasts. A policy may stop
    after contacts went unanswered, never before the first."""
    from rulebook.api import as_timeline

    if _closed(events) or not any(e.get("type") == "interview"
                                  for e in events.get("events", [])):
        return
    sim = follow_advice(book, events, at, days=days, step=dt.timedelta(days=7))
    end = sim.checked_at[-1]
    evs = [e for e in as_timeline(sim.events).events if e.at <= end]
    if any(e.type == "dismissed" and e.action in STATUS_ACTIONS and e.to is None for e in evs):
        return  # the candidate decided against a status contact: their silence, not the policy's
    interviews = [e.at for e in evs if e.type == "interview"]
    if not interviews or any(e.type == "interview_scheduled" and e.starts_at
                             and e.starts_at > max(interviews) for e in evs):
        return  # an interview is still to come: nothing to chase
    word = max(e.at for e in evs if e.type in ("interview", "reply", "next_steps"))
    quiet = max([word] + [t for t in _standing_dates(evs) if t > word])
    if any(e.type == "next_steps" and e.decision_by is not None and e.decision_by < e.at
           for e in evs):
        return  # a date already past when stated: what it means is unclear (left open)
    if at > quiet + dt.timedelta(days=1):
        return  # the advice was not followed from the employer's last word on
    # at the very instant of the last word, contacts count as after an interview or next
    # steps and before a reply (the language's order of same-instant events)
    tie = not any(e.type == "reply" and e.at == word for e in evs)

    def since_word(t: dt.datetime) -> bool:
        return word < t or (tie and t == word)

    # the timeline's own follow-ups and calls, and the status contacts the advice made
    touches = sorted({e.at for e in as_timeline(events).events if e.type in CONTACT_EVENTS
                      and since_word(e.at) and e.at <= end}
                     | {d.at for d in sim.done if d.recommendation.action in STATUS_ACTIONS
                        and since_word(d.at)})

    def fail(message: str) -> None:
        raise InvariantFailure("keeps_in_touch", message + "; following the advice from "
                               f"{at.isoformat()} with an employer who never answers did: "
                               + ("; ".join(f"{english(d.at, '%a %d %b %Y')} "
                                            f"{_who(d.recommendation)}"
                                            for d in sim.done) or "nothing"),
                               sim.events, end)

    if any(e.type == "next_steps" and e.long_wait for e in evs if e.at >= max(interviews)):
        points = [quiet] + [t for t in touches if t > quiet] + [end]
        for a, b in zip(points, points[1:]):
            if b - a > long_wait_every:
                fail(f"they said the decision will take a while, and no note went out "
                     f"from {english(a, '%a %d %b %Y')} to {english(b, '%a %d %b %Y')}")
    elif not touches and end - quiet > first_within:
        fail(f"no status contact in the {(end - quiet).days} days since "
             f"{english(quiet, '%a %d %b %Y')} (the employer's last word or stated date)")


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
    "keeps_in_touch": keeps_in_touch,
    "terminal_states": terminal_states,
    "follows_stated_channel": follows_stated_channel,
    "explained": explained,
    "well_formed_windows": well_formed_windows,
    "order_independent": order_independent,
    "done_is_done": done_is_done,
}
