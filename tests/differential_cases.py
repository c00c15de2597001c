"""Generators the differential suite adds to ``rulebook.testing.strategies``: the corners
the outcome stage and the fact building have (limits with ``except``, fallbacks and
allowed channels, office hours of any shape, reasons naming every placeholder,
date-only and sub-second times, stated channels), so that a mistake there shows up as a
difference between the two evaluators."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import reject, strategies as st

from rulebook.events import CHANNELS
from rulebook.load import load_policy
from rulebook.problems import InvalidInput
from rulebook.testing.strategies import NAMES, evaluation_times, policies, timelines

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FIXED = ("to", "channel", "start", "due", "end", "action", "start_offset", "due_offset",
          "end_offset")
_LIMIT = ("until", "until_offset", "action", "to")


def _reason(draw, names: dict[str, list[str]], fixed: tuple[str, ...]) -> str:
    """A reason naming bound facts, their fields, the entry's own words and defaults."""
    parts = []
    for name, fields in names.items():
        parts.append(f"{{{name}{draw(st.sampled_from(['', ':date']))}}}")
        for f in draw(st.lists(st.sampled_from(fields), max_size=3, unique=True)) if fields else []:
            spec = draw(st.sampled_from(["", ":date", "|none"]))
            parts.append(f"{{{name}.{f}{spec}}}")
    for word in draw(st.lists(st.sampled_from(fixed), max_size=4, unique=True)):
        parts.append(f"{{{word}{draw(st.sampled_from(['', ':date', '|-']))}}}")
    parts.append("{application.company|} {application.role|no role}")
    return " ".join(draw(st.permutations(parts)))


@st.composite
def rich_policies(draw) -> dict[str, Any]:
    """A generated policy with every outcome-stage construct in use."""
    policy = draw(policies())
    try:
        loaded = load_policy("generated.yaml", text=json.dumps(policy))
    except InvalidInput:
        reject()  # validation refuses it (a window that ends before it starts)
    fields = loaded.checked.fact_fields
    actions = sorted({r["action"] for r in policy["rules"].values()})

    def named(entry) -> dict[str, list[str]]:
        out = {}
        for name, p in entry["when"].items():
            types = [p["fact"]] if isinstance(p["fact"], str) else p["fact"]
            common = set(fields.get(types[0], {}))
            for t in types[1:]:
                common &= set(fields.get(t, {}))
            out[name] = sorted(common - {"at"})
        return out

    for rule in policy["rules"].values():
        names = named(rule)
        rule["reason"] = _reason(draw, names, _FIXED)
        people = sorted(f"{n}.{f}" for n, fs in names.items() for f in fs
                        if f in ("name", "to", "from"))
        if people and "to" not in rule and draw(st.booleans()):  # addressed to someone
            rule["to"] = draw(st.sampled_from(people))
        if "channel" not in rule and draw(st.booleans()):
            rule["channel"] = {"default": draw(st.sampled_from(CHANNELS))}
        if "channel" in rule and draw(st.booleans()):
            rule["channel"]["fallback"] = draw(st.lists(st.sampled_from(CHANNELS), max_size=3,
                                                        unique=True))
    for lim in policy.get("limits", {}).values():
        lim["reason"] = _reason(draw, named(lim), _LIMIT)
        if draw(st.booleans()):
            lim["except"] = draw(st.lists(st.sampled_from(actions), min_size=1, unique=True))
    settings: dict[str, Any] = {}
    if draw(st.booleans()):
        settings["channels"] = draw(st.lists(st.sampled_from(CHANNELS), min_size=1,
                                             max_size=6, unique=True))
    if draw(st.booleans()):
        opens = draw(st.integers(0, 22))
        closes = draw(st.integers(opens + 1, 24))
        settings["office_hours"] = {
            "days": draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7,
                                  unique=True)),
            "start": f"{opens:02d}:{draw(st.sampled_from(['00', '30']))}",
            "end": f"{closes:02d}:00"}
    for rule in policy["rules"].values():  # each rule keeps a channel it may use
        options = [rule["channel"]["default"], *rule["channel"].get("fallback", [])] \
            if "channel" in rule else []
        if "channels" in settings and options and not set(options) & set(settings["channels"]):
            settings["channels"].insert(draw(st.integers(0, len(settings["channels"]))),
                                        options[-1])
    if settings:
        policy["settings"] = settings
    return policy


def _date_only(moment: str) -> str:
    return moment[:10]


@st.composite
def rich_timelines(draw, policy=None, **kwargs) -> dict[str, Any]:
    """A generated timeline with date-only times, sub-second times and stated channels."""
    doc = draw(timelines(policy=policy, **kwargs))
    for e in doc["events"]:
        for key in ("at", "decision_by", "due", "starts_at"):
            if key in e and draw(st.integers(0, 4)) == 0:
                e[key] = _date_only(e[key])
        if draw(st.integers(0, 9)) == 0 and len(e["at"]) > 10:
            e["at"] = e["at"][:19] + ".75" + e["at"][19:]  # a fraction of a second
        if e["type"] == "next_steps" and draw(st.booleans()):
            e["preferred_channel"] = draw(st.sampled_from(CHANNELS))
    if draw(st.integers(0, 3)) == 0:  # a panel: people to address one by one
        names = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=3, unique=True))
        first = min((e["at"] for e in doc["events"] if len(e["at"]) > 10), default=None)
        doc["events"].append({"type": "interview", "at": first or "2026-03-02T09:00:00+00:00",
                              "interviewers": [{"name": n} for n in names]})
    people = sorted({p["name"] for e in doc["events"] for p in e.get("interviewers", [])})
    for _ in range(draw(st.integers(0, 2))):  # what someone asked for, whatever the policy reads
        said = {"type": "next_steps", "at": draw(st.sampled_from([e["at"] for e in doc["events"]]
                                                                  or ["2026-03-02"])),
                "preferred_channel": draw(st.sampled_from(CHANNELS))}
        if people and draw(st.booleans()):
            said["from"] = draw(st.sampled_from(people))
        doc["events"].insert(draw(st.integers(0, len(doc["events"]))), said)
    return doc


def moments_for(doc: dict[str, Any]):
    """Evaluation times: the suite's own, the ends of date-only days, sub-second ones."""
    tz = doc.get("timezone", "UTC")
    days = []
    for e in doc["events"]:
        if len(e["at"]) == 10:
            from zoneinfo import ZoneInfo
            day = dt.date.fromisoformat(e["at"])
            noon = dt.datetime.combine(day, dt.time(12), ZoneInfo(tz))
            days += [noon, noon + dt.timedelta(hours=11, minutes=59, seconds=59)]
    plain = evaluation_times({"events": [e for e in doc["events"] if len(e["at"]) > 10]})
    base = st.one_of(plain, st.sampled_from(days)) if days else plain
    fraction = st.sampled_from([0, 0, 0, 250000])
    return st.builds(lambda m, us: m + dt.timedelta(microseconds=us), base, fraction)


def boundary_moments(policy, timeline, advice) -> list[dt.datetime]:
    """Where advice may change: the timeline's moments (events, flips of ``now`` tests),
    the windows and holds ``advice`` names, and the second before each; sorted."""
    from rulebook.moments import advice_moments, timeline_moments

    found = timeline_moments(policy, timeline) | advice_moments(advice)
    found |= {t - dt.timedelta(seconds=1) for t in found}
    return sorted({t.astimezone(dt.timezone.utc) for t in found})


def spread(moments: list, count: int) -> list:
    """At most ``count`` of ``moments``, evenly spread, first and last included."""
    if len(moments) <= count:
        return list(moments)
    step = (len(moments) - 1) / (count - 1)
    return [moments[round(i * step)] for i in range(count)]
