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
from dataclasses import dataclass, field
from typing import Any, Iterator

from rulebook.bounds import MAX_JOIN
from rulebook.compiler import COUNT, HIDDEN, INIT_TYPE, MIRROR, CompiledEntry, Program
from rulebook.events import Timeline
from rulebook.vocabulary import NOW

from .facts import (Fact, check_join, derived_fact, id_hash, init_fact, now_fact,
                    timeline_facts, with_unique_hashes)
from .session import Ruleset, encode
from .timing import with_shifts



@dataclass(frozen=True)
class Match:
    """An entry of the policy satisfied by these facts (names as the policy wrote them)."""

    section: str
    id: str
    bindings: dict[str, Fact]
    key: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        # every match is de-duplicated and sorted by its key: worked out once, up front
        object.__setattr__(self, "key", (self.section, self.id, tuple(sorted(
            (name, fact["id"]) for name, fact in self.bindings.items()))))


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
        # per stratum, the most patterns one entry joins (k): with n facts present no
        # entry can form more than n ** k combinations, so below the join limit
        # (nearly always) the exact count is not worth working out
        self._widest = [max((len(e.needs) for e in s.entries.values()), default=0)
                        for s in program.strata]
        # the properties any compiled pattern may read: the engine is sent only these
        # (a bound fact comes back by id, whole), so it parses and returns less
        self._keep = frozenset(_strings(s.ruleset for s in program.strata)) | {"id", "type"}

    def matches(self, timeline: Timeline, at: dt.datetime) -> list[Match]:
        facts = timeline_facts(timeline, at)
        fixed = [now_fact(at), init_fact()] + facts
        shifts = self.program.shifts
        if shifts:  # calendar days in `where` and `since`: shifted by the host (note above)
            fixed = [with_shifts(f, shifts, timeline.tz) for f in fixed]
        derived: dict[str, Fact] = {}
        out: dict[tuple, Match] = {}
        keep = self._keep

        def code(f: Fact) -> str:  # what the engine is sent of a fact
            return encode({k: v for k, v in f.items() if k in keep})

        # each fact's JSON, made once and shared by the strata (a list beside the facts)
        present, coded = list(fixed), [code(f) for f in fixed]
        mirrored: dict[int, tuple[Fact, Fact, str]] = {}  # each fact's mirror, likewise
        kinds = {f["type"] for f in fixed}
        # The id hashes of every fact and mirror of this evaluation: while they are all
        # distinct (nearly always), no stratum's facts need renaming and one index by id
        # serves every stratum; after a clash, each stratum is checked on its own.
        seen = {id_hash(f["id"]) for f in fixed}
        distinct = len(seen) == len(fixed)
        by_id = {f["id"]: f for f in fixed}
        for stratum, ruleset, reads, needs, widest in zip(
                self.program.strata, self.rulesets, self._reads, self._needs, self._widest):
            if not any(all(types & kinds for types in entry) for entry in needs):
                continue
            if len(present) ** widest > MAX_JOIN:  # the documented limit (bounds.py)
                check_join(self.program, stratum, present)
            negated = stratum.negated
            mirrors = []
            for f in present:
                if f["type"] in negated:
                    known = mirrored.get(id(f))
                    if known is None:  # made once per evaluation; the memo holds the fact,
                        mirror = dict(f, type=MIRROR + f["type"], id=MIRROR + f["id"])
                        known = mirrored[id(f)] = (f, mirror, code(mirror))  # so its id()
                        h = id_hash(mirror["id"])                      # is not reused
                        distinct = distinct and h not in seen
                        seen.add(h)
                        by_id[mirror["id"]] = mirror  # counts bind mirrors
                    mirrors.append(known)
            if distinct:
                index = by_id
                parts = [m[2] for m in mirrors]
                parts += [c for f, c in zip(present, coded) if f["type"] in reads]
            else:
                checked = with_unique_hashes([m[1] for m in mirrors] + present)
                index = {f["id"]: f for f in checked}
                parts = [code(f) for f in checked[:len(mirrors)]]
                parts += [code(f) for f in checked[len(mirrors):] if f["type"] in reads]
            new: dict[str, Fact] = {}
            for rule_name, bound in ruleset.evaluate_encoded(parts):
                entry = stratum.entries.get(rule_name)
                if entry is None:
                    continue  # the housekeeping rule
                if entry.section == COUNT:  # from the whole facts (the engine's are trimmed)
                    fact = count_fact(entry, {a: index[f["id"]] for a, f in bound.items()})
                    new.setdefault(fact["id"], fact)
                    continue
                # the evaluation time is the engine's way to read ``now``, and the hidden
                # names the facts that counts derived: neither is a binding. A bound fact is
                # taken whole, as given, by its id (the engine's copy is trimmed)
                aliases = entry.aliases
                bindings = {aliases[a]: index[f["id"]] for a, f in bound.items()
                            if aliases[a] != NOW and not aliases[a].startswith(HIDDEN)}
                match = Match(entry.section, entry.id, bindings)
                if match.key in out:
                    continue
                out[match.key] = match
                if entry.section == "derive":
                    fact = derive(self.program, match)
                    if shifts:
                        fact = with_shifts(fact, shifts, timeline.tz)
                    new.setdefault(fact["id"], fact)
            for fid, fact in new.items():
                h = id_hash(fid)
                distinct = distinct and fid not in derived and h not in seen
                seen.add(h)
                if fid in derived:  # replaced (never seen): keep the facts as a dict would
                    i = present.index(derived[fid])
                    present[i], coded[i] = fact, code(fact)
                else:
                    present.append(fact)
                    coded.append(code(fact))
                kinds.add(fact["type"])
            derived.update(new)
            by_id.update(new)
        return sorted(out.values(), key=lambda m: m.key)

    def advise(self, timeline: Timeline, at: dt.datetime, lang=None):
        """The advice: this evaluator's matches through the outcome stage."""
        from .outcome import advise  # the outcome stage reads Match from here

        return advise(self.program, timeline, at, self.matches(timeline, at), lang)

    def close(self) -> None:
        for ruleset in self.rulesets:
            ruleset.close()


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


def _strings(node) -> Iterator[str]:
    """Every key and text value in a JSON structure: a superset of the property names
    it reads (literals and aliases too, which is harmless)."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield k
            yield from _strings(v)
    elif isinstance(node, (list, tuple)) or hasattr(node, "__next__"):
        for v in node:
            yield from _strings(v)
    elif isinstance(node, str):
        yield node
