"""The events document: a candidate's interview timeline, the engine's input.

Validated with pydantic; every problem is reported at FILE:LINE:COL. Times are ISO 8601
with an offset, or a bare date: the end of that day in the document's time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (BaseModel, ConfigDict, Field, StrictBool, StrictInt, TypeAdapter,
                      ValidationError, field_validator)

from . import bounds
from .bounds import MAX_EVENTS, MAX_INTERVIEWERS, YEARS  # a time outside YEARS is a typo
from .problems import InvalidInput, Problem, did_you_mean
from .source import Document, load_file, load_text

CHANNELS = ("email", "phone", "handwritten_note", "letter", "linkedin", "in_person")
Channel = Literal["email", "phone", "handwritten_note", "letter", "linkedin", "in_person"]
Outcome = Literal["reached", "voicemail", "no_answer"]
ReplyKind = Literal["no_decision", "materials_requested", "second_interview", "offer",
                    "rejection", "other"]


class EndOfDay(dt.datetime):
    """A time written as a bare date: the last second of that day, in the document's zone.

    "Sent on 8 May" happened by the end of 8 May (so after an interview that day), and
    "decide by 15 June" lasts all of 15 June.
    """




def parse_time(value: Any, tz: dt.tzinfo) -> dt.datetime:
    """An aware datetime from ISO 8601 with offset, or from a date (its :class:`EndOfDay`)."""
    text = str(value).strip()
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, (dt.date, str)):
        try:
            if isinstance(value, dt.date) or len(text) == 10:
                day = value if isinstance(value, dt.date) else dt.date.fromisoformat(text)
                moment = EndOfDay(day.year, day.month, day.day, 23, 59, 59, tzinfo=tz)
            else:
                moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"'{value}' is not an ISO 8601 date or time "
                             "(write 2026-03-02 or 2026-03-02T10:00:00+01:00)") from None
    else:
        raise ValueError("expected an ISO 8601 date or time")
    if moment.tzinfo is None:
        raise ValueError(f"'{value}' has no UTC offset (write e.g. {text}+01:00 or {text}Z)")
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise ValueError(f"'{value}' is out of range: years {YEARS[0]} to {YEARS[1]} (the limit)")
    return moment


Time = Annotated[Any, Field(description="ISO 8601 time with offset, or a date")]
Name = Annotated[str, Field(min_length=1, pattern=r"\S")]
Purpose = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64,
                               description="the action this performs, e.g. gracious_reply")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(_Strict):
    name: Name
    email: str | None = None
    phone: str | None = None
    role: str | None = None


class _Event(_Strict):
    at: Time
    note: str | None = Field(default=None, description="free text for the candidate")

    @field_validator("at", "starts_at", "decision_by", "due", "until", mode="before",
                     check_fields=False)
    @classmethod
    def _time(cls, value: Any, info) -> dt.datetime:
        tz = (info.context or {}).get("tz", dt.timezone.utc)
        return parse_time(value, tz)


class InterviewScheduled(_Event):
    type: Literal["interview_scheduled"]
    starts_at: Time
    interviewers: list[Person] = []
    round: StrictInt = Field(default=1, ge=1)
    final: StrictBool | None = Field(default=None, description="the last round")


class Interview(_Event):
    type: Literal["interview"]
    interviewers: list[Person] = Field(min_length=1)
    round: StrictInt = Field(default=1, ge=1)
    final: StrictBool | None = Field(default=None, description="the last round")


class NextSteps(_Event):
    model_config = ConfigDict(populate_by_name=True)
    type: Literal["next_steps"]
    decision_by: Time | None = None
    preferred_channel: Channel | None = None
    long_wait: StrictBool | None = None
    from_: Name | None = Field(default=None, alias="from")


class ContactDetails(_Event):
    type: Literal["contact_details"]
    name: Name
    email: str | None = None
    phone: str | None = None


class ThankYouSent(_Event):
    type: Literal["thank_you_sent"]
    to: Name
    channel: Channel
    purpose: Purpose | None = None


class FollowUpSent(_Event):
    type: Literal["follow_up_sent"]
    to: Name | None = None
    channel: Channel
    purpose: Purpose | None = None


class Call(_Event):
    type: Literal["call"]
    to: Name | None = None
    outcome: Outcome
    purpose: Purpose | None = None


class Reply(_Event):
    model_config = ConfigDict(populate_by_name=True)
    type: Literal["reply"]
    from_: Name | None = Field(default=None, alias="from")
    kind: ReplyKind
    due: Time | None = None


class MaterialsSent(_Event):
    type: Literal["materials_sent"]


class Promise(_Event):
    type: Literal["promise"]
    what: Name
    due: Time


class ReferralContact(_Event):
    type: Literal["referral_contact"]
    name: Name


class Withdrawn(_Event):
    type: Literal["withdrawn"]


class Snoozed(_Event):
    """The candidate put an action off (for one person, or for everyone) until a time."""

    type: Literal["snoozed"]
    action: Name
    to: Name | None = None
    until: Time


class Dismissed(_Event):
    """The candidate decided not to do an action (for one person, or at all)."""

    type: Literal["dismissed"]
    action: Name
    to: Name | None = None


EVENT_MODELS = {m.model_fields["type"].annotation.__args__[0]: m for m in (
    InterviewScheduled, Interview, NextSteps, ContactDetails, ThankYouSent, FollowUpSent,
    Call, Reply, MaterialsSent, Promise, ReferralContact, Withdrawn, Snoozed, Dismissed)}
EVENT_TYPES = tuple(EVENT_MODELS)

AnyEvent = Annotated[Union[tuple(EVENT_MODELS.values())], Field(discriminator="type")]


class Timeline(_Strict):
    """A validated events document."""

    timezone: str = "UTC"
    lang: Literal["en", "de"] | None = Field(
        default=None, description="the language of reasons and drafts (en, de); default en")
    application: dict[str, Any] = Field(default_factory=dict)
    events: list[AnyEvent]

    @property
    def tz(self) -> dt.tzinfo:
        return ZoneInfo(self.timezone)


def _zone(name: Any) -> dt.tzinfo | None:
    if not isinstance(name, str) or not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


_TIMELINE = TypeAdapter(Timeline)


def timeline_from_document(doc: Document) -> Timeline:
    """Validate a parsed document; every problem is reported with its position."""
    data = doc.data
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise InvalidInput([Problem(doc.file, *doc.where(()),
                                    "an events document is a mapping with an 'events' list")])
    _check_size(data, doc)  # before validation: refusing 10,000 events must be quick
    tz_name = data.get("timezone", "UTC")
    tz = _zone(tz_name)
    if tz is None:
        problems.append(Problem(doc.file, *doc.where(("timezone",)),
                                f"unknown time zone '{tz_name}'",
                                "use an IANA name such as Europe/Berlin or America/New_York"))
        tz = dt.timezone.utc
    try:
        timeline = _TIMELINE.validate_python(data, context={"tz": tz})
    except ValidationError as exc:
        problems.extend(_located(exc, doc))
        timeline = None
    if problems:
        raise InvalidInput(problems)
    return timeline


def _check_size(data: dict, doc: Document) -> None:
    """The documented limits on a timeline's size (README "Limits")."""
    # a file was checked while read; an API dict or a batch line was not
    found = None if _within_bounds(data) else bounds.data_problem(data)
    if found is not None:
        raise InvalidInput([doc.problem(found[0], found[1])])
    events = data.get("events")
    if not isinstance(events, list):
        return
    if len(events) > MAX_EVENTS:
        raise InvalidInput([Problem(doc.file, *doc.where(("events", MAX_EVENTS)),
                                    f"more than {MAX_EVENTS} events in one timeline (the limit)",
                                    "split the history, or keep the events that still matter")])
    for i, event in enumerate(events):
        people = event.get("interviewers") if isinstance(event, dict) else None
        if isinstance(people, list) and len(people) > MAX_INTERVIEWERS:
            raise InvalidInput([Problem(doc.file, *doc.where(("events", i, "interviewers",
                                                              MAX_INTERVIEWERS)),
                                        f"more than {MAX_INTERVIEWERS} interviewers in one "
                                        "interview (the limit)")])


def _within_bounds(data: Any) -> bool:
    """True when plain JSON-like ``data`` surely keeps :func:`bounds.data_problem`'s limits.

    The quick pass every application pays: no paths built, exact types only (anything
    else answers False, and the located walk decides). False is not an error by itself.
    """
    if type(data) is not dict and type(data) is not list:
        return False
    max_text, max_int, max_depth = bounds.MAX_TEXT, bounds.MAX_INT, bounds.MAX_NESTING
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth >= max_depth:
            return False
        if type(value) is dict:
            for key in value:
                if type(key) is not str or len(key) > max_text:
                    return False
            items = value.values()
        else:
            items = value
        for v in items:
            kind = type(v)
            if kind is str:
                if len(v) > max_text:
                    return False
            elif kind is dict or kind is list:
                stack.append((v, depth + 1))
            elif kind is int:
                if not -max_int <= v <= max_int:
                    return False
            elif kind is float:
                if v != v or v in (_INF, -_INF):
                    return False
            elif v is not None and kind is not bool:
                return False
    return type(data) is dict or type(data) is list


_INF = float("inf")


def _located(exc: ValidationError, doc: Document) -> list[Problem]:
    out = []
    data = doc.data
    for err in exc.errors():
        loc = list(err["loc"])
        # Drop the discriminator tag pydantic inserts after a list index: ('events', 0, 'call', ...)
        if len(loc) >= 3 and loc[0] == "events" and isinstance(loc[1], int) and loc[2] in EVENT_MODELS:
            loc.pop(2)
        loc = [("from" if part == "from_" else part) for part in loc]
        path = tuple(p for p in loc if not (isinstance(p, str) and "[" in p))
        kind = err["type"]
        field_name = path[-1] if path else ""
        hint = ""
        if kind == "extra_forbidden":
            allowed = _allowed_fields(data, path)
            message = f"unknown field '{field_name}'"
            hint = did_you_mean(field_name, allowed) if allowed else ""
            pos = doc.where(path, key=True)
        elif kind == "missing":
            message = f"missing field '{field_name}'"
            pos = doc.where(path[:-1])
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            tag = _get(data, path + ("type",))
            if tag is None:
                message, pos = "event has no 'type'", doc.where(path)
            else:
                message = f"unknown event type '{tag}'"
                hint = did_you_mean(tag, EVENT_TYPES)
                pos = doc.where(path + ("type",))
        elif kind == "literal_error":
            message = f"'{field_name}': {err['msg'].lower()}"
            pos = doc.where(path)
        else:
            message = f"'{field_name}': {err['msg']}" if field_name != "" else err["msg"]
            message = message.replace("Value error, ", "")
            pos = doc.where(path)
        out.append(Problem(doc.file, pos[0], pos[1], message, hint))
    return out


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _allowed_fields(data: Any, path: tuple) -> list[str]:
    parent = path[:-1]
    if parent == ():
        return list(Timeline.model_fields)
    if len(parent) == 2 and parent[0] == "events":
        model = EVENT_MODELS.get(_get(data, parent + ("type",)))
        if model:
            return [f.alias or name for name, f in model.model_fields.items()]
    if "interviewers" in parent:
        return list(Person.model_fields)
    return []


def load_timeline(source: str, *, text: str | None = None) -> Timeline:
    """Load an events document from a file (YAML or JSON), or from ``text``."""
    doc = load_text(text, source) if text is not None else load_file(source)
    return timeline_from_document(doc)
