"""`rulebook describe --lang de`: the policy in German words, declined as German needs."""

import pytest

from rulebook.cli import main
from rulebook.describe import describe, describe_diff
from rulebook.load import load_policy

from test_describe import LAYER, block

ENGLISH = ("**When:**", "**Advice:**", "**Unless there is:**", "for each ", "hours after",
           "days after", "right at the", "Guidelines:", "no longer applies", "(was:")
# (the guideline catalogue's titles stay English: "write notes right after the interview")


def test_a_rule_in_german():
    text = describe(load_policy("standard"), "de")
    assert text.startswith("# Regelwerk standard\n")
    assert block(text, "send_thank_you")[:9] == [
        "- **Empfehlung:** Dankeschön senden",
        "- **Wenn:** für jeden Interviewer (p)",
        "- **Außer es gibt:** eine Dankesnachricht (Empfänger: der Interviewer; nach dem "
        "Vorstellungsgespräch)",
        "- **Beginnt:** mit dem Vorstellungsgespräch",
        "- **Fällig bis:** 24 Stunden nach dem Vorstellungsgespräch",
        "- **Spätestens:** 7 Tage nach dem Vorstellungsgespräch",
        "- **An:** der Interviewer",
        "- **Kanal:** zuerst der vom Arbeitgeber genannte Kanal, sonst E-Mail sonst "
        "handschriftliche Karte sonst Brief",
        "- **Zurückgestellt durch:** offer received, rejected, withdrawn, snoozed, snoozed for "
        "person, dismissed, dismissed for person"]


def test_cases_follow_the_noun():
    """Accusative after 'es gibt', dative after 'nach', genitive for a field, 'zum'/'zur'."""
    text = describe(load_policy("standard"), "de")
    retry = block(text, "retry_call")
    assert "- **An:** der Empfänger des Anrufs" in retry
    assert any(line.startswith("- **Außer es gibt:** einen Anruf (nach dem Anruf)")
               for line in retry)
    assert "- **Bürozeiten:** nur Montag, Dienstag, Mittwoch, Donnerstag, Freitag, 09:00 bis " \
           "17:00 Uhr; außerhalb davon wartet die Empfehlung" in retry
    assert "- **Wie lange:** bis zum Entscheidungstermin des Gesprächs über die nächsten " \
           "Schritte" in block(text, "stated_decision_date")
    assert "- **Wie lange:** bis zum Ende des Aufschubs" in block(text, "snoozed")
    assert "- **Hält zurück:** jede Empfehlung, nur mit derselben Aktion wie die Aktion des " \
           "Aufschubs und derselben Person wie der Empfänger des Aufschubs" \
           in block(text, "snoozed_for_person")
    assert "- **Wenn:** für jede Antwort des Arbeitgebers (Art: eines von offer, rejection) " \
           "(r)" in block(text, "closed_by_reply")
    # a derived fact whose name reads as a German noun is declined like the others
    assert "- **Beginnt:** 5 Tage nach der Funkstille" in block(text, "follow_up_call")
    assert "- **Fakt:** Funkstille (silence)" in block(text, "silence")
    assert "- **Wenn:** für jeden Fakt „latest interview“ (li)" in block(text,
                                                                       "awaiting_decision")


def test_the_diff_in_german(tmp_path, capsys):
    path = tmp_path / "my_practice.yaml"
    path.write_text(LAYER)
    assert main(["describe", "standard", "--diff", str(path), "--lang", "de"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Was my_practice an standard ändert\n")
    assert block(text, "send_thank_you: geändert")[:2] == [
        "- **Fällig bis:** 48 Stunden nach dem Vorstellungsgespräch",
        "  (vorher: 24 Stunden nach dem Vorstellungsgespräch)"]
    assert block(text, "follow_up_call: abgeschaltet") == ["Diese Regel gilt nicht mehr."]
    assert describe_diff(load_policy("standard"), load_policy("standard"), "de").endswith(
        "Nichts: beide sagen dasselbe.\n")


@pytest.mark.parametrize("name", ["standard", "classic", "modern"])
def test_every_shipped_policy_in_german_without_english_templates(capsys, name):
    assert main(["describe", name, "--lang", "de"]) == 0
    text = capsys.readouterr().out
    assert main(["describe", name, "--lang", "de"]) == 0
    assert capsys.readouterr().out == text
    assert "{" not in text and "None" not in text
    assert not [w for w in ENGLISH if w in text]
    assert text.count("### ") == describe(load_policy(name)).count("### ")


def test_english_stays_the_default_and_other_languages_are_refused(capsys):
    assert main(["describe", "standard"]) == 0
    assert capsys.readouterr().out == describe(load_policy("standard"))
    with pytest.raises(SystemExit) as exc:
        main(["describe", "standard", "--lang", "fr"])
    assert exc.value.code == 2


def test_a_time_compared_with_a_fact_names_the_fact_itself(tmp_path):
    """``decision_by: {gt: c}``: "Entscheidungstermin: nach dem Anruf", not "später als mit
    dem Anruf"; ``le`` reads "bis zum ...", ``ge`` "ab dem ..."."""
    text = describe(load_policy("standard"), "de")
    assert "als mit" not in text
    assert "Entscheidungstermin: nach dem Anruf" in "\n".join(block(text, "retry_call"))
    layer = tmp_path / "bare.yaml"
    layer.write_text("policy: bare\nextends: standard\nrules:\n  check_in:\n    absent:\n"
                     "      - {fact: call, where: {at: {le: s}}}\n"
                     "      - {fact: reply, where: {at: {ge: s}}}\n", encoding="utf-8")
    lines = "\n".join(block(describe(load_policy(str(layer)), "de"), "check_in"))
    assert "einen Anruf (Zeitpunkt: bis zur Funkstille)" in lines
    assert "eine Antwort des Arbeitgebers (Zeitpunkt: ab der Funkstille)" in lines
