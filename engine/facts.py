"""Turning a timeline into facts: flat, typed, with identities the engine can trust.

A fact is a flat JSON object: ``type``, ``id``, ``seq`` (its place in the canonical order
of events), ``t`` (epoch seconds), ``z`` (always 0: the sentinel joins read it), and its
fields, with times as epoch seconds and no nulls (a missing field is absent). Only
events at or before the evaluation time are facts: the engine sees the timeline *as of*
that moment. An event dated without a time stands at the end of its day, or at the
evaluation time when that is the same day.

The canonical order sorts by time, then by a lifecycle rank of the type, then by
content, so the same events in any order give the same facts, ids and output. Text is
in Unicode NFC form (as the loader reads it): an accent typed as a combining mark is the
same text as the precomposed letter. Person names are matched by :func:`person_key`
and shown as first written (in NFC, spaces collapsed).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import unicodedata
from typing import Any, Iterable

from rulebook.bounds import MAX_JOIN
from rulebook.compiler import HIDDEN, INIT_TYPE, fnv1a32
from rulebook.events import EndOfDay, Timeline
from rulebook.problems import TooMuchWork
from rulebook.vocabulary import NOW

TYPE_RANK = {name: i for i, name in enumerate((
    "interview_scheduled", "interview", "contact_details", "next_steps", "referral_contact",
    "thank_you_sent", "promise", "materials_sent", "follow_up_sent", "call", "reply",
    "withdrawn", "snoozed", "dismissed"))}
PERSON_FIELDS = ("to", "from", "name")
Fact = dict[str, Any]


def epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C (cheap when it already is)."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def person_key(name: str) -> str:
    """The one rule by which two written names are the same person.

    NFC, then case folding, then NFC again (folding can decompose: 'ǰ'), with runs of
    white space collapsed to one space and the ends trimmed: 'Jose\u0301  LEE' and
    'josé lee' are one person. Every place that matches names uses this function.
    """
    return nfc(" ".join(nfc(name).casefold().split()))


def shown_name(name: str) -> str:
    """A name as shown: as written, in NFC, with white space collapsed."""
    return " ".join(nfc(name).split())


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    return value


@functools.lru_cache(maxsize=None)
def _aliases(model: type) -> dict[str, str]:
    return {name: f.alias or name for name, f in model.model_fields.items()}


def _event_fields(event) -> dict[str, Any]:
    """``event.model_dump(by_alias=True, exclude_none=True)`` without ``note``, times as
    epoch seconds: read straight from the validated model (pydantic's dump was a tenth
    of the matching time)."""
    aliases = _aliases(type(event))
    data = {}
    for name, value in event.__dict__.items():
        if value is None or name == "note":
            continue
        if isinstance(value, dt.datetime):
            value = epoch(value)
        elif isinstance(value, list):  # interviewers: their fields, likewise
            value = [{_aliases(type(p))[k]: _text(v) for k, v in p.__dict__.items()
                      if v is not None} for p in value]
        else:  # documents read from files are NFC already; an API caller's dict may not be
            value = _text(value)
        data[aliases[name]] = value
    return data


def counted_epoch(event, at: dt.datetime, tz) -> int:
    """When an event counts as done, as of ``at``: logged for today without a time, by now."""
    moment = epoch(event.at)
    if isinstance(event.at, EndOfDay) and event.at.date() == at.astimezone(tz).date():
        moment = min(moment, epoch(at))
    return moment


def timeline_facts(timeline: Timeline, at: dt.datetime) -> list[Fact]:
    """The facts of ``timeline`` as of ``at``, in canonical order, with unique ids."""
    now = epoch(at)
    rows = []
    for event in timeline.events:
        data = _event_fields(event)
        data["at"] = counted_epoch(event, at, timeline.tz)
        if data["at"] > now:
            continue
        rows.append(data)
    rows.sort(key=_canonical_key(rows))
    spelling: dict[str, str] = {}
    for data in rows:  # first spelling of each person, in canonical order
        for person in data.get("interviewers", []):
            spelling.setdefault(person_key(person["name"]), shown_name(person["name"]))
        for key in PERSON_FIELDS:
            if isinstance(data.get(key), str):
                spelling.setdefault(person_key(data[key]), shown_name(data[key]))
    facts: list[Fact] = []
    for seq, data in enumerate(rows, start=1):
        people = data.pop("interviewers", [])
        fact = {"type": data.pop("type"), "id": f"e{seq}", "seq": seq, "t": data.pop("at"), "z": 0}
        for key, value in data.items():
            if key in PERSON_FIELDS:
                value = spelling[person_key(value)]
            fact[key] = value
        facts.append(fact)
        if fact["type"] == "interview":
            seen = set()
            for person in people:
                key = person_key(person["name"])
                if key in seen:
                    continue  # the same interviewer listed twice is one person
                seen.add(key)
                iv = {"type": "interviewer", "id": f"e{seq}p{len(seen)}", "seq": seq,
                      "t": fact["t"], "z": 0, "round": fact.get("round", 1),
                      "interview": fact["id"]}
                if "final" in fact:  # an interviewer of the last round
                    iv["final"] = fact["final"]
                iv.update({k: v for k, v in person.items() if k != "name"})
                iv["name"] = spelling[key]
                facts.append(iv)
    return facts


def _canonical_key(rows: list[dict[str, Any]]):
    """Time, lifecycle rank, then content: the content (costly) only if time and rank tie.

    Sorting by (time, rank) alone gives the same order as the full key whenever no two
    rows share both, which is nearly always.
    """
    short = [(d["at"], TYPE_RANK[d["type"]]) for d in rows]
    if len(set(short)) == len(short):
        return lambda d: (d["at"], TYPE_RANK[d["type"]])
    return lambda d: (d["at"], TYPE_RANK[d["type"]], json.dumps(d, sort_keys=True))


def now_fact(at: dt.datetime) -> Fact:
    return {"type": NOW, "id": NOW, "seq": 0, "t": epoch(at), "z": 0}


def init_fact() -> Fact:
    return {"type": INIT_TYPE, "id": INIT_TYPE, "seq": 0, "t": 0, "z": 0}


def derived_fact(kind: str, derivation: str, bindings: dict[str, Fact], at_name: str,
                 sets: dict[str, str]) -> Fact:
    """The fact a derivation produces from one match; its id names the match."""
    anchor = bindings[at_name]
    ids = ",".join(f"{k}={bindings[k]['id']}" for k in sorted(bindings))
    fact = {"type": kind, "id": f"d:{derivation}:{ids}", "seq": anchor["seq"], "t": anchor["t"],
            "z": 0}
    for fname, ref in sets.items():
        alias, src = ref.split(".", 1)
        value = bindings[alias].get("t" if src == "at" else src)
        if value is not None:
            fact[fname] = value
    return fact


def check_join(program, stratum, present: list[Fact]) -> None:
    """Refuse an evaluation whose joins would try more than ``MAX_JOIN`` combinations.

    The engine's work (and memory) grows with the product of the numbers of facts an
    entry's ``when`` patterns can bind: three patterns over 300 follow-ups are 27
    million combinations, minutes and gigabytes. Counted before the engine runs, from
    the facts actually present, so the refusal is immediate and names the entry.
    """
    counts: dict[str, int] = {}
    for fact in present:
        counts[fact["type"]] = counts.get(fact["type"], 0) + 1
    for entry in stratum.entries.values():
        work = join_work(entry, counts)
        if work > MAX_JOIN:
            section, eid = _entry_of(program, entry)
            raise TooMuchWork([program.loaded.document.problem(
                (section, eid), f"on this timeline '{eid}' would try {work:,} "
                f"combinations of facts: at most {MAX_JOIN:,} (the limit)",
                "the events have too many facts of the types it matches together", key=True)])


def join_work(entry, counts: dict[str, int]) -> int:
    """How many combinations of facts an engine rule can form, at most.

    Patterns bind distinct facts: k patterns over the same n facts form at most
    n (n-1) ... (n-k+1) combinations; a count's own patterns (hidden names) take its
    facts in order, so n choose k of them.
    """
    hidden = [a for a, name in entry.aliases.items() if name.startswith(HIDDEN + "k")]
    n_hidden = len(hidden) if entry.makes else 0
    visible = entry.needs[:len(entry.needs) - n_hidden]
    work, used = 1, {}
    for types in visible:  # per positive pattern, the types it accepts
        pool = sum(counts.get(t, 0) for t in types)
        work *= max(0, pool - used.get(types, 0))
        used[types] = used.get(types, 0) + 1
    if n_hidden:
        work *= math.comb(sum(counts.get(t, 0) for t in entry.needs[-1]), n_hidden)
    return work


def _entry_of(program, entry) -> tuple[str, str]:
    """The policy entry an engine rule belongs to (a count's id names the entry that
    counts: ``<hidden>count:SECTION:ID:...``)."""
    if entry.section in ("derive", "rules", "limits"):
        return entry.section, entry.id
    parts = entry.id.split(":")
    if len(parts) >= 3 and parts[1] in ("derive", "rules", "limits"):
        return parts[1], parts[2]
    return "rules", entry.id


id_hash = functools.lru_cache(maxsize=1 << 16)(fnv1a32)  # ids e1, e2... recur in every timeline
_id_hash = id_hash


def with_unique_hashes(facts: Iterable[Fact]) -> list[Fact]:
    """Facts whose ids have distinct 32-bit hashes (the engine compares hashes only).

    On a collision the later fact's id gets a ``~`` suffix until its hash is free; ids
    stay deterministic because the facts come in canonical order.
    """
    seen: set[int] = set()
    out = []
    for fact in facts:
        h = _id_hash(fact["id"])
        if h in seen:
            fact = dict(fact)
            while h in seen:
                fact["id"] += "~"
                h = _id_hash(fact["id"])
        seen.add(h)
        out.append(fact)
    return out
