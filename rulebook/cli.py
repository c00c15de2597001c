"""The ``rulebook`` command line: JSON or a table out, located errors, stable exit codes.

Exit codes: 0 success; 1 a failed check or anything unexpected; 2 invalid input (events
or policy), with ``FILE:LINE:COL: what`` on standard error and no traceback.

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and
``run(args) -> int``; this file only dispatches. The clock is read here and nowhere
below: ``--at`` defaults to now.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import sys
import traceback
from typing import Sequence

from .problems import InvalidInput
from .terminal import visible

# name -> (module, one-line help); a module that is not there yet is simply not offered
COMMANDS = {
    "recommend": ("rulebook.commands.recommend", "what to do now, next, and what is held back"),
    "check": ("rulebook.commands.check", "validate and lint policies"),
    "show": ("rulebook.commands.show", "print a policy (--resolved: with its layers merged)"),
    "fmt": ("rulebook.commands.fmt", "rewrite policies in the canonical layout"),
    "schema": ("rulebook.commands.schema", "print the JSON Schema of policies or events"),
    "explain": ("rulebook.commands.explain", "why each rule fired or did not"),
    "diff": ("rulebook.commands.diff", "how two policy versions advise differently"),
    "simulate": ("rulebook.commands.simulate", "an agenda of every change over a period"),
    "test": ("rulebook.commands.test", "run a policy's scenarios and invariants"),
    "guidelines": ("rulebook.commands.guidelines", "list the guideline catalogue"),
    "describe": ("rulebook.commands.describe", "what a policy does, in plain words"),
    "calendar": ("rulebook.commands.calendar", "write the advice as an iCalendar file of to-dos"),
    "playground": ("rulebook.commands.playground", "edit a policy in the browser, see its advice"),
    "batch": ("rulebook.commands.batch", "advice for many applications: JSON Lines in and out"),
    "serve": ("rulebook.commands.serve", "serve the advice over HTTP, with decision logs"),
    "replay": ("rulebook.commands.replay", "what a new policy would change in a decision log"),
}
EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def now() -> dt.datetime:
    """The one place that reads the clock."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; with ``only``, the other commands' modules are not imported
    (``rulebook test`` alone loads hypothesis: a quarter of a second at every start)."""
    parser = argparse.ArgumentParser(
        prog="rulebook", description="Job-interview follow-up advice from declarative policies.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"rulebook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (module_name, help_text) in COMMANDS.items():
        if only is not None and name != only:
            sub.add_parser(name, help=help_text)
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        p = sub.add_parser(name, help=help_text, description=(module.__doc__ or help_text).strip())
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    named = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(named if named in COMMANDS else None)
    args = parser.parse_args(argv)
    try:
        return args._run(args)
    except InvalidInput as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except Exception as exc:  # anything unexpected: say what on one line, no traceback
        if os.environ.get("RULEBOOK_DEBUG"):  # RULEBOOK_DEBUG=1: the traceback too
            traceback.print_exc()
        what = " ".join(visible(exc).split())[:300]
        print(f"rulebook: internal error: {type(exc).__name__}: {what}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
