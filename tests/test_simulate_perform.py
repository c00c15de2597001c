"""The action -> event mapping used when the candidate follows the advice."""

import datetime as dt

import pytest

from rulebook.advice import Recommendation, Window
from rulebook.api import Rulebook
from rulebook.events import timeline_from_document
from rulebook.perform import ACTION_EVENTS, event_for
from rulebook.source import Document

AT = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
NOT_PERFORMABLE = {"plan_follow_up", "ask_next_steps", "collect_contact_details",
                   "write_notes", "ask_referral", "continue_search"}


def rec(action, to="Dana Lee", channel="email"):
    return Recommendation(action=action, to=to, channel=channel,
                          window=Window(start=AT, due=AT, end=None), rule=action,
                          sources=["G5"], reason="r")


def as_events(entry):
    data = {"timezone": "Europe/Berlin", "events": [entry]}
    return timeline_from_document(Document(file="<t>", data=data)).events[0]


@pytest.mark.parametrize("action", sorted(ACTION_EVENTS))
def test_every_mapped_action_gives_a_valid_event(action):
    entry = event_for(rec(action, channel="phone" if "call" in action else "email"), AT)
    event = as_events(entry)
    assert event.type == ACTION_EVENTS[action]
    assert event.at == AT


def test_thank_you_goes_to_the_person_by_the_channel():
    entry = event_for(rec("send_thank_you", channel="handwritten_note"), AT)
    assert (entry["type"], entry["to"], entry["channel"]) == (
        "thank_you_sent", "Dana Lee", "handwritten_note")


def test_call_outcome_is_a_choice():
    assert event_for(rec("follow_up_call", channel="phone"), AT)["outcome"] == "reached"
    entry = event_for(rec("retry_call", channel="phone"), AT, call_outcome="voicemail")
    assert entry["outcome"] == "voicemail" and entry["type"] == "call"


def test_a_call_recommended_by_email_is_a_written_follow_up():
    entry = event_for(rec("follow_up_call", channel="email"), AT)
    assert (entry["type"], entry["channel"]) == ("follow_up_sent", "email")
    assert "outcome" not in entry


def test_a_written_follow_up_recommended_by_phone_is_recorded_as_email():
    assert event_for(rec("check_in", channel="phone"), AT)["channel"] == "email"
    assert event_for(rec("check_in", channel="letter"), AT)["channel"] == "letter"


def test_json_form_is_accepted():
    data = rec("final_nudge", to=None).model_dump(mode="json")
    entry = event_for(data, AT)
    assert entry["type"] == "follow_up_sent" and "to" not in entry


def test_unmappable_actions_give_nothing():
    assert event_for(rec("write_notes"), AT) is None
    assert event_for(rec("a_layer_invented_this"), AT) is None
    assert event_for(rec("send_thank_you", to=None), AT) is None


@pytest.mark.parametrize("policy", ["standard", "classic", "modern"])
def test_every_shipped_action_is_either_performable_or_known_not_to_be(policy):
    actions = {r.action for r in Rulebook.load(policy).loaded.policy.rules.values()}
    assert actions - set(ACTION_EVENTS) == NOT_PERFORMABLE


def test_a_handwritten_note_is_a_thank_you_by_that_channel():
    entry = event_for(rec("send_handwritten_note", channel="handwritten_note"), AT)
    assert (entry["type"], entry["channel"]) == ("thank_you_sent", "handwritten_note")
