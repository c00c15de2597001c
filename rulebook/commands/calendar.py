"""Write the advice as an iCalendar file: a to-do per recommendation, with reminders.

Import the file into any calendar program; import a newer export later and the same
to-dos are updated (their UIDs are stable), not duplicated. ``--events`` adds each call
as an event in its first office-hours slot.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from ..api import Rulebook
from ..calendar import to_ical
from ..lang import DEFAULT, LANGS
from .common import moment_arg, read_events


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("events", help="events document (YAML or JSON), or - for standard input")
    p.add_argument("--policy", default="standard", help="a shipped policy's name or a path")
    p.add_argument("--at", help="evaluation time, ISO 8601 with offset (default: now)")
    p.add_argument("-o", "--output", help="the .ics file to write (default: standard output)")
    p.add_argument("--lang", choices=LANGS,
                   help="language of reasons and drafts (default: the events document's, else en)")
    p.add_argument("--events", action="store_true", dest="call_events",
                   help="also book each phone call as an event in the first office-hours slot "
                        "of its window")


def _write_atomically(path: str, data: bytes) -> None:
    """All or nothing: a temporary file beside the target, then a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".rulebook-", suffix=".ics", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def run(args: argparse.Namespace) -> int:
    book = Rulebook.load(args.policy)
    timeline = read_events(args.events)
    lang = args.lang or timeline.lang or DEFAULT
    advice = book.recommend(timeline, moment_arg(args.at), lang=lang)
    data = to_ical(advice, application=timeline.application, policy=book.loaded.policy,
                   lang=lang, events=args.call_events, tz=timeline.tz)
    if args.output:
        _write_atomically(args.output, data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
