"""Scenario files: expected vs actual, located errors, and the pytest plugin."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from pathlib import Path

from rulebook.cli import main

ROOT = Path(__file__).resolve().parent.parent

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


REJECTED = textwrap.dedent("""\
    scenarios:
      - name: rejected
        events:
          timezone: Europe/Berlin
          events:
            - {type: interview, at: 2026-03-02T10:00:00+01:00, interviewers: [{name: Dana Lee}]}
            - {type: thank_you_sent, at: 2026-03-02T15:00:00+01:00, to: Dana Lee, channel: email}
            - {type: reply, at: 2026-03-06T10:00:00+01:00, kind: rejection, from: Dana Lee}
        at: 2026-03-06T12:00:00+01:00
        EXPECT
    """)


def scenario(tmp_path, body, name="s.yaml"):
    path = tmp_path / name
    path.write_text(REJECTED.replace("EXPECT", body))
    return path


def test_expectations_naming_nothing_are_located_errors(tmp_path, capsys):
    """Issue 9: `forbid: [{action: chek_in}]` passed, and the test tested nothing."""
    path = scenario(tmp_path, "forbid: [{action: chek_in}, {channel: fax}, {rule: gracious}]\n"
                    "    held_back: [{limit: rejectd, to: Dana Leee}]")
    code = main(["test", "standard", "--scenarios", str(path), "--examples", "0"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err == [
        f"{path}:10:23: no rule of policy 'standard' recommends 'chek_in' (did you mean "
        "'check_in'?)",
        f"{path}:10:43: policy 'standard' never recommends the channel 'fax' (allowed: "
        "email, handwritten_note, in_person, letter, linkedin, phone)",
        f"{path}:10:56: policy 'standard' has no rule 'gracious' (did you mean "
        "'gracious_reply'?)",
        f"{path}:11:25: policy 'standard' has no limit 'rejectd' (did you mean 'rejected'?)",
        f"{path}:11:38: no one called 'Dana Leee' is in this scenario's events (did you mean "
        "'Dana Lee'?)"]


def test_by_when_and_held_back_until(tmp_path, capsys):
    body = ("expect:\n"
            "      - {action: gracious_reply, to: Dana Lee, due_by: 2026-03-07T10:00:00+01:00,\n"
            "         ends_by: 2026-03-13T10:00:00+01:00}")
    path = scenario(tmp_path, body)
    assert main(["test", "standard", "--scenarios", str(path), "--examples", "0"]) == 0
    silent = tmp_path / "silent.yaml"
    silent.write_text(f"""\
scenarios:
  - name: two unanswered contacts
    events: {ROOT / 'examples/silent.yaml'}
    at: 2026-05-18T09:00:00+01:00
    held_back:
      - {{action: check_in, limit: unanswered_contacts, until: 2026-05-25T10:00:00+01:00,
         due_by: 2026-05-19T11:00:00+01:00}}
""")
    assert main(["test", "standard", "--scenarios", str(silent), "--examples", "0"]) == 0
    silent.write_text(silent.read_text().replace("25T10", "25T11"))
    assert main(["test", "standard", "--scenarios", str(silent), "--examples", "0"]) == 1
    assert "until=2026-05-25T10:00:00+01:00" in capsys.readouterr().out
    # `until: null` means held back for good: the rejection's hold on the thank-you
    path = scenario(tmp_path, "held_back: [{action: send_thank_you, limit: rejected, until: null}]")
    path.write_text("\n".join(line for line in path.read_text().splitlines()
                              if "thank_you_sent" not in line) + "\n")
    assert main(["test", "standard", "--scenarios", str(path), "--examples", "0"]) == 0
    silent.write_text(silent.read_text().replace("until: 2026-05-25T11:00:00+01:00", "until: null"))
    assert main(["test", "standard", "--scenarios", str(silent), "--examples", "0"]) == 1
    assert "expected held back: action=check_in, limit=unanswered_contacts, due_by=" \
           "2026-05-19T11:00:00+01:00, until=for good" in capsys.readouterr().out
    path = scenario(tmp_path, body.replace("2026-03-07T10", "2026-03-07T09"))
    assert main(["test", "standard", "--scenarios", str(path), "--examples", "0"]) == 1
    out = capsys.readouterr().out
    assert "expected do now: action=gracious_reply, to=Dana Lee, " \
           "due_by=2026-03-07T09:00:00+01:00" in out
    assert "due=2026-03-07T10:00:00+01:00" in out


def test_exactly_means_nothing_else(tmp_path, capsys):
    """Issue 9: scenarios could not say "nothing else"."""
    path = scenario(tmp_path, "expect: [{action: gracious_reply}]\n    exactly: [expect]")
    assert main(["test", "standard", "--scenarios", str(path), "--examples", "0"]) == 1
    out = capsys.readouterr().out
    assert "expected do now exactly: action=gracious_reply" in out
    assert "but also do now: request_feedback" in out
    path = scenario(tmp_path, "expect: [{action: gracious_reply}, {action: request_feedback}]\n"
                    "    exactly: [expect]")
    assert main(["test", "standard", "--scenarios", str(path), "--examples", "0"]) == 0


def test_scenarios_beside_the_policy_are_found(tmp_path, capsys):
    """Issue 9: `rulebook test my_copy.yaml` ran 0 scenarios unless --scenarios was given."""
    policy = tmp_path / "my_copy.yaml"
    policy.write_text("policy: my_copy\nextends: standard\n")
    assert main(["test", str(policy), "--examples", "0"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (f"no scenarios: {tmp_path}/my_copy.scenarios.yaml does not "
                                   "exist (write one, or give --scenarios); running the "
                                   "invariants only")
    scenario(tmp_path, "expect: [{action: gracious_reply}]", "my_copy.scenarios.yaml")
    assert main(["test", str(policy), "--examples", "0"]) == 0
    assert "passed: 1 scenarios" in capsys.readouterr().out


def test_the_policy_key_means_the_same_to_test_and_to_pytest(tmp_path, capsys):
    """Issue 9: `rulebook test` ignored `policy:`; the plugin failed to collect."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.yaml").write_text("policy: mine\nextends: standard\n"
                                                  "rules:\n  request_feedback:\n"
                                                  "    enabled: false\n")
    path = tmp_path / "checks.scenarios.yaml"
    path.write_text("policy: rules/mine.yaml\n" + REJECTED.replace(
        "EXPECT", "expect: [{action: gracious_reply}]\n    exactly: [expect]"))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          path.name], cwd=tmp_path, capture_output=True, text=True)
    assert "1 passed" in run.stdout, run.stdout + run.stderr
    assert main(["test", str(tmp_path / "rules" / "mine.yaml"), "--scenarios", str(path),
                 "--examples", "0"]) == 0
    assert main(["test", "standard", "--scenarios", str(path), "--examples", "0"]) == 2
    assert (f"{path}:1:9: these scenarios are for 'rules/mine.yaml', not for 'standard'"
            in capsys.readouterr().err)


def test_the_plugin_reports_an_invalid_file_located(tmp_path):
    (tmp_path / "mine.scenarios.yaml").write_text(SCENARIOS.replace("write_notes", "writ_notes"))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "mine.scenarios.yaml"], cwd=tmp_path, capture_output=True, text=True)
    assert "mine.scenarios.yaml:17:23: no rule of policy 'standard' recommends 'writ_notes' " \
           "(did you mean 'write_notes'?)" in run.stdout, run.stdout
    assert "Traceback" not in run.stdout


def test_the_readme_scenario_passes(tmp_path, capsys):
    readme = (ROOT / "README.md").read_text()
    start = readme.index('scenarios:\n  - name: "rejected:')
    text = readme[start:readme.index("```", start)]
    path = tmp_path / "readme.scenarios.yaml"
    path.write_text(text)
    assert main(["test", "standard", "--scenarios", str(path), "--examples", "0"]) == 0, \
        capsys.readouterr().out
