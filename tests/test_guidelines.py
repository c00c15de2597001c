"""The standard policy does what a reader of the articles expects, guideline by guideline.

Each test builds a small timeline, evaluates it at a chosen moment on the durable-rules
engine, and checks the advice a coach would give.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rulebook import Rulebook

UTC = dt.timezone.utc
MON = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday, 10:00


def at(days: float = 0, hours: float = 0) -> dt.datetime:
    return MON + dt.timedelta(days=days, hours=hours)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def interview(day=0, people=("Dana Lee",), rnd=1, **extra):
    return {"type": "interview", "at": iso(at(day)), "round": rnd,
            "interviewers": [{"name": p, "email": f"{p.split()[0].lower()}@x.example"}
                             for p in people], **extra}


def event(type_, day, **fields):
    return {"type": type_, "at": iso(at(day)), **fields}


@pytest.fixture(scope="module")
def standard():
    return Rulebook.load("standard")


def advise(book, events, when, tz="UTC"):
    return book.recommend({"timezone": tz, "events": events}, when)


def names(recs):
    return sorted((r.action, r.to) for r in recs)


def actions_named(advice, action):
    return [r for r in advice.actions if r.action == action]


# -- G5, G6, G21: a thank-you for each interviewer, within the window --------------------------

def test_one_thank_you_per_interviewer_due_within_a_day(standard):
    advice = advise(standard, [interview(people=("Dana Lee", "Sam Ortiz"))], at(hours=2))
    thanks = actions_named(advice, "send_thank_you")
    assert sorted(r.to for r in thanks) == ["Dana Lee", "Sam Ortiz"]
    for r in thanks:
        assert r.window.due == at(days=1)
        assert r.window.end == at(days=7)
        assert r.channel == "email"
        assert r.to in r.reason and "G5" in r.sources and "G6" in r.sources


def test_thank_you_sent_to_one_interviewer_leaves_only_the_other(standard):
    events = [interview(people=("Dana Lee", "Sam Ortiz")),
              event("thank_you_sent", 0.3, to="dana  LEE", channel="email")]
    advice = advise(standard, events, at(hours=9))
    assert [r.to for r in actions_named(advice, "send_thank_you")] == ["Sam Ortiz"]


def test_no_thank_you_after_a_week_but_one_follow_up_email(standard):
    advice = advise(standard, [interview()], at(days=7, hours=1))
    assert not actions_named(advice, "send_thank_you")
    assert [r.action for r in advice.actions if r.action == "send_follow_up_email"] == \
        ["send_follow_up_email"]


def test_a_second_round_gets_its_own_thank_yous(standard):
    events = [interview(0, ("Dana Lee",)), event("thank_you_sent", 0.2, to="Dana Lee",
                                                  channel="email"),
              interview(9, ("Dana Lee", "Kim Park"), rnd=2)]
    advice = advise(standard, events, at(days=9, hours=3))
    thanks = actions_named(advice, "send_thank_you")
    assert sorted(r.to for r in thanks) == ["Dana Lee", "Kim Park"]
    assert all(r.window.start == at(9) for r in thanks)


# -- G12, G13: the call about a week after; one retry after a voicemail ---------------------

def test_the_call_comes_about_a_week_after_the_interview(standard):
    events = [interview(), event("thank_you_sent", 0.3, to="Dana Lee", channel="email")]
    early = advise(standard, events, at(days=2))
    call = [r for r in early.upcoming if r.action == "follow_up_call"]
    assert len(call) == 1 and call[0].window.due == at(days=7) and call[0].channel == "phone"
    due = advise(standard, events, at(days=7))
    assert [r.action for r in actions_named(due, "follow_up_call")] == ["follow_up_call"]


def test_no_call_is_recommended_for_a_saturday_or_late_at_night(standard):
    events = [interview(), event("thank_you_sent", 0.3, to="Dana Lee", channel="email")]
    saturday = advise(standard, events, at(days=5, hours=2))  # Sat 7 Mar, 12:00
    assert not actions_named(saturday, "follow_up_call")
    call = [r for r in saturday.upcoming if r.action == "follow_up_call"][0]
    assert call.window.start == dt.datetime(2026, 3, 9, 9, 0, tzinfo=UTC)  # Monday 09:00
    late = advise(standard, events, at(days=7, hours=13))  # Mon 9 Mar, 23:00
    assert not actions_named(late, "follow_up_call")


def test_one_retry_after_a_voicemail_not_two(standard):
    base = [interview(), event("thank_you_sent", 0.3, to="Dana Lee", channel="email"),
            event("call", 7, to="Dana Lee", outcome="voicemail")]
    after_first = advise(standard, base, at(days=8))
    retry = actions_named(after_first, "retry_call")
    assert len(retry) == 1 and retry[0].to == "Dana Lee"
    after_retry = advise(standard, base + [event("call", 8, to="Dana Lee", outcome="no_answer")],
                         at(days=9))
    assert not actions_named(after_retry, "retry_call")
    assert not [r for r in after_retry.upcoming if r.action == "retry_call"]


# -- G11: the employer's stated channel and decision date win ------------------------------

def test_a_stated_channel_wins_over_the_default(standard):
    events = [interview(), event("next_steps", 0.1, preferred_channel="email"),
              event("thank_you_sent", 0.3, to="Dana Lee", channel="email")]
    advice = advise(standard, events, at(days=7))
    call = actions_named(advice, "follow_up_call")
    assert len(call) == 1 and call[0].channel == "email"


def test_a_stated_decision_date_replaces_the_call_by_a_check_in_after_it(standard):
    decision = at(days=18)
    events = [interview(), event("next_steps", 0.1, decision_by=iso(decision)),
              event("thank_you_sent", 0.3, to="Dana Lee", channel="email")]
    advice = advise(standard, events, at(days=7))
    # a stated date replaces the week-later call: no call now, none waiting for the date
    # (it would come beside the check-in after it), only the check-in once the date passed
    assert not [r for r in advice.actions + advice.upcoming + advice.held_back
                if r.action == "follow_up_call"]
    later = [r for r in advice.upcoming if r.action == "check_in"]
    assert len(later) == 1 and later[0].window.start > decision
    assert later[0].rule == "check_in_after_stated_date"


# -- G22, G23, G20: after a final answer -----------------------------------------------------

def test_after_a_rejection_only_grace_and_a_feedback_request(standard):
    events = [interview(people=("Dana Lee", "Sam Ortiz")),
              event("reply", 2, **{"from": "Dana Lee", "kind": "rejection"})]
    advice = advise(standard, events, at(days=2, hours=1))
    assert {r.action for r in advice.actions} == {"gracious_reply", "request_feedback"}
    assert advice.upcoming == []
    # the thank-you still in its window is held back, and says why
    assert {h.limit for h in advice.held_back} == {"rejected"}
    assert all(h.until is None for h in advice.held_back)


@pytest.mark.parametrize("final", [
    {"type": "reply", "kind": "offer", "from": "Dana Lee"},
    {"type": "withdrawn"},
])
def test_nothing_after_an_offer_or_a_withdrawal(standard, final):
    events = [interview(), {**final, "at": iso(at(1))}]
    advice = advise(standard, events, at(days=1, hours=1))
    assert advice.actions == [] and advice.upcoming == []
    assert advice.held_back and all(h.until is None for h in advice.held_back)


# -- G19, G20: no pestering ---------------------------------------------------------------------

def test_two_unanswered_contacts_hold_back_a_third(standard):
    events = [interview(), event("thank_you_sent", 0.3, to="Dana Lee", channel="email"),
              event("call", 7, outcome="voicemail"), event("call", 8, outcome="no_answer")]
    advice = advise(standard, events, at(days=14, hours=2))
    assert not actions_named(advice, "check_in")
    held = [h for h in advice.held_back if h.action == "check_in"]
    assert len(held) == 1 and held[0].limit == "unanswered_contacts"
    assert held[0].until == at(days=21)
    assert "Two contacts" in held[0].reason
    # once the first contact is two weeks old, the check-in is back
    assert actions_named(advise(standard, events, at(days=21, hours=1)), "check_in")


def test_a_reply_lifts_the_unanswered_contacts_limit(standard):
    events = [interview(), event("call", 7, outcome="voicemail"),
              event("call", 8, outcome="no_answer"),
              event("reply", 9, **{"kind": "no_decision", "from": "Dana Lee"})]
    advice = advise(standard, events, at(days=9, hours=1))
    assert not any(h.limit == "unanswered_contacts" for h in advice.held_back)


def test_two_written_follow_ups_unanswered_means_stop(standard):
    events = [interview(), event("thank_you_sent", 0.3, to="Dana Lee", channel="email"),
              event("follow_up_sent", 14, channel="email"),
              event("follow_up_sent", 18, channel="email")]
    advice = advise(standard, events, at(days=40))
    contacting = {"follow_up_call", "retry_call", "check_in", "final_nudge", "periodic_check_in"}
    assert not [r for r in advice.actions + advice.upcoming if r.action in contacting]


def test_one_final_nudge_after_an_unanswered_check_in(standard):
    events = [interview(), event("thank_you_sent", 0.3, to="Dana Lee", channel="email"),
              event("follow_up_sent", 14, channel="email")]
    nudge = actions_named(advise(standard, events, at(days=18)), "final_nudge")
    assert len(nudge) == 1 and nudge[0].channel == "email"
    done = events + [event("follow_up_sent", 18, channel="email")]
    assert not actions_named(advise(standard, done, at(days=25)), "final_nudge")


# -- G18: a "no decision yet" reply gets one short reply ------------------------------------------

def test_no_decision_reply_gets_one_short_reply(standard):
    events = [interview(), event("reply", 6, **{"kind": "no_decision", "from": "Dana Lee"})]
    advice = advise(standard, events, at(days=6, hours=1))
    replies = actions_named(advice, "reply_to_update")
    assert len(replies) == 1 and replies[0].to == "Dana Lee"
    assert replies[0].window.due == at(days=7)
    replied = events + [event("follow_up_sent", 6.2, to="Dana Lee", channel="email")]
    assert not actions_named(advise(standard, replied, at(days=6, hours=6)), "reply_to_update")


# -- G15: a long wait gets monthly check-ins ------------------------------------------------------

def test_a_long_wait_gets_monthly_check_ins(standard):
    events = [interview(), event("next_steps", 0.1, long_wait=True),
              event("thank_you_sent", 0.3, to="Dana Lee", channel="email")]
    week = advise(standard, events, at(days=7))
    assert not actions_named(week, "follow_up_call")  # no weekly status checks
    first = advise(standard, events, at(days=31))
    monthly = actions_named(first, "periodic_check_in")
    assert len(monthly) == 1 and monthly[0].window.start == at(days=30, hours=2.4)
    sent = events + [event("follow_up_sent", 31, channel="email")]
    nxt = [r for r in advise(standard, sent, at(days=32)).upcoming
           if r.action == "periodic_check_in"]
    assert len(nxt) == 1 and nxt[0].window.start == at(days=61)


# -- G16: promises come due at their deadline -----------------------------------------------------

def test_promised_materials_come_due_at_their_deadline(standard):
    deadline = at(days=3, hours=7)
    events = [interview(), event("promise", 0.1, what="send my portfolio", due=iso(deadline))]
    promise = actions_named(advise(standard, events, at(days=1)), "keep_promise")
    assert len(promise) == 1 and promise[0].window.due == deadline
    assert "portfolio" in promise[0].reason
    kept = events + [event("materials_sent", 2)]
    assert not actions_named(advise(standard, kept, at(days=2, hours=1)), "keep_promise")


def test_requested_materials_with_a_deadline(standard):
    deadline = at(days=4)
    events = [interview(), event("reply", 2, kind="materials_requested", due=iso(deadline))]
    rec = actions_named(advise(standard, events, at(days=2, hours=1)), "keep_promise")
    assert len(rec) == 1 and rec[0].window.due == deadline and rec[0].window.end == deadline


# -- G1..G4, G10, G17, G24: the rest of the catalogue ------------------------------------------

def test_before_the_interview_plan_the_follow_up(standard):
    events = [event("interview_scheduled", -5, starts_at=iso(at(0)))]
    plan = actions_named(advise(standard, events, at(-4)), "plan_follow_up")
    assert len(plan) == 1 and plan[0].window.end == at(0)
    assert not actions_named(advise(standard, events + [interview()], at(hours=1)),
                             "plan_follow_up")


def test_right_after_the_interview_notes_next_steps_and_contact_details(standard):
    events = [{"type": "interview", "at": iso(at()), "interviewers": [{"name": "Ann Roe"}]}]
    advice = advise(standard, events, at(hours=1))
    actions = {r.action for r in advice.actions}
    assert {"write_notes", "ask_next_steps", "collect_contact_details"} <= actions
    with_details = events + [event("contact_details", 0.1, name="ann roe",
                                   email="ann@x.example"),
                             event("next_steps", 0.1)]
    later = {r.action for r in advise(standard, with_details, at(hours=3)).actions}
    assert "collect_contact_details" not in later and "ask_next_steps" not in later


def test_ask_a_referral_contact_after_the_first_interview(standard):
    events = [interview(), event("referral_contact", 0.5, name="Chris Fox")]
    rec = actions_named(advise(standard, events, at(days=2)), "ask_referral")
    assert [r.to for r in rec] == ["Chris Fox"]


def test_keep_the_search_going_while_waiting(standard):
    advice = advise(standard, [interview()], at(days=3))
    assert actions_named(advice, "continue_search")


# -- the variants take the other side of the disagreements ---------------------------------------

def test_classic_adds_a_handwritten_note_and_waits_two_weeks():
    classic = Rulebook.load("classic")
    events = [interview(), event("thank_you_sent", 0.3, to="Dana Lee", channel="email")]
    advice = advise(classic, events, at(days=1))
    notes = actions_named(advice, "send_handwritten_note")
    assert [(r.to, r.channel) for r in notes] == [("Dana Lee", "handwritten_note")]
    assert not actions_named(advise(classic, events, at(days=7)), "follow_up_call")
    assert actions_named(advise(classic, events, at(days=14, hours=1)), "check_in")


def test_modern_is_email_only_with_shorter_windows():
    modern = Rulebook.load("modern")
    events = [interview(), event("next_steps", 0.1, preferred_channel="handwritten_note")]
    advice = advise(modern, events, at(hours=1))
    thanks = actions_named(advice, "send_thank_you")
    assert thanks[0].channel == "email" and thanks[0].window.end == at(days=3)
    weekly = actions_named(advise(modern, events[:1], at(days=7, hours=1)), "check_in")
    assert len(weekly) == 1 and weekly[0].channel == "email"
    assert not actions_named(advise(modern, events[:1], at(days=7, hours=1)), "follow_up_call")


def test_the_standard_policy_covers_the_whole_catalogue():
    from rulebook.vocabulary import GUIDELINES

    policy = Rulebook.load("standard").loaded.policy
    cited = {g for rule in policy.rules.values() for g in rule.sources}
    assert cited == set(GUIDELINES) and len(GUIDELINES) == 24


# -- regressions found by trying the product as a user -------------------------------------------

def test_a_thank_you_logged_by_date_on_the_interview_day_counts(standard):
    events = [{"type": "interview", "at": "2026-03-02T14:00:00Z",
               "interviewers": [{"name": "Pat Doe", "email": "p@x.example"}]},
              {"type": "thank_you_sent", "at": "2026-03-02", "to": "Pat Doe", "channel": "email"}]
    for when in ("2026-03-02T16:00:00Z", "2026-03-03T10:00:00Z"):
        advice = advise(standard, events, dt.datetime.fromisoformat(when))
        assert not actions_named(advice, "send_thank_you"), when


def test_a_decision_date_without_a_time_lasts_all_day(standard):
    events = [interview(), event("next_steps", 0.1, decision_by="2026-03-13"),
              event("thank_you_sent", 0.3, to="Dana Lee", channel="email")]
    on_the_day = advise(standard, events, dt.datetime(2026, 3, 13, 15, tzinfo=UTC))
    assert not actions_named(on_the_day, "follow_up_call")
    assert not actions_named(on_the_day, "check_in")
    after = [r for r in on_the_day.upcoming if r.action == "check_in"]
    assert after[0].window.start == dt.datetime(2026, 3, 16, 9, tzinfo=UTC)  # Monday morning


def test_an_overdue_reason_names_the_ideal_time(standard):
    advice = advise(standard, [interview()], at(days=3))
    thanks = actions_named(advice, "send_thank_you")[0]
    assert thanks.window.due == at(days=3)  # due now
    assert "Tue 3 Mar 2026, 10:00 (overdue)" in thanks.reason


def test_a_stated_channel_the_rule_cannot_use_is_ignored(standard):
    events = [interview(), event("next_steps", 0.1, preferred_channel="in_person")]
    thanks = actions_named(advise(standard, events, at(hours=3)), "send_thank_you")
    assert thanks[0].channel == "email" and "in person" not in thanks[0].reason


def test_no_call_and_follow_up_email_on_the_same_day(standard):
    for day in range(5, 13):
        advice = advise(standard, [interview()], at(days=day, hours=1))
        contacts = [r for r in advice.actions
                    if r.action in ("follow_up_call", "send_follow_up_email", "check_in")]
        assert len(contacts) <= 1, (day, [r.action for r in contacts])


def test_waiting_resumes_after_a_no_decision_update(standard):
    events = [interview(), event("thank_you_sent", 0.3, to="Dana Lee", channel="email"),
              event("reply", 8, **{"kind": "no_decision", "from": "Dana Lee"}),
              event("follow_up_sent", 8.2, to="Dana Lee", channel="email")]
    advice = advise(standard, events, at(days=23))
    assert [r.rule for r in actions_named(advice, "check_in")] == ["check_in_after_reply"]


def test_durations_are_exact_across_a_daylight_saving_change(standard):
    berlin = {"timezone": "Europe/Berlin", "events": [
        {"type": "interview", "at": "2026-03-28T12:00:00+01:00",
         "interviewers": [{"name": "Dana Lee", "email": "d@x.example"}]}]}
    thanks = actions_named(standard.recommend(berlin, "2026-03-28T13:00:00+01:00"),
                           "send_thank_you")[0]
    elapsed = thanks.window.due.astimezone(UTC) - thanks.window.start.astimezone(UTC)
    assert elapsed == dt.timedelta(hours=24)
    assert thanks.window.due.isoformat() == "2026-03-29T13:00:00+02:00"


def test_an_office_hours_window_keeps_its_start_within_office_hours(standard):
    events = [interview(), event("thank_you_sent", 0.3, to="Dana Lee", channel="email")]
    starts = {r.window.start for when in (at(days=7), at(days=7, hours=2), at(days=8))
              for r in actions_named(advise(standard, events, when), "follow_up_call")}
    # opens Saturday 7 Mar, so Monday 9 Mar at 09:00, wherever the question is asked from
    assert starts == {dt.datetime(2026, 3, 9, 9, tzinfo=UTC)}
