"""The words a policy may use: fact types, their fields and the guideline catalogue.

A *fact* is what the engine matches. Every event of the timeline becomes one fact of
its type; an ``interview`` also becomes one ``interviewer`` fact per person (so rules
can fan out over people); policies add *derived* facts of their own.
"""

from __future__ import annotations

from .events import CHANNELS
from .guidelines import builtin as builtin_guidelines

TIME, INT, BOOL, TEXT = "time", "int", "bool", "text"

# field -> type, or a tuple of allowed text values
FACT_FIELDS: dict[str, dict[str, object]] = {
    "interview_scheduled": {"starts_at": TIME, "round": INT, "final": BOOL},
    "interview": {"round": INT, "final": BOOL},
    "interviewer": {"name": TEXT, "email": TEXT, "phone": TEXT, "role": TEXT, "round": INT,
                    "final": BOOL},
    "next_steps": {"decision_by": TIME, "preferred_channel": CHANNELS, "long_wait": BOOL,
                   "from": TEXT},
    "contact_details": {"name": TEXT, "email": TEXT, "phone": TEXT},
    "thank_you_sent": {"to": TEXT, "channel": CHANNELS, "purpose": TEXT},
    "follow_up_sent": {"to": TEXT, "channel": CHANNELS, "purpose": TEXT},
    "call": {"to": TEXT, "outcome": ("reached", "voicemail", "no_answer"), "purpose": TEXT},
    "reply": {"from": TEXT, "due": TIME,
              "kind": ("no_decision", "materials_requested", "second_interview", "offer",
                       "rejection", "other")},
    "materials_sent": {},
    "promise": {"what": TEXT, "due": TIME},
    "referral_contact": {"name": TEXT},
    "withdrawn": {},
    "snoozed": {"action": TEXT, "to": TEXT, "until": TIME},
    "dismissed": {"action": TEXT, "to": TEXT},
}
COMMON_FIELDS = {"at": TIME}  # every fact has a time: its event's, or its anchor's
BUILTIN_TYPES = tuple(FACT_FIELDS)
NOW = "now"  # the reserved name of the evaluation time

# Guideline ids and titles of the built-in catalogue (rulebook/data/guidelines.yaml)
GUIDELINES: dict[str, str] = {g.id: g.title for g in builtin_guidelines().values()}
