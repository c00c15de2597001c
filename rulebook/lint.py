"""Lints: a valid policy that probably does not say what its author meant.

Each lint is a warning (``rulebook check`` fails on them only with ``--strict``), but
for a window that can never open, which is an error; all are found from the policy
alone, without any timeline:

- a rule that can never fire (contradictory tests, or a fact that blocks itself);
- a window that ends before it starts (an error: that rule can never recommend anything);
- a window whose start can pass its due time through two anchors the rule orders;
- a limit that forbids all contact, for good, as soon as there is an interview;
- two rules that recommend the same action to the same person at once;
- a guideline cited by a derivation whose fact no rule or limit reads;
- a message draft longer than its channel allows (:mod:`rulebook.drafts`);
- a text missing in a language the policy promises (:func:`rulebook.lang.lint_languages`).
- a test on a message's ``purpose`` that names no action; a rule that logs a thank-you
  to no one.

A guideline cited by a limit is implemented by that limit, and one cited by a
derivation is implemented by the rules and limits that read the derived fact.
"""

from __future__ import annotations

from itertools import combinations
from typing import Optional

from .drafts import lint_drafts
from .lang import lint_languages
from .policy import Condition, Pattern, Policy, Rule
from .problems import Problem
from .source import Document
from .timeexpr import TimeExpr
from .validate import _REF
from .vocabulary import NOW

# facts every timeline that gets any follow-up advice has
_ALWAYS_THERE = {"interview", "interviewer", "interview_scheduled"}
LONG_SILENCE = 30 * 86400  # a blanket limit this long silences the whole follow-up


def lint(policy: Policy, doc: Document, complete: bool = True) -> list[Problem]:
    """Warnings for ``policy`` located in ``doc``; global lints need a ``complete`` policy."""
    out: list[Problem] = []

    def warn(path, message, hint="", key=False, severity="warning"):
        out.append(doc.problem(path, message, hint, key=key, severity=severity))

    for section in ("derive", "rules", "limits"):
        for eid, entry in policy.active(section).items():
            _never_fires(section, eid, entry, warn)
    for rid, rule in policy.active("rules").items():
        _window_order(rid, rule, warn)
        _window_anchors(rid, rule, warn)
        lint_drafts(rid, policy, warn)
    for lid, lim in policy.active("limits").items():
        _forbids_all(policy, lid, lim, warn)
    rules = policy.active("rules")
    for (aid, a), (bid, b) in combinations(rules.items(), 2):
        if a.action == b.action and _may_overlap(a, b):
            warn(("rules", bid), f"rules '{aid}' and '{bid}' can both recommend "
                 f"'{a.action}' to the same person at once",
                 "make them exclusive (a 'where' test or an 'absent' pattern), or disable one",
                 key=True)
    lint_languages(policy, doc, warn)
    for rid, rule in policy.active("rules").items():
        if rule.logs == "thank_you_sent" and rule.to is None:
            warn(("rules", rid, "logs"), "doing this records nothing: a thank-you is to a "
                 "person, and this rule names no one ('to')")
    if complete:
        _uncovered_citations(policy, doc, warn)
        _unknown_purposes(policy, warn)
    return out


def _unknown_purposes(policy: Policy, warn) -> None:
    """A test on a message's ``purpose`` naming an action nothing performs never matches
    what following this policy records: most likely a typo."""
    from .perform import ACTION_EVENTS
    from .problems import did_you_mean

    actions = {r.action for r in policy.rules.values()} | set(ACTION_EVENTS)
    for section in ("derive", "rules", "limits"):
        for eid, entry in policy.active(section).items():
            parts = [("when", name, p) for name, p in entry.when.items()]
            parts += [("absent", i, p) for i, p in enumerate(entry.absent)]
            parts += [("count", i, p) for i, p in enumerate(entry.count)]
            for part, key, p in parts:
                cond = p.where.get("purpose")
                if cond is None:
                    continue
                for op, value in cond.tests():
                    for v in (value if op == "in" else [value]) if op != "exists" else []:
                        if isinstance(v, str) and v not in actions:
                            warn((section, eid, part, key, "where", "purpose"),
                                 f"no rule recommends '{v}', so no message is sent for it",
                                 did_you_mean(v, sorted(actions)))


def _uncovered_citations(policy: Policy, doc: Document, warn) -> None:
    """Citations on derivations nothing reads: no behaviour implements them."""
    derive = policy.active("derive")
    reads = lambda e: {t for p in e.patterns() for t in p.types}  # noqa: E731
    needed = {t for s in ("rules", "limits") for e in policy.active(s).values() for t in reads(e)}
    for _ in range(len(derive) + 1):
        grown = needed | {t for did, d in derive.items() if (d.fact or did) in needed
                          for t in reads(d)}
        if grown == needed:
            break
        needed = grown
    for did, d in derive.items():
        fact = d.fact or did
        if fact in needed:
            continue
        for i, gid in enumerate(d.sources):
            if doc.file_of(("derive", did, "sources", i)) != doc.file:
                continue  # a parent layer's citation: that layer's own check
            warn(("derive", did, "sources", i), f"guideline {gid} is cited here, but no rule "
                 f"or limit reads '{fact}', so nothing implements it",
                 "use the derived fact in a rule or limit, or drop the citation")


# -- a rule that can never fire -----------------------------------------------------------

def _contradiction(cond: Condition) -> str | None:
    """Why one field's tests can never all hold, or None."""
    tests = dict(cond.tests())
    if tests.get("exists") is False and len(tests) > 1:
        return "tests a field it also requires to be missing"
    if "eq" in tests:
        v = tests["eq"]
        if "ne" in tests and tests["ne"] == v:
            return f"requires the field to be and not to be '{v}'"
        if "in" in tests and v not in tests["in"]:
            return f"requires '{v}', which its 'in' list excludes"
    nums = {k: v for k, v in tests.items() if k in ("gt", "ge", "lt", "le")
            and isinstance(v, int) and not isinstance(v, bool)}
    lows = ([nums["gt"] + 1] if "gt" in nums else []) + ([nums["ge"]] if "ge" in nums else [])
    highs = ([nums["lt"] - 1] if "lt" in nums else []) + ([nums["le"]] if "le" in nums else [])
    low, high = max(lows, default=None), min(highs, default=None)
    if low is not None and high is not None and low > high:
        return "asks for a number above its upper bound"
    return None


def _bare(p: Pattern) -> bool:
    return not (p.where or p.same or p.after or p.before or p.since)


def _never_fires(section, eid, entry, warn) -> None:
    for part, patterns in (("when", entry.when.items()), ("absent", enumerate(entry.absent))):
        for name, p in patterns:
            for fname, cond in p.where.items():
                why = _contradiction(cond)
                if why and part == "when":
                    warn((section, eid, "when", name, "where", fname),
                         f"this can never match: '{fname}' {why}")
                elif why:
                    warn((section, eid, "absent", name, "where", fname),
                         f"this absent pattern never matches: '{fname}' {why}")
            if part == "when" and name in (p.after, p.before):
                warn((section, eid, "when", name), f"'{name}' cannot come after or before itself")
    for i, p in enumerate(entry.absent):
        if not _bare(p):
            continue
        for name, bound in entry.when.items():
            if set(bound.types) <= set(p.types):
                warn((section, eid, "absent", i), "this can never match: the fact bound to "
                     f"'{name}' is itself a '{'/'.join(p.types)}' fact, so it always blocks",
                     f"add 'after: {name}' or a 'where' test to the absent pattern")
                break


# -- a window that ends before it starts ------------------------------------------------

def _same_anchor(a: TimeExpr, b: TimeExpr) -> bool:
    return (a.anchor, a.field or "at") == (b.anchor, b.field or "at") and not (
        a.business_days or b.business_days)


def _window_order(rid: str, rule: Rule, warn) -> None:
    w = rule.window
    if w.end is not None and _same_anchor(w.start, w.end) and \
            w.end.exact_seconds < w.start.exact_seconds:
        warn(("rules", rid, "window", "end"), f"the window ends ({w.end.text}) before it "
             f"starts ({w.start.text}): this rule never recommends anything",
             severity="error")
    elif w.end is not None and _same_anchor(w.due, w.end) and \
            w.due.exact_seconds > w.end.exact_seconds:
        warn(("rules", rid, "window", "due"), f"the window is due ({w.due.text}) after it "
             f"ends ({w.end.text})", "the due time is cut back to the end")


def _ordered(rule: Rule, first: str, second: str) -> Optional[int]:
    """+1 if the fact bound to ``second`` is after the one bound to ``first`` (its pattern
    says so, or the other's says ``before``), -1 if before, None if the rule does not say."""
    a, b = rule.when.get(first), rule.when.get(second)
    if a is None or b is None:
        return None
    if b.after == first or a.before == second:
        return 1
    if b.before == first or a.after == second:
        return -1
    return None


def _window_anchors(rid: str, rule: Rule, warn) -> None:
    """A window whose start and due time hang on two facts the rule orders (``after`` /
    ``before``): their offsets alone say whether the start can come after the due time,
    which the check of one anchor cannot see. The advice then moves the due time to the
    start; the coach most likely meant it the other way round."""
    s, d = rule.window.start, rule.window.due
    if s.anchor == d.anchor or NOW in (s.anchor, d.anchor) or s.field or d.field or \
            s.business_days or d.business_days:
        return
    order = _ordered(rule, s.anchor, d.anchor)
    if order is None:
        return
    gap = s.exact_seconds - d.exact_seconds  # how much later the start is, anchors equal
    hint = "the due time then moves to the start: make the due offset larger"
    where = ("rules", rid, "window", "start")
    if order > 0 and gap > 0:
        warn(where, f"the window can start ({s.text}) after it is due ({d.text}): whenever "
             f"{d.anchor} comes less than {_span(gap)} after {s.anchor}", hint)
    elif order < 0 and gap >= 0:
        warn(where, f"the window always starts ({s.text}) after it is due ({d.text}): "
             f"{d.anchor} comes before {s.anchor}", hint)
    elif order < 0:
        warn(where, f"the window can start ({s.text}) after it is due ({d.text}): whenever "
             f"{d.anchor} comes more than {_span(-gap)} before {s.anchor}", hint)


def _span(seconds: int) -> str:
    """'2 days', '36 hours', '90 minutes': the largest unit that divides it."""
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        if seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'}"
    return f"{seconds} seconds"


# -- a limit that forbids all contact ---------------------------------------------------

def _forbids_all(policy: Policy, lid: str, lim, warn) -> None:
    contact = {r.action for r in policy.active("rules").values() if r.channel is not None}
    held = contact if lim.applies_to == "all" else contact & set(lim.applies_to)
    held -= set(lim.except_)
    if not contact or held != contact or lim.absent or lim.count or lim.same:
        return
    for name, p in lim.when.items():
        if not (_bare(p) and set(p.types) <= _ALWAYS_THERE):
            return
    until = lim.until
    forever = until is None or (until.anchor == NOW and until.exact_seconds > 0
                                and not until.business_days)
    if forever:
        warn(("limits", lid), "this limit holds back every contact for good as soon as "
             "there is an interview: the policy can never recommend reaching out",
             "narrow 'when' or 'applies_to', or give it an 'until' anchored on a fact",
             key=True)
    elif until.anchor in lim.when and not until.business_days and \
            until.exact_seconds >= LONG_SILENCE:
        warn(("limits", lid, "until"), "this limit holds back every contact for "
             f"{until.offset_words()} after each interview",
             "narrow 'when' or 'applies_to', or shorten 'until'")


# -- two rules recommending the same action at once ---------------------------------------

def _needed_fields(rule: Rule) -> dict[str, set[str]]:
    """name -> fields the rule requires to exist on that fact (window, to, same...)."""
    out: dict[str, set[str]] = {}
    exprs = [rule.window.start, rule.window.due] + ([rule.window.end] if rule.window.end else [])
    for e in exprs:
        if e.anchor != NOW and e.field:
            out.setdefault(e.anchor, set()).add(e.field)
    if rule.to and _REF.match(rule.to):
        name, fname = rule.to.split(".", 1)
        out.setdefault(name, set()).add(fname)
    for p in rule.when.values():
        for ref in p.same.values():
            if _REF.match(ref):
                name, fname = ref.split(".", 1)
                out.setdefault(name, set()).add(fname)
    return out


def _conflict(a: Condition | None, b: Condition | None, a_needs: bool, b_needs: bool) -> bool:
    """Can no value satisfy both (None: no test; *_needs: the field must exist)?"""
    ta = dict(a.tests()) if a else {}
    tb = dict(b.tests()) if b else {}
    a_exists = ta.get("exists", True if (a_needs or set(ta) - {"exists"}) else None)
    b_exists = tb.get("exists", True if (b_needs or set(tb) - {"exists"}) else None)
    if a_exists is not None and b_exists is not None and a_exists != b_exists:
        return True

    def allowed(t):
        if "eq" in t:
            return {t["eq"]}
        if "in" in t:
            return set(t["in"])
        return None

    va, vb = allowed(ta), allowed(tb)
    return va is not None and vb is not None and not (va & vb)


def _covers(p: Pattern, q: Pattern) -> bool:
    """Does the absent pattern ``p`` (its order aside) match every fact ``q`` can bind?"""
    return (not p.same and not p.since and set(q.types) <= set(p.types)
            and set(p.where) <= set(q.where)
            and all(dict(q.where[f].tests()).items() >= dict(c.tests()).items()
                    for f, c in p.where.items()))


def _excludes(x: Rule, y: Rule) -> bool:
    """Does ``x``'s absent list block whenever ``y``'s ``when`` holds?"""
    return any(_covers(p, q) and (p.after, p.before) in ((None, None), (q.after, q.before))
               for p in x.absent for q in y.when.values())


def _ordered_apart(x: Rule, y: Rule) -> bool:
    """Do ``x`` and ``y`` each wait for the other's fact to be the later one?

    ``x`` binds r and is blocked by any fact like ``y``'s n after r; ``y`` binds n and is
    blocked by any fact like ``x``'s r after n. Two distinct events are always one after
    the other (the canonical order is total), so both cannot match at once. Events only:
    derived facts may share their source's place in the order."""
    from .events import EVENT_TYPES

    for r_name, r in x.when.items():
        for n_name, n in y.when.items():
            if not set(r.types + n.types) <= set(EVENT_TYPES) or set(r.types) & set(n.types):
                continue
            if any(p.after == r_name and p.before is None and _covers(p, n) for p in x.absent) \
                    and any(p.after == n_name and p.before is None and _covers(p, r)
                            for p in y.absent):
                return True
    return False


def _may_overlap(a: Rule, b: Rule) -> bool:
    """A conservative guess: both rules could match for the same person at the same time."""
    def anchor(r: Rule):
        if r.to and _REF.match(r.to):
            name = r.to.split(".", 1)[0]
            return name, r.when.get(name)
        name = next(iter(r.when))
        return name, r.when[name]

    (na, pa), (nb, pb) = anchor(a), anchor(b)
    if pa is None or pb is None or not set(pa.types) & set(pb.types):
        return False
    if bool(a.to) != bool(b.to):
        return False
    need_a, need_b = _needed_fields(a).get(na, set()), _needed_fields(b).get(nb, set())
    for fname in set(pa.where) | set(pb.where) | need_a | need_b:
        if _conflict(pa.where.get(fname), pb.where.get(fname), fname in need_a, fname in need_b):
            return False
    return not (_excludes(a, b) or _excludes(b, a) or _ordered_apart(a, b))
