"""The coach's walk-through (README, "A walk-through"), step by step, through the CLI.

A coach layers a policy on the standard one to thank by handwritten note within 48
hours, makes three typos, checks, fixes, formats, compares with the standard policy and
explains a timeline; then cites a guideline of their own, writes a scenario with a
deadline and "nothing else" (a typo in it is caught, and `exactly` shows what was
forgotten), adds a limit with a count ("three unanswered contacts, then stop") and a
scenario for it, and describes what the layer changes in plain words.
"""

from pathlib import Path

import pytest

from rulebook.cli import main

ROOT = Path(__file__).resolve().parent.parent
PANEL = str(ROOT / "examples/panel.yaml")

WITH_TYPOS = """\
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
TYPOS = {"handwriten_note": "handwritten_note", "fallbak": "fallback", "48hr": "48h"}

OWN_GUIDELINE = """
guidelines:
  MP1: A note by hand after every interview; clients say it is what they remember.
"""
SCENARIO = """\
scenarios:
  - name: a note for each interviewer within two days, and nothing else to do yet
    events:
      timezone: Europe/Berlin
      events:
        - type: interview
          at: 2026-03-02T10:00:00+01:00
          interviewers: [{name: Dana Lee}, {name: Sam Ortiz}]
        - {type: next_steps, at: 2026-03-02T11:00:00+01:00, decision_by: 2026-03-20}
    at: 2026-03-03T11:00:00+01:00
    expect:
      - {action: send_thank_you, to: Dana Lee, channel: handwritten_note,
         due_by: 2026-03-04T10:00:00+01:00}
      - {action: send_thank_you, to: Sam Ortiz, channel: handwriten_note,
         due_by: 2026-03-04T10:00:00+01:00}
    exactly: [expect]
"""


COUNT_LIMIT = """
  three_contacts:
    # Three contacts and no answer: my clients move on.
    sources: [MP2]
    applies_to: [follow_up_call, retry_call, check_in, periodic_check_in, final_nudge,
                 send_follow_up_email]
    when:
      s: {fact: silence}
    count:
      - {fact: contact, after: s, at_least: 3}
    reason: Three contacts since the interview and no answer; leave it there.

# My clients read English (standard also promises German, which this limit lacks).
languages: [en]
"""
COUNT_SCENARIO = """  - name: the third unanswered contact ends the follow-up, for good
    events:
      timezone: Europe/Berlin
      events:
        - {type: interview, at: 2026-03-02T10:00:00+01:00, interviewers: [{name: Dana Lee}]}
        - {type: thank_you_sent, at: 2026-03-02T18:00:00+01:00, to: Dana Lee, channel: email}
        - {type: call, at: 2026-03-09T10:00:00+01:00, outcome: voicemail}
        - {type: follow_up_sent, at: 2026-03-16T10:00:00+01:00, channel: email}
        - {type: call, at: 2026-03-27T10:00:00+01:00, outcome: no_answer}
    at: 2026-03-27T11:00:00+01:00
    held_back: [{action: final_nudge, limit: three_contacts, until: null}]
    exactly: [held_back]
"""


def cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def policy(tmp_path):
    path = tmp_path / "my_practice.yaml"
    path.write_text(WITH_TYPOS)
    return path


def test_walkthrough(policy, capsys):
    # 1. check reports all three typos at once, each located, each with a hint
    code, out, err = cli(capsys, "check", str(policy))
    assert code == 2
    assert err.splitlines() == [
        f"{policy}:8:24: 'default': 'handwriten_note' is not one of the allowed values "
        "(did you mean 'handwritten_note'? allowed: email, phone, handwritten_note, letter, "
        "linkedin, in_person)",
        f"{policy}:8:41: unknown key 'fallbak' (did you mean 'fallback'?)",
        f"{policy}:10:19: 'due': 'p + 48hr' is not a time expression (write a name and "
        "offsets in m, h, d, w or bd (business days), e.g. iv + 24h, n.decision_by + 1bd, "
        "now - 14d)",
    ]
    assert out == "3 error(s), 0 warning(s) in 1 policy file(s)\n"

    # 2. fixed, the policy is clean, strictly
    text = WITH_TYPOS
    for wrong, right in TYPOS.items():
        text = text.replace(wrong, right)
    policy.write_text(text)
    assert cli(capsys, "check", "--strict", str(policy)) == (0, "", "")

    # 3. fmt puts keys in the canonical order and keeps every comment; twice is once
    code, out, _ = cli(capsys, "fmt", str(policy))
    formatted = policy.read_text()
    assert code == 0 and out == f"formatted {policy}\n"
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            assert line in formatted
    lines = [line.strip() for line in formatted.splitlines()]
    window = next(i for i, line in enumerate(lines) if line.startswith("window:"))
    assert lines[window - 1] == "# Two days leaves time for the post."
    assert lines[window + 1] == "# A handwritten note is remembered; email if no address for the post."
    assert lines[window + 2].startswith("channel:")
    assert cli(capsys, "fmt", str(policy)) == (0, "", "")
    assert policy.read_text() == formatted
    assert cli(capsys, "fmt", "--check", str(policy))[0] == 0

    # 4. diff against standard: only the thank-you's channel and timing change
    code, out, _ = cli(capsys, "diff", "standard", str(policy), "--generated", "40")
    assert code == 0
    summary = [line.split(":")[0] + ": " + line.rsplit(": ", 1)[1]
               for line in out.splitlines() if not line.startswith(("  ", "compared"))]
    kinds = {line.split(":")[0] for line in summary}
    assert kinds == {"channel", "timing"}
    assert all(line.endswith(tuple(f"send_thank_you {n}" for n in range(1, 1000)))
               for line in summary)
    assert ("  e.g. examples/panel.yaml at Mon 02 Mar 2026 10:00: send_thank_you to Dana Lee: "
            "due Tue 03 Mar 10:00 -> due Wed 04 Mar 10:00") in out

    # 5. explain a timeline: who gets a note, who does not, and why
    code, out, _ = cli(capsys, "explain", PANEL, "--policy", str(policy),
                       "--at", "2026-03-03T09:00:00+01:00", "--rule", "send_thank_you")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "rule send_thank_you: matched 2x"
    assert ("  not with p = interviewer Dana Lee (Mon 2 Mar 2026, 10:00): absent pattern 1 "
            "(thank_you_sent, to = p.name, after p) is matched by thank_you_sent Dana Lee "
            "(Mon 2 Mar 2026, 18:30)") in lines
    assert ("  -> do now: send_thank_you to Priya Natarajan by handwritten_note, due Wed 4 Mar "
            "2026, 10:00") in lines

    # 6. a guideline of the coach's own, cited like the built-in ones
    text = policy.read_text().replace("\nrules:", OWN_GUIDELINE + "\nrules:").replace(
        "  send_thank_you:\n", "  send_thank_you:\n    sources: [G5, G6, G7, G8, G9, G21, MP1]\n")
    policy.write_text(text)
    assert cli(capsys, "check", "--strict", str(policy)) == (0, "", "")
    code, out, _ = cli(capsys, "guidelines", "--policy", str(policy))
    assert out.splitlines()[-1] == ("MP1  (my_practice) A note by hand after every interview; "
                                    "clients say it is what they remember.")

    # 7. a scenario with a deadline and "nothing else": the typo is caught first...
    scenarios = policy.with_name("my_practice.scenarios.yaml")
    scenarios.write_text(SCENARIO)
    code, out, err = cli(capsys, "test", str(policy), "--examples", "0")
    assert code == 2 and out == ""
    assert err == (f"{scenarios}:14:58: policy 'my_practice' never recommends the channel "
                   "'handwriten_note' (did you mean 'handwritten_note'?)\n")
    # ...then `exactly` shows what the scenario forgot: keep the search going
    scenarios.write_text(SCENARIO.replace("handwriten_note", "handwritten_note"))
    code, out, _ = cli(capsys, "test", str(policy), "--examples", "0")
    assert code == 1
    assert out.splitlines()[2] == ("      but also do now: continue_search rule=continue_search "
                                   "due=2026-03-09T10:00:00+01:00")
    scenarios.write_text(SCENARIO.replace("handwriten_note", "handwritten_note").replace(
        "    exactly:", "      - {action: continue_search}\n    exactly:"))
    code, out, _ = cli(capsys, "test", str(policy), "--examples", "0")
    assert code == 0, out
    assert out.splitlines()[0] == ("ok    scenario: a note for each interviewer within two days, "
                                   "and nothing else to do yet")
    assert "guidelines exercised: G3, G4, G5" in out and out.count("MP1") == 1
    assert out.endswith("passed: 1 scenarios, 0 invariants\n")

    # 8. a count: three unanswered contacts, then stop for good (a guideline of its own)
    text = policy.read_text().replace(
        "\nrules:", "  MP2: Three contacts without an answer are enough; then move on.\n\nrules:")
    policy.write_text(text + "\nlimits:" + COUNT_LIMIT)
    assert cli(capsys, "check", "--strict", str(policy)) == (0, "", "")
    scenarios.write_text(scenarios.read_text() + COUNT_SCENARIO)
    code, out, _ = cli(capsys, "test", str(policy), "--examples", "0")
    assert code == 0, out
    assert out.splitlines()[1] == ("ok    scenario: the third unanswered contact ends the "
                                   "follow-up, for good")
    assert "MP2" in out.split("guidelines exercised:")[1].splitlines()[0]

    # 9. the layer in plain words: only what it changes
    code, out, _ = cli(capsys, "describe", "standard", "--diff", str(policy))
    assert code == 0
    assert out.splitlines()[:9] == [
        "# What my_practice changes in standard", "",
        "## What it recommends", "",
        "### send_thank_you: changed", "",
        "- **Due by:** 48 hours after the interview",
        "  (was: 24 hours after the interview)",
        "- **Channel:** the employer's stated channel first, else handwritten note else email"]
    assert block_of(out, "### three_contacts: new limit") == [
        "- **Stops:** follow up call, retry call, check in, periodic check in, final nudge, "
        "send follow up email",
        "- **When:** for each silence (s)",
        "- **Only if there are:** at least 3 of: a contact after the silence",
        "- **For how long:** for good",
        "- **Guidelines:** MP2 (Three contacts without an answer are enough; then move on.)"]


def block_of(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(title) + 2
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith(("-", "  "))),
               len(lines))
    return lines[start:end]
