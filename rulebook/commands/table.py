"""The table format: the same content as the JSON, laid out for a person to read."""

from __future__ import annotations

import textwrap

from ..advice import Advice, HeldBack, Recommendation
from ..engine.timing import english

WIDTH = 88


def _when(t) -> str:
    return "open" if t is None else english(t, "%a %d %b %H:%M")


def _row(rec: Recommendation) -> list[str]:
    who = rec.to or "-"
    how = rec.channel or "-"
    w = rec.window
    lines = [f"  {rec.action:<24} {who:<20} {how:<17} due {_when(w.due)}",
             f"  {'':<24} from {_when(w.start)}, latest {_when(w.end)}"
             f"   [{rec.rule}: {', '.join(rec.sources)}]"]
    if isinstance(rec, HeldBack):
        until = "for good" if rec.until is None else f"until {_when(rec.until)}"
        lines.append(f"  {'':<24} held back by {rec.limit} {until}")
    lines += textwrap.wrap(rec.reason, WIDTH, initial_indent="    ", subsequent_indent="    ")
    return lines


def render_table(advice: Advice) -> str:
    out = [f"policy {advice.policy} at {advice.at.isoformat()}", ""]
    for title, items in (("Do now", advice.actions), ("Coming up", advice.upcoming),
                         ("Held back", advice.held_back)):
        out.append(f"{title} ({len(items)})")
        if not items:
            out.append("  (nothing)")
        for rec in items:
            out.extend(_row(rec))
            out.append("")
        if items:
            out.pop()
        out.append("")
    return "\n".join(out)
