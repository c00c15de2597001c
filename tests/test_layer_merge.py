"""README "Layering": `null` removes a value, and `when` merges name by name, key by key.

Each behaviour is checked on the advice itself, not only on the merged model.
"""

from __future__ import annotations

from rulebook import Rulebook

PANEL = {"timezone": "Europe/Berlin", "events": [
    {"type": "interview", "at": "2026-03-02T10:00:00+01:00", "round": 1,
     "interviewers": [{"name": "Dana Lee"}]},
    {"type": "interview", "at": "2026-03-09T10:00:00+01:00", "round": 2,
     "interviewers": [{"name": "Sam Ortiz"}]},
    {"type": "next_steps", "at": "2026-03-09T11:00:00+01:00", "decision_by": "2026-04-20"}]}


def _book(tmp_path, text: str) -> Rulebook:
    path = tmp_path / "layer.yaml"
    path.write_text("policy: layer\nextends: standard\n" + text)
    return Rulebook.load(str(path))


def _thanks(advice) -> list[str]:
    return sorted(r.to for r in advice.actions if r.action == "send_thank_you")


def test_end_null_reopens_the_window(tmp_path):
    late = "2026-03-20T10:00:00+01:00"  # more than a week after both interviews
    assert _thanks(Rulebook.load("standard").recommend(PANEL, late)) == []
    book = _book(tmp_path, "rules:\n  send_thank_you:\n    window: {end: null}\n")
    advice = book.recommend(PANEL, late)
    assert _thanks(advice) == ["Dana Lee", "Sam Ortiz"]
    assert all(r.window.end is None for r in advice.actions if r.action == "send_thank_you")


def test_until_null_holds_back_for_good(tmp_path):
    at = "2026-03-16T12:00:00+01:00"
    book = _book(tmp_path, "limits:\n  stated_decision_date:\n    until: null\n")
    assert book.loaded.policy.limits["stated_decision_date"].until is None
    held = [h for h in book.recommend(PANEL, at).held_back if h.limit == "stated_decision_date"]
    assert held and all(h.until is None for h in held)
    # the standard's decision date has passed by the time the check-in opens
    std = Rulebook.load("standard").recommend(PANEL, at)
    assert "check_in" in [r.action for r in std.upcoming] and not std.held_back


def test_when_merges_name_by_name_and_key_by_key(tmp_path):
    at = "2026-03-09T12:00:00+01:00"
    book = _book(tmp_path, "rules:\n  send_thank_you:\n"
                           "    when: {p: {where: {round: {ge: 2}}}}\n")
    rule = book.loaded.policy.rules["send_thank_you"]
    assert rule.when["p"].fact == "interviewer"          # kept from standard
    assert rule.when["p"].where["round"].ge == 2         # added by the layer
    early = book.recommend(PANEL, "2026-03-03T09:00:00+01:00")
    assert _thanks(early) == []                          # round 1: not any more
    assert _thanks(book.recommend(PANEL, at)) == ["Sam Ortiz"]
