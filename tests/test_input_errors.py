"""Bad events files and bad policies end with exit 2 and located messages, nothing run."""

from __future__ import annotations

import re
import textwrap

import pytest

from rulebook.cli import main

GOOD_EVENTS = """\
events:
  - {type: interview, at: 2026-03-02T10:00:00Z, interviewers: [{name: Dana Lee}]}
"""
AT = ["--at", "2026-03-03T09:00:00Z"]
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def located(err: str) -> list[tuple[int, int, str]]:
    rows = []
    for line in err.strip().splitlines():
        m = LOCATED.match(line)
        assert m, f"not FILE:LINE:COL: {line!r}"
        rows.append((int(m["line"]), int(m["col"]), m["msg"]))
    return rows


@pytest.mark.parametrize("text, line, col, words", [
    ("events:\n  - {type: intervew, at: 2026-03-02}\n", 2, 12, "unknown event type 'intervew'"),
    ("events:\n  - {type: call, at: 2026-03-02}\n", 2, 5, "missing field 'outcome'"),
    ("events:\n  - {type: withdrawn, at: 2026-02-30}\n", 2, 27, "not an ISO 8601"),
    ("timezone: Mars/Olympus\nevents: []\n", 1, 11, "unknown time zone"),
    ("events:\n  - {type: withdrawn, at: [\n", 3, 1, "YAML syntax error"),
    ("events:\n  - {type: withdrawn, at: 2026-03-02, colour: red}\n", 2, 39,
     "unknown field 'colour'"),
    ("events:\n  - {type: call, at: 2026-03-02, outcome: maybe}\n", 2, 43, "'outcome'"),
])
def test_bad_events_are_located(tmp_path, capsys, text, line, col, words):
    path = tmp_path / "events.yaml"
    path.write_text(text)
    code, out, err = run(capsys, "recommend", str(path), *AT)
    assert code == 2 and out == ""
    rows = located(err)
    assert (line, col) in [(r[0], r[1]) for r in rows if words in r[2]], err
    assert "Traceback" not in err


def test_every_problem_of_an_events_file_is_reported(tmp_path, capsys):
    path = tmp_path / "events.yaml"
    path.write_text(textwrap.dedent("""\
        events:
          - {type: intervew, at: 2026-03-02}
          - {type: call, at: 2026-03-02}
          - {type: reply, at: yesterday, kind: offer}
        """))
    code, _, err = run(capsys, "recommend", str(path), *AT)
    assert code == 2
    assert [r[0] for r in located(err)] == [2, 3, 4]


def test_python_tags_are_refused_and_never_run(tmp_path, capsys):
    marker = tmp_path / "pwned"
    path = tmp_path / "events.yaml"
    path.write_text(f'events: !!python/object/apply:os.system ["touch {marker}"]\n')
    code, _, err = run(capsys, "recommend", str(path), *AT)
    assert code == 2 and "tag" in err and "not allowed" in err
    assert not marker.exists()


def test_an_alias_bomb_is_refused_quickly(tmp_path, capsys):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 30):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]")
    lines.append("events: *a29")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    code, _, err = run(capsys, "recommend", str(path), *AT)
    assert code == 2 and "anchors and aliases are not allowed" in err


def test_events_from_standard_input(monkeypatch, capsys):
    import io
    import json

    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD_EVENTS))
    code, out, _ = run(capsys, "recommend", "-", *AT, "--format", "json")
    assert code == 0
    assert json.loads(out)["policy"] == "standard"


def test_a_missing_events_file(capsys):
    code, _, err = run(capsys, "recommend", "/no/such/events.yaml", *AT)
    assert code == 2 and "no such file" in err


def test_an_unknown_shipped_policy_gets_a_hint(tmp_path, capsys):
    path = tmp_path / "e.yaml"
    path.write_text(GOOD_EVENTS)
    code, _, err = run(capsys, "recommend", str(path), "--policy", "standrd", *AT)
    assert code == 2 and "did you mean 'standard'" in err


def test_a_naive_evaluation_time_is_refused(tmp_path, capsys):
    path = tmp_path / "e.yaml"
    path.write_text(GOOD_EVENTS)
    code, _, err = run(capsys, "recommend", str(path), "--at", "2026-03-03T09:00:00")
    assert code == 2 and "offset" in err


BAD_POLICY = """\
policy: broken
rules:
  thanks:
    action: send_thank_you
    sources: [G5, G99]
    when:
      p: {fact: intervewer}
    to: p.name
    window: {start: p, due: p + 24x}
    reason: Thank {p.name}.
  call:
    action: follow_up_call
    sources: [G12]
    when:
      i: {fact: interview, where: {round: "two"}}
    window: {start: i + 5d, due: i + 7d, end: j + 10d}
    reason: Call about {i.colour}.
"""


def test_every_problem_of_a_policy_is_located(tmp_path, capsys):
    policy = tmp_path / "broken.yaml"
    policy.write_text(BAD_POLICY)
    events = tmp_path / "e.yaml"
    events.write_text(GOOD_EVENTS)
    code, out, err = run(capsys, "recommend", str(events), "--policy", str(policy), *AT)
    assert code == 2 and out == ""
    rows = located(err)
    assert all(str(policy) in line for line in err.splitlines())
    assert any("24x" in r[2] and r[0] == 9 for r in rows), err


def test_semantic_policy_problems_all_at_once(tmp_path, capsys):
    policy = tmp_path / "broken.yaml"
    policy.write_text(BAD_POLICY.replace("p + 24x", "p + 24h"))
    events = tmp_path / "e.yaml"
    events.write_text(GOOD_EVENTS)
    code, _, err = run(capsys, "recommend", str(events), "--policy", str(policy), *AT)
    assert code == 2
    found = {(r[0], r[2].split(" (")[0]) for r in located(err)}
    assert (5, "no guideline 'G99' in the catalogue") in found
    assert (7, "unknown fact type 'intervewer'") in found
    assert (15, "expected a whole number, not 'two'") in found
    assert (16, "'j' is not a bound name") in found
    assert (17, "reason names '{i.colour}', but 'i' has no field 'colour'") in found


def test_policy_yaml_tags_are_refused(tmp_path, capsys):
    policy = tmp_path / "p.yaml"
    policy.write_text("policy: !!python/name:os.system x\n")
    events = tmp_path / "e.yaml"
    events.write_text(GOOD_EVENTS)
    code, _, err = run(capsys, "recommend", str(events), "--policy", str(policy), *AT)
    assert code == 2 and f"{policy}:1:9:" in err
