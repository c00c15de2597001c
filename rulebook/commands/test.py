"""Test a policy: run its scenarios, then its invariants on generated timelines.

Scenarios come from POLICY's scenario file (NAME.scenarios.yaml beside it, the
shipped policies' scenarios/NAME.yaml, or --scenarios); when there is none, the run
says so first. A scenario file's `policy:` names the policy it is for (a shipped name or
a path relative to the file): testing another policy with it is an error. Each failure
prints as expected vs actual; each invariant's counterexample is shrunk and printed as
an events document to rerun with `rulebook recommend`. Exit 0 when everything passes,
1 when a test fails (or coverage is under --min-coverage), 2 when the input is invalid.
"""

from __future__ import annotations

import argparse
import functools
import random
import sys
from pathlib import Path

from ..api import Rulebook
from ..load import policy_path, shipped_path
from ..problems import InvalidInput, Problem
from ..testing.check import EXAMPLES, check_policy
from ..testing.coverage import Coverage
from ..testing.invariants import INVARIANTS, TERMINAL_ALLOWED, allowed_after, terminal_states
from ..testing.scenarios import (ScenarioFile, load_scenarios, policy_of, run_scenario,
                                 scenario_path, shipped_scenarios)
from ..source import load_file
from ..terminal import Screen


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("policy", help="a shipped policy's name or a path")
    p.add_argument("--scenarios", help="scenario file (default: NAME.scenarios.yaml beside it)")
    p.add_argument("--examples", type=int, default=EXAMPLES,
                   help=f"generated timelines per invariant (default {EXAMPLES}; 0: no "
                   "invariants)")
    p.add_argument("--seed", type=int, help="seed of the generated timelines (default: random, "
                   "printed)")
    p.add_argument("--skip", action="append", default=[], choices=sorted(INVARIANTS),
                   metavar="INVARIANT", help="leave out an invariant (repeatable)")
    p.add_argument("--allow-after", action="append", default=[], metavar="STATE=ACTION,...",
                   help="also allow these actions after a final answer (STATE: offer, "
                   "rejection or withdrawn), besides what the policy's limits let through "
                   "(repeatable)")
    p.add_argument("--min-coverage", type=float, default=0.0, metavar="PERCENT",
                   help="fail when entries or guidelines covered are under PERCENT")


def _same_policy(path: Path, ref: str) -> None:
    """A scenario file's ``policy:`` must name the policy under test, if it names one."""
    doc = load_file(path)
    data = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(data.get("policy"), str):
        return
    meant = policy_of(path, ScenarioFile.model_construct(policy=data["policy"]))
    if policy_path(meant).resolve() != policy_path(ref).resolve():
        raise InvalidInput([doc.problem(("policy",), f"these scenarios are for "
                                        f"'{data['policy']}', not for '{ref}'",
                                        "test that policy, or change 'policy:'")])


def _allow_after(values: list[str]) -> dict[str, frozenset]:
    """``--allow-after rejection=ask_referral,reply_to_update`` as {state: actions}."""
    out: dict[str, set] = {}
    for value in values:
        state, sep, actions = value.partition("=")
        names = [a.strip() for a in actions.split(",") if a.strip()]
        if not sep or state not in TERMINAL_ALLOWED or not names:
            raise InvalidInput([Problem("--allow-after", 0, 0, f"'{value}' is not "
                                        "STATE=ACTION[,ACTION...] with STATE one of "
                                        + ", ".join(TERMINAL_ALLOWED))])
        out.setdefault(state, set()).update(names)
    return {k: frozenset(v) for k, v in out.items()}


def run(args: argparse.Namespace) -> int:
    out = Screen(sys.stdout)
    overrides = _allow_after(args.allow_after)
    book = Rulebook.load(args.policy)
    if args.scenarios:
        path = Path(args.scenarios)
    else:
        path = scenario_path(policy_path(args.policy))
        if not path.is_file() and shipped_path(args.policy) is not None:
            path = shipped_scenarios(policy_path(args.policy))
    scenarios = []
    if args.scenarios or path.is_file():
        _same_policy(path, args.policy)
        _, scenarios = load_scenarios(path, book.loaded.policy)
    else:
        out.write(f"no scenarios: {path} does not exist (write one, or give --scenarios); "
                  "running the invariants only\n")
    if not 0 <= args.min_coverage <= 100:
        raise InvalidInput([Problem("--min-coverage", 0, 0, "a percentage from 0 to 100")])
    coverage = Coverage(book.loaded.policy)
    failed = failed_invariants = bad_sc = 0
    for sc in scenarios:
        outcome, _ = run_scenario(book, sc)
        coverage.record(book, sc.timeline, sc.scenario.at)
        if outcome.passed:
            out.write(f"ok    scenario: {sc.scenario.name}\n")
            continue
        failed += 1
        bad_sc += 1
        out.write(f"FAIL  scenario: {sc.scenario.name} ({sc.file}:{sc.line})\n")
        for f in outcome.failures:
            out.write(f"    {f}\n")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    invariants = {k: v for k, v in INVARIANTS.items() if k not in args.skip}
    if "terminal_states" in invariants:
        invariants["terminal_states"] = functools.partial(
            terminal_states, allowed=allowed_after(book.loaded.policy, overrides))
    if args.examples > 0:
        tried: dict[str, int] = {}
        found = check_policy(book, invariants, examples=args.examples, seed=seed,
                             coverage=coverage, tried=tried)
        bad = {c.invariant: c.failure for c in found}
        failed_invariants = len(bad)
        for name in invariants:
            if name not in bad:
                out.write(f"ok    invariant: {name} ({tried.get(name, 0)} timelines)\n")
                continue
            failed += 1
            f = bad[name]
            out.write(f"FAIL  invariant: {f}\n")
            out.write(f"    counterexample (save as events.json, then run "
                      f"`rulebook recommend events.json --policy {args.policy} "
                      f"--at {f.at.isoformat()}`):\n")
            out.write("".join(f"      {line}\n" for line in f.document().splitlines()))
        out.write(f"seed: {seed} (rerun with --seed {seed})\n")
    out.write(coverage.report() + "\n")
    entries, guides = coverage.ratios()
    if min(entries, guides) * 100 < args.min_coverage:
        out.write(f"FAIL  coverage under {args.min_coverage:g}%\n")
        failed += 1
    ran = len(invariants) if args.examples > 0 else 0
    if not failed:
        out.write(f"passed: {len(scenarios)} scenarios, {ran} invariants"
                  + (f" ({sum(tried.values())} timelines)\n" if ran else "\n"))
        return 0
    # counts only for what passed: a failing run does not report what it "ran"
    bad_inv = failed_invariants if args.examples > 0 else 0
    parts = [f"{bad_sc} scenario(s)", f"{bad_inv} invariant(s)"]
    if failed > bad_sc + bad_inv:
        parts.append("coverage")
    out.write(f"FAILED: {', '.join(parts)} failing; passed: {len(scenarios) - bad_sc} "
              f"scenarios, {ran - bad_inv} invariants\n")
    return 1
