"""What a message was for (``purpose``), what doing a custom action records (``logs``),
and the last round (``final``)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from rulebook import Rulebook
from rulebook.advice import Recommendation, Window
from rulebook.api import as_timeline
from rulebook.cli import main
from rulebook.describe import describe_diff
from rulebook.load import load_policy
from rulebook.perform import event_for
from rulebook.problems import InvalidInput
from rulebook.testing.simulation import follow_advice

TZ = dt.timezone(dt.timedelta(hours=1))
AT = dt.datetime(2026, 3, 3, 9, 0, tzinfo=TZ)

LAYER = """\
policy: purposes
extends: standard
rules:
  thank_recruiter:
    action: thank_recruiter
    sources: [G5]
    logs: thank_you_sent
    when:
      d: {fact: contact_details}
    absent:
      - {fact: thank_you_sent, where: {purpose: thank_recruiter}, same: {to: d.name}}
    to: d.name
    window: {start: d, due: d + 1d, end: d + 5d}
    channel: {default: email}
    reason: Thank {to}, who arranged the interview, by {due}.
  note_after_final:
    action: final_round_note
    sources: [G5]
    logs: nothing
    when:
      p: {fact: interviewer, where: {final: true}}
    to: p.name
    window: {start: p, due: p + 2d}
    reason: A note by hand to {to} after the last round.
  send_thank_you:
    logs: nothing
"""
EVENTS = {"timezone": "Europe/Berlin", "events": [
    {"type": "contact_details", "at": "2026-03-01T09:00:00+01:00", "name": "Rita Ray",
     "email": "rita@example.com"},
    {"type": "interview", "at": "2026-03-02T10:00:00+01:00", "final": True,
     "interviewers": [{"name": "Dana Lee"}]}]}


@pytest.fixture
def book(tmp_path):
    (tmp_path / "purposes.yaml").write_text(LAYER)
    return Rulebook.load(str(tmp_path / "purposes.yaml"))


def test_purpose_and_final_are_event_fields():
    tl = as_timeline({"events": [
        {"type": "interview", "at": "2026-03-02T10:00:00Z", "final": True,
         "interviewers": [{"name": "Dana Lee"}]},
        {"type": "follow_up_sent", "at": "2026-03-03T10:00:00Z", "channel": "email",
         "purpose": "gracious_reply"},
        {"type": "call", "at": "2026-03-04T10:00:00Z", "outcome": "reached",
         "purpose": "follow_up_call"},
        {"type": "thank_you_sent", "at": "2026-03-03T10:00:00Z", "to": "Dana Lee",
         "channel": "email", "purpose": "send_thank_you"}]})
    assert tl.events[0].final is True
    assert [getattr(e, "purpose", None) for e in tl.events[1:]] == [
        "gracious_reply", "follow_up_call", "send_thank_you"]


@pytest.mark.parametrize("event, words", [
    ({"type": "follow_up_sent", "channel": "email", "purpose": "Gracious Reply"},
     "'purpose'"),
    ({"type": "interview", "interviewers": [{"name": "A"}], "final": "yes"}, "'final'"),
    ({"type": "reply", "kind": "offer", "purpose": "x"}, "unknown field 'purpose'"),
])
def test_bad_purpose_or_final_is_a_located_error(tmp_path, capsys, event, words):
    path = tmp_path / "ev.json"
    path.write_text(json.dumps({"events": [{"at": "2026-03-02T10:00:00Z", **event}]}))
    assert main(["recommend", str(path), "--at", "2026-03-05T10:00:00Z"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:") and words in err and "Traceback" not in err


def test_where_matches_purpose_and_final(book):
    advice = book.recommend(EVENTS, "2026-03-02T11:00:00+01:00")
    got = sorted((a.action, a.to) for a in advice.actions
                 if a.action in ("thank_recruiter", "final_round_note"))
    assert got == [("final_round_note", "Dana Lee"), ("thank_recruiter", "Rita Ray")]
    # a thank-you for another purpose does not count; one for this purpose does
    other = dict(EVENTS, events=EVENTS["events"] + [
        {"type": "thank_you_sent", "at": "2026-03-02T12:00:00+01:00", "to": "Rita Ray",
         "channel": "email"}])
    assert "thank_recruiter" in [a.action for a in book.recommend(other, "2026-03-02T13:00:00+01:00").actions]
    done = dict(EVENTS, events=EVENTS["events"] + [
        {"type": "thank_you_sent", "at": "2026-03-02T12:00:00+01:00", "to": "Rita Ray",
         "channel": "email", "purpose": "thank_recruiter"}])
    assert "thank_recruiter" not in [a.action for a in book.recommend(done, "2026-03-02T13:00:00+01:00").actions]
    # not the final round: no note
    earlier = dict(EVENTS, events=[dict(e, final=False) if e["type"] == "interview" else e
                                   for e in EVENTS["events"]])
    assert "final_round_note" not in [a.action for a in book.recommend(earlier, "2026-03-02T11:00:00+01:00").actions]


def _rec(action, rule, to="Rita Ray", channel="email"):
    return Recommendation(action=action, to=to, channel=channel,
                          window=Window(start=AT, due=AT, end=None), rule=rule,
                          sources=["G5"], reason="r")


def test_performing_records_the_purpose_and_a_rule_says_what_its_action_logs(book):
    policy = book.loaded.policy
    assert event_for(_rec("gracious_reply", "gracious_reply"), AT)["purpose"] == "gracious_reply"
    assert event_for(_rec("thank_recruiter", "thank_recruiter"), AT) is None  # unknown alone
    entry = event_for(_rec("thank_recruiter", "thank_recruiter"), AT, policy=policy)
    assert (entry["type"], entry["to"], entry["purpose"]) == (
        "thank_you_sent", "Rita Ray", "thank_recruiter")
    # logs: nothing overrides the built-in mapping
    assert event_for(_rec("send_thank_you", "send_thank_you"), AT, policy=policy) is None
    assert event_for(_rec("final_round_note", "note_after_final"), AT, policy=policy) is None


def test_simulate_follow_advice_performs_a_custom_action(book, tmp_path, capsys):
    (tmp_path / "ev.json").write_text(json.dumps(EVENTS))
    assert main(["simulate", str(tmp_path / "ev.json"), "--policy",
                 str(tmp_path / "purposes.yaml"), "--from", "2026-03-01T08:00:00+01:00",
                 "--to", "2026-03-03T12:00:00+01:00", "--follow-advice"]) == 0
    out = capsys.readouterr().out
    assert ("09:00 done     thank_recruiter to Rita Ray by email: done, recorded as "
            "thank_you_sent  [thank_recruiter]") in out
    assert "send_thank_you to Dana Lee by email: done (leaves no event)" in out


def test_follow_advice_for_the_invariants_performs_it_once(book):
    sim = follow_advice(book, EVENTS, dt.datetime(2026, 3, 1, 8, tzinfo=TZ), days=10)
    logged = [d.event for d in sim.done if d.recommendation.action == "thank_recruiter"]
    assert len(logged) == 1 and logged[0]["purpose"] == "thank_recruiter"
    # only what leaves a trace is done: this layer's thank-you logs nothing
    assert "send_thank_you" not in {d.recommendation.action for d in sim.done}


def test_purpose_typo_warns_and_logs_needs_a_person(tmp_path, capsys):
    path = tmp_path / "typo.yaml"
    path.write_text(LAYER.replace("where: {purpose: thank_recruiter}",
                                  "where: {purpose: thank_recruiterr}")
                    .replace("    to: p.name\n", "").replace(
                        "    logs: nothing\n    when:\n      p:", "    logs: thank_you_sent\n"
                        "    when:\n      p:").replace("to {to} after", "after"))
    assert main(["check", str(path)]) == 0
    err = capsys.readouterr().err
    assert ("warning: no rule recommends 'thank_recruiterr', so no message is sent for it "
            "(did you mean 'thank_recruiter'?)") in err
    assert "warning: doing this records nothing: a thank-you is to a person" in err
    assert main(["check", "--strict", str(path)]) == 1


def test_bad_logs_value_is_located(tmp_path):
    with pytest.raises(InvalidInput) as err:
        load_policy("p.yaml", text=LAYER.replace("logs: nothing\n    when:\n      p:",
                                                 "logs: follow_up\n    when:\n      p:"))
    [problem] = err.value.problems
    assert str(problem).startswith("p.yaml:19:11: ") and "'follow_up_sent'" in str(problem)


def test_describe_says_what_it_records_and_the_final_round(tmp_path):
    (tmp_path / "purposes.yaml").write_text(LAYER)
    text = describe_diff(load_policy("standard"), load_policy(str(tmp_path / "purposes.yaml")))
    assert "- **Doing it records:** a thank-you sent (purpose: thank recruiter)" in text
    assert "- **When:** for each interviewer of the final round (p)" in text
    assert "a thank-you sent whose purpose is thank recruiter" in text
