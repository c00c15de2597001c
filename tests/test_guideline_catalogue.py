"""The guideline catalogue: built in as package data, extendable by a policy, listed."""

import datetime as dt
import json

from rulebook.api import Rulebook, as_timeline
from rulebook.cli import main
from rulebook.explain import explain, render
from rulebook.guidelines import builtin, catalogue, order
from rulebook.testing.coverage import Coverage
from rulebook.vocabulary import GUIDELINES

OWN = """\
policy: my_practice
extends: standard
guidelines:
  NOTE1: After a final round, a handwritten note follows the email.
rules:
  note_after_final:
    action: send_handwritten_note
    sources: [NOTE1, G7]
    when:
      p: {fact: interviewer, where: {round: {ge: 2}}}
    absent:
      - {fact: thank_you_sent, same: {to: p.name}, where: {channel: handwritten_note}, after: p}
    to: p.name
    window: {start: p + 1d, due: p + 2d, end: p + 7d}
    channel: {default: handwritten_note, stated: false}
    reason: Post {p.name} a handwritten note by {due}.
"""


def test_the_builtin_catalogue_is_g1_to_g24_each_with_a_title_and_a_sentence():
    found = builtin()
    assert list(found) == [f"G{i}" for i in range(1, 25)]
    assert all(g.title and g.text.endswith(".") for g in found.values())
    assert GUIDELINES == {g.id: g.title for g in found.values()}  # no second, hard-coded list
    assert sorted(["G10", "NOTE1", "G2"], key=order) == ["G2", "G10", "NOTE1"]


def test_rulebook_guidelines_lists_the_catalogue(capsys):
    assert main(["guidelines"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "G1   plan the follow-up before the interview"
    assert len([line for line in out if line.startswith("G")]) == 24


def test_a_policy_declares_its_own_guidelines(tmp_path, capsys):
    path = tmp_path / "my_practice.yaml"
    path.write_text(OWN)
    assert main(["check", "--strict", str(path)]) == 0
    assert main(["guidelines", "--policy", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[-1] == {"id": "NOTE1", "title": "After a final round, a handwritten note "
                        "follows the email.", "text": "After a final round, a handwritten "
                        "note follows the email.", "origin": "my_practice"}
    assert main(["guidelines", "--policy", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "NOTE1 (my_practice) After a final round, a handwritten note follows the email.")
    book = Rulebook.load(str(path))
    assert "NOTE1" in catalogue(book.loaded.policy)


def test_coverage_and_explain_report_a_policys_own_guideline(tmp_path):
    path = tmp_path / "my_practice.yaml"
    path.write_text(OWN)
    book = Rulebook.load(str(path))
    timeline = as_timeline({"timezone": "UTC", "events": [
        {"type": "interview", "at": "2026-03-02T10:00:00+00:00", "round": 2,
         "interviewers": [{"name": "Dana Lee"}]}]})
    at = dt.datetime(2026, 3, 3, 12, tzinfo=dt.timezone.utc)
    cov = Coverage(book.loaded.policy)
    cov.record(book, timeline, at)
    cited, hit = cov.guidelines()
    assert "NOTE1" in cited and "NOTE1" in hit
    exercised = cov.report().splitlines()[1]
    assert exercised.startswith("  guidelines exercised: G2, G3, ")
    assert exercised.endswith(", NOTE1")
    _, verdicts = explain(book, timeline, at, only="note_after_final")
    text = render(verdicts, timeline.tz)
    assert ("  guidelines: NOTE1 (After a final round, a handwritten note follows the email.); "
            "G7 (email first, a handwritten note optional)") in text.splitlines()
