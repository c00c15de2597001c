"""Matching for the reference: the README's "Matching" section, by brute force.

An entry matches once for every way of binding distinct facts to its ``when`` names, in
order, each satisfying its pattern, while no fact at all satisfies an ``absent``
pattern. A field named in a ``same``, a time operand, a window or an ``until`` must
exist on the bound fact, or there is no match. Derived facts are made in dependency
order: an entry reads a derived fact type only once every derivation producing it ran.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterator

from . import clock
from .facts import Fact

TIME, CHOICE, OTHER = "time", "choice", "other"
# the events' fields by kind (README, "The events document"): times, and closed choices
EVENT_TIMES = {"at", "starts_at", "decision_by", "due", "until"}
EVENT_CHOICES = {"channel", "preferred_channel", "outcome", "kind"}
_ABSENT = object()


@dataclass(frozen=True)
class Match:
    """An entry satisfied by these facts (names as the policy wrote them)."""

    section: str
    id: str
    bindings: dict[str, Fact] = field(hash=False, compare=False)

    @property
    def key(self) -> tuple:
        return (self.section, self.id,
                tuple(sorted((name, fact["id"]) for name, fact in self.bindings.items())))


def read(fact: Fact, name: str) -> Any:
    return fact.get(name, _ABSENT)


def equal(a: Any, b: Any) -> bool:
    """Equal and of one kind: ``True`` is not ``1``."""
    return type(a) is type(b) and a == b


class Kinds:
    """Which fields of which fact types hold times, or closed choices (for reasons)."""

    def __init__(self, policy):
        self.producers: dict[str, list] = {}
        for did, d in policy.active("derive").items():
            self.producers.setdefault(d.fact or did, []).append(d)

    def of(self, kind: str, fname: str) -> str:
        if fname == "at":
            return TIME
        if kind in self.producers:  # a derived field has the kind of what it copies
            for d in self.producers[kind]:
                if fname in d.set:
                    alias, src = d.set[fname].split(".", 1)
                    return self.of(d.when[alias].types[0], src)
            return OTHER
        if fname in EVENT_TIMES:
            return TIME
        return CHOICE if fname in EVENT_CHOICES else OTHER

    def pattern(self, types: list[str], fname: str) -> str:
        return self.of(types[0], fname)


class Matcher:
    def __init__(self, policy):
        self.policy = policy
        self.kinds = Kinds(policy)
        self.days = clock.Workdays(policy.settings)

    # -- one pattern ---------------------------------------------------------------------
    def _time(self, text: str, bound: dict[str, Fact], now: dt.datetime, tz) -> Any:
        expr = clock.parse(text)
        return moment_of(expr, bound, now, tz)

    def _test(self, value: Any, op: str, operand: Any, is_time: bool, bound, now, tz) -> bool:
        if op == "exists":
            return (value is not _ABSENT) is operand
        if value is _ABSENT:
            return False
        if is_time:
            operand = self._time(operand, bound, now, tz)
            if operand is _ABSENT:
                return False
        if op == "eq":
            return equal(value, operand)
        if op == "ne":
            return not equal(value, operand)
        if op == "in":
            return any(equal(value, v) for v in operand)
        if isinstance(value, bool) or isinstance(operand, bool):
            return False
        if op == "gt":
            return value > operand
        if op == "ge":
            return value >= operand
        if op == "lt":
            return value < operand
        return value <= operand

    def fits(self, p, fact: Fact, bound: dict[str, Fact], now: dt.datetime, tz) -> bool:
        if fact["type"] not in p.types:
            return False
        for fname, cond in p.where.items():
            is_time = self.kinds.pattern(p.types, fname) == TIME
            value = read(fact, fname)
            for op, operand in cond.tests():
                if not self._test(value, op, operand, is_time, bound, now, tz):
                    return False
        for fname, ref in p.same.items():
            alias, theirs = ref.split(".", 1)
            mine, other = read(fact, fname), read(bound[alias], theirs)
            if mine is _ABSENT or other is _ABSENT or not equal(mine, other):
                return False
        if p.after is not None and fact["seq"] <= bound[p.after]["seq"]:
            return False
        if p.before is not None and fact["seq"] >= bound[p.before]["seq"]:
            return False
        if p.since is not None:
            if fact["at"] < clock.shift(now, [clock.Step(-1, p.since.amount, p.since.unit)], tz):
                return False
        return True

    def count_holds(self, c, facts: list[Fact], bound, now, tz) -> bool:
        """How many facts fit the pattern (bound ones too); with ``within``, the most of
        them whose times fit in one closed span that long."""
        times = sorted(f["at"] for f in facts if self.fits(c, f, bound, now, tz))
        n = len(times)
        if c.within is not None:
            span = [clock.Step(1, c.within.amount, c.within.unit)]
            n = max((sum(1 for u in times if t <= u <= clock.shift(t, span, tz)) for t in times),
                    default=0)
        if c.at_least is not None and n < c.at_least:
            return False
        return c.at_most is None or n <= c.at_most

    # -- one entry -----------------------------------------------------------------------
    def _needed(self, entry) -> list[tuple[str, str]]:
        """(name, field) pairs the entry reads from bound facts: they must exist."""
        out = []
        for p in entry.patterns():
            out += [tuple(ref.split(".", 1)) for ref in p.same.values()]
            for fname, cond in p.where.items():
                if self.kinds.pattern(p.types, fname) != TIME:
                    continue
                for op, operand in cond.tests():
                    if op != "exists":
                        e = clock.parse(operand)
                        if e.anchor != "now" and e.field is not None:
                            out.append((e.anchor, e.field))
        exprs = []
        if hasattr(entry, "window"):
            exprs = [entry.window.start, entry.window.due, entry.window.end]
        if hasattr(entry, "until"):
            exprs = [entry.until]
        for e in exprs:
            if e is not None and e.anchor != "now" and e.field is not None:
                out.append((e.anchor, e.field))
        return out

    def entry(self, entry, facts: list[Fact], now: dt.datetime, tz) -> Iterator[dict[str, Fact]]:
        names = list(entry.when)
        needed = self._needed(entry)

        def bind(i: int, bound: dict[str, Fact]) -> Iterator[dict[str, Fact]]:
            if i == len(names):
                yield dict(bound)
                return
            taken = [f["id"] for f in bound.values()]
            for fact in facts:
                if fact["id"] not in taken and self.fits(entry.when[names[i]], fact, bound, now, tz):
                    bound[names[i]] = fact
                    yield from bind(i + 1, bound)
                    del bound[names[i]]

        for bound in bind(0, {}):
            if any(read(bound[n], f) is _ABSENT for n, f in needed):
                continue
            if any(self.fits(p, f, bound, now, tz) for p in entry.absent for f in facts):
                continue
            if not all(self.count_holds(c, facts, bound, now, tz) for c in entry.count):
                continue
            yield bound

    # -- a whole policy ------------------------------------------------------------------
    def matches(self, facts: list[Fact], now: dt.datetime, tz) -> list[Match]:
        policy = self.policy
        producers: dict[str, set[str]] = {}
        for did, d in policy.active("derive").items():
            producers.setdefault(d.fact or did, set()).add(did)
        found: dict[tuple, Match] = {}
        done: set[str] = set()
        waiting = dict(policy.active("derive"))
        while waiting:
            ready = [did for did, d in waiting.items()
                     if all(producers[t] <= done for t in _reads(d) if t in producers)]
            if not ready:
                raise ValueError("derived facts depend on each other in a cycle")
            made: dict[str, Fact] = {}
            for did in ready:
                d = waiting.pop(did)
                for bound in self.entry(d, facts, now, tz):
                    m = Match("derive", did, bound)
                    found.setdefault(m.key, m)
                    fact = derived(did, d, bound)
                    made.setdefault(fact["id"], fact)
                done.add(did)
            facts = facts + [made[k] for k in sorted(made)]
        for section in ("rules", "limits"):
            for eid, entry in policy.active(section).items():
                for bound in self.entry(entry, facts, now, tz):
                    m = Match(section, eid, bound)
                    found.setdefault(m.key, m)
        return sorted(found.values(), key=lambda m: m.key)


def _reads(entry) -> set[str]:
    return {t for p in entry.patterns() for t in p.types}


def derived(did: str, d, bound: dict[str, Fact]) -> Fact:
    """The fact a derivation makes of one match: its time and order are its anchor's."""
    anchor = bound[d.at or next(iter(d.when))]
    names = ",".join(f"{n}={bound[n]['id']}" for n in sorted(bound))
    fact = {"type": d.fact or did, "id": f"d:{did}:{names}", "seq": anchor["seq"],
            "at": anchor["at"]}
    for fname, ref in d.set.items():
        alias, src = ref.split(".", 1)
        value = read(bound[alias], src)
        if value is not _ABSENT:
            fact[fname] = value
    return fact


def moment_of(expr, bound: dict[str, Fact], now: dt.datetime, tz, days=None) -> Any:
    """The moment a time expression names in ``tz``, or ``_ABSENT`` for a missing field."""
    if expr.anchor == "now":
        base = now
    else:
        base = read(bound[expr.anchor], expr.field or "at")
        if base is _ABSENT:
            return _ABSENT
    return clock.shift(base, expr.steps, tz, days or clock.Workdays())
