"""Hypothesis strategies: events, timelines, and whole policies in the policy language.

Everything is generated as plain data (the dicts an events document or a policy file
holds), so a failing example prints as something a coach can paste into a file. Times
fall on a coarse grid around a fixed day so that same-instant events, ties in the
canonical order and windows that open or close exactly at the evaluation time are
common; several time zones (one with a half-hour offset) are used.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from rulebook.events import CHANNELS
from rulebook.vocabulary import BOOL, FACT_FIELDS, GUIDELINES, INT, TEXT, TIME

BASE = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata")
NAMES = ("Dana Lee", "dana  lee", "Sam Ortiz", "Priya", "O'Brien (HR)", "Ana.Lima")
OUTCOMES = ("reached", "voicemail", "no_answer")
KINDS = ("no_decision", "materials_requested", "second_interview", "offer", "rejection",
         "other")
EVENT_TYPES = tuple(FACT_FIELDS)  # the timeline's event types (interviewer is not one)
EVENT_TYPES = tuple(t for t in EVENT_TYPES if t != "interviewer")
# actions a candidate may snooze or dismiss: the shipped policies' most common ones
ACTIONS = ("send_thank_you", "follow_up_call", "check_in", "send_follow_up_email", "write_notes")


# -- events and timelines -----------------------------------------------------------------

def moments(days: int = 40) -> st.SearchStrategy[dt.datetime]:
    """Moments on a 1-hour grid (sometimes 30 minutes) within ``days`` of BASE."""
    hours = st.integers(min_value=-24, max_value=days * 24)
    half = st.sampled_from([0, 0, 0, 30])
    return st.builds(lambda h, m: BASE + dt.timedelta(hours=h, minutes=m), hours, half)


def _iso(moment: dt.datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")


@st.composite
def _person(draw, names) -> dict[str, Any]:
    person = {"name": draw(names)}
    if draw(st.booleans()):
        person["email"] = person["name"].split()[0].lower() + "@example.com"
    if draw(st.integers(0, 3)) == 0:
        person["phone"] = "+1 555 0100"
    if draw(st.booleans()):
        person["role"] = draw(st.sampled_from(["Hiring Manager", "Tech Lead", "HR"]))
    return person


def _maybe(draw, strategy, chance: int = 2):
    return draw(strategy) if draw(st.integers(0, chance - 1)) == 0 else None


@st.composite
def events(draw, types: Optional[tuple[str, ...]] = None, names: tuple[str, ...] = NAMES,
           zone: str = "UTC", when: Optional[st.SearchStrategy] = None,
           extras: frozenset = frozenset()) -> dict[str, Any]:
    """One event of the events document, as a dict (any type, or one of ``types``).

    ``extras`` names optional fields to draw too (``purpose``, ``final``): only for
    policies that read them, so that other seeds keep giving the same timelines."""
    kind = draw(st.sampled_from(types or EVENT_TYPES))
    when = moments() if when is None else when
    at = draw(when)
    names_st = st.sampled_from(names)
    e: dict[str, Any] = {"type": kind, "at": _iso(at, zone)}
    later = st.builds(lambda h: at + dt.timedelta(hours=h), st.integers(-48, 24 * 20))
    if kind in ("interview_scheduled", "interview"):
        if kind == "interview_scheduled":
            e["starts_at"] = _iso(draw(later), zone)
        people = draw(st.lists(_person(names_st), min_size=1 if kind == "interview" else 0,
                               max_size=3))
        if people:
            e["interviewers"] = people
        if draw(st.booleans()):
            e["round"] = draw(st.integers(1, 3))
        if "final" in extras and draw(st.integers(0, 3)) == 0:
            e["final"] = draw(st.booleans())
    elif kind == "next_steps":
        for key, value in (("decision_by", st.builds(lambda m: _iso(m, zone), later)),
                           ("preferred_channel", st.sampled_from(CHANNELS)),
                           ("long_wait", st.booleans()), ("from", names_st)):
            v = _maybe(draw, value)
            if v is not None:
                e[key] = v
    elif kind == "contact_details":
        e["name"] = draw(names_st)
        if draw(st.booleans()):
            e["email"] = "someone@example.com"
    elif kind in ("thank_you_sent", "follow_up_sent"):
        to = draw(names_st) if kind == "thank_you_sent" else _maybe(draw, names_st)
        if to is not None:
            e["to"] = to
        e["channel"] = draw(st.sampled_from(CHANNELS))
    elif kind == "call":
        to = _maybe(draw, names_st)
        if to is not None:
            e["to"] = to
        e["outcome"] = draw(st.sampled_from(OUTCOMES))
    if "purpose" in extras and kind in ("thank_you_sent", "follow_up_sent", "call") \
            and draw(st.integers(0, 2)) == 0:
        e["purpose"] = draw(st.sampled_from(PURPOSES))
    elif kind == "reply":
        e["kind"] = draw(st.sampled_from(KINDS))
        frm = _maybe(draw, names_st)
        if frm is not None:
            e["from"] = frm
        due = _maybe(draw, later, 3)
        if due is not None:
            e["due"] = _iso(due, zone)
    elif kind == "promise":
        e["what"] = "send work samples"
        e["due"] = _iso(draw(later), zone)
    elif kind == "referral_contact":
        e["name"] = draw(names_st)
    elif kind in ("snoozed", "dismissed"):
        e["action"] = draw(st.sampled_from(ACTIONS))
        to = _maybe(draw, names_st)
        if to is not None:
            e["to"] = to
        if kind == "snoozed":
            e["until"] = _iso(draw(later), zone)
    return e


@st.composite
def timelines(draw, policy=None, min_events: int = 0, max_events: int = 10,
              zones: tuple[str, ...] = ZONES, interview_first: Optional[bool] = None
              ) -> dict[str, Any]:
    """An events document (a dict) in any order, often with several interviews and
    rounds, same-instant events and people written in different spellings.

    Given a policy (a :class:`rulebook.policy.Policy` or a loaded one), the text values
    its conditions test for are mixed into the names, so its conditions can hold.
    """
    names, types, extras = NAMES, EVENT_TYPES, frozenset()
    if policy is not None:
        names = tuple(sorted(set(NAMES) | set(_text_literals(policy))))
        extras = _optional_fields_read(policy)
        read = _types_read(policy)
        if read and draw(st.integers(0, 4)):  # mostly the events the policy reads
            types = tuple(sorted(read))
    zone = draw(st.sampled_from(zones))
    # few distinct instants, so that ties are common
    instants = draw(st.lists(moments(), min_size=1, max_size=6))
    when = st.one_of(st.sampled_from(instants), moments())
    evs = draw(st.lists(events(types=types, names=names, zone=zone, when=when, extras=extras),
                        min_size=min_events, max_size=max_events))
    if interview_first or (interview_first is None and evs and draw(st.integers(0, 2)) == 0):
        first = st.just(min(instants)) if interview_first else when
        evs.insert(0, draw(events(types=("interview",), names=names, zone=zone, when=first,
                                  extras=extras)))
    if interview_first and draw(st.booleans()):  # how stories end
        ending = draw(st.sampled_from(["rejection", "offer", "withdrawn"]))
        late = st.builds(lambda h: min(instants) + dt.timedelta(hours=h), st.integers(1, 24 * 20))
        e = draw(events(types=("withdrawn" if ending == "withdrawn" else "reply",),
                        names=names, zone=zone, when=late))
        if ending != "withdrawn":
            e["kind"] = ending
        evs.append(e)
    if not interview_first:  # else the interview stays first in the file too
        evs = draw(st.permutations(evs))
    return {"timezone": zone, "application": {"company": "Acme"}, "events": list(evs)}


def _model(policy):
    from rulebook.policy import Policy
    if not isinstance(policy, Policy):
        policy = policy.policy  # a LoadedPolicy or a Program
        policy = policy if isinstance(policy, Policy) else policy.policy
    return policy


def _types_read(policy) -> set[str]:
    """The event types whose facts ``policy`` can read, through derived facts too."""
    policy = _model(policy)
    out = set()
    for section in ("derive", "rules", "limits"):
        for entry in policy.active(section).values():
            for p in entry.patterns():
                out.update(p.types)
    if "interviewer" in out:
        out.add("interview")
    return out & set(EVENT_TYPES)


def _optional_fields_read(policy) -> frozenset:
    """The optional event fields (``purpose``, ``final``) a policy's patterns read."""
    policy = _model(policy)
    out = set()
    for section in ("derive", "rules", "limits"):
        for entry in policy.active(section).values():
            for p in entry.patterns():
                out.update(p.where)
                out.update(p.same)
                out.update(r.split(".", 1)[-1] for r in p.same.values())
            if section == "derive":
                out.update(r.split(".", 1)[-1] for r in entry.set.values())
    return frozenset(out & {"purpose", "final"})


def _text_literals(policy) -> list[str]:
    policy = _model(policy)
    out = []
    for section in ("derive", "rules", "limits"):
        for entry in getattr(policy, section).values():
            for p in entry.patterns():
                for cond in p.where.values():
                    for op, value in cond.tests():
                        for v in (value if op == "in" else [value]):
                            if isinstance(v, str) and v not in KINDS and v not in OUTCOMES \
                                    and v not in CHANNELS and "+" not in v and "-" not in v:
                                out.append(v)
    return out


def evaluation_times(doc: dict[str, Any]) -> st.SearchStrategy[dt.datetime]:
    """Times worth evaluating a timeline at: at its events, just around them, and later."""
    stamps = [dt.datetime.fromisoformat(e["at"]) for e in doc.get("events", [])]
    near = [s + dt.timedelta(seconds=d) for s in stamps for d in (0, -1, 3600, 86400 * 7)]
    last = max(stamps, default=BASE)
    late = [last + dt.timedelta(hours=h) for h in (0, 1, 24, 24 * 6, 24 * 15, 24 * 40)]
    return st.one_of(st.sampled_from(late), st.sampled_from(near or [BASE]), moments(60))


# -- policies ------------------------------------------------------------------------------

# text literals: names, and one that looks like a reference to a bound fact's field
PURPOSES = ("call_them", "write_them")  # what sent messages and calls were for
TEXTS = NAMES + ("someone@example.com", "r0.name", "d0.to") + PURPOSES
ACTIONS = ("call_them", "write_them", "wait_quietly", "thank_them")
_TIME_UNITS = ("m", "h", "d", "w")


class _Types:
    """Fact types and their fields as a generated policy declares them."""

    def __init__(self):
        self.fields: dict[str, dict[str, Any]] = {t: dict(f, at=TIME)
                                                  for t, f in FACT_FIELDS.items()}

    def common(self, types: list[str]) -> dict[str, Any]:
        out = dict(self.fields[types[0]])
        for t in types[1:]:
            out = {k: v for k, v in out.items() if k in self.fields[t]
                   and _kind(self.fields[t][k]) == _kind(v)}
        return out


def _kind(kind) -> str:
    return TEXT if isinstance(kind, tuple) else kind


def _offsets(draw, allow_bd: bool) -> str:
    out = ""
    for _ in range(draw(st.integers(0, 2))):
        unit = draw(st.sampled_from(_TIME_UNITS + (("bd",) if allow_bd else ())))
        out += f" {draw(st.sampled_from('+-'))} {draw(st.integers(0, 20))}{unit}"
    return out


def _time_expr(draw, scope: dict[str, list[str]], types: _Types, allow_now: bool,
               allow_bd: bool = False) -> str:
    anchors = list(scope) + (["now"] if allow_now else [])
    anchor = draw(st.sampled_from(anchors))
    text = anchor
    if anchor != "now":
        fields = [f for f, k in types.common(scope[anchor]).items() if k == TIME and f != "at"]
        if fields and draw(st.booleans()):
            text += "." + draw(st.sampled_from(fields))
    return text + _offsets(draw, allow_bd)


def _in_order(window: dict[str, str]) -> dict[str, str]:
    """The window with a start that is not certainly after its due or end (check refuses
    those): swapped with the due, or the end moved to the start."""
    from rulebook.timeexpr import parse_time_expr
    from rulebook.validate import starts_after

    if starts_after(parse_time_expr(window["start"]), parse_time_expr(window["due"])):
        window["start"], window["due"] = window["due"], window["start"]
    if "end" in window and starts_after(parse_time_expr(window["start"]),
                                        parse_time_expr(window["end"])):
        window["end"] = window["start"]
    return window


def _literal(draw, kind) -> Any:
    if isinstance(kind, tuple):
        return draw(st.sampled_from(kind))
    if kind == INT:
        return draw(st.integers(1, 3))
    if kind == BOOL:
        return draw(st.booleans())
    return draw(st.sampled_from(TEXTS))


def _condition(draw, kind, scope, types) -> dict[str, Any]:
    if draw(st.integers(0, 4)) == 0:
        return {"exists": draw(st.booleans())}
    if kind == TIME:
        if not scope and draw(st.booleans()):
            return {"exists": True}
        op = draw(st.sampled_from(("gt", "ge", "lt", "le", "eq", "ne")))
        return {op: _time_expr(draw, scope, types, allow_now=True)}
    if kind == INT:
        op = draw(st.sampled_from(("eq", "ne", "gt", "ge", "lt", "le")))
        return {op: _literal(draw, kind)}
    if kind == BOOL:
        return {draw(st.sampled_from(("eq", "ne"))): _literal(draw, kind)}
    op = draw(st.sampled_from(("eq", "ne", "in")))
    if op == "in":
        options = kind if isinstance(kind, tuple) else TEXTS
        return {"in": draw(st.lists(st.sampled_from(options), min_size=1, max_size=3,
                                    unique=True))}
    return {op: _literal(draw, kind)}


def _pattern(draw, scope: dict[str, list[str]], types: _Types, readable: list[str]) -> dict:
    size = draw(st.sampled_from((1, 1, 1, 2)))
    chosen = draw(st.lists(st.sampled_from(readable), min_size=size, max_size=size,
                           unique=True))
    fields = types.common(chosen)
    p: dict[str, Any] = {"fact": chosen[0] if len(chosen) == 1 else chosen}
    where = {}
    wanted = min(len(fields), draw(st.sampled_from((0, 0, 1, 1, 2))))
    for fname in draw(st.lists(st.sampled_from(sorted(fields)), min_size=wanted,
                               max_size=wanted, unique=True)):
        where[fname] = _condition(draw, fields[fname], scope, types)
    if where:
        p["where"] = where
    if scope and draw(st.integers(0, 2)) == 0:
        fname = draw(st.sampled_from(sorted(fields)))
        options = [f"{n}.{f}" for n, ts in scope.items()
                   for f, k in types.common(ts).items() if _kind(k) == _kind(fields[fname])]
        if options:
            p["same"] = {fname: draw(st.sampled_from(sorted(options)))}
    if scope and draw(st.booleans()):
        p[draw(st.sampled_from(("after", "before")))] = draw(st.sampled_from(sorted(scope)))
    if draw(st.integers(0, 5)) == 0:
        p["since"] = f"{draw(st.integers(1, 30))}{draw(st.sampled_from(('h', 'd', 'w')))}"
    return p


def _entry(draw, types: _Types, readable: list[str], name_pool: str) -> tuple[dict, dict]:
    scope: dict[str, list[str]] = {}
    when = {}
    for i in range(draw(st.sampled_from((1, 1, 2, 2, 3)))):
        name = f"{name_pool}{i}"
        when[name] = _pattern(draw, scope, types, readable)
        t = when[name]["fact"]
        scope[name] = [t] if isinstance(t, str) else list(t)
    absent = [_pattern(draw, scope, types, readable)
              for _ in range(draw(st.sampled_from((0, 0, 1, 1, 2))))]
    entry: dict[str, Any] = {"sources": [draw(st.sampled_from(sorted(GUIDELINES)))],
                             "when": when}
    if absent:
        entry["absent"] = absent
    counts = [_count(draw, scope, types, readable)
              for _ in range(draw(st.sampled_from((0, 0, 0, 0, 1, 1, 2))))]
    if counts:
        entry["count"] = counts
    return entry, scope


def _count(draw, scope, types: _Types, readable: list[str]) -> dict:
    """A counted pattern: at least and/or at most a few facts, sometimes within a span."""
    p = _pattern(draw, scope, types, readable)
    for cond in p.get("where", {}).values():  # a count's 'in' takes plain words only
        if len(cond.get("in", ())) > 1 and not all(v.replace("_", "").isalnum()
                                                   for v in cond["in"]):
            cond["in"] = cond["in"][:1]
    low = draw(st.sampled_from((None, 1, 2, 2, 3)))
    high = draw(st.sampled_from((None, 0, 1, 2, 3))) if low is not None else \
        draw(st.sampled_from((0, 1, 2, 3)))
    if low is not None and high is not None and high < low:
        low, high = high or None, low
    if low is not None:
        p["at_least"] = low
    if high is not None:
        p["at_most"] = high
    if draw(st.integers(0, 2)) == 0:
        p["within"] = f"{draw(st.integers(1, 20))}{draw(st.sampled_from(('h', 'd', 'w')))}"
    return p


@st.composite
def policies(draw, max_derive: int = 3, max_rules: int = 3, max_limits: int = 2) -> dict:
    """A valid policy document (a dict) using the whole language: derived facts (chained,
    several producers of one type), fan-out over people, windows, absences, limits."""
    types = _Types()
    # a few built-in types per policy, so that generated timelines make entries match
    palette = draw(st.lists(st.sampled_from(sorted(FACT_FIELDS)), min_size=2, max_size=4,
                            unique=True))
    readable = list(palette)
    derive: dict[str, Any] = {}
    for i in range(draw(st.integers(0, max_derive))):
        entry, scope = _entry(draw, types, readable, "d")
        did = f"derived_{i}"
        shared = [t for t in types.fields if t.startswith("fact_")]
        reads = scope_types(scope) | {t for p in entry.get("absent", []) + entry.get("count", [])
                                      for t in ([p["fact"]] if isinstance(p["fact"], str)
                                                else p["fact"])}
        if shared and not any(t.startswith("fact_") for t in reads) \
                and draw(st.integers(0, 2)) == 0:
            entry["fact"] = draw(st.sampled_from(sorted(shared)))
            name = entry["fact"]
        else:
            name = f"fact_{i}"
            entry["fact"] = name
            sets = {}
            for n, ts in scope.items():
                for f, k in sorted(types.common(ts).items()):
                    if f != "at" and draw(st.integers(0, 3)) == 0:
                        sets[f] = f"{n}.{f}"
            if sets:
                entry["set"] = sets
            types.fields[name] = {"at": TIME}
            for f, ref in sets.items():
                n, src = ref.split(".")
                types.fields[name][f] = types.common(scope[n])[src]
        if len(scope) > 1 and draw(st.booleans()):
            entry["at"] = draw(st.sampled_from(sorted(scope)))
        derive[did] = entry
        readable = palette + [t for t in types.fields if t.startswith("fact_")]
    rules: dict[str, Any] = {}
    for i in range(draw(st.integers(1, max_rules))):
        entry, scope = _entry(draw, types, readable, "r")
        entry["action"] = draw(st.sampled_from(ACTIONS))
        start = _time_expr(draw, scope, types, allow_now=False, allow_bd=True)
        window = {"start": start,
                  "due": _time_expr(draw, scope, types, allow_now=False, allow_bd=True)}
        if draw(st.integers(0, 3)):
            window["end"] = _time_expr(draw, scope, types, allow_now=False, allow_bd=True)
        entry["window"] = _in_order(window)
        people = [f"{n}.{f}" for n, ts in scope.items()
                  for f, k in types.common(ts).items() if k == TEXT]
        if people and draw(st.booleans()):
            entry["to"] = draw(st.sampled_from(sorted(people)))
        if draw(st.booleans()):
            entry["channel"] = {"default": draw(st.sampled_from(CHANNELS)),
                                "stated": draw(st.booleans())}
        entry["office_hours"] = draw(st.integers(0, 3)) == 0
        first = next(iter(scope))
        entry["reason"] = f"Because of {{{first}}}, by {{due}}."
        entry["priority"] = draw(st.integers(0, 99))
        rules[f"rule_{i}"] = entry
    actions = sorted({r["action"] for r in rules.values()})
    limits: dict[str, Any] = {}
    for i in range(draw(st.integers(0, max_limits))):
        entry, scope = _entry(draw, types, readable, "l")
        if draw(st.booleans()):
            entry["applies_to"] = "all"
        else:
            entry["applies_to"] = draw(st.lists(st.sampled_from(actions), min_size=1,
                                                unique=True))
        if draw(st.booleans()):
            entry["until"] = _time_expr(draw, scope, types, allow_now=False, allow_bd=True)
        entry["reason"] = "Held back until {until}."
        limits[f"limit_{i}"] = entry
    out: dict[str, Any] = {"policy": "generated", "rules": rules}
    if derive:
        out["derive"] = derive
    if limits:
        out["limits"] = limits
    return out


def scope_types(scope: dict[str, list[str]]) -> set[str]:
    return {t for ts in scope.values() for t in ts}


def _in_order(window: dict[str, str]) -> dict[str, str]:
    """The window with its start swapped with the due or end that validation would find
    before it (a start after its due or end on the same anchor is an error, not a policy).
    Each swap makes the start earlier, so two suffice."""
    from rulebook.timeexpr import parse_time_expr
    from rulebook.validate import _comparable, _later

    for other in ("due", "end", "due"):
        if other in window:
            a, b = parse_time_expr(window["start"]), parse_time_expr(window[other])
            if _comparable(a, b) and _later(a, b):
                window["start"], window[other] = window[other], window["start"]
    return window


# -- stories: timelines weighted toward what breaks follow-up policies --------------------

STORY_ZONES = ("Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata")
_PEOPLE = ("Dana Lee", "Sam Ortiz", "Priya")
# How a candidate logs: with times, as a diary of dates only, or a mix of both.
_LOGGING = ("times", "dates", "mixed", "times", "dates")
# Thank-yous after each interview: to everyone, to some, or none at all (and then often
# decided against, so that following the advice does not write them).
_THANKS = ("all", "none", "all", "some")
# How far out a stated decision date lies, in days: mostly within two weeks, when the
# usual follow-ups fall due just before or just after it.
_DECISION_DAYS = ((6, 12), (1, 5), (9, 16), (9, 16), (17, 45))
_STATED = ("email", "phone", "letter", "email", "phone", "linkedin")
# A last word from the employer: every kind, most often an invitation (that may lead
# nowhere) or a rejection.
_REPLIES = ("second_interview", "rejection", "no_decision", "second_interview",
            "materials_requested", "other", "offer")
# Contacts the candidate already made: mostly none, sometimes many.
_CONTACTS = (0, 0, 0, 0, 1, 2, 4, 6)


def _day(moment: dt.datetime, zone: str) -> str:
    """A date without a time (the end of that day, in the document's zone)."""
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


def _local(moment: dt.datetime, zone: str, hour: int, minute: int = 0) -> dt.datetime:
    """``moment``'s day at ``hour``:``minute`` local time."""
    local = moment.astimezone(ZoneInfo(zone))
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


@st.composite
def stories(draw, names: tuple[str, ...] = _PEOPLE) -> dict[str, Any]:
    """An events document told as a story, weighted toward the corners where policies
    break: decision dates with and without a time (mostly one to two weeks out), events
    logged as a date only (some candidates log nothing else), preferred channels, long
    waits, replies of every kind followed by silence, no thank-you at all, many contacts,
    several rounds, and endings. The candidate's own contacts are few or none, so that
    following the advice (``rulebook.testing.follow_advice``) writes the rest;
    :func:`story_times` gives the moments worth asking at."""
    zone = draw(st.sampled_from(STORY_ZONES))
    start = BASE + dt.timedelta(days=draw(st.integers(0, 6)), hours=draw(st.integers(0, 8)))
    events: list[dict[str, Any]] = []
    logging = draw(st.sampled_from(_LOGGING))
    thanks = draw(st.sampled_from(_THANKS))

    def when(moment: dt.datetime, mixed: bool = False) -> str:
        date_only = logging == "dates" or ((mixed or logging == "mixed")
                                           and draw(st.booleans()))
        return _day(moment, zone) if date_only else _iso(moment, zone)

    rounds = draw(st.sampled_from((1, 1, 1, 2, 3)))
    interview = start
    people: list[str] = []
    unthanked: list[str] = []
    for rnd in range(1, rounds + 1):
        who = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
        people = sorted(set(people) | set(who))
        iv = {"type": "interview", "at": _iso(interview, zone),
              "interviewers": [{"name": n, "email": n.split()[0].lower() + "@example.com"}
                               if draw(st.integers(0, 3)) else {"name": n} for n in who]}
        if rnd > 1:
            iv["round"] = rnd
        events.append(iv)
        for n in who:
            if not (thanks == "all" or (thanks == "some" and draw(st.booleans()))):
                unthanked.append(n)
            else:
                events.append({"type": "thank_you_sent", "to": n, "channel": "email",
                               "at": when(interview + dt.timedelta(hours=draw(st.integers(
                                   1, 30))))})
        if thanks == "none" and draw(st.sampled_from((True, True, False))):
            events.append({"type": "dismissed", "action": "send_thank_you",
                           "at": when(interview + dt.timedelta(hours=draw(st.integers(
                               1, 30))))})
        if rnd < rounds:
            gap = dt.timedelta(days=draw(st.integers(3, 21)))
            events.append({"type": "reply", "kind": "second_interview",
                           "at": when(interview + gap / 2)})
            interview += gap
    if draw(st.sampled_from((True, True, True, False))):  # next steps, often with a date,
        # a channel or a long wait
        # next steps are often noted as a date, whatever the style
        ns: dict[str, Any] = {"type": "next_steps",
                              "at": when(interview + dt.timedelta(hours=draw(st.sampled_from(
                                  (1, 2, 24, 24 * 5, 24 * 8)))), mixed=True)}
        shape = draw(st.sampled_from(("date", "timed date", "long", "date", "none")))
        span = draw(st.sampled_from(_DECISION_DAYS))
        days_out = dt.timedelta(days=draw(st.integers(*span)))
        if shape == "date":
            ns["decision_by"] = _day(interview + days_out, zone)
        elif shape == "timed date":
            ns["decision_by"] = _iso(_local(interview + days_out, zone,
                                            draw(st.integers(8, 18))), zone)
        elif shape == "long":
            ns["long_wait"] = True
        if draw(st.sampled_from((True, True, True, False))):
            ns["preferred_channel"] = draw(st.sampled_from(_STATED))
        if draw(st.integers(0, 3)) == 0:
            ns["from"] = draw(st.sampled_from(people))
        events.append(ns)
    clock = interview
    for _ in range(draw(st.sampled_from(_CONTACTS))):  # contacts already made
        clock += dt.timedelta(hours=draw(st.integers(2, 24 * 9)))
        if draw(st.booleans()):
            events.append({"type": "follow_up_sent", "channel": "email", "at": when(clock)})
        else:
            events.append({"type": "call", "at": _iso(clock, zone),
                           "outcome": draw(st.sampled_from(OUTCOMES))})
    if draw(st.booleans()):  # a word from them, then (mostly) silence
        clock += dt.timedelta(hours=draw(st.integers(1, 24 * 14)))
        reply: dict[str, Any] = {"type": "reply", "kind": draw(st.sampled_from(_REPLIES)),
                                 "at": when(clock)}
        if draw(st.booleans()):
            reply["from"] = draw(st.sampled_from(people))
        if reply["kind"] == "materials_requested" and draw(st.booleans()):
            reply["due"] = _iso(clock + dt.timedelta(days=draw(st.integers(1, 7))), zone)
        events.append(reply)
        if reply["kind"] == "second_interview" and draw(st.integers(0, 3)) == 0:
            events.append({"type": "interview_scheduled", "at": _iso(clock, zone),
                           "starts_at": _iso(clock + dt.timedelta(days=5), zone)})
    if draw(st.integers(0, 5)) == 0:
        events.append({"type": "referral_contact", "name": "Kim Park",
                       "at": _iso(start - dt.timedelta(days=3), zone)})
    if draw(st.integers(0, 4)) == 0:  # the candidate puts an action off, or drops it
        kind = draw(st.sampled_from(("snoozed", "dismissed")))
        hours = draw(st.sampled_from(((1, 30), (1, 24 * 10))))  # often the first day
        put: dict[str, Any] = {"type": kind, "at": _iso(interview + dt.timedelta(
            hours=draw(st.integers(*hours))), zone),
            "action": draw(st.sampled_from(("send_thank_you", "check_in", "follow_up_call",
                                            "continue_search", "final_nudge")))}
        if unthanked and draw(st.booleans()):  # often a thank-you still owed to someone
            put.update(action="send_thank_you", to=draw(st.sampled_from(sorted(unthanked))))
        elif draw(st.sampled_from((True, True, False))):  # mostly for one person
            put["to"] = draw(st.sampled_from(people))
        if kind == "snoozed":
            put["until"] = _iso(interview + dt.timedelta(days=draw(st.integers(2, 20))), zone)
        events.append(put)
    if draw(st.integers(0, 3)) == 0:  # an ending
        end = clock + dt.timedelta(hours=draw(st.integers(1, 24 * 20)))
        kind = draw(st.sampled_from(("rejection", "offer", "withdrawn")))
        events.append({"type": "withdrawn", "at": when(end)} if kind == "withdrawn" else
                      {"type": "reply", "kind": kind, "at": when(end)})
    return {"timezone": zone, "application": {"company": "Acme"}, "events": events}


def story_times(doc: dict[str, Any]) -> st.SearchStrategy[dt.datetime]:
    """Moments worth asking a story at, in four equal shares: around each word from the
    employer (an interview, a reply, next steps, a withdrawal: just after it, or all that
    day when it was logged as a date, and the next morning; a stated decision date the
    same way, and the mornings a week, three days and a day before it); the day next
    steps were noted as a date only (else another word noted so), morning to evening;
    the mornings of the two weeks after the latest interview; and any of those or later
    (just after any event, the day of any event logged as a date, the weeks after the
    first and the latest interview, the months of a long wait)."""
    zone = ZoneInfo(doc.get("timezone", "UTC"))
    said, noted, dated, out = [], [], [], []

    def mornings(moment: dt.datetime, days) -> list[dt.datetime]:
        return [_local(moment + dt.timedelta(days=d), zone.key, 9, 30) for d in days]

    for e in doc.get("events", []):
        word = e["type"] in ("interview", "reply", "next_steps", "withdrawn")
        for key in ("at", "decision_by"):
            text = e.get(key)
            if not isinstance(text, str):
                continue
            if len(text) == 10:  # a date: that day, morning to evening, and the next morning
                day = dt.datetime.fromisoformat(text).replace(tzinfo=zone)
                soon = [day.replace(hour=h, minute=30) for h in (9, 11, 14, 17, 20)]
                moment = day.replace(hour=23, minute=59)
                if e["type"] == "next_steps" and key == "at":
                    noted += soon
                elif word or key == "decision_by":
                    dated += soon
            else:
                moment = dt.datetime.fromisoformat(text)
                soon = [moment + dt.timedelta(minutes=1), moment + dt.timedelta(hours=1)]
            soon += mornings(moment, (1,))
            (said if word else out).extend(soon)
            out += mornings(moment, (4, 6, 15))
            if key == "decision_by":  # the days before a stated date
                said += mornings(moment, (-7, -3, -1))
            elif e["type"] == "next_steps" and e.get("long_wait"):  # month by month
                out += mornings(moment, (29, 31, 45, 61, 90, 120))
    interviews = sorted(dt.datetime.fromisoformat(e["at"]) for e in doc.get("events", [])
                        if e["type"] == "interview") or [BASE]
    for iv in {interviews[0], interviews[-1]}:
        out += [iv + dt.timedelta(days=d, hours=1) for d in (1, 5, 7, 8, 10, 14, 15, 21, 28)]
    days = mornings(interviews[-1], range(1, 15))  # day by day after the latest one

    def choose(*moments: list[dt.datetime]) -> st.SearchStrategy[dt.datetime]:
        """The first non-empty list, from the first interview on (nothing happens before)."""
        for candidates in moments:
            later = sorted({t for t in candidates if t >= interviews[0]})
            if later:
                return st.sampled_from(later)
        return st.sampled_from(days)

    return st.one_of(choose(said), choose(noted, dated, said), choose(days),
                     choose(out + said + days))
