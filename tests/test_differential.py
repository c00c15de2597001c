"""The durable-rules evaluator against the reference evaluator, on generated inputs.

For random policies written in the language itself and random timelines, both
evaluators must find exactly the same matches and give byte-identical advice, at several
evaluation times. Examples per run: the hypothesis profile (see conftest.py); the count
actually run is printed at the end of the session.
"""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, note, settings, strategies as st

from rulebook.engine.outcome import advise
from rulebook.engine.reference import ReferenceEvaluator
from rulebook.engine.runtime import DurableEvaluator
from rulebook.api import as_timeline
from rulebook.compiler import compile_policy
from rulebook.load import load_policy
from rulebook.testing.strategies import evaluation_times, policies, timelines

RUNS = {"policies": 0, "timelines": 0, "evaluations": 0}


def _keys(matches):
    return sorted(m.key for m in matches)


def assert_agree(program, timeline, moments) -> None:
    durable, reference = DurableEvaluator(program), ReferenceEvaluator(program)
    RUNS["timelines"] += 1
    try:
        for at in moments:
            got, want = durable.matches(timeline, at), reference.matches(timeline, at)
            assert _keys(got) == _keys(want), f"matches differ at {at.isoformat()}"
            assert (advise(program, timeline, at, got).to_json()
                    == advise(program, timeline, at, want).to_json())
            RUNS["evaluations"] += 1
    finally:
        durable.close()


# Shrunk cases found by this test, kept (see tests/test_durable_defences.py).
IN_WITH_PUNCTUATION = {  # durable-rules' $mt ignored re.escape's escapes: 'in' never held
    "policy": "generated",
    "rules": {"rule_0": {"sources": ["G1"], "action": "call_them", "reason": "r {r0}",
                         "when": {"r0": {"fact": "next_steps",
                                         "where": {"from": {"in": ["Ana.Lima", "Dana Lee"]}}}},
                         "window": {"start": "r0", "due": "r0"}}}}


# the differential tests run more examples than the profile's default for other tests
DEEPER = settings(max_examples=8 * settings.default.max_examples)


@DEEPER
@given(policy=policies(), doc=st.data())
def test_engine_agrees_with_reference_on_random_policies(policy, doc):
    program = compile_policy(load_policy("generated.yaml", text=json.dumps(policy)))
    events = doc.draw(timelines(policy=program.loaded.policy, min_events=3, max_events=10), label="events")
    moments = doc.draw(st.lists(evaluation_times(events), min_size=1, max_size=3), label="at")
    note(json.dumps(policy, indent=1))
    RUNS["policies"] += 1
    assert_agree(program, as_timeline(events), moments)


STANDARD = compile_policy(load_policy("standard"))


@DEEPER
@given(doc=st.data())
def test_engine_agrees_with_reference_on_standard_policy(doc):
    events = doc.draw(timelines(max_events=12), label="events")
    moments = doc.draw(st.lists(evaluation_times(events), min_size=1, max_size=4), label="at")
    assert_agree(STANDARD, as_timeline(events), moments)


def test_found_in_with_punctuation():
    program = compile_policy(load_policy("generated.yaml", text=json.dumps(IN_WITH_PUNCTUATION)))
    events = {"timezone": "UTC", "events": [
        {"type": "next_steps", "at": "2026-03-02T09:00:00+00:00", "from": name}
        for name in ("Ana.Lima", "Dana Lee", "Sam Ortiz")]}
    at = dt.datetime(2026, 3, 3, tzinfo=dt.timezone.utc)
    assert len(ReferenceEvaluator(program).matches(as_timeline(events), at)) == 2
    assert_agree(program, as_timeline(events), [at])


SELF_BLOCKING = {  # the bound fact is its own blocker: durable-rules fired anyway
    "policy": "generated",
    "rules": {"rule_0": {"sources": ["G1"], "action": "call_them", "reason": "r {r0}",
                         "when": {"r0": {"fact": "interview", "since": "1h"}},
                         "absent": [{"fact": "interview", "same": {"at": "r0.at"}}],
                         "window": {"start": "r0", "due": "r0"}}}}


def test_found_self_blocking_negation():
    """Shrunk by this suite with the mirror facts removed (compiler.MIRROR)."""
    program = compile_policy(load_policy("generated.yaml", text=json.dumps(SELF_BLOCKING)))
    events = {"timezone": "UTC", "events": [
        {"type": "interview", "at": "2026-03-02T09:00:00+00:00", "interviewers": [{"name": "A"}]},
        {"type": "interview_scheduled", "at": "2026-03-02T09:00:00+00:00",
         "starts_at": "2026-03-02T09:00:00+00:00"}]}
    at = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    assert ReferenceEvaluator(program).matches(as_timeline(events), at) == []
    assert_agree(program, as_timeline(events), [at])
