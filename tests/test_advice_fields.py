"""What a tracker stores from the advice: overdue, next_check_at and the policy's digest."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import orjson
import pytest

from rulebook import Rulebook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
TIMES = ["2026-01-12T18:00:00+00:00", "2026-01-20T09:00:00+00:00", "2026-03-02T12:00:00+01:00",
         "2026-03-03T09:00:00+01:00", "2026-03-06T15:30:00+01:00", "2026-03-20T09:00:00+01:00",
         "2026-05-18T09:00:00+01:00"]


@pytest.fixture(scope="module")
def standard():
    return Rulebook.load("standard")


def test_overdue_is_true_once_the_ideal_due_time_has_passed(standard):
    panel = ROOT / "examples/panel.yaml"
    before = standard.recommend(panel, "2026-03-03T09:59:59+01:00")
    at_due = standard.recommend(panel, "2026-03-03T10:00:00+01:00")
    after = standard.recommend(panel, "2026-03-03T10:00:01+01:00")

    def thank_you(advice):
        return [r for r in advice.actions if r.action == "send_thank_you"]

    assert [r.overdue for r in thank_you(before)] == [False, False]
    assert [r.overdue for r in thank_you(at_due)] == [False, False]
    assert [r.overdue for r in thank_you(after)] == [True, True]
    assert all("(overdue)" in r.reason for r in thank_you(after))
    assert not any("(overdue)" in r.reason for r in thank_you(at_due))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_overdue_entries_are_due_now_and_upcoming_ones_never_overdue(standard, example):
    for at in TIMES:
        advice = standard.recommend(example, at)
        for rec in advice.actions:
            assert not rec.overdue or rec.window.due == advice.at
        assert not any(rec.overdue for rec in advice.upcoming)


def _same_advice(advice) -> dict:
    """The advice without what moves with the clock: ``at``, and a due time of 'now'."""
    data = orjson.loads(advice.model_dump_json())
    at = data.pop("at")
    data.pop("next_check_at")
    for section in ("actions", "upcoming", "held_back"):
        for rec in data[section]:
            if rec["window"]["due"] == at:
                rec["window"]["due"] = "now"
    return data


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_nothing_changes_before_next_check_at(standard, example):
    checked = 0
    for at in TIMES:
        advice = standard.recommend(example, at)
        nxt = advice.next_check_at
        if nxt is None:
            continue
        assert nxt > advice.at and nxt.tzinfo == advice.at.tzinfo
        for probe in (advice.at + (nxt - advice.at) / 2, nxt - dt.timedelta(seconds=1)):
            probe = probe.replace(microsecond=0)
            if probe <= advice.at:
                continue
            assert _same_advice(standard.recommend(example, probe)) == _same_advice(advice)
            checked += 1
    assert checked


def test_next_check_at_is_the_next_change(standard):
    panel = ROOT / "examples/panel.yaml"
    advice = standard.recommend(panel, "2026-03-03T09:00:00+01:00")
    assert advice.next_check_at.isoformat() == "2026-03-03T10:00:00+01:00"
    then = standard.recommend(panel, advice.next_check_at)
    assert [r.action for r in then.actions] != [r.action for r in advice.actions]
    # at the due time, the next change is the second after it: the thank-yous are overdue
    assert then.next_check_at.isoformat() == "2026-03-03T10:00:01+01:00"


POLICY = """\
policy: mine
extends: standard
rules:
  send_thank_you:
    window: {due: p + 48h}   # two days
"""


def test_the_digest_names_the_resolved_policy_not_its_layout(tmp_path):
    a = Rulebook.load("mine.yaml", text=POLICY)
    reformatted = "# a comment\npolicy: mine\nrules:\n  send_thank_you:\n    window:\n" \
                  "      due: p + 48h\nextends: standard\n"
    b = Rulebook.load("other.yaml", text=reformatted)
    c = Rulebook.load("mine.yaml", text=POLICY.replace("48h", "47h"))
    assert a.digest == b.digest != c.digest
    assert len(a.digest) == 64 and a.digest == hashlib.sha256(
        orjson.dumps({k: v for k, v in a.loaded.document.data.items()
                      if k not in ("extends", "$schema")}, option=orjson.OPT_SORT_KEYS)).hexdigest()
    advice = a.recommend(ROOT / "examples/panel.yaml", TIMES[1])
    assert advice.policy_digest == a.digest
    assert Rulebook.load("standard").digest not in (a.digest, Rulebook.load("classic").digest)
