"""Advice as an iCalendar file: a to-do for each recommendation, reminded before it is due.

A to-do is due at the window's *ideal* due time (``window.ideal_due``), the one the
reason names: an overdue action shows as overdue in the calendar, not as due "now".
Calls can also be offered as events (``events=True``): a call-channel action in the
first office-hours slot of its window.

Calendar programs merge what they import by UID, so a UID names the recommendation, not
the export: the application, the rule, the action, the person and where its window is
fixed. That is the window's start, except for a rule kept to office hours, whose start
moves to the next opening while the office is closed: there it is the end. Importing a
newer export then updates the same items instead of adding copies. Nothing here reads
the clock: DTSTAMP is the evaluation time, so the same advice gives the same bytes.

Written with the icalendar library; times are UTC, which every calendar program shows in
its own zone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from typing import Any, Iterable, Optional

from icalendar import Alarm, Calendar, Event, Todo

from .advice import Advice, HeldBack, Recommendation
from .engine.timing import OfficeClock, WorkCalendar
from .lang import DEFAULT, channel_name, moment, word
from .policy import Policy

PRODID = "-//rulebook//follow-up advice//EN"
UID_DOMAIN = "rulebook.invalid"  # a reserved name: the UIDs are ours, not a real host's
REMINDER = dt.timedelta(hours=2)  # a to-do's alarm, before its ideal due time
CALL_CHANNELS = ("phone",)  # the channels whose actions can be booked as a call
CALL_LENGTH = dt.timedelta(minutes=30)  # a call event's slot, cut at closing or the window's end
CALL_REMINDER = dt.timedelta(minutes=15)  # a call event's alarm, before it starts


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.timezone.utc)


def _fold(text: str) -> str:
    """A person's or company's name as it is matched: NFC, spaces collapsed, case-folded."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _digest(application: dict[str, Any], rec: Recommendation,
            policy: Optional[Policy] = None) -> str:
    parts = [_fold(str(application.get(key, ""))) for key in ("id", "company", "role")]
    rule = policy.rules.get(rec.rule) if policy is not None else None
    w = rec.window
    # an office-hours window's start moves with the clock while the office is closed
    fixed = w.end if rule is not None and rule.office_hours and w.end is not None else w.start
    parts += [rec.rule, rec.action, _fold(rec.to or ""), _utc(fixed).isoformat()]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def uid(application: dict[str, Any], rec: Recommendation,
        policy: Optional[Policy] = None) -> str:
    """The same recommendation of the same application has the same UID in every export.

    Give the ``policy`` that advised: without it a rule kept to office hours is taken
    for one that is not (its UID then follows the window's start).
    """
    return f"{_digest(application, rec, policy)}@{UID_DOMAIN}"


def event_uid(application: dict[str, Any], rec: Recommendation,
              policy: Optional[Policy] = None) -> str:
    """The UID of a recommendation's call event: stable like :func:`uid`, never equal to it."""
    return f"{_digest(application, rec, policy)}-call@{UID_DOMAIN}"


def ideal_due(rec: Recommendation) -> dt.datetime:
    """The due time the policy set (the window's ``due`` says "now" once it has passed)."""
    return rec.window.ideal_due or rec.window.due


def ical_priority(policy_priority: int) -> int:
    """A rule's priority (lower first, 50 by default) on iCalendar's scale of 1 (high) to 9.

    Tens map to steps: 0-9 is 1, 10-19 is 2, ... 80 and above is 9; so the default 50 is
    6, and the standard policy's thank-you (30) is 4.
    """
    return max(1, min(9, 1 + policy_priority // 10))


def _title(rec: Recommendation, lang: str = DEFAULT) -> str:
    """'Send thank you: Sam Ortiz (email)', 'Dankeschön senden: Sam Ortiz (E-Mail)'."""
    words = word(rec.action.replace("_", " "), lang)
    title = words[:1].upper() + words[1:]
    if rec.to:
        title += f": {rec.to}"
    if rec.channel:
        shown = rec.channel.replace("_", " ") if lang == DEFAULT else channel_name(rec.channel,
                                                                                  lang)
        title += f" ({shown})"
    return title


def _description(rec: Recommendation, lang: str = DEFAULT) -> str:
    """The reason, the window, the rule, then the draft as the candidate would write it."""
    lines = [rec.reason, ""]
    if isinstance(rec, HeldBack):
        until = word("for good", lang) if rec.until is None else \
            f"{word('until', lang)} {moment(rec.until, lang)}"
        lines.append(f"{word('held back by', lang).capitalize()} {rec.limit} {until}.")
    w = rec.window
    late = f" ({word('overdue', lang)})" if rec.overdue else ""
    lines.append(f"{word('Window', lang)}: {word('from', lang)} {moment(w.start, lang)}, "
                 f"{word('due', lang)} {moment(ideal_due(rec), lang)}{late}, "
                 f"{word('latest', lang)} "
                 f"{moment(w.end, lang) if w.end else word('open', lang)}.")
    lines.append(f"{word('Rule', lang)} {rec.rule}; {word('guidelines', lang)} "
                 f"{', '.join(rec.sources)}.")
    if rec.draft is not None:
        lines += ["", f"{word('Draft', lang)} ({channel_name(rec.channel, lang)}):"]
        if rec.draft.subject:
            lines += [f"{word('Subject', lang)}: {rec.draft.subject}", ""]
        lines.append(rec.draft.body)
    return "\n".join(lines)


def _todo(rec: Recommendation, application: dict[str, Any], policy: Optional[Policy],
          stamp: dt.datetime, status: str, lang: str = DEFAULT) -> Todo:
    todo = Todo()
    todo.add("uid", uid(application, rec, policy))
    todo.add("dtstamp", _utc(stamp))
    todo.add("summary", _title(rec, lang))
    todo.add("description", _description(rec, lang))
    if rec.window.start < ideal_due(rec):  # RFC 5545: DUE is later than DTSTART
        todo.add("dtstart", _utc(rec.window.start))
    todo.add("due", _utc(ideal_due(rec)))
    todo.add("status", status)
    rule = policy.rules.get(rec.rule) if policy is not None else None
    if rule is not None:
        todo.add("priority", ical_priority(rule.priority))
    todo.add("categories", [rec.action])
    if status == "NEEDS-ACTION":  # a reminder before the ideal due; none for what is off
        todo.add_component(_alarm(rec, lang, REMINDER, "END"))
    return todo


def call_slot(rec: Recommendation, policy: Policy, at: dt.datetime,
              tz: dt.tzinfo) -> Optional[tuple[dt.datetime, dt.datetime]]:
    """When to make a call: the first office-hours moment of the window not before ``at``,
    for up to :data:`CALL_LENGTH` (cut at closing time and at the window's end); None for
    an action on another channel, or whose window has no office hours left."""
    if rec.channel not in CALL_CHANNELS:
        return None
    clock = OfficeClock(policy.settings.office_hours, tz, WorkCalendar.of(policy.settings))
    w = rec.window
    begin = clock.next_open(max(w.start, at))
    if begin is None or (w.end is not None and begin >= w.end):
        return None
    finish = min(begin + CALL_LENGTH, clock.last_open(begin + CALL_LENGTH) or begin)
    if w.end is not None:
        finish = min(finish, w.end)
    return (begin, finish) if finish > begin else None


def _event(rec: Recommendation, slot: tuple[dt.datetime, dt.datetime],
           application: dict[str, Any], policy: Policy, stamp: dt.datetime,
           lang: str) -> Event:
    event = Event()
    event.add("uid", event_uid(application, rec, policy))
    event.add("dtstamp", _utc(stamp))
    event.add("summary", _title(rec, lang))
    event.add("description", _description(rec, lang))
    event.add("dtstart", _utc(slot[0]))
    event.add("dtend", _utc(slot[1]))
    event.add("status", "TENTATIVE")  # a proposed time: the candidate may call at another
    event.add("categories", [rec.action])
    event.add_component(_alarm(rec, lang, CALL_REMINDER, "START"))
    return event


def _alarm(rec: Recommendation, lang: str, before: dt.timedelta, related: str) -> Alarm:
    """A reminder shown ``before`` the item's due time (END) or start (START)."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _title(rec, lang))
    alarm.add("trigger", -before, parameters={"RELATED": related})
    return alarm


def entries(advice: Advice) -> Iterable[tuple[Recommendation, str]]:
    """Every recommendation worth a to-do, with its iCalendar status.

    Actions and upcoming entries need doing; a held-back entry is exported too, so a
    calendar shows it waiting, but as cancelled when a limit holds it for good.
    """
    for rec in advice.actions:
        yield rec, "NEEDS-ACTION"
    for rec in advice.upcoming:
        yield rec, "NEEDS-ACTION"
    for rec in advice.held_back:
        yield rec, "CANCELLED" if rec.until is None else "NEEDS-ACTION"


def to_ical(advice: Advice, *, application: Optional[dict[str, Any]] = None,
            policy: Optional[Policy] = None, lang: str = DEFAULT, events: bool = False,
            tz: Optional[dt.tzinfo] = None) -> bytes:
    """The advice as an iCalendar (RFC 5545) document, byte-identical for the same input.

    ``lang`` is the language the advice was written in: the description's own words and
    times follow it (the UIDs do not depend on it). With ``events`` (and the ``policy``,
    whose office hours they keep), each call to make now or later is also an event in
    its first office-hours slot; ``tz`` is the application's time zone (default: the
    zone of ``advice.at``), in which office hours are kept.
    """
    application = application or {}
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    company = application.get("company")
    title = word("Follow-ups", lang)
    cal.add("x-wr-calname", f"{title}: {company}" if company else title)
    seen: set[str] = set()
    for rec, status in entries(advice):
        todo = _todo(rec, application, policy, advice.at, status, lang)
        key = str(todo["uid"])
        if key in seen:  # the same recommendation twice (e.g. held back by two limits)
            continue
        seen.add(key)
        cal.add_component(todo)
    if events and policy is not None:
        zone = tz or advice.at.tzinfo
        for rec in [*advice.actions, *advice.upcoming]:  # held back: not a call to book
            slot = call_slot(rec, policy, advice.at, zone)
            if slot is None:
                continue
            event = _event(rec, slot, application, policy, advice.at, lang)
            key = str(event["uid"])
            if key not in seen:
                seen.add(key)
                cal.add_component(event)
    return cal.to_ical()
