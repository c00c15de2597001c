"""Semantic checks of a policy, beyond its schema: names, fields, types, strata.

Everything a compiler needs to be able to trust is checked here, and every problem is
reported at once with its position: an unknown fact type or field, a name used before
it is bound, a literal of the wrong type, a time expression on a non-time field, a
reason placeholder that names nothing, derived facts that depend on themselves.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Iterator

from . import bounds
from .guidelines import builtin as builtin_guidelines, catalogue
from .policy import Condition, Count, Limit, Pattern, Policy, Rule
from .problems import Problem, did_you_mean
from .source import Document
from .timeexpr import TimeExpr, parse_time_expr
from .vocabulary import (BOOL, BUILTIN_TYPES, COMMON_FIELDS, FACT_FIELDS, INT,
                         NOW, TEXT, TIME)

MAX_POSITIVE = 16  # durable-rules' limit of positive patterns per rule (with 'now')
RESERVED = {NOW, "to", "channel", "start", "due", "end", "action", "until", "application",
            "start_offset", "due_offset", "end_offset", "until_offset"}
_REF = re.compile(r"^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$")
_WORD = re.compile(r"^[A-Za-z0-9_]+$")


def count_references(c: Pattern, fact_fields: dict[str, dict[str, object]]
                     ) -> dict[str, set[str]]:
    """The bound names a counted pattern reads, each with the fact properties it reads
    (``t`` for a fact's time, ``seq`` for its place in the order): what the count's
    value depends on, besides the evaluation time."""
    out: dict[str, set[str]] = {}
    for ref in c.same.values():
        m = _REF.match(ref)
        if m:
            out.setdefault(m.group(1), set()).add("t" if m.group(2) == "at" else m.group(2))
    for rel in (c.after, c.before):
        if rel is not None:
            out.setdefault(rel, set()).add("seq")
    for _, _, expr in time_tests(c, fact_fields):
        if expr.anchor != NOW:
            field = expr.field or "at"
            out.setdefault(expr.anchor, set()).add("t" if field == "at" else field)
    return out


def time_tests(p: Pattern, fact_fields: dict[str, dict[str, object]] | None = None
               ) -> Iterator[tuple[str, str, TimeExpr]]:
    """The time expressions a pattern's ``where`` tests compare with: (field, operator,
    expression). Given ``fact_fields``, only on fields that are times for one of the
    pattern's types (other operands are literals). ``exists``, ``in`` and operands that
    are no time expression are skipped: validation reports the wrong ones. The one walk
    that validation, the compiler and :mod:`rulebook.moments` share."""
    for fname, cond in p.where.items():
        if fact_fields is not None and not any(
                field_kind(fact_fields.get(t, {}).get(fname)) == TIME for t in p.types):
            continue
        for op, value in cond.tests():
            if op in ("exists", "in") or not isinstance(value, str):
                continue
            try:
                expr = parse_time_expr(value)
            except ValueError:
                continue
            yield fname, op, expr


@dataclass
class Checked:
    """What validation learnt that the compiler and evaluators use."""

    fact_fields: dict[str, dict[str, object]]     # every fact type -> its fields
    strata: dict[tuple[str, str], int]            # (section, id) -> stratum, from 1
    problems: list[Problem] = field(default_factory=list)


def field_kind(kind: object) -> str:
    """TEXT for enumerations, else the kind itself."""
    return TEXT if isinstance(kind, tuple) else str(kind)


class _Checker:
    def __init__(self, policy: Policy, doc: Document):
        self.policy, self.doc = policy, doc
        self.problems: list[Problem] = []
        self.fields: dict[str, dict[str, object]] = {t: dict(COMMON_FIELDS, **f)
                                                    for t, f in FACT_FIELDS.items()}
        self.producers: dict[str, list[str]] = {}

    def err(self, path: tuple, message: str, hint: str = "", key: bool = False) -> None:
        self.problems.append(self.doc.problem(path, message, hint, key=key))

    # -- derived fact types -------------------------------------------------------------
    def declare_derived(self) -> None:
        for did, d in self.policy.active("derive").items():
            name = d.fact or did
            if name in BUILTIN_TYPES or name == NOW:
                self.err(("derive", did), f"derived fact '{name}' has the name of a built-in fact",
                         key=True)
                continue
            self.producers.setdefault(name, []).append(did)
        for name, dids in self.producers.items():
            self.fields[name] = dict(COMMON_FIELDS)
        # field types of derived facts come from their 'set' sources; resolved in order
        for _ in range(len(self.producers) + 1):
            for did, d in self.policy.active("derive").items():
                name = d.fact or did
                if name not in self.producers:
                    continue
                scope = {a: p.types for a, p in d.when.items()}
                for fname, ref in d.set.items():
                    kind = self.ref_kind(scope, ref)
                    if kind is not None:
                        self.fields[name].setdefault(fname, kind)

    def ref_kind(self, scope: dict[str, list[str]], ref: str) -> object | None:
        m = _REF.match(ref) if isinstance(ref, str) else None
        if not m or m.group(1) not in scope:
            return None
        return self.common_fields(scope[m.group(1)]).get(m.group(2))

    def common_fields(self, types: list[str]) -> dict[str, object]:
        known = [self.fields[t] for t in types if t in self.fields]
        if not known:
            return {}
        out = dict(known[0])
        for f in known[1:]:
            out = {k: v for k, v in out.items() if k in f and field_kind(f[k]) == field_kind(v)}
        return out

    # -- patterns -----------------------------------------------------------------------
    def check_entry(self, section: str, eid: str, entry) -> dict[str, list[str]]:
        base = (section, eid)
        scope: dict[str, list[str]] = {}
        uses_now = False
        for alias, pattern in entry.when.items():
            path = base + ("when", alias)
            if alias in RESERVED:
                self.err(path, f"'{alias}' is a reserved word; choose another name", key=True)
            uses_now |= self.check_pattern(path, pattern, scope)
            scope[alias] = pattern.types
        for i, pattern in enumerate(entry.absent):
            uses_now |= self.check_pattern(base + ("absent", i), pattern, scope)
        for i, count in enumerate(entry.count):
            self.check_count(base + ("count", i), count, scope)
        positive = len(entry.when) + (1 if uses_now else 0) + \
            sum(1 for c in entry.count if c.at_least is not None)
        if positive > MAX_POSITIVE:
            self.err(base + ("when",), f"at most {MAX_POSITIVE} facts can be matched at once "
                     "(the evaluation time counts as one, and so does each 'at_least' count)")
        return scope

    def check_count(self, path: tuple, c: Count, scope: dict[str, list[str]]) -> None:
        """A count's pattern is checked like an ``absent`` one; and what the engine needs:
        exact durations, ``in`` values it can match as words, few enough patterns."""
        self.check_pattern(path, c, scope)
        if c.within is not None and c.within.unit == "bd":
            self.err(path + ("within",), "'within' takes exact durations (m, h, d, w), "
                     "not business days")
        for fname, cond in c.where.items():
            if cond.in_ is not None and len(cond.in_) > 1:
                for v in cond.in_:
                    if not (isinstance(v, str) and _WORD.match(v)):
                        self.err(path + ("where", fname, "in"),
                                 f"in a count, 'in' values must be plain words (letters, digits, "
                                 f"'_'), not {v!r}", "count each value separately")
                        break
        refs = count_references(c, self.fields)
        needed = 1 + len(refs) + max(c.at_least or 0, (c.at_most + 1) if c.at_most is not None
                                     else 0)
        if needed > MAX_POSITIVE:
            self.err(path, f"this count reads {len(refs)} bound names and up to "
                     f"{needed - 1 - len(refs)} facts: more than the engine's "
                     f"{MAX_POSITIVE} patterns")

    def check_pattern(self, path: tuple, p: Pattern, scope: dict[str, list[str]]) -> bool:
        uses_now = p.since is not None
        if p.since is not None and p.since.unit == "bd":
            self.err(path + ("since",), "business days ('bd') are only allowed in windows and "
                     "'until'", "write days or weeks, e.g. since: 7d")
        types_ok = True
        for t in p.types:
            if t not in self.fields:
                types_ok = False
                self.err(path + ("fact",), f"unknown fact type '{t}'",
                         did_you_mean(t, self.fields))
        if not types_ok:
            return uses_now
        fields = self.common_fields(p.types)
        for fname, cond in p.where.items():
            kind = fields.get(fname)
            if kind is None:
                self.err(path + ("where", fname), f"'{'/'.join(p.types)}' has no field '{fname}'",
                         did_you_mean(fname, fields), key=True)
                continue
            uses_now |= self.check_condition(path + ("where", fname), kind, cond, scope)
        for fname, ref in p.same.items():
            kind = fields.get(fname)
            if kind is None:
                self.err(path + ("same", fname), f"'{'/'.join(p.types)}' has no field '{fname}'",
                         did_you_mean(fname, fields), key=True)
                continue
            other = self.check_ref(path + ("same", fname), ref, scope)
            if other is not None and field_kind(other) != field_kind(kind):
                self.err(path + ("same", fname),
                         f"'{fname}' is {field_kind(kind)} but '{ref}' is {field_kind(other)}")
        for rel in ("after", "before"):
            alias = getattr(p, rel)
            if alias is not None and alias not in scope:
                self.err(path + (rel,), f"'{alias}' is not a name bound before this fact",
                         did_you_mean(alias, scope))
        return uses_now

    def check_condition(self, path: tuple, kind: object, cond: Condition, scope) -> bool:
        uses_now = False
        for op, value in cond.tests():
            if op == "exists":
                continue
            if kind == TIME:
                if op == "in":
                    self.err(path, "'in' does not apply to times; use ge/le")
                    continue
                try:
                    expr = parse_time_expr(value)
                except ValueError as exc:
                    self.err(path + (op,), str(exc))
                    continue
                uses_now |= expr.anchor == NOW
                self.check_expr(path + (op,), expr, scope, allow_bd=False)
                continue
            values = value if op == "in" else [value]
            for v in values:
                self.check_literal(path + (op,), kind, op, v)
        return uses_now

    def check_literal(self, path, kind, op, v) -> None:
        if op in ("gt", "ge", "lt", "le") and kind != INT:
            self.err(path, f"'{op}' compares numbers or times, not {field_kind(kind)}")
        elif op == "in" and kind not in (TEXT,) and not isinstance(kind, tuple):
            self.err(path, "'in' takes text values only")
        elif isinstance(kind, tuple):
            if v not in kind:
                self.err(path, f"'{v}' is not a possible value", did_you_mean(str(v), kind))
        elif kind == INT and (isinstance(v, bool) or not isinstance(v, int)):
            self.err(path, f"expected a whole number, not '{v}'")
        elif kind == BOOL and not isinstance(v, bool):
            self.err(path, f"expected true or false, not '{v}'")
        elif kind == TEXT and not isinstance(v, str):
            self.err(path, f"expected text, not '{v}'")

    def check_ref(self, path, ref, scope) -> object | None:
        m = _REF.match(ref) if isinstance(ref, str) else None
        if not m:
            self.err(path, f"'{ref}' should name a bound fact's field, like 'p.name'")
            return None
        alias, fname = m.groups()
        if alias not in scope:
            self.err(path, f"'{alias}' is not a name bound before this fact",
                     did_you_mean(alias, scope))
            return None
        if not any(t in self.fields for t in scope[alias]):
            return None  # the unknown type was reported already
        fields = self.common_fields(scope[alias])
        if fname not in fields:
            self.err(path, f"'{alias}' ({'/'.join(scope[alias])}) has no field '{fname}'",
                     did_you_mean(fname, fields))
            return None
        return fields[fname]

    def check_expr(self, path, expr: TimeExpr, scope, allow_bd: bool) -> None:
        if expr.business_days and not allow_bd:
            self.err(path, "business days ('bd') are only allowed in windows and 'until'")
        if expr.anchor == NOW:
            if expr.field:
                self.err(path, "'now' has no fields")
            return
        if expr.anchor not in scope:
            self.err(path, f"'{expr.anchor}' is not a bound name", did_you_mean(expr.anchor, scope))
            return
        if expr.field is not None:
            kind = self.common_fields(scope[expr.anchor]).get(expr.field)
            if kind != TIME:
                self.err(path, f"'{expr.anchor}.{expr.field}' is not a time")

    def check_template(self, path, text: str, scope, extra: set[str],
                       what: str = "reason") -> None:
        try:
            parsed = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(text)
                      if f is not None]
            names = [f for f, _, _ in parsed]
            for f, spec, conv in parsed:
                if conv or spec not in ("", "date"):
                    shown = f + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "")
                    self.err(path, f"{what} placeholder '{{{shown}}}' has an unknown format",
                             "the only format is ':date', for times")
        except ValueError as exc:
            self.err(path, f"{what} template: {exc}",
                     "write {name.field}; double braces for a brace")
            return
        for raw in names:
            name = raw.split("|", 1)[0].strip()
            head, _, _ = name.partition(".")
            if name in extra or head == "application":
                continue
            if head not in scope:
                self.err(path, f"{what} names '{{{raw}}}', which is not bound",
                         did_you_mean(head, list(scope) + sorted(extra)))
                continue
            if "." in name and any(t in self.fields for t in scope[head]):
                fname = name.split(".", 1)[1]
                if fname not in self.common_fields(scope[head]):
                    self.err(path, f"{what} names '{{{raw}}}', but '{head}' has no field '{fname}'",
                             did_you_mean(fname, self.common_fields(scope[head])))

    # -- entries ------------------------------------------------------------------------
    def check_settings(self) -> None:
        hours = self.policy.settings.office_hours
        path = ("settings", "office_hours")
        if not hours.days:
            self.err(path + ("days",), "no office days: no call could ever be recommended")
        if hours.end <= hours.start:
            self.err(path, f"office hours end ({hours.end}) before they start "
                     f"({hours.start})")

    # -- documented limits (rulebook.bounds) -------------------------------------------------
    def check_bounds(self) -> None:
        """Limits on what one policy compiles to: checked here, so that a policy that
        passes `check` also evaluates (engine rules, negations, 'in' lists)."""
        total, first_over = 0, None
        for section in ("derive", "rules", "limits"):
            for eid, entry in self.policy.active(section).items():
                base = (section, eid)
                negations = 0
                for i, p in enumerate(entry.absent):
                    negations += _variants(p)
                for key, patterns in (("when", entry.when.items()),
                                      ("absent", enumerate(entry.absent))):
                    for name, p in patterns:
                        for fname, cond in p.where.items():
                            if cond.in_ is not None and len(cond.in_) > bounds.MAX_IN_VALUES:
                                self.err(base + (key, name, "where", fname, "in"),
                                         f"more than {bounds.MAX_IN_VALUES} values in one 'in' "
                                         "list (the limit)")
                if negations > bounds.MAX_NEGATIONS:
                    self.err(base + ("absent",), f"{negations} 'absent' patterns (each value of "
                             f"an 'in' list counts as one): at most {bounds.MAX_NEGATIONS} "
                             "(the limit)")
                rules = 1
                for p in entry.when.values():
                    rules = min(rules * _variants(p), bounds.MAX_ENGINE_RULES + 1)
                total += rules
                if total > bounds.MAX_ENGINE_RULES and first_over is None:
                    first_over = base
        if first_over is not None:
            self.err(first_over, f"the policy compiles to more than {bounds.MAX_ENGINE_RULES:,} "
                     "engine rules (the limit): each combination of values of the 'in' lists "
                     "in 'when' is one rule", "use fewer or shorter 'in' lists", key=True)

    def check_depth(self, strata: dict[tuple[str, str], int]) -> None:
        for (section, eid), level in strata.items():
            if section == "derive" and level > bounds.MAX_DERIVATION_DEPTH:
                self.err((section, eid), f"derived facts built on derived facts more than "
                         f"{bounds.MAX_DERIVATION_DEPTH} deep (the limit)", key=True)
                return

    def run(self) -> Checked:
        self.check_bounds()
        self.declare_derived()
        self.check_settings()
        self.check_texts()
        pol = self.policy
        # a layer may disable a rule that a limit names: the name stays meaningful
        actions = {r.action for r in pol.rules.values()}
        known = catalogue(pol)
        for gid in pol.guidelines:
            if gid in builtin_guidelines():
                self.err(("guidelines", gid), f"'{gid}' is a built-in guideline; give yours "
                         "an id of its own", "e.g. " + pol.policy.upper()[:8] + "1", key=True)
        for section in ("derive", "rules", "limits"):
            for eid, entry in pol.active(section).items():
                base = (section, eid)
                for i, gid in enumerate(entry.sources):
                    if gid not in known:
                        hint = did_you_mean(gid, known)
                        self.err(base + ("sources", i), f"no guideline '{gid}' in the catalogue",
                                 (hint + "; " if hint.startswith("did") else "") +
                                 "the built-in ones are G1..G24 (`rulebook guidelines`); "
                                 "declare your own under 'guidelines:'")
                scope = self.check_entry(section, eid, entry)
                if section == "derive":
                    self.check_derivation(base, entry, scope)
                elif section == "rules":
                    self.check_rule(base, entry, scope)
                else:
                    self.check_limit(base, entry, scope, actions)
        strata = self.stratify()
        self.check_depth(strata)
        return Checked(self.fields, strata, self.problems)

    def check_derivation(self, base, d, scope) -> None:
        if d.at is not None and d.at not in scope:
            self.err(base + ("at",), f"'{d.at}' is not bound in 'when'", did_you_mean(d.at, scope))
        for fname, ref in d.set.items():
            if fname == "at":
                self.err(base + ("set", fname), "'at' is set by 'at:', not by 'set'", key=True)
            self.check_ref(base + ("set", fname), ref, scope)

    def check_window_order(self, base, r: Rule) -> None:
        """A window must not start after it is due or after it ends (same anchor only:
        other anchors are compared when the window is computed)."""
        w = r.window
        if starts_after(w.start, w.due):
            self.err(base + ("window", "start"), f"the window starts ({w.start.text}) after it "
                     f"is due ({w.due.text})", "the start comes first: start <= due <= end")
        if w.end is not None and starts_after(w.start, w.end):
            # worded as the lint words it, so `rulebook check` reports it once
            self.problems.append(self.doc.problem(
                base + ("window", "end"), f"the window ends ({w.end.text}) before it starts "
                f"({w.start.text}): this rule never recommends anything"))

    def check_rule(self, base, r: Rule, scope) -> None:
        self.check_window_order(base, r)
        if r.to is not None:
            kind = self.check_ref(base + ("to",), r.to, scope)
            if kind is not None and field_kind(kind) != TEXT:
                self.err(base + ("to",), f"'{r.to}' is not a person's name")
        for part in ("start", "due", "end"):
            expr = getattr(r.window, part)
            if expr is not None:
                self.check_expr(base + ("window", part), expr, scope, allow_bd=True)
        if r.channel is not None:
            allowed = self.policy.settings.channels
            options = [r.channel.default] + list(r.channel.fallback)
            if not any(c in allowed for c in options):
                self.err(base + ("channel",), "none of this rule's channels is allowed by the "
                         "policy's settings.channels", "allowed: " + ", ".join(allowed))
        extra = {"to", "channel", "start", "due", "end", "action", "start_offset",
                 "due_offset", "end_offset"}
        self.check_template(base + ("reason",), r.reason, scope, extra)
        self.check_drafts(base, r.draft, scope, extra)
        for lang, translation in self.policy.texts.items():
            texts = translation.rules.get(base[1])
            if texts is not None:
                path = ("texts", lang) + base
                if texts.reason:
                    self.check_template(path + ("reason",), texts.reason, scope, extra)
                self.check_drafts(path, texts.draft, scope, extra)

    def check_limit(self, base, lim: Limit, scope, actions: set[str]) -> None:
        if lim.until is not None:
            self.check_expr(base + ("until",), lim.until, scope, allow_bd=True)
        names = [] if lim.applies_to == "all" else list(lim.applies_to)
        for key, group in (("applies_to", names), ("except", lim.except_)):
            for i, name in enumerate(group):
                if name not in actions:
                    self.err(base + (key, i), f"no rule recommends '{name}'",
                             did_you_mean(name, actions))
        for fname, ref in lim.same.items():
            kind = self.check_ref(base + ("same", fname), ref, scope)
            if kind is not None and field_kind(kind) != field_kind(TEXT):
                self.err(base + ("same", fname), f"'{fname}' is text but '{ref}' is "
                         f"{field_kind(kind)}")
        extra = {"until", "until_offset", "action", "to"}
        self.check_template(base + ("reason",), lim.reason, scope, extra)
        for lang, translation in self.policy.texts.items():
            texts = translation.limits.get(base[1])
            if texts is not None and texts.reason:
                self.check_template(("texts", lang) + base + ("reason",), texts.reason, scope,
                                    extra)

    # -- languages ----------------------------------------------------------------------
    def check_drafts(self, base, drafts, scope, extra) -> None:
        for channel, draft in drafts.items():
            path = base + ("draft", channel)
            if draft.subject is not None:
                self.check_template(path + ("subject",), draft.subject, scope, extra,
                                    "draft subject")
            self.check_template(path + ("body",), draft.body, scope, extra, "draft")

    def check_texts(self) -> None:
        """Translations name entries that exist (a typo would silently fall back)."""
        for lang, translation in self.policy.texts.items():
            for section in ("rules", "limits"):
                written = self.doc.data.get(section) if isinstance(self.doc.data, dict) else None
                for eid in getattr(translation, section):
                    # an entry the schema rejected is still written: no second error
                    if eid not in getattr(self.policy, section) and eid not in (written or {}):
                        self.err(("texts", lang, section, eid), f"no {section[:-1]} '{eid}' "
                                 "to translate", did_you_mean(eid, getattr(self.policy, section)),
                                 key=True)

    # -- strata -------------------------------------------------------------------------
    def stratify(self) -> dict[tuple[str, str], int]:
        """Each entry runs after every derived fact it reads is complete."""
        deps: dict[tuple[str, str], set[str]] = {}
        for section in ("derive", "rules", "limits"):
            for eid, entry in self.policy.active(section).items():
                read = {t for p in entry.patterns() for t in p.types}
                deps[(section, eid)] = {t for t in read if t in self.producers}
        level: dict[str, int] = {}
        visiting: set[str] = set()

        def counted(key: tuple[str, str]) -> int:
            """An entry with counts runs a stratum later: the stratum before it counts."""
            return 1 if self.policy.active(key[0])[key[1]].count else 0

        def fact_level(name: str, trail: tuple) -> int:
            if name in level:
                return level[name]
            if name in visiting:
                self.err(("derive", self.producers[name][0]),
                         "derived facts depend on each other in a cycle: "
                         + " -> ".join(trail + (name,)), key=True)
                return 1
            visiting.add(name)
            lv = 1
            for did in self.producers[name]:
                mine = 1
                for dep in deps[("derive", did)]:
                    mine = max(mine, fact_level(dep, trail + (name,)) + 1)
                lv = max(lv, mine + counted(("derive", did)))
            visiting.discard(name)
            level[name] = lv
            return lv

        strata = {}
        for key, read in deps.items():
            strata[key] = max([1] + [fact_level(n, ()) + 1 for n in read]) + counted(key)
        for name in self.producers:
            for did in self.producers[name]:
                strata[("derive", did)] = fact_level(name, ())
        return strata


def _variants(p: Pattern) -> int:
    """How many engine patterns ``p`` becomes: one per combination of its 'in' values."""
    n = 1
    for cond in p.where.values():
        if cond.in_ is not None:
            n = min(n * len(set(map(repr, cond.in_))), 10**9)
    return n


def _comparable(a: TimeExpr, b: TimeExpr) -> bool:
    """Two expressions on the same anchor, both in exact units or both in business days."""
    return (a.anchor, a.field) == (b.anchor, b.field) and a.business_days == b.business_days \
        and all(o.unit == "bd" for o in a.offsets + b.offsets) == a.business_days


def starts_after(a: TimeExpr, b: TimeExpr) -> bool:
    """Whether ``a`` is certainly later than ``b`` (same anchor, comparable offsets)."""
    return _comparable(a, b) and _later(a, b)


def _later(a: TimeExpr, b: TimeExpr) -> bool:
    if a.business_days:
        return sum(o.sign * o.amount for o in a.offsets) > sum(o.sign * o.amount for o in b.offsets)
    return a.exact_seconds > b.exact_seconds


def check(policy: Policy, doc: Document) -> Checked:
    """Check ``policy`` (parsed from ``doc``); problems are in the result."""
    return _Checker(policy, doc).run()
