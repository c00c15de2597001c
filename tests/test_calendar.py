"""The iCalendar export, read back with a second, independent parser (the `ical` package)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from ical.calendar_stream import IcsCalendarStream

from rulebook import Rulebook
from rulebook.calendar import event_uid, ical_priority, to_ical, uid
from rulebook.cli import main
from rulebook.events import load_timeline

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
AT = {  # a moment at which each example has something to do
    "panel": "2026-03-03T09:00:00+01:00",
    "rejection": "2026-04-13T12:00:00-04:00",
    "silent": "2026-05-18T09:00:00+01:00",
    "decision_date": "2026-06-02T09:00:00+02:00",
    "long_wait": "2026-04-20T09:00:00+02:00",
}


@pytest.fixture(scope="module")
def book():
    return Rulebook.load("standard")


def _export(book, path: Path, at: str) -> tuple[bytes, object]:
    timeline = load_timeline(str(path))
    advice = book.recommend(timeline, at)
    return to_ical(advice, application=timeline.application, policy=book.loaded.policy,
                   tz=timeline.tz), advice


def _utc(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.timezone.utc)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_reads_back_with_the_right_times(book, path):
    data, advice = _export(book, path, AT[path.stem])
    cal = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    wanted = {uid(load_timeline(str(path)).application, rec, book.loaded.policy): rec
              for rec in [*advice.actions, *advice.upcoming, *advice.held_back]}
    assert wanted, f"{path.stem} has no advice at {AT[path.stem]}: pick another moment"
    got = {todo.uid: todo for todo in cal.todos}
    assert set(got) == set(wanted)
    for key, rec in wanted.items():
        todo = got[key]
        assert _utc(todo.due) == _utc(rec.window.ideal_due)
        if rec.window.start < rec.window.ideal_due:
            assert _utc(todo.dtstart) == _utc(rec.window.start)
        else:  # due as it opens: a DTSTART equal to DUE is not iCalendar
            assert b"DTSTART" not in _block(data, key)
        assert rec.reason.split(".")[0] in todo.description
        assert todo.priority == ical_priority(book.loaded.policy.rules[rec.rule].priority)


def _block(data: bytes, key: str) -> bytes:
    """The VTODO (or VEVENT) with UID ``key``, as written (lines unfolded)."""
    text = data.replace(b"\r\n ", b"")
    for block in text.split(b"BEGIN:")[1:]:
        if f"UID:{key}\r\n".encode() in block:
            return block
    raise AssertionError(f"no UID {key}")


def test_a_window_due_as_it_opens_has_no_start(book):
    """long_wait on 20 January: the first monthly check-in opens and is due at once (n +
    30d, 11 February 16:00 UTC). RFC 5545 wants DUE later than DTSTART; a second parser
    given both moves the start a day back, so the to-do carries DUE alone."""
    data, advice = _export(book, ROOT / "examples/long_wait.yaml", "2026-01-20T09:00:00+00:00")
    (rec,) = [r for r in advice.upcoming if r.action == "periodic_check_in"]
    assert rec.window.start == rec.window.ideal_due
    assert b"DTSTART" not in _block(data, uid({"company": "Orchid Public Library",
                                               "role": "Archivist"}, rec, book.loaded.policy))
    cal = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    (todo,) = [t for t in cal.todos if t.categories == ["periodic_check_in"]]
    assert todo.dtstart is None
    assert _utc(todo.due) == dt.datetime(2026, 2, 11, 16, 0, tzinfo=dt.timezone.utc)


def test_reminders_come_before_the_due_time(book):
    data, advice = _export(book, ROOT / "examples/panel.yaml", AT["panel"])
    cal = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    for todo in cal.todos:
        if todo.status and str(todo.status).endswith("CANCELLED"):
            assert not todo.alarms
            continue
        assert len(todo.alarms) == 1
        assert todo.alarms[0].trigger < dt.timedelta(0)  # before the due time


def test_two_runs_are_byte_identical(book):
    first, _ = _export(book, ROOT / "examples/panel.yaml", AT["panel"])
    second, _ = _export(book, ROOT / "examples/panel.yaml", AT["panel"])
    assert first == second


def test_a_later_export_updates_the_same_items(book):
    """Importing the export of a later day must update, not duplicate, the same to-dos."""
    path = ROOT / "examples/panel.yaml"
    early, advice_early = _export(book, path, "2026-03-02T12:00:00+01:00")
    late, advice_late = _export(book, path, "2026-03-03T09:00:00+01:00")
    early_uids = {t.uid for t in IcsCalendarStream.calendar_from_ics(early.decode()).todos}
    late_uids = {t.uid for t in IcsCalendarStream.calendar_from_ics(late.decode()).todos}
    same = {(r.rule, r.to) for r in advice_early.actions} & {(r.rule, r.to) for r in advice_late.actions}
    assert same, "the two moments should share recommendations"
    assert len(early_uids & late_uids) >= len(same)


def test_uids_separate_applications_and_people(book):
    timeline = load_timeline(str(ROOT / "examples/panel.yaml"))
    advice = book.recommend(timeline, AT["panel"])
    thanks = [r for r in advice.actions if r.action == "send_thank_you"]
    assert len(thanks) >= 2 and len({uid(timeline.application, r) for r in thanks}) == len(thanks)
    assert {uid(timeline.application, r) for r in thanks}.isdisjoint(
        {event_uid(timeline.application, r) for r in thanks})
    other = dict(timeline.application, company="Another Company")
    assert uid(other, thanks[0]) != uid(timeline.application, thanks[0])
    # a name written differently (case, spacing) is the same person, the same to-do
    respelled = thanks[0].model_copy(update={"to": "  " + thanks[0].to.upper()})
    assert uid(timeline.application, respelled) == uid(timeline.application, thanks[0])


def test_cli_writes_the_file_and_nothing_on_bad_input(tmp_path, capsys):
    out = tmp_path / "advice.ics"
    assert main(["calendar", str(ROOT / "examples/panel.yaml"), "--at", AT["panel"],
                 "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")
    bad = tmp_path / "bad.yaml"
    bad.write_text("events:\n  - {type: interview, at: yesterday}\n")
    target = tmp_path / "never.ics"
    assert main(["calendar", str(bad), "--at", AT["panel"], "-o", str(target)]) == 2
    assert not target.exists()
    assert f"{bad}:2:" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["advice.ics", "bad.yaml"]


def test_output_does_not_depend_on_zone_or_locale(tmp_path):
    args = [sys.executable, "-m", "rulebook.cli", "calendar", str(ROOT / "examples/panel.yaml"),
            "--at", AT["panel"]]
    env_a = {"PATH": "/usr/bin:/bin", "TZ": "UTC", "LC_ALL": "C", "PYTHONHASHSEED": "1"}
    env_b = {"PATH": "/usr/bin:/bin", "TZ": "Pacific/Auckland", "LC_ALL": "C.UTF-8",
             "PYTHONHASHSEED": "2"}
    a = subprocess.run(args, env=env_a, capture_output=True, timeout=120, cwd=tmp_path)
    b = subprocess.run(args, env=env_b, capture_output=True, timeout=120, cwd=tmp_path)
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout


# -- the DUE of each example, worked out by hand from the standard policy's windows -------

UTC = dt.timezone.utc
IDEAL = {  # example: (evaluation time, action, person, DUE in UTC, the arithmetic)
    # send_thank_you is due p + 24h: the interview, 2 March 10:00 +01:00, plus a day
    "panel": ("2026-03-03T12:00:00+01:00", "send_thank_you", "Sam Ortiz",
              dt.datetime(2026, 3, 3, 9, 0, tzinfo=UTC)),
    # gracious_reply is due r + 1d: the rejection, 13 April 10:30 -04:00, plus a day
    "rejection": ("2026-04-14T12:00:00-04:00", "gracious_reply", "Morgan Reyes",
                  dt.datetime(2026, 4, 14, 14, 30, tzinfo=UTC)),
    # check_in is due s + 15d: the interview, Mon 4 May 11:00 +01:00, plus 15 days is
    # Tue 19 May 11:00, inside office hours
    "silent": ("2026-05-26T12:00:00+01:00", "check_in", None,
               dt.datetime(2026, 5, 19, 10, 0, tzinfo=UTC)),
    # check_in (rule check_in_after_stated_date) is due decision_by + 1bd: the end of Fri 19 June, a
    # business day later the end of Mon 22 June, then the next office opening: Tue 23
    # June 09:00 +02:00
    "decision_date": ("2026-06-23T12:00:00+02:00", "check_in", None,
                      dt.datetime(2026, 6, 23, 7, 0, tzinfo=UTC)),
    # periodic_check_in (rule periodic_check_in_first) is due n + 30d: the next_steps,
    # 12 January 16:00 UTC, plus 30 days
    "long_wait": ("2026-02-20T12:00:00+00:00", "periodic_check_in", None,
                  dt.datetime(2026, 2, 11, 16, 0, tzinfo=UTC)),
}


def _cli_export(path: Path, at: str, out: Path, *extra: str) -> bytes:
    assert main(["calendar", str(path), "--at", at, "-o", str(out), *extra]) == 0
    return out.read_bytes()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_is_due_at_its_ideal_time_with_stable_uids(tmp_path, path):
    """DUE is the ideal due time, even when that has passed (the advice's window.due says
    "now" then), and two runs give the same UIDs (and bytes)."""
    at, action, person, due = IDEAL[path.stem]
    first = _cli_export(path, at, tmp_path / "first.ics")
    second = _cli_export(path, at, tmp_path / "second.ics")
    assert first == second
    cal = IcsCalendarStream.calendar_from_ics(first.decode("utf-8"))
    found = [t for t in cal.todos if t.categories == [action]
             and (person is None or f": {person} " in t.summary)]
    assert len(found) == 1, [t.summary for t in cal.todos]
    assert _utc(found[0].due) == due
    assert _utc(found[0].due) < _utc(dt.datetime.fromisoformat(at))  # overdue: not "now"
    again = IcsCalendarStream.calendar_from_ics(second.decode("utf-8"))
    assert sorted(t.uid for t in cal.todos) == sorted(t.uid for t in again.todos)


def test_a_held_back_call_is_due_at_its_ideal_time(book):
    """long_wait: the follow-up call is due s + 7d, the interview (Mon 12 January 15:00
    UTC) plus a week, Mon 19 January 15:00, though held back and overdue on the 20th."""
    data, advice = _export(book, ROOT / "examples/long_wait.yaml", "2026-01-20T09:00:00+00:00")
    cal = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    (call,) = [t for t in cal.todos if t.categories == ["follow_up_call"]]
    assert _utc(call.due) == dt.datetime(2026, 1, 19, 15, 0, tzinfo=UTC)
    (held,) = advice.held_back
    assert held.overdue and held.window.due == advice.at  # the JSON's due stays "now"


def test_ideal_due_in_the_json_is_the_reasons_due(book):
    advice = book.recommend(ROOT / "examples/panel.yaml", "2026-03-03T12:00:00+01:00")
    late = [r for r in advice.actions if r.overdue]
    assert late
    for rec in late:
        assert rec.window.due == advice.at
        assert rec.window.ideal_due == dt.datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
        assert "Tue 3 Mar 2026, 10:00 (overdue)" in rec.reason
    for rec in advice.upcoming:
        assert rec.window.ideal_due == rec.window.due


# -- calls kept to office hours ------------------------------------------------------------

SILENT_NO_CALL = """\
timezone: Europe/London
application: {company: Harbour Logistics, role: Operations Analyst}
events:
  - type: interview
    at: 2026-05-04T11:00:00+01:00
    interviewers:
      - {name: Alex Kim, email: alex.kim@harbour.example, phone: "+44 20 7946 0000"}
  - {type: thank_you_sent, at: 2026-05-04T17:00:00+01:00, to: Alex Kim, channel: email}
"""
EVENING = "2026-05-11T20:00:00+01:00"  # the office is closed: the call waits for 09:00
MORNING = "2026-05-12T10:00:00+01:00"


def _calls(tmp_path, at, *extra):
    path = tmp_path / "silent.yaml"
    path.write_text(SILENT_NO_CALL)
    data = _cli_export(path, at, tmp_path / f"{at[:13]}.ics", *extra)
    return IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))


def test_an_office_hours_call_keeps_its_uid_overnight(tmp_path):
    """The follow-up call's window opened Mon 11 May 09:00; exported that evening its start
    reads Tue 09:00 (the office is closed), the next morning Mon 09:00 again. Both
    exports must name the same to-do, or a calendar shows the call twice."""
    evening = [t for t in _calls(tmp_path, EVENING).todos if t.categories == ["follow_up_call"]]
    morning = [t for t in _calls(tmp_path, MORNING).todos if t.categories == ["follow_up_call"]]
    assert len(evening) == len(morning) == 1
    # the window did move: in the evening it opens and is due at Tue 09:00 (no DTSTART),
    # in the morning it opened Mon 09:00 and was due Mon 11:00
    assert evening[0].dtstart is None and _utc(evening[0].due) == dt.datetime(2026, 5, 12, 8, 0,
                                                                             tzinfo=UTC)
    assert _utc(morning[0].dtstart) == dt.datetime(2026, 5, 11, 8, 0, tzinfo=UTC)
    assert evening[0].uid == morning[0].uid


def test_calls_become_events_in_the_first_office_slot(tmp_path):
    """At 20:00 on Mon 11 May the call is booked for Tue 12 May 09:00 London (08:00 UTC),
    30 minutes; the next morning at 10:00 it is booked for then. The same UID both
    times, never a to-do's; e-mails and continue_search get no event."""
    assert not _calls(tmp_path, EVENING).events  # only with --events
    evening = _calls(tmp_path, EVENING, "--events")
    morning = _calls(tmp_path, MORNING, "--events")
    (call,) = evening.events
    assert call.categories == ["follow_up_call"]
    assert _utc(call.dtstart) == dt.datetime(2026, 5, 12, 8, 0, tzinfo=UTC)
    assert _utc(call.end) == dt.datetime(2026, 5, 12, 8, 30, tzinfo=UTC)
    assert call.alarm and call.alarm[0].trigger < dt.timedelta(0)
    (later,) = morning.events
    assert _utc(later.dtstart) == dt.datetime(2026, 5, 12, 9, 0, tzinfo=UTC)
    assert later.uid == call.uid
    todo_uids = {t.uid for t in evening.todos}
    assert call.uid not in todo_uids and len(evening.todos) == len(_calls(tmp_path, EVENING).todos)


def test_a_call_slot_is_cut_at_closing_time(book):
    """A call whose first slot is 16:45 gets 15 minutes, not 30 past closing."""
    from rulebook.calendar import call_slot
    from zoneinfo import ZoneInfo
    timeline = load_timeline(str(ROOT / "examples/silent.yaml"))
    advice = book.recommend(timeline, "2026-05-11T09:30:00+01:00")
    (call,) = [r for r in advice.actions if r.action == "follow_up_call"]
    at = dt.datetime(2026, 5, 11, 16, 45, tzinfo=ZoneInfo("Europe/London"))
    begin, end = call_slot(call, book.loaded.policy, at, ZoneInfo("Europe/London"))
    assert (begin, end - begin) == (at, dt.timedelta(minutes=15))


def test_a_german_export_names_the_same_items(tmp_path):
    """--lang de: German titles and descriptions, the same UIDs and due times as English."""
    path = ROOT / "examples/panel.yaml"
    at = "2026-03-03T12:00:00+01:00"
    en = IcsCalendarStream.calendar_from_ics(
        _cli_export(path, at, tmp_path / "en.ics").decode("utf-8"))
    de = IcsCalendarStream.calendar_from_ics(
        _cli_export(path, at, tmp_path / "de.ics", "--lang", "de").decode("utf-8"))
    assert [(t.uid, t.due) for t in en.todos] == [(t.uid, t.due) for t in de.todos]
    titles = {t.summary for t in de.todos}
    assert "Dankeschön senden: Sam Ortiz (E-Mail)" in titles
    assert "Send thank you: Sam Ortiz (email)" in {t.summary for t in en.todos}
    thanks = next(t for t in de.todos if t.summary.startswith("Dankeschön senden: Sam"))
    assert "fällig Di. 3. März 2026, 10:00 (überfällig)" in thanks.description
