"""`rulebook check` warns, located, when a window's start and due time hang on two facts
the rule orders and their offsets let the start pass the due time (the advice then
quietly moves the due time to the start)."""

import textwrap

from rulebook import Rulebook
from rulebook.cli import main

POLICY = """\
policy: anchors
rules:
  ask:
    action: ask_next_steps
    sources: [G2]
    when:
      iv: {{fact: interview}}
      n: {{fact: next_steps, {order}: iv}}
    window: {{start: {start}, due: {due}, end: n + 10d}}
    reason: Ask.
"""
EVENTS = """\
timezone: UTC
events:
  - {type: interview, at: 2026-03-02T10:00:00Z, interviewers: [{name: Dana Lee}]}
  - {type: next_steps, at: 2026-03-02T11:00:00Z}
"""


def check(tmp_path, capsys, **parts):
    path = tmp_path / "anchors.yaml"
    path.write_text(textwrap.dedent(POLICY.format(**parts)))
    code = main(["check", str(path)])
    return code, [line for line in capsys.readouterr().err.splitlines() if line], str(path)


def test_a_start_that_can_pass_the_due_time_is_located(tmp_path, capsys):
    code, out, path = check(tmp_path, capsys, order="after", start="iv + 3d", due="n + 1d")
    assert code == 0  # a warning: --strict fails on it
    assert out == [f"{path}:9:21: warning: the window can start (iv + 3d) after it is due "
                   "(n + 1d): whenever n comes less than 2 days after iv (the due time then "
                   "moves to the start: make the due offset larger)"]
    assert main(["check", "--strict", path]) == 1


def test_what_the_warning_says_happens(tmp_path):
    """The next steps came an hour after the interview: the window starts at iv + 3d and
    is due then too, not at n + 1d."""
    path = tmp_path / "anchors.yaml"
    path.write_text(textwrap.dedent(POLICY.format(order="after", start="iv + 3d",
                                                  due="n + 1d")))
    events = tmp_path / "events.yaml"
    events.write_text(EVENTS)
    advice = Rulebook.load(str(path)).recommend(events, "2026-03-04T00:00:00Z")
    (rec,) = advice.upcoming
    assert rec.window.start.isoformat() == "2026-03-05T10:00:00+00:00"
    assert rec.window.due == rec.window.start  # n + 1d (3 March 11:00) came before it


def test_always_and_sometimes_when_the_due_anchor_comes_first(tmp_path, capsys):
    _, out, path = check(tmp_path, capsys, order="before", start="iv + 1d", due="n + 1d")
    assert len(out) == 1 and out[0].startswith(
        f"{path}:9:21: warning: the window always starts (iv + 1d) after it is due (n + 1d): "
        "n comes before iv")
    _, out, _ = check(tmp_path, capsys, order="before", start="iv", due="n + 36h")
    assert len(out) == 1 and "whenever n comes more than 36 hours before iv" in out[0]


def test_no_warning_when_the_order_keeps_start_first_or_is_unknown(tmp_path, capsys):
    assert check(tmp_path, capsys, order="after", start="iv + 1d", due="n + 1d")[1] == []
    assert check(tmp_path, capsys, order="after", start="iv", due="n + 2d")[1] == []
    # unordered anchors: nothing is clear from the policy alone, so nothing is said
    path = tmp_path / "unordered.yaml"
    path.write_text(textwrap.dedent(POLICY.format(order="after", start="iv + 3d",
                                                  due="n + 1d")).replace(", after: iv", ""))
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr().err.strip() == ""
