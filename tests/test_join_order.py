"""Negations are tested as early as their references allow: the compiler's join order.

"Two contacts, the second after the first, and no reply after the first" used to join
every pair of contacts before the reply test pruned them: an 800-event timeline took
about 15x longer per event than a 20-event one. The compiler now places each negation
right after the last positive pattern it reads (never first), so that pruning happens
before the next join. These tests pin the order and show, on the raw engine, that a
negation between two positive patterns gives the same matches as the brute-force
definition when its blockers (mirror facts) are asserted first.
"""

from __future__ import annotations

import itertools
import random

from rulebook import Rulebook
from rulebook.compiler import INIT_RULE, INIT_TYPE, MIRROR, NEGATIVE_ALIASES, POSITIVE_ALIASES
from rulebook.engine.session import Ruleset


def _aliases(rule: dict) -> list[str]:
    return [next(iter(term)) for term in rule["all"]]


def _compiled(book: Rulebook, entry_id: str) -> dict:
    for stratum in book.program.strata:
        for name, entry in stratum.entries.items():
            if entry.id == entry_id:
                return stratum.ruleset[name]
    raise KeyError(entry_id)


def test_the_reply_test_of_unanswered_contacts_comes_before_the_second_contact():
    rule = _compiled(Rulebook.load("standard"), "unanswered_contacts")
    order = [a.endswith("$not") for a in _aliases(rule)]
    # c1, no reply (and no next steps) after c1, then c2
    assert order == [False, True, True, False], _aliases(rule)


POLICY = """\
policy: order
rules:
  late:
    action: check_in
    sources: [G14]
    when:
      a: {fact: interview}
      b: {fact: call, after: a}
      c: {fact: reply, after: b}
    absent:
      - {fact: withdrawn}
      - {fact: follow_up_sent, after: c}
      - {fact: thank_you_sent, after: a}
      - {fact: next_steps, after: b}
    window: {start: c, due: c + 1d}
    reason: "{c}"
"""


def test_each_negation_follows_the_last_pattern_it_reads_and_none_comes_first():
    rule = _compiled(Rulebook.load("order.yaml", text=POLICY), "late")
    a, b, c = POSITIVE_ALIASES[:3]
    n = [x + "$not" for x in NEGATIVE_ALIASES[:4]]
    # withdrawn reads nothing: right after the first pattern, never before it
    assert _aliases(rule) == [a, n[0], n[2], b, n[3], c, n[1]]


def _probe(first_of: int, facts: list[dict]) -> set[tuple[str, str]]:
    """c1, c2 after c1, no reply after c1; the negation placed after term ``first_of``."""
    p1, p2 = POSITIVE_ALIASES[:2]
    terms = [{p1: {"type": "contact"}},
             {p2: {"$and": [{"type": "contact"}, {"$gt": {"seq": {p1: "seq"}}},
                            {"z": {p1: "z"}}]}}]
    negation = {NEGATIVE_ALIASES[0] + "$not": {"$and": [
        {"type": MIRROR + "reply"}, {"$gt": {"seq": {p1: "seq"}}}, {"z": {p1: "z"}}]}}
    terms.insert(first_of + 1, negation)
    ruleset = Ruleset({"r": {"all": terms, "pri": 1},
                       INIT_RULE: {"all": [{p1: {"type": INIT_TYPE}}], "pri": 0}})
    try:
        mirrors = [dict(f, type=MIRROR + f["type"], id=MIRROR + f["id"])
                   for f in facts if f["type"] == "reply"]
        init = {"type": INIT_TYPE, "id": INIT_TYPE, "seq": 0, "t": 0, "z": 0}
        fired = ruleset.evaluate(facts + [init], before=mirrors)
        return {(b[p1]["id"], b[p2]["id"]) for r, b in fired if r == "r"}
    finally:
        ruleset.close()


def test_raw_engine_a_negation_between_two_patterns_agrees_with_brute_force():
    rng = random.Random(5)
    for _ in range(150):
        kinds = [rng.choice(("contact", "contact", "reply")) for _ in range(rng.randint(2, 9))]
        facts = [{"type": k, "id": f"e{i}", "seq": i, "t": i, "z": 0}
                 for i, k in enumerate(kinds, start=1)]
        want = {(x["id"], y["id"]) for x, y in itertools.permutations(facts, 2)
                if x["type"] == y["type"] == "contact" and y["seq"] > x["seq"]
                and not any(r["type"] == "reply" and r["seq"] > x["seq"] for r in facts)}
        assert _probe(0, facts) == want, kinds  # the compiled order
        assert _probe(1, facts) == want, kinds  # the order before: negation last
