"""`rulebook diff`: recommendation changes between two policy versions."""

import datetime as dt
from pathlib import Path

import pytest

from rulebook.api import Rulebook
from rulebook.cli import main
from rulebook.events import load_timeline
from rulebook.policydiff import compare, diff, generated_timelines

ROOT = Path(__file__).resolve().parent.parent
PANEL = str(ROOT / "examples/panel.yaml")
LAYER = """\
policy: later_thanks
extends: standard
rules:
  send_thank_you:
    window: {due: p + 48h}
  ask_referral:
    enabled: false
"""


def test_generated_timelines_are_deterministic_and_valid():
    a = generated_timelines(30, seed=7)
    assert a == generated_timelines(30, seed=7)
    assert a != generated_timelines(30, seed=8)
    assert {t.events[0].type for _, t in a} <= {"interview_scheduled", "interview"}


def test_same_policy_no_change(capsys):
    assert main(["diff", "standard", "standard", "--generated", "10", "--exit-code"]) == 0
    assert "no change in the recommendations" in capsys.readouterr().out


def test_only_the_intended_changes(tmp_path):
    layer = tmp_path / "later.yaml"
    layer.write_text(LAYER)
    old, new = Rulebook.load("standard"), Rulebook.load(str(layer))
    timelines = [("panel", load_timeline(PANEL))] + generated_timelines(30, seed=1)
    report = diff(old, new, timelines)
    kinds = {(c.kind, c.action) for c in report.changes}
    assert ("timing", "send_thank_you") in kinds
    assert kinds <= {("timing", "send_thank_you"), ("removed", "ask_referral"),
                     ("status", "send_thank_you"), ("added", "send_thank_you"),
                     ("removed", "send_thank_you")}
    panel = [c for c in report.changes if c.timeline == "panel"]
    assert [(c.kind, c.to, c.old, c.new) for c in panel] == [
        # Dana is thanked at 18:30 on the interview day: a daily 09:00 sample missed her
        ("timing", "Dana Lee", "due Tue 03 Mar 10:00", "due Wed 04 Mar 10:00"),
        ("timing", "Priya Natarajan", "due Tue 03 Mar 10:00", "due Wed 04 Mar 10:00"),
        ("timing", "Sam Ortiz", "due Tue 03 Mar 10:00", "due Wed 04 Mar 10:00")]


def test_compare_kinds():
    old = Rulebook.load("standard")
    new = Rulebook.load("x.yaml", text=LAYER.replace("window: {due: p + 48h}",
                                                      "channel: {default: letter}"))
    timeline = load_timeline(PANEL)
    at = dt.datetime.fromisoformat("2026-03-03T09:00:00+01:00")
    changes = compare(old.recommend(timeline, at), new.recommend(timeline, at), "panel", at)
    assert {(c.kind, c.to, c.old, c.new) for c in changes} == {
        ("channel", "Priya Natarajan", "email", "letter"),
        ("channel", "Sam Ortiz", "email", "letter")}


def test_cli_report_and_exit_code(tmp_path, capsys):
    layer = tmp_path / "later.yaml"
    layer.write_text(LAYER)
    assert main(["diff", "standard", str(layer), "--generated", "5", "--exit-code",
                 "--examples", "1"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("compared on ")
    timing = out.index(next(line for line in out if line.startswith("timing: ")))
    assert out[timing + 1].startswith("  e.g. ")


@pytest.mark.parametrize("argv,message", [
    (["standard", "nope.yaml"], "nope.yaml:0:0: no such file"),
    (["standrad", "standard"], "did you mean 'standard'?"),
    (["standard", "standard", "--events", "missing.yaml"], "missing.yaml:0:0: no such file"),
])
def test_cli_errors(capsys, argv, message):
    assert main(["diff", *argv, "--generated", "0"]) == 2
    assert message in capsys.readouterr().err


def test_scenarios_beside_a_policy_are_compared_too(tmp_path, capsys):
    pytest.importorskip("rulebook.testing.scenarios")
    layer = tmp_path / "later.yaml"
    layer.write_text(LAYER)
    (tmp_path / "later.scenarios.yaml").write_text(f"""\
scenarios:
  - name: thanks the next day
    events: {PANEL}
    at: 2026-03-03T15:00:00+01:00
""")
    assert main(["diff", "standard", str(layer), "--generated", "0", "--examples", "9"]) == 0
    out = capsys.readouterr().out
    assert "e.g. later.scenarios.yaml: thanks the next day at Mon 02 Mar 2026 10:00: " \
           "send_thank_you to Dana Lee" in out


SHORT = """\
policy: short
extends: standard
rules:
  send_thank_you:
    window: {start: p, due: p + 6h, end: p + 12h}
"""


def test_a_twelve_hour_window_switched_off_is_a_change(tmp_path, capsys):
    """Issue 9: sampled once a day at 09:00, a 12-hour thank-you window was invisible."""
    short = tmp_path / "short.yaml"
    short.write_text(SHORT)
    off = tmp_path / "off.yaml"
    off.write_text("policy: off\nextends: short.yaml\nrules:\n  send_thank_you:\n"
                   "    enabled: false\n")
    assert main(["diff", str(short), str(off), "--generated", "0", "--exit-code"]) == 1
    out = capsys.readouterr().out
    assert "removed: " in out and "send_thank_you" in out
    assert ("e.g. examples/panel.yaml at Mon 02 Mar 2026 10:00: send_thank_you to Dana Lee: "
            "to do now, due Mon 02 Mar 16:00 -> nothing") in out


def test_a_window_of_minutes_is_compared_too():
    """Nothing shorter than a day may be invisible: a 30-minute window still counts."""
    old = Rulebook.load("x.yaml", text=SHORT.replace("p + 6h", "p + 10m").replace(
        "p + 12h", "p + 30m"))
    new = Rulebook.load("y.yaml", text=SHORT.replace("policy: short", "policy: other")
                        .replace("p + 6h", "p + 20m").replace("p + 12h", "p + 30m"))
    report = diff(old, new, [("panel", load_timeline(PANEL))])
    assert {(c.kind, c.to) for c in report.changes} == {
        ("timing", "Dana Lee"), ("timing", "Priya Natarajan"), ("timing", "Sam Ortiz")}
