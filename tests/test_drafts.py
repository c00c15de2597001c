"""Message drafts: a golden file per shipped draft (per channel and language), the
guidelines' shape of the important ones, the JSON and table output, and `check`.

Goldens live in tests/golden/drafts/POLICY/RULE.CHANNEL.LANG.txt, each filled from the
same sample facts. After an intended change to a draft, rewrite them with
``RULEBOOK_UPDATE_GOLDENS=1 pytest tests/test_drafts.py`` and read the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from rulebook import Rulebook
from rulebook.commands.check import problems_of
from rulebook.drafts import CHANNEL_MAX, SUBJECT_MAX
from rulebook.engine.outcome import _RuleWords
from rulebook.engine.timing import WorkCalendar, evaluate
from rulebook.vocabulary import BOOL, INT, TIME

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "drafts"
SHIPPED = ("standard", "classic", "modern")
TZ = ZoneInfo("Europe/Berlin")
T0 = int(dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ).timestamp())
APPLICATION = {"company": "Northwind Analytics", "role": "Data Engineer",
               "candidate": "Alex Morgan", "candidate_phone": "+49 30 5550 1234"}
_TEXT = {"name": "Dana Lee", "to": "Dana Lee", "from": "Dana Lee",
         "email": "dana.lee@northwind.example", "phone": "+49 30 5550 9876",
         "role": "Hiring Manager", "what": "a work sample"}


@pytest.fixture(scope="module")
def books():
    return {name: Rulebook.load(name) for name in SHIPPED}


def _sample(book, rid: str) -> dict:
    """Sample facts for each name a rule binds: every field filled, times a day apart."""
    fields = book.loaded.checked.fact_fields
    bindings = {}
    for i, (name, pattern) in enumerate(book.loaded.policy.rules[rid].when.items(), start=1):
        kind = pattern.types[0]
        fact = {"type": kind, "id": f"s{i}", "seq": i, "t": T0 + (i - 1) * 86400, "z": 0}
        for field, what in fields[kind].items():
            if what == TIME:
                fact[field] = T0 + 10 * 86400
            elif what == INT:
                fact[field] = 1
            elif what == BOOL:
                fact[field] = True
            elif isinstance(what, tuple):
                fact[field] = what[0]
            else:
                fact[field] = _TEXT.get(field, field)
        bindings[name] = fact
    return bindings


def _drafts(book) -> list[tuple[str, str, str]]:
    policy = book.loaded.policy
    return [(rid, channel, lang) for rid, rule in policy.active("rules").items()
            for channel in rule.draft for lang in policy.languages]


def _render(book, rid: str, channel: str, lang: str):
    policy = book.loaded.policy
    rule = policy.rules[rid]
    b = _sample(book, rid)
    at = dt.datetime.fromtimestamp(T0, TZ)
    cal = WorkCalendar.of(policy.settings)
    window = tuple(evaluate(e, b, at, TZ, cal) if e else None
                   for e in (rule.window.start, rule.window.due, rule.window.end))
    to = "Dana Lee" if rule.to else None
    words = _RuleWords(policy, rid, b, TZ, to, channel, window,
                       SimpleNamespace(application=APPLICATION), at, lang)
    return words.draft()


def _text(draft) -> str:
    head = f"Subject: {draft.subject}\n\n" if draft.subject is not None else ""
    return head + draft.body + "\n"


def _all(books):
    for name, book in books.items():
        if book.loaded.policy.extends is None or name == "classic":
            yield from ((name, d) for d in _drafts(book))


def test_every_shipped_draft_matches_its_golden(books):
    update = os.environ.get("RULEBOOK_UPDATE_GOLDENS") == "1"
    seen, failures = set(), []
    for name, (rid, channel, lang) in _all(books):
        if name == "classic" and rid in books["standard"].loaded.policy.rules:
            continue  # inherited unchanged: the standard policy's golden covers it
        path = GOLDEN / name / f"{rid}.{channel}.{lang}.txt"
        seen.add(path)
        got = _text(_render(books[name], rid, channel, lang))
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(got, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != got:
            failures.append(str(path.relative_to(ROOT)))
    assert not failures, f"drafts differ from their goldens: {failures}"
    stale = set(GOLDEN.rglob("*.txt")) - seen
    assert not stale, f"goldens of drafts that no longer exist: {sorted(map(str, stale))}"
    assert len(seen) >= 20


def test_every_written_contact_of_the_standard_policy_has_a_draft(books):
    rules = books["standard"].loaded.policy.active("rules")
    written = {"email", "letter", "handwritten_note", "linkedin"}
    for rid, rule in rules.items():
        if rule.channel is None:
            continue
        channels = {rule.channel.default, *rule.channel.fallback} & written
        assert channels <= set(rule.draft), f"{rid}: no draft for {channels - set(rule.draft)}"
    assert {"phone"} <= set(rules["follow_up_call"].draft)  # a call gets a script


def test_drafts_fit_their_channel_once_filled(books):
    for name, (rid, channel, lang) in _all(books):
        draft = _render(books[name], rid, channel, lang)
        assert len(draft.body) <= CHANNEL_MAX[channel][0], (name, rid, channel, lang)
        if draft.subject is not None:
            assert len(draft.subject) <= SUBJECT_MAX
        assert "(unknown)" not in draft.body and "{" not in draft.body


def _middle(body: str) -> str:
    """The body between the greeting and the sign-off."""
    paragraphs = body.split("\n\n")
    return " ".join(paragraphs[1:-1])


def test_the_thank_you_follows_g8_and_g9(books):
    draft = _render(books["standard"], "send_thank_you", "email", "en")
    assert draft.subject == "Re: interview on Mon 2 Mar 2026"
    assert draft.body.startswith("Dear Dana Lee,")
    assert "[something you discussed]" in draft.body  # specific: a blank only you can fill
    assert "Data Engineer" in draft.body and "Northwind Analytics" in draft.body  # interest
    assert "+49 30 5550 1234" in draft.body  # how to reach you
    assert "check in on [a date]" in draft.body  # G9
    assert draft.body.endswith("Alex Morgan")
    card = _render(books["standard"], "send_thank_you", "handwritten_note", "en")
    assert card.subject is None and len(card.body) <= 400


def test_the_follow_up_email_follows_g10(books):
    body = _render(books["standard"], "send_follow_up_email", "email", "en").body
    for part in ("Mon 2 Mar 2026", "Thank you", "fits what you need", "[what you left out]",
                 "when you expect to decide", "Alex Morgan"):
        assert part in body, part


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_reply_to_a_no_decision_update_is_two_sentences(books, lang):
    middle = _middle(_render(books["standard"], "reply_to_update", "email", lang).body)
    assert len(re.findall(r"[.!?](\s|$)", middle)) == 2, middle


def test_the_replies_to_a_rejection_are_gracious_and_ask_for_feedback(books):
    gracious = _render(books["standard"], "gracious_reply", "email", "en").body
    assert "Thank you" in gracious and "considered" in gracious
    feedback = _render(books["standard"], "request_feedback", "email", "en").body
    assert "stronger" in feedback


def test_the_json_carries_the_draft_for_the_channel_and_null_without_one(books):
    advice = books["standard"].recommend(ROOT / "examples/panel.yaml",
                                         "2026-03-03T09:00:00+01:00")
    data = json.loads(advice.to_json())
    by_action = {(r["action"], r["to"]): r for r in data["actions"]}
    thanks = by_action[("send_thank_you", "Sam Ortiz")]
    assert thanks["draft"]["subject"] == "Re: interview on Mon 2 Mar 2026"
    assert thanks["draft"]["body"].startswith("Dear Sam Ortiz,\n\n")
    assert by_action[("write_notes", None)]["draft"] is None


def test_the_table_shows_drafts_only_when_asked(books):
    def run(*extra):
        return subprocess.run(
            [sys.executable, "-m", "rulebook.cli", "recommend", str(ROOT / "examples/panel.yaml"),
             "--at", "2026-03-03T09:00:00+01:00", *extra],
            capture_output=True, text=True, check=True, env=dict(os.environ, LC_ALL="C")).stdout
    plain, drafts = run(), run("--drafts")
    assert "Draft (email):" not in plain
    assert "    Draft (email):\n      Subject: Re: interview on Mon 2 Mar 2026\n" in drafts
    assert not re.search(r"\[[^\]\n]*\n", drafts)  # a [blank] is never cut in two
    assert "      [One sentence on why you fit, or something you forgot to say.]" in drafts


_POLICY = """policy: mine
extends: standard
rules:
  send_thank_you:
    draft:
      email:
        subject: "Thank you {p.nmae}"
        body: "Dear {q.name}, thanks."
      handwritten_note:
        subject: "A card"
        body: "%s"
"""


def test_check_validates_draft_placeholders_and_lints_lengths(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(_POLICY % ("x" * 450), encoding="utf-8")
    found = [str(p) for p in problems_of(str(path))]
    assert any(":7:18: draft subject names '{p.nmae}', but 'p' has no field 'nmae'" in p
               for p in found), found
    assert any(":8:15: draft names '{q.name}', which is not bound" in p for p in found), found
    assert any("the English draft is about 450 characters, over the 400 a handwritten note"
               in p for p in found), found
    assert any("a handwritten note has no subject" in p for p in found), found
