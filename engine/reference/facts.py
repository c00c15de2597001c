"""The reference's facts: a timeline read as of a moment, from the README's definition.

A fact is a dict: ``type``, ``id``, ``seq`` (its place in the timeline's order), ``at``
(its time, a UTC datetime to the second) and its fields (times as datetimes too; a
missing field is absent). Only events at or before the evaluation time count; an event
dated without a time stands at the end of its day, or at the evaluation time when that
day is today. The order is by time, then by the lifecycle order of the types, then by
content, so the file's order never matters. Text is read in Unicode NFC form. Every
person's name is written as its first spelling in that order, and names match ignoring
case and spacing. Each interview gives one ``interviewer`` fact per distinct person,
with the interview's round (and ``final``, if it says so).
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from typing import Any

from rulebook.events import EndOfDay, Timeline

from .clock import whole_seconds

LIFECYCLE = ("interview_scheduled", "interview", "contact_details", "next_steps",
             "referral_contact", "thank_you_sent", "promise", "materials_sent",
             "follow_up_sent", "call", "reply", "withdrawn", "snoozed", "dismissed")
PEOPLE = ("to", "from", "name")
Fact = dict[str, Any]


def nfc(value: Any) -> Any:
    """Text (in lists and mappings too) in Unicode normal form C."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: nfc(v) for k, v in value.items()}
    return value


def same_person(name: str) -> str:
    """What two spellings of one person have in common: NFC, case folded, spaces single."""
    return nfc(" ".join(nfc(name).casefold().split()))


def shown(name: str) -> str:
    return " ".join(nfc(name).split())


def counted_time(event, at: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """When an event counts as having happened, as of ``at`` (both to the second)."""
    moment = whole_seconds(event.at)
    if isinstance(event.at, EndOfDay) and event.at.date() == at.astimezone(tz).date():
        moment = min(moment, at)
    return moment


def _fields(event) -> dict[str, Any]:
    out = {}
    for key, value in event.model_dump(by_alias=True, exclude_none=True).items():
        if key in ("type", "at", "note"):
            continue
        out[key] = whole_seconds(value) if isinstance(value, dt.datetime) else nfc(value)
    return out


def _content(kind: str, moment: dt.datetime, fields: dict[str, Any]) -> str:
    """The tie-break between events of one type at one instant: all they say, as text."""
    def plain(v):
        return int(v.timestamp()) if isinstance(v, dt.datetime) else v
    data = {k: plain(v) for k, v in fields.items()}
    data.update(type=kind, at=int(moment.timestamp()))
    return json.dumps(data, sort_keys=True)


def timeline_facts(timeline: Timeline, at: dt.datetime) -> list[Fact]:
    at = whole_seconds(at)
    tz = timeline.tz
    rows = []
    for event in timeline.events:
        moment = counted_time(event, at, tz)
        if moment <= at:
            fields = _fields(event)
            key = (moment, LIFECYCLE.index(event.type), _content(event.type, moment, fields))
            rows.append((key, event.type, moment, fields))
    rows.sort(key=lambda r: r[0])

    first: dict[str, str] = {}
    for _, _, _, fields in rows:
        names = [p["name"] for p in fields.get("interviewers", [])]
        names += [fields[k] for k in PEOPLE if isinstance(fields.get(k), str)]
        for name in names:
            first.setdefault(same_person(name), shown(name))

    facts: list[Fact] = []
    for seq, (_, kind, moment, fields) in enumerate(rows, start=1):
        people = fields.pop("interviewers", [])
        fact = {"type": kind, "id": f"e{seq}", "seq": seq, "at": moment}
        for key, value in fields.items():
            fact[key] = first[same_person(value)] if key in PEOPLE else value
        facts.append(fact)
        if kind != "interview":
            continue
        seen: list[str] = []
        for person in people:
            who = same_person(person["name"])
            if who in seen:
                continue
            seen.append(who)
            one = {"type": "interviewer", "id": f"e{seq}p{len(seen)}", "seq": seq, "at": moment,
                   "round": fields.get("round", 1)}
            if "final" in fields:  # an interviewer of the last round
                one["final"] = fields["final"]
            one.update({k: v for k, v in person.items() if k != "name"})
            one["name"] = first[who]
            facts.append(one)
    return facts
