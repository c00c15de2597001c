"""Counts: at least / at most N facts matching a pattern, optionally within a span.

Each case runs on both evaluators, the compiler onto durable-rules and the reference,
and they must agree; the semantics is the README's ("Counts").
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from rulebook.api import as_timeline
from rulebook.compiler import compile_policy
from rulebook.engine import make_evaluator
from rulebook.load import load_policy
from rulebook.problems import InvalidInput

AT = dt.datetime(2026, 3, 20, 9, tzinfo=dt.timezone.utc)
IV = {"type": "interview", "at": "2026-03-01T10:00:00Z",
      "interviewers": [{"name": "Ann"}, {"name": "Bo"}]}


def _call(day: int, **extra) -> dict:
    return {"type": "call", "outcome": "voicemail", "at": f"2026-03-{day:02d}T10:00:00Z",
            **extra}


CALLS = [_call(2), _call(3), _call(9), _call(16)]


def _policy(rule: dict) -> dict:
    first = next(iter(rule["when"]))
    return {"policy": "p", "rules": {"r": {"sources": ["G1"], "action": "r", "reason": "x",
                                           "window": {"start": first, "due": first}, **rule}}}


def _matches(rule: dict, events: list[dict], at=AT) -> list:
    program = compile_policy(load_policy("p.yaml", text=json.dumps(_policy(rule))))
    found = []
    for kind in ("durable", "reference"):
        ev = make_evaluator(program, kind)
        try:
            found.append(sorted(tuple(sorted((k, f["id"]) for k, f in m.bindings.items()))
                                for m in ev.matches(as_timeline({"events": events}), at)
                                if m.section == "rules"))
        finally:
            ev.close()
    assert found[0] == found[1], f"engine {found[0]} != reference {found[1]}"
    return found[0]


ANY_IV = {"i": {"fact": "interview"}}
MATCHED = [(("i", "e1"),)]


@pytest.mark.parametrize("count, matched", [
    ({"at_least": 4}, True), ({"at_least": 5}, False),
    ({"at_most": 4}, True), ({"at_most": 3}, False),
    ({"at_least": 4, "at_most": 4}, True), ({"at_least": 1, "at_most": 3}, False),
    # within: the most calls whose times fit in a closed span that long
    ({"at_least": 2, "within": "1d"}, True),      # 2 and 3 March, exactly a day apart
    ({"at_least": 3, "within": "7d"}, True),      # 2, 3 and 9 March
    ({"at_least": 3, "within": "6d"}, False),
    ({"at_most": 1, "within": "6d"}, False), ({"at_most": 2, "within": "6d"}, True),
    ({"at_least": 2, "since": "14d"}, True),      # 9 and 16 March, on 20 March
    ({"at_least": 3, "since": "14d"}, False),
])
def test_counts_of_calls(count, matched):
    rule = {"when": ANY_IV, "count": [{"fact": "call", **count}]}
    assert _matches(rule, [IV] + CALLS) == (MATCHED if matched else [])


def test_never_more_than_three_calls_in_all():
    rule = {"when": ANY_IV, "count": [{"fact": "call", "at_most": 2}]}
    assert _matches(rule, [IV] + CALLS[:2]) == MATCHED
    assert _matches(rule, [IV] + CALLS[:3]) == []


def test_count_relative_to_a_bound_fact():
    rule = {"when": {"c": {"fact": "call"}}, "count": [{"fact": "call", "after": "c",
                                                        "at_most": 1}]}
    # the last two calls have at most one call after them
    assert _matches(rule, [IV] + CALLS) == [(("c", "e4"),), (("c", "e5"),)]


def test_count_includes_the_bound_facts_like_absent_does():
    rule = {"when": {"p": {"fact": "interviewer"}},
            "count": [{"fact": "interviewer", "same": {"round": "p.round"}, "at_least": 2}]}
    assert _matches(rule, [IV]) == [(("p", "e1p1"),), (("p", "e1p2"),)]
    lone = {"when": {"p": {"fact": "interviewer"}},
            "count": [{"fact": "interviewer", "same": {"name": "p.name"}, "at_most": 0}]}
    assert _matches(lone, [IV]) == []  # p itself is an interviewer named p.name


def test_count_with_a_time_operand_and_words_in():
    rule = {"when": {"c": {"fact": "call"}},
            "count": [{"fact": "call", "where": {"at": {"le": "c"},
                                                  "outcome": {"in": ["voicemail", "no_answer"]}},
                       "at_least": 3}]}
    events = [IV, _call(2), _call(3, outcome="reached"), _call(9), _call(16, outcome="no_answer")]
    assert _matches(rule, events) == [(("c", "e5"),)]


def test_count_of_derived_facts_runs_after_them():
    doc = _policy({"when": ANY_IV, "count": [{"fact": "missed", "at_least": 2,
                                              "within": "2d"}]})
    doc["derive"] = {"missed": {"sources": ["G1"], "when": {"c": {"fact": "call", "where": {
        "outcome": "no_answer"}}}}}
    program = compile_policy(load_policy("p.yaml", text=json.dumps(doc)))
    tl = as_timeline({"events": [IV, _call(2, outcome="no_answer"), _call(3),
                                 _call(4, outcome="no_answer")]})
    for kind in ("durable", "reference"):
        ev = make_evaluator(program, kind)
        assert [m.id for m in ev.matches(tl, AT) if m.section == "rules"] == ["r"]
        ev.close()
    assert program.loaded.checked.strata[("rules", "r")] == 3  # missed 1, its count 2


def _problems(count_yaml: str) -> list[str]:
    text = ("policy: p\nrules:\n  r:\n    action: r\n    sources: [G1]\n"
            "    when: {s: {fact: interview}}\n    count:\n" + count_yaml +
            "    window: {start: s, due: s + 1d}\n    reason: x\n")
    with pytest.raises(InvalidInput) as err:
        load_policy("p.yaml", text=text)
    return [str(p) for p in err.value.problems]


@pytest.mark.parametrize("item, where, words", [
    ("{fact: call, at_least: 6}", "8:32", "1..5 only: a count reads at most 5 facts"),
    ("{fact: call, at_most: 5}", "8:31", "0..4 only"),
    ("{fact: call}", "8:9", "a count needs 'at_least' or 'at_most'"),
    ("{fact: call, at_least: 3, at_most: 1}", "8:9", "can never hold"),
    ("{fact: call, at_least: 1, wthin: 2d}", "8:35", "unknown key 'wthin' (did you mean 'within'?)"),
    ("{fact: cal, at_least: 2}", "8:16", "unknown fact type 'cal' (did you mean 'call'?)"),
    ("{fact: call, within: 3bd, at_least: 2}", "8:30", "not business days"),
    ("{fact: call, after: x, at_least: 1}", "8:29", "'x' is not a name bound"),
    ("{fact: interviewer, where: {name: {in: [Dana Lee, Sam]}}, at_least: 1}", "8:48",
     "'in' values must be plain words"),
])
def test_bad_counts_are_located_errors(item, where, words):
    [problem] = _problems(f"      - {item}\n")
    assert problem.startswith(f"p.yaml:{where}: "), problem
    assert words in problem


def test_check_cli_reports_a_bad_count(tmp_path, capsys):
    from rulebook.cli import main
    path = tmp_path / "p.yaml"
    path.write_text("policy: p\nrules:\n  r:\n    action: r\n    sources: [G1]\n"
                    "    when: {s: {fact: interview}}\n    count: [{fact: call, at_least: 9}]\n"
                    "    window: {start: s, due: s + 1d}\n    reason: x\n")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ":7:" in err and "Traceback" not in err


LAYER = """\
policy: three_contacts
extends: standard
guidelines:
  MP2: Three contacts without an answer is enough; after that the candidate moves on.
limits:
  three_contacts:
    sources: [MP2]
    applies_to: [follow_up_call, retry_call, check_in, periodic_check_in, final_nudge,
                 send_follow_up_email]
    when:
      s: {fact: silence}
    count:
      - {fact: contact, after: s, at_least: 3}
    reason: Three contacts since the interview and no answer; leave it there.
"""
EVENTS = {"timezone": "Europe/Berlin", "events": [
    {"type": "interview", "at": "2026-03-02T10:00:00+01:00",
     "interviewers": [{"name": "Dana Lee"}]},
    {"type": "thank_you_sent", "at": "2026-03-02T18:00:00+01:00", "to": "Dana Lee",
     "channel": "email"},
    {"type": "call", "at": "2026-03-09T10:00:00+01:00", "outcome": "voicemail"},
    {"type": "follow_up_sent", "at": "2026-03-16T10:00:00+01:00", "channel": "email"},
    {"type": "call", "at": "2026-03-27T10:00:00+01:00", "outcome": "no_answer"}]}


def test_explain_shows_what_a_count_found(tmp_path, capsys):
    from rulebook.cli import main
    (tmp_path / "three_contacts.yaml").write_text(LAYER)
    (tmp_path / "ev.json").write_text(json.dumps(EVENTS))
    args = ["explain", str(tmp_path / "ev.json"), "--policy", str(tmp_path / "three_contacts.yaml"),
            "--rule", "three_contacts", "--at"]
    assert main(args + ["2026-03-20T10:00:00+01:00"]) == 0
    assert ("  near miss: count 1 (contact, after s: at least 3) finds 2: contact (Mon 9 Mar "
            "2026, 10:00); contact (Mon 16 Mar 2026, 10:00)") in capsys.readouterr().out
    assert main(args + ["2026-03-31T10:00:00+01:00"]) == 0
    out = capsys.readouterr().out
    assert "limit three_contacts: matched 1x" in out and "-> in force for good" in out


def test_the_third_contact_holds_back_the_final_nudge_for_good(tmp_path):
    from rulebook import Rulebook
    (tmp_path / "three_contacts.yaml").write_text(LAYER)
    book = Rulebook.load(str(tmp_path / "three_contacts.yaml"))
    held = book.recommend(EVENTS, "2026-03-27T11:00:00+01:00").held_back
    assert [(h.action, h.limit, h.until) for h in held] == [
        ("final_nudge", "three_contacts", None)]
    standard = Rulebook.load("standard").recommend(EVENTS, "2026-03-27T11:00:00+01:00")
    # the standard policy holds it back for a while only; the count stops it for good
    assert [h.action for h in standard.held_back] == ["final_nudge"]
    assert all(h.until is not None for h in standard.held_back)


def test_describe_says_the_count_in_words(tmp_path):
    from rulebook.describe import describe_diff
    (tmp_path / "three_contacts.yaml").write_text(LAYER)
    text = describe_diff(load_policy("standard"), load_policy(str(tmp_path / "three_contacts.yaml")))
    assert "- **Only if there are:** at least 3 of: a contact after the silence" in text
    doc = _policy({"when": ANY_IV, "count": [
        {"fact": "call", "at_most": 2, "within": "14d"},
        {"fact": "call", "at_least": 1, "at_most": 1}, {"fact": "reply", "at_most": 0}]})
    from rulebook.describe import describe
    words = describe(load_policy("p.yaml", text=json.dumps(doc)))
    assert ("- **Only if there are:** at most 2 of: a call, within 14 days of each other; "
            "and exactly 1 of: a call; and none of: a reply from the employer") in words


def test_fmt_puts_count_after_absent_and_its_numbers_last(tmp_path):
    from rulebook.fmt import format_text
    text = ("policy: p\nrules:\n  r:\n    action: r\n    sources: [G1]\n"
            "    count:\n      - {at_most: 2, fact: call}\n"
            "    when: {s: {fact: interview}}\n    window: {start: s, due: s + 1d}\n"
            "    reason: x\n")
    out = format_text(text)
    assert out.index("when:") < out.index("count:")
    assert "- {fact: call, at_most: 2}" in out


def test_simulate_says_held_for_good_not_until_open(tmp_path, capsys):
    from rulebook.cli import main
    (tmp_path / "three_contacts.yaml").write_text(LAYER)
    (tmp_path / "ev.json").write_text(json.dumps(EVENTS))
    assert main(["simulate", str(tmp_path / "ev.json"), "--policy",
                 str(tmp_path / "three_contacts.yaml"), "--from", "2026-03-29T09:00:00+02:00",
                 "--to", "2026-04-02T09:00:00+02:00"]) == 0
    out = capsys.readouterr().out
    assert "final_nudge by email: held back by three_contacts for good  [final_nudge]" in out
    assert "until open" not in out
