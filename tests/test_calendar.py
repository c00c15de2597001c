"""The iCalendar export, read back with a second, independent parser (the `ical` package)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from ical.calendar_stream import IcsCalendarStream

from rulebook import Rulebook
from rulebook.calendar import ical_priority, to_ical, uid
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
    return to_ical(advice, application=timeline.application, policy=book.loaded.policy), advice


def _utc(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.timezone.utc)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_reads_back_with_the_right_times(book, path):
    data, advice = _export(book, path, AT[path.stem])
    cal = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    wanted = {uid(load_timeline(str(path)).application, rec): rec
              for rec in [*advice.actions, *advice.upcoming, *advice.held_back]}
    assert wanted, f"{path.stem} has no advice at {AT[path.stem]}: pick another moment"
    got = {todo.uid: todo for todo in cal.todos}
    assert set(got) == set(wanted)
    for key, rec in wanted.items():
        todo = got[key]
        assert _utc(todo.due) == _utc(rec.window.due)
        assert _utc(todo.dtstart) == _utc(rec.window.start)
        assert rec.reason.split(".")[0] in todo.description
        assert todo.priority == ical_priority(book.loaded.policy.rules[rec.rule].priority)


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
