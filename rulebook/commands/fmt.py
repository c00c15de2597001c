"""Rewrite policies in the canonical layout, keeping comments; --check only reports.

Idempotent; each file is replaced atomically or left as it was. With --check, exit 1
if any file is not canonical (for CI); invalid YAML is an error (exit 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..fmt import format_text, write_atomically
from ..load import policy_path
from ..problems import InvalidInput, Problem


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("policies", nargs="+", metavar="POLICY",
                   help="policy files to format; - formats standard input to standard output")
    p.add_argument("--check", action="store_true",
                   help="change nothing; exit 1 if a file is not in the canonical layout")


def run(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    unformatted = []
    for ref in args.policies:
        if ref == "-":  # for editors: a buffer in, the formatted buffer out
            sys.stdout.write(format_text(sys.stdin.read(), "<stdin>"))
            continue
        path = Path(policy_path(ref))
        try:
            text = path.read_text(encoding="utf-8")
            new = format_text(text, str(path))
        except InvalidInput as exc:
            problems += exc.problems
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), 0, 0, f"cannot read file: {exc}"))
            continue
        if new == text:
            continue
        unformatted.append(path)
        if args.check:
            print(f"{path}: not in the canonical layout (run: rulebook fmt {path})")
            continue
        try:
            write_atomically(path, new)
        except OSError as exc:
            problems.append(Problem(str(path), 0, 0, f"cannot write file: {exc}"))
            continue
        print(f"formatted {path}")
    if problems:
        raise InvalidInput(problems)
    return 1 if args.check and unformatted else 0
