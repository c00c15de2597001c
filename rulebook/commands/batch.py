"""Recommend for many applications at once: JSON Lines in, JSON Lines out, on every core.

Each input line is {"id": ..., "events": {...events document...}, "at": "..."} ("at"
optional: --at is the default). Each output line carries the id and the advice (the JSON
`recommend --format json` prints, on one line) or an error with located problems. A bad
line never stops the run. Exit 0 when every line succeeded, 2 when any line was invalid
(all results still written), 1 on anything else.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack

from .. import batch
from ..api import Rulebook
from ..problems import InvalidInput, Problem
from .common import moment_arg


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", nargs="?", default="-",
                   help="a JSON Lines file, or - for standard input (the default)")
    p.add_argument("--policy", default="standard", help="a shipped policy's name or a path")
    p.add_argument("--at", help="the time for lines without 'at', ISO 8601 with offset "
                                "(default: now)")
    p.add_argument("-o", "--output", default="-", help="where to write (default: standard output)")
    p.add_argument("--workers", type=int, default=None,
                   help="worker processes, forked with the policy compiled on Linux "
                        "(default: the machine's cores; 1: no worker processes)")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="run on a Dask cluster: a scheduler address, or 'local' for a "
                        "local cluster of --workers processes (needs the 'dask' extra)")


def run(args: argparse.Namespace) -> int:
    book = Rulebook.load(args.policy)
    default_at = moment_arg(args.at)
    workers = args.workers if args.workers is not None else batch.default_workers()
    if workers < 1:
        raise InvalidInput([Problem("--workers", 0, 0, "needs at least 1 worker")])
    with ExitStack() as stack:
        if args.input == "-":
            source, lines = "<stdin>", sys.stdin.buffer
        else:
            source = args.input
            try:
                lines = stack.enter_context(open(args.input, "rb"))
            except OSError as exc:
                raise InvalidInput([Problem(args.input, 0, 0, f"cannot read: {exc.strerror}")])
        if args.output == "-":
            out = sys.stdout.buffer
        else:
            out = stack.enter_context(open(args.output, "wb"))
        progress = stack.enter_context(_progress())
        options = dict(source=source, default_at=default_at, workers=workers)
        if args.dask:
            from .. import scale
            summary = scale.run(book, lines, out, address=args.dask, progress=progress,
                                **options)
        else:
            summary = batch.run(book, lines, out, progress=progress, **options)
        out.flush()
    progress_note = f"{summary.ok} ok, {summary.invalid} invalid, {summary.failed} failed"
    if sys.stderr.isatty() or summary.exit_code:
        print(f"rulebook batch: {progress_note}", file=sys.stderr)
    return summary.exit_code


def _progress():
    """A progress bar on standard error when it is a terminal; nothing when piped."""
    from tqdm import tqdm

    return tqdm(unit=" applications", file=sys.stderr, disable=not sys.stderr.isatty(),
                dynamic_ncols=True, mininterval=0.5)
