"""Recommend follow-up actions for a timeline: now, upcoming, and held back.

Prints one JSON object (--format json) or a table with reasons for a person.
"""

from __future__ import annotations

import argparse
import sys

from ..api import Rulebook
from ..terminal import write_json
from .common import moment_arg, read_events
from .table import render_table


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("events", help="events document (YAML or JSON), or - for standard input")
    p.add_argument("--policy", default="standard", help="a shipped policy's name or a path")
    p.add_argument("--at", help="evaluation time, ISO 8601 with offset (default: now)")
    p.add_argument("--format", choices=("table", "json"), default="table")


def run(args: argparse.Namespace) -> int:
    book = Rulebook.load(args.policy)
    timeline = read_events(args.events)
    advice = book.recommend(timeline, moment_arg(args.at))
    if args.format == "json":
        write_json(advice.to_json())
    else:
        sys.stdout.write(render_table(advice))  # every line escaped by render_table
    return 0
