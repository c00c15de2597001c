"""Real calendars: calendar days across daylight-saving changes, the policy's working
week, and public holidays (the ``holidays`` package) in business days and office hours."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from rulebook import Rulebook
from rulebook.engine.timing import OfficeClock, WorkCalendar, evaluate, shift
from rulebook.policy import OfficeHours
from rulebook.problems import InvalidInput
from rulebook.timeexpr import parse_time_expr

NY, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")


def _at(text: str, tz) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


def _plus(moment: dt.datetime, expr: str, calendar=None) -> dt.datetime:
    fact = {"t": int(moment.timestamp())}
    return evaluate(parse_time_expr(f"x {expr}"), {"x": fact}, moment, moment.tzinfo, calendar)


@pytest.mark.parametrize("tz, start, expr, wall, hours", [
    # autumn: clocks go back (New York 1 Nov 2026, Berlin 25 Oct 2026)
    (NY, "2026-10-30T10:00", "+ 5d", "2026-11-04T10:00", 5 * 24 + 1),
    (BERLIN, "2026-10-23T10:00", "+ 1w", "2026-10-30T10:00", 7 * 24 + 1),
    # spring: clocks go forward (New York 8 Mar 2026, Berlin 29 Mar 2026)
    (NY, "2026-03-06T10:00", "+ 3d", "2026-03-09T10:00", 3 * 24 - 1),
    (BERLIN, "2026-03-27T10:00", "+ 2d", "2026-03-29T10:00", 2 * 24 - 1),
    # backwards across a change, too
    (BERLIN, "2026-03-30T10:00", "- 2d", "2026-03-28T10:00", -47),
])
def test_days_and_weeks_keep_the_wall_time_across_daylight_saving(tz, start, expr, wall, hours):
    moment = _at(start, tz)
    later = _plus(moment, expr)
    assert later.replace(tzinfo=None) == dt.datetime.fromisoformat(wall)
    assert later.timestamp() - moment.timestamp() == hours * 3600  # real time differs


@pytest.mark.parametrize("tz, start, hours", [
    (NY, "2026-10-31T12:00", 24), (BERLIN, "2026-03-28T12:00", 24)])
def test_hours_stay_exact_across_daylight_saving(tz, start, hours):
    moment = _at(start, tz)
    later = _plus(moment, f"+ {hours}h")
    assert later.timestamp() - moment.timestamp() == hours * 3600
    assert later.hour != moment.hour  # so the wall time moved


def test_a_skipped_wall_time_moves_forward_and_a_repeated_one_is_the_first():
    # 02:30 does not exist in New York on 8 March 2026: it becomes 03:30 EDT
    skipped = _plus(_at("2026-03-07T02:30", NY), "+ 1d")
    assert skipped.isoformat() == "2026-03-08T03:30:00-04:00"
    # 01:30 happens twice on 1 November 2026: the first (EDT, -04:00) is taken
    repeated = _plus(_at("2026-10-31T01:30", NY), "+ 1d")
    assert repeated.isoformat() == "2026-11-01T01:30:00-04:00"
    berlin = _plus(_at("2026-10-24T02:30", BERLIN), "+ 1d")
    assert berlin.isoformat() == "2026-10-25T02:30:00+02:00"


def test_offsets_apply_left_to_right():
    moment = _at("2026-10-31T12:00", NY)
    assert _plus(moment, "+ 1d + 1h").isoformat() == "2026-11-01T13:00:00-05:00"
    assert _plus(moment, "+ 1h + 1d").isoformat() == "2026-11-01T13:00:00-05:00"
    assert _plus(_at("2026-10-31T23:30", NY), "+ 1h + 1d").isoformat() == \
        "2026-11-02T00:30:00-05:00"


def test_a_sunday_to_thursday_week():
    week = WorkCalendar(["sun", "mon", "tue", "wed", "thu"])
    thursday = _at("2026-06-04T15:00", ZoneInfo("Asia/Jerusalem"))
    assert thursday.weekday() == 3
    assert _plus(thursday, "+ 1bd", week).date() == dt.date(2026, 6, 7)  # Sunday
    assert _plus(thursday, "+ 1bd").date() == dt.date(2026, 6, 5)  # Monday-Friday: Friday
    friday = _at("2026-06-05T15:00", ZoneInfo("Asia/Jerusalem"))
    assert _plus(friday, "+ 1bd", week).date() == dt.date(2026, 6, 7)
    assert _plus(_at("2026-06-07T15:00", ZoneInfo("Asia/Jerusalem")), "- 1bd", week).date() \
        == dt.date(2026, 6, 4)


def test_christmas_in_germany_is_not_a_business_day():
    de = WorkCalendar(country="DE", subdivision="BY")
    eve = _at("2026-12-24T11:00", BERLIN)  # a Thursday
    assert _plus(eve, "+ 1bd").date() == dt.date(2026, 12, 25)  # no holidays: Christmas Day
    # 25 and 26 December are holidays, then a weekend
    assert _plus(eve, "+ 1bd", de) == _at("2026-12-28T11:00", BERLIN)
    assert de.holiday_name(dt.date(2026, 12, 25)) == "Christmas Day"
    assert not de.business_day(dt.date(2027, 1, 6))  # Epiphany: Bavaria, not Berlin
    assert WorkCalendar(country="DE", subdivision="BE").business_day(dt.date(2027, 1, 6))


def test_the_observed_us_holiday_on_3_july_2026():
    us = WorkCalendar(country="US")
    thursday = _at("2026-07-02T10:00", NY)
    assert _plus(thursday, "+ 1bd").date() == dt.date(2026, 7, 3)
    assert _plus(thursday, "+ 1bd", us).date() == dt.date(2026, 7, 6)
    assert _plus(_at("2026-07-06T10:00", NY), "- 1bd", us).date() == dt.date(2026, 7, 2)


def test_office_hours_skip_holidays():
    clock = OfficeClock(OfficeHours(), BERLIN, WorkCalendar(country="DE"))
    eve_evening = _at("2026-12-24T18:00", BERLIN)
    assert clock.next_open(eve_evening) == _at("2026-12-28T09:00", BERLIN)
    assert clock.last_open(_at("2026-12-27T12:00", BERLIN)) == _at("2026-12-24T17:00", BERLIN)
    assert not clock.is_open(_at("2026-12-25T10:00", BERLIN))


def test_shift_takes_any_zone_and_answers_in_the_application_zone():
    utc = dt.datetime(2026, 10, 30, 14, 0, tzinfo=dt.timezone.utc)  # 10:00 in New York
    assert shift(utc, parse_time_expr("x + 5d").offsets, NY).isoformat() == \
        "2026-11-04T10:00:00-05:00"


_POLICY = """
policy: holiday_test
settings:
  office_hours: {days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00"}
  holidays: {country: %s}
rules:
  reply:
    action: reply
    sources: [G18]
    when:
      r: {fact: reply}
    window: {start: r + 5d, due: r + 1bd, end: r + 3w}
    reason: Reply to them.
"""


def _events(tz: str, at: str) -> dict:
    return {"timezone": tz, "events": [{"type": "reply", "at": at, "kind": "other"}]}


def test_windows_use_calendar_days_and_the_policy_holidays():
    book = Rulebook.load(text=_POLICY % "US")
    advice = book.recommend(_events("America/New_York", "2026-07-02T10:00:00-04:00"),
                            "2026-07-01T09:00:00-04:00")
    assert advice.actions == [] and advice.upcoming == []  # not yet happened
    advice = book.recommend(_events("America/New_York", "2026-07-02T10:00:00-04:00"),
                            "2026-07-02T11:00:00-04:00")
    (rec,) = advice.upcoming
    assert rec.window.start.isoformat() == "2026-07-07T10:00:00-04:00"
    assert rec.window.due.isoformat() == "2026-07-07T10:00:00-04:00"  # 6 July, never before start
    book = Rulebook.load(text=_POLICY % "DE")
    advice = book.recommend(_events("America/New_York", "2026-10-30T10:00:00-04:00"),
                            "2026-10-30T11:00:00-04:00")
    (rec,) = advice.upcoming
    assert rec.window.start.isoformat() == "2026-11-04T10:00:00-05:00"  # 10:00 local, not 09:00
    assert rec.window.end.isoformat() == "2026-11-20T10:00:00-05:00"


def test_a_holiday_calendar_that_does_not_exist_is_a_located_error():
    with pytest.raises(InvalidInput) as err:
        Rulebook.load(text=_POLICY % "XX")
    assert "no holiday calendar for country 'XX'" in str(err.value)
    with pytest.raises(InvalidInput) as err:
        Rulebook.load(text=_POLICY.replace("{country: %s}", "{country: DE, subdivision: ZZ}"))
    assert "'ZZ' is not a subdivision of DE" in str(err.value)


_WHERE = """
policy: where_test
rules:
  nudge:
    action: nudge
    sources: [G19]
    when:
      r: {fact: reply}
    absent:
      - {fact: follow_up_sent, after: r, where: {at: {ge: r + 2d}}}
    window: {start: r, due: r + 5d}
    reason: Nudge.
  recent:
    action: recent
    sources: [G24]
    when:
      c: {fact: call, since: 1d}
    window: {start: c, due: c + 1h}
    reason: Recent.
"""


@pytest.mark.parametrize("evaluator", ["durable", "reference"])
def test_where_and_since_count_calendar_days_too(evaluator):
    """Durable-rules adds seconds only: the host shifts the facts' times on the calendar."""
    book = Rulebook.load(text=_WHERE, evaluator=evaluator)

    def events(sent_at):
        return {"timezone": "America/New_York", "events": [
            {"type": "reply", "at": "2026-10-30T10:00:00-04:00", "kind": "other"},
            {"type": "follow_up_sent", "at": sent_at, "channel": "email"},
            {"type": "call", "at": "2026-10-31T12:00:00-04:00", "outcome": "reached"}]}

    at = "2026-11-03T09:00:00-05:00"
    # 1 Nov 10:00 EST is two calendar days after 30 Oct 10:00 EDT, though 49 real hours
    actions = {r.action for r in book.recommend(events("2026-11-01T10:00:00-05:00"), at).actions}
    assert "nudge" not in actions
    # 09:30 EST is 48.5 real hours later: more than 48 hours, yet not two calendar days
    actions = {r.action for r in book.recommend(events("2026-11-01T09:30:00-05:00"), at).actions}
    assert "nudge" in actions
    # since: 1d from 1 Nov 11:30 EST reaches back to 31 Oct 11:30 EDT (25 real hours):
    # the call of 31 Oct 12:00 is recent (24 hours back would be 12:30, after the call)
    assert "recent" in {r.action for r in book.recommend(events(at), "2026-11-01T11:30:00-05:00")
                        .actions}
    assert "recent" not in {r.action for r in book.recommend(
        events(at), "2026-11-01T12:30:00-05:00").actions}


_COUNT = """
policy: count_test
rules:
  busy:
    action: busy
    sources: [G20]
    when:
      r: {fact: reply}
    count:
      - {fact: call, at_least: 2, within: 1d}
    window: {start: r, due: r + 1h}
    reason: Busy.
"""


@pytest.mark.parametrize("evaluator", ["durable", "reference"])
def test_a_count_within_days_spans_calendar_days(evaluator):
    book = Rulebook.load(text=_COUNT, evaluator=evaluator)

    def events(second):
        return {"timezone": "Europe/Berlin", "events": [
            {"type": "call", "at": "2026-10-24T12:00:00+02:00", "outcome": "reached"},
            {"type": "call", "at": second, "outcome": "reached"},
            {"type": "reply", "at": "2026-10-26T09:00:00+01:00", "kind": "other"}]}

    at = "2026-10-26T09:30:00+01:00"
    # 25 Oct 12:00 CET is one calendar day after 24 Oct 12:00 CEST (25 real hours)
    assert [r.action for r in book.recommend(events("2026-10-25T12:00:00+01:00"), at).actions] \
        == ["busy"]
    assert book.recommend(events("2026-10-25T12:01:00+01:00"), at).actions == []
