"""The picture of the advice over time (``rulebook simulate --format svg|html``)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from rulebook import Rulebook, load_timeline
from rulebook.api import as_moment
from rulebook.cli import main
from rulebook.picture import collect, picture
from rulebook.simulate import advice_over

ROOT = Path(__file__).resolve().parent.parent
PANEL = str(ROOT / "examples" / "panel.yaml")
SILENT = str(ROOT / "examples" / "silent.yaml")
SVG = "{http://www.w3.org/2000/svg}"
FROM, TO, AT = "2026-03-02T09:00:00+01:00", "2026-03-23T09:00:00+01:00", "2026-03-03T09:00:00+01:00"
LATER_THANKS = """\
policy: later_thanks
extends: standard
rules:
  send_thank_you:
    window: {start: p + 2d, due: p + 3d, end: p + 9d}
"""


def _svg(capsys, *args: str) -> ET.Element:
    assert main(["simulate", *args]) == 0
    return ET.fromstring(capsys.readouterr().out)


def _x(root: ET.Element, when: str) -> float:
    """The x coordinate of a time, from the scale the picture states on its root."""
    start, end = as_moment(root.get("data-from")), as_moment(root.get("data-to"))
    share = (as_moment(when) - start) / (end - start)
    share = min(max(share, 0.0), 1.0)
    return float(root.get("data-left")) + share * float(root.get("data-width"))


def _bars(root: ET.Element, action: str, to: str = "") -> list[ET.Element]:
    return [g for g in root.iter(SVG + "g") if g.get("class") == "bar"
            and g.get("data-action") == action and g.get("data-to") == to]


def _window(bar: ET.Element) -> ET.Element:
    return next(r for r in bar.iter(SVG + "rect") if r.get("class") == "window")


def test_svg_rows_and_bars_follow_the_advice(capsys):
    root = _svg(capsys, PANEL, "--from", FROM, "--to", TO, "--at", AT, "--format", "svg")
    book, timeline = Rulebook.load("standard"), load_timeline(PANEL)
    advice = book.recommend(timeline, AT)
    # every recommendation of one evaluation is drawn, in the row of its action and person
    rows = {(g.get("data-action"), g.get("data-to")) for g in root.iter(SVG + "g")
            if g.get("class") == "row"}
    for rec in advice.actions + advice.upcoming:
        assert (rec.action, rec.to or "") in rows
    assert int(root.get("data-rows")) == len(rows)
    # Dana Lee was thanked at 18:30: a thank-you to her is not advised after that
    for dana in _bars(root, "send_thank_you", "Dana Lee"):
        assert as_moment(dana.get("data-gone")) <= as_moment("2026-03-02T18:30:00+01:00")
    sam = next(r for r in advice.actions if r.action == "send_thank_you" and r.to == "Sam Ortiz")
    (bar,) = _bars(root, "send_thank_you", "Sam Ortiz")
    assert as_moment(bar.get("data-start")) == sam.window.start
    assert as_moment(bar.get("data-end")) == sam.window.end
    rect = _window(bar)
    assert float(rect.get("x")) == pytest.approx(_x(root, sam.window.start.isoformat()), abs=0.01)
    assert float(rect.get("x")) > float(root.get("data-left"))
    assert float(rect.get("x")) + float(rect.get("width")) == pytest.approx(
        _x(root, sam.window.end.isoformat()), abs=0.02)
    due = next(line for line in bar.iter(SVG + "line") if line.get("class") == "due")
    assert float(due.get("x1")) == pytest.approx(_x(root, sam.window.due.isoformat()), abs=0.01)
    assert sam.reason in bar.find(SVG + "title").text
    # the timeline's events in the period are marks, and "now" is a line at --at
    marks = [g for g in root.iter(SVG + "g") if g.get("class") == "event"]
    assert [m.get("data-type") for m in marks] == ["interview", "next_steps", "thank_you_sent"]
    now = next(g for g in root.iter(SVG + "g") if g.get("class") == "now")
    assert float(now.find(SVG + "line").get("x1")) == pytest.approx(_x(root, AT), abs=0.01)
    # 7-8 March and 14-15 March and 21-22 March are weekends
    weekends = [r for r in root.iter(SVG + "rect") if r.get("class") == "weekend"]
    assert len(weekends) == 6  # one per day
    assert float(weekends[0].get("x")) == pytest.approx(
        _x(root, "2026-03-07T00:00:00+01:00"), abs=0.01)


def test_held_back_stretch_names_its_limit(capsys):
    root = _svg(capsys, SILENT, "--from", "2026-05-11T09:00:00+01:00", "--to",
                "2026-06-08T09:00:00+01:00", "--at", "2026-05-18T09:00:00+01:00", "--format", "svg")
    held = [r for r in root.iter(SVG + "rect") if r.get("class") == "held"]
    assert held, "the silent employer's check-in is held back by the unanswered contacts"
    assert {r.get("data-limit") for r in held} == {"unanswered_contacts"}
    book, timeline = Rulebook.load("standard"), load_timeline(SILENT)
    (rec,) = book.recommend(timeline, "2026-05-18T09:00:00+01:00").held_back
    rect = next(r for r in held if r.get("data-until") == rec.until.isoformat())
    assert float(rect.get("x")) + float(rect.get("width")) == pytest.approx(
        _x(root, rec.until.isoformat()), abs=0.02)
    labels = [t.text for t in root.iter(SVG + "text") if t.get("class") == "limit"]
    assert any(label and label.startswith("unanswered") for label in labels)


def test_a_bar_moves_when_the_policy_window_changes(tmp_path, capsys):
    policy = tmp_path / "later_thanks.yaml"
    policy.write_text(LATER_THANKS, encoding="utf-8")
    common = [PANEL, "--from", FROM, "--to", TO, "--at", AT, "--format", "svg"]
    before = _svg(capsys, *common)
    after = _svg(capsys, *common, "--policy", str(policy))
    (old,) = _bars(before, "send_thank_you", "Sam Ortiz")
    (new,) = _bars(after, "send_thank_you", "Sam Ortiz")
    assert as_moment(new.get("data-start")) == as_moment("2026-03-04T10:00:00+01:00")
    assert float(_window(new).get("x")) == pytest.approx(
        _x(after, "2026-03-04T10:00:00+01:00"), abs=0.01)
    assert float(_window(new).get("x")) > float(_window(old).get("x")) + 50


def test_compare_draws_both_policies_in_the_same_rows(tmp_path, capsys):
    root = _svg(capsys, PANEL, "--from", FROM, "--to", TO, "--at", AT, "--format", "svg",
                "--compare", "modern")
    bars = _bars(root, "send_thank_you", "Sam Ortiz")
    assert sorted((b.get("data-lane"), b.get("data-policy")) for b in bars) == [
        ("0", "standard"), ("1", "modern")]
    standard, modern = sorted(bars, key=lambda b: b.get("data-lane"))
    # modern: 3 days at the latest, standard: a week
    assert as_moment(modern.get("data-end")) < as_moment(standard.get("data-end"))
    assert float(_window(modern).get("y")) > float(_window(standard).get("y"))
    # a row drawn only by classic's handwritten note would be a row of its own
    rows = [g for g in root.iter(SVG + "g") if g.get("class") == "row"]
    assert len(rows) == len({(r.get("data-action"), r.get("data-to")) for r in rows})


def test_html_is_a_standalone_page(capsys):
    assert main(["simulate", PANEL, "--from", FROM, "--to", TO, "--at", AT,
                 "--format", "html"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!DOCTYPE html>")
    assert "<svg" in out and "http://" not in out.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in out and "src=" not in out


def test_same_input_same_bytes_whatever_the_hash_seed(tmp_path):
    args = [sys.executable, "-m", "rulebook.cli", "simulate", PANEL, "--from", FROM, "--to", TO,
            "--at", AT, "--format", "svg", "--compare", "classic"]
    outs = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "LC_ALL": "C.UTF-8", "TZ": "Asia/Tokyo"}
        done = subprocess.run(args, capture_output=True, env=env, timeout=120, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        outs.append(done.stdout)
    assert outs[0] == outs[1]
    assert outs[0].count(b'class="bar"') > 5


def test_gone_marks_where_the_advice_stopped_listing_it():
    book = Rulebook.load("standard")
    doc = {"timezone": "UTC", "events": [
        {"type": "interview", "at": "2026-03-02T10:00:00+00:00", "interviewers": [{"name": "Ana"}]},
        {"type": "thank_you_sent", "at": "2026-03-04T12:00:00+00:00", "to": "Ana",
         "channel": "email"}]}
    timeline = load_timeline_from(doc)
    start, end = as_moment("2026-03-02T11:00:00+00:00"), as_moment("2026-03-12T11:00:00+00:00")
    advices = advice_over(book, timeline, start, end)
    bars = collect(advices)
    (thanks,) = [b for b in bars if b.action == "send_thank_you"]
    # listed until the thank-you of the 4th at 12:00; gone at the first evaluation that
    # sees it (the evaluation moments are simulate's to choose)
    sent = as_moment("2026-03-04T12:00:00+00:00")
    assert thanks.seen[0] == start and thanks.seen[-1] < sent
    assert thanks.gone == min(a.at for a in advices if a.at >= sent)
    svg = picture(timeline, start, end, [("standard", advice_over(book, timeline, start, end))])
    root = ET.fromstring(svg)
    (bar,) = _bars(root, "send_thank_you", "Ana")
    assert any(p.get("class") == "gone" for p in bar.iter(SVG + "path"))
    after = next(r for r in bar.iter(SVG + "rect") if r.get("class") == "after")
    assert float(after.get("x")) == pytest.approx(_x(root, thanks.gone.isoformat()), abs=0.01)
    assert float(after.get("x")) + float(after.get("width")) == pytest.approx(
        _x(root, "2026-03-09T10:00:00+00:00"), abs=0.02)  # the window's end: a week


def load_timeline_from(doc: dict):
    from rulebook.api import as_timeline

    return as_timeline(doc)


@pytest.mark.parametrize("args, message", [
    (["--to", "2026-03-01T09:00:00+01:00"], "--to:0:0: the period ends before it starts"),
    (["--to", "2027-06-01T09:00:00+01:00"], "--to:0:0: simulate at most 366 days"),
    (["--to", TO, "--follow-advice"], "--follow-advice:0:0: the picture shows the advice as given"),
])
def test_bad_period_is_a_located_error(capsys, args, message):
    assert main(["simulate", PANEL, "--from", FROM, "--at", AT, "--format", "svg", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(message)


def test_days_are_labelled_without_the_locale(capsys):
    root = _svg(capsys, PANEL, "--from", FROM, "--to", TO, "--at", AT, "--format", "svg")
    labels = [t.text for t in root.iter(SVG + "text") if t.get("font-size") == "10"]
    assert labels[0] == "Tu 03" and "Mo 09" in labels
    assert dt.date(2026, 3, 3).weekday() == 1


def test_text_from_the_input_is_escaped_and_reasons_keep_their_lines():
    book = Rulebook.load("standard")
    hostile = '<img src=x onerror="alert(1)"> & </title><script>x</script>'
    timeline = load_timeline_from({"timezone": "UTC", "events": [
        {"type": "interview", "at": "2026-03-02T10:00:00+00:00",
         "interviewers": [{"name": hostile}]}]})
    start, end = as_moment("2026-03-02T11:00:00+00:00"), as_moment("2026-03-09T11:00:00+00:00")
    svg = picture(timeline, start, end, [("standard", advice_over(book, timeline, start, end))],
                  title=hostile)
    root = ET.fromstring(svg)  # still well-formed XML
    assert "<img" not in svg and "<script" not in svg
    (bar,) = _bars(root, "send_thank_you", hostile)
    reason = bar.get("data-reason")
    assert hostile in reason and "\n" in reason
    assert reason == bar.find(SVG + "title").text
