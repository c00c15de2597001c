"""A policy in a coach's plain words, generated from the resolved policy (Markdown).

``rulebook describe POLICY`` says, per rule, when the advice starts, by when it is due,
the latest moment, to whom, by which channel and what can hold it back; per limit, what
it stops and for how long; and the guidelines behind each. It is generated from the
policy after its layers are merged, so it is what the policy does, not what a comment
claims. ``describe A --diff B`` says the same only for what B changes relative to A:
entries added, removed, switched off, and each line of an entry that reads differently.

Every line is a (label, words) pair, so that a diff compares entries line by line.
"""

from __future__ import annotations

from typing import Any, Optional

from .guidelines import catalogue
from .policy import Limit, Pattern, Policy, Rule
from .timeexpr import TimeExpr
from .vocabulary import NOW

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


def _words(name: str) -> str:
    return name.replace("_", " ")


def fact_words(types: list[str]) -> str:
    return " or ".join(FACT_WORDS.get(t, _words(t)) for t in types)


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
        return f"{self.name(alias)}'s {FIELD_WORDS.get(fname, _words(fname))}"

    def time(self, expr: TimeExpr) -> str:
        base = "now" if expr.anchor == NOW else (
            self.ref(f"{expr.anchor}.{expr.field}") if expr.field
            else self.name(expr.anchor, time=True))
        if not expr.offsets:
            return "right at " + base if expr.anchor != NOW else "now"
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
    return _words(str(value))


def pattern_words(p: Pattern, scope: _Scope, time_fields: set[str]) -> str:
    from .timeexpr import parse_time_expr

    parts = []
    for fname, cond in p.where.items():
        label = FIELD_WORDS.get(fname, _words(fname))
        for op, value in cond.tests():
            if fname == "final" and op in ("eq", "ne"):  # an interview marked final: true
                last = value == (op == "eq")
                parts.append("of the final round" if last else "not of the final round")
            elif op == "exists":
                parts.append(f"with a {label}" if value else f"with no {label}")
            elif fname in time_fields or fname == "at":
                try:
                    shown = scope.time(parse_time_expr(value))
                except ValueError:
                    shown = str(value)
                parts.append(f"whose {label} {TIME_OPS.get(op, OPS[op])} {shown}")
            else:
                parts.append(f"whose {label} {OPS[op]} {_value(value)}")
    for fname, ref in p.same.items():
        parts.append(f"whose {FIELD_WORDS.get(fname, _words(fname))} is "
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


def _sources(entry, policy: Policy) -> Line:
    known = catalogue(policy)
    return ("Guidelines", "; ".join(f"{g} ({known[g].title})" if g in known else g
                                    for g in entry.sources))


def _holds(policy: Policy, action: str) -> list[str]:
    out = []
    for lid, lim in policy.active("limits").items():
        applies = lim.applies_to == "all" or action in lim.applies_to
        if applies and action not in lim.except_:
            out.append(_words(lid))
    return out


def rule_lines(rid: str, rule: Rule, policy: Policy, time_fields: set[str]) -> list[Line]:
    scope = _Scope(rule)
    w = rule.window
    lines: list[Line] = [("Advice", _words(rule.action))]
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
        text = " else ".join(_words(c) for c in options) or "none the policy allows"
        if rule.channel.stated:
            text = "the employer's stated channel first, else " + text
        lines.append(("Channel", text))
    if rule.logs is not None:
        lines.append(("Doing it records", "nothing" if rule.logs == "nothing" else
                      f"a {FACT_WORDS[rule.logs]}" + (f" (purpose: {_words(rule.action)})"
                                                       if rule.logs != "materials_sent" else "")))
    holds = _holds(policy, rule.action)
    lines.append(("Held back by", ", ".join(holds) if holds else "nothing"))
    lines.append(_sources(rule, policy))
    return lines


def limit_lines(lid: str, lim: Limit, policy: Policy, time_fields: set[str]) -> list[Line]:
    scope = _Scope(lim)
    if lim.applies_to == "all":
        stops = "every advice"
    else:
        stops = ", ".join(_words(a) for a in lim.applies_to)
    if lim.except_:
        stops += " (but never " + ", ".join(_words(a) for a in lim.except_) + ")"
    if lim.same:
        stops += ", only with the same " + " and ".join(
            f"{'person' if f == 'to' else f} as {scope.ref(ref)}" for f, ref in lim.same.items())
    lines: list[Line] = [("Stops", stops)]
    lines += _conditions(lim, scope, time_fields)
    lines.append(("For how long", "until " + scope.time(lim.until) if lim.until else "for good"))
    lines.append(_sources(lim, policy))
    return lines


def derivation_lines(did: str, d, policy: Policy, time_fields: set[str]) -> list[Line]:
    scope = _Scope(d)
    lines = [("Fact", _words(d.fact or did))] + _conditions(d, scope, time_fields)
    if d.sources:
        lines.append(_sources(d, policy))
    return lines


SECTIONS = (("rules", "What it recommends", rule_lines), ("limits", "What holds advice back",
                                                         limit_lines),
            ("derive", "What it works out from the events", derivation_lines))


def entries(policy: Policy, time_fields: set[str]) -> dict[tuple[str, str], list[Line]]:
    """Every enabled entry's lines, in policy order, keyed by (section, id)."""
    return {(section, eid): make(eid, entry, policy, time_fields)
            for section, _, make in SECTIONS
            for eid, entry in policy.active(section).items()}


def _block(title: str, lines: list[Line], marks: Optional[dict[str, str]] = None) -> list[str]:
    out = [f"### {title}", ""]
    for label, text in lines:
        out.append(f"- **{label}:** {text}")
        if marks and label in marks:
            out.append(f"  (was: {marks[label]})")
    return out + [""]


def _time_fields(loaded) -> set[str]:
    from .vocabulary import TIME
    return {f for fields in loaded.checked.fact_fields.values()
            for f, kind in fields.items() if kind == TIME}


def describe(loaded) -> str:
    """The whole policy in words (``loaded``: a :class:`rulebook.load.LoadedPolicy`)."""
    policy = loaded.policy
    out = [f"# Policy {policy.policy}", ""]
    if policy.title:
        out += [policy.title, ""]
    if policy.description:
        out += [policy.description.strip(), ""]
    if policy.extends:
        out += [f"Built on `{policy.extends}`; this is the result with every layer merged.", ""]
    found = entries(policy, _time_fields(loaded))
    for section, heading, _ in SECTIONS:
        mine = [(eid, lines) for (s, eid), lines in found.items() if s == section]
        if not mine:
            continue
        out += [f"## {heading}", ""]
        for eid, lines in mine:
            out += _block(eid, lines)
    if policy.guidelines:
        out += ["## Its own guidelines", ""]
        out += [f"- **{gid}:** {text}" for gid, text in policy.guidelines.items()] + [""]
    return "\n".join(out).rstrip() + "\n"


def describe_diff(old, new) -> str:
    """What ``new`` changes relative to ``old``, in the same words."""
    a = entries(old.policy, _time_fields(old))
    b = entries(new.policy, _time_fields(new))
    out = [f"# What {new.policy.policy} changes in {old.policy.policy}", ""]
    kinds = {"rules": "rule", "limits": "limit", "derive": "derived fact"}
    changed = False
    for section, heading, _ in SECTIONS:
        block: list[str] = []
        for key in list(a) + [k for k in b if k not in a]:
            if key[0] != section:
                continue
            kind = kinds[section]
            if key not in b:
                off = key[1] in getattr(new.policy, section)
                block += [f"### {key[1]}: {'switched off' if off else 'removed'}", "",
                          f"This {kind} no longer applies.", ""]
            elif key not in a:
                block += _block(f"{key[1]}: new {kind}", b[key])
            elif a[key] != b[key]:
                before = dict(a[key])
                now = [(label, text) for label, text in b[key] if before.get(label) != text]
                marks = {label: before[label] for label, _ in now if label in before}
                gone = [(label, "(no longer said)") for label in before
                        if label not in dict(b[key])]
                block += _block(f"{key[1]}: changed", now + gone, marks)
        if block:
            changed = True
            out += [f"## {heading}", ""] + block
    old_g, new_g = old.policy.guidelines, new.policy.guidelines
    added = {g: t for g, t in new_g.items() if old_g.get(g) != t}
    if added:
        changed = True
        out += ["## Its own guidelines", ""] + [f"- **{g}:** {t}" for g, t in added.items()] + [""]
    if not changed:
        out.append("Nothing: both say the same.")
    return "\n".join(out).rstrip() + "\n"
