"""Why each rule fired or did not: the facts it matched, or its near miss.

For every rule and limit (or only --rule ID, which may also name a derivation): the
facts bound to its names and what came of each match (recommended, upcoming, held back
by a limit, window over); for an entry that did not match, the first condition that
failed for the candidate facts that came closest. --lang de tells it in German (the
JSON keys, ids and codes stay as they are).
"""

from __future__ import annotations

import argparse
import json
import sys

from ..api import Rulebook
from ..explain import explain, render, to_data
from ..lang import DEFAULT, LANGS
from ..problems import InvalidInput, Problem, did_you_mean
from ..terminal import write_json
from .common import moment_arg, read_events


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("events", help="events document (YAML or JSON), or - for standard input")
    p.add_argument("--at", help="evaluation time, ISO 8601 with offset (default: now)")
    p.add_argument("--policy", default="standard", help="a shipped policy's name or a path")
    p.add_argument("--rule", metavar="ID", help="explain only this rule, limit or derivation")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=LANGS,
                   help="language of the explanation (default: the events document's, else en)")


def run(args: argparse.Namespace) -> int:
    book = Rulebook.load(args.policy)
    policy = book.loaded.policy
    if args.rule is not None:
        ids = [i for s in ("derive", "rules", "limits") for i in policy.active(s)]
        if args.rule not in ids:
            raise InvalidInput([Problem("--rule", 0, 0, f"no enabled rule, limit or derivation "
                                        f"'{args.rule}' in policy '{policy.policy}'",
                                        did_you_mean(args.rule, ids))])
    timeline = read_events(args.events)
    lang = args.lang or timeline.lang or DEFAULT
    _, verdicts = explain(book, timeline, moment_arg(args.at), only=args.rule, lang=lang)
    if args.format == "json":
        write_json(json.dumps(to_data(verdicts, timeline.tz, lang), indent=2,
                              ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render(verdicts, timeline.tz, lang))
    return 0
