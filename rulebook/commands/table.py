"""The table format: the same content as the JSON, laid out for a person to read.

Headings and dates follow the advice's language (dates through Babel, never the process
locale); with ``drafts``, each entry's message draft follows its reason.
"""

from __future__ import annotations

import re
import textwrap

from ..advice import Advice, HeldBack, Recommendation
from ..lang import DEFAULT, channel_name, column, word
from ..terminal import visible

WIDTH = 88
_GLUE = "\x00"


def _row(rec: Recommendation, lang: str, drafts: bool) -> list[str]:
    who = rec.to or "-"
    how = rec.channel or "-"
    w = rec.window

    def when(t):
        return column(t, lang)

    # an overdue entry is due now; the candidate is told since when instead
    due = f"{word('overdue since', lang)} {when(w.ideal_due)}" if rec.overdue else \
        f"{word('due', lang)} {when(w.due)}"
    lines = [f"  {rec.action:<24} {who:<20} {how:<17} {due}",
             f"  {'':<24} {word('from', lang)} {when(w.start)}, {word('latest', lang)} "
             f"{when(w.end)}   [{rec.rule}: {', '.join(rec.sources)}]"]
    if isinstance(rec, HeldBack):
        until = word("for good", lang) if rec.until is None else \
            f"{word('until', lang)} {when(rec.until)}"
        lines.append(f"  {'':<24} {word('held back by', lang)} {rec.limit} {until}")
    lines += textwrap.wrap(rec.reason, WIDTH, initial_indent="    ", subsequent_indent="    ")
    if drafts and rec.draft is not None:
        lines += draft_lines(rec, lang)
    return lines


def draft_lines(rec: Recommendation, lang: str = DEFAULT, indent: str = "      ") -> list[str]:
    """A draft as indented lines: a heading, the subject, then the body's paragraphs."""
    out = [f"    {word('Draft', lang)} ({channel_name(rec.channel, lang)}):"]
    if rec.draft.subject:
        out.append(f"{indent}{word('Subject', lang)}: {rec.draft.subject}")
        out.append(indent.rstrip())
    for para in rec.draft.body.split("\n"):
        # a [blank] is never cut in two: its spaces do not break while wrapping
        kept = re.sub(r"\[[^\]]*\]", lambda m: m.group(0).replace(" ", _GLUE), para)
        wrapped = textwrap.wrap(kept, WIDTH - len(indent) + 4, initial_indent=indent,
                                subsequent_indent=indent) or [indent.rstrip()]
        out += [line.replace(_GLUE, " ") for line in wrapped]
    return [line.rstrip() for line in out]


def render_table(advice: Advice, lang: str = DEFAULT, drafts: bool = False) -> str:
    out = [f"{word('policy', lang)} {advice.policy} {word('at', lang)} {advice.at.isoformat()}",
           ""]
    for title, items in (("Do now", advice.actions), ("Coming up", advice.upcoming),
                         ("Held back", advice.held_back)):
        out.append(f"{word(title, lang)} ({len(items)})")
        if not items:
            out.append(f"  {word('(nothing)', lang)}")
        for rec in items:
            out.extend(_row(rec, lang, drafts))
            out.append("")
        if items:
            out.pop()
        out.append("")
    return "\n".join(visible(line) for line in out)
