"""Evaluating a compiled policy on durable-rules: strata in order, one batch each.

Each stratum runs in a fresh session with one batch: the timeline's facts, the
evaluation time, the derived facts of earlier strata and the init fact. The firings of
derivations become facts for the next strata; the firings of rules and limits are the
*matches* that :mod:`engine.outcome` turns into advice. Firings are de-duplicated by
entry and bound facts (note 11), so the result is a set, whatever durable-rules' order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rulebook.compiler import MIRROR, Program
from rulebook.events import Timeline

from .facts import (Fact, derived_fact, init_fact, now_fact, timeline_facts,
                    with_unique_hashes)
from .session import Ruleset

_ENGINE_KEYS = ("sid",)


@dataclass(frozen=True)
class Match:
    """An entry of the policy satisfied by these facts (names as the policy wrote them)."""

    section: str
    id: str
    bindings: dict[str, Fact]

    @property
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

    def matches(self, timeline: Timeline, at: dt.datetime) -> list[Match]:
        facts = timeline_facts(timeline, at)
        fixed = [now_fact(at), init_fact()] + facts
        derived: dict[str, Fact] = {}
        out: dict[tuple, Match] = {}
        for stratum, ruleset in zip(self.program.strata, self.rulesets):
            present = fixed + list(derived.values())
            mirrors = [dict(f, type=MIRROR + f["type"], id=MIRROR + f["id"])
                       for f in present if f["type"] in stratum.negated]
            checked = with_unique_hashes(mirrors + present)
            new: dict[str, Fact] = {}
            for rule_name, bound in ruleset.evaluate(checked[len(mirrors):],
                                                     before=checked[:len(mirrors)]):
                entry = stratum.entries.get(rule_name)
                if entry is None:
                    continue  # the housekeeping rule
                bindings = {entry.aliases[a]: _clean(f) for a, f in bound.items()}
                match = Match(entry.section, entry.id, bindings)
                if match.key in out:
                    continue
                out[match.key] = match
                if entry.section == "derive":
                    fact = derive(self.program, match)
                    new.setdefault(fact["id"], fact)
            derived.update(new)
        return sorted(out.values(), key=lambda m: m.key)

    def close(self) -> None:
        for ruleset in self.rulesets:
            ruleset.close()


def _clean(fact: dict[str, Any]) -> Fact:
    return {k: v for k, v in fact.items() if k not in _ENGINE_KEYS}
