"""What a new policy would have answered to the decisions in a service's decision log.

Reads the JSON Lines log `rulebook serve --decision-log` writes, evaluates each logged
input (events, evaluation time) under --policy, and compares with what was answered: a
count per kind of change (added, removed, status, channel, timing) with a few requests
each, or every changed decision with --format json. --exit-code: exit 1 when anything
would change. A log line that is not a decision is a located problem (exit 2, after the
report of the others).
"""

from __future__ import annotations

import argparse
import sys

from ..api import Rulebook
from ..replay import replay
from ..terminal import write


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", metavar="LOG", help="a decision log (JSON Lines)")
    p.add_argument("--policy", required=True, metavar="NEW",
                   help="the policy to replay under (a shipped name or a path)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--examples", type=int, default=3, metavar="N",
                   help="requests shown per kind of change")
    p.add_argument("--exit-code", action="store_true", help="exit 1 if anything would change")


def run(args: argparse.Namespace) -> int:
    book = Rulebook.load(args.policy)
    result = replay(args.log, book)
    if args.format == "json":
        sys.stdout.buffer.write(result.to_json())
    else:
        write(result.render(book, args.examples))
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if result.problems:
        return 2
    return 1 if args.exit_code and result.changed else 0
