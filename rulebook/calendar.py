"""Advice as an iCalendar file: a to-do for each recommendation, reminded before it is due.

Calendar programs merge what they import by UID, so a UID names the recommendation, not
the export: the application, the rule, the action, the person and the window's start.
Importing a newer export then updates the same to-dos instead of adding copies. Nothing
here reads the clock: DTSTAMP is the evaluation time, so the same advice gives the same
bytes.

Written with the icalendar library; times are UTC, which every calendar program shows in
its own zone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from typing import Any, Iterable, Optional

from icalendar import Alarm, Calendar, Todo

from .advice import Advice, HeldBack, Recommendation
from .lang import DEFAULT, channel_name, moment, word
from .policy import Policy

PRODID = "-//rulebook//follow-up advice//EN"
UID_DOMAIN = "rulebook.invalid"  # a reserved name: the UIDs are ours, not a real host's
REMINDER = dt.timedelta(hours=2)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.timezone.utc)


def _fold(text: str) -> str:
    """A person's or company's name as it is matched: NFC, spaces collapsed, case-folded."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def uid(application: dict[str, Any], rec: Recommendation) -> str:
    """The same recommendation of the same application has the same UID in every export."""
    parts = [_fold(str(application.get(key, ""))) for key in ("id", "company", "role")]
    parts += [rec.rule, rec.action, _fold(rec.to or ""), _utc(rec.window.start).isoformat()]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def ical_priority(policy_priority: int) -> int:
    """A rule's priority (lower first, 50 by default) on iCalendar's scale of 1 (high) to 9.

    Tens map to steps: 0-9 is 1, 10-19 is 2, ... 80 and above is 9; so the default 50 is
    6, and the standard policy's thank-you (30) is 4.
    """
    return max(1, min(9, 1 + policy_priority // 10))


def _title(rec: Recommendation) -> str:
    words = rec.action.replace("_", " ")
    title = words[:1].upper() + words[1:]
    if rec.to:
        title += f": {rec.to}"
    if rec.channel:
        title += f" ({rec.channel.replace('_', ' ')})"
    return title


def _description(rec: Recommendation, lang: str = DEFAULT) -> str:
    """The reason, the window, the rule, then the draft as the candidate would write it."""
    lines = [rec.reason, ""]
    if isinstance(rec, HeldBack):
        until = word("for good", lang) if rec.until is None else \
            f"{word('until', lang)} {moment(rec.until, lang)}"
        lines.append(f"{word('held back by', lang).capitalize()} {rec.limit} {until}.")
    w = rec.window
    lines.append(f"{word('Window', lang)}: {word('from', lang)} {moment(w.start, lang)}, "
                 f"{word('due', lang)} {moment(w.due, lang)}, {word('latest', lang)} "
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
    todo.add("uid", uid(application, rec))
    todo.add("dtstamp", _utc(stamp))
    todo.add("summary", _title(rec))
    todo.add("description", _description(rec, lang))
    todo.add("dtstart", _utc(rec.window.start))
    todo.add("due", _utc(rec.window.due))
    todo.add("status", status)
    rule = policy.rules.get(rec.rule) if policy is not None else None
    if rule is not None:
        todo.add("priority", ical_priority(rule.priority))
    todo.add("categories", [rec.action])
    if status == "NEEDS-ACTION":  # a reminder before the ideal due; none for what is off
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _title(rec))
        alarm.add("trigger", -REMINDER, parameters={"RELATED": "END"})
        todo.add_component(alarm)
    return todo


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
            policy: Optional[Policy] = None, lang: str = DEFAULT) -> bytes:
    """The advice as an iCalendar (RFC 5545) document, byte-identical for the same input.

    ``lang`` is the language the advice was written in: the description's own words and
    times follow it (the UIDs do not depend on it).
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
    return cal.to_ical()
