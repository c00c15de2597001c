"""The Python API: the output contract, determinism, and many threads on two policies."""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
from pathlib import Path

import pytest

from rulebook import Advice, InvalidInput, Rulebook, load_timeline
from rulebook.load import policies_dir, shipped_policies

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
AT = "2026-03-03T09:00:00+01:00"


@pytest.fixture(scope="module")
def standard():
    return Rulebook.load("standard")


def test_the_json_has_exactly_the_documented_shape(standard):
    data = json.loads(standard.recommend(ROOT / "examples/panel.yaml", AT).to_json())
    assert list(data) == ["policy", "policy_digest", "at", "next_check_at", "actions",
                          "upcoming", "held_back"]
    assert data["policy"] == "standard" and data["at"] == AT
    rec = data["actions"][0]
    assert list(rec) == ["action", "to", "channel", "window", "overdue", "rule", "sources",
                         "reason", "draft"]
    assert list(rec["window"]) == ["start", "due", "ideal_due", "end"]
    silent = json.loads(standard.recommend(ROOT / "examples/silent.yaml",
                                           "2026-05-18T09:00:00+01:00").to_json())
    held = silent["held_back"][0]
    assert list(held) == ["action", "to", "channel", "window", "overdue", "rule", "sources",
                          "reason", "draft", "limit", "until"]


def test_advice_round_trips_through_its_model(standard):
    advice = standard.recommend(ROOT / "examples/panel.yaml", AT)
    assert Advice.model_validate_json(advice.to_json()) == advice


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_same_inputs_give_byte_identical_output(example):
    a = Rulebook.load("standard").recommend(example, AT).to_json()
    b = Rulebook.load("standard").recommend(example, AT).to_json()
    assert a == b


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_event_order_does_not_matter(standard, example):
    timeline = load_timeline(str(example))
    first = timeline.events[0].at
    when = first + dt.timedelta(days=9)
    expected = standard.recommend(timeline, when).to_json()
    rng = random.Random(7)
    for _ in range(5):
        events = list(timeline.events)
        rng.shuffle(events)
        shuffled = timeline.model_copy(update={"events": events})
        assert standard.recommend(shuffled, when).to_json() == expected


def test_every_shipped_policy_loads_and_advises():
    assert {"standard", "classic", "modern"} <= set(shipped_policies())
    for name in shipped_policies():
        book = Rulebook.load(name)
        assert book.recommend(ROOT / "examples/panel.yaml", AT).policy == name
        # by path too
        assert Rulebook.load(policies_dir() / f"{name}.yaml").name == name


def test_the_evaluation_time_is_an_argument_and_must_be_aware(standard):
    with pytest.raises(InvalidInput):
        standard.recommend(ROOT / "examples/panel.yaml", dt.datetime(2026, 3, 3, 9))


def test_events_as_a_plain_dict(standard):
    doc = {"events": [{"type": "interview", "at": "2026-03-02T10:00:00Z",
                       "interviewers": [{"name": "Dana Lee"}]}]}
    advice = standard.recommend(doc, "2026-03-02T12:00:00Z")
    assert "send_thank_you" in {r.action for r in advice.actions}
    with pytest.raises(InvalidInput):
        standard.recommend({"events": [{"type": "nope", "at": "2026-03-02"}]}, AT)


def test_many_threads_two_policies_one_process():
    books = {"standard": Rulebook.load("standard"), "classic": Rulebook.load("classic")}
    cases = [(name, ex, f"2026-0{m}-1{d}T09:00:00+00:00")
             for name in books for ex in EXAMPLES for m in (3, 5, 6) for d in (0, 5)]
    expected = {c: books[c[0]].recommend(c[1], c[2]).to_json() for c in cases}
    errors, results = [], {}

    def worker(seed):
        rng = random.Random(seed)
        try:
            for case in rng.sample(cases, len(cases)):
                results[(seed,) + case] = books[case[0]].recommend(case[1], case[2]).to_json()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 8 * len(cases)
    for key, value in results.items():
        assert value == expected[key[1:]]


def test_a_compiled_policy_keeps_no_state_between_evaluations(standard):
    panel = ROOT / "examples/panel.yaml"
    before = standard.recommend(panel, AT).to_json()
    standard.recommend(ROOT / "examples/rejection.yaml", "2026-04-13T12:00:00-04:00")
    assert standard.recommend(panel, AT).to_json() == before
