"""Durations (``24h``, ``3d``, ``2w``, ``5bd``) and time expressions (``iv + 24h``).

A time expression names an anchor, the evaluation time ``now``, a matched fact's time
(``iv``) or one of its time fields (``n.decision_by``), followed by offsets. Minutes and
hours are exact; days and weeks are calendar days in the application's time zone (the
wall time stays across a daylight-saving change); ``bd`` counts business days (the
policy's working week minus its public holidays), keeping the wall time, and is only
allowed in windows and ``until``. The host computes every calendar shift
(:mod:`rulebook.engine.timing`): for the tests durable-rules evaluates (``where`` operands,
``since``), it adds the shifted time to the facts as a property (:func:`shift_key`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
UNIT_WORDS = {"m": "minute", "h": "hour", "d": "day", "w": "week", "bd": "business day"}
_DURATION = re.compile(r"^\s*(\d+)\s*(bd|m|h|d|w)\s*$")
_TERM = re.compile(r"\s*([+-])\s*(\d+)\s*(bd|m|h|d|w)\s*")
_ANCHOR = re.compile(r"^\s*([a-z_][a-z0-9_]*)(?:\.([a-z_][a-z0-9_]*))?")

DURATION_SYNTAX = "a number and a unit: 30m, 24h, 3d, 2w or 5bd (business days)"
EXPR_SYNTAX = ("a name and offsets in m, h, d, w or bd (business days), e.g. iv + 24h, "
               "n.decision_by + 1bd, now - 14d")


CALENDAR_UNITS = ("d", "w")  # local calendar days: not a fixed number of seconds


def shift_key(field_key: str, offsets) -> str:
    """The fact property that holds ``field_key`` moved by calendar ``offsets``: the host
    works it out (:func:`rulebook.engine.timing.shift`) and durable-rules compares it."""
    return "cal_" + field_key + "_" + "_".join(
        f"{'p' if o.sign > 0 else 'm'}{o.amount}{o.unit}" for o in offsets)


MAX_SECONDS = 10 * 366 * 86400  # ten years: longer is a typo, and would overflow dates


@dataclass(frozen=True)
class Offset:
    """A signed amount of one unit."""

    sign: int
    amount: int
    unit: str

    @property
    def seconds(self) -> int:
        return self.sign * self.amount * UNITS[self.unit]

    def words(self) -> str:
        word = UNIT_WORDS[self.unit]
        return f"{self.amount} {word}{'' if self.amount == 1 else 's'}"


@dataclass(frozen=True)
class TimeExpr:
    """``anchor[.field] (+|- N unit)*``; ``field`` None means the fact's own time."""

    anchor: str
    field: str | None
    offsets: tuple[Offset, ...]
    text: str

    @property
    def business_days(self) -> bool:
        return any(o.unit == "bd" for o in self.offsets)

    @property
    def calendar(self) -> bool:
        """Whether it counts calendar days or weeks (not a fixed number of seconds)."""
        return any(o.unit in CALENDAR_UNITS for o in self.offsets)

    @property
    def exact_seconds(self) -> int:
        """The offset in seconds (only for expressions without business days)."""
        return sum(o.seconds for o in self.offsets)

    def offset_words(self) -> str:
        """The offsets for a person: '24 hours', '1 week and 2 days', or '' for none."""
        parts = [("minus " if o.sign < 0 else "") + o.words() for o in self.offsets]
        return " and ".join(parts)


def parse_duration(text: object) -> Offset:
    """Parse ``24h``; raise ValueError with the syntax for anything else."""
    match = _DURATION.match(str(text)) if isinstance(text, (str, int)) else None
    if not match or isinstance(text, bool):
        raise ValueError(f"'{text}' is not a duration: write {DURATION_SYNTAX}")
    return _capped(Offset(1, int(match.group(1)), match.group(2)), text)


def _days(offset: Offset) -> float:
    """An offset's length in days (a business day counts as 7/5 of one, its worst case)."""
    return offset.amount * (7 / 5 if offset.unit == "bd" else UNITS[offset.unit] / 86400)


def _capped(offset: Offset, text: object) -> Offset:
    if _days(offset) * 86400 > MAX_SECONDS:
        raise ValueError(f"'{text}' is too long: at most ten years")
    return offset


def parse_time_expr(text: object) -> TimeExpr:
    """Parse ``iv + 24h``; raise ValueError with the syntax for anything else."""
    if not isinstance(text, str):
        raise ValueError(f"'{text}' is not a time expression: write {EXPR_SYNTAX}")
    match = _ANCHOR.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a time expression: write {EXPR_SYNTAX}")
    pos, offsets = match.end(), []
    while pos < len(text):
        term = _TERM.match(text, pos)
        if not term or term.end() == pos:
            raise ValueError(f"'{text}' is not a time expression: write {EXPR_SYNTAX}")
        offsets.append(_capped(Offset(1 if term.group(1) == "+" else -1, int(term.group(2)),
                                      term.group(3)), text))
        pos = term.end()
    if sum(_days(o) for o in offsets) * 86400 > MAX_SECONDS:  # times must stay in the calendar
        raise ValueError(f"'{text}' is too long: its offsets add up to more than ten years")
    return TimeExpr(match.group(1), match.group(2), tuple(offsets), text.strip())
