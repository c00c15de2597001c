"""Edge cases of input found by trying the product: each is an error with a place, or works."""

from __future__ import annotations

import json

import pytest

from rulebook import InvalidInput, Rulebook
from rulebook.load import load_policy


def messages(text: str) -> list[str]:
    with pytest.raises(InvalidInput) as err:
        load_policy("layer.yaml", text=text)
    return [f"{p.line}:{p.col}: {p.message}" for p in err.value.problems]


def test_a_huge_duration_is_an_error_not_an_overflow():
    found = messages("policy: p\nextends: standard\nrules:\n  write_notes:\n"
                     "    window: {start: iv, due: iv + 99999999999d}\n")
    assert any("too long" in m and m.startswith("5:") for m in found)


def test_office_hours_that_forbid_every_call():
    found = messages("policy: p\nextends: standard\nsettings:\n"
                     "  office_hours: {start: '18:00', days: []}\n")
    assert any("no office days" in m for m in found)
    assert any("end (17:00) before they start (18:00)" in m and m.startswith("4:")
               for m in found)


def test_an_office_hour_that_is_not_hh_mm():
    found = messages("policy: p\nextends: standard\nsettings:\n  office_hours: {start: '9:00'}\n")
    assert found == ["4:25: 'start': write a time of day as HH:MM, e.g. 09:00"]


@pytest.mark.parametrize("head", ["", "policy: standard\n"])
def test_a_layer_needs_a_name_of_its_own(head):
    found = messages(head + "extends: standard\n")
    assert any("a layer needs a 'policy' name of its own" in m for m in found)


def test_reason_placeholders_take_only_the_date_format():
    found = messages("policy: p\nextends: standard\nrules:\n  write_notes:\n"
                     "    reason: 'Notes on {iv:time}'\n")
    assert any("'{iv:time}' has an unknown format" in m for m in found)


def test_json_surrogate_pairs_are_joined(tmp_path):
    doc = {"events": [{"type": "interview", "at": "2026-05-04T10:00:00Z",
                       "interviewers": [{"name": "Sam \U0001F600", "email": "s@x.example"}]}]}
    path = tmp_path / "events.json"
    path.write_text(json.dumps(doc))  # ensure_ascii: "\ud83d\ude00"
    advice = Rulebook.load("standard").recommend(path, "2026-05-04T12:00:00Z")
    assert "Sam \U0001F600" in {r.to for r in advice.actions}
