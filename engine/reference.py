"""The reference evaluator: the policy language's definition, executed naively in Python.

It exists to check the durable-rules evaluator, so it shares nothing with the compiler:
it reads the :class:`~rulebook.policy.Policy` model directly and tries every assignment
of distinct facts to an entry's ``when`` names with nested loops, testing each pattern
as the README defines it. It is slow (exponential in the number of names) and meant to
be obviously right. Shared with the engine are only the timeline's facts
(:mod:`engine.facts`), the construction of derived facts, and the strata that
validation computed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator, Optional

from rulebook.policy import Limit, Pattern, Rule
from rulebook.timeexpr import CALENDAR_UNITS, Offset, TimeExpr, UNITS, parse_time_expr
from rulebook.vocabulary import NOW, TIME

from .facts import Fact, derived_fact, epoch, timeline_facts
from .runtime import Match
from .timing import from_epoch, shift

_MISSING = object()


def _get(fact: Fact, field: str) -> Any:
    """A fact's field; ``at`` is the fact's time. Missing fields are ``_MISSING``."""
    return fact.get("t" if field == "at" else field, _MISSING)


def _same_value(a: Any, b: Any) -> bool:
    """Equality without Python's ``True == 1``: values of different kinds differ."""
    return type(a) is type(b) and a == b


class _Scope:
    """The bindings of one partial match, and the evaluation time."""

    def __init__(self, now: int, bindings: dict[str, Fact], tz=dt.timezone.utc):
        self.now, self.b, self.tz = now, bindings, tz

    def time(self, expr: TimeExpr) -> Any:
        """The epoch seconds ``expr`` names, or ``_MISSING`` when its field is absent."""
        if expr.anchor == NOW:
            base = self.now
        else:
            base = _get(self.b[expr.anchor], expr.field or "at")
        if base is _MISSING:
            return _MISSING
        if expr.calendar:  # days are calendar days: the shared clock (engine.timing)
            return int(shift(from_epoch(base, self.tz), expr.offsets, self.tz).timestamp())
        return base + sum(o.sign * o.amount * UNITS[o.unit] for o in expr.offsets)

    def after(self, t: int, duration) -> int:
        """``t`` plus ``duration`` (calendar days moved on the calendar)."""
        if duration.unit in CALENDAR_UNITS:
            return int(shift(from_epoch(t, self.tz), (duration,), self.tz).timestamp())
        return t + duration.seconds

    def since(self, duration) -> int:
        """The evaluation time minus ``duration`` (calendar days moved on the calendar)."""
        if duration.unit in CALENDAR_UNITS:
            back = (Offset(-1, duration.amount, duration.unit),)
            return int(shift(from_epoch(self.now, self.tz), back, self.tz).timestamp())
        return self.now - duration.seconds

    def ref(self, text: str) -> Any:
        name, field = text.split(".", 1)
        return _get(self.b[name], field)


class ReferenceEvaluator:
    """Matches a policy's entries by brute force, stratum by stratum."""

    def __init__(self, program):
        self.program = program
        self.policy = program.loaded.policy
        self.checked = program.loaded.checked

    # -- patterns ------------------------------------------------------------------------
    def _kind(self, types: list[str], field: str) -> Any:
        for t in types:
            kind = self.checked.fact_fields.get(t, {}).get(field)
            if kind is not None:
                return kind
        return None

    def _test(self, kind, value: Any, op: str, operand: Any, scope: _Scope) -> bool:
        if op == "exists":
            return (value is not _MISSING) == operand
        if value is _MISSING:
            return False
        if kind == TIME:
            operand = scope.time(parse_time_expr(operand))
            if operand is _MISSING:
                return False
        if op == "eq":
            return _same_value(value, operand)
        if op == "ne":
            return not _same_value(value, operand)
        if op == "in":
            return any(_same_value(value, v) for v in operand)
        if isinstance(value, bool) or isinstance(operand, bool):
            return False
        return {"gt": value > operand, "ge": value >= operand,
                "lt": value < operand, "le": value <= operand}[op]

    def holds(self, p: Pattern, fact: Fact, scope: _Scope) -> bool:
        """Does ``fact`` satisfy pattern ``p`` given the names bound so far?"""
        if fact["type"] not in p.types:
            return False
        for field, cond in p.where.items():
            kind = self._kind(p.types, field)
            value = _get(fact, field)
            for op, operand in cond.tests():
                if not self._test(kind, value, op, operand, scope):
                    return False
        for field, ref in p.same.items():
            mine, theirs = _get(fact, field), scope.ref(ref)
            if mine is _MISSING or theirs is _MISSING or not _same_value(mine, theirs):
                return False
        if p.after is not None and not fact["seq"] > scope.b[p.after]["seq"]:
            return False
        if p.before is not None and not fact["seq"] < scope.b[p.before]["seq"]:
            return False
        if p.since is not None and not fact["t"] >= scope.since(p.since):
            return False
        return True

    # -- entries -------------------------------------------------------------------------
    def _referenced(self, entry) -> list[str]:
        """Every ``name.field`` the entry reads from a bound fact (they must exist)."""
        refs: list[str] = []

        def expr(e: Optional[TimeExpr]) -> None:
            if e is not None and e.anchor != NOW and e.field is not None:
                refs.append(f"{e.anchor}.{e.field}")

        for p in entry.patterns():
            refs.extend(p.same.values())
            for field, cond in p.where.items():
                if self._kind(p.types, field) != TIME:
                    continue
                for op, operand in cond.tests():
                    if op != "exists":
                        expr(parse_time_expr(operand))
        if isinstance(entry, Rule):
            for part in (entry.window.start, entry.window.due, entry.window.end):
                expr(part)
        if isinstance(entry, Limit):
            expr(entry.until)
        return refs

    def entry_matches(self, entry, facts: list[Fact], now: int,
                      tz=dt.timezone.utc) -> Iterator[dict[str, Fact]]:
        """Every binding of distinct facts to ``entry.when`` that the definition accepts."""
        names = list(entry.when)
        refs = self._referenced(entry)

        def extend(i: int, bound: dict[str, Fact]) -> Iterator[dict[str, Fact]]:
            if i == len(names):
                yield dict(bound)
                return
            name = names[i]
            used = {id(f) for f in bound.values()}
            for fact in facts:
                if id(fact) in used:
                    continue
                if self.holds(entry.when[name], fact, _Scope(now, bound, tz)):
                    bound[name] = fact
                    yield from extend(i + 1, bound)
                    del bound[name]

        for bound in extend(0, {}):
            scope = _Scope(now, bound, tz)
            if any(scope.ref(r) is _MISSING for r in refs):
                continue
            if any(self.holds(p, f, scope) for p in entry.absent for f in facts):
                continue
            if not all(self.count_holds(c, facts, scope) for c in entry.count):
                continue
            yield bound

    def count_holds(self, c, facts: list[Fact], scope: _Scope) -> bool:
        """The README's count: the facts satisfying ``c`` (bound ones included); with
        ``within``, the most of them whose times fit in a closed span that long."""
        times = sorted(f["t"] for f in facts if self.holds(c, f, scope))
        if c.within is None:
            n = len(times)
        else:
            n = max((sum(1 for u in times if t <= u <= scope.after(t, c.within))
                     for t in times), default=0)
        if c.at_least is not None and n < c.at_least:
            return False
        return c.at_most is None or n <= c.at_most

    def matches(self, timeline, at: dt.datetime) -> list[Match]:
        now = epoch(at)
        facts = timeline_facts(timeline, at)
        by_level: dict[int, list[tuple[str, str, Any]]] = {}
        for section in ("derive", "rules", "limits"):
            for eid, entry in self.policy.active(section).items():
                level = self.checked.strata[(section, eid)]
                by_level.setdefault(level, []).append((section, eid, entry))
        out: dict[tuple, Match] = {}
        for level in sorted(by_level):
            new: dict[str, Fact] = {}
            for section, eid, entry in by_level[level]:
                for bound in self.entry_matches(entry, facts, now, timeline.tz):
                    match = Match(section, eid, bound)
                    out.setdefault(match.key, match)
                    if section == "derive":
                        at_name = entry.at or next(iter(entry.when))
                        fact = derived_fact(entry.fact or eid, eid, bound, at_name, entry.set)
                        new.setdefault(fact["id"], fact)
            facts = facts + [new[k] for k in sorted(new)]
        return sorted(out.values(), key=lambda m: m.key)

    def close(self) -> None:
        """Nothing to free: the reference holds no engine state."""
