"""The durable-rules evaluator against the reference evaluator, on generated inputs.

For random policies written in the language itself and random timelines, both
evaluators must find exactly the same matches and give byte-identical advice, at several
evaluation times. Examples per run: the hypothesis profile (see conftest.py); the count
actually run is printed at the end of the session.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, note, strategies as st

from engine.outcome import advise
from engine.reference import ReferenceEvaluator
from engine.runtime import DurableEvaluator
from rulebook.api import as_timeline
from rulebook.compiler import compile_policy
from rulebook.load import load_policy
from rulebook.testing.strategies import evaluation_times, policies, timelines

RUNS = {"policies": 0, "evaluations": 0}


def _keys(matches):
    """Match keys without the evaluation time, which only the engine binds as a fact."""
    return sorted((m.section, m.id, tuple(b for b in m.key[2] if b[0] != "now"))
                  for m in matches)


def assert_agree(program, timeline, moments) -> None:
    durable, reference = DurableEvaluator(program), ReferenceEvaluator(program)
    try:
        for at in moments:
            got, want = durable.matches(timeline, at), reference.matches(timeline, at)
            assert _keys(got) == _keys(want), f"matches differ at {at.isoformat()}"
            assert (advise(program, timeline, at, got).to_json()
                    == advise(program, timeline, at, want).to_json())
            RUNS["evaluations"] += 1
    finally:
        durable.close()


@given(policy=policies(), doc=st.data())
def test_engine_agrees_with_reference_on_random_policies(policy, doc):
    program = compile_policy(load_policy("generated.yaml", text=json.dumps(policy)))
    events = doc.draw(timelines(policy=program.loaded.policy, min_events=3, max_events=10), label="events")
    moments = doc.draw(st.lists(evaluation_times(events), min_size=1, max_size=3), label="at")
    note(json.dumps(policy, indent=1))
    RUNS["policies"] += 1
    assert_agree(program, as_timeline(events), moments)


STANDARD = compile_policy(load_policy("standard"))


@given(doc=st.data())
def test_engine_agrees_with_reference_on_standard_policy(doc):
    events = doc.draw(timelines(max_events=12), label="events")
    moments = doc.draw(st.lists(evaluation_times(events), min_size=1, max_size=4), label="at")
    assert_agree(STANDARD, as_timeline(events), moments)


@pytest.fixture(scope="module", autouse=True)
def _report_counts(request):
    yield
    print(f"\ndifferential: {RUNS['policies']} random policies, "
          f"{RUNS['evaluations']} evaluations compared")
