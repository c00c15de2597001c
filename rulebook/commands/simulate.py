"""An agenda of every change in what the policy says from --from to --to.

The policy is evaluated at each moment its advice can change (events, window starts,
dues and ends, limits' untils), so even a window of a few hours shows. With
--follow-advice the candidate does each recommended action at its due time (shown as
"done"), and what follows sees it (a call is assumed to reach the person unless
--call-outcome says otherwise).
"""

from __future__ import annotations

import argparse
import sys

from ..api import Rulebook, as_moment
from ..problems import InvalidInput, Problem
from ..simulate import render, simulate
from .common import read_events


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("events", help="events document (YAML or JSON), or - for standard input")
    p.add_argument("--from", dest="start", required=True,
                   help="start of the period, ISO 8601 with offset")
    p.add_argument("--to", dest="end", required=True,
                   help="end of the period, ISO 8601 with offset")
    p.add_argument("--policy", default="standard", help="a shipped policy's name or a path")
    p.add_argument("--follow-advice", action="store_true",
                   help="assume the candidate does what is recommended at its due time")
    p.add_argument("--call-outcome", choices=("reached", "voicemail", "no_answer"),
                   default="reached", help="how an advised call ends (with --follow-advice)")


def _moment(value: str, flag: str):
    try:
        return as_moment(value)
    except InvalidInput as exc:
        raise InvalidInput([Problem(flag, 0, 0, p.message) for p in exc.problems]) from None


def run(args: argparse.Namespace) -> int:
    start, end = _moment(args.start, "--from"), _moment(args.end, "--to")
    book = Rulebook.load(args.policy)
    timeline = read_events(args.events)
    agenda, _ = simulate(book, timeline, start, end, follow=args.follow_advice,
                         call_outcome=args.call_outcome)
    sys.stdout.write(render(agenda))
    return 0
