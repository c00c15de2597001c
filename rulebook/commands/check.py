"""Validate and lint policies: every problem of every file at once, FILE:LINE:COL.

Problems go to standard error, one `FILE:LINE:COL: message (hint)` line each, like
every other command's; the one-line summary goes to standard output. Exit 0 when clean
(warnings are printed but pass), 1 with warnings under --strict, 2 when any file has an
error.
"""

from __future__ import annotations

import argparse
import sys

from ..lint import lint
from ..load import examine, policy_path
from ..problems import InvalidInput, Problem
from ..source import load_file


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("policies", nargs="+", metavar="POLICY",
                   help="a shipped policy's name or a path")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")


def problems_of(ref: str) -> list[Problem]:
    """Errors and warnings of one policy, sorted by place."""
    try:
        found = examine(load_file(policy_path(ref)))
    except InvalidInput as exc:
        return list(exc.problems)
    problems = list(found.problems)
    if found.policy is not None:
        problems += lint(found.policy, found.document, complete=found.complete)
    return sorted(set(problems))


def run(args: argparse.Namespace) -> int:
    errors = warnings = 0
    for ref in args.policies:
        for problem in problems_of(ref):
            print(problem, file=sys.stderr)
            if problem.severity == "warning":
                warnings += 1
            else:
                errors += 1
    if errors or warnings:
        print(f"{errors} error(s), {warnings} warning(s) in {len(args.policies)} "
              "policy file(s)")
    if errors:
        return 2
    return 1 if warnings and args.strict else 0
