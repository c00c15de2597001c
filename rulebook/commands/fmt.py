"""Rewrite policies in the canonical layout, keeping comments; --check only reports.

Idempotent; each file is replaced atomically or left as it was. Every comment and blank
line stays with its entry, or the file is refused; a byte-order mark, CRLF line ends,
mode and owner are kept; a read-only or hard-linked file is refused (exit 2), not
replaced. With --check, exit 1 if any file is not canonical (for CI); invalid YAML or a
file that is not a policy is an error (exit 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..fmt import format_text
from ..load import policy_path
from ..problems import InvalidInput, Problem
from ..rewrite import read, read_stream, replace
from ..terminal import visible


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
            text = format_text(read_stream(sys.stdin), "<stdin>")
            if hasattr(sys.stdout, "buffer"):  # bytes: CRLF goes out as it came in
                sys.stdout.flush()
                sys.stdout.buffer.write(text.encode("utf-8"))
            else:
                sys.stdout.write(text)
            continue
        path = Path(policy_path(ref))
        try:
            found = read(path)
            new = format_text(found.text, str(path))
            if new == found.text:
                continue
            unformatted.append(path)
            if args.check:
                print(visible(f"{path}: not in the canonical layout (run: rulebook fmt {path})"))
                continue
            replace(found, new)
        except InvalidInput as exc:
            problems += exc.problems
            continue
        print(visible(f"formatted {path}"))
    if problems:
        raise InvalidInput(problems)
    return 1 if args.check and unformatted else 0
