"""An agenda of every change in what the policy says from --from to --to.

The policy is evaluated at each moment its advice can change (events, window starts,
dues and ends, limits' untils), so even a window of a few hours shows. With
--follow-advice the candidate does each recommended action at its due time (shown as
"done"), and what follows sees it (a call is assumed to reach the person unless
--call-outcome says otherwise).

--format svg|html draws the advice over the period instead (one row per recommendation,
``rulebook.picture``); --compare OTHER_POLICY draws a second policy's bars in the same
rows, and --at places the "now" line (default: the clock).
"""

from __future__ import annotations

import argparse
import sys

from ..api import Rulebook, as_moment
from ..problems import InvalidInput, Problem
from ..simulate import advice_over, render, simulate
from ..terminal import write
from .common import moment_arg, read_events


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
    p.add_argument("--format", choices=("text", "svg", "html"), default="text",
                   help="text: the agenda; svg or html: a picture of the advice over time")
    p.add_argument("--compare", metavar="OTHER_POLICY",
                   help="(svg, html) draw this policy's bars too, in the same rows")
    p.add_argument("--at", help="(svg, html) the 'now' line, ISO 8601 with offset; default: now")


def _moment(value: str, flag: str):
    try:
        return as_moment(value)
    except InvalidInput as exc:
        raise InvalidInput([Problem(flag, 0, 0, p.message) for p in exc.problems]) from None


def run(args: argparse.Namespace) -> int:
    start, end = _moment(args.start, "--from"), _moment(args.end, "--to")
    book = Rulebook.load(args.policy)
    timeline = read_events(args.events)
    if args.format != "text":
        return _picture(args, book, timeline, start, end)
    agenda, _ = simulate(book, timeline, start, end, follow=args.follow_advice,
                         call_outcome=args.call_outcome)
    write(render(agenda))
    return 0


def _picture(args: argparse.Namespace, book: Rulebook, timeline, start, end) -> int:
    from ..picture import page, picture

    if args.follow_advice:
        raise InvalidInput([Problem("--follow-advice", 0, 0,
                                    "the picture shows the advice as given; use --format text")])
    if end < start:
        raise InvalidInput([Problem("--to", 0, 0, "the period ends before it starts")])
    series = [(book.name, advice_over(book, timeline, start, end))]
    if args.compare:
        other = Rulebook.load(args.compare)
        series.append((other.name, advice_over(other, timeline, start, end)))
    now = moment_arg(args.at)
    names = " vs ".join(name for name, _ in series)
    title = f"{args.events}: policy {names}"
    svg = picture(timeline, start, end, series, now=now, title=title)
    sys.stdout.write(svg if args.format == "svg" else page(svg, title))
    return 0
