"""Negations test mirror facts asserted first: the defence, and the defect it avoids.

Measured on durable-rules 2.0.28: when a negation's blocker arrives in the batch after a
partial match formed, the engine's clean-up also retracts matches of *other* rules that
share the positive pattern. The compiler therefore makes negations test mirror facts
(type ``~T``) that the runtime asserts before everything else.
"""

from __future__ import annotations

import datetime as dt
import json

from rulebook import Rulebook
from rulebook.compiler import MIRROR, INIT_RULE
from rulebook.events import load_timeline
from rulebook.engine.facts import init_fact, now_fact, timeline_facts
from rulebook.engine.runtime import DurableEvaluator
from rulebook.engine.session import Ruleset

PANEL = "examples/panel.yaml"
AT = dt.datetime(2026, 3, 3, 8, tzinfo=dt.timezone.utc)


def _rules(book: Rulebook, *ids: str) -> dict:
    out = {}
    for stratum in book.program.strata:
        for name, entry in stratum.entries.items():
            if entry.id in ids:
                out[entry.id] = stratum.ruleset[name]
        out.setdefault(INIT_RULE, stratum.ruleset[INIT_RULE])
    return out


def _unmirrored(rule: dict) -> dict:
    return json.loads(json.dumps(rule).replace(f'"{MIRROR}', '"'))


def test_without_mirrors_one_rules_negation_blocks_another_rules_match():
    classic = Rulebook.load("classic")
    rules = {k: _unmirrored(v) for k, v in
             _rules(classic, "send_thank_you", "send_handwritten_note").items()}
    facts = [now_fact(AT), init_fact()] + timeline_facts(load_timeline(PANEL), AT)
    fired = Ruleset(rules).evaluate(facts)
    notes = {b[next(iter(b))]["name"] for r, b in fired if r == "send_handwritten_note"}
    # Dana Lee got an *email* thank-you, which does not block the handwritten note; the
    # raw engine drops her note anyway (the defect).
    assert "Dana Lee" not in notes and notes == {"Priya Natarajan", "Sam Ortiz"}


def test_with_mirrors_each_rule_keeps_its_own_matches():
    classic = Rulebook.load("classic")
    advice = classic.recommend(PANEL, AT)
    notes = {r.to for r in advice.actions if r.action == "send_handwritten_note"}
    assert notes == {"Dana Lee", "Priya Natarajan", "Sam Ortiz"}
    emails = {r.to for r in advice.actions if r.action == "send_thank_you"}
    assert emails == {"Priya Natarajan", "Sam Ortiz"}


def test_compiled_negations_only_test_mirror_types():
    for stratum in Rulebook.load("standard").program.strata:
        for name, rule in stratum.ruleset.items():
            for term in rule["all"]:
                for alias, pattern in term.items():
                    text = json.dumps(pattern)
                    if alias.endswith("$not"):
                        assert f'"{MIRROR}' in text, name
                    else:
                        assert f'"{MIRROR}' not in text, name


BOUND_BLOCKS = """\
policy: solo
rules:
  only_call:
    action: check_in
    sources: [G14]
    when:
      c: {fact: call}
    absent:
      - {fact: call}
    window: {start: c, due: c + 1d}
    reason: "{c}"
"""


def test_an_absent_pattern_sees_the_facts_bound_in_when():
    """'a call, and no call' can never hold: bound facts count as blockers too."""
    book = Rulebook.load("solo.yaml", text=BOUND_BLOCKS)
    assert isinstance(book._evaluator, DurableEvaluator)
    for calls in (1, 2):
        events = {"events": [{"type": "call", "at": f"2026-03-0{i + 1}T10:00:00Z",
                              "outcome": "reached"} for i in range(calls)]}
        advice = book.recommend(events, AT + dt.timedelta(days=5))
        assert advice.actions == advice.upcoming == advice.held_back == []
