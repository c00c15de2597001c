"""What an evaluation returns: recommendations, each with a window and a reason.

These pydantic models serialise to exactly the JSON that ``rulebook recommend --format
json`` prints. Times are ISO 8601 in the application's time zone, to the second.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Optional

from pydantic import BaseModel, ConfigDict, PlainSerializer

Moment = Annotated[dt.datetime, PlainSerializer(lambda t: t.isoformat(timespec="seconds"),
                                                return_type=str)]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Window(_Out):
    """When to act: from ``start``, ideally by ``due``, at the latest by ``end`` (None: open)."""

    start: Moment
    due: Moment
    end: Optional[Moment]


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
