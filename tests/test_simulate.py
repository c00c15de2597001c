"""`rulebook simulate`: the agenda at every change moment, following the advice, errors."""

import datetime as dt
from pathlib import Path

import pytest

from rulebook.api import Rulebook
from rulebook.cli import main
from rulebook.events import load_timeline
from rulebook.simulate import render, simulate

ROOT = Path(__file__).resolve().parent.parent
PANEL = str(ROOT / "examples/panel.yaml")
START = dt.datetime.fromisoformat("2026-03-02T09:00:00+01:00")
END = dt.datetime.fromisoformat("2026-03-25T09:00:00+01:00")


@pytest.fixture(scope="module")
def book():
    return Rulebook.load("standard")


def kinds(agenda, action):
    return [(d.at.date().isoformat(), i.kind) for d in agenda for i in d.items
            if i.rec.action == action]


def test_steps_are_the_moments_where_something_changed(book):
    agenda, _ = simulate(book, load_timeline(PANEL), START, END)
    assert [d.at for d in agenda] == sorted({d.at for d in agenda})
    assert all(d.items for d in agenda)
    # the interview (10:00), Dana's thank-you (18:30), not a fixed time of day
    times = {d.at.strftime("%m-%d %H:%M") for d in agenda}
    assert {"03-02 10:00", "03-02 18:30"} <= times


SHORT = """\
policy: short
extends: standard
rules:
  send_thank_you:
    window: {start: p, due: p + 6h, end: p + 12h}
"""


def test_a_twelve_hour_thank_you_shows_and_is_done(tmp_path):
    """Issue 9: evaluated once a day at 09:00, a 12-hour window was never seen."""
    short = tmp_path / "short.yaml"
    short.write_text(SHORT)
    book = Rulebook.load(str(short))
    timeline = load_timeline(PANEL)
    agenda, _ = simulate(book, timeline, START, END)
    assert ("2026-03-02", "new") in kinds(agenda, "send_thank_you")
    assert ("2026-03-02", "due") in kinds(agenda, "send_thank_you")
    agenda, final = simulate(book, timeline, START, END, follow=True)
    done = [(d.at.isoformat(), i.rec.to) for d in agenda for i in d.items
            if i.kind == "done" and i.rec.action == "send_thank_you"]
    assert done == [("2026-03-02T16:00:00+01:00", "Dana Lee"),
                    ("2026-03-02T16:00:00+01:00", "Priya Natarajan"),
                    ("2026-03-02T16:00:00+01:00", "Sam Ortiz")]
    assert "gone" not in {kind for _, kind in kinds(agenda, "send_thank_you")}


REJECTED = {"timezone": "Europe/Berlin", "events": [
    {"type": "interview", "at": "2026-03-02T10:00:00+01:00",
     "interviewers": [{"name": "Dana Lee", "email": "d@x.example"}]},
    {"type": "thank_you_sent", "at": "2026-03-02T15:00:00+01:00", "to": "Dana Lee",
     "channel": "email"},
    {"type": "reply", "at": "2026-03-06T10:00:00+01:00", "kind": "rejection",
     "from": "Dana Lee"}]}


def test_a_gracious_reply_is_done_not_new_then_gone(book):
    """Issue 9: the reply was "new" on Friday and "gone" on Saturday, never "done"."""
    from rulebook.api import as_timeline
    agenda, _ = simulate(book, as_timeline(REJECTED), START, END, follow=True)
    assert kinds(agenda, "gracious_reply") == [("2026-03-06", "new"), ("2026-03-07", "done")]


def test_without_following_nothing_changes_and_thank_yous_fall_due(book):
    timeline = load_timeline(PANEL)
    agenda, final = simulate(book, timeline, START, END)
    assert final == timeline
    assert ("2026-03-02", "new") in kinds(agenda, "send_thank_you")
    assert ("2026-03-03", "due") in kinds(agenda, "send_thank_you")
    assert not any(i.kind == "done" for d in agenda for i in d.items)


def test_following_the_advice_records_events_and_the_policy_reacts(book):
    agenda, final = simulate(book, load_timeline(PANEL), START, END, follow=True)
    added = final.events[len(load_timeline(PANEL).events):]
    thanks = sorted(e.to for e in added if e.type == "thank_you_sent")
    assert thanks == ["Priya Natarajan", "Sam Ortiz"]
    # the employer asked for email: the one-week "call" is a written follow-up
    week = [e for e in added if e.at.date() == dt.date(2026, 3, 9)]
    assert [(e.type, e.channel) for e in week] == [("follow_up_sent", "email")]
    # each recommendation is done once, on its due day
    done = [(d.at.date(), i.rec.rule, i.rec.to) for d in agenda for i in d.items
            if i.kind == "done"]
    assert len(done) == len(set((r, t) for _, r, t in done))
    # after two unanswered written follow-ups the policy stops asking for more
    written = [e for e in added if e.type == "follow_up_sent"]
    assert len(written) <= 3


def test_same_inputs_same_agenda(book):
    a = render(simulate(book, load_timeline(PANEL), START, END, follow=True)[0])
    b = render(simulate(book, load_timeline(PANEL), START, END, follow=True)[0])
    assert a == b


def test_cli(capsys):
    assert main(["simulate", PANEL, "--from", "2026-03-02T09:00:00+01:00", "--to",
                 "2026-03-04T09:00:00+01:00", "--follow-advice"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Mon 02 Mar 2026"
    assert "  10:00 done     send_thank_you to Sam Ortiz by email: done, recorded as " \
           "thank_you_sent  [send_thank_you]" in out


@pytest.mark.parametrize("argv,message", [
    (["--from", "2026-03-05T09:00:00+01:00", "--to", "2026-03-02T09:00:00+01:00"],
     "--to:0:0: the period ends before it starts"),
    (["--from", "March", "--to", "2026-03-02T09:00:00+01:00"], "--from:0:0: 'March' is not"),
    (["--from", "2026-03-02T09:00:00+01:00", "--to", "2026-03-02T09:00:00"],
     "--to:0:0: the evaluation time needs a UTC offset"),
    (["--from", "2026-01-01T09:00:00+01:00", "--to", "2028-01-01T09:00:00+01:00"],
     "at most 366 days"),
])
def test_cli_errors(capsys, argv, message):
    assert main(["simulate", PANEL] + argv) == 2
    assert message in capsys.readouterr().err
