"""`rulebook describe`: a policy, and what a layer changes, in a coach's plain words."""

from rulebook.cli import main
from rulebook.describe import describe, describe_diff
from rulebook.load import load_policy

LAYER = """\
policy: my_practice
extends: standard
guidelines:
  NOTE1: After a final round, a handwritten note follows the email.
rules:
  send_thank_you:
    window: {due: p + 48h}
    channel: {default: handwritten_note, fallback: [email]}
  follow_up_call:
    enabled: false
limits:
  unanswered_contacts:
    until: c1 + 21d
"""


def block(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(f"### {title}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    return [line for line in lines[start + 1:end] if line]


def test_a_rule_in_plain_words():
    text = describe(load_policy("standard"))
    assert text.startswith("# Policy standard\n")
    assert block(text, "send_thank_you") == [
        "- **Advice:** send thank you",
        "- **When:** for each interviewer (p)",
        "- **Unless there is:** a thank-you sent whose addressee is the interviewer, after the "
        "interviewer",
        "- **Starts:** right at the interview",
        "- **Due by:** 24 hours after the interview",
        "- **At the latest:** 7 days after the interview",
        "- **To:** the interviewer",
        "- **Channel:** the employer's stated channel first, else email else handwritten note "
        "else letter",
        "- **Held back by:** offer received, rejected, withdrawn, snoozed, snoozed for person, "
        "dismissed, dismissed for person",
        "- **Guidelines:** G5 (thank each interviewer individually); G6 (send the thank-you "
        "promptly); G7 (email first, a handwritten note optional); G8 (keep the thank-you short "
        "and specific); G9 (say when you will check in); G21 (a second interview earns the "
        "same thanks)"]


def test_a_limit_says_what_it_stops_and_for_how_long():
    text = describe(load_policy("standard"))
    lines = block(text, "unanswered_contacts")
    assert lines[0].startswith("- **Stops:** follow up call, retry call, check in")
    assert "- **When:** for each contact (c1); and a contact after the contact c1 (c2)" in lines
    assert "- **For how long:** until 14 days after the contact c1" in lines


def test_describe_diff_says_only_what_the_layer_changes(tmp_path, capsys):
    path = tmp_path / "my_practice.yaml"
    path.write_text(LAYER)
    assert main(["describe", "standard", "--diff", str(path)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# What my_practice changes in standard\n")
    assert block(text, "send_thank_you: changed") == [
        "- **Due by:** 48 hours after the interview",
        "  (was: 24 hours after the interview)",
        "- **Channel:** the employer's stated channel first, else handwritten note else email",
        "  (was: the employer's stated channel first, else email else handwritten note else "
        "letter)"]
    assert block(text, "follow_up_call: switched off") == ["This rule no longer applies."]
    assert block(text, "unanswered_contacts: changed") == [
        "- **For how long:** until 21 days after the contact c1",
        "  (was: until 14 days after the contact c1)"]
    assert "- **NOTE1:** After a final round, a handwritten note follows the email." in text
    assert "retry_call" not in text  # unchanged entries are not repeated


def test_same_policy_nothing_changes(capsys):
    assert describe_diff(load_policy("standard"), load_policy("standard")).endswith(
        "Nothing: both say the same.\n")


def test_every_shipped_policy_is_described_deterministically(capsys):
    for name in ("standard", "classic", "modern"):
        assert main(["describe", name]) == 0
        first = capsys.readouterr().out
        assert main(["describe", name]) == 0
        assert capsys.readouterr().out == first
        assert "{" not in first and "None" not in first


def test_errors_are_located(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("policy: bad\nextends: standard\nrules:\n  send_thank_you:\n"
                   "    window: {due: p + 2x}\n")
    assert main(["describe", str(bad)]) == 2
    assert f"{bad}:5:19: 'due': 'p + 2x' is not a time expression" in capsys.readouterr().err


def test_the_documented_layer_merges_end_null_and_when_key_by_key(tmp_path):
    """README "Layering": `end: null` reopens a window; `when` merges name by name."""
    path = tmp_path / "later_rounds.yaml"
    path.write_text("policy: later_rounds\nextends: standard\nrules:\n  send_thank_you:\n"
                    "    window: {end: null}\n"
                    "    when: {p: {where: {round: {ge: 2}}}}\n")
    text = describe_diff(load_policy("standard"), load_policy(str(path)))
    assert block(text, "send_thank_you: changed") == [
        "- **When:** for each interviewer whose round is at least 2 (p)",
        "  (was: for each interviewer (p))",
        "- **At the latest:** no deadline: until done",
        "  (was: 7 days after the interview)"]
    rule = load_policy(str(path)).policy.rules["send_thank_you"]
    assert rule.window.end is None and rule.when["p"].fact == "interviewer"


def test_a_time_compared_with_a_fact_names_the_fact_itself():
    """``decision_by: {gt: c}`` reads "is after the call": "right at" is for windows
    ("Starts: right at the interview"), and "is after right at the call" was a glitch."""
    text = describe(load_policy("standard"))
    assert "right at" not in "\n".join(
        line for line in text.splitlines() if line.startswith("- **Unless there is:**"))
    assert ("a next-steps conversation whose stated decision date is after the call"
            in "\n".join(block(text, "retry_call")))
