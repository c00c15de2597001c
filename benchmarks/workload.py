"""Realistic interview timelines, generated from a fixed seed.

Each application has a first interview, sometimes a scheduling event before it, 1-3
interviewers (some without an email), a second round now and then, thank-yous sent or
not, calls with outcomes, follow-ups, replies of every kind, materials, promises, a
stated decision date, channel or long wait now and then, and an evaluation time spread
over 0-45 days after the first interview. The same seed gives the same timelines, so
every engine of a run sees the same data.

``applications(n, seed)`` is a generator: a million timelines stream through in
constant memory. ``padded(events, seed)`` makes one long timeline (for the growth-in-
events curve): a realistic start followed by cycles of contact and reply.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Iterator

from rulebook.events import Timeline

SEED = 20260301
ZONES = ("Europe/Berlin", "America/New_York", "UTC", "Asia/Tokyo", "Europe/London")
FIRST = ("Dana", "Sam", "Priya", "Lee", "Maria", "Tom", "Aiko", "Omar", "Ines", "Kofi")
LAST = ("Lee", "Ortiz", "Natarajan", "Novak", "Garcia", "Berg", "Sato", "Haddad", "Silva",
        "Mensah")
ROLES = ("Hiring Manager", "Tech Lead", "HR Partner", "Engineer", None)
CHANNELS = ("email", "phone", "letter", "linkedin", "handwritten_note")
KINDS = ("no_decision", "materials_requested", "second_interview", "offer", "rejection",
         "other")
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
H, D = 3600, 86400


def _t(base: dt.datetime, seconds: float) -> dt.datetime:
    return base + dt.timedelta(seconds=int(seconds))


def _people(rng: random.Random, count: int) -> list[dict]:
    out = []
    for _ in range(count):
        p = {"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}"}
        if rng.random() < 0.7:
            p["email"] = p["name"].lower().replace(" ", ".") + "@example.com"
        role = rng.choice(ROLES)
        if role:
            p["role"] = role
        out.append(p)
    return out


def _timeline(rng: random.Random) -> tuple[dict, dt.datetime]:
    """One application as an events document (a dict) and its evaluation time."""
    first = _t(START, rng.randrange(0, 300) * D + rng.randrange(8, 17) * H)
    events: list[dict] = []
    if rng.random() < 0.5:
        events.append({"type": "interview_scheduled", "at": first - dt.timedelta(days=rng.randint(2, 9)),
                       "starts_at": first})
    rounds = 1 if rng.random() < 0.6 else 2
    people = _people(rng, rng.randint(1, 3))
    if rng.random() < 0.15:
        events.append({"type": "referral_contact", "at": first - dt.timedelta(days=3),
                       "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}"})
    clock = first
    for rnd in range(1, rounds + 1):
        if rnd > 1:
            invite = _t(clock, rng.uniform(2, 8) * D)
            events.append({"type": "reply", "at": invite, "kind": "second_interview",
                           "from": people[0]["name"]})
            clock = _t(invite, rng.uniform(2, 6) * D)
            people = _people(rng, rng.randint(1, 3))
        events.append({"type": "interview", "at": clock, "round": rnd, "interviewers": people})
        for p in people:
            if "email" not in p and rng.random() < 0.5:
                events.append({"type": "contact_details", "at": _t(clock, rng.uniform(1, 20) * H),
                               "name": p["name"].upper() if rng.random() < 0.2 else p["name"],
                               "email": "found@example.com"})
            if rng.random() < 0.65:
                events.append({"type": "thank_you_sent", "at": _t(clock, rng.uniform(2, 60) * H),
                               "to": p["name"].lower() if rng.random() < 0.2 else p["name"],
                               "channel": rng.choice(("email", "email", "handwritten_note"))})
        if rng.random() < 0.5:
            ns = {"type": "next_steps", "at": _t(clock, rng.uniform(0.5, 3) * H)}
            if rng.random() < 0.4:
                ns["decision_by"] = _t(clock, rng.uniform(5, 25) * D)
            if rng.random() < 0.3:
                ns["preferred_channel"] = rng.choice(CHANNELS)
            if rng.random() < 0.15:
                ns["long_wait"] = True
            if rng.random() < 0.6:
                ns["from"] = people[0]["name"]
            events.append(ns)
        if rng.random() < 0.2:
            events.append({"type": "promise", "at": _t(clock, 1 * H), "what": "send my portfolio",
                           "due": _t(clock, rng.uniform(1, 4) * D)})
            if rng.random() < 0.5:
                events.append({"type": "materials_sent", "at": _t(clock, rng.uniform(1, 3) * D)})
    # after the last interview: calls, follow-ups and replies
    t = clock
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
        t = _t(t, rng.uniform(2, 9) * D)
        roll = rng.random()
        if roll < 0.35:
            events.append({"type": "call", "at": t, "to": people[0]["name"],
                           "outcome": rng.choice(("reached", "voicemail", "no_answer"))})
        elif roll < 0.7:
            ev = {"type": "follow_up_sent", "at": t, "channel": rng.choice(("email", "email", "letter"))}
            if rng.random() < 0.5:
                ev["to"] = people[0]["name"]
            events.append(ev)
        else:
            kind = rng.choice(KINDS)
            ev = {"type": "reply", "at": t, "kind": kind}
            if rng.random() < 0.7:
                ev["from"] = people[-1]["name"]
            if kind == "materials_requested" and rng.random() < 0.5:
                ev["due"] = _t(t, rng.uniform(1, 5) * D)
            events.append(ev)
            if kind in ("offer", "rejection"):
                break
    if rng.random() < 0.03:
        events.append({"type": "withdrawn", "at": _t(t, rng.uniform(1, 5) * D)})
    rng.shuffle(events)  # the engine must not depend on the order events are written in
    at = _t(first, rng.uniform(0, 45) * D)
    doc = {"timezone": rng.choice(ZONES), "application": {"company": "Acme", "role": "Engineer"},
           "events": events}
    return doc, at


def documents(n: int, seed: int = SEED) -> Iterator[tuple[dict, dt.datetime]]:
    """``n`` (events document, evaluation time) pairs, generated lazily."""
    rng = random.Random(seed)
    for _ in range(n):
        yield _timeline(rng)


def applications(n: int, seed: int = SEED) -> Iterator[tuple[Timeline, dt.datetime]]:
    """``n`` validated (timeline, evaluation time) pairs, generated lazily."""
    for doc, at in documents(n, seed):
        yield Timeline.model_validate(doc), at


def padded(n_events: int, seed: int = SEED) -> tuple[Timeline, dt.datetime]:
    """One timeline of exactly ``n_events`` events: an interview, then contact cycles.

    Each cycle is a follow-up or a call and, two times in three, a reply: the shape of a
    long process. The evaluation time is after the last event.
    """
    rng = random.Random(seed + n_events)
    first = START
    people = [{"name": "Dana Lee", "email": "dana@example.com"}, {"name": "Sam Ortiz"}]
    events = [{"type": "interview", "at": first, "round": 1, "interviewers": people},
              {"type": "thank_you_sent", "at": _t(first, 5 * H), "to": "Dana Lee",
               "channel": "email"},
              {"type": "next_steps", "at": _t(first, 1 * H), "from": "Dana Lee"}]
    t = _t(first, 1 * D)
    while len(events) < n_events:
        t = _t(t, rng.uniform(0.5, 2) * D)
        if rng.random() < 0.5:
            events.append({"type": "follow_up_sent", "at": t, "channel": "email",
                           "to": "Dana Lee"})
        else:
            events.append({"type": "call", "at": t, "to": "Dana Lee",
                           "outcome": rng.choice(("reached", "voicemail", "no_answer"))})
        if len(events) < n_events and rng.random() < 0.67:
            t = _t(t, rng.uniform(0.2, 1) * D)
            events.append({"type": "reply", "at": t, "kind": rng.choice(("no_decision", "other")),
                           "from": "Dana Lee"})
    events = events[:n_events]
    doc = {"timezone": "Europe/Berlin", "events": events}
    return Timeline.model_validate(doc), _t(t, 2 * D)
