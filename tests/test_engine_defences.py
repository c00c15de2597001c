"""The compiler's defences against durable-rules' defects: each defect shown on the raw
engine, and each defence checked on what the compiler emits or the runtime does.

(Mirror facts for negations: tests/test_engine_mirrors.py. ``$mt`` escapes:
tests/test_durable_defences.py.)
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading

import durable_rules_engine as dre

from rulebook.engine.facts import init_fact, now_fact, with_unique_hashes
from rulebook.engine.session import Ruleset
from rulebook import Rulebook
from rulebook.compiler import (INIT_RULE, INIT_TYPE, NEGATIVE_ALIASES, POSITIVE_ALIASES,
                               fnv1a32)

_names = itertools.count()
INIT = {"id": "i", "type": INIT_TYPE, "z": 0, "seq": 0, "t": 0}


def raw(ruleset: dict, facts: list[dict]) -> tuple[int, list[tuple[str, list[str]]]]:
    """Assert ``facts`` in one batch on the raw engine: (result code, firings)."""
    handle = dre.create_ruleset(f"raw{next(_names)}", json.dumps(ruleset))
    result = dre.assert_facts(handle, json.dumps([dict(f, sid="1") for f in facts]))
    fired = []
    started = dre.start_action_for_state(handle, result[1])
    message = started[1] if started else None
    while message:
        for rule, bound in json.loads(message).items():
            fired.append((rule, sorted(f["id"] for f in bound.values())))
        message = dre.complete_and_start_action(handle, result[1])
    dre.delete_state(handle, "1")
    dre.delete_ruleset(handle)
    return result[0], fired


def compiled_terms(name: str = "standard"):
    for stratum in Rulebook.load(name).program.strata:
        for rule_name, rule in stratum.ruleset.items():
            yield stratum, rule_name, rule


# -- fact identities are 32-bit hashes -----------------------------------------------------

COLLIDING = ("x211b", "x43d78")  # distinct ids, equal FNV-1a-32 hashes


def test_raw_engine_drops_a_fact_whose_id_hash_collides():
    assert fnv1a32(COLLIDING[0]) == fnv1a32(COLLIDING[1])
    a = POSITIVE_ALIASES[0]
    ruleset = {"r": {"all": [{a: {"type": "call"}}]}, "i": {"all": [{a: {"type": INIT_TYPE}}]}}
    calls = [{"id": c, "type": "call", "z": 0} for c in COLLIDING]
    code, fired = raw(ruleset, calls + [INIT])
    assert code == 2  # "observed": taken for a duplicate
    assert [f for f in fired if f[0] == "r"] == [("r", [COLLIDING[0]])]  # the second is gone


def test_ids_are_made_hash_unique_before_the_engine_sees_them():
    facts = with_unique_hashes([{"id": c, "type": "call", "z": 0} for c in COLLIDING])
    assert facts[0]["id"] == COLLIDING[0] and facts[1]["id"] != COLLIDING[1]
    assert len({fnv1a32(f["id"]) for f in facts}) == 2
    a = POSITIVE_ALIASES[0]
    ruleset = {"r": {"all": [{a: {"type": "call"}}]}, INIT_RULE: {"all": [{a: {"type": INIT_TYPE}}]}}
    fired = Ruleset(ruleset).evaluate(facts + [INIT])
    assert len([r for r, _ in fired if r == "r"]) == 2


# -- negation aliases must hash to slot 0 of a 16-slot table ------------------------------

def _negation_case(positive: str, negative: str) -> dict:
    return {"r": {"all": [
        {positive: {"type": "iv"}},
        {negative + "$not": {"$and": [{"type": "ty"}, {"$gt": {"seq": {positive: "seq"}}},
                                      {"z": {positive: "z"}}]}}]},
        "i": {"all": [{positive: {"type": INIT_TYPE}}]}}


def test_raw_negation_with_an_unlucky_alias_fires_wrongly():
    facts = [{"id": "f1", "type": "iv", "seq": 1, "z": 0},
             {"id": "f2", "type": "ty", "seq": 2, "z": 0}, INIT]
    assert fnv1a32("a") % 16 != 0 and fnv1a32("n") % 16 != 0
    _, unlucky = raw(_negation_case("a", "n"), facts)
    assert ("r", ["f1"]) in unlucky  # a thank-you after the interview did not block it
    _, safe = raw(_negation_case(POSITIVE_ALIASES[0], NEGATIVE_ALIASES[0]), facts)
    assert ("r", ["f1"]) not in safe


def test_every_compiled_alias_hashes_to_slot_zero():
    for _, _, rule in compiled_terms():
        for term in rule["all"]:
            for alias in term:
                assert fnv1a32(alias.removesuffix("$not")) % 16 == 0, alias


# -- $or mis-evaluates joins; the compiler never emits it ------------------------------------

def test_raw_or_with_a_join_matches_what_it_should_not():
    a, b = POSITIVE_ALIASES[:2]
    window = {"$gte": {"t": {"$sub": {"$l": {a: "t"}, "$r": 100}}}}
    facts = [{"id": "now", "type": "now", "t": 1000, "z": 0},
             {"id": "old", "type": "fu", "t": 850, "z": 0}, INIT]
    for types, expect_old in (({"$or": [{"type": "call"}, {"type": "fu"}]}, True),
                              ({"$mt": {"type": "(call|fu)"}}, False)):
        rules = {"r": {"all": [{a: {"type": "now"}},
                               {b: {"$and": [types, window, {"z": {a: "z"}}]}}]},
                 "i": {"all": [{a: {"type": INIT_TYPE}}]}}
        _, fired = raw(rules, facts)
        assert (("r", ["now", "old"]) in fired) is expect_old  # 850 >= 900 is false


def test_compiled_rules_never_use_or_and_every_pattern_tests_type():
    for _, _, rule in compiled_terms():
        text = json.dumps(rule)
        assert '"$or"' not in text
        for term in rule["all"]:
            for pattern in term.values():
                tests = pattern.get("$and", [pattern])
                assert "type" in tests[0] or "type" in tests[0].get("$mt", {})


# -- joined patterns close with an always-true sentinel join (upstream #381) ---------------

def test_every_pattern_after_the_first_ends_with_the_sentinel_join():
    first = POSITIVE_ALIASES[0]
    for _, _, rule in compiled_terms():
        for term in rule["all"][1:]:
            for pattern in term.values():
                assert pattern["$and"][-1] == {"z": {first: "z"}}


# -- priorities: negative ones sort after positive ones ----------------------------------------

def test_raw_negative_priority_fires_last_and_compiled_ones_are_never_negative():
    a = POSITIVE_ALIASES[0]
    rules = {"late": {"all": [{a: {"type": "x"}}], "pri": 9},
             "early": {"all": [{a: {"type": "y"}}], "pri": -5}}
    _, fired = raw(rules, [{"id": "1", "type": "x", "z": 0}, {"id": "2", "type": "y", "z": 0}])
    assert [r for r, _ in fired] == ["late", "early"]
    for _, _, rule in compiled_terms():
        assert rule.get("pri", 0) >= 0


# -- the housekeeping rule, and sessions -------------------------------------------------------

def test_every_stratum_has_the_init_rule_and_every_batch_fires_it():
    for stratum, _, _ in compiled_terms():
        assert INIT_RULE in stratum.ruleset
    book = Rulebook.load("standard")
    ruleset = Ruleset(book.program.strata[0].ruleset)
    # a batch in which no policy rule can fire still runs an action before the delete
    fired = ruleset.evaluate([now_fact(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)),
                              init_fact()])
    assert fired == [(INIT_RULE, fired[0][1])]


def test_evaluation_starts_no_threads():
    book = Rulebook.load("standard")
    before = threading.active_count()
    for day in range(1, 20):
        book.recommend("examples/panel.yaml", f"2026-03-{day:02d}T09:00:00+01:00")
    assert threading.active_count() == before


def test_the_definition_handed_to_the_engine_is_a_copy():
    book = Rulebook.load("standard")
    before = json.dumps(book.program.strata[0].ruleset, sort_keys=True)
    Ruleset(book.program.strata[0].ruleset)
    assert json.dumps(book.program.strata[0].ruleset, sort_keys=True) == before


# -- large strata are split: ~100 rules on the same facts fail with error 303 -------------------

def test_a_policy_of_many_rules_is_split_and_still_agrees_with_the_reference():
    from benchmarks.rules import policy_text
    from benchmarks.workload import documents
    from rulebook.compiler import MAX_RULES_PER_RULESET

    text = policy_text(130)
    engine = Rulebook.load("many.yaml", text=text)
    reference = Rulebook.load("many.yaml", text=text, evaluator="reference")
    assert all(len(s.ruleset) <= MAX_RULES_PER_RULESET + 1 for s in engine.program.strata)
    assert len(engine.program.strata) >= 3
    for doc, at in documents(12, seed=4):
        assert engine.recommend(doc, at).to_json() == reference.recommend(doc, at).to_json()


def test_a_text_literal_that_reads_like_now_is_a_literal():
    text = """\
policy: literal_now
rules:
  odd_name:
    action: reply_to_update
    sources: [G18]
    when:
      r: {fact: reply, where: {from: now, kind: no_decision}}
    window: {start: r, due: r + 1d}
    reason: "{r.from}"
"""
    engine = Rulebook.load("literal_now.yaml", text=text)
    [stratum] = engine.program.strata
    [name] = [n for n, e in stratum.entries.items() if e.id == "odd_name"]
    assert len(stratum.ruleset[name]["all"]) == 1  # no pattern on the evaluation time
    reference = Rulebook.load("literal_now.yaml", text=text, evaluator="reference")
    doc = {"events": [{"type": "reply", "at": "2026-03-02T10:00:00Z", "kind": "no_decision",
                       "from": "now"}]}
    at = "2026-03-02T12:00:00Z"
    assert [r.rule for r in engine.recommend(doc, at).actions] == ["odd_name"]
    assert engine.recommend(doc, at).to_json() == reference.recommend(doc, at).to_json()
