"""The playground's JSON endpoints, over HTTP from a real ``rulebook playground`` server."""

from __future__ import annotations

import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from servers import call, running_playground
from rulebook import Rulebook
from rulebook.commands.check import problems_of
from rulebook.fmt import format_text
from rulebook.source import MAX_BYTES
from rulebook.testing.scenarios import load_scenarios, run_scenario

ROOT = Path(__file__).resolve().parent.parent
PANEL = (ROOT / "examples" / "panel.yaml").read_text(encoding="utf-8")
TYPOS = """\
# My practice: the standard policy, with a personal touch.
policy: my_practice
extends: standard

rules:
  send_thank_you:
    # A handwritten note is remembered; email if no address for the post.
    channel: {default: handwriten_note, fallbak: [email]}
    # Two days leaves time for the post.
    window: {due: p + 48hr}
"""
FIXED = TYPOS.replace("handwriten", "handwritten").replace("fallbak", "fallback").replace(
    "48hr", "48h")


@pytest.fixture(scope="module")
def url():
    with running_playground() as address:
        yield address


def test_page_and_assets_are_served_locally(url):
    with urllib.request.urlopen(url) as response:
        page = response.read().decode()
        csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert 'src="static/app.js"' in page and "http" not in page
    for asset in ("app.js", "style.css"):
        with urllib.request.urlopen(url + "static/" + asset) as response:
            assert response.status == 200
            assert b"https://" not in response.read()
    status, _ = call(url, "../static/../router.py")
    assert status == 404


def test_check_gives_what_rulebook_check_gives(url, tmp_path, monkeypatch):
    status, out = call(url, "check", {"policy": TYPOS})
    assert status == 200
    monkeypatch.chdir(tmp_path)
    Path("policy.yaml").write_text(TYPOS, encoding="utf-8")
    assert [p["text"] for p in out["problems"]] == [str(p) for p in problems_of("policy.yaml")]
    assert [(p["line"], p["col"]) for p in out["problems"]] == [(8, 24), (8, 41), (10, 19)]
    assert call(url, "check", {"policy": FIXED})[1] == {"problems": []}


def test_a_page_policy_extends_shipped_policies_only(url):
    status, out = call(url, "check", {"policy": "policy: x\nextends: ../../etc/passwd\n"})
    (problem,) = out["problems"]
    assert problem["text"].startswith("policy.yaml:2:10: '../../etc/passwd': in the playground")


def test_picture_of_page_input(url):
    status, out = call(url, "picture", {"policy": FIXED, "events": PANEL})
    assert status == 200, out
    # the period fits the timeline: five weeks from the day of its first interview
    assert (out["from"], out["to"]) == ("2026-03-02T09:00:00+01:00", "2026-04-06T09:00:00+02:00")
    assert out["at"] == "2026-03-02T18:30:00+01:00"  # its last event
    root = ET.fromstring(out["svg"])
    bars = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "bar"
            and g.get("data-action") == "send_thank_you"]
    assert {"Sam Ortiz", "Priya Natarajan"} <= {b.get("data-to") for b in bars}
    assert all(b.get("data-due") == "2026-03-04T10:00:00+01:00" for b in bars)  # p + 48h
    status, out = call(url, "picture", {"policy": FIXED, "events": PANEL, "compare": "modern"})
    assert {g.get("data-policy") for g in ET.fromstring(out["svg"]).iter(
        "{http://www.w3.org/2000/svg}g") if g.get("class") == "bar"} == {"my_practice", "modern"}


@pytest.mark.parametrize("body, first", [
    ({"policy": TYPOS}, "policy.yaml:8:24: 'default'"),
    ({"events": PANEL.replace("round: 1", "round: one")}, "events.yaml:"),
    ({"start": "2026-03-02"}, "from:0:0: the evaluation time needs a UTC offset"),
    ({"start": "2026-03-02T09:00:00+01:00", "end": "2027-06-02T09:00:00+01:00"},
     "to:0:0: draw at most 366 days"),
    ({"policy": "policy: x\n" + "#" * (MAX_BYTES - 9)}, "policy.yaml:1:1: file is larger than"),
    ({"compare": "nonesuch"}, "compare:0:0: no shipped policy 'nonesuch'"),
])
def test_bad_input_is_located(url, body, first):
    status, out = call(url, "picture", {"policy": FIXED, "events": PANEL} | body)
    assert status == 422
    assert out["problems"][0]["text"].startswith(first)


def test_format_keeps_comments(url):
    status, out = call(url, "format", {"policy": FIXED})
    assert status == 200
    assert out == {"text": format_text(FIXED, "policy.yaml"), "filename": "my_practice.yaml"}
    assert "# Two days leaves time for the post." in out["text"]
    assert out["text"] != FIXED  # window before channel: the canonical order
    status, out = call(url, "format", {"policy": "policy: [unclosed\n"})
    assert status == 422 and out["problems"][0]["text"].startswith("policy.yaml:")


def test_scenario_replays_what_was_on_screen(url, tmp_path):
    at = "2026-03-03T09:00:00+01:00"
    status, out = call(url, "scenario", {"policy": FIXED, "events": PANEL, "at": at})
    assert status == 200
    assert out["filename"] == "my_practice.scenarios.yaml"
    (tmp_path / "my_practice.yaml").write_text(FIXED, encoding="utf-8")
    path = tmp_path / out["filename"]
    path.write_text(out["text"], encoding="utf-8")
    _, (loaded,) = load_scenarios(path)
    assert loaded.scenario.at.isoformat() == at
    assert {(e.action, e.to, e.channel) for e in loaded.scenario.expect
            if e.action == "send_thank_you"} == {
        ("send_thank_you", "Sam Ortiz", "handwritten_note"),
        ("send_thank_you", "Priya Natarajan", "handwritten_note")}
    outcome, _ = run_scenario(Rulebook.load(tmp_path / "my_practice.yaml"), loaded)
    assert outcome.passed, outcome.failures
    # against the standard policy (email), the same scenario fails
    outcome, _ = run_scenario(Rulebook.load("standard"), loaded)
    assert not outcome.passed


def test_add_event_keeps_the_text_and_validates(url):
    status, out = call(url, "events/add", {"events": PANEL, "type": "thank_you_sent",
                                           "at": "2026-03-03T09:30:00+01:00",
                                           "person": "Sam  Ortiz"})
    assert status == 200
    text = out["events"]
    assert text.startswith(PANEL.split("events:")[0])  # comments and header kept
    assert text.rstrip().endswith("to: Sam Ortiz, channel: email}")
    status, out = call(url, "events/add", {"events": PANEL, "type": "thank_you_sent",
                                           "at": "2026-03-03T09:30", "person": ""})
    assert status == 422
    assert out["problems"][0]["text"].startswith("time:0:0: the evaluation time needs")


def test_a_busy_port_is_a_located_error(capsys):
    import socket

    from rulebook.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["playground", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"--port:0:0: cannot listen on 127.0.0.1:{port}: ")
