"""What an evaluation returns: recommendations, each with a window and a reason.

These pydantic models serialise to exactly the JSON that ``rulebook recommend --format
json`` prints. Times are ISO 8601 in the application's time zone, to the second.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Optional

from pydantic import BaseModel, ConfigDict, PlainSerializer, model_validator

Moment = Annotated[dt.datetime, PlainSerializer(lambda t: t.isoformat(timespec="seconds"),
                                                return_type=str)]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Window(_Out):
    """When to act: from ``start``, ideally by ``due``, at the latest by ``end`` (None: open).

    ``due`` is never before the evaluation time once the window is open (overdue: due
    now); ``ideal_due`` is the due time the policy set, which the reason names and a
    calendar reminds of, passed or not. Without it (JSON written before it existed) it
    is ``due``.
    """

    start: Moment
    due: Moment
    ideal_due: Optional[Moment] = None
    end: Optional[Moment]

    @model_validator(mode="before")
    @classmethod
    def _ideal_defaults_to_due(cls, data):
        if isinstance(data, dict) and data.get("ideal_due") is None and "due" in data:
            data = dict(data, ideal_due=data["due"])
        return data


class Draft(_Out):
    """A message to start from, in the advice's language; ``[blanks]`` are the candidate's."""

    subject: Optional[str]
    body: str


class Recommendation(_Out):
    """One thing to do, for whom, how, when, and why.

    ``overdue``: the window's ideal due time has passed (``window.due`` then says "now";
    the reason still names the ideal time).
    """

    action: str
    to: Optional[str]
    channel: Optional[str]
    window: Window
    overdue: bool = False
    rule: str
    sources: list[str]
    reason: str
    draft: Optional[Draft] = None


class HeldBack(Recommendation):
    """A recommendation a limit blocks, and until when (None: for good)."""

    limit: str
    until: Optional[Moment]


class Advice(_Out):
    """The whole answer for one timeline at one moment.

    ``policy_digest`` is the sha256 of the resolved policy (which version advised);
    ``next_check_at`` the earliest moment after ``at`` at which this advice can change if
    nothing new happens (None: never), to wake the application then.
    """

    policy: str
    policy_digest: Optional[str] = None
    at: Moment
    next_check_at: Optional[Moment] = None
    actions: list[Recommendation]
    upcoming: list[Recommendation]
    held_back: list[HeldBack]

    def to_json(self) -> str:
        """The canonical JSON text: byte-identical for the same inputs."""
        return self.model_dump_json(indent=2) + "\n"
