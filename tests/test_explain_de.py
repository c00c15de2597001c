"""`rulebook explain --lang de`: the same verdicts told in German, JSON keys unchanged."""

import pytest

from rulebook.api import Rulebook
from rulebook.cli import main
from rulebook.events import load_timeline
from rulebook.explain import explain, render, to_data

from test_explain import AT, TIMELINE

LATER_ROUNDS = """\
policy: later_rounds
extends: standard
rules:
  send_thank_you:
    when: {p: {where: {round: {ge: 2}}}}
"""


@pytest.fixture(scope="module")
def told():
    book = Rulebook.load("standard")
    timeline = load_timeline("t.yaml", text=TIMELINE)
    return {lang: explain(book, timeline, AT, lang=lang)[1] for lang in ("en", "de")}


def test_matches_outcomes_and_blocked_people_in_german(told):
    text = render(told["de"], load_timeline("t.yaml", text=TIMELINE).tz, "de")
    assert "Regel send_thank_you: 1-mal getroffen\n" in text
    assert "  mit p = interviewer Sam Ortiz (Mo. 2. März 2026, 10:00)\n" in text
    assert "  nicht mit p = interviewer Dana Lee (Mo. 2. März 2026, 10:00): Ausschlussmuster 1 " \
           "(thank_you_sent, to = p.name, after p) trifft auf thank_you_sent Dana Lee (Mo. 2. " \
           "März 2026, 18:00) zu\n" in text
    assert "  -> jetzt: send_thank_you an Sam Ortiz per email, fällig Di. 3. März 2026, 10:00\n" \
           in text
    assert "Grenze stated_decision_date: 1-mal getroffen\n" in text
    assert "  -> gilt bis Fr. 20. März 2026, 23:59\n" in text
    assert "  knapp verfehlt: n: next_steps (Mo. 2. März 2026, 11:00) passt nicht: das Feld " \
           "'long_wait' fehlt\n" in text
    assert "  knapp verfehlt: r: es gibt keinen Fakt vom Typ reply\n" in text
    for english in ("matched", "did not match", "near miss", "due ", " by limit ", "Mon "):
        assert english not in text


def test_the_json_keys_and_codes_do_not_change_with_the_language(told):
    tz = load_timeline("t.yaml", text=TIMELINE).tz
    en, de = to_data(told["en"], tz, "en"), to_data(told["de"], tz, "de")
    assert [list(v) for v in en] == [list(v) for v in de]
    for a, b in zip(en, de):
        assert (a["section"], a["id"], a["fired"], a["sources"]) == \
            (b["section"], b["id"], b["fired"], b["sources"])
        assert [list(m) for m in a["matches"]] == [list(m) for m in b["matches"]]
        assert (a["near_miss"] is None) == (b["near_miss"] is None)
    thanks = next(v for v in de if v["id"] == "send_thank_you")
    assert thanks["outcomes"][0].startswith("jetzt: send_thank_you an Sam Ortiz per email")


def test_a_failed_comparison_in_german(tmp_path, capsys):
    policy = tmp_path / "later_rounds.yaml"
    policy.write_text(LATER_ROUNDS)
    events = tmp_path / "t.yaml"
    events.write_text(TIMELINE)
    assert main(["explain", str(events), "--policy", str(policy), "--at", AT.isoformat(),
                 "--rule", "send_thank_you", "--lang", "de"]) == 0
    out = capsys.readouterr().out
    assert "knapp verfehlt: p: interviewer Dana Lee (Mo. 2. März 2026, 10:00) passt nicht: " \
           "sein Feld round (1) ist unter 2" in out
    assert main(["explain", str(events), "--policy", str(policy), "--at", AT.isoformat(),
                 "--rule", "send_thank_you"]) == 0
    assert "its round 1 is below 2" in capsys.readouterr().out  # English as before


def test_the_events_documents_language_is_the_default(tmp_path, capsys):
    events = tmp_path / "t.yaml"
    events.write_text("lang: de\n" + TIMELINE)
    assert main(["explain", str(events), "--at", AT.isoformat(), "--rule", "write_notes"]) == 0
    assert capsys.readouterr().out.startswith("Regel write_notes: 1-mal getroffen\n")
    assert main(["explain", str(events), "--at", AT.isoformat(), "--rule", "write_notes",
                 "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("rule write_notes: matched 1x\n")
