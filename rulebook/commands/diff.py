"""What changes in the recommendations between two policy versions.

Both versions advise on the same timelines (the scenarios beside either policy, the
shipped examples, any --events given, and --generated timelines from a fixed seed) over
each timeline's first five weeks, at every moment where either version's advice can
change (events, window starts, dues and ends, limits' untils); prints a count per kind
of change (added, removed, status, channel, timing) and a few concrete timelines for
each. --exit-code: exit 1 when anything changes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..api import Rulebook
from ..events import load_timeline
from ..load import policy_path
from ..policydiff import diff, generated_timelines
from ..terminal import write

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("old", metavar="OLD", help="the policy before (a shipped name or a path)")
    p.add_argument("new", metavar="NEW", help="the policy after")
    p.add_argument("--events", nargs="*", default=[], metavar="FILE",
                   help="more timelines to compare on")
    p.add_argument("--generated", type=int, default=200, metavar="N",
                   help="generated timelines to compare on (default 200)")
    p.add_argument("--seed", type=int, default=0, help="seed of the generated timelines")
    p.add_argument("--examples", type=int, default=3, metavar="N",
                   help="concrete timelines shown per kind of change")
    p.add_argument("--exit-code", action="store_true", help="exit 1 if anything changes")


def _scenarios(ref: str) -> list[tuple]:
    """The timelines of the scenario file beside a policy, each also at its own moment."""
    try:
        from ..testing.scenarios import load_scenarios, scenario_path
    except ImportError:  # pragma: no cover - scenarios arrive with `rulebook test`
        return []
    path = scenario_path(Path(policy_path(ref)))
    if not path.is_file():
        return []
    _, loaded = load_scenarios(path)
    return [(f"{path.name}: {s.scenario.name}", s.timeline, [s.scenario.at]) for s in loaded]


def run(args: argparse.Namespace) -> int:
    old, new = Rulebook.load(args.old), Rulebook.load(args.new)
    files = sorted(EXAMPLES.glob("*.yaml")) if EXAMPLES.is_dir() else []
    timelines = _scenarios(args.old) + _scenarios(args.new)
    timelines += [(f"examples/{f.name}", load_timeline(str(f))) for f in files]
    timelines += [(name, load_timeline(name)) for name in args.events]
    timelines += generated_timelines(max(0, args.generated), args.seed)
    report = diff(old, new, timelines)
    write(report.render(args.examples))
    return 1 if args.exit_code and report.changes else 0
