"""What a policy does, in a coach's plain words (Markdown, ready for a client handbook).

Per rule: when the advice starts, by when it is due, the latest moment, to whom, by
which channel, what can hold it back and the guidelines behind it; per limit: what it
stops and for how long. Generated from the policy with its layers merged. With --diff
NEW: only what NEW changes relative to POLICY (added, removed, switched off, and each
line that reads differently, with what it said before). --lang de says it in German.
"""

from __future__ import annotations

import argparse

from ..describe import describe, describe_diff
from ..lang import DEFAULT, LANGS
from ..load import load_policy
from ..terminal import write


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("policy", metavar="POLICY", help="a shipped policy's name or a path")
    p.add_argument("--diff", metavar="NEW", help="describe only what NEW changes in POLICY")
    p.add_argument("--lang", choices=LANGS, default=DEFAULT, help="the language to describe it in")


def run(args: argparse.Namespace) -> int:
    old = load_policy(args.policy)
    if args.diff:
        write(describe_diff(old, load_policy(args.diff), args.lang))
    else:
        write(describe(old, args.lang))
    return 0
