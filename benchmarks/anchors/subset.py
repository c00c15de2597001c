"""Four rules of the standard policy, three ways: our engine, durable-rules used
directly, and a plain Python function (the floor).

The subset (``SUBSET``) needs no derived facts, so one durable-rules session per
candidate suffices: it measures what our layer (strata, mirror facts, hash checks,
de-duplication, bindings) costs over the engine itself.

``RawDurable`` is what a careful user of durable-rules would write by hand: the
ruleset's JSON written out, the C extension called directly (durable's Python host
starts threads), the facts negations read asserted first (the engine's negations
misfire when a blocker arrives after a partial match), aliases whose hash avoids the
engine's slot bug, a housekeeping rule so the session can be deleted, actions drained.
All three read the same facts (``engine.facts.timeline_facts``, our canonical facts,
whose cost is reported on its own row) and return the same comparable match keys.
"""

from __future__ import annotations

import itertools
import json

import durable_rules_engine as dre

from rulebook.engine.facts import timeline_facts

SUBSET = ("write_notes", "send_thank_you", "collect_contact_details", "keep_promise")
ALL_ENTRIES = {
    "derive": ("latest_interview", "closed_by_reply", "closed_by_withdrawal", "awaiting_decision",
               "silence", "written_contact", "missed_call", "standing_date"),
    "limits": ("offer_received", "rejected", "withdrawn", "unanswered_contacts",
               "gap_between_contacts", "written_before_retry", "gave_up", "stated_decision_date",
               "stated_long_wait", "snoozed", "snoozed_for_person", "dismissed",
               "dismissed_for_person"),
}


def subset_policy_text(rules: list[str]) -> str:
    """A policy that extends the standard one and switches off all but ``SUBSET``."""
    lines = ["policy: standard_subset", "extends: standard"]
    for section, ids in (("derive", ALL_ENTRIES["derive"]), ("rules", rules),
                         ("limits", ALL_ENTRIES["limits"])):
        off = [i for i in ids if i not in SUBSET]
        if off:
            lines.append(f"{section}:")
            lines += [f"  {i}: {{enabled: false}}" for i in off]
    return "\n".join(lines) + "\n"


# Aliases whose FNV-1a-32 hash is 0 mod 16 (see shared notes): 'be', 'al', 'cb', 'ds'.
RULESET = {
    "write_notes": {"all": [{"be": {"type": "interview"}}]},
    "send_thank_you": {"all": [
        {"be": {"type": "interviewer"}},
        {"al$not": {"$and": [{"type": "~thank_you_sent"}, {"$ex": {"to": 1}},
                             {"to": {"be": "name"}}, {"$gt": {"seq": {"be": "seq"}}}]}}]},
    "collect_contact_details": {"all": [
        {"be": {"$and": [{"type": "interviewer"}, {"$nex": {"email": 1}}]}},
        {"al$not": {"$and": [{"type": "~contact_details"}, {"$ex": {"email": 1}},
                             {"$ex": {"name": 1}}, {"name": {"be": "name"}}]}},
        {"cb$not": {"$and": [{"type": "~interviewer"}, {"$ex": {"email": 1}},
                             {"$ex": {"name": 1}}, {"name": {"be": "name"}}]}}]},
    "keep_promise": {"all": [
        {"be": {"$and": [{"type": "promise"}, {"$ex": {"due": 1}}]}},
        {"al$not": {"$and": [{"type": "~materials_sent"}, {"$gt": {"seq": {"be": "seq"}}}]}}]},
    "housekeeping": {"all": [{"be": {"type": "__init"}}]},
}
NEGATED = {"thank_you_sent", "contact_details", "materials_sent", "interviewer"}
READ = {"interview", "interviewer", "promise"}


class RawDurable:
    """The subset on durable-rules' C core, without our layer."""

    _names = itertools.count()

    def __init__(self):
        self.handle = dre.create_ruleset(f"raw{next(self._names)}", json.dumps(RULESET))
        self.sids = itertools.count(1)

    def matches(self, timeline, at) -> set[tuple]:
        facts = timeline_facts(timeline, at)
        sid = str(next(self.sids))
        first = [dict(f, type="~" + f["type"], id="~" + f["id"], sid=sid)
                 for f in facts if f["type"] in NEGATED]
        rest = [dict(f, sid=sid) for f in facts if f["type"] in READ]
        rest.append({"type": "__init", "id": "__init", "sid": sid})
        h = self.handle
        if first:
            dre.assert_facts(h, json.dumps(first))
        state = dre.assert_facts(h, json.dumps(rest))[1]
        found = set()
        try:
            started = dre.start_action_for_state(h, state)
            message = started[1] if started else None
            while message:
                for rule, bound in json.loads(message).items():
                    if rule != "housekeeping":
                        found.add(("rules", rule, (("iv" if rule == "write_notes" else "p",
                                                     bound["be"]["id"]),)))
                message = dre.complete_and_start_action(h, state)
        finally:
            dre.delete_state(h, sid)
        return found

    def close(self) -> None:
        dre.delete_ruleset(self.handle)


def plain_matches(timeline, at) -> set[tuple]:
    """The subset as a hand-written Python function: the floor."""
    facts = timeline_facts(timeline, at)
    found = set()
    thanked = [(f["to"], f["seq"]) for f in facts if f["type"] == "thank_you_sent"]
    with_email = {f["name"] for f in facts
                  if f["type"] in ("contact_details", "interviewer") and "email" in f}
    materials = [f["seq"] for f in facts if f["type"] == "materials_sent"]
    for f in facts:
        kind = f["type"]
        if kind == "interview":
            found.add(("rules", "write_notes", (("iv", f["id"]),)))
        elif kind == "interviewer":
            if not any(to == f["name"] and seq > f["seq"] for to, seq in thanked):
                found.add(("rules", "send_thank_you", (("p", f["id"]),)))
            if "email" not in f and f["name"] not in with_email:
                found.add(("rules", "collect_contact_details", (("p", f["id"]),)))
        elif kind == "promise" and "due" in f:
            if not any(seq > f["seq"] for seq in materials):
                found.add(("rules", "keep_promise", (("p", f["id"]),)))
    return found
