"""Scenario files: expected vs actual, located errors, and the pytest plugin."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from rulebook.cli import main

SCENARIOS = textwrap.dedent("""\
    policy: standard
    scenarios:
      - name: thanks the next morning
        events:
          timezone: Europe/Berlin
          events:
            - {type: interview, at: 2026-03-02T10:00:00+01:00, interviewers: [{name: Dana Lee}]}
        at: 2026-03-03T09:00:00+01:00
        expect: [{action: send_thank_you, to: dana lee, channel: email}]
      - name: wrong on purpose
        events:
          timezone: Europe/Berlin
          events:
            - {type: interview, at: 2026-03-02T10:00:00+01:00, interviewers: [{name: Dana Lee}]}
        at: 2026-03-03T09:00:00+01:00
        expect: [{action: send_thank_you, channel: letter}]
        forbid: [{action: write_notes}]
    """)


def test_failures_print_expected_and_actual(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIOS)
    code = main(["test", "standard", "--scenarios", str(path), "--examples", "0"])
    out = capsys.readouterr().out
    assert code == 1
    assert "ok    scenario: thanks the next morning" in out
    assert f"FAIL  scenario: wrong on purpose ({path}:10)" in out
    assert "expected do now: action=send_thank_you, channel=letter" in out
    assert "actual do now: " in out and "send_thank_you to=Dana Lee channel=email" in out
    assert "forbidden action=write_notes" in out


def test_passing_scenarios_exit_0(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIOS.split("  - name: wrong on purpose")[0])
    assert main(["test", "standard", "--scenarios", str(path), "--examples", "0"]) == 0
    assert "passed: 1 scenarios, 0 invariants" in capsys.readouterr().out


def test_invalid_scenarios_are_located_errors(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIOS.replace("forbid:", "forbidd:"))
    code = main(["test", "standard", "--scenarios", str(path), "--examples", "0"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{path}:17:5: unknown key 'forbidd'" in err and "forbid" in err.split("forbidd")[1]
    path.write_text(SCENARIOS.replace("type: interview,", "type: intervew,", 1))
    code = main(["test", "standard", "--scenarios", str(path), "--examples", "0"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{path}:7:18: unknown event type 'intervew'" in err


def test_min_coverage_fails_under_the_threshold(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIOS.split("  - name: wrong on purpose")[0])
    code = main(["test", "standard", "--scenarios", str(path), "--examples", "0",
                 "--min-coverage", "90"])
    out = capsys.readouterr().out
    assert code == 1 and "FAIL  coverage under 90%" in out
    assert "entries never matched:" in out and "rules.retry_call" in out


def test_pytest_plugin_collects_scenario_files(tmp_path):
    (tmp_path / "mine.scenarios.yaml").write_text(SCENARIOS)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "mine.scenarios.yaml"], cwd=tmp_path, capture_output=True, text=True)
    assert "1 failed, 1 passed" in run.stdout, run.stdout + run.stderr
    assert "scenario 'wrong on purpose' failed" in run.stdout
    assert "expected do now: action=send_thank_you, channel=letter" in run.stdout
