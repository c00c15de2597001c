"""The words a policy may use: fact types, their fields and the guideline catalogue.

A *fact* is what the engine matches. Every event of the timeline becomes one fact of
its type; an ``interview`` also becomes one ``interviewer`` fact per person (so rules
can fan out over people); policies add *derived* facts of their own.
"""

from __future__ import annotations

from .events import CHANNELS

TIME, INT, BOOL, TEXT = "time", "int", "bool", "text"

# field -> type, or a tuple of allowed text values
FACT_FIELDS: dict[str, dict[str, object]] = {
    "interview_scheduled": {"starts_at": TIME, "round": INT},
    "interview": {"round": INT},
    "interviewer": {"name": TEXT, "email": TEXT, "phone": TEXT, "role": TEXT, "round": INT},
    "next_steps": {"decision_by": TIME, "preferred_channel": CHANNELS, "long_wait": BOOL,
                   "from": TEXT},
    "contact_details": {"name": TEXT, "email": TEXT, "phone": TEXT},
    "thank_you_sent": {"to": TEXT, "channel": CHANNELS},
    "follow_up_sent": {"to": TEXT, "channel": CHANNELS},
    "call": {"to": TEXT, "outcome": ("reached", "voicemail", "no_answer")},
    "reply": {"from": TEXT, "due": TIME,
              "kind": ("no_decision", "materials_requested", "second_interview", "offer",
                       "rejection", "other")},
    "materials_sent": {},
    "promise": {"what": TEXT, "due": TIME},
    "referral_contact": {"name": TEXT},
    "withdrawn": {},
}
COMMON_FIELDS = {"at": TIME}  # every fact has a time: its event's, or its anchor's
BUILTIN_TYPES = tuple(FACT_FIELDS)
NOW = "now"  # the reserved name of the evaluation time

# Guideline catalogue (see shared/GUIDELINES.md); titles in our own words.
GUIDELINES: dict[str, str] = {
    "G1": "plan the follow-up before the interview",
    "G2": "ask about next steps, timing and preferred contact at the interview",
    "G3": "collect every interviewer's contact details",
    "G4": "write down notes and lessons right after the interview",
    "G5": "thank each interviewer individually",
    "G6": "send the thank-you promptly, a week at the latest",
    "G7": "email by default; a handwritten note is optional and disputed",
    "G8": "keep the thank-you short and specific",
    "G9": "close the thank-you by saying when you will check in",
    "G10": "no thank-you went out: send one solid follow-up email",
    "G11": "the employer's stated channel and timeline come first",
    "G12": "a short follow-up call about a week after the interview",
    "G13": "voicemail: leave a message and retry once after a day",
    "G14": "check in again around two weeks, or after the stated date",
    "G15": "a long wait: check in every month or two",
    "G16": "keep your promises and deadlines",
    "G17": "ask a contact to put in a good word",
    "G18": "no decision yet: reply briefly, once",
    "G19": "no answer: one more short email, then stop",
    "G20": "never pester",
    "G21": "a second interview gets the same thank-you",
    "G22": "rejected: reply graciously",
    "G23": "rejected: ask what would have made you stronger",
    "G24": "keep the search going while you wait",
}
