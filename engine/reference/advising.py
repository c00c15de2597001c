"""From matches to advice, for the reference: the README's "Rules", "Limits" and "The
output" sections, written without the engine's outcome stage.

- A window is ``start``/``due``/``end`` evaluated on the match; with office hours the
  start moves to the next office moment (and to the next one after now, if now is
  outside them), the due time likewise, the end back to the last office moment. A
  window that ends before now or before it starts is gone; ``due`` lies between
  ``start`` and ``end``.
- A limit's match is in force while its ``until`` is after now (none: for good); it
  holds back the actions it applies to (minus ``except``) whose window opens while it
  is still in force. Of several, the one in force longest names the hold.
- The channel: the latest stated one (for the person, or for everyone) if the rule
  allows it and lists it, else the default, else the fallbacks; the first the policy's
  settings allow.
- The reason (and the draft for the channel, if the rule has one) is the template
  filled in; ``due`` is the ideal time (marked "overdue" once past), which the window
  keeps as ``ideal_due``, while the window's ``due`` is never before now. Words
  rulebook writes itself and dates come from :mod:`rulebook.lang`, the output's
  vocabulary (English or German).
- ``next_check_at``: the first moment after now at which the advice may change if
  nothing new happens: an event's time, a flip of a ``now``-relative test, a window's
  start, due time (and the second after it) or end (and the second after), an until.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any, Optional

from rulebook import lang as words
from rulebook.advice import Advice, Draft, HeldBack, Recommendation, Window

from . import clock
from .facts import Fact, counted_time, same_person
from .matching import CHOICE, TIME, Kinds, Match, moment_of, read

_LAST = dt.datetime.max.replace(tzinfo=dt.timezone.utc)


def advise(policy, kinds: Kinds, timeline, at: dt.datetime, matches: list[Match],
           lang: str = "en", digest=None) -> Advice:
    tz = timeline.tz
    now = clock.whole_seconds(at).astimezone(tz)
    office = clock.Office(policy.settings, tz)
    workdays = office.workdays
    stated = _stated(timeline, now)

    in_force = []
    for m in matches:
        if m.section == "limits":
            lim = policy.limits[m.id]
            until = _when(lim.until, m.bindings, now, tz, workdays) \
                if lim.until is not None else None
            if until is None or until > now:
                in_force.append((m, lim, until))

    lists: dict[str, dict[str, tuple]] = {"actions": {}, "upcoming": {}, "held_back": {}}
    for m in matches:
        if m.section != "rules":
            continue
        rule = policy.rules[m.id]
        window = _window(rule, m.bindings, now, tz, office)
        overdue = window is not None and window[1] < now
        if window is None:
            continue
        start, due, end = window
        to = None
        if rule.to is not None:
            alias, fname = rule.to.split(".", 1)
            value = read(m.bindings[alias], fname)
            to = value if isinstance(value, str) else None
        channel = _channel(rule, to, stated, policy.settings.channels)
        shown = Window(start=start, due=max(due, now) if start <= now else due, ideal_due=due,
                       end=end)
        w = rule.window
        said = _Reason(m.bindings, tz, timeline, kinds, lang, {
            "to": to, "channel": words.channel_name(channel, lang) if channel else None,
            "start": start, "due": due, "end": end, "action": _spoken(rule.action, lang),
            "start_offset": words.offset_words(w.start.offsets, lang),
            "due_offset": words.offset_words(w.due.offsets, lang),
            "end_offset": words.offset_words(w.end.offsets, lang) if w.end is not None else None,
        }, overdue=overdue)
        common = dict(action=rule.action, to=to, channel=channel, window=shown,
                      overdue=overdue, rule=m.id, sources=list(rule.sources),
                      draft=_draft(policy, m.id, channel, lang, said))
        rec = {"action": rule.action, "to": to, "channel": channel, "rule": m.id}
        hold = _hold(in_force, rec, max(now, start))
        if hold is not None:
            lm, lim, until = hold
            text = _Reason(lm.bindings, tz, timeline, kinds, lang, {
                "until": until, "action": _spoken(rule.action, lang), "to": to,
                "until_offset": words.offset_words(lim.until.offsets, lang)
                if lim.until is not None else None,
            }).fill(policy.reason("limits", lm.id, lang))
            entry = HeldBack(**common, reason=text, limit=lm.id, until=until)
            lists["held_back"][entry.model_dump_json()] = (entry, rule.priority)
            continue
        text = said.fill(policy.reason("rules", m.id, lang))
        entry = Recommendation(**common, reason=text)
        lists["actions" if start <= now else "upcoming"][entry.model_dump_json()] = \
            (entry, rule.priority)

    def rec_key(first):
        def key(item):
            r, priority = item
            w = r.window
            return (first(w), w.due, priority, r.action, r.to or "", r.rule, w.start,
                    w.end or _LAST, r.channel or "", r.reason, w.ideal_due)
        return key

    def held_key(item):
        r, priority = item
        w = r.window
        return (r.until or _LAST, w.due, priority, r.action, r.to or "", r.rule, r.limit,
                w.start, w.end or _LAST, r.channel or "", r.reason, w.ideal_due)

    advice = Advice(
        policy=policy.policy, policy_digest=digest, at=now,
        actions=[r for r, _ in sorted(lists["actions"].values(), key=rec_key(lambda w: w.due))],
        upcoming=[r for r, _ in sorted(lists["upcoming"].values(),
                                       key=rec_key(lambda w: w.start))],
        held_back=[r for r, _ in sorted(lists["held_back"].values(), key=held_key)])
    return advice.model_copy(update={"next_check_at": _next_check(policy, timeline, advice)})


def _draft(policy, rid: str, channel, lang: str, said: "_Reason"):
    template = policy.draft(rid, channel, lang) if channel else None
    if template is None:
        return None
    subject = said.fill(template.subject) if template.subject is not None else None
    return Draft(subject=subject, body=said.fill(template.body, lines=True))


def _now_steps(policy) -> list:
    """For each test against ``now`` (``since``, a ``where`` operand), the steps such that
    the test flips when now is a time a fact carries moved back by them."""
    out = []
    for section in ("derive", "rules", "limits"):
        for entry in policy.active(section).values():
            for p in entry.patterns():
                if p.since is not None:
                    out.append((clock.Step(-1, p.since.amount, p.since.unit),))
                for cond in p.where.values():
                    for op, value in cond.tests():
                        if op in ("exists", "in") or not isinstance(value, str):
                            continue
                        try:
                            e = clock.parse(value)
                        except ValueError:
                            continue
                        if e.anchor == "now" and not any(s.unit == "bd" for s in e.steps):
                            out.append(e.steps)
    return out


def _next_check(policy, timeline, advice: Advice):
    tz = timeline.tz
    second = dt.timedelta(seconds=1)
    times = {v for e in timeline.events for v in vars(e).values() if isinstance(v, dt.datetime)}
    found = set(times)
    for steps in _now_steps(policy):
        back = [clock.Step(-s.sign, s.amount, s.unit) for s in reversed(steps)]
        for t in times:
            flip = clock.shift(t, back, tz)
            found |= {flip, flip + second}
    for r in list(advice.actions) + list(advice.upcoming) + list(advice.held_back):
        found |= {r.window.start, r.window.due}
        if not r.overdue:
            found.add(r.window.due + second)
        if r.window.end is not None:
            found |= {r.window.end, r.window.end + second}
        if getattr(r, "until", None) is not None:
            found.add(r.until)
    later = [t for t in found if t > advice.at]
    return min(later).astimezone(tz) if later else None


def _when(expr, bound, now, tz, workdays) -> dt.datetime:
    return moment_of(clock.from_model(expr), bound, now, tz, workdays)


def _window(rule, bound, now, tz, office: clock.Office):
    w = rule.window
    days = office.workdays
    start, due = _when(w.start, bound, now, tz, days), _when(w.due, bound, now, tz, days)
    end = _when(w.end, bound, now, tz, days) if w.end is not None else None
    if rule.office_hours:
        if end is not None:
            end = office.last_open(end)
            if end is None:
                return None
        start = office.first_open(start)
        if start is None:
            return None
        if start <= now and not office.is_open(now):
            start = office.first_open(now)  # never "now" outside office hours
        due = office.first_open(max(due, start))
    if end is not None and (end < now or end < start):
        return None  # gone, or it can never open
    due = max(due, start)
    if end is not None:
        due = min(due, end)
    return start, due, end


def _hold(in_force, rec: dict, opens: dt.datetime):
    """The limit that holds ``rec`` back longest; ties: the limit id last in order,
    then the match whose bound facts come first in the timeline (name by name)."""
    best, best_key = None, None
    action = rec["action"]
    for m, lim, until in in_force:
        if lim.applies_to != "all" and action not in lim.applies_to:
            continue
        if action in lim.except_:
            continue
        if not all(_same(rec[f], m.bindings, ref, f == "to") for f, ref in lim.same.items()):
            continue
        if until is not None and until <= opens:
            continue
        order = tuple((-f["seq"], _negated(f["id"])) for _, f in sorted(m.bindings.items()))
        key = (until or _LAST, m.id, order)
        if best_key is None or key > best_key:
            best, best_key = (m, lim, until), key
    return best


def _same(mine, bound, ref: str, person: bool) -> bool:
    """A limit's ``same``: the recommendation's value equals the bound fact's field."""
    alias, fname = ref.split(".", 1)
    theirs = read(bound[alias], fname)
    if mine is None or not isinstance(theirs, str):
        return False
    return same_person(mine) == same_person(theirs) if person else mine == theirs


def _negated(text: str) -> tuple:
    """Reverses text order, so that ``max`` picks the smallest id."""
    return tuple(-ord(c) for c in text) + (1,)


def _stated(timeline, now: dt.datetime) -> list[tuple[Optional[str], str]]:
    """(person or None for everyone, channel), latest first; at one instant, by channel
    and then by person, last in alphabetical order first."""
    tz = timeline.tz
    said = []
    for e in timeline.events:
        if e.type == "next_steps" and e.preferred_channel:
            moment = counted_time(e, now, tz)
            if moment <= now:
                said.append((moment, e.preferred_channel, e.from_ or ""))
    said.sort(reverse=True)
    return [(same_person(who) if who else None, channel) for _, channel, who in said]


def _channel(rule, to, stated, allowed) -> Optional[str]:
    if rule.channel is None:
        return None
    listed = [rule.channel.default, *rule.channel.fallback]
    options = list(listed)
    if rule.channel.stated:
        for who, channel in stated:
            if who is None or to is None or who == same_person(to):
                if channel in listed:
                    options.insert(0, channel)
                break
    return next((c for c in options if c in allowed), None)


def _spoken(value: str, lang: str) -> str:
    return words.word(value.replace("_", " "), lang)


class _Reason:
    """A reason template filled in: ``{name}``, ``{name.field}``, ``{x:date}``, ``{x|text}``."""

    def __init__(self, bound: dict[str, Fact], tz, timeline, kinds: Kinds, lang: str,
                 specials: dict[str, Any], overdue: bool = False):
        self.bound, self.tz, self.timeline, self.kinds = bound, tz, timeline, kinds
        self.lang, self.specials, self.overdue = lang, specials, overdue

    def _time(self, moment, date_only: bool) -> str:
        return words.moment(moment.astimezone(self.tz) if moment else None, self.lang,
                            date_only)

    def value(self, name: str, date_only: bool) -> Optional[str]:
        head, _, fname = name.partition(".")
        if head == "application":
            v = self.timeline.application.get(fname)
            return None if v is None else str(v)
        if head in self.bound:
            fact = self.bound[head]
            v = read(fact, fname or "at")
            if v is None or not isinstance(v, (str, int, dt.datetime)):
                return None
            kind = self.kinds.of(fact["type"], fname or "at")
            if kind == TIME:
                return self._time(v, date_only)
            if isinstance(v, bool):
                return words.word("yes" if v else "no", self.lang)
            return _spoken(v, self.lang) if kind == CHOICE else str(v)
        v = self.specials[name]
        if isinstance(v, dt.datetime) or (v is None and name in ("end", "until")):
            text = self._time(v, date_only)
            if name == "due" and self.overdue:
                text += f" ({words.word('overdue', self.lang)})"
            return text
        return None if v is None else str(v)

    def fill(self, template: str, lines: bool = False) -> str:
        parts = []
        for literal, field, spec, _ in string.Formatter().parse(template):
            parts.append(literal)
            if field is None:
                continue
            name, _, default = field.partition("|")
            text = self.value(name.strip(), spec == "date")
            parts.append(text if text else (default.strip() or words.word("(unknown)", self.lang)))
        text = "".join(parts)
        if lines:  # a draft keeps its lines
            return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())
        return " ".join(text.split())
