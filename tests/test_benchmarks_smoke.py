"""The benchmark suite runs end to end on a few applications, and the anchors agree.

No timing is asserted: speed is measured by ``python -m benchmarks``, not by tests.
"""

from __future__ import annotations

import importlib.util

import pytest

from benchmarks import suite
from benchmarks.__main__ import main
from benchmarks.anchors.subset import RawDurable, plain_matches, subset_policy_text
from benchmarks.workload import applications, documents, padded
from rulebook import Rulebook

APPS = list(applications(40, seed=123))


@pytest.fixture(scope="module")
def book():
    return Rulebook.load("standard")


def test_workload_is_deterministic_and_varied():
    first = [d for d, _ in documents(30, seed=5)]
    again = [d for d, _ in documents(30, seed=5)]
    assert first == again
    kinds = {e["type"] for d in first for e in d["events"]}
    assert {"interview", "thank_you_sent", "reply"} <= kinds
    timeline, _ = padded(37)
    assert len(timeline.events) == 37


def test_quick_benchmark_runs_on_a_tiny_workload(tmp_path, capsys):
    out = tmp_path / "results.md"
    assert main(["--tiny", "--out", str(out),
                 "--only", "throughput,latency,events,rules,side_by_side"]) == 0
    text = out.read_text()
    for heading in ("Batch throughput", "One warm evaluation", "Growth with the events",
                    "Growth with the rules", "Side by side", "Targets"):
        assert heading in text


def test_subset_anchors_agree_with_our_engine(book):
    subset = Rulebook.load("subset.yaml", text=subset_policy_text(list(book.program.policy.rules)))
    raw = RawDurable()
    try:
        for timeline, at in APPS:
            ours = suite.keys(subset._evaluator.matches(timeline, at))
            assert raw.matches(timeline, at) == ours
            assert plain_matches(timeline, at) == ours
    finally:
        raw.close()


@pytest.mark.skipif(importlib.util.find_spec("clips") is None, reason="clipspy not installed")
@pytest.mark.parametrize("mode", ["assert", "load"])
def test_clips_anchor_agrees_with_our_engine(book, mode):
    from benchmarks.anchors.clips_anchor import ClipsEvaluator
    clips = ClipsEvaluator(mode)
    for timeline, at in APPS:
        assert clips.matches(timeline, at) == suite.keys(book._evaluator.matches(timeline, at))


@pytest.mark.skipif(importlib.util.find_spec("experta") is None, reason="experta not installed")
def test_experta_anchor_agrees_with_our_engine(book):
    from benchmarks.anchors.experta_anchor import ExpertaEvaluator
    experta = ExpertaEvaluator()
    for timeline, at in APPS[:15]:
        assert experta.matches(timeline, at) == suite.keys(book._evaluator.matches(timeline, at))
