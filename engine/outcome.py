"""From matches to advice: windows, channels, limits, reasons, and a stable order.

This is the policy language's meaning after matching, shared by the durable-rules
evaluator and the reference evaluator (which differ only in how they find matches):

- a rule's match gives a window in the application's time zone; office hours move its
  start forward and its end back; a window that ended before the evaluation time is gone;
- a limit's match is in force while its ``until`` is after the evaluation time (or for
  good, without ``until``); it holds back every recommendation of an action it applies
  to, if it is still in force when that recommendation's window opens;
- an open window is an *action* (its ``due`` is never before now), a later one is
  *upcoming*;
- the channel is the employer's stated preference (if the rule allows it), else the
  rule's default, else its fallbacks: the first the policy allows;
- a reason is the rule's template filled with the match's facts.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any, Iterable, Optional

from rulebook.advice import Advice, HeldBack, Recommendation, Window
from rulebook.compiler import Program
from rulebook.events import Timeline
from rulebook.policy import Limit, Rule
from rulebook.vocabulary import TIME

from .facts import Fact, counted_epoch, epoch, person_key
from .runtime import Match
from .timing import OfficeClock, evaluate, from_epoch, words_time

_FAR = dt.datetime.max.replace(tzinfo=dt.timezone.utc)


def advise(program: Program, timeline: Timeline, at: dt.datetime,
           matches: Iterable[Match]) -> Advice:
    tz = timeline.tz
    at = at.astimezone(tz).replace(microsecond=0)  # times count to the second, as facts do
    policy = program.policy
    matches = list(matches)
    clock = OfficeClock(policy.settings.office_hours, tz)
    stated = _stated_channels(timeline, at)
    kinds = program.loaded.checked.fact_fields
    blockers = []
    for m in matches:
        if m.section == "limits":
            lim = policy.limits[m.id]
            until = evaluate(lim.until, m.bindings, at, tz) if lim.until else None
            if until is None or until > at:
                blockers.append((m, lim, until))

    actions, upcoming, held = {}, {}, {}
    for m in matches:
        if m.section != "rules":
            continue
        rule = policy.rules[m.id]
        window = _window(rule, m.bindings, at, tz, clock)
        if window is None:
            continue
        start, due, end = window
        to = _value(rule.to, m.bindings) if rule.to else None
        channel = _channel(rule, to, stated, policy.settings.channels)
        opens = max(at, start)
        block = _blocking(blockers, rule.action, opens)
        ideal = (start, due, end)
        if start <= at:
            due = max(due, at)  # overdue: due now (the reason keeps the ideal time)
        base = dict(action=rule.action, to=to, channel=channel,
                    window=Window(start=start, due=due, end=end), rule=m.id,
                    sources=list(rule.sources))
        if block is not None:
            bm, lim, until = block
            reason = _LimitWords(lim, bm.bindings, tz, until, rule.action, to, timeline,
                                 kinds).render()
            entry = HeldBack(**base, reason=reason, limit=bm.id, until=until)
            held[entry.model_dump_json()] = (entry, rule.priority)
            continue
        reason = _RuleWords(rule, m.bindings, tz, to, channel, ideal, timeline, at,
                            kinds).render()
        entry = Recommendation(**base, reason=reason)
        target = actions if start <= at else upcoming
        target[entry.model_dump_json()] = (entry, rule.priority)

    def order(by_start: bool):
        def key(item):
            rec, pri = item
            w = rec.window
            return ((w.start if by_start else w.due), w.due, pri, rec.action, rec.to or "",
                    rec.rule, w.start, w.end or _FAR, rec.channel or "", rec.reason)
        return key

    return Advice(
        policy=policy.policy, at=at,
        actions=[r for r, _ in sorted(actions.values(), key=order(False))],
        upcoming=[r for r, _ in sorted(upcoming.values(), key=order(True))],
        held_back=[r for r, _ in sorted(held.values(), key=lambda i: (
            i[0].until or _FAR, i[0].window.due, i[1], i[0].action, i[0].to or "",
            i[0].rule, i[0].limit, i[0].window.start, i[0].window.end or _FAR,
            i[0].channel or "", i[0].reason))],
    )


def _window(rule: Rule, b: dict[str, Fact], at, tz, clock: OfficeClock):
    end = evaluate(rule.window.end, b, at, tz) if rule.window.end else None
    if rule.office_hours and end is not None:
        end = clock.last_open(end)
    if end is not None and end < at:
        return None  # gone: most matches of a long timeline (nothing else to work out)
    start = evaluate(rule.window.start, b, at, tz)
    due = evaluate(rule.window.due, b, at, tz)
    if rule.office_hours:
        start = clock.next_open(start)
        if start is not None and start <= at and not clock.is_open(at):
            start = clock.next_open(at)  # never "now" outside office hours: wait for them
        due = clock.next_open(max(due, start)) if start else None
        if start is None or due is None or (end is not None and end < start):
            return None
    due = max(due, start)
    if end is not None:
        due = min(due, end)
        if end < at or end < start:
            return None  # gone, or a window that ends before it starts never opens
    return start, due, end


def _blocking(blockers, action: str, opens: dt.datetime):
    """The limit in force longest among those that still block when the window opens."""
    found = None
    for m, lim, until in blockers:
        if lim.applies_to != "all" and action not in lim.applies_to:
            continue
        if action in lim.except_:
            continue
        if until is not None and until <= opens:
            continue
        # ties: the match whose bound facts come first in the timeline, name by name
        first = tuple((-f["seq"], _reversed(f["id"])) for _, f in sorted(m.bindings.items()))
        key = (until or _FAR, m.id, first)
        if found is None or key > found[0]:
            found = (key, (m, lim, until))
    return found[1] if found else None


def _reversed(text: str) -> tuple:
    """A key that sorts text in reverse (a prefix after its extensions)."""
    return tuple(-ord(c) for c in text) + (1,)


def _value(ref: str, b: dict[str, Fact]) -> Any:
    alias, field = ref.split(".", 1)
    return b[alias].get("t" if field == "at" else field)


def _stated_channels(timeline: Timeline, at) -> list[tuple[Optional[str], str]]:
    """(person key or None for everyone, channel) from next_steps, latest first."""
    now, tz = epoch(at), timeline.tz
    said = []
    for e in timeline.events:
        if e.type == "next_steps" and e.preferred_channel:
            moment = counted_epoch(e, at, tz)
            if moment <= now:
                said.append((moment, e.preferred_channel, e.from_ or ""))
    said.sort(reverse=True)
    return [(person_key(who) if who else None, channel) for _, channel, who in said]


def _channel(rule: Rule, to, stated, allowed) -> Optional[str]:
    if rule.channel is None:
        return None
    usable = [rule.channel.default] + list(rule.channel.fallback)
    options = []
    if rule.channel.stated:
        key = person_key(to) if to else None
        for who, channel in stated:  # to nobody in particular: anyone's stated wish counts
            if who is None or key is None or who == key:
                if channel in usable:  # a thank-you is never "by phone" because calls suit them
                    options.append(channel)
                break
    options += usable
    for c in options:
        if c in allowed:
            return c
    return None


# -- reasons --------------------------------------------------------------------------------

class _Words:
    """Fills a reason template; ``{name.field|default}`` and ``{moment:date}`` work."""

    def __init__(self, bindings, tz, timeline: Timeline, kinds):
        self.b, self.tz, self.timeline, self.kinds = bindings, tz, timeline, kinds

    def special(self, name: str) -> Any:
        raise KeyError(name)

    def lookup(self, name: str, spec: str) -> Optional[str]:
        head, _, field = name.partition(".")
        if head == "application":
            value = self.timeline.application.get(field)
            return None if value is None else str(value)
        if head in self.b:
            fact = self.b[head]
            if not field or field == "at":
                return words_time(from_epoch(fact["t"], self.tz), spec == "date")
            value = fact.get(field)
            if value is None:
                return None
            kind = self.kinds.get(fact["type"], {}).get(field)
            if kind == TIME:  # whatever the field's name: a derived fact may rename it
                return words_time(from_epoch(value, self.tz), spec == "date")
            if isinstance(kind, tuple) or isinstance(value, bool):
                return _human(value)  # a choice: no_answer reads "no answer"
            return str(value)  # text as written: names keep their underscores
        value = self.special(name)
        if isinstance(value, dt.datetime) or (value is None and name in ("end", "until")):
            return words_time(value, spec == "date")
        return None if value is None else str(value)

    def fill(self, template: str) -> str:
        out = []
        for literal, name, spec, _ in string.Formatter().parse(template):
            out.append(literal)
            if name is None:
                continue
            name, _, default = name.partition("|")
            value = self.lookup(name.strip(), spec or "")
            out.append(value if value not in (None, "") else (default.strip() or "(unknown)"))
        return " ".join("".join(out).split())


_CHANNEL_WORDS = {"linkedin": "LinkedIn", "in_person": "meeting in person",
                  "handwritten_note": "handwritten note"}


def _channel_words(channel: Optional[str]) -> Optional[str]:
    return _CHANNEL_WORDS.get(channel, channel) if channel else None


def _human(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


class _RuleWords(_Words):
    def __init__(self, rule: Rule, b, tz, to, channel, window, timeline, at, kinds):
        super().__init__(b, tz, timeline, kinds)
        self.rule, self.to, self.channel, self.window, self.at = rule, to, channel, window, at

    def lookup(self, name: str, spec: str) -> Optional[str]:
        text = super().lookup(name, spec)
        if name == "due" and text and self.window[1] < self.at:
            text += " (overdue)"
        return text

    def special(self, name):
        start, due, end = self.window
        w = self.rule.window
        table = {"to": self.to, "channel": _channel_words(self.channel),
                 "start": start, "due": due, "end": end, "action": _human(self.rule.action),
                 "start_offset": w.start.offset_words(), "due_offset": w.due.offset_words(),
                 "end_offset": w.end.offset_words() if w.end else None}
        return table[name]

    def render(self) -> str:
        return self.fill(self.rule.reason)


class _LimitWords(_Words):
    def __init__(self, lim: Limit, b, tz, until, action, to, timeline, kinds):
        super().__init__(b, tz, timeline, kinds)
        self.lim, self.until, self.action, self.to = lim, until, action, to

    def special(self, name):
        table = {"until": self.until, "action": _human(self.action), "to": self.to,
                 "until_offset": self.lim.until.offset_words() if self.lim.until else None}
        return table[name]

    def render(self) -> str:
        return self.fill(self.lim.reason)
