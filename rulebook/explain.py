"""Why each entry of a policy fired or did not, for one timeline at one moment.

The engine says *that* a rule matched; a coach needs to know *why*. This module
re-reads the policy language's definition (README "Policy language") directly over the
facts, in plain Python: for an entry that matched, the facts bound to its names; for
one that did not, its *near miss*: the assignment that got furthest and the first test
that failed there (a pattern's test, a field a window needs, an ``absent`` pattern
that a fact satisfies, or a count that finds too few or too many facts). Derived facts are the engine's, so the explanation is of the
same run that produced the advice; where this reading and the engine disagree on
whether an entry matched, the explanation says so.

Its sentences are in English or German (``lang``); ids, fact types, field names, codes
and the JSON keys stay as written, and times are written with Babel for the language.
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
from .lang import DEFAULT, check_lang
from .policy import Pattern
from .terminal import visible
from .timeexpr import Offset, TimeExpr, parse_time_expr
from .vocabulary import NOW, TIME

MAX_STEPS = 200_000  # enough for any real timeline; a pathological one is cut short

# The sentences explain writes, per language, by key.
_SAY: dict[str, dict[str, str]] = {
    "en": {
        "no_fact": "{name}: there is no {types} fact",
        "misfit": "{name}: {fact} does not fit: {why}",
        "has_no": "it has no '{field}'", "has_a": "it has a '{field}' ({value})",
        "missing": "{ref} is missing",
        "compare": "its {field} {have} {op} {want}",
        "not_same": "its {field} {mine} is not {ref} ({theirs})",
        "not_after": "it is not after {alias}, {fact}",
        "not_before": "it is not before {alias}, {fact}",
        "older": "it is older than {span}",
        "needs": "'{expr}' needs {ref}, which {fact} does not have",
        "absent": "absent pattern {n} ({pattern}) is matched by {fact}",
        "count": "count {n} ({pattern}: {bounds}) {why}", "finds": "finds {n}",
        "at_least": "at least {n}", "at_most": "at most {n}", "and": " and ",
        "within": " within {span}",
        "first": "no fact fits its first pattern",
        "disagree": "the engine found {theirs} match(es) here, this reading {mine}",
        "do now": "do now", "coming up": "coming up",
        "advice": "{kind}: {action}{to}{channel}, {due}", "to": " to {}", "by": " by {}",
        "due": "due {}", "overdue": "overdue since {}",
        "held": "held back: {action}{to} by limit '{limit}' {until}",
        "until": "until {}", "for good": "for good",
        "over": "window over: it ended {}", "forever": "in force for good",
        "in_force": "in force until {}", "expired": "expired {}",
        "holding": "holding back: {}",
        "rules": "rule", "limits": "limit", "derive": "derivation",
        "matched": "matched {}x", "unmatched": "did not match", "guidelines": "guidelines",
        "with": "with", "not_with": "not with", "more": "... and {} more blocked",
        "near": "near miss", "note": "note",
        "eq": "is not", "ne": "is", "in": "is not in", "gt_t": "is not after",
        "gt": "is not above", "ge_t": "is before", "ge": "is below", "lt_t": "is not before",
        "lt": "is not below", "le_t": "is after", "le": "is above",
    },
    "de": {
        "no_fact": "{name}: es gibt keinen Fakt vom Typ {types}",
        "misfit": "{name}: {fact} passt nicht: {why}",
        "has_no": "das Feld '{field}' fehlt", "has_a": "es hat ein Feld '{field}' ({value})",
        "missing": "{ref} fehlt",
        "compare": "sein Feld {field} ({have}) {op} {want}",
        "not_same": "sein Feld {field} ({mine}) ist nicht {ref} ({theirs})",
        "not_after": "es liegt nicht nach {alias}, {fact}",
        "not_before": "es liegt nicht vor {alias}, {fact}",
        "older": "es ist älter als {span}",
        "needs": "'{expr}' braucht {ref}, das {fact} nicht hat",
        "absent": "Ausschlussmuster {n} ({pattern}) trifft auf {fact} zu",
        "count": "Zählung {n} ({pattern}: {bounds}) {why}", "finds": "findet {n}",
        "at_least": "mindestens {n}", "at_most": "höchstens {n}", "and": " und ",
        "within": " innerhalb von {span}",
        "first": "kein Fakt passt auf das erste Muster",
        "disagree": "die Engine fand hier {theirs} Treffer, diese Lesart {mine}",
        "do now": "jetzt", "coming up": "demnächst",
        "advice": "{kind}: {action}{to}{channel}, {due}", "to": " an {}", "by": " per {}",
        "due": "fällig {}", "overdue": "überfällig seit {}",
        "held": "zurückgestellt: {action}{to} durch die Grenze '{limit}' {until}",
        "until": "bis {}", "for good": "endgültig",
        "over": "Zeitfenster vorbei: es endete {}", "forever": "gilt endgültig",
        "in_force": "gilt bis {}", "expired": "abgelaufen {}",
        "holding": "hält zurück: {}",
        "rules": "Regel", "limits": "Grenze", "derive": "Ableitung",
        "matched": "{}-mal getroffen", "unmatched": "nicht getroffen",
        "guidelines": "Leitlinien", "with": "mit", "not_with": "nicht mit",
        "more": "... und {} weitere blockiert", "near": "knapp verfehlt", "note": "Hinweis",
        "eq": "ist nicht", "ne": "ist", "in": "ist nicht in", "gt_t": "ist nicht nach",
        "gt": "ist nicht über", "ge_t": "ist vor", "ge": "ist unter", "lt_t": "ist nicht vor",
        "lt": "ist nicht unter", "le_t": "ist nach", "le": "ist über",
    },
}
_UNITS_DE = {"m": ("Minute", "Minuten"), "h": ("Stunde", "Stunden"), "d": ("Tag", "Tage"),
             "w": ("Woche", "Wochen"), "bd": ("Werktag", "Werktage")}


def _span(o: Offset, lang: str) -> str:
    """'14 days', '14 Tage'."""
    if lang == "de":
        one, many = _UNITS_DE[o.unit]
        return f"{o.amount} {one if o.amount == 1 else many}"
    return o.words()


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


def describe(fact: Fact, tz, lang: str = DEFAULT) -> str:
    """A fact as a coach reads it: 'interviewer Sam Ortiz (Mon 2 Mar 2026, 10:00)'."""
    who = next((str(fact[k]) for k in ("name", "to", "from", "kind", "outcome", "what")
                if k in fact), "")
    when = words_time(from_epoch(fact["t"], tz), lang=lang)
    return f"{fact['type']}{' ' + who if who else ''} ({when})"


class _Reader:
    """Matches one entry over the facts, remembering the furthest failure."""

    def __init__(self, entry, section: str, facts: list[Fact], at: dt.datetime, tz, kinds,
                 lang: str = DEFAULT):
        self.entry, self.section, self.facts, self.at, self.tz = entry, section, facts, at, tz
        self.lang = lang
        self.say = _SAY[lang]
        self.now = int(at.timestamp())
        self.kinds = kinds
        self.best: tuple[int, int, str] = (-1, -1, "")
        self.steps = 0
        self.results: list[dict[str, Fact]] = []
        self.blocked: list[str] = []  # complete assignments an absent pattern or a field stopped

    def fact(self, fact: Fact) -> str:
        return describe(fact, self.tz, self.lang)

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
                return None, self.say["missing"].format(ref=f"{expr.anchor}.{expr.field}")
        if expr.calendar:  # calendar days, as the engine's host shifts them
            return int(shift(from_epoch(base, self.tz), expr.offsets, self.tz).timestamp()), ""
        return base + expr.exact_seconds, ""

    def show(self, v: Any, kind: Any) -> str:
        if kind == TIME and isinstance(v, int):
            return words_time(from_epoch(v, self.tz), lang=self.lang)
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
                        return done, (self.say["has_no"].format(field=fname) if operand
                                      else self.say["has_a"].format(
                                          field=fname, value=self.show(have, kind)))
                    done += 1
                    continue
                if have is None:
                    return done, self.say["has_no"].format(field=fname)
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
                    timed = "_t" if kind == TIME and op in ("gt", "ge", "lt", "le") else ""
                    return done, self.say["compare"].format(
                        field=fname, have=self.show(have, kind), op=self.say[op + timed],
                        want=shown)
                done += 1
        for fname, ref in p.same.items():
            alias, other = ref.split(".", 1)
            mine, theirs = self.value(fact, fname), self.value(bound[alias], other)
            if mine is None or theirs is None or mine != theirs:
                return done, self.say["not_same"].format(
                    field=fname, mine=self.show(mine, None), ref=ref,
                    theirs=self.show(theirs, None))
            done += 1
        for rel in ("after", "before"):
            alias = getattr(p, rel)
            if alias is None:
                continue
            other = bound[alias]
            ok = fact["seq"] > other["seq"] if rel == "after" else fact["seq"] < other["seq"]
            if not ok:
                return done, self.say["not_" + rel].format(alias=alias, fact=self.fact(other))
            done += 1
        if p.since is not None and fact["t"] < self.moment(
                TimeExpr(NOW, None, (Offset(-1, p.since.amount, p.since.unit),), ""), {})[0]:
            return done, self.say["older"].format(span=_span(p.since, self.lang))
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
            self.miss(i, 0, self.say["no_fact"].format(
                name=name, types=(" oder " if self.lang == "de" else " or ").join(p.types)))
            return
        for fact in candidates:
            if any(fact["id"] == b["id"] for b in bound.values()):
                continue
            failed = self.test(p, fact, bound)
            if failed is not None:
                self.miss(i, failed[0], self.say["misfit"].format(
                    name=name, fact=self.fact(fact), why=failed[1]))
                continue
            bound[name] = fact
            self.search(names, i + 1, bound)
            del bound[name]

    def complete(self, bound: dict[str, Fact], depth: int) -> None:
        for expr in self.needed():
            if expr.anchor != NOW and expr.field and \
                    self.value(bound[expr.anchor], expr.field) is None:
                why = self.say["needs"].format(expr=expr.text, ref=f"{expr.anchor}.{expr.field}",
                                               fact=self.fact(bound[expr.anchor]))
                self.miss(depth, 0, why)
                self.blocked.append(f"{_names(bound, self.tz, self.lang)}: {why}")
                return
        for j, p in enumerate(self.entry.absent):
            for fact in self.facts:
                if fact["type"] in p.types and self.test(p, fact, bound) is None:
                    why = self.say["absent"].format(n=j + 1, pattern=_pattern_words(p),
                                                    fact=self.fact(fact))
                    self.miss(depth, 1, why)
                    self.blocked.append(f"{_names(bound, self.tz, self.lang)}: {why}")
                    return
        for j, c in enumerate(self.entry.count):
            why = self.count_fails(c, bound)
            if why:
                why = self.say["count"].format(n=j + 1, pattern=_pattern_words(c),
                                               bounds=_count_words(c, self.lang), why=why)
                self.miss(depth, 1, why)
                self.blocked.append(f"{_names(bound, self.tz, self.lang)}: {why}")
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
        shown = "; ".join(self.fact(f) for f in best[:4]) + ("; ..." if n > 4 else "")
        return self.say["finds"].format(n=n) + (f": {shown}" if n else "")


def _names(bound: dict[str, Fact], tz, lang: str = DEFAULT) -> str:
    return ", ".join(f"{k} = {describe(f, tz, lang)}" for k, f in bound.items())


def _count_words(c, lang: str = DEFAULT) -> str:
    say = _SAY[lang]
    parts = ([say["at_least"].format(n=c.at_least)] if c.at_least is not None else []) + \
        ([say["at_most"].format(n=c.at_most)] if c.at_most is not None else [])
    return say["and"].join(parts) + (say["within"].format(span=_span(c.within, lang))
                                     if c.within else "")


def _pattern_words(p: Pattern) -> str:
    parts = ["/".join(p.types)]
    parts += [f"{k} {dict(c.tests())}" for k, c in p.where.items()]
    parts += [f"{k} = {v}" for k, v in p.same.items()]
    parts += [f"{rel} {getattr(p, rel)}" for rel in ("after", "before") if getattr(p, rel)]
    return ", ".join(parts)


def explain(book: Rulebook, timeline: Timeline, at: dt.datetime,
            only: Optional[str] = None, lang: str = DEFAULT) -> tuple[Advice, list[Verdict]]:
    """The advice and, for every rule and limit (or entry ``only``), its verdict, told in
    ``lang`` (the advice is in its own language, the timeline's or English)."""
    from rulebook.engine.outcome import advise

    lang = check_lang(lang)
    say = _SAY[lang]
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
            reader = _Reader(entry, section, facts, at, tz, kinds, lang)
            reader.run()
            verdict = Verdict(section, eid, [words(g, policy) for g in entry.sources],
                              matches=reader.results, blocked=reader.blocked)
            if not reader.results:
                verdict.near_miss = reader.best[2] or say["first"]
            mine = {_key(b) for b in reader.results}
            theirs = {_key(m.bindings) for m in engine_matches
                      if (m.section, m.id) == (section, eid)}
            if mine != theirs:
                verdict.engine_disagrees = say["disagree"].format(theirs=len(theirs),
                                                                  mine=len(mine))
            verdict.outcomes = _outcomes(section, eid, entry, verdict, advice, at, tz,
                                         WorkCalendar.of(policy.settings), lang)
            out.append(verdict)
    return advice, out


def _key(bindings: dict[str, Fact]) -> tuple:
    return tuple(sorted((k, f["id"]) for k, f in bindings.items() if k != NOW))


def _outcomes(section, eid, entry, verdict: Verdict, advice: Advice, at, tz,
              calendar=None, lang: str = DEFAULT) -> list[str]:
    say = _SAY[lang]

    def when(moment):
        return words_time(moment, lang=lang)

    def to(r):
        return say["to"].format(r.to) if r.to else ""

    out = []
    if section == "rules":
        for kind, items in (("do now", advice.actions), ("coming up", advice.upcoming)):
            for r in items:
                if r.rule == eid:
                    out.append(say["advice"].format(
                        kind=say[kind], action=r.action, to=to(r),
                        channel=say["by"].format(r.channel) if r.channel else "",
                        due=say["overdue"].format(when(r.window.ideal_due)) if r.overdue
                        else say["due"].format(when(r.window.due))))
        for r in advice.held_back:
            if r.rule == eid:
                until = say["for good"] if r.until is None else \
                    say["until"].format(when(r.until))
                out.append(say["held"].format(action=r.action, to=to(r), limit=r.limit,
                                              until=until))
        for b in verdict.matches:
            if entry.window.end is not None:
                end = evaluate(entry.window.end, b, at, tz, calendar)
                if end < at:
                    out.append(say["over"].format(when(end)))
    elif section == "limits":
        for b in verdict.matches:
            if entry.until is None:
                out.append(say["forever"])
            else:
                until = evaluate(entry.until, b, at, tz, calendar)
                out.append(say["in_force"].format(when(until)) if until > at
                           else say["expired"].format(when(until)))
        held = sorted({f"{r.action}{to(r)}" for r in advice.held_back if r.limit == eid})
        if held:
            out.append(say["holding"].format("; ".join(held)))
    return out


def to_data(verdicts: list[Verdict], tz, lang: str = DEFAULT) -> list[dict[str, Any]]:
    """The explanation as plain data (``--format json``), facts described in words; the
    keys are the same in every language."""
    return [{"section": v.section, "id": v.id, "sources": v.sources, "fired": v.fired,
             "matches": [{k: describe(f, tz, lang) for k, f in b.items()} for b in v.matches],
             "blocked": v.blocked, "near_miss": v.near_miss, "outcomes": v.outcomes,
             "engine_disagrees": v.engine_disagrees} for v in verdicts]


def render(verdicts: list[Verdict], tz, lang: str = DEFAULT) -> str:
    """The explanation as text, one block per entry, in policy order."""
    say = _SAY[check_lang(lang)]
    lines = []
    for v in verdicts:
        state = say["matched"].format(len(v.matches)) if v.fired else say["unmatched"]
        lines.append(f"{say[v.section]} {v.id}: {state}")
        if v.sources:
            lines.append(f"  {say['guidelines']}: " + "; ".join(v.sources))
        for b in v.matches:
            lines.append(f"  {say['with']} " + _names(b, tz, lang))
        if v.fired:
            lines += [f"  {say['not_with']} {why}" for why in v.blocked[:5]]
            if len(v.blocked) > 5:
                lines.append("  " + say["more"].format(len(v.blocked) - 5))
        if v.near_miss:
            lines.append(f"  {say['near']}: {v.near_miss}")
        for o in v.outcomes:
            lines.append(f"  -> {o}")
        if v.engine_disagrees:
            lines.append(f"  {say['note']}: {v.engine_disagrees}")
    return "\n".join(visible(line) for line in lines) + "\n"
