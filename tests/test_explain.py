"""`rulebook explain`: matches, near misses, held-back limits, and error paths."""

import datetime as dt
from pathlib import Path

import pytest

from rulebook.api import Rulebook
from rulebook.cli import main
from rulebook.events import load_timeline
from rulebook.explain import explain

ROOT = Path(__file__).resolve().parent.parent
AT = dt.datetime.fromisoformat("2026-03-03T09:00:00+01:00")
TIMELINE = """\
timezone: Europe/Berlin
events:
  - type: interview
    at: 2026-03-02T10:00:00+01:00
    interviewers:
      - {name: Dana Lee, role: Hiring Manager}
      - {name: Sam Ortiz}
  - type: thank_you_sent
    at: 2026-03-02T18:00:00+01:00
    to: Dana Lee
    channel: email
  - type: next_steps
    at: 2026-03-02T11:00:00+01:00
    decision_by: 2026-03-20
"""


@pytest.fixture(scope="module")
def verdicts():
    book = Rulebook.load("standard")
    timeline = load_timeline("t.yaml", text=TIMELINE)
    advice, out = explain(book, timeline, AT)
    return advice, {v.id: v for v in out}


def test_every_rule_and_limit_has_a_verdict(verdicts):
    _, by_id = verdicts
    policy = Rulebook.load("standard").loaded.policy
    assert set(by_id) == set(policy.active("rules")) | set(policy.active("limits"))
    assert not any(v.engine_disagrees for v in by_id.values())


def test_fired_rule_names_its_facts_and_the_blocked_person(verdicts):
    advice, by_id = verdicts
    thanks = by_id["send_thank_you"]
    assert [b["p"]["name"] for b in thanks.matches] == ["Sam Ortiz"]
    assert len(thanks.blocked) == 1 and "Dana Lee" in thanks.blocked[0]
    assert "absent pattern 1" in thanks.blocked[0]
    assert any(o.startswith("do now: send_thank_you to Sam Ortiz") for o in thanks.outcomes)


def test_near_miss_names_the_first_failing_condition(verdicts):
    _, by_id = verdicts
    assert by_id["periodic_check_in_first"].near_miss.endswith("it has no 'long_wait'")
    assert by_id["retry_call"].near_miss == "c: there is no call fact"
    assert by_id["ask_next_steps"].near_miss.startswith("absent pattern 1")
    assert not by_id["check_in"].fired
    assert "absent pattern 2" in by_id["check_in"].near_miss


def test_limit_in_force_and_what_it_holds_back(verdicts):
    advice, by_id = verdicts
    stated = by_id["stated_decision_date"]
    assert stated.fired
    assert stated.outcomes[0] == "in force until Fri 20 Mar 2026, 23:59"  # a date lasts all day
    held = {r.action for r in advice.held_back if r.limit == "stated_decision_date"}
    if held:
        assert stated.outcomes[1].startswith("holding back: ")


def test_time_test_near_miss():
    book = Rulebook.load("recent.yaml", text="""\
policy: recent
rules:
  recent_note:
    action: recent_note
    sources: [G14]
    when:
      f: {fact: thank_you_sent, where: {at: {ge: now - 2d}}}
    window: {start: f, due: f + 1d}
    reason: Recent.
""")
    timeline = load_timeline("t.yaml", text=TIMELINE)
    _, out = explain(book, timeline, dt.datetime.fromisoformat("2026-03-10T09:00:00+01:00"))
    assert out[0].near_miss == (
        "f: thank_you_sent Dana Lee (Mon 2 Mar 2026, 18:00) does not fit: its at "
        "Mon 2 Mar 2026, 18:00 is before now - 2d = Sun 8 Mar 2026, 09:00")
    _, out = explain(book, timeline, dt.datetime.fromisoformat("2026-03-03T09:00:00+01:00"))
    assert out[0].fired and out[0].near_miss is None


def test_window_needs_a_missing_field():
    book = Rulebook.load("standard")
    timeline = load_timeline("t.yaml", text=TIMELINE + """\
  - type: reply
    at: 2026-03-04T09:00:00+01:00
    kind: materials_requested
""")
    _, out = explain(book, timeline, dt.datetime.fromisoformat("2026-03-05T09:00:00+01:00"),
                     only="send_requested_materials")
    assert out[0].near_miss == ("'r.due' needs r.due, which reply materials_requested "
                                "(Wed 4 Mar 2026, 09:00) does not have")


def test_cli_single_rule(capsys):
    code = main(["explain", str(ROOT / "examples/panel.yaml"), "--at", "2026-03-03T09:00:00+01:00",
                 "--rule", "send_thank_you"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0 and out[0] == "rule send_thank_you: matched 2x"
    assert any(line.startswith("  not with p = interviewer Dana Lee") for line in out)


def test_cli_derivation_by_id(capsys):
    assert main(["explain", str(ROOT / "examples/panel.yaml"), "--at",
                 "2026-03-03T09:00:00+01:00", "--rule", "silence"]) == 0
    assert capsys.readouterr().out.startswith("derivation silence: matched 1x")


@pytest.mark.parametrize("argv,message", [
    (["--rule", "send_thankyou"], "did you mean 'send_thank_you'?"),
    (["--at", "yesterday"], "is not an ISO 8601 time"),
    (["--at", "2026-03-03T09:00:00"], "needs a UTC offset"),
    (["--policy", "nope.yaml"], "no such file"),
])
def test_cli_errors(capsys, argv, message):
    argv = ["explain", str(ROOT / "examples/panel.yaml")] + (
        [] if "--at" in argv else ["--at", "2026-03-03T09:00:00+01:00"]) + argv
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_cli_bad_events(tmp_path, capsys):
    bad = tmp_path / "e.yaml"
    bad.write_text("events:\n  - type: interveiw\n    at: 2026-03-02\n")
    assert main(["explain", str(bad), "--at", "2026-03-03T09:00:00+01:00"]) == 2
    assert "e.yaml:2:11: unknown event type 'interveiw'" in capsys.readouterr().err


@pytest.mark.parametrize("policy", ["standard", "classic", "modern"])
def test_explanations_agree_with_the_engine_on_generated_timelines(policy):
    """explain reads the language's definition independently of the compiler."""
    from rulebook.policydiff import generated_timelines

    def evaluation_times(timeline, days):  # every day at 09:00 local from the first event
        first = min(e.at for e in timeline.events).astimezone(timeline.tz).date()
        return [dt.datetime.combine(first + dt.timedelta(days=i), dt.time(9),
                                    tzinfo=timeline.tz) for i in range(days)]

    book = Rulebook.load(policy)
    fired = 0
    for name, timeline in generated_timelines(40, seed=11):
        for at in evaluation_times(timeline, 30)[::4]:
            _, out = explain(book, timeline, at)
            assert [(v.id, v.engine_disagrees) for v in out if v.engine_disagrees] == [], name
            fired += sum(len(v.matches) for v in out)
    assert fired > 500


def test_cli_json(capsys):
    import json
    assert main(["explain", str(ROOT / "examples/panel.yaml"), "--at",
                 "2026-03-03T09:00:00+01:00", "--format", "json"]) == 0
    data = {v["id"]: v for v in json.loads(capsys.readouterr().out)}
    assert data["send_thank_you"]["fired"] is True
    assert data["send_thank_you"]["matches"][0] == {
        "p": "interviewer Sam Ortiz (Mon 2 Mar 2026, 10:00)"}
    assert data["retry_call"]["near_miss"] == "c: there is no call fact"


def test_an_overdue_outcome_says_since_when():
    """Two days after the interview Sam Ortiz's thank-you is overdue: explain names the time
    it was ideally due (as the reason does), not "due" now."""
    timeline = load_timeline("t.yaml", text=TIMELINE)
    at = dt.datetime.fromisoformat("2026-03-05T09:00:00+01:00")
    _, out = explain(Rulebook.load("standard"), timeline, at, "send_thank_you")
    (thanks,) = out
    assert thanks.outcomes == ["do now: send_thank_you to Sam Ortiz by email, "
                               "overdue since Tue 3 Mar 2026, 10:00"]
