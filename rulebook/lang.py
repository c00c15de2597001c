"""Languages: the words rulebook itself writes, and dates and times, per language.

A policy's texts are written in its first language (``languages``, default ``[en]``);
its ``texts:`` block gives them in the others (:meth:`rulebook.policy.Policy.reason`).
Output is in one language: the one asked for where the policy has it, else the
policy's first language; so no reason is ever empty.

Dates and times are formatted with Babel for the chosen locale, never through the
process locale: the same advice gives the same bytes on every machine.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Optional

from babel.dates import format_datetime

LANGS = ("en", "de")
DEFAULT = "en"
LANG_NAMES = {"en": "English", "de": "German"}

_PATTERNS = {  # (date, date and time, table column) per language
    "en": ("EEE d MMM y", "EEE d MMM y, HH:mm", "EEE dd MMM HH:mm"),
    "de": ("EEE d. MMM y", "EEE d. MMM y, HH:mm", "EEE dd. MMM HH:mm"),
}


def check_lang(lang: Optional[str]) -> str:
    """``lang`` if rulebook speaks it (None: the default); ValueError otherwise."""
    if lang is None:
        return DEFAULT
    if lang not in LANGS:
        raise ValueError(f"'{lang}' is not a language rulebook speaks: {', '.join(LANGS)}")
    return lang


def moment(value: Optional[dt.datetime], lang: str = DEFAULT, date_only: bool = False) -> str:
    """A moment as a person reads it: 'Tue 3 Mar 2026, 10:00' or 'Di. 3. März 2026, 10:00'."""
    if value is None:
        return word("no fixed end", lang)
    return _formatted(value.replace(tzinfo=None, fold=0), lang, 0 if date_only else 1)


def column(value: Optional[dt.datetime], lang: str = DEFAULT) -> str:
    """A moment in a table column: 'Tue 03 Mar 10:00'."""
    if value is None:
        return word("open", lang)
    return _formatted(value.replace(tzinfo=None, fold=0), lang, 2)


@functools.lru_cache(maxsize=4096)
def _formatted(wall: dt.datetime, lang: str, kind: int) -> str:
    """The wall time in one of the patterns (memoised by wall time: the patterns show no
    zone, and a timeline's few moments are written again and again)."""
    return format_datetime(wall, _PATTERNS[lang][kind], locale=lang)


# The words rulebook writes itself (the policy writes the rest), by English original.
_WORDS: dict[str, dict[str, str]] = {
    "de": {
        "no fixed end": "kein festes Ende",
        "open": "offen",
        "(unknown)": "(unbekannt)",
        "overdue": "überfällig",
        "yes": "ja", "no": "nein",
        # channels
        "email": "E-Mail", "phone": "Telefon", "handwritten note": "handschriftliche Karte",
        "letter": "Brief", "LinkedIn": "LinkedIn", "meeting in person": "persönliches Treffen",
        # values reasons show
        "voicemail": "der Mailbox", "no answer": "keiner Antwort", "reached": "einem Gespräch",
        "interviewer": "Interviewer",
        # the shipped policies' actions, as reasons name them ({action})
        "plan follow up": "Nachfassen planen",
        "ask next steps": "nach den nächsten Schritten fragen",
        "collect contact details": "Kontaktdaten besorgen", "write notes": "Notizen schreiben",
        "send thank you": "Dankeschön senden", "send follow up email": "Nachfass-E-Mail senden",
        "follow up call": "Nachfass-Anruf", "retry call": "erneuter Anruf",
        "check in": "Nachfrage", "periodic check in": "regelmäßige Nachricht",
        "keep promise": "Zusage einhalten", "ask referral": "um Fürsprache bitten",
        "reply to update": "auf den Zwischenstand antworten", "final nudge": "letzte Nachfrage",
        "gracious reply": "freundliche Antwort", "request feedback": "um Rückmeldung bitten",
        "continue search": "weitersuchen", "send handwritten note": "handschriftliche Karte senden",
        # the table
        "policy": "Regelwerk", "at": "am",
        "Do now": "Jetzt erledigen", "Coming up": "Demnächst", "Held back": "Zurückgestellt",
        "(nothing)": "(nichts)", "due": "fällig", "overdue since": "überfällig seit", "from": "ab", "latest": "spätestens",
        "held back by": "zurückgestellt durch", "until": "bis", "for good": "endgültig",
        "Draft": "Entwurf", "Subject": "Betreff",
        # calendar
        "Window": "Zeitfenster", "Rule": "Regel", "guidelines": "Leitlinien",
        "Follow-ups": "Nachfassen",
    },
}

_UNITS = {  # (singular, plural) per language
    "en": {"m": ("minute", "minutes"), "h": ("hour", "hours"), "d": ("day", "days"),
           "w": ("week", "weeks"), "bd": ("business day", "business days")},
    "de": {"m": ("Minute", "Minuten"), "h": ("Stunde", "Stunden"), "d": ("Tag", "Tage"),
           "w": ("Woche", "Wochen"), "bd": ("Werktag", "Werktage")},
}
_AND = {"en": " and ", "de": " und "}
_MINUS = {"en": "minus ", "de": "minus "}
_DATIVE_PLURAL = {"Tage": "Tagen", "Werktage": "Werktagen"}  # "innerhalb von 2 Tagen"


_CHANNELS = {"linkedin": "LinkedIn", "in_person": "meeting in person",
             "handwritten_note": "handwritten note"}


def channel_name(channel: str, lang: str = DEFAULT) -> str:
    """A channel's name for a person: 'handwritten note', 'handschriftliche Karte'."""
    return word(_CHANNELS.get(channel, channel), lang)


def word(english: str, lang: str = DEFAULT) -> str:
    """One of rulebook's own words in ``lang`` (English as written)."""
    return _WORDS.get(lang, {}).get(english, english)


def offset_words(offsets, lang: str = DEFAULT) -> str:
    """Offsets for a person: '24 hours', '1 week and 2 days'; '24 Stunden', '2 Tagen'."""
    parts = []
    for o in offsets:
        one, many = _UNITS[lang][o.unit]
        unit = one if o.amount == 1 else many
        if lang == "de":
            unit = _DATIVE_PLURAL.get(unit, unit)
        parts.append(("" if o.sign > 0 else _MINUS[lang]) + f"{o.amount} {unit}")
    return _AND[lang].join(parts)


# -- the lint: every promised language, for every text --------------------------------------

def lint_languages(policy, doc, warn) -> None:
    """Warn where a policy lacks a text in a language it promises (``languages``), or
    where a layer rewrote a text but kept an older layer's translation of it. A promise
    binds the texts of the file that makes it: a layer that states no ``languages`` of
    its own may add rules in its parent's first language only.

    Warnings, not errors: the advice then shows the first language's text instead.
    """
    first, promised = policy.languages[0], policy.languages[1:]

    promiser = doc.file_of(("languages",))

    def missing(path, lang, text_path, key=False):
        if doc.file_of(text_path) != promiser:
            return  # written in a layer that promised nothing itself (a coach's addition)
        where = ".".join(("texts", lang) + tuple(str(p) for p in text_path))
        warn(path, f"no {LANG_NAMES[lang]} text for this, though the policy promises "
             f"languages {', '.join(policy.languages)}", f"write it under {where}", key=key)

    def stale(base, lang):
        mine = doc.file_of(base + ("reason",))
        theirs = doc.file_of(("texts", lang) + base + ("reason",))
        if mine == doc.file and theirs != mine:
            warn(base + ("reason",), f"this reason is rewritten here, but its "
                 f"{LANG_NAMES[lang]} text is still the one from {theirs}",
                 f"translate it under texts.{lang}.{base[0]}.{base[1]}.reason")

    for lang in promised:
        if lang == first:
            continue
        translation = policy.texts.get(lang)
        for section in ("rules", "limits"):
            for eid, entry in policy.active(section).items():
                base = (section, eid)
                texts = getattr(translation, section).get(eid) if translation else None
                if texts is None or not texts.reason:
                    missing(base + ("reason",), lang, base + ("reason",))
                else:
                    stale(base, lang)
                for channel, draft in getattr(entry, "draft", {}).items():
                    other = texts.draft.get(channel) if texts is not None else None
                    if other is None:
                        missing(base + ("draft", channel), lang, base + ("draft", channel),
                                key=True)
                    elif draft.subject is not None and other.subject is None:
                        missing(("texts", lang) + base + ("draft", channel), lang,
                                base + ("draft", channel, "subject"), key=True)
