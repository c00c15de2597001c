"""Text that reaches durable-rules compares as Python compares it, and names match as people.

durable-rules' C JSON parser decoded ``\\uXXXX`` escapes differently from raw UTF-8, so a
ruleset written with ``json.dumps``' escapes never matched facts written raw: ``where:
{to: José}`` failed ``eq`` and ``in`` and passed ``ne`` (DEL, CJK, emoji, zero-width
characters alike). Both sides now go through ``engine.session.engine_json``. The
property below compares the engine's matches with plain Python comparison, over
arbitrary Unicode text, for ``eq``, ``ne`` and ``in``.

Names are matched after NFC normalisation, case folding and collapsing spaces
(``engine.facts.person_key``): a name typed with a combining accent is the same person
as the precomposed one.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

from hypothesis import example, given, settings, strategies as st

from rulebook.api import Rulebook, as_timeline
from rulebook.compiler import compile_policy
from rulebook.engine.facts import person_key
from rulebook.engine.runtime import DurableEvaluator
from rulebook.load import load_policy

AT = dt.datetime(2026, 3, 3, tzinfo=dt.timezone.utc)
FUZZ = settings(deadline=5000)  # examples per run: the hypothesis profile (make fuzz: deep)

# arbitrary text, with the characters that broke the engine drawn often
TRICKY = st.sampled_from(["José", "e\u0301", "\x7f", "\x00", "\x01", "\u200b", "\u202e",
                          "日本", "😀", "\\", '"', "\\u00e9", "ß", "İ", "\n", "\ufeff"])
TEXT = st.lists(st.one_of(TRICKY, st.text(max_size=4)), max_size=4).map("".join)
VALUE = TEXT.filter(lambda s: s.strip() != "")  # 'what' is free text with a visible character


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _policy(literals: list[str]) -> dict:
    rules = {}
    for i, lit in enumerate(literals):
        for op in ("eq", "ne", "in"):
            rules[f"{op}_{i}"] = {
                "action": "act", "sources": ["G1"], "reason": "r",
                "when": {"t": {"fact": "promise",
                               "where": {"what": {op: [lit, "~none~"] if op == "in" else lit}}}},
                "window": {"start": "t", "due": "t + 1d"}}
    return {"policy": "unicode", "rules": rules}


@FUZZ
@given(literals=st.lists(TEXT, min_size=1, max_size=3),
       values=st.lists(VALUE, min_size=1, max_size=3), data=st.data())
@example(literals=["José"], values=["José", "Jose\u0301", "Jose"], data=None)
@example(literals=["a\x7fb", "x\x00"], values=["a\x7fb", "x\x01", "x"], data=None)
def test_where_text_compares_as_python_does(literals, values, data):
    if data is not None:  # often a value equal to a literal, else equality is rare
        values = values + [data.draw(st.sampled_from(literals).filter(lambda s: s.strip()))
                           for _ in range(data.draw(st.integers(0, 1)))]
    # the policy travels as the user writes it: a JSON (so YAML) file with escapes
    program = compile_policy(load_policy("unicode.json", text=json.dumps(_policy(literals))))
    events = {"events": [{"type": "promise", "at": f"2026-03-02T10:{i:02d}:00Z", "what": v,
                          "due": "2026-03-09"} for i, v in enumerate(values)]}
    evaluator = DurableEvaluator(program)
    try:
        got = {(m.id, m.bindings["t"]["what"]) for m in evaluator.matches(as_timeline(events), AT)}
    finally:
        evaluator.close()
    want = set()
    for i, lit in enumerate(literals):
        for v in map(_nfc, values):
            tests = {"eq": v == _nfc(lit), "ne": v != _nfc(lit), "in": v in (_nfc(lit), "~none~")}
            want |= {(f"{op}_{i}", v) for op, ok in tests.items() if ok}
    assert got == want


PEOPLE = st.lists(st.one_of(TRICKY, st.text(min_size=1, max_size=5)), min_size=1, max_size=3).map(
    "".join).filter(lambda s: s.strip() != "")


def _variant(name: str, how: int) -> str:
    """The same name as a person could type it: decomposed, upper-case, spaced."""
    return [unicodedata.normalize("NFD", name), name.upper(), "  " + name + " ",
            unicodedata.normalize("NFC", name.lower())][how]


def test_person_key_is_one_rule():
    assert person_key("Jose\u0301  LEE") == person_key("josé lee") == "josé lee"
    assert person_key("STRASSE") == person_key("straße")


@FUZZ
@given(name=PEOPLE, how=st.integers(0, 3))
def test_a_name_typed_differently_is_the_same_person(name, how):
    """Thanking a variant of an interviewer's name counts for that interviewer."""
    other = _variant(name, how)
    if person_key(other) != person_key(name):
        return  # upper() is not always undone by casefold (e.g. 'ŉ'): not the same name
    events = {"events": [
        {"type": "interview", "at": "2026-03-02T10:00:00Z", "interviewers": [{"name": name}]},
        {"type": "thank_you_sent", "at": "2026-03-02T12:00:00Z", "to": other,
         "channel": "email"}]}
    advice = BOOK.recommend(events, "2026-03-02T13:00:00Z")
    assert [a for a in advice.actions + advice.upcoming if a.action == "send_thank_you"] == []


BOOK = Rulebook.load("standard")
