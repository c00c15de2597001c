"""The moments where advice can change: what diff, simulate and embedding tools sweep."""

import datetime as dt
from pathlib import Path

from rulebook.api import Rulebook
from rulebook.events import load_timeline
from rulebook.moments import MAX_MOMENTS, Queue, moments_between, next_change, sweep

ROOT = Path(__file__).resolve().parent.parent
PANEL = str(ROOT / "examples/panel.yaml")
CET = dt.timezone(dt.timedelta(hours=1))


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _recent(since: str) -> Rulebook:
    """A policy with one rule that holds while an interview is within ``since``."""
    return Rulebook.load("recent.yaml", text=f"""\
policy: recent
rules:
  recent_interview:
    action: plan_follow_up
    sources: [G1]
    when: {{iv: {{fact: interview, since: {since}}}}}
    window: {{start: iv, due: iv + 10d}}
    reason: An interview in the last {since}.
""")


def test_next_change_is_the_next_event_or_window_edge():
    book = Rulebook.load("standard")
    timeline = load_timeline(PANEL)
    advice = book.recommend(timeline, t("2026-03-02T10:30:00+01:00"))
    # next_steps at 11:00 is the next event
    assert next_change(book.loaded.policy, timeline, advice) == t("2026-03-02T11:00:00+01:00")
    later = book.recommend(timeline, t("2026-03-03T10:00:00+01:00"))
    assert next_change(book.loaded.policy, timeline, later) > later.at


def test_a_window_end_is_seen_open_and_then_gone():
    book = Rulebook.load("x.yaml", text="policy: x\nextends: standard\nrules:\n"
                         "  send_thank_you:\n    window: {start: p, due: p + 1h, end: p + 2h}\n")
    timeline = load_timeline(PANEL)
    seen = {}
    for at, (advice,) in sweep([book], timeline, t("2026-03-02T09:00:00+01:00"),
                               t("2026-03-03T09:00:00+01:00")):
        seen[at] = sorted(r.to for r in advice.actions if r.action == "send_thank_you")
    end = t("2026-03-02T12:00:00+01:00")
    assert seen[t("2026-03-02T10:00:00+01:00")] == ["Dana Lee", "Priya Natarajan", "Sam Ortiz"]
    assert seen[end] == ["Dana Lee", "Priya Natarajan", "Sam Ortiz"]
    assert seen[end + dt.timedelta(seconds=1)] == []


def test_a_since_condition_flips_at_its_own_moment():
    book = _recent("3h")
    moments = moments_between(book, load_timeline(PANEL), t("2026-03-02T09:00:00+01:00"),
                              t("2026-03-04T09:00:00+01:00"))
    assert t("2026-03-02T13:00:01+01:00") in moments  # the interview leaves the 3 hours


def test_the_queue_visits_each_moment_once_in_order_and_is_bounded():
    q = Queue(t("2026-03-02T00:00:00+01:00"), t("2026-03-03T00:00:00+01:00"))
    q.add([t("2026-03-02T05:00:00+01:00"), t("2026-03-02T04:00:00+00:00"),
           t("2026-03-05T00:00:00+01:00")])
    order = []
    for at in q:
        order.append(at)
        q.add([at - dt.timedelta(hours=1)])  # the past is never revisited
    assert order == [t("2026-03-02T00:00:00+01:00"), t("2026-03-02T05:00:00+01:00"),
                     t("2026-03-03T00:00:00+01:00")]
    big = Queue(t("2026-03-02T00:00:00+00:00"), t("2027-03-02T00:00:00+00:00"))
    big.add(t("2026-03-02T00:00:00+00:00") + dt.timedelta(minutes=i) for i in range(30_000))
    assert sum(1 for _ in big) == MAX_MOMENTS


def test_moments_are_shown_in_the_time_zone_of_the_period():
    q = Queue(t("2026-03-02T00:00:00+01:00"), t("2026-03-03T00:00:00+01:00"))
    q.add([t("2026-03-02T08:00:00+00:00")])
    assert [m.isoformat() for m in q] == ["2026-03-02T00:00:00+01:00",
                                          "2026-03-02T09:00:00+01:00",
                                          "2026-03-03T00:00:00+01:00"]


def test_change_moments_of_one_answer_in_a_range():
    from rulebook.moments import change_moments
    book = Rulebook.load("standard")
    timeline = load_timeline(PANEL)
    advice = book.recommend(timeline, t("2026-03-03T09:00:00+01:00"))
    found = change_moments(book.loaded.policy, timeline, advice,
                           t("2026-03-03T00:00:00+01:00"), t("2026-03-04T00:00:00+01:00"))
    assert found == sorted(found) and len(set(found)) == len(found)
    assert t("2026-03-03T10:00:00+01:00") in found   # the thank-yous fall due
    assert all(t("2026-03-03T00:00:00+01:00") <= m <= t("2026-03-04T00:00:00+01:00")
               for m in found)


def test_a_since_in_hours_flips_on_the_time_line_across_a_clock_change():
    """18 hours after the end of 7 March (EST, a date-only event) is 18:59:59 EDT on 8
    March, not 17:59:59 (wall-clock arithmetic on an aware datetime is an hour off)."""
    book = _recent("18h")
    events = {"timezone": "America/New_York", "events": [
        {"type": "interview", "at": "2026-03-07", "interviewers": [{"name": "Dana Lee"}]}]}
    advice = book.recommend(events, "2026-03-07T23:59:59-05:00")
    assert t("2026-03-08T18:59:59-04:00") <= advice.next_check_at <= t("2026-03-08T19:00:00-04:00")


def test_next_change_is_the_earliest_moment_of_the_sets_with_now_tests():
    """next_change compares the flips of exact now-tests as timestamps (it makes only the
    earliest): the same answer as the earliest of all moments, including the second after
    a flip, for exact and calendar ``since`` at every hour over four days."""
    from rulebook.moments import advice_moments, timeline_moments

    timeline = load_timeline(PANEL)
    for since in ("3h", "2d", "1w"):
        book = _recent(since)
        at = t("2026-03-01T08:00:00+01:00")
        while at < t("2026-03-05T08:00:00+01:00"):
            advice = book.recommend(timeline, at)
            later = [m for m in timeline_moments(book.loaded.policy, timeline)
                     | advice_moments(advice) if m > advice.at]
            assert next_change(book.loaded.policy, timeline, advice) == min(later, default=None)
            at += dt.timedelta(minutes=59, seconds=59)
    book = _recent("3h")  # the second after the flip: asked exactly at the flip
    advice = book.recommend(timeline, t("2026-03-02T13:00:00+01:00"))
    assert next_change(book.loaded.policy, timeline, advice) == t("2026-03-02T13:00:01+01:00")
