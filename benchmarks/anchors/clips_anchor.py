"""The standard policy written by hand for CLIPS (through clipspy), with deftemplates.

Same facts as our engine (``engine.facts.timeline_facts``), same matches out: every
derivation, rule and limit reports its bound fact ids through a Python function, so
the result compares key for key with ``DurableEvaluator.matches``. Derived facts are
asserted by derivation rules whose salience follows the policy's strata, so a negation
is only tested once everything it reads is complete; rules and limits fire last.

clipspy 1.0.6 never frees a fact it wrapped in Python (``Fact.__del__`` calls
``ReleaseFact`` with the CLIPS 6.3 signature; the TypeError is swallowed): one
environment slows down over thousands of candidates. Two ways round it, both here:
``mode="load"`` (default) loads each candidate's facts from one string with
``load_facts`` (no Python wrapper is ever made); ``mode="assert"`` uses each template's
``assert_fact`` with ``Fact.__del__`` patched to the 6.4 signature. ``reset`` clears
the facts between candidates.
"""

from __future__ import annotations

from typing import Any, Iterable

import clips
import clips.facts

from rulebook.engine.facts import Fact, timeline_facts

SLOTS = {
    "interview_scheduled": ("starts_at", "round"),
    "interview": ("round",),
    "interviewer": ("name", "email", "phone", "role", "round", "interview"),
    "next_steps": ("decision_by", "preferred_channel", "long_wait", "from"),
    "contact_details": ("name", "email", "phone"),
    "thank_you_sent": ("to", "channel"),
    "follow_up_sent": ("to", "channel"),
    "call": ("to", "outcome"),
    "reply": ("from", "due", "kind"),
    "materials_sent": (),
    "promise": ("what", "due"),
    "referral_contact": ("name",),
    "withdrawn": (),
    # derived
    "latest_interview": ("round",),
    "closed": (),
    "awaiting_decision": ("round",),
    "silence": ("round",),
    "contact": (),
    "standing_date": ("decision_by",),
}
SYMBOLS = {"kind", "outcome", "channel", "preferred_channel"}  # enumerations: CLIPS symbols
EVENT_TYPES = tuple(t for t in SLOTS if t not in
                    ("latest_interview", "closed", "awaiting_decision", "silence", "contact",
                      "standing_date"))


def _templates() -> list[str]:
    out = []
    for name, slots in SLOTS.items():
        body = " ".join(f"(slot {s} (default nil))" for s in slots)
        out.append(f"(deftemplate {name} (slot id) (slot seq) (slot t) {body})")
    return out


def _derive(name: str, kind: str, alias: str, salience: int, lhs: str, fields: str = "") -> str:
    return f"""(defrule {name} (declare (salience {salience}))
  {lhs}
  =>
  (emit derive {name} (str-cat "{alias}=" ?id))
  (assert ({kind} (id (str-cat "d:{name}:{alias}=" ?id)) (seq ?s) (t ?t) {fields})))"""


def _emit(section: str, name: str, lhs: str, *aliases: str, rule: str = "") -> str:
    parts = " \" \" ".join(f'"{a}=" ?{a}' for a in aliases)
    return f"""(defrule {rule or name} (declare (salience -10))
  {lhs}
  =>
  (emit {section} {name} (str-cat {parts})))"""


AFTER = "&:(> ?{x} ?{ref})"
RULES = [
    # stratum 1
    _derive("latest_interview", "latest_interview", "iv", 40,
            "(interview (id ?id) (seq ?s) (t ?t) (round ?r)) (not (interview (seq ?x&:(> ?x ?s))))",
            "(round ?r)"),
    _derive("closed_by_reply", "closed", "r", 40,
            "(reply (id ?id) (seq ?s) (t ?t) (kind offer|rejection))"),
    _derive("closed_by_withdrawal", "closed", "w", 40, "(withdrawn (id ?id) (seq ?s) (t ?t))"),
    _derive("written_contact", "contact", "f", 40, "(follow_up_sent (id ?id) (seq ?s) (t ?t))"),
    _derive("missed_call", "contact", "c", 40,
            "(call (id ?id) (seq ?s) (t ?t) (outcome voicemail|no_answer))"),
    _derive("standing_date", "standing_date", "n", 40,
            "(next_steps (id ?id) (seq ?s) (t ?t) (decision_by ?db&~nil)) "
            "(not (reply (seq ?x&:(> ?x ?s)) (kind second_interview)))", "(decision_by ?db)"),
    # stratum 2, 3
    _derive("awaiting_decision", "awaiting_decision", "li", 30,
            "(latest_interview (id ?id) (seq ?s) (t ?t) (round ?r)) (not (closed))", "(round ?r)"),
    _derive("silence", "silence", "a", 20,
            "(awaiting_decision (id ?id) (seq ?s) (t ?t) (round ?r)) "
            "(not (reply (seq ?x&:(> ?x ?s))))", "(round ?r)"),
    # rules
    _emit("rules", "plan_follow_up", "(interview_scheduled (id ?s) (seq ?ss) (starts_at ~nil)) "
          "(not (interview (seq ?x&:(> ?x ?ss))))", "s"),
    _emit("rules", "ask_next_steps", "(interview (id ?iv) (seq ?s)) "
          "(not (next_steps (seq ?x&:(> ?x ?s)))) (not (closed))", "iv"),
    _emit("rules", "collect_contact_details", "(interviewer (id ?p) (email nil) (name ?n)) "
          "(not (contact_details (name ?n) (email ~nil))) "
          "(not (interviewer (name ?n) (email ~nil)))", "p"),
    _emit("rules", "write_notes", "(interview (id ?iv))", "iv"),
    _emit("rules", "send_thank_you", "(interviewer (id ?p) (seq ?s) (name ?n)) "
          "(not (thank_you_sent (to ?n) (seq ?x&:(> ?x ?s))))", "p"),
    _emit("rules", "send_follow_up_email", "(latest_interview (id ?iv) (seq ?s) (t ?it)) "
          "(not (thank_you_sent (seq ?x&:(> ?x ?s)))) (not (follow_up_sent (seq ?y&:(> ?y ?s)))) "
          "(not (closed)) (not (next_steps (seq ?q&:(> ?q ?s)) (decision_by ~nil))) "
          "(not (next_steps (decision_by ?db&~nil&:(> ?db ?it))))", "iv"),
    _emit("rules", "follow_up_call", "(silence (id ?s) (seq ?ss) (t ?st)) "
          "(thank_you_sent (id ?t) (seq ?ts&:(> ?ts ?ss))) "
          "(not (call (seq ?x&:(> ?x ?ss)))) (not (follow_up_sent (seq ?y&:(> ?y ?ss)))) "
          "(not (next_steps (seq ?q&:(> ?q ?ss)) (decision_by ~nil))) "
          "(not (next_steps (decision_by ?db&~nil&:(> ?db ?st))))", "s", "t"),
    _emit("rules", "retry_call", "(silence (id ?s) (seq ?ss)) "
          "(call (id ?c) (seq ?cs&:(> ?cs ?ss)) (t ?ct) (outcome voicemail|no_answer)) "
          "(not (call (seq ?x&:(> ?x ?cs)))) "
          "(not (call (seq ?y&:(> ?y ?ss)&:(< ?y ?cs)) (outcome voicemail|no_answer))) "
          "(not (next_steps (decision_by ?db&~nil&:(> ?db ?ct))))", "s", "c"),
    _emit("rules", "check_in", "(silence (id ?s) (seq ?ss) (t ?st)) "
          "(not (follow_up_sent (seq ?x&:(> ?x ?ss)))) (not (next_steps (seq ?y&:(> ?y ?ss)))) "
          "(not (next_steps (decision_by ?db&~nil&:(> ?db ?st)))) "
          "(not (next_steps (long_wait TRUE)))", "s"),
    _emit("rules", "check_in_after_reply", "(awaiting_decision (id ?a) (seq ?as)) "
          "(reply (id ?r) (seq ?rs&:(> ?rs ?as)) (t ?rt) "
          "(kind no_decision|materials_requested|other)) "
          "(not (reply (seq ?x&:(> ?x ?rs)))) "
          "(not (follow_up_sent (t ?ft&:(>= ?ft (+ ?rt 864000))))) "
          "(not (next_steps (seq ?y&:(> ?y ?rs)))) "
          "(not (standing_date (decision_by ?d&:(> ?d (+ ?rt 1814400))))) "
          "(not (next_steps (long_wait TRUE)))", "a", "r"),
    _emit("rules", "check_in_after_invitation", "(reply (id ?r) (seq ?rs) (t ?rt) "
          "(kind second_interview)) (awaiting_decision (id ?a) (seq ?as&:(< ?as ?rs))) "
          "(not (reply (seq ?x&:(> ?x ?rs)))) "
          "(not (interview_scheduled (seq ?y&:(> ?y ?rs)))) "
          "(not (follow_up_sent (t ?ft&:(>= ?ft (+ ?rt 864000))))) "
          "(not (next_steps (seq ?z&:(> ?z ?rs)))) "
          "(not (next_steps (long_wait TRUE)))", "r", "a"),
    _emit("rules", "check_in_after_stated_date", "(next_steps (id ?n) (seq ?ns) "
          "(decision_by ?db&~nil)) (awaiting_decision (id ?a) (seq ?as)) "
          "(not (reply (seq ?x&:(> ?x ?ns)) (kind second_interview))) "
          "(not (reply (seq ?w&:(> ?w ?ns)) (t ?wt&:(>= ?wt (- ?db 1814400))))) "
          "(not (reply (seq ?y&:(> ?y ?as)) (t ?yt&:(>= ?yt ?db)))) "
          "(not (interview (seq ?iq&:(> ?iq ?ns)) (t ?it&:(>= ?it ?db)))) "
          "(not (follow_up_sent (t ?ft&:(>= ?ft ?db)))) "
          "(not (call (seq ?z&:(> ?z ?ns)) (t ?ct&:(>= ?ct ?db)))) "
          "(not (next_steps (long_wait TRUE)))", "n", "a"),
    _emit("rules", "check_in_after_next_steps", "(awaiting_decision (id ?a) (seq ?as)) "
          "(next_steps (id ?n) (seq ?ns&:(> ?ns ?as)) (t ?nt) (decision_by nil)) "
          "(not (next_steps (seq ?x&:(> ?x ?ns)))) (not (reply (seq ?y&:(> ?y ?ns)))) "
          "(not (follow_up_sent (t ?ft&:(>= ?ft (+ ?nt 432000))))) "
          "(not (standing_date (decision_by ?d&:(> ?d ?nt)))) "
          "(not (next_steps (long_wait TRUE)))", "a", "n"),
    _emit("rules", "periodic_check_in_first", "(awaiting_decision (id ?a)) "
          "(next_steps (id ?n) (seq ?ns) (long_wait TRUE)) "
          "(not (follow_up_sent (seq ?x&:(> ?x ?ns))))", "a", "n"),
    _emit("rules", "periodic_check_in_next", "(awaiting_decision (id ?a)) "
          "(next_steps (id ?n) (seq ?ns) (long_wait TRUE)) "
          "(follow_up_sent (id ?f) (seq ?fs&:(> ?fs ?ns))) "
          "(not (follow_up_sent (seq ?x&:(> ?x ?fs))))", "a", "f", "n"),
    _emit("rules", "keep_promise", "(promise (id ?p) (seq ?s) (due ~nil)) "
          "(not (materials_sent (seq ?x&:(> ?x ?s))))", "p"),
    _emit("rules", "send_requested_materials", "(reply (id ?r) (seq ?s) (kind materials_requested) "
          "(due ~nil)) (not (materials_sent (seq ?x&:(> ?x ?s))))", "r"),
    _emit("rules", "send_requested_materials_soon", "(reply (id ?r) (seq ?s) "
          "(kind materials_requested) (due nil)) (not (materials_sent (seq ?x&:(> ?x ?s))))", "r"),
    _emit("rules", "ask_referral", "(interview (id ?iv) (seq ?is)) (referral_contact (id ?k)) "
          "(not (interview (seq ?x&:(< ?x ?is)))) (not (closed))", "iv", "k"),
    _emit("rules", "reply_to_update", "(reply (id ?r) (seq ?s) (kind no_decision)) "
          "(not (follow_up_sent (seq ?x&:(> ?x ?s)))) (not (closed))", "r"),
    _emit("rules", "confirm_second_interview", "(reply (id ?r) (seq ?s) (kind second_interview)) "
          "(not (follow_up_sent (seq ?x&:(> ?x ?s)))) (not (interview (seq ?y&:(> ?y ?s)))) "
          "(not (closed))", "r"),
    _emit("rules", "final_nudge", "(silence (id ?s) (seq ?ss)) "
          "(not (next_steps (seq ?q&:(> ?q ?ss)))) "
          "(follow_up_sent (id ?f) (seq ?fs&:(> ?fs ?ss)) (t ?ft)) "
          "(not (follow_up_sent (seq ?x&:(> ?x ?fs)))) "
          "(not (follow_up_sent (seq ?y&:(> ?y ?ss)&:(< ?y ?fs)))) "
          "(not (next_steps (long_wait TRUE))) "
          "(not (next_steps (decision_by ?db&~nil&:(> ?db ?ft))))", "f", "s"),
    _emit("rules", "gracious_reply", "(reply (id ?r) (seq ?s) (kind rejection)) "
          "(not (follow_up_sent (seq ?x&:(> ?x ?s))))", "r"),
    _emit("rules", "request_feedback", "(reply (id ?r) (seq ?s) (kind rejection)) "
          "(not (follow_up_sent (seq ?x&:(> ?x ?s))))", "r"),
    _emit("rules", "continue_search", "(awaiting_decision (id ?a))", "a"),
    # limits
    _emit("limits", "offer_received", "(reply (id ?r) (kind offer))", "r"),
    _emit("limits", "rejected", "(reply (id ?r) (kind rejection))", "r"),
    _emit("limits", "withdrawn", "(withdrawn (id ?w))", "w"),
    _emit("limits", "unanswered_contacts", "(contact (id ?c1) (seq ?s1)) "
          "(contact (id ?c2) (seq ?s2&:(> ?s2 ?s1))) (not (reply (seq ?x&:(> ?x ?s1)))) "
          "(not (next_steps (seq ?y&:(> ?y ?s1))))",
          "c1", "c2"),
    _emit("limits", "gap_between_contacts", "(contact (id ?c))", "c"),
    _emit("limits", "gap_between_contacts", "(call (id ?c))", "c", rule="gap_between_calls"),
    _emit("limits", "written_before_retry", "(follow_up_sent (id ?w))", "w"),
    _emit("limits", "gave_up", "(silence (id ?s) (seq ?ss)) "
          "(follow_up_sent (id ?f1) (seq ?a&:(> ?a ?ss))) "
          "(follow_up_sent (id ?f2) (seq ?b&:(> ?b ?a)) (t ?ft)) "
          "(not (next_steps (t ?nt&:(>= ?nt ?ft))))", "f1", "f2", "s"),
    _emit("limits", "stated_decision_date", "(next_steps (id ?n) (seq ?ns) (decision_by ~nil)) "
          "(not (reply (seq ?x&:(> ?x ?ns)) (kind second_interview)))", "n"),
    _emit("limits", "stated_long_wait", "(next_steps (id ?n) (long_wait TRUE))", "n"),
]

_RELEASE_PATCHED = False


def _patch_release() -> None:
    """clipspy 1.0.6's Fact.__del__ passes (env, fact) to ReleaseFact(fact): fix it."""
    global _RELEASE_PATCHED
    if _RELEASE_PATCHED:
        return
    lib = clips.facts.lib

    def __del__(self):
        try:
            lib.ReleaseFact(self._fact)
        except (AttributeError, TypeError):
            pass
    clips.facts.Fact.__del__ = __del__
    _RELEASE_PATCHED = True


def _value(key: str, v: Any) -> str:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if key in SYMBOLS:
        return v
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _clips_value(key: str, v: Any) -> Any:
    if isinstance(v, bool):
        return clips.Symbol("TRUE" if v else "FALSE")
    if key in SYMBOLS and isinstance(v, str):
        return clips.Symbol(v)
    return v


class ClipsEvaluator:
    """The standard policy on CLIPS: ``matches(timeline, at)`` -> comparable keys."""

    def __init__(self, mode: str = "load"):
        self.mode = mode
        if mode == "assert":
            _patch_release()
        self.env = clips.Environment()
        self.found: list[tuple] = []
        self.env.define_function(self._emit, "emit")
        for template in _templates():
            self.env.build(template)
        for rule in RULES:
            self.env.build(rule)
        self.templates = {name: self.env.find_template(name) for name in EVENT_TYPES}
        self.env.reset()

    def _emit(self, section, name, bound):
        pairs = tuple(sorted(tuple(p.split("=", 1)) for p in str(bound).split()))
        self.found.append((str(section), str(name), pairs))

    def _facts_text(self, facts: Iterable[Fact]) -> str:
        out = []
        for f in facts:
            slots = SLOTS[f["type"]]
            body = " ".join(f"({k} {_value(k, f[k])})" for k in slots if k in f)
            out.append(f'({f["type"]} (id "{f["id"]}") (seq {f["seq"]}) (t {f["t"]}) {body})')
        return "\n".join(out)

    def matches(self, timeline, at) -> set[tuple]:
        facts = timeline_facts(timeline, at)
        self.found = []
        env = self.env
        env.reset()
        if self.mode == "load":
            if facts:
                env.load_facts(self._facts_text(facts))
        else:
            for f in facts:
                tpl = self.templates[f["type"]]
                tpl.assert_fact(id=f["id"], seq=f["seq"], t=f["t"],
                                **{k: _clips_value(k, f[k]) for k in SLOTS[f["type"]] if k in f})
        env.run()
        return set(self.found)

    def close(self) -> None:
        self.env.clear()
