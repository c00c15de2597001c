"""The policy in English: each rule, limit and derived fact as (label, words) lines.

Also the words both languages share: ids in words, an entry's guidelines, and the limits
that can hold an action back.
"""

from __future__ import annotations

from typing import Any

from ..guidelines import catalogue
from ..lang import DEFAULT
from ..policy import Limit, Pattern, Policy, Rule
from ..timeexpr import TimeExpr
from ..vocabulary import NOW


FACT_WORDS = {
    "interview": "interview", "interviewer": "interviewer",
    "interview_scheduled": "scheduled interview", "next_steps": "next-steps conversation",
    "contact_details": "contact details noted", "thank_you_sent": "thank-you sent",
    "follow_up_sent": "follow-up sent", "call": "call", "reply": "reply from the employer",
    "materials_sent": "materials sent", "promise": "promise made",
    "referral_contact": "referral contact", "withdrawn": "withdrawal",
}
FIELD_WORDS = {"decision_by": "stated decision date", "starts_at": "start", "due": "due date",
               "at": "time", "preferred_channel": "preferred channel", "from": "sender",
               "to": "addressee", "name": "name", "round": "round",
               "purpose": "purpose"}
OPS = {"eq": "is", "ne": "is not", "in": "is one of", "gt": "is more than",
       "ge": "is at least", "lt": "is less than", "le": "is at most"}
TIME_OPS = {"gt": "is after", "ge": "is at or after", "lt": "is before", "le": "is at or before"}

Line = tuple[str, str]


def in_words(name: str) -> str:
    return name.replace("_", " ")


def fact_words(types: list[str]) -> str:
    return " or ".join(FACT_WORDS.get(t, in_words(t)) for t in types)


class _Scope:
    """What each name of an entry stands for, in words ("the interviewer")."""

    def __init__(self, entry):
        self.types = {name: p.types for name, p in entry.when.items()}

    def name(self, alias: str, time: bool = False) -> str:
        if alias == NOW:
            return "now"
        if alias not in self.types:
            return alias
        types = self.types[alias]
        shared = [a for a, t in self.types.items() if t == types]
        tag = f" {alias}" if len(shared) > 1 else ""  # "the contact c1", "the contact c2"
        if time and types == ["interviewer"]:
            return "the interview" + tag  # an interviewer's time is their interview's
        return "the " + fact_words(types) + tag

    def ref(self, ref: str) -> str:
        alias, _, fname = ref.partition(".")
        if not fname:
            return self.name(alias)
        if fname == "name":
            return self.name(alias)  # a person: "the interviewer"
        return f"{self.name(alias)}'s {FIELD_WORDS.get(fname, in_words(fname))}"

    def time(self, expr: TimeExpr, compared: bool = False) -> str:
        """A moment in words; ``compared``: after "is after" and the like, where a moment
        with no offset is the anchor itself ("is after the call", not "right at")."""
        base = "now" if expr.anchor == NOW else (
            self.ref(f"{expr.anchor}.{expr.field}") if expr.field
            else self.name(expr.anchor, time=True))
        if not expr.offsets:
            return "right at " + base if expr.anchor != NOW and not compared else base
        after = [o.words() for o in expr.offsets if o.sign > 0]
        before = [o.words() for o in expr.offsets if o.sign < 0]
        parts = []
        if after:
            parts.append(" and ".join(after) + " after")
        if before:
            parts.append(" and ".join(before) + " before")
        return " and ".join(parts) + " " + base


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return in_words(str(value))


def pattern_words(p: Pattern, scope: _Scope, time_fields: set[str]) -> str:
    from ..timeexpr import parse_time_expr

    parts = []
    for fname, cond in p.where.items():
        label = FIELD_WORDS.get(fname, in_words(fname))
        for op, value in cond.tests():
            if fname == "final" and op in ("eq", "ne"):  # an interview marked final: true
                last = value == (op == "eq")
                parts.append("of the final round" if last else "not of the final round")
            elif op == "exists":
                parts.append(f"with a {label}" if value else f"with no {label}")
            elif fname in time_fields or fname == "at":
                try:
                    shown = scope.time(parse_time_expr(value), compared=True)
                except ValueError:
                    shown = str(value)
                parts.append(f"whose {label} {TIME_OPS.get(op, OPS[op])} {shown}")
            else:
                parts.append(f"whose {label} {OPS[op]} {_value(value)}")
    for fname, ref in p.same.items():
        parts.append(f"whose {FIELD_WORDS.get(fname, in_words(fname))} is "
                     f"{scope.ref(ref) if not ref.endswith('.name') else scope.name(ref[:-5])}")
    if p.after:
        parts.append(f"after {scope.name(p.after)}")
    if p.before:
        parts.append(f"before {scope.name(p.before)}")
    if p.since is not None:
        parts.append(f"in the last {p.since.words()}")
    kind = fact_words(p.types)
    text = ("an " if kind[0] in "aeiou" else "a ") + kind
    return text + (" " + ", ".join(parts) if parts else "")


def _conditions(entry, scope: _Scope, time_fields: set[str]) -> list[Line]:
    first = True
    when = []
    for alias, p in entry.when.items():
        words = pattern_words(p, scope, time_fields)
        when.append(("for each " + words.split(" ", 1)[1] if first else "and " + words)
                    + f" ({alias})")
        first = False
    out = [("When", "; ".join(when))]
    if entry.absent:
        out.append(("Unless there is", "; or ".join(pattern_words(p, scope, time_fields)
                                                   for p in entry.absent)))
    if entry.count:
        out.append(("Only if there are", "; and ".join(count_words(c, scope, time_fields)
                                                       for c in entry.count)))
    return out


def count_words(c, scope: _Scope, time_fields: set[str]) -> str:
    """'at most 2 of: a call after the interview, within 14 days of each other'."""
    low, high = c.at_least, c.at_most
    if low is not None and low == high:
        n = f"exactly {low}"
    elif low is not None and high is not None:
        n = f"between {low} and {high}"
    elif low is not None:
        n = f"at least {low}"
    else:
        n = "none" if high == 0 else f"at most {high}"
    text = f"{n} of: {pattern_words(c, scope, time_fields)}"
    if c.within is not None:
        text += f", within {c.within.words()} of each other"
    return text


def sources_line(entry, policy: Policy, lang: str = DEFAULT) -> Line:
    known = catalogue(policy)
    label = "Leitlinien" if lang == "de" else "Guidelines"
    return (label, "; ".join(f"{g} ({known[g].title})" if g in known else g
                             for g in entry.sources))


def holding_limits(policy: Policy, action: str) -> list[str]:
    out = []
    for lid, lim in policy.active("limits").items():
        applies = lim.applies_to == "all" or action in lim.applies_to
        if applies and action not in lim.except_:
            out.append(in_words(lid))
    return out


def rule_lines(rid: str, rule: Rule, policy: Policy, time_fields: set[str]) -> list[Line]:
    scope = _Scope(rule)
    w = rule.window
    lines: list[Line] = [("Advice", in_words(rule.action))]
    lines += _conditions(rule, scope, time_fields)
    lines.append(("Starts", scope.time(w.start)))
    lines.append(("Due by", scope.time(w.due)))
    lines.append(("At the latest", scope.time(w.end) if w.end else "no deadline: until done"))
    if rule.office_hours:
        hours = policy.settings.office_hours
        lines.append(("Office hours", f"only {', '.join(hours.days)}, {hours.start} to "
                      f"{hours.end}; outside them it waits"))
    lines.append(("To", scope.ref(rule.to) if rule.to else "no one in particular"))
    if rule.channel is None:
        lines.append(("Channel", "none (nothing to send)"))
    else:
        options = [c for c in [rule.channel.default] + list(rule.channel.fallback)
                   if c in policy.settings.channels]
        text = " else ".join(in_words(c) for c in options) or "none the policy allows"
        if rule.channel.stated:
            text = "the employer's stated channel first, else " + text
        lines.append(("Channel", text))
    if rule.logs is not None:
        lines.append(("Doing it records", "nothing" if rule.logs == "nothing" else
                      f"a {FACT_WORDS[rule.logs]}" + (f" (purpose: {in_words(rule.action)})"
                                                       if rule.logs != "materials_sent" else "")))
    holds = holding_limits(policy, rule.action)
    lines.append(("Held back by", ", ".join(holds) if holds else "nothing"))
    lines.append(sources_line(rule, policy))
    return lines


def limit_lines(lid: str, lim: Limit, policy: Policy, time_fields: set[str]) -> list[Line]:
    scope = _Scope(lim)
    if lim.applies_to == "all":
        stops = "every advice"
    else:
        stops = ", ".join(in_words(a) for a in lim.applies_to)
    if lim.except_:
        stops += " (but never " + ", ".join(in_words(a) for a in lim.except_) + ")"
    if lim.same:
        stops += ", only with the same " + " and ".join(
            f"{'person' if f == 'to' else f} as {scope.ref(ref)}" for f, ref in lim.same.items())
    lines: list[Line] = [("Stops", stops)]
    lines += _conditions(lim, scope, time_fields)
    lines.append(("For how long", "until " + scope.time(lim.until) if lim.until else "for good"))
    lines.append(sources_line(lim, policy))
    return lines


def derivation_lines(did: str, d, policy: Policy, time_fields: set[str]) -> list[Line]:
    scope = _Scope(d)
    lines = [("Fact", in_words(d.fact or did))] + _conditions(d, scope, time_fields)
    if d.sources:
        lines.append(sources_line(d, policy))
    return lines


SECTIONS = (("rules", "What it recommends", rule_lines), ("limits", "What holds advice back",
                                                         limit_lines),
            ("derive", "What it works out from the events", derivation_lines))
