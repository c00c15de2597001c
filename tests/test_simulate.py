"""`rulebook simulate`: the day-by-day agenda, following the advice, and error paths."""

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


def test_one_entry_per_day_at_the_same_local_time(book):
    agenda, _ = simulate(book, load_timeline(PANEL), START, END)
    assert len(agenda) == 24
    assert {d.at.strftime("%H:%M") for d in agenda} == {"09:00"}


def test_without_following_nothing_changes_and_thank_yous_fall_due(book):
    timeline = load_timeline(PANEL)
    agenda, final = simulate(book, timeline, START, END)
    assert final == timeline
    assert ("2026-03-03", "new") in kinds(agenda, "send_thank_you")
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
    assert any("done 10:00, recorded as thank_you_sent" in line for line in out)


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
