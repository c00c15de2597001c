"""Why each entry of a policy fired or did not, for one timeline at one moment.

The engine says *that* a rule matched; a coach needs to know *why*. This module
re-reads the policy language's definition (README "Policy language") directly over the
facts, in plain Python: for an entry that matched, the facts bound to its names; for
one that did not, its *near miss*: the assignment that got furthest and the first test
that failed there (a pattern's test, a field a window needs, an ``absent`` pattern
that a fact satisfies, or a count that finds too few or too many facts). Derived facts are the engine's, so the explanation is of the
same run that produced the advice; where this reading and the engine disagree on
whether an entry matched, the explanation says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional

from rulebook.engine.facts import Fact, timeline_facts
from rulebook.engine.runtime import Match, derive
from rulebook.engine.timing import WorkCalendar, evaluate, from_epoch, shift, words_time

from .advice import Advice
from .api import Rulebook
from .events import Timeline
from .guidelines import words
from .policy import Pattern
from .terminal import visible
from .timeexpr import Offset, TimeExpr, parse_time_expr
from .vocabulary import NOW, TIME

MAX_STEPS = 200_000  # enough for any real timeline; a pathological one is cut short


@dataclass
class Verdict:
    """One entry's story: its matches (name -> fact) and what came of them, or its near miss."""

    section: str
    id: str
    sources: list[str] = field(default_factory=list)   # "G5 (thank each interviewer ...)"
    matches: list[dict[str, Fact]] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    near_miss: Optional[str] = None
    blocked: list[str] = field(default_factory=list)
    engine_disagrees: Optional[str] = None

    @property
    def fired(self) -> bool:
        return bool(self.matches)


def describe(fact: Fact, tz) -> str:
    """A fact as a coach reads it: 'interviewer Sam Ortiz (Mon 2 Mar 2026, 10:00)'."""
    who = next((str(fact[k]) for k in ("name", "to", "from", "kind", "outcome", "what")
                if k in fact), "")
    return f"{fact['type']}{' ' + who if who else ''} ({words_time(from_epoch(fact['t'], tz))})"


class _Reader:
    """Matches one entry over the facts, remembering the furthest failure."""

    def __init__(self, entry, section: str, facts: list[Fact], at: dt.datetime, tz, kinds):
        self.entry, self.section, self.facts, self.at, self.tz = entry, section, facts, at, tz
        self.now = int(at.timestamp())
        self.kinds = kinds
        self.best: tuple[int, int, str] = (-1, -1, "")
        self.steps = 0
        self.results: list[dict[str, Fact]] = []
        self.blocked: list[str] = []  # complete assignments an absent pattern or a field stopped

    def miss(self, depth: int, progress: int, message: str) -> None:
        if (depth, progress) > self.best[:2]:
            self.best = (depth, progress, message)

    # -- values -----------------------------------------------------------------------
    def value(self, fact: Fact, name: str) -> Any:
        return fact.get("t" if name == "at" else name)

    def moment(self, expr: TimeExpr, bound: dict[str, Fact],
               base: Optional[int] = None) -> tuple[Optional[int], str]:
        if base is not None:
            pass  # a given time (a count's span starts at each fact)
        elif expr.anchor == NOW:
            base = self.now
        else:
            fact = bound.get(expr.anchor)
            base = None if fact is None else self.value(fact, expr.field or "at")
            if base is None:
                return None, f"{expr.anchor}.{expr.field} is missing"
        if expr.calendar:  # calendar days, as the engine's host shifts them
            return int(shift(from_epoch(base, self.tz), expr.offsets, self.tz).timestamp()), ""
        return base + expr.exact_seconds, ""

    def show(self, v: Any, kind: Any) -> str:
        if kind == TIME and isinstance(v, int):
            return words_time(from_epoch(v, self.tz))
        return repr(v) if isinstance(v, str) else str(v)

    # -- one pattern ------------------------------------------------------------------
    def test(self, p: Pattern, fact: Fact, bound: dict[str, Fact]) -> tuple[int, str] | None:
        """None if ``fact`` satisfies ``p``; else (tests passed, what failed)."""
        done = 0
        fields = self.kinds.get(fact["type"], {})
        for fname, cond in p.where.items():
            kind = fields.get(fname)
            have = self.value(fact, fname)
            for op, operand in cond.tests():
                if op == "exists":
                    if (have is not None) != operand:
                        return done, (f"it has no '{fname}'" if operand
                                      else f"it has a '{fname}' ({self.show(have, kind)})")
                    done += 1
                    continue
                if have is None:
                    return done, f"it has no '{fname}'"
                if kind == TIME:
                    want, why = self.moment(parse_time_expr(operand), bound)
                    if want is None:
                        return done, why
                    shown = f"{operand} = {self.show(want, kind)}"
                else:
                    want, shown = operand, self.show(operand, kind)
                ok = {"eq": lambda: have == want, "ne": lambda: have != want,
                      "in": lambda: have in want, "gt": lambda: have > want,
                      "ge": lambda: have >= want, "lt": lambda: have < want,
                      "le": lambda: have <= want}[op]()
                if not ok:
                    words = {"eq": "is not", "ne": "is", "in": "is not in", "gt": "is not after"
                             if kind == TIME else "is not above", "ge": "is before" if kind == TIME
                             else "is below", "lt": "is not before" if kind == TIME
                             else "is not below", "le": "is after" if kind == TIME
                             else "is above"}[op]
                    return done, f"its {fname} {self.show(have, kind)} {words} {shown}"
                done += 1
        for fname, ref in p.same.items():
            alias, other = ref.split(".", 1)
            mine, theirs = self.value(fact, fname), self.value(bound[alias], other)
            if mine is None or theirs is None or mine != theirs:
                return done, (f"its {fname} {self.show(mine, None)} is not {ref} "
                              f"({self.show(theirs, None)})")
            done += 1
        for rel in ("after", "before"):
            alias = getattr(p, rel)
            if alias is None:
                continue
            other = bound[alias]
            ok = fact["seq"] > other["seq"] if rel == "after" else fact["seq"] < other["seq"]
            if not ok:
                return done, f"it is not {rel} {alias}, {describe(other, self.tz)}"
            done += 1
        if p.since is not None and fact["t"] < self.moment(
                TimeExpr(NOW, None, (Offset(-1, p.since.amount, p.since.unit),), ""), {})[0]:
            return done, f"it is older than {p.since.words()}"
        return None

    # -- the whole entry --------------------------------------------------------------
    def needed(self) -> list[TimeExpr]:
        e = self.entry
        if self.section == "rules":
            return [x for x in (e.window.start, e.window.due, e.window.end) if x is not None]
        if self.section == "limits" and e.until is not None:
            return [e.until]
        return []

    def run(self) -> None:
        self.search(list(self.entry.when.items()), 0, {})

    def search(self, names, i: int, bound: dict[str, Fact]) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            return
        if i == len(names):
            self.complete(bound, len(names))
            return
        name, p = names[i]
        candidates = [f for f in self.facts if f["type"] in p.types]
        if not candidates:
            self.miss(i, 0, f"{name}: there is no {' or '.join(p.types)} fact")
            return
        for fact in candidates:
            if any(fact["id"] == b["id"] for b in bound.values()):
                continue
            failed = self.test(p, fact, bound)
            if failed is not None:
                self.miss(i, failed[0], f"{name}: {describe(fact, self.tz)} does not fit: "
                          f"{failed[1]}")
                continue
            bound[name] = fact
            self.search(names, i + 1, bound)
            del bound[name]

    def complete(self, bound: dict[str, Fact], depth: int) -> None:
        for expr in self.needed():
            if expr.anchor != NOW and expr.field and \
                    self.value(bound[expr.anchor], expr.field) is None:
                why = (f"'{expr.text}' needs {expr.anchor}.{expr.field}, which "
                       f"{describe(bound[expr.anchor], self.tz)} does not have")
                self.miss(depth, 0, why)
                self.blocked.append(f"{_names(bound, self.tz)}: {why}")
                return
        for j, p in enumerate(self.entry.absent):
            for fact in self.facts:
                if fact["type"] in p.types and self.test(p, fact, bound) is None:
                    why = (f"absent pattern {j + 1} ({_pattern_words(p)}) is matched by "
                           f"{describe(fact, self.tz)}")
                    self.miss(depth, 1, why)
                    self.blocked.append(f"{_names(bound, self.tz)}: {why}")
                    return
        for j, c in enumerate(self.entry.count):
            why = self.count_fails(c, bound)
            if why:
                why = f"count {j + 1} ({_pattern_words(c)}: {_count_words(c)}) {why}"
                self.miss(depth, 1, why)
                self.blocked.append(f"{_names(bound, self.tz)}: {why}")
                return
        self.results.append(dict(bound))

    def count_fails(self, c, bound: dict[str, Fact]) -> str:
        """Why count ``c`` does not hold for ``bound``, or '' when it does."""
        found = sorted((f for f in self.facts
                        if f["type"] in c.types and self.test(c, f, bound) is None),
                       key=lambda f: (f["t"], f["seq"], f["id"]))
        best = found
        if c.within is not None:  # the most facts in one span that long
            ends = {f["id"]: self.moment(TimeExpr(NOW, None, (c.within,), ""), {},
                                         base=f["t"])[0] for f in found}
            spans = [[g for g in found if f["t"] <= g["t"] <= ends[f["id"]]] for f in found]
            best = max(spans, key=len, default=[])
        n = len(best)
        if (c.at_least is None or n >= c.at_least) and (c.at_most is None or n <= c.at_most):
            return ""
        shown = "; ".join(describe(f, self.tz) for f in best[:4]) + ("; ..." if n > 4 else "")
        return f"finds {n}" + (f": {shown}" if n else "")


def _names(bound: dict[str, Fact], tz) -> str:
    return ", ".join(f"{k} = {describe(f, tz)}" for k, f in bound.items())


def _count_words(c) -> str:
    parts = ([f"at least {c.at_least}"] if c.at_least is not None else []) + \
        ([f"at most {c.at_most}"] if c.at_most is not None else [])
    return " and ".join(parts) + (f" within {c.within.words()}" if c.within else "")


def _pattern_words(p: Pattern) -> str:
    parts = ["/".join(p.types)]
    parts += [f"{k} {dict(c.tests())}" for k, c in p.where.items()]
    parts += [f"{k} = {v}" for k, v in p.same.items()]
    parts += [f"{rel} {getattr(p, rel)}" for rel in ("after", "before") if getattr(p, rel)]
    return ", ".join(parts)


def explain(book: Rulebook, timeline: Timeline, at: dt.datetime,
            only: Optional[str] = None) -> tuple[Advice, list[Verdict]]:
    """The advice and, for every rule and limit (or entry ``only``), its verdict."""
    from rulebook.engine.outcome import advise

    tz = timeline.tz
    at = at.astimezone(tz)
    program = book.program
    policy = book.loaded.policy
    engine_matches: list[Match] = book._evaluator.matches(timeline, at)
    advice = advise(program, timeline, at, engine_matches)
    facts = timeline_facts(timeline, at)
    derived = {}
    for m in engine_matches:
        if m.section == "derive":
            fact = derive(program, m)
            derived.setdefault(fact["id"], fact)
    facts += sorted(derived.values(), key=lambda f: (f["seq"], f["id"]))
    kinds = book.loaded.checked.fact_fields
    sections = ("derive", "rules", "limits") if only else ("rules", "limits")
    out = []
    for section in sections:
        for eid, entry in policy.active(section).items():
            if only and eid != only:
                continue
            reader = _Reader(entry, section, facts, at, tz, kinds)
            reader.run()
            verdict = Verdict(section, eid, [words(g, policy) for g in entry.sources],
                              matches=reader.results, blocked=reader.blocked)
            if not reader.results:
                verdict.near_miss = reader.best[2] or "no fact fits its first pattern"
            mine = {_key(b) for b in reader.results}
            theirs = {_key(m.bindings) for m in engine_matches
                      if (m.section, m.id) == (section, eid)}
            if mine != theirs:
                verdict.engine_disagrees = (f"the engine found {len(theirs)} match(es) here, "
                                            f"this reading {len(mine)}")
            verdict.outcomes = _outcomes(section, eid, entry, verdict, advice, at, tz,
                                         WorkCalendar.of(policy.settings))
            out.append(verdict)
    return advice, out


def _key(bindings: dict[str, Fact]) -> tuple:
    return tuple(sorted((k, f["id"]) for k, f in bindings.items() if k != NOW))


def _outcomes(section, eid, entry, verdict: Verdict, advice: Advice, at, tz,
              calendar=None) -> list[str]:
    out = []
    if section == "rules":
        for kind, items in (("do now", advice.actions), ("coming up", advice.upcoming)):
            for r in items:
                if r.rule == eid:
                    out.append(f"{kind}: {r.action}{' to ' + r.to if r.to else ''}"
                               f"{' by ' + r.channel if r.channel else ''}, due "
                               f"{words_time(r.window.due)}")
        for r in advice.held_back:
            if r.rule == eid:
                until = "for good" if r.until is None else f"until {words_time(r.until)}"
                out.append(f"held back: {r.action}{' to ' + r.to if r.to else ''} by limit "
                           f"'{r.limit}' {until}")
        for b in verdict.matches:
            if entry.window.end is not None:
                end = evaluate(entry.window.end, b, at, tz, calendar)
                if end < at:
                    out.append(f"window over: it ended {words_time(end)}")
    elif section == "limits":
        for b in verdict.matches:
            if entry.until is None:
                out.append("in force for good")
            else:
                until = evaluate(entry.until, b, at, tz, calendar)
                out.append(f"in force until {words_time(until)}" if until > at
                           else f"expired {words_time(until)}")
        held = sorted({f"{r.action}{' to ' + r.to if r.to else ''}" for r in advice.held_back
                       if r.limit == eid})
        if held:
            out.append("holding back: " + "; ".join(held))
    return out


def to_data(verdicts: list[Verdict], tz) -> list[dict[str, Any]]:
    """The explanation as plain data (``--format json``), facts described in words."""
    return [{"section": v.section, "id": v.id, "sources": v.sources, "fired": v.fired,
             "matches": [{k: describe(f, tz) for k, f in b.items()} for b in v.matches],
             "blocked": v.blocked, "near_miss": v.near_miss, "outcomes": v.outcomes,
             "engine_disagrees": v.engine_disagrees} for v in verdicts]


def render(verdicts: list[Verdict], tz) -> str:
    """The explanation as text, one block per entry, in policy order."""
    lines = []
    for v in verdicts:
        kind = {"rules": "rule", "limits": "limit", "derive": "derivation"}[v.section]
        state = f"matched {len(v.matches)}x" if v.fired else "did not match"
        lines.append(f"{kind} {v.id}: {state}")
        if v.sources:
            lines.append("  guidelines: " + "; ".join(v.sources))
        for b in v.matches:
            lines.append("  with " + _names(b, tz))
        if v.fired:
            lines += [f"  not with {why}" for why in v.blocked[:5]]
            if len(v.blocked) > 5:
                lines.append(f"  ... and {len(v.blocked) - 5} more blocked")
        if v.near_miss:
            lines.append(f"  near miss: {v.near_miss}")
        for o in v.outcomes:
            lines.append(f"  -> {o}")
        if v.engine_disagrees:
            lines.append(f"  note: {v.engine_disagrees}")
    return "\n".join(visible(line) for line in lines) + "\n"
