"""Argument helpers shared by subcommands: events from a file or stdin, ``--at``."""

from __future__ import annotations

import sys

from ..api import as_moment
from ..events import Timeline, load_timeline
from ..source import read_stream


def read_events(source: str) -> Timeline:
    """An events document from a path, or from standard input for ``-``."""
    if source == "-":
        return load_timeline("<stdin>", text=read_stream(sys.stdin))
    return load_timeline(source)


def moment_arg(value: str | None):
    """``--at``, defaulting to the clock (read in the CLI only)."""
    from ..cli import now

    return now() if value is None else as_moment(value)
