"""Languages: reasons, drafts and the table in English and German, dates through Babel
whatever the process locale, the language from --lang, the API or the events document,
and `check` reporting a promised language a policy lacks."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rulebook import Rulebook
from rulebook.commands.check import problems_of
from rulebook.lang import column, moment, offset_words
from rulebook.problems import InvalidInput
from rulebook.timeexpr import parse_time_expr

ROOT = Path(__file__).resolve().parent.parent
PANEL = ROOT / "examples" / "panel.yaml"
AT = "2026-03-03T09:00:00+01:00"


@pytest.fixture(scope="module")
def standard():
    return Rulebook.load("standard")


def _cli(*args: str, locale: str = "C") -> subprocess.CompletedProcess:
    env = dict(os.environ, LC_ALL=locale, LANG=locale)
    return subprocess.run([sys.executable, "-m", "rulebook.cli", *args], capture_output=True,
                          text=True, env=env)


def test_recommend_panel_with_drafts_in_german():
    out = _cli("recommend", str(PANEL), "--at", AT, "--drafts", "--lang", "de")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.startswith("Regelwerk standard am 2026-03-03T09:00:00+01:00\n\nJetzt erledigen (4)")
    assert "fällig Di. 03. März 10:00" in text
    assert "Schicken Sie ein eigenes, kurzes Dankeschön als E-Mail" in text
    assert "innerhalb von 24 Stunden (bis Di. 3. März 2026, 10:00)" in text
    assert "    Entwurf (E-Mail):\n      Betreff: Re: Vorstellungsgespräch am Mo. 2. März 2026" \
        in text
    assert "Guten Tag Sam Ortiz," in text and "[Ihr vollständiger Name]" in text
    assert "Dear" not in text and "Tue" not in text


def test_the_process_locale_changes_nothing():
    runs = [_cli("recommend", str(PANEL), "--at", AT, "--drafts", "--lang", lang, locale=loc)
            for lang in ("en", "de") for loc in ("C", "de_DE.UTF-8", "fr_FR.UTF-8")]
    assert len({r.stdout for r in runs[:3]}) == 1 and len({r.stdout for r in runs[3:]}) == 1
    assert "Tue 03 Mar" in runs[0].stdout and "Di. 03. März" in runs[3].stdout


def test_json_keys_actions_and_codes_stay_language_neutral(standard):
    en = json.loads(standard.recommend(PANEL, AT).to_json())
    de = json.loads(standard.recommend(PANEL, AT, lang="de").to_json())

    def shape(data):
        return [(r["action"], r["to"], r["channel"], r["window"], r["rule"], r["sources"],
                 sorted(r), sorted(r["draft"] or {})) for r in data["actions"]]

    assert shape(en) == shape(de)
    assert en["actions"][0]["reason"] != de["actions"][0]["reason"]
    thanks = [r for r in de["actions"] if r["action"] == "send_thank_you"][0]
    assert thanks["draft"]["subject"] == "Re: Vorstellungsgespräch am Mo. 2. März 2026"


def test_the_events_document_may_state_its_language(standard, tmp_path):
    text = PANEL.read_text(encoding="utf-8").replace("timezone: Europe/Berlin",
                                                     "timezone: Europe/Berlin\nlang: de")
    events = tmp_path / "panel_de.yaml"
    events.write_text(text, encoding="utf-8")
    advice = standard.recommend(events, AT)
    assert advice.actions[0].reason.startswith("Solange das Gespräch")
    assert standard.recommend(events, AT, lang="en").actions[0].reason.startswith("While")
    out = _cli("recommend", str(events), "--at", AT)
    assert out.stdout.startswith("Regelwerk standard")
    bad = events.read_text(encoding="utf-8").replace("lang: de", "lang: fr")
    events.write_text(bad, encoding="utf-8")
    out = _cli("recommend", str(events), "--at", AT)
    assert out.returncode == 2 and "panel_de.yaml:4:7:" in out.stderr, out.stderr


def test_an_unknown_language_is_an_input_error(standard):
    with pytest.raises(InvalidInput) as err:
        standard.recommend(PANEL, AT, lang="fr")
    assert "'fr' is not a language rulebook speaks: en, de" in str(err.value)
    out = _cli("recommend", str(PANEL), "--at", AT, "--lang", "fr")
    assert out.returncode == 2


def test_dates_offsets_and_columns_per_language():
    t = dt.datetime(2026, 9, 3, 14, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    assert moment(t) == "Thu 3 Sep 2026, 14:05"
    assert moment(t, "de") == "Do. 3. Sept. 2026, 14:05"
    assert moment(t, "de", date_only=True) == "Do. 3. Sept. 2026"
    assert column(t, "de") == "Do. 03. Sept. 14:05" and column(None, "de") == "offen"
    offsets = parse_time_expr("x + 1w + 2d").offsets
    assert offset_words(offsets) == "1 week and 2 days"
    assert offset_words(offsets, "de") == "1 Woche und 2 Tagen"


def test_held_back_reasons_and_the_calendar_in_german(standard):
    from ical.calendar_stream import IcsCalendarStream

    from rulebook.calendar import to_ical

    silent = ROOT / "examples" / "silent.yaml"
    advice = standard.recommend(silent, "2026-05-18T09:00:00+01:00", lang="de")
    (held,) = advice.held_back
    assert held.reason.startswith("Zwei Kontakte seit dem Mo. 11. Mai 2026")
    assert "innerhalb von 14 Tagen nach dem ersten" in held.reason
    data = to_ical(advice, application={}, policy=standard.loaded.policy, lang="de")
    cal = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    descriptions = [t.description for t in cal.todos]
    assert any("Zurückgestellt durch unanswered_contacts bis" in d for d in descriptions)


def test_check_reports_a_promised_language_a_policy_lacks(tmp_path):
    path = tmp_path / "mine.yaml"
    text = (
        "policy: mine\nextends: standard\nlanguages: [en, de]\nrules:\n"
        "  send_thank_you:\n    reason: Thank {p.name}.\n"
        "  shout:\n    action: shout\n    sources: [G1]\n    when:\n"
        "      iv: {fact: interview}\n    window: {start: iv, due: iv}\n"
        "    channel: {default: email}\n    reason: Shout.\n"
        "    draft:\n      email: {subject: Hi, body: Hello.}\n"
        "texts:\n  de:\n    rules:\n      shout: {draft: {email: {body: Hallo.}}}\n"
        "      shuot: {reason: Rufen.}\n")
    path.write_text(text, encoding="utf-8")
    found = [str(p) for p in problems_of(str(path))]
    assert any(":6:13: warning: this reason is rewritten here, but its German text is still "
               "the one from" in p for p in found), found
    assert any(":14:13: warning: no German text for this, though the policy promises "
               "languages en, de (write it under texts.de.rules.shout.reason)" in p
               for p in found), found
    assert any("no German text for this" in p and "texts.de.rules.shout.draft.email.subject" in p
               for p in found), found
    assert any(":21:7: no rule 'shuot' to translate (did you mean 'shout'?)" in p
               for p in found), found
    # a layer that promises nothing itself may add rules in English only
    path.write_text(text.replace("languages: [en, de]\n", ""), encoding="utf-8")
    found = [str(p) for p in problems_of(str(path))]
    assert not any("no German text" in p for p in found), found
    assert any("this reason is rewritten here" in p for p in found), found
    # an English-only policy promises nothing more
    solo = tmp_path / "solo.yaml"
    solo.write_text("policy: solo\nrules:\n  a:\n    action: a\n    sources: [G1]\n"
                    "    when: {iv: {fact: interview}}\n    window: {start: iv, due: iv}\n"
                    "    reason: Do it.\n", encoding="utf-8")
    assert problems_of(str(solo)) == []


def test_a_german_first_policy_falls_back_to_german(tmp_path):
    book = Rulebook.load(text="policy: deutsch\nlanguages: [de]\nrules:\n  a:\n    action: a\n"
                         "    sources: [G4]\n    when: {iv: {fact: interview}}\n"
                         "    window: {start: iv, due: iv + 1d}\n"
                         "    reason: Notizen zum Gespräch vom {iv:date}.\n")
    events = {"timezone": "Europe/Berlin", "events": [
        {"type": "interview", "at": "2026-03-02T10:00:00+01:00",
         "interviewers": [{"name": "Dana Lee"}]}]}
    for lang in ("de", "en"):
        (rec,) = book.recommend(events, AT, lang=lang).actions
        assert rec.reason.startswith("Notizen zum Gespräch vom ")
    assert book.recommend(events, AT, lang="de").actions[0].reason.endswith("Mo. 2. März 2026.")


def _panel_document() -> dict:
    from rulebook.source import load_file

    return load_file(str(PANEL)).data
