"""Compile a validated policy into durable-rules rulesets, one per stratum.

The compiler emits only the subset of durable-rules' JSON that was measured to behave
(``docs/durable-rules.md``, and the probes kept in ``tests/test_durable_defences.py``):

- one ruleset per stratum: an entry runs in the stratum after every derived fact it
  reads is complete (notes 9, 10);
- negations never see a blocker arrive late: they test *mirror* facts (type ``~T``),
  which the runtime asserts in a first call, before the facts that form partial
  matches. Measured: a blocker arriving later in the same batch also retracted matches
  of *other* rules sharing the positive pattern, even with slot-0 aliases, and a
  negation never saw the fact bound by its own rule;
- positive patterns first, negations last, never a negation first (note 2);
- engine aliases whose FNV-1a-32 hash is 0 mod 16, a distinct one per negation (note 3);
- every pattern tests ``type``; no condition names ``sid``, ``id`` or the state (note 5);
- several types are matched with ``$mt``, never ``$or``, which mis-evaluates joins in
  its branches (found by our own probes); ``in`` is split into one equality per value,
  one engine rule (or negation) each, because ``$mt`` ignores regex escapes;
- every pattern after the first ends with an always-true join on ``z`` (note 4);
- ``$ex`` guards every property a join or a window reads (note 6);
- an init fact fires a housekeeping rule in every session (note 8);
- priorities are non-negative (negative ones sort after positive ones).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .load import LoadedPolicy
from .policy import Count, Limit, Pattern, Rule
from .timeexpr import CALENDAR_UNITS, Offset, TimeExpr, parse_time_expr, shift_key
from .validate import count_references, field_kind, time_tests
from .vocabulary import NOW, TIME

INIT_TYPE = "__init"
MIRROR = "~"  # the type prefix of the mirror facts that negations test
INIT_RULE = "__init"
_REF = re.compile(r"^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$")
_OPS = {"gt": "$gt", "ge": "$gte", "lt": "$lt", "le": "$lte"}


def fnv1a32(text: str) -> int:
    """FNV-1a, 32 bits: durable-rules hashes alias names, fact ids and sids with it."""
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def safe_aliases(count: int, prefix: str) -> list[str]:
    """``count`` alias names whose FNV-1a-32 hash is 0 mod 16 (note 3)."""
    out, i = [], 0
    while len(out) < count:
        name = f"{prefix}{i}"
        if fnv1a32(name) % 16 == 0:
            out.append(name)
        i += 1
    return out


POSITIVE_ALIASES = safe_aliases(17, "p")
NEGATIVE_ALIASES = safe_aliases(64, "n")


def field_key(name: str) -> str:
    """The fact property of a field: every fact's time is ``t``."""
    return "t" if name == "at" else name


COUNT = "count"   # the section of the engine rules that count for an entry's ``count``
HIDDEN = "#"      # the prefix of names and fact types the compiler adds (never the policy's)


@dataclass(frozen=True)
class CompiledEntry:
    """What the runtime needs to turn an engine firing back into policy terms."""

    section: str              # "derive", "rules", "limits", or COUNT
    id: str
    aliases: dict[str, str]   # engine alias -> policy name (or "now", or a hidden name)
    needs: tuple[frozenset, ...] = ()   # per positive pattern, the types it accepts
    reads: frozenset = frozenset()      # the types its positive patterns read unmirrored
    makes: str | None = None            # COUNT: the type of the fact it derives
    carry: tuple[tuple[str, str, str], ...] = ()  # COUNT: (field, name, property) copied


@dataclass
class Stratum:
    level: int
    ruleset: dict[str, Any]                          # durable-rules JSON
    entries: dict[str, CompiledEntry] = field(default_factory=dict)  # rule name -> entry
    negated: set[str] = field(default_factory=set)   # fact types its negations test


@dataclass
class Program:
    """A compiled policy: strata in order, plus the policy they came from."""

    loaded: LoadedPolicy
    strata: list[Stratum]
    # fact type -> (property, calendar offsets) the host adds to each fact of that type
    # before matching (durable-rules adds seconds only; a day is a calendar day)
    shifts: dict[str, set[tuple[str, tuple]]] = field(default_factory=dict)

    @property
    def policy(self):
        return self.loaded.policy


def time_operands(entry, fact_fields: dict[str, dict[str, object]]):
    """The time expressions of an entry's ``where`` tests: operands of time fields only.

    A text literal that looks like ``a.to`` or ``now`` is a literal (found by the
    differential tests: taken for a reference, it silently blocked matches).
    """
    for p in entry.patterns():
        yield from (expr for _, _, expr in time_tests(p, fact_fields))


def required_fields(entry, fact_fields: dict[str, dict[str, object]]) -> dict[str, set[str]]:
    """Fields of bound facts that joins, time operands, windows or limits read: they
    must exist."""
    need: dict[str, set[str]] = {}

    def ref(text: str) -> None:
        m = _REF.match(text)
        if m:
            need.setdefault(m.group(1), set()).add(m.group(2))

    def expr(e: TimeExpr | None) -> None:
        if e is not None and e.anchor != NOW and e.field:
            need.setdefault(e.anchor, set()).add(e.field)

    for p in entry.patterns():
        for r in p.same.values():
            ref(r)
    for e in time_operands(entry, fact_fields):
        expr(e)
    if isinstance(entry, Rule):
        for part in (entry.window.start, entry.window.due, entry.window.end):
            expr(part)
    if isinstance(entry, Limit):
        expr(entry.until)
    return need


class _EntryCompiler:
    def __init__(self, loaded: LoadedPolicy, entry):
        self.fields = loaded.checked.fact_fields
        self.entry = entry
        names = ([NOW] if _uses_now(entry, self.fields) else []) + list(entry.when)
        names += [f"{HIDDEN}c{i}" for i, c in enumerate(entry.count) if c.at_least is not None]
        self.engine = dict(zip(names, POSITIVE_ALIASES))  # policy name -> engine alias
        self.first = POSITIVE_ALIASES[0]
        self.need = required_fields(entry, self.fields)
        self.shifts: dict[str, set[tuple[str, tuple]]] = {}

    def operand(self, text: str) -> Any:
        """A time expression as a durable-rules operand: exact seconds added by the
        engine, or, with calendar days, a property the host shifted (:data:`shifts`)."""
        expr = parse_time_expr(text)
        key = field_key(expr.field or "at")
        if expr.calendar:
            return {self.engine[expr.anchor]: self.shifted(expr.anchor, key, expr.offsets)}
        base = {self.engine[expr.anchor]: key}
        seconds = expr.exact_seconds
        return base if seconds == 0 else {"$add": {"$l": base, "$r": seconds}}

    def shifted(self, anchor: str, key: str, offsets: tuple) -> str:
        """The property of ``anchor``'s facts holding ``key`` moved by ``offsets``."""
        return self.shifted_types([NOW] if anchor == NOW else self.entry.when[anchor].types,
                                  key, offsets)

    def shifted_types(self, types, key: str, offsets: tuple) -> str:
        """Ask the host to add ``key`` moved by ``offsets`` to facts of ``types``."""
        for t in types:
            self.shifts.setdefault(t, set()).add((key, tuple(offsets)))
        return shift_key(key, offsets)

    def pattern(self, p: Pattern, alias: str | None, mirror: bool | None = None,
                extra: list[dict[str, Any]] = ()) -> dict[str, Any]:
        """``p`` for the fact named ``alias`` (None: a negation). Negations, and the facts
        a count counts, test mirror facts."""
        tests: list[dict[str, Any]] = []
        types = p.types
        prefix = MIRROR if (alias is None if mirror is None else mirror) else ""
        if len(types) == 1:
            tests.append({"type": prefix + types[0]})
        else:
            tests.append({"$mt": {"type": prefix + _alternatives(types)}})
        fields = {}
        for t in types:
            for k, v in self.fields[t].items():
                fields.setdefault(k, v)
        for fname in sorted(self.need.get(alias, ())) if alias else ():
            tests.append({"$ex": {field_key(fname): 1}})
        for fname, cond in p.where.items():
            key, kind = field_key(fname), fields[fname]
            for op, value in cond.tests():
                if op == "exists":
                    tests.append({"$ex" if value else "$nex": {key: 1}})
                    continue
                tests.append({"$ex": {key: 1}})
                if field_kind(kind) == TIME:
                    rhs = self.operand(value)
                else:
                    rhs = value
                if op == "eq":
                    tests.append({key: rhs})
                elif op == "ne":
                    tests.append({"$neq": {key: rhs}})
                elif op == "in" and len(value) == 1:
                    # one value per engine rule or negation (see _split_in): an equality,
                    # never a regex (durable-rules' $mt does not honour escapes, so
                    # 'Ana.Lima' or 'Dana Lee' escaped by re.escape never matched)
                    tests.append({key: value[0]})
                elif op == "in":
                    # a counted pattern cannot be split; validation allows only plain
                    # words here, which need no escapes
                    assert isinstance(p, Count), "compile_policy splits 'in' into singletons"
                    tests.append({"$mt": {key: "(" + "|".join(sorted(set(value))) + ")"}})
                else:
                    tests.append({_OPS[op]: {key: rhs}})
        for fname, ref in p.same.items():
            other, ofield = ref.split(".", 1)
            tests.append({"$ex": {field_key(fname): 1}})
            tests.append({field_key(fname): {self.engine[other]: field_key(ofield)}})
        if p.after:
            tests.append({"$gt": {"seq": {self.engine[p.after]: "seq"}}})
        if p.before:
            tests.append({"$lt": {"seq": {self.engine[p.before]: "seq"}}})
        if p.since is not None and p.since.unit in CALENDAR_UNITS:
            back = (Offset(-1, p.since.amount, p.since.unit),)
            tests.append({"$gte": {"t": {self.engine[NOW]: self.shifted(NOW, "t", back)}}})
        elif p.since is not None:
            tests.append({"$gte": {"t": {"$sub": {"$l": {self.engine[NOW]: "t"},
                                                  "$r": p.since.seconds}}}})
        tests.extend(extra)
        if alias != self.first_name:
            tests.append({"z": {self.first: "z"}})  # the always-true sentinel join (note 4)
        return tests[0] if len(tests) == 1 else {"$and": tests}

    @property
    def first_name(self) -> str:
        return next(iter(self.engine))

    def counted(self, i: int, c: Count, negated: bool) -> dict[str, Any]:
        """The test of count ``i``: the fact its counting rule derived, for the values of
        the bound facts the count reads (present for at_least, absent for at_most)."""
        tests: list[dict[str, Any]] = [
            {"type": (MIRROR if negated else "") + count_type(self.entry_key, i, negated)}]
        for prop, (name, key) in sorted(_carried(c, self.fields).items()):
            tests.append({prop: {self.engine[name]: key}})
        tests.append({"z": {self.first: "z"}})
        return {"$and": tests}

    def compile(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The engine rule: positive patterns in policy order, each negation right after
        the last positive pattern it reads (never first).

        A negation placed early prunes partial matches before later patterns join them:
        "two contacts, no reply after the first" joined every pair of contacts before
        the reply test removed them (quadratic in the events); tested right after the
        first contact, only the unanswered ones are joined. Blockers are mirror facts,
        all present before any partial match forms, so the position changes no match.
        """
        positive = []
        if NOW in self.engine:
            positive.append((NOW, {self.engine[NOW]: {"type": NOW}}))
        for name, p in self.entry.when.items():
            positive.append((name, {self.engine[name]: self.pattern(p, name)}))
        for i, c in enumerate(self.entry.count):
            if c.at_least is not None:
                name = f"{HIDDEN}c{i}"
                positive.append((name, {self.engine[name]: self.counted(i, c, False)}))
        place = {name: i for i, (name, _) in enumerate(positive)}
        negations = [(_pattern_reads(p, self.fields), self.pattern(p, None))
                     for p in self.entry.absent]
        negations += [(set(count_references(c, self.fields)), self.counted(i, c, True))
                      for i, c in enumerate(self.entry.count) if c.at_most is not None]
        after: dict[int, list[dict[str, Any]]] = {}
        for i, (reads, test) in enumerate(negations):
            slot = max([place[n] for n in reads if n in place], default=0)
            after.setdefault(slot, []).append({NEGATIVE_ALIASES[i] + "$not": test})
        terms = []
        for i, (_, term) in enumerate(positive):
            terms.append(term)
            terms.extend(after.get(i, ()))
        return {"all": terms, "pri": 1}, {v: k for k, v in self.engine.items()}

    entry_key = ("", "")  # (section, id), set by compile_policy


def count_type(entry_key: tuple[str, str], i: int, negated: bool) -> str:
    """The type of the fact that says count ``i`` of an entry reached its number:
    ``at_least`` facts, or (``negated``) one more than ``at_most``."""
    return f"{HIDDEN}count:{entry_key[0]}:{entry_key[1]}:{i}:{'over' if negated else 'reached'}"


def _carried(c: Count, fact_fields) -> dict[str, tuple[str, str]]:
    """The properties of a count's fact: for each bound fact's property the counted
    pattern reads, ``v_NAME_PROP`` -> (NAME, PROP)."""
    return {f"v_{name}_{prop}": (name, prop)
            for name, props in count_references(c, fact_fields).items() for prop in props}


def _count_rule(loaded: LoadedPolicy, entry, key: tuple[str, str], i: int, c: Count,
                negated: bool, shifts: dict | None = None
                ) -> tuple[dict[str, Any], CompiledEntry, set[str]]:
    """The engine rule that derives count ``i``'s fact: the evaluation time, one fact per
    bound name the count reads (any fact of that name's types: only the values read
    matter), then ``n`` distinct mirror facts that satisfy the counted pattern, in order,
    the last at most ``within`` after the first. Mirrors, so that the facts bound in the
    entry's ``when`` are counted too (the engine never binds one fact twice in a rule)."""
    fields = loaded.checked.fact_fields
    n = c.at_most + 1 if negated else c.at_least
    refs = count_references(c, fields)
    names = [NOW] + sorted(refs) + [f"{HIDDEN}k{j}" for j in range(1, n + 1)]
    comp = _EntryCompiler(loaded, entry)
    comp.engine = dict(zip(names, POSITIVE_ALIASES))
    comp.need = {}
    terms = [{comp.engine[NOW]: {"type": NOW}}]
    needs: list[frozenset] = [frozenset({NOW})]
    reads = {NOW}
    for name in sorted(refs):
        types = entry.when[name].types
        tests: list[dict[str, Any]] = [
            {"type": types[0]} if len(types) == 1 else {"$mt": {"type": _alternatives(types)}}]
        tests += [{"$ex": {prop: 1}} for prop in sorted(refs[name]) if prop not in ("t", "seq")]
        tests.append({"z": {comp.first: "z"}})
        terms.append({comp.engine[name]: {"$and": tests}})
        needs.append(frozenset(types))
        reads.update(types)
    for j in range(1, n + 1):
        extra = []
        if j > 1:
            first, prev = comp.engine[f"{HIDDEN}k1"], comp.engine[f"{HIDDEN}k{j - 1}"]
            extra.append({"$gte": {"seq": {prev: "seq"}}})  # in order: each set once or so
            if c.within is not None and c.within.unit in CALENDAR_UNITS:
                extra.append({"$lte": {"t": {first: comp.shifted_types(c.types, "t",
                                                                       (c.within,))}}})
            elif c.within is not None:
                extra.append({"$lte": {"t": {"$add": {"$l": {first: "t"},
                                                      "$r": c.within.seconds}}}})
        terms.append({comp.engine[f"{HIDDEN}k{j}"]: comp.pattern(c, f"{HIDDEN}k{j}", True,
                                                                 extra)})
        needs.append(frozenset(c.types))
    made = count_type(key, i, negated)
    carry = tuple((prop, name, key_) for prop, (name, key_) in sorted(_carried(c, fields).items()))
    compiled = CompiledEntry(COUNT, made, {v: k for k, v in comp.engine.items()},
                             tuple(needs), frozenset(reads), made, carry)
    if shifts is not None:
        for t, wanted in comp.shifts.items():
            shifts.setdefault(t, set()).update(wanted)
    return {"all": terms, "pri": 1}, compiled, set(c.types)


def _pattern_reads(p: Pattern, fact_fields: dict[str, dict[str, object]]) -> set[str]:
    """The names (bound facts, or ``now``) a pattern's tests read."""
    reads = {n for n in (p.after, p.before) if n}
    reads.update(ref.split(".", 1)[0] for ref in p.same.values())
    if p.since is not None:
        reads.add(NOW)
    reads.update(expr.anchor for _, _, expr in time_tests(p, fact_fields))
    return reads


def _alternatives(values) -> str:
    """An anchored ``$mt`` pattern matching exactly one of ``values``."""
    return "(" + "|".join(re.escape(str(v)) for v in sorted(set(values))) + ")"


def _uses_now(entry, fact_fields: dict[str, dict[str, object]]) -> bool:
    """Whether an entry reads the evaluation time (then it matches the ``now`` fact)."""
    if any(p.since is not None for p in list(entry.when.values()) + list(entry.absent)):
        return True
    return any(e.anchor == NOW for e in time_operands(entry, fact_fields))


def _split_pattern(p: Pattern) -> list[Pattern]:
    """``p`` as one pattern per combination of the values of its ``in`` tests."""
    out = [p]
    for fname, cond in p.where.items():
        if cond.in_ is None or len(cond.in_) == 1:
            continue
        out = [q.model_copy(update={"where": {**q.where, fname: cond.model_copy(
            update={"in_": [v]})}}) for q in out for v in dict.fromkeys(cond.in_)]
    return out


def _split_in(entry) -> list:
    """Variants of ``entry`` without multi-valued ``in`` tests: a ``when`` pattern with
    ``in`` becomes one engine rule per value (their matches are merged by the runtime),
    an ``absent`` one becomes one negation per value (absent(A or B) = absent(A) and
    absent(B)). Regex alternatives were wrong for values with punctuation or spaces."""
    absent = [q for p in entry.absent for q in _split_pattern(p)]
    variants = [{}]
    for name, p in entry.when.items():
        variants = [dict(v, **{name: q}) for v in variants for q in _split_pattern(p)]
    return [entry.model_copy(update={"when": when, "absent": absent}) for when in variants]


MAX_RULES_PER_RULESET = 48  # measured: ~100 rules on the same facts fail with error 303


def compile_policy(loaded: LoadedPolicy) -> Program:
    """Compile ``loaded`` into a :class:`Program` of durable-rules rulesets.

    A stratum with many rules is split into several rulesets of the same level: the
    engine walks its network with a fixed-size stack and refuses a batch (error 303)
    once about a hundred rules read the same facts. Entries of one level never read
    each other's derived facts, so the split changes nothing else.
    """
    by_level: dict[int, list[tuple[str, dict, CompiledEntry, set[str]]]] = {}
    counter = 0
    shifts: dict[str, set[tuple[str, tuple]]] = {}
    for section in ("derive", "rules", "limits"):
        for eid, entry in loaded.policy.active(section).items():
            level = loaded.checked.strata[(section, eid)]
            negated = {t for p in entry.absent for t in p.types}
            for i, c in enumerate(entry.count):
                if c.at_most is not None:
                    negated.add(count_type((section, eid), i, True))
                for kind in (False, True):
                    if (c.at_most if kind else c.at_least) is None:
                        continue
                    rule, compiled, counted = _count_rule(loaded, entry, (section, eid), i, c,
                                                          kind, shifts)
                    by_level.setdefault(level - 1, []).append(
                        (f"c{counter}", rule, compiled, counted))
                    counter += 1
            for variant in _split_in(entry):
                compiler = _EntryCompiler(loaded, variant)
                compiler.entry_key = (section, eid)
                rule, aliases = compiler.compile()
                for t, wanted in compiler.shifts.items():
                    shifts.setdefault(t, set()).update(wanted)
                needs = tuple(frozenset(p.types) for p in variant.when.values())
                needs += tuple(frozenset({count_type((section, eid), i, False)})
                               for i, c in enumerate(variant.count) if c.at_least is not None)
                reads = frozenset({NOW}).union(*needs)
                name = f"{section[0]}{counter}"
                counter += 1
                by_level.setdefault(level, []).append(
                    (name, rule, CompiledEntry(section, eid, aliases, needs, reads), negated))
    strata = []
    for level in sorted(by_level):
        rows = by_level[level]
        for i in range(0, len(rows), MAX_RULES_PER_RULESET):
            stratum = Stratum(level, {})
            for name, rule, compiled, negated in rows[i:i + MAX_RULES_PER_RULESET]:
                stratum.ruleset[name] = rule
                stratum.entries[name] = compiled
                stratum.negated.update(negated)
            stratum.ruleset[INIT_RULE] = {"all": [{POSITIVE_ALIASES[0]: {"type": INIT_TYPE}}],
                                          "pri": 0}
            strata.append(stratum)
    return Program(loaded, strata, shifts)


__all__ = ["Program", "Stratum", "CompiledEntry", "compile_policy", "fnv1a32", "INIT_TYPE",
           "COUNT", "HIDDEN", "count_type"]
