"""List the guideline catalogue: the built-in G1..G24, and with --policy a policy's own.

Each guideline prints as its id, its title and one sentence; a policy's own guidelines
(declared under ``guidelines:`` in it or any of its layers) follow the built-in ones,
marked with the policy's name. --format json prints the same as a list of objects.
"""

from __future__ import annotations

import argparse
import json

from ..guidelines import BUILTIN, builtin, catalogue, order
from ..load import load_policy
from ..terminal import write, write_json


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policy", help="also list this policy's own guidelines (a shipped name "
                   "or a path)")
    p.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    found = catalogue(load_policy(args.policy).policy) if args.policy else builtin()
    items = sorted(found.values(), key=lambda g: order(g.id))
    if args.format == "json":
        data = [{"id": g.id, "title": g.title, "text": g.text, "origin": g.origin}
                for g in items]
        write_json(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    for g in items:
        if g.origin == BUILTIN:
            write(f"{g.id:<4} {g.title}\n     {g.text}\n")
        else:
            write(f"{g.id:<4} ({g.origin}) {g.text}\n")
    return 0
