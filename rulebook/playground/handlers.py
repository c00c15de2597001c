"""What the playground page asks for, as plain functions of text in and text out.

The page sends the policy and the timeline as the coach typed them; each function here
gives the same located problems (``FILE:LINE:COL``) and keeps to the same limits as the
command line, with ``policy.yaml`` and ``events.yaml`` as the file names. A policy typed
in the page may extend a shipped policy only: the page has no files beside it.
"""

from __future__ import annotations

import datetime as dt
import io
from importlib import resources
from pathlib import Path
from typing import Any, Optional

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from ..api import Rulebook, as_moment
from ..events import Timeline, load_timeline, timeline_from_document
from ..fmt import format_text
from ..lint import lint
from ..load import examine, policies_dir, shipped_path, shipped_policies
from ..picture import picture
from ..problems import InvalidInput, Problem
from ..simulate import MAX_DAYS, advice_over
from ..source import Document, load_text

POLICY_FILE = "policy.yaml"
EVENTS_FILE = "events.yaml"
DEFAULT_DAYS = 35


def _extends_problem(doc: Document) -> Optional[Problem]:
    parent = doc.data.get("extends") if isinstance(doc.data, dict) else None
    if isinstance(parent, str) and shipped_path(parent) is None:
        return doc.problem(("extends",), f"'{parent}': in the playground, 'extends' names a "
                           "shipped policy", "allowed: " + ", ".join(shipped_policies()))
    return None


def check_policy(text: str) -> list[Problem]:
    """Every error and warning of a policy text, as ``rulebook check`` reports them."""
    try:
        doc = load_text(text, POLICY_FILE)
        bad_parent = _extends_problem(doc)
        if bad_parent is not None:
            return [bad_parent]
        found = examine(doc)
    except InvalidInput as exc:
        return list(exc.problems)
    problems = list(found.problems)
    if found.policy is not None:
        problems += lint(found.policy, found.document, complete=found.complete)
    return sorted(set(problems))


def load_book(text: str) -> Rulebook:
    """A compiled policy from page text (``InvalidInput`` with located problems)."""
    errors = [p for p in check_policy(text) if p.severity != "warning"]
    if errors:
        raise InvalidInput(errors)
    return Rulebook.load(POLICY_FILE, text=text)


def load_events(text: str) -> Timeline:
    return load_timeline(EVENTS_FILE, text=text)


def _moment(value: Optional[str], name: str) -> Optional[dt.datetime]:
    if value is None or not value.strip():
        return None
    try:
        return as_moment(value.strip())
    except InvalidInput as exc:
        raise InvalidInput([Problem(name, 0, 0, p.message) for p in exc.problems]) from None


def period(timeline: Timeline, start: Optional[str], end: Optional[str],
           at: Optional[str]) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """The period asked for, or one that fits the timeline: five weeks from 09:00 on the
    day of its first interview (or first event), "now" at its last event."""
    tz = timeline.tz
    interviews = [e.at for e in timeline.events if e.type == "interview"]
    first = min(interviews or [e.at for e in timeline.events], default=None)
    last = max((e.at for e in timeline.events), default=None)
    begin = _moment(start, "from")
    if begin is None:
        if first is None:
            raise InvalidInput([Problem("from", 0, 0, "give a period: the timeline has no events")])
        begin = dt.datetime.combine(first.astimezone(tz).date(), dt.time(9), tzinfo=tz)
    finish = _moment(end, "to") or begin + dt.timedelta(days=DEFAULT_DAYS)
    now = _moment(at, "at")
    if now is None:
        now = min(max(last or begin, begin), finish)
    if finish <= begin:
        raise InvalidInput([Problem("to", 0, 0, "the period ends before it starts")])
    if finish - begin > dt.timedelta(days=MAX_DAYS):
        raise InvalidInput([Problem("to", 0, 0, f"draw at most {MAX_DAYS} days")])
    return begin.astimezone(tz), finish.astimezone(tz), now.astimezone(tz)


def draw(policy_text: str, events_text: str, start: Optional[str] = None,
         end: Optional[str] = None, at: Optional[str] = None,
         compare: Optional[str] = None) -> dict[str, Any]:
    """The picture of a policy text on a timeline text, with the period it shows."""
    book = load_book(policy_text)
    try:
        timeline = load_events(events_text)
        begin, finish, now = period(timeline, start, end, at)
        series = [(book.name, advice_over(book, timeline, begin, finish))]
        if compare:
            if shipped_path(compare) is None:
                raise InvalidInput([Problem("compare", 0, 0, f"no shipped policy '{compare}'")])
            other = Rulebook.load(compare)
            try:
                series.append((other.name, advice_over(other, timeline, begin, finish)))
            finally:
                other.close()
    finally:
        book.close()
    title = "policy " + " vs ".join(name for name, _ in series)
    svg = picture(timeline, begin, finish, series, now=now, title=title)
    return {"svg": svg, "from": _iso(begin), "to": _iso(finish), "at": _iso(now)}


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="seconds")


def formatted(policy_text: str) -> dict[str, str]:
    """The policy in the canonical layout (comments kept) and a file name for it."""
    text = format_text(policy_text, POLICY_FILE)
    name = "policy"
    doc = load_text(text, POLICY_FILE)
    if isinstance(doc.data, dict) and isinstance(doc.data.get("policy"), str):
        candidate = doc.data["policy"]
        if candidate.replace("_", "").isalnum() and candidate.isascii():
            name = candidate
    return {"text": text, "filename": f"{name}.yaml"}


def _dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.width = 100
    yaml.sort_base_mapping_type_on_output = False
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def scenario(policy_text: str, events_text: str, start: Optional[str] = None,
             end: Optional[str] = None, at: Optional[str] = None) -> dict[str, str]:
    """A scenario file of what is on screen: these events, and the advice at "now".

    Saved beside the policy as ``NAME.scenarios.yaml``, ``rulebook test`` replays it:
    a later edit that changes this advice fails it.
    """
    book = load_book(policy_text)
    try:
        events_doc = load_text(events_text, EVENTS_FILE)
        timeline = timeline_from_document(events_doc)
        _, _, now = period(timeline, start, end, at)
        advice = book.recommend(timeline, now)
        name = book.name
    finally:
        book.close()

    def brief(rec, *extra: str) -> dict[str, Any]:
        out = {"action": rec.action}
        if rec.to:
            out["to"] = rec.to
        out["rule"] = rec.rule
        for key in extra:
            out[key] = getattr(rec, key)
        return out

    case = {"name": f"as the playground showed it at {_iso(now)}",
            "events": events_doc.data, "at": _iso(now),
            "expect": [brief(r, "channel") if r.channel else brief(r) for r in advice.actions],
            "upcoming": [brief(r) for r in advice.upcoming],
            "held_back": [brief(r, "limit") for r in advice.held_back]}
    head = (f"# Scenario of policy {name}, saved from the playground.\n"
            f"# Save it beside the policy as {name}.scenarios.yaml; `rulebook test` replays it.\n")
    return {"text": head + _dump({"scenarios": [case]}), "filename": f"{name}.scenarios.yaml"}


EVENT_FIELDS = {
    "interview": lambda who: {"interviewers": [{"name": who or "Interviewer"}]},
    "thank_you_sent": lambda who: {"to": who or "Interviewer", "channel": "email"},
    "follow_up_sent": lambda who: ({"to": who} if who else {}) | {"channel": "email"},
    "call": lambda who: ({"to": who} if who else {}) | {"outcome": "no_answer"},
    "reply": lambda who: ({"from": who} if who else {}) | {"kind": "no_decision"},
    "next_steps": lambda who: {"from": who} if who else {},
    "contact_details": lambda who: {"name": who or "Contact"},
    "referral_contact": lambda who: {"name": who or "Referral"},
    "materials_sent": lambda who: {},
    "withdrawn": lambda who: {},
}


def add_event(events_text: str, kind: str, at: str, person: str = "") -> str:
    """The timeline text with one more event at its end, comments and layout kept."""
    if kind not in EVENT_FIELDS:
        raise InvalidInput([Problem("type", 0, 0, f"'{kind}': the form adds "
                                    + ", ".join(EVENT_FIELDS))])
    when = _moment(at, "time")
    if when is None:
        raise InvalidInput([Problem("time", 0, 0, "give the event's time, ISO 8601 with offset")])
    load_events(events_text)  # located problems first, and the same size limit
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    data = yaml.load(events_text)
    event = CommentedMap({"type": kind, "at": _iso(when)}
                         | EVENT_FIELDS[kind](" ".join(person.split())))
    event.fa.set_flow_style()  # one line, as the examples write their events
    data["events"].append(event)
    out = io.StringIO()
    yaml.dump(data, out)
    text = out.getvalue()
    load_events(text)
    return text


def shipped_policy_text(name: str) -> str:
    path = shipped_path(name)
    if path is None:
        raise InvalidInput([Problem(name, 0, 0, "no shipped policy of that name")])
    return path.read_text(encoding="utf-8")


def examples_dir() -> Optional[Path]:
    """The example timelines of a checkout (``examples/`` beside the package), if present."""
    candidate = Path(__file__).resolve().parents[2] / "examples"
    return candidate if candidate.is_dir() else None


def examples() -> dict[str, str]:
    """Example timelines by name: the checkout's ``examples/``, else one built in."""
    found = examples_dir()
    if found is not None:
        out = {p.stem: p.read_text(encoding="utf-8") for p in sorted(found.glob("*.yaml"))}
        if out:
            return out
    builtin = resources.files("rulebook.playground").joinpath("static", "panel.yaml")
    return {"panel": builtin.read_text(encoding="utf-8")}


__all__ = ["check_policy", "draw", "formatted", "scenario", "add_event", "examples",
           "shipped_policy_text", "shipped_policies", "policies_dir"]
