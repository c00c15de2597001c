"""`rulebook replay LOG --policy NEW`: the logged inputs under another policy, compared."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import orjson

from rulebook import Rulebook
from rulebook.cli import main
from rulebook.service.decisions import decision, input_digest
from rulebook.source import load_file

ROOT = Path(__file__).resolve().parent.parent
PANEL = load_file(ROOT / "examples/panel.yaml").data
SILENT = load_file(ROOT / "examples/silent.yaml").data
TIME = dt.datetime(2026, 3, 3, 8, tzinfo=dt.timezone.utc)


def write_log(path: Path, book: Rulebook, extra: bytes = b"") -> None:
    lines = []
    for i, (events, at) in enumerate([(PANEL, "2026-03-03T09:00:00+01:00"),
                                      (SILENT, "2026-05-18T09:00:00+01:00"),
                                      (PANEL, "2026-03-20T09:00:00+01:00")]):
        lines.append(decision(f"r{i}", TIME, f"app-{i}", events, book.recommend(events, at)))
    path.write_bytes(b"\n".join(lines[:2]) + b"\n" + extra + lines[2] + b"\n")


def test_the_same_policy_changes_nothing(tmp_path, capsys):
    write_log(tmp_path / "log.jsonl", Rulebook.load("standard"))
    assert main(["replay", str(tmp_path / "log.jsonl"), "--policy", "standard",
                 "--exit-code"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("replayed 3 decision(s) answered by standard ")
    assert out.rstrip().endswith(": 0 would change")


def test_a_new_policy_shows_what_would_have_changed(tmp_path, capsys):
    write_log(tmp_path / "log.jsonl", Rulebook.load("standard"))
    assert main(["replay", str(tmp_path / "log.jsonl"), "--policy", "classic",
                 "--exit-code"]) == 1
    out = capsys.readouterr().out
    assert "added: " in out and "send_handwritten_note" in out
    assert "e.g. request r0 (id app-0) at Tue 03 Mar 2026 09:00: send_handwritten_note" in out
    assert main(["replay", str(tmp_path / "log.jsonl"), "--policy", "classic",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decisions"] == 3 and data["changed"] == len(data["changes"]) >= 1
    first = data["changes"][0]
    assert first["request_id"] == "r0" and first["at"] == "2026-03-03T09:00:00+01:00"
    assert {"kind": "added", "action": "send_handwritten_note", "to": "Dana Lee",
            "old": "nothing", "new": "to do now, due Wed 04 Mar 10:00"} in first["changes"]


def test_a_bad_log_line_is_located_and_the_others_are_replayed(tmp_path, capsys):
    write_log(tmp_path / "log.jsonl", Rulebook.load("standard"),
              b'{"request_id": "x"}\n{oops\n')
    assert main(["replay", str(tmp_path / "log.jsonl"), "--policy", "standard"]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith("replayed 3 decision(s)")
    name = str(tmp_path / "log.jsonl")
    first, second = captured.err.splitlines()
    assert first == (f"{name}:3:1: not a decision: a line has 'request_id', 'input' (with "
                     "'events' and 'at') and 'advice'")
    assert second.startswith(f"{name}:4:2: not JSON: ")


def test_a_log_line_carries_what_a_tracker_needs():
    book = Rulebook.load("standard")
    advice = book.recommend(PANEL, "2026-03-03T09:00:00+01:00")
    entry = orjson.loads(decision("r1", TIME, 7, PANEL, advice))
    assert list(entry) == ["request_id", "time", "id", "policy", "policy_digest",
                           "input_digest", "input", "advice"]
    assert entry["time"] == "2026-03-03T08:00:00.000+00:00"
    assert entry["policy_digest"] == book.digest
    assert entry["input_digest"] == input_digest(PANEL, advice.at)
    assert entry["advice"] == json.loads(advice.to_json())
    # the digest does not depend on the order of the keys a client sent
    reordered = json.loads(json.dumps(PANEL, sort_keys=True))
    assert input_digest(reordered, advice.at) == entry["input_digest"]
