"""Engine defects the differential tests found, each probed on the raw engine, and the
compiler's defence shown to hold (these tests fail when the defence is removed)."""

from __future__ import annotations

import datetime as dt
import json
import re

from rulebook.engine.runtime import DurableEvaluator
from rulebook.engine.session import Ruleset
from rulebook.api import as_timeline
from rulebook.compiler import INIT_TYPE, POSITIVE_ALIASES, compile_policy
from rulebook.load import load_policy

AT = dt.datetime(2026, 3, 9, 9, tzinfo=dt.timezone.utc)
P0 = POSITIVE_ALIASES[0]
ODD_NAMES = ["Ana.Lima", "Dana Lee", "O'Brien (HR)", "a+b"]


def _fires(condition: dict, fact: dict) -> bool:
    ruleset = Ruleset({"r": {"all": [{P0: condition}]},
                       "__init": {"all": [{P0: {"type": INIT_TYPE}}]}})
    try:
        facts = [dict(fact, id="e1", z=0), {"type": INIT_TYPE, "id": INIT_TYPE, "z": 0}]
        return any(name == "r" for name, _ in ruleset.evaluate(facts))
    finally:
        ruleset.close()


def test_raw_engine_mt_ignores_escapes():
    """Defect: ``$mt`` with Python-escaped text never matches (``\\.``, ``\\ ``)."""
    for name in ODD_NAMES:
        escaped = {"$and": [{"type": "reply"}, {"$mt": {"from": "(" + re.escape(name) + ")"}}]}
        plain = {"$and": [{"type": "reply"}, {"from": name}]}
        assert not _fires(escaped, {"type": "reply", "from": name}), name
        assert _fires(plain, {"type": "reply", "from": name}), name


def _policy(where_from: list[str], absent: bool) -> str:
    pattern = {"fact": "reply", "where": {"from": {"in": where_from}}}
    rule = {"sources": ["G18"], "action": "answer", "reason": "r",
            "when": {"i": {"fact": "interview"}} if absent else {"r": pattern},
            "window": {"start": "i" if absent else "r", "due": "i" if absent else "r"}}
    if absent:
        rule["absent"] = [pattern]
    return json.dumps({"policy": "p", "rules": {"answer": rule}})


def _timeline(name: str):
    return as_timeline({"events": [
        {"type": "interview", "at": "2026-03-02T10:00:00Z", "interviewers": [{"name": "X"}]},
        {"type": "reply", "at": "2026-03-03T10:00:00Z", "kind": "other", "from": name}]})


def test_compiler_matches_in_values_with_punctuation_and_spaces():
    """Defence: ``in`` is split into one equality per value (rules or negations)."""
    for name in ODD_NAMES:
        for absent in (False, True):
            program = compile_policy(load_policy("p.yaml", text=_policy(ODD_NAMES[::-1], absent)))
            ev = DurableEvaluator(program)
            try:
                found = [m.id for m in ev.matches(_timeline(name), AT)]
            finally:
                ev.close()
            assert found == ([] if absent else ["answer"]), (name, absent)
            assert "$mt" not in json.dumps([s.ruleset for s in program.strata])


def test_text_literal_shaped_like_a_reference_is_a_literal():
    """Compiler defect (not the engine's): ``where: {from: a.to}`` on a text field was
    read as a time reference, so a bound ``a`` without ``to`` blocked the match."""
    policy = {"policy": "p", "rules": {"r": {
        "sources": ["G1"], "action": "x", "reason": "r", "window": {"start": "a", "due": "a"},
        "when": {"a": {"fact": "call"}, "b": {"fact": "reply", "where": {"from": "a.to"}}}}}}
    program = compile_policy(load_policy("p.yaml", text=json.dumps(policy)))
    timeline = as_timeline({"events": [
        {"type": "call", "at": "2026-03-02T10:00:00Z", "outcome": "reached"},
        {"type": "reply", "at": "2026-03-03T10:00:00Z", "kind": "other", "from": "a.to"}]})
    ev = DurableEvaluator(program)
    try:
        assert [m.id for m in ev.matches(timeline, AT)] == ["r"]
    finally:
        ev.close()
