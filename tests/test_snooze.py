"""Snoozed and dismissed events, honoured by the shipped policies through limits.

The language side: a limit's ``same`` holds back only the recommendations whose action
(and person, channel or rule) equal a bound fact's field; ``rulebook check`` locates a
bad reference. The events side: the two event types are validated like the others.
"""

from __future__ import annotations

import pytest

from rulebook import InvalidInput, Rulebook

BASE = [{"type": "interview", "at": "2026-03-02T10:00:00+01:00",
         "interviewers": [{"name": "Dana Lee"}, {"name": "Sam Ortiz"}]}]
AT = "2026-03-03T09:00:00+01:00"


def doc(*events):
    return {"timezone": "Europe/Berlin", "events": BASE + list(events)}


@pytest.fixture(scope="module")
def standard():
    return Rulebook.load("standard")


def test_a_snooze_for_one_person_holds_back_only_their_action(standard):
    advice = standard.recommend(doc({"type": "snoozed", "at": "2026-03-02T12:00:00+01:00",
                                     "action": "send_thank_you", "to": "DANA  lee",
                                     "until": "2026-03-04T09:00:00+01:00"}), AT)
    held = [(h.action, h.to, h.limit, h.until.isoformat()) for h in advice.held_back]
    assert held == [("send_thank_you", "Dana Lee", "snoozed_for_person",
                     "2026-03-04T09:00:00+01:00")]
    assert ("send_thank_you", "Sam Ortiz") in [(a.action, a.to) for a in advice.actions]
    assert advice.next_check_at.isoformat() <= "2026-03-04T09:00:00+01:00"


def test_a_snooze_or_dismissal_of_an_action_nobody_is_offered_changes_nothing(standard):
    plain = standard.recommend(doc(), AT)
    other = standard.recommend(doc({"type": "dismissed", "at": "2026-03-02T12:00:00+01:00",
                                    "action": "no_such_action"}), AT)
    assert other.actions == plain.actions and other.held_back == plain.held_back


def test_a_snooze_that_is_not_in_force_yet_holds_nothing(standard):
    later = {"type": "snoozed", "at": "2026-03-03T12:00:00+01:00", "action": "send_thank_you",
             "until": "2026-03-05T09:00:00+01:00"}
    assert not standard.recommend(doc(later), AT).held_back  # recorded after `at`


@pytest.mark.parametrize("event, message", [
    ({"type": "snoozed", "at": "2026-03-02", "action": "check_in"}, "until"),
    ({"type": "dismissed", "at": "2026-03-02"}, "action"),
    ({"type": "snoozed", "at": "2026-03-02", "action": "check_in", "until": "soon"}, "soon"),
])
def test_snoozed_and_dismissed_events_are_validated(standard, event, message):
    with pytest.raises(InvalidInput) as err:
        standard.recommend(doc(event), AT)
    assert any(message in str(p) for p in err.value.problems)


POLICY = """\
policy: mine
extends: standard
limits:
  mine:
    sources: [G20]
    applies_to: all
    when:
      s: {fact: snoozed}
    same: {action: x.action, to: s.until, rule: s.action}
    reason: Later.
"""


def test_a_limit_same_reference_is_checked_and_located():
    with pytest.raises(InvalidInput) as err:
        Rulebook.load("mine.yaml", text=POLICY)
    found = sorted((p.line, p.message) for p in err.value.problems)
    assert found == [(9, "'to' is text but 's.until' is time"),
                     (9, "'x' is not a name bound before this fact")]


def test_same_in_the_policy_schema():
    from rulebook.policy import Limit

    assert set(Limit.model_json_schema()["properties"]["same"]["propertyNames"]["enum"]) == {
        "action", "to", "channel", "rule"}
