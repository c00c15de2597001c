"""Engine mistakes the differential suite found against the reference evaluator, each
fixed in the engine's outcome stage and kept here as a test that fails without the fix."""

from __future__ import annotations

import json

from rulebook import Rulebook

T0 = "2026-03-02T09:00:00+00:00"


def _book(rules: dict, limits: dict | None = None, derive: dict | None = None) -> Rulebook:
    doc = {"policy": "p", "rules": {}, "limits": limits or {}, "derive": derive or {}}
    for rid, rule in rules.items():
        doc["rules"][rid] = {"sources": ["G1"], "action": rid, **rule}
    return Rulebook.load("p.yaml", text=json.dumps(doc))


def _advice(book, events, at, tz="UTC"):
    return json.loads(book.recommend({"timezone": tz, "events": events}, at).to_json())


def _calls(*days):
    return [{"type": "call", "at": f"2026-03-{d:02d}T09:00:00+00:00", "outcome": "voicemail"}
            for d in days]


def test_a_window_that_ends_before_it_starts_never_opens():
    """Its end comes from another field (p.due), so only the facts show it ends first."""
    book = _book({"deliver": {"when": {"p": {"fact": "promise"}}, "reason": "r",
                              "window": {"start": "p + 3d", "due": "p + 3d", "end": "p.due"}}})
    events = [{"type": "promise", "at": T0, "what": "samples",
               "due": "2026-03-03T09:00:00+00:00"}]
    advice = _advice(book, events, "2026-03-02T10:00:00+00:00")
    assert advice["upcoming"] == [] and advice["actions"] == []


def test_reason_text_keeps_its_underscores_and_choices_read_as_words():
    book = _book({"note": {"when": {"c": {"fact": "call"}}, "window": {"start": "c", "due": "c"},
                           "reason": "{c.to} {c.outcome}"}})
    events = [dict(_calls(2)[0], to="ana_lima", outcome="no_answer")]
    advice = _advice(book, events, "2026-03-02T10:00:00+00:00")
    assert advice["actions"][0]["reason"] == "ana_lima no answer"


def test_a_time_copied_under_another_name_reads_as_a_time():
    derive = {"decided": {"sources": ["G1"], "when": {"n": {"fact": "next_steps"}},
                          "set": {"deadline": "n.decision_by"}}}
    book = _book({"wait": {"when": {"d": {"fact": "decided", "where": {"deadline": {"exists": True}}}},
                           "window": {"start": "d", "due": "d"}, "reason": "by {d.deadline}"}},
                 derive=derive)
    events = [{"type": "next_steps", "at": T0, "decision_by": "2026-03-20T12:00:00+00:00"}]
    advice = _advice(book, events, "2026-03-02T10:00:00+00:00")
    assert advice["actions"][0]["reason"] == "by Fri 20 Mar 2026, 12:00"


def test_the_evaluation_time_counts_to_the_second():
    """A window ending at 10:00:00 is open at 10:00:00.5, as the facts see that moment."""
    book = _book({"call_now": {"when": {"c": {"fact": "call"}}, "reason": "r",
                               "window": {"start": "c", "due": "c", "end": "c + 1h"}}})
    at = "2026-03-02T10:00:00.500000+00:00"
    assert [a["action"] for a in _advice(book, _calls(2), at)["actions"]] == ["call_now"]


def test_a_stated_channel_logged_for_today_without_a_time_counts():
    book = _book({"call_them": {"when": {"c": {"fact": "call"}}, "reason": "r",
                                "window": {"start": "c", "due": "c + 1d"},
                                "channel": {"default": "phone", "fallback": ["email"]}}})
    events = _calls(2) + [{"type": "next_steps", "at": "2026-03-03", "preferred_channel": "email"}]
    advice = _advice(book, events, "2026-03-03T12:00:00+00:00")
    assert advice["actions"][0]["channel"] == "email"


def test_a_hold_names_the_first_match_in_the_timeline_not_in_id_text_order():
    """Replies e2 and e10 hold back until the same moment: e2 names the hold."""
    limits = {"told_to_wait": {"sources": ["G1"], "applies_to": "all", "until": "r.due",
                               "when": {"r": {"fact": "reply"}}, "reason": "{r.from} said wait"}}
    book = _book({"call_them": {"when": {"c": {"fact": "call"}}, "reason": "r",
                                "window": {"start": "c", "due": "c"}}}, limits)
    reply = {"type": "reply", "kind": "other", "due": "2026-04-01T09:00:00+00:00"}
    events = [dict(_calls(1)[0], at="2026-03-01T08:00:00+00:00"),
              dict(reply, at="2026-03-01T09:00:00+00:00", **{"from": "Ann"})]
    events += _calls(2, 3, 4, 5, 6, 7, 8)
    events.append(dict(reply, at="2026-03-09T09:00:00+00:00", **{"from": "Bob"}))
    advice = _advice(book, events, "2026-03-10T09:00:00+00:00")
    assert {h["reason"] for h in advice["held_back"]} == {"Ann said wait"}


def test_held_back_entries_that_differ_only_in_their_end_sort_by_it():
    limits = {"hold": {"sources": ["G1"], "applies_to": "all", "when": {"i": {"fact": "interview"}},
                       "reason": "held"}}
    book = _book({"call_them": {"when": {"i": {"fact": "interview"}, "c": {"fact": "call"}},
                                "reason": "{i}", "window": {"start": "i", "due": "i",
                                                           "end": "c + 30d"}}}, limits)
    events = [{"type": "interview", "at": "2026-03-01T08:00:00+00:00",
               "interviewers": [{"name": "Ann"}]}] + _calls(*range(2, 12))
    advice = _advice(book, events, "2026-03-12T09:00:00+00:00")
    ends = [h["window"]["end"] for h in advice["held_back"]]
    assert len(ends) == 10 and ends == sorted(ends)
