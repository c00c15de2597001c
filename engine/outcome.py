"""From matches to advice: windows, channels, limits, reasons, and a stable order.

This is the policy language's meaning after matching, shared by the durable-rules
evaluator and the reference evaluator (which differ only in how they find matches):

- a rule's match gives a window in the application's time zone; office hours move its
  start forward and its end back; a window that ended before the evaluation time is gone;
- a limit's match is in force while its ``until`` is after the evaluation time (or for
  good, without ``until``); it holds back every recommendation of an action it applies
  to, if it is still in force when that recommendation's window opens;
- an open window is an *action* (its ``due`` is never before now, its ``ideal_due`` the
  policy's), a later one is *upcoming*;
- the channel is the employer's stated preference (if the rule allows it), else the
  rule's default, else its fallbacks: the first the policy allows;
- a reason is the rule's template filled with the match's facts, in the language asked
  for (:mod:`rulebook.lang`); so is the draft for the action's channel, if the rule has
  one (:mod:`rulebook.drafts`).
"""

from __future__ import annotations

import datetime as dt
import functools
import string
from typing import Any, Iterable, Optional

from pydantic import BaseModel

from rulebook import lang as L
from rulebook.advice import Advice, Draft, HeldBack, Recommendation, Window
from rulebook.compiler import Program
from rulebook.events import Timeline
from rulebook.moments import next_change
from rulebook.policy import Limit, Rule
from rulebook.vocabulary import COMMON_FIELDS, FACT_FIELDS, TIME

from .facts import Fact, counted_epoch, epoch, person_key
from .runtime import Match
from .timing import OfficeClock, WorkCalendar, evaluate, from_epoch

_FAR = dt.datetime.max.replace(tzinfo=dt.timezone.utc)


def advise(program: Program, timeline: Timeline, at: dt.datetime,
           matches: Iterable[Match], lang: Optional[str] = None) -> Advice:
    """The advice the matches give, its reasons and drafts in ``lang`` (default: the
    events document's ``lang``, else English)."""
    tz = timeline.tz
    lang = L.check_lang(lang or getattr(timeline, "lang", None))
    at = at.astimezone(tz).replace(microsecond=0)  # times count to the second, as facts do
    policy = program.policy
    matches = list(matches)
    calendar = WorkCalendar.of(policy.settings)
    clock = OfficeClock(policy.settings.office_hours, tz, calendar)
    stated = _stated_channels(timeline, at)
    kinds = program.loaded.checked.fact_fields
    blockers = []
    for m in matches:
        if m.section == "limits":
            lim = policy.limits[m.id]
            until = evaluate(lim.until, m.bindings, at, tz, calendar) if lim.until else None
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
        block = _blocking(blockers, rule.action, opens, dict(action=rule.action, to=to,
                                                             channel=channel, rule=m.id))
        ideal = (start, due, end)
        if start <= at:
            due = max(due, at)  # overdue: due now (the reason keeps the ideal time)
        words = _RuleWords(policy, m.id, m.bindings, tz, to, channel, ideal, timeline, at, lang,
                           kinds)
        # built from validated parts: constructed without validating them again
        base = dict(action=rule.action, to=to, channel=channel,
                    window=_built(Window, {"start": start, "due": due, "ideal_due": ideal[1],
                                           "end": end}),
                    overdue=ideal[1] < at, rule=m.id, sources=list(rule.sources),
                    draft=words.draft())
        if block is not None:
            bm, lim, until = block
            reason = _LimitWords(policy, bm.id, bm.bindings, tz, until, rule.action, to,
                                 timeline, lang, kinds).render()
            fields = dict(base, reason=reason, limit=bm.id, until=until)
            key = _same_json(fields)
            if key not in held:
                held[key] = (_built(HeldBack, fields), rule.priority)
            continue
        fields = dict(base, reason=words.render())
        target = actions if start <= at else upcoming
        key = _same_json(fields)
        if key not in target:
            target[key] = (_built(Recommendation, fields), rule.priority)

    def order(by_start: bool):
        def key(item):
            rec, pri = item
            w = rec.window
            return ((w.start if by_start else w.due), w.due, pri, rec.action, rec.to or "",
                    rec.rule, w.start, w.end or _FAR, rec.channel or "", rec.reason, w.ideal_due)
        return key

    advice = Advice.model_construct(
        policy=policy.policy, policy_digest=program.loaded.digest, at=at, next_check_at=None,
        actions=[r for r, _ in sorted(actions.values(), key=order(False))],
        upcoming=[r for r, _ in sorted(upcoming.values(), key=order(True))],
        held_back=[r for r, _ in sorted(held.values(), key=lambda i: (
            i[0].until or _FAR, i[0].window.due, i[1], i[0].action, i[0].to or "",
            i[0].rule, i[0].limit, i[0].window.start, i[0].window.end or _FAR,
            i[0].channel or "", i[0].reason, i[0].window.ideal_due))],
    )
    later = next_change(policy, timeline, advice)  # nothing new happening: when it can change
    return advice.model_copy(update={"next_check_at": later and later.astimezone(tz)})


def _built(cls, fields: dict[str, Any]):
    """A model of parts that are already valid, as ``model_construct`` makes it, minus
    its generic work (defaults, aliases): every field given (the JSON follows the order of
    ``__dict__``, so it is the models' order)."""
    if list(fields) != list(cls.model_fields):
        if fields.keys() != cls.model_fields.keys():
            return cls.model_construct(**fields)
        fields = {k: fields[k] for k in cls.model_fields}
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)
    object.__setattr__(obj, "__pydantic_fields_set__", set(fields))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def _same_json(fields: dict[str, Any]) -> tuple:
    """A key equal for two entries exactly when their JSON is: de-duplication without
    serialising. A moment counts as its JSON shows it: wall time to the second and UTC
    offset (``==`` on datetimes ignores the offset within one zone, and microseconds)."""
    return tuple(v if v is None or type(v) is str else _frozen(v) for v in fields.values())


def _frozen(value: Any) -> Any:
    if value is None or type(value) is str:
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0), value.utcoffset()
    if isinstance(value, BaseModel):
        return (type(value).__name__,) + tuple(_frozen(v) for v in value.__dict__.values())
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    return value


def _window(rule: Rule, b: dict[str, Fact], at, tz, clock: OfficeClock):
    end = evaluate(rule.window.end, b, at, tz, clock.calendar) if rule.window.end else None
    if rule.office_hours and end is not None:
        end = clock.last_open(end)
    if end is not None and end < at:
        return None  # gone: most matches of a long timeline (nothing else to work out)
    start = evaluate(rule.window.start, b, at, tz, clock.calendar)
    due = evaluate(rule.window.due, b, at, tz, clock.calendar)
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


def _blocking(blockers, action: str, opens: dt.datetime, rec: dict[str, Any]):
    """The limit in force longest among those that still block when the window opens."""
    found = None
    for m, lim, until in blockers:
        if lim.applies_to != "all" and action not in lim.applies_to:
            continue
        if action in lim.except_:
            continue
        if lim.same and not all(_same_as(rec[f], _value(ref, m.bindings), f == "to")
                                for f, ref in lim.same.items()):
            continue
        if until is not None and until <= opens:
            continue
        # ties: the match whose bound facts come first in the timeline, name by name
        first = tuple((-f["seq"], _reversed(f["id"])) for _, f in sorted(m.bindings.items()))
        key = (until or _FAR, m.id, first)
        if found is None or key > found[0]:
            found = (key, (m, lim, until))
    return found[1] if found else None


def _same_as(mine: Any, theirs: Any, person: bool) -> bool:
    """A limit's ``same``: equal to the bound fact's field (people as the timeline matches
    them); a field the fact does not have, or a recommendation to no one, is not equal."""
    if mine is None or theirs is None:
        return False
    return person_key(mine) == person_key(theirs) if person else mine == theirs


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



_BUILTIN_KINDS = {t: dict(COMMON_FIELDS, **f) for t, f in FACT_FIELDS.items()}


# (wall time, offset, zone, language, date only) -> the words: the same key, the same text
_MOMENT_WORDS: dict[tuple, str] = {}


class _Words:
    """Fills a reason template; ``{name.field|default}`` and ``{moment:date}`` work."""

    def __init__(self, bindings, tz, timeline: Timeline, lang: str = L.DEFAULT, kinds=None):
        self.b, self.tz, self.timeline, self.lang = bindings, tz, timeline, lang
        self.kinds = kinds or _BUILTIN_KINDS  # a policy's own: validation's fact_fields

    def time(self, moment, date_only: bool) -> str:
        if moment is None:
            return L.moment(moment, self.lang, date_only)
        key = (moment.replace(tzinfo=None), moment.utcoffset(), moment.tzinfo, self.lang,
               date_only)
        text = _MOMENT_WORDS.get(key)
        if text is None:  # Babel is slow, and a timeline's moments recur in every reason
            if len(_MOMENT_WORDS) > 50_000:
                _MOMENT_WORDS.clear()
            text = _MOMENT_WORDS[key] = L.moment(moment, self.lang, date_only)
        return text

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
                return self.time(from_epoch(fact["t"], self.tz), spec == "date")
            value = fact.get(field)
            if value is None:
                return None
            kind = self.kinds.get(fact["type"], {}).get(field)
            if kind == TIME:  # whatever the field's name: a derived fact may rename it
                return self.time(from_epoch(value, self.tz), spec == "date")
            if isinstance(kind, tuple) or isinstance(value, bool):
                return _human(value, self.lang)  # a choice: no_answer reads "no answer"
            return str(value)  # text as written: names keep their underscores
        value = self.special(name)
        if isinstance(value, dt.datetime) or (value is None and name in ("end", "until")):
            return self.time(value, spec == "date")
        return None if value is None else str(value)

    def fill(self, template: str, keep_lines: bool = False) -> str:
        """The template filled; spaces collapsed (and line breaks too, unless
        ``keep_lines``: a draft keeps its lines)."""
        out = []
        for literal, name, spec, default in _parsed(template):
            out.append(literal)
            if name is None:
                continue
            value = self.lookup(name, spec)
            out.append(value if value not in (None, "") else
                       (default or L.word("(unknown)", self.lang)))
        text = "".join(out)
        if not keep_lines:
            return " ".join(text.split())
        return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())


@functools.lru_cache(maxsize=1024)
def _parsed(template: str) -> tuple[tuple[str, Optional[str], str, str], ...]:
    """A reason template as (literal, name, spec, default) parts, parsed once."""
    out = []
    for literal, name, spec, _ in string.Formatter().parse(template):
        if name is None:
            out.append((literal, None, "", ""))
            continue
        name, _, default = name.partition("|")
        out.append((literal, name.strip(), spec or "", default.strip()))
    return tuple(out)


_CHANNEL_WORDS = {"linkedin": "LinkedIn", "in_person": "meeting in person",
                  "handwritten_note": "handwritten note"}


def _channel_words(channel: Optional[str], lang: str = L.DEFAULT) -> Optional[str]:
    return L.word(_CHANNEL_WORDS.get(channel, channel), lang) if channel else None


def _human(value: Any, lang: str = L.DEFAULT) -> str:
    if isinstance(value, bool):
        return L.word("yes" if value else "no", lang)
    return L.word(str(value).replace("_", " "), lang)


class _RuleWords(_Words):
    def __init__(self, policy, rid: str, b, tz, to, channel, window, timeline, at,
                 lang: str = L.DEFAULT, kinds=None):
        super().__init__(b, tz, timeline, lang, kinds)
        self.policy, self.rid, self.rule = policy, rid, policy.rules[rid]
        self.to, self.channel, self.window, self.at = to, channel, window, at

    def lookup(self, name: str, spec: str) -> Optional[str]:
        text = super().lookup(name, spec)
        if name == "due" and text and self.window[1] < self.at:
            text += f" ({L.word('overdue', self.lang)})"
        return text

    def special(self, name):
        start, due, end = self.window
        w = self.rule.window
        lang = self.lang
        table = {"to": lambda: self.to, "channel": lambda: _channel_words(self.channel, lang),
                 "start": lambda: start, "due": lambda: due, "end": lambda: end,
                 "action": lambda: _human(self.rule.action, lang),
                 "start_offset": lambda: L.offset_words(w.start.offsets, lang),
                 "due_offset": lambda: L.offset_words(w.due.offsets, lang),
                 "end_offset": lambda: L.offset_words(w.end.offsets, lang) if w.end else None}
        return table[name]()  # only the name asked for is worked out

    def render(self) -> str:
        return self.fill(self.policy.reason("rules", self.rid, self.lang))

    def draft(self) -> Optional[Draft]:
        """The rule's draft for the action's channel, filled; None if it has none."""
        template = self.policy.draft(self.rid, self.channel, self.lang) if self.channel \
            else None
        if template is None:
            return None
        subject = self.fill(template.subject) if template.subject is not None else None
        return Draft.model_construct(subject=subject,
                                     body=self.fill(template.body, keep_lines=True))


class _LimitWords(_Words):
    def __init__(self, policy, lid: str, b, tz, until, action, to, timeline,
                 lang: str = L.DEFAULT, kinds=None):
        super().__init__(b, tz, timeline, lang, kinds)
        self.policy, self.lid, lim = policy, lid, policy.limits[lid]
        self.lim, self.until, self.action, self.to = lim, until, action, to

    def special(self, name):
        table = {"until": lambda: self.until, "action": lambda: _human(self.action, self.lang),
                 "to": lambda: self.to,
                 "until_offset": lambda: (L.offset_words(self.lim.until.offsets, self.lang)
                                          if self.lim.until else None)}
        return table[name]()  # only the name asked for is worked out

    def render(self) -> str:
        return self.fill(self.policy.reason("limits", self.lid, self.lang))
