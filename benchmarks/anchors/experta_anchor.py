"""The standard policy written by hand for experta (a pure-Python Rete, CLIPS-like).

Compatibility fix: experta 1.9.4 pins frozendict 1.2, which subclasses
``collections.Mapping``, removed in Python 3.10; the alias is restored before import.

experta cannot test a join inside a negation (``NOT(AND(pattern, TEST(...)))`` fails to
build), so every "no X after Y" is written the way experta users write it: a helper
rule at a higher salience declares a ``blocked`` fact for Y, and the rule tests
``NOT(blocked(...))``. Salience follows the policy's strata as in the CLIPS version.
Every fact carries every field of its type (``None`` when missing).
"""

from __future__ import annotations

import collections
import collections.abc

if not hasattr(collections, "Mapping"):  # frozendict 1.2 on Python >= 3.10
    collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]

from experta import AND, MATCH, NOT, TEST, Fact, KnowledgeEngine, P, Rule  # noqa: E402

from rulebook.engine.facts import timeline_facts  # noqa: E402

from .clips_anchor import SLOTS  # noqa: E402

KINDS = {name: type(name, (Fact,), {}) for name in SLOTS}
blocked = type("blocked", (Fact,), {})
Present = P(lambda v: v is not None)
Missing = P(lambda v: v is None)
TEN_DAYS = 10 * 86400


def F(kind_name, **tests):
    return KINDS[kind_name](**tests)


_methods: dict = {}
_count = [0]


def rule(*lhs, salience=0):
    def deco(fn):
        _count[0] += 1
        _methods[f"r{_count[0]}_{fn.__name__}"] = Rule(*lhs, salience=salience)(fn)
        return fn
    return deco


def emitter(section, name, *aliases):
    def fire(self, **kw):
        self.found.append((section, name, tuple(sorted((a, kw[a]) for a in aliases))))
    fire.__name__ = name
    return fire


def deriver(name, kind, alias, *copy):
    def fire(self, **kw):
        self.found.append(("derive", name, ((alias, kw["id"]),)))
        self.declare(KINDS[kind](id=f"d:{name}:{alias}={kw['id']}", seq=kw["s"], t=kw["t"],
                                 **{f: (kw["r"] if f == "round" else kw.get(f)) for f in SLOTS[kind]}))
    fire.__name__ = name
    return fire


def blocker(tag, key, key2=None):
    def fire(self, **kw):
        self.declare(blocked(tag=tag, k=kw[key], k2=kw[key2] if key2 else None))
    fire.__name__ = "block_" + tag
    return fire


def gt(a, b):
    """TEST(a > b): experta passes a test only the variables its signature names."""
    return TEST(eval(f"lambda {a}, {b}: {a} > {b}"))  # names are this module's literals


def after_block(tag, ref_kind, ref_tests, blocker_kind, blocker_tests, salience):
    """``blocked(tag, k=ref.id)`` whenever a ``blocker_kind`` fact comes after ``ref``."""
    rule(F(ref_kind, id=MATCH.ref, seq=MATCH.rs, **ref_tests),
         F(blocker_kind, seq=MATCH.bs, **blocker_tests), gt("bs", "rs"),
         salience=salience)(blocker(tag, "ref"))


S1, S2, S3, HELP, RULES = 40, 30, 20, -5, -10

# -- derivations ---------------------------------------------------------------------------
after_block("li", "interview", {}, "interview", {}, 50)
rule(F("interview", id=MATCH.id, seq=MATCH.s, t=MATCH.t, round=MATCH.r),
     NOT(blocked(tag="li", k=MATCH.id)), salience=S1)(
    deriver("latest_interview", "latest_interview", "iv"))
rule(F("reply", id=MATCH.id, seq=MATCH.s, t=MATCH.t, kind=P(lambda k: k in ("offer", "rejection"))),
     salience=S1)(deriver("closed_by_reply", "closed", "r"))
rule(F("withdrawn", id=MATCH.id, seq=MATCH.s, t=MATCH.t), salience=S1)(
    deriver("closed_by_withdrawal", "closed", "w"))
rule(F("follow_up_sent", id=MATCH.id, seq=MATCH.s, t=MATCH.t), salience=S1)(
    deriver("written_contact", "contact", "f"))
rule(F("call", id=MATCH.id, seq=MATCH.s, t=MATCH.t,
       outcome=P(lambda o: o in ("voicemail", "no_answer"))), salience=S1)(
    deriver("missed_call", "contact", "c"))
after_block("inv>sd", "next_steps", {"decision_by": Present}, "reply", {"kind": "second_interview"}, 50)
rule(F("next_steps", id=MATCH.id, seq=MATCH.s, t=MATCH.t, decision_by=MATCH.decision_by & Present),
     NOT(blocked(tag="inv>sd", k=MATCH.id)), salience=S1)(
    deriver("standing_date", "standing_date", "n"))
rule(F("latest_interview", id=MATCH.id, seq=MATCH.s, t=MATCH.t, round=MATCH.r),
     NOT(F("closed")), salience=S2)(deriver("awaiting_decision", "awaiting_decision", "li"))
after_block("silence", "awaiting_decision", {}, "reply", {}, S3 + 5)
rule(F("awaiting_decision", id=MATCH.id, seq=MATCH.s, t=MATCH.t, round=MATCH.r),
     NOT(blocked(tag="silence", k=MATCH.id)), salience=S3)(deriver("silence", "silence", "a"))

# -- helpers for the rules' negations ------------------------------------------------------
MISSED = P(lambda o: o in ("voicemail", "no_answer"))
after_block("iv>sched", "interview_scheduled", {}, "interview", {}, HELP)
after_block("ns>iv", "interview", {}, "next_steps", {}, HELP)
after_block("ty>li", "latest_interview", {}, "thank_you_sent", {}, HELP)
after_block("fu>li", "latest_interview", {}, "follow_up_sent", {}, HELP)
after_block("call>s", "silence", {}, "call", {}, HELP)
after_block("fu>s", "silence", {}, "follow_up_sent", {}, HELP)
after_block("call>c", "call", {}, "call", {}, HELP)
after_block("fu>n", "next_steps", {}, "follow_up_sent", {}, HELP)
after_block("fu>f", "follow_up_sent", {}, "follow_up_sent", {}, HELP)
after_block("ms>p", "promise", {}, "materials_sent", {}, HELP)
after_block("ms>r", "reply", {}, "materials_sent", {}, HELP)
after_block("fu>r", "reply", {}, "follow_up_sent", {}, HELP)
after_block("iv>r", "reply", {}, "interview", {}, HELP)
after_block("reply>c", "contact", {}, "reply", {}, HELP)
after_block("ns>c", "contact", {}, "next_steps", {}, HELP)
after_block("reply>r", "reply", {}, "reply", {}, HELP)
after_block("ns>r", "reply", {}, "next_steps", {}, HELP)
after_block("ns>s", "silence", {}, "next_steps", {}, HELP)
after_block("db_ns>s", "silence", {}, "next_steps", {"decision_by": Present}, HELP)
after_block("db_ns>li", "latest_interview", {}, "next_steps", {"decision_by": Present}, HELP)
rule(F("latest_interview", id=MATCH.ref, t=MATCH.st), F("next_steps", decision_by=MATCH.db & Present),
     TEST(lambda db, st: db > st), salience=HELP)(blocker("db>li", "ref"))
after_block("ns>n", "next_steps", {}, "next_steps", {}, HELP)
rule(F("silence", id=MATCH.ref, t=MATCH.st), F("next_steps", decision_by=MATCH.db & Present),
     TEST(lambda db, st: db > st), salience=HELP)(blocker("db>s", "ref"))
rule(F("reply", id=MATCH.ref, t=MATCH.rt), F("standing_date", decision_by=MATCH.db),
     TEST(lambda db, rt: db > rt + 21 * 86400), salience=HELP)(blocker("sd>r", "ref"))
rule(F("next_steps", id=MATCH.ref, seq=MATCH.rs, decision_by=MATCH.db & Present),
     F("reply", seq=MATCH.bs, t=MATCH.bt), gt("bs", "rs"),
     TEST(lambda db, bt: bt >= db - 21 * 86400), salience=HELP)(blocker("late_reply>n", "ref"))
rule(F("next_steps", id=MATCH.ref, t=MATCH.nt), F("follow_up_sent", t=MATCH.bt),
     TEST(lambda nt, bt: bt >= nt + 5 * 86400), salience=HELP)(blocker("fu5>n", "ref"))
rule(F("next_steps", id=MATCH.ref, t=MATCH.nt), F("standing_date", decision_by=MATCH.db),
     TEST(lambda db, nt: db > nt), salience=HELP)(blocker("sd>n", "ref"))
rule(F("next_steps", id=MATCH.ref, seq=MATCH.rs, decision_by=MATCH.db & Present),
     F("interview", seq=MATCH.bs, t=MATCH.it), gt("bs", "rs"), TEST(lambda db, it: it >= db),
     salience=HELP)(blocker("iv>=db", "ref"))
after_block("sched>r", "reply", {}, "interview_scheduled", {}, HELP)
after_block("reply>n", "next_steps", {}, "reply", {}, HELP)
after_block("inv>n", "next_steps", {}, "reply", {"kind": "second_interview"}, HELP)
rule(F("next_steps", id=MATCH.n, decision_by=MATCH.db & Present),
     F("awaiting_decision", id=MATCH.a, seq=MATCH.as_), F("reply", seq=MATCH.bs, t=MATCH.bt),
     gt("bs", "as_"), TEST(lambda db, bt: bt >= db), salience=HELP)(blocker("reply_db>a", "n", "a"))
rule(F("next_steps", id=MATCH.ref, seq=MATCH.rs, decision_by=MATCH.db & Present),
     F("call", seq=MATCH.bs, t=MATCH.bt), gt("bs", "rs"), TEST(lambda db, bt: bt >= db),
     salience=HELP)(blocker("call_db>n", "ref"))
rule(F("follow_up_sent", id=MATCH.ref, t=MATCH.ft), F("next_steps", decision_by=MATCH.db & Present),
     TEST(lambda db, ft: db > ft), salience=HELP)(blocker("db>f", "ref"))
rule(F("call", id=MATCH.ref, t=MATCH.ct), F("next_steps", decision_by=MATCH.db & Present),
     TEST(lambda db, ct: db > ct), salience=HELP)(blocker("db>c", "ref"))
rule(F("follow_up_sent", id=MATCH.ref, t=MATCH.ft), F("next_steps", t=MATCH.nt),
     TEST(lambda ft, nt: nt >= ft), salience=HELP)(blocker("ns>=f", "ref"))
rule(F("reply", id=MATCH.ref, t=MATCH.rt), F("follow_up_sent", t=MATCH.bt),
     TEST(lambda rt, bt: bt >= rt + TEN_DAYS), salience=HELP)(blocker("fu10>r", "ref"))
rule(F("interviewer", id=MATCH.ref, seq=MATCH.rs, name=MATCH.n),
     F("thank_you_sent", to=MATCH.n, seq=MATCH.bs), gt("bs", "rs"), salience=HELP)(
    blocker("ty>p", "ref"))
rule(F("interview", id=MATCH.ref, seq=MATCH.rs), F("interview", seq=MATCH.bs), gt("rs", "bs"),
     salience=HELP)(blocker("iv<iv", "ref"))
rule(F("next_steps", id=MATCH.ref, decision_by=MATCH.db & Present),
     F("follow_up_sent", t=MATCH.bt), TEST(lambda db, bt: bt >= db), salience=HELP)(
    blocker("fu>db", "ref"))
rule(F("silence", id=MATCH.s, seq=MATCH.ss), F("call", id=MATCH.c, seq=MATCH.cs, outcome=MISSED),
     gt("cs", "ss"), F("call", seq=MATCH.bs, outcome=MISSED), gt("bs", "ss"), gt("cs", "bs"),
     salience=HELP)(blocker("missed<c", "c", "s"))
rule(F("silence", id=MATCH.s, seq=MATCH.ss), F("follow_up_sent", id=MATCH.f, seq=MATCH.fs),
     gt("fs", "ss"), F("follow_up_sent", seq=MATCH.bs), gt("bs", "ss"), gt("fs", "bs"),
     salience=HELP)(blocker("fu<f", "f", "s"))


def nb(tag, ref):
    return NOT(blocked(tag=tag, k=ref, k2=None))


# -- rules ---------------------------------------------------------------------------------
rule(F("interview_scheduled", id=MATCH.s, starts_at=Present), nb("iv>sched", MATCH.s),
     salience=RULES)(emitter("rules", "plan_follow_up", "s"))
rule(F("interview", id=MATCH.iv), nb("ns>iv", MATCH.iv), NOT(F("closed")), salience=RULES)(
    emitter("rules", "ask_next_steps", "iv"))
rule(F("interviewer", id=MATCH.p, email=Missing, name=MATCH.n),
     NOT(F("contact_details", name=MATCH.n, email=Present)),
     NOT(F("interviewer", name=MATCH.n, email=Present)), salience=RULES)(
    emitter("rules", "collect_contact_details", "p"))
rule(F("interview", id=MATCH.iv), salience=RULES)(emitter("rules", "write_notes", "iv"))
rule(F("interviewer", id=MATCH.p), nb("ty>p", MATCH.p), salience=RULES)(
    emitter("rules", "send_thank_you", "p"))
rule(F("latest_interview", id=MATCH.iv), nb("ty>li", MATCH.iv), nb("fu>li", MATCH.iv),
     NOT(F("closed")), nb("db_ns>li", MATCH.iv), nb("db>li", MATCH.iv),
     salience=RULES)(emitter("rules", "send_follow_up_email", "iv"))
rule(F("silence", id=MATCH.s, seq=MATCH.ss), F("thank_you_sent", id=MATCH.t, seq=MATCH.ts),
     gt("ts", "ss"), nb("call>s", MATCH.s), nb("fu>s", MATCH.s), nb("db_ns>s", MATCH.s),
     nb("db>s", MATCH.s), salience=RULES)(
    emitter("rules", "follow_up_call", "s", "t"))
rule(F("silence", id=MATCH.s, seq=MATCH.ss), F("call", id=MATCH.c, seq=MATCH.cs, outcome=MISSED),
     gt("cs", "ss"), nb("call>c", MATCH.c), nb("db>c", MATCH.c),
     NOT(blocked(tag="missed<c", k=MATCH.c, k2=MATCH.s)),
     salience=RULES)(emitter("rules", "retry_call", "s", "c"))
rule(F("silence", id=MATCH.s), nb("fu>s", MATCH.s), nb("ns>s", MATCH.s), nb("db>s", MATCH.s),
     NOT(F("next_steps", long_wait=True)), salience=RULES)(emitter("rules", "check_in", "s"))
rule(F("awaiting_decision", id=MATCH.a, seq=MATCH.as_),
     F("next_steps", id=MATCH.n, seq=MATCH.ns, decision_by=Missing), gt("ns", "as_"),
     nb("ns>n", MATCH.n), nb("reply>n", MATCH.n), nb("fu5>n", MATCH.n), nb("sd>n", MATCH.n),
     NOT(F("next_steps", long_wait=True)),
     salience=RULES)(emitter("rules", "check_in_after_next_steps", "a", "n"))
rule(F("awaiting_decision", id=MATCH.a, seq=MATCH.as_),
     F("reply", id=MATCH.r, seq=MATCH.rs,
       kind=P(lambda k: k in ("no_decision", "materials_requested", "other"))),
     gt("rs", "as_"), nb("reply>r", MATCH.r), nb("fu10>r", MATCH.r), nb("ns>r", MATCH.r),
     nb("sd>r", MATCH.r),
     NOT(F("next_steps", long_wait=True)),
     salience=RULES)(emitter("rules", "check_in_after_reply", "a", "r"))
rule(F("reply", id=MATCH.r, seq=MATCH.rs, kind="second_interview"),
     F("awaiting_decision", id=MATCH.a, seq=MATCH.as_), gt("rs", "as_"),
     nb("reply>r", MATCH.r), nb("sched>r", MATCH.r), nb("fu10>r", MATCH.r), nb("ns>r", MATCH.r),
     NOT(F("next_steps", long_wait=True)),
     salience=RULES)(emitter("rules", "check_in_after_invitation", "r", "a"))
rule(F("next_steps", id=MATCH.n, decision_by=Present), F("awaiting_decision", id=MATCH.a),
     nb("inv>n", MATCH.n), nb("iv>=db", MATCH.n), nb("late_reply>n", MATCH.n),
     NOT(blocked(tag="reply_db>a", k=MATCH.n, k2=MATCH.a)),
     nb("fu>db", MATCH.n), nb("call_db>n", MATCH.n), NOT(F("next_steps", long_wait=True)),
     salience=RULES)(emitter("rules", "check_in_after_stated_date", "n", "a"))
rule(F("awaiting_decision", id=MATCH.a), F("next_steps", id=MATCH.n, long_wait=True),
     nb("fu>n", MATCH.n), salience=RULES)(emitter("rules", "periodic_check_in_first", "a", "n"))
rule(F("awaiting_decision", id=MATCH.a), F("next_steps", id=MATCH.n, seq=MATCH.ns, long_wait=True),
     F("follow_up_sent", id=MATCH.f, seq=MATCH.fs), gt("fs", "ns"), nb("fu>f", MATCH.f),
     salience=RULES)(emitter("rules", "periodic_check_in_next", "a", "f", "n"))
rule(F("promise", id=MATCH.p, due=Present), nb("ms>p", MATCH.p), salience=RULES)(
    emitter("rules", "keep_promise", "p"))
rule(F("reply", id=MATCH.r, kind="materials_requested", due=Present), nb("ms>r", MATCH.r),
     salience=RULES)(emitter("rules", "send_requested_materials", "r"))
rule(F("reply", id=MATCH.r, kind="materials_requested", due=Missing), nb("ms>r", MATCH.r),
     salience=RULES)(emitter("rules", "send_requested_materials_soon", "r"))
rule(F("interview", id=MATCH.iv), F("referral_contact", id=MATCH.k), nb("iv<iv", MATCH.iv),
     NOT(F("closed")), salience=RULES)(emitter("rules", "ask_referral", "iv", "k"))
rule(F("reply", id=MATCH.r, kind="no_decision"), nb("fu>r", MATCH.r), NOT(F("closed")),
     salience=RULES)(emitter("rules", "reply_to_update", "r"))
rule(F("reply", id=MATCH.r, kind="second_interview"), nb("fu>r", MATCH.r), nb("iv>r", MATCH.r),
     NOT(F("closed")), salience=RULES)(emitter("rules", "confirm_second_interview", "r"))
rule(F("silence", id=MATCH.s, seq=MATCH.ss), F("follow_up_sent", id=MATCH.f, seq=MATCH.fs),
     gt("fs", "ss"), nb("fu>f", MATCH.f), NOT(blocked(tag="fu<f", k=MATCH.f, k2=MATCH.s)),
     NOT(F("next_steps", long_wait=True)), nb("db>f", MATCH.f), nb("ns>s", MATCH.s),
     salience=RULES)(emitter("rules", "final_nudge", "f", "s"))
rule(F("reply", id=MATCH.r, kind="rejection"), nb("fu>r", MATCH.r), salience=RULES)(
    emitter("rules", "gracious_reply", "r"))
rule(F("reply", id=MATCH.r, kind="rejection"), nb("fu>r", MATCH.r), salience=RULES)(
    emitter("rules", "request_feedback", "r"))
rule(F("awaiting_decision", id=MATCH.a), salience=RULES)(emitter("rules", "continue_search", "a"))

# -- limits --------------------------------------------------------------------------------
rule(F("reply", id=MATCH.r, kind="offer"), salience=RULES)(emitter("limits", "offer_received", "r"))
rule(F("reply", id=MATCH.r, kind="rejection"), salience=RULES)(emitter("limits", "rejected", "r"))
rule(F("withdrawn", id=MATCH.w), salience=RULES)(emitter("limits", "withdrawn", "w"))
rule(F("contact", id=MATCH.c1, seq=MATCH.s1), F("contact", id=MATCH.c2, seq=MATCH.s2),
     gt("s2", "s1"), nb("reply>c", MATCH.c1), nb("ns>c", MATCH.c1), salience=RULES)(
    emitter("limits", "unanswered_contacts", "c1", "c2"))
rule(F("contact", id=MATCH.c), salience=RULES)(emitter("limits", "gap_between_contacts", "c"))
rule(F("call", id=MATCH.c), salience=RULES)(emitter("limits", "gap_between_contacts", "c"))
rule(F("follow_up_sent", id=MATCH.w), salience=RULES)(emitter("limits", "written_before_retry", "w"))
rule(F("silence", id=MATCH.s, seq=MATCH.ss), F("follow_up_sent", id=MATCH.f1, seq=MATCH.a),
     gt("a", "ss"), F("follow_up_sent", id=MATCH.f2, seq=MATCH.b), gt("b", "a"),
     nb("ns>=f", MATCH.f2), salience=RULES)(
    emitter("limits", "gave_up", "f1", "f2", "s"))
rule(F("next_steps", id=MATCH.n, decision_by=Present), nb("inv>n", MATCH.n), salience=RULES)(
    emitter("limits", "stated_decision_date", "n"))
rule(F("next_steps", id=MATCH.n, long_wait=True), salience=RULES)(
    emitter("limits", "stated_long_wait", "n"))


Engine = type("StandardPolicy", (KnowledgeEngine,), dict(_methods))


class ExpertaEvaluator:
    """The standard policy on experta: ``matches(timeline, at)`` -> comparable keys."""

    def __init__(self):
        self.engine = Engine()
        self.engine.found = []

    def matches(self, timeline, at) -> set[tuple]:
        e = self.engine
        e.reset()
        e.found = []
        for f in timeline_facts(timeline, at):
            e.declare(KINDS[f["type"]](id=f["id"], seq=f["seq"], t=f["t"],
                                       **{k: f.get(k) for k in SLOTS[f["type"]]}))
        e.run()
        return set(e.found)

    def close(self) -> None:
        pass
