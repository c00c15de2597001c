"""Recommend follow-up actions for a timeline: now, upcoming, and held back.

Prints one JSON object (--format json) or a table with reasons for a person.
"""

from __future__ import annotations

import argparse
import sys

from ..api import Rulebook
from ..lang import DEFAULT, LANGS
from ..terminal import write_json
from .common import moment_arg, read_events
from .table import render_table


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("events", help="events document (YAML or JSON), or - for standard input")
    p.add_argument("--policy", default="standard", help="a shipped policy's name or a path")
    p.add_argument("--at", help="evaluation time, ISO 8601 with offset (default: now)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--drafts", action="store_true",
                   help="show each action's message draft in the table (JSON always has them)")
    p.add_argument("--lang", choices=LANGS,
                   help="language of reasons, drafts and the table (default: the events "
                        "document's lang, else en)")


def run(args: argparse.Namespace) -> int:
    book = Rulebook.load(args.policy)
    timeline = read_events(args.events)
    lang = args.lang or timeline.lang or DEFAULT
    advice = book.recommend(timeline, moment_arg(args.at), lang=lang)
    if args.format == "json":
        write_json(advice.to_json())
    else:  # every line escaped by render_table
        sys.stdout.write(render_table(advice, lang, drafts=args.drafts))
    return 0
