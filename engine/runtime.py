"""Evaluating a compiled policy on durable-rules: strata in order, one batch each.

Each stratum runs in a fresh session with one batch: the timeline's facts, the
evaluation time, the derived facts of earlier strata and the init fact. The firings of
derivations become facts for the next strata; the firings of rules and limits are the
*matches* that :mod:`engine.outcome` turns into advice. Firings are de-duplicated by
entry and bound facts (note 11), so the result is a set, whatever durable-rules' order.
A ``where`` operand or a ``since`` in calendar days is a property the host adds to the
facts (:func:`engine.timing.with_shifts`): durable-rules can only add seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rulebook.compiler import COUNT, HIDDEN, INIT_TYPE, MIRROR, CompiledEntry, Program
from rulebook.events import Timeline
from rulebook.vocabulary import NOW

from .facts import (Fact, check_join, derived_fact, init_fact, now_fact, timeline_facts,
                    with_unique_hashes)
from .session import Ruleset
from .timing import with_shifts

_ENGINE_KEYS = ("sid",)


@dataclass(frozen=True)
class Match:
    """An entry of the policy satisfied by these facts (names as the policy wrote them)."""

    section: str
    id: str
    bindings: dict[str, Fact]

    @cached_property
    def key(self) -> tuple:
        return (self.section, self.id,
                tuple(sorted((name, fact["id"]) for name, fact in self.bindings.items())))


def derive(program: Program, match: Match) -> Fact:
    """The derived fact a derivation's match produces."""
    d = program.policy.derive[match.id]
    at_name = d.at or next(iter(d.when))
    return derived_fact(d.fact or match.id, match.id, match.bindings, at_name, d.set)


class DurableEvaluator:
    """Matches a compiled policy's entries on durable-rules, stratum by stratum."""

    def __init__(self, program: Program):
        self.program = program
        self.rulesets = [Ruleset(s.ruleset) for s in program.strata]
        # the fact types each stratum's positive patterns read: no other fact can match
        # there, so the others are not sent (negations read the mirrors)
        self._reads = [_positive_types(program, s) for s in program.strata]
        # per entry, the types each of its positive patterns accepts: an entry can only
        # match when every one of them has a fact, and a stratum none of whose entries
        # can match is not evaluated at all (its session would fire nothing)
        self._needs = [_needed_types(program, s) for s in program.strata]

    def matches(self, timeline: Timeline, at: dt.datetime) -> list[Match]:
        facts = timeline_facts(timeline, at)
        fixed = [now_fact(at), init_fact()] + facts
        shifts = self.program.shifts
        if shifts:  # calendar days in `where` and `since`: shifted by the host (note above)
            fixed = [with_shifts(f, shifts, timeline.tz) for f in fixed]
        derived: dict[str, Fact] = {}
        out: dict[tuple, Match] = {}
        encoded: dict[int, tuple[dict, str]] = {}  # each fact's JSON, shared by the strata
        mirrored: dict[int, tuple[Fact, Fact]] = {}  # each fact's mirror, likewise
        kinds = {f["type"] for f in fixed}
        for stratum, ruleset, reads, needs in zip(self.program.strata, self.rulesets,
                                                  self._reads, self._needs):
            kinds.update(f["type"] for f in derived.values())
            if not any(all(types & kinds for types in entry) for entry in needs):
                continue
            present = fixed + list(derived.values())
            check_join(self.program, stratum, present)  # the documented limit (bounds.py)
            mirrors = [_mirror(f, mirrored) for f in present if f["type"] in stratum.negated]
            checked = with_unique_hashes(mirrors + present)
            by_id = {f["id"]: f for f in checked}
            used = [f for f in checked[len(mirrors):] if f["type"] in reads]
            new: dict[str, Fact] = {}
            for rule_name, bound in ruleset.evaluate(used, before=checked[:len(mirrors)],
                                                     encoded=encoded):
                entry = stratum.entries.get(rule_name)
                if entry is None:
                    continue  # the housekeeping rule
                if entry.section == COUNT:
                    fact = count_fact(entry, bound)
                    new.setdefault(fact["id"], fact)
                    continue
                # the evaluation time is the engine's way to read ``now``, and the hidden
                # names the facts that counts derived: neither is a binding
                bindings = {entry.aliases[a]: by_id.get(f["id"]) or _clean(f)
                            for a, f in bound.items()
                            if entry.aliases[a] != NOW and not entry.aliases[a].startswith(HIDDEN)}
                match = Match(entry.section, entry.id, bindings)
                if match.key in out:
                    continue
                out[match.key] = match
                if entry.section == "derive":
                    fact = derive(self.program, match)
                    if shifts:
                        fact = with_shifts(fact, shifts, timeline.tz)
                    new.setdefault(fact["id"], fact)
            derived.update(new)
        return sorted(out.values(), key=lambda m: m.key)

    def close(self) -> None:
        for ruleset in self.rulesets:
            ruleset.close()


def _mirror(fact: Fact, memo: dict[int, tuple[Fact, Fact]]) -> Fact:
    """The fact negations test (type and id prefixed), made once per evaluation."""
    known = memo.get(id(fact))
    if known is None:  # the memo holds the fact, so its id() is not reused meanwhile
        known = memo[id(fact)] = (fact, dict(fact, type=MIRROR + fact["type"],
                                             id=MIRROR + fact["id"]))
    return known[1]


def count_fact(entry: CompiledEntry, bound: dict[str, dict[str, Any]]) -> Fact:
    """The fact a count's engine rule derives: its type names the count, its fields the
    values of the bound facts it read; one per distinct set of values."""
    by_name = {entry.aliases[a]: f for a, f in bound.items()}
    values = {prop: by_name[name][key] for prop, name, key in entry.carry}
    ident = ",".join(f"{k}={values[k]!r}" for k in sorted(values))
    return {"type": entry.makes, "id": f"{entry.makes}|{ident}", "seq": 0, "t": 0, "z": 0,
            **values}


def _needed_types(program: Program, stratum) -> list[list[set[str]]]:
    return [[set(types) for types in e.needs] for e in stratum.entries.values()]


def _positive_types(program: Program, stratum) -> set[str]:
    types = {NOW, INIT_TYPE}
    for entry in stratum.entries.values():
        types.update(entry.reads)
    return types


def _clean(fact: dict[str, Any]) -> Fact:
    return {k: v for k, v in fact.items() if k not in _ENGINE_KEYS}
