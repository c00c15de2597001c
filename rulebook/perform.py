"""Doing what was recommended, as an event: the candidate follows the advice.

``simulate --follow-advice``, ``diff`` and the follow-the-advice invariants of
``rulebook test`` all need the same answer to "what would the timeline record if the
candidate did this?". The built-in actions that leave a trace in the events vocabulary
map to an event (``ACTION_EVENTS``); a rule may say what its action records with
``logs:`` (a custom action, or another event than the built-in one); the rest
(planning, notes, asking a referral contact, searching elsewhere) map to nothing. A
thank-you, a follow-up or a call records the action it performed as its ``purpose``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Optional

# action -> event type it produces when performed
ACTION_EVENTS: dict[str, str] = {
    "send_thank_you": "thank_you_sent",
    "send_handwritten_note": "thank_you_sent",  # the classic policy's note besides the email
    "follow_up_call": "call",
    "retry_call": "call",
    "send_follow_up_email": "follow_up_sent",
    "check_in": "follow_up_sent",
    "periodic_check_in": "follow_up_sent",
    "final_nudge": "follow_up_sent",
    "reply_to_update": "follow_up_sent",
    "gracious_reply": "follow_up_sent",
    "request_feedback": "follow_up_sent",
    "keep_promise": "materials_sent",
}
DEFAULT_CHANNEL = {"thank_you_sent": "email", "follow_up_sent": "email"}
NOTHING = "nothing"  # ``logs: nothing``: doing it leaves no event
WITH_PURPOSE = ("thank_you_sent", "follow_up_sent", "call")


def _get(rec: Any, name: str) -> Any:
    return rec.get(name) if isinstance(rec, Mapping) else getattr(rec, name, None)


def logged_event(action: str, rule: Optional[str] = None, policy: Any = None) -> Optional[str]:
    """The event type doing ``action`` records: the rule's ``logs:`` if ``policy`` has
    that rule and it says, else the built-in table; None for nothing."""
    if policy is not None and rule is not None:
        found = getattr(policy, "rules", {}).get(rule)
        if found is not None and found.logs is not None:
            return None if found.logs == NOTHING else found.logs
    return ACTION_EVENTS.get(action)


def event_for(recommendation: Any, at: dt.datetime, *, call_outcome: str = "reached",
              policy: Any = None) -> Optional[dict[str, Any]]:
    """The events-document entry recording that ``recommendation`` was done at ``at``.

    ``recommendation`` is a :class:`rulebook.advice.Recommendation` or its JSON form;
    ``policy`` (a :class:`rulebook.policy.Policy`) supplies the rules' ``logs:``.
    A call is assumed to end with ``call_outcome``; a call action recommended by another
    channel than the phone (the employer's stated channel) is a written follow-up on that
    channel. Returns None for an action that leaves no event, or a thank-you with nobody
    to thank.
    """
    action = _get(recommendation, "action")
    kind = logged_event(action, _get(recommendation, "rule"), policy)
    if kind is None:
        return None
    to = _get(recommendation, "to")
    channel = _get(recommendation, "channel")
    if kind == "call" and channel not in (None, "phone"):
        kind = "follow_up_sent"  # the employer asked for email: the "call" is written
    event: dict[str, Any] = {"type": kind, "at": at.isoformat(timespec="seconds")}
    if kind == "thank_you_sent":
        if not to:
            return None
        event.update(to=to, channel=channel or DEFAULT_CHANNEL[kind])
    elif kind == "follow_up_sent":
        if to:
            event["to"] = to
        event["channel"] = channel if channel and channel != "phone" else DEFAULT_CHANNEL[kind]
    elif kind == "call":
        if to:
            event["to"] = to
        event["outcome"] = call_outcome
    if kind in WITH_PURPOSE:
        event["purpose"] = action
    event["note"] = f"done as advised: {action} ({_get(recommendation, 'rule')})"
    return event
