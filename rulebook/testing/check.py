"""Property-based checks of a policy: every invariant, on generated timelines.

Each invariant gets its own hypothesis search, so each counterexample is shrunk on its
own; the events document of the smallest one is kept for the report. Three timelines in
four are *stories* (:func:`rulebook.testing.strategies.stories`: decision dates, dates
without a time, stated channels, long waits, replies followed by silence, several
rounds), asked at the moments where policies break; the rest are free-form timelines
over the event types the policy reads.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

from hypothesis import HealthCheck, Phase, given, seed as with_seed, settings
from hypothesis import strategies as st

from rulebook.api import as_timeline

from .coverage import Coverage
from .invariants import INVARIANTS, InvariantFailure
from .strategies import evaluation_times, stories, story_times, timelines

EXAMPLES = 300  # per invariant: enough to find every bug issue 8 lists (tests/test_trust_regressions.py)


@contextmanager
def _own_constants_only() -> Iterator[None]:
    """Recent hypothesis versions mix literals found in the modules the process imported
    into what they generate, so one seed gave other timelines in a test suite than on
    the command line. The search does without them: a seed names the same timelines in
    any process."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
        get, cache = providers._get_local_constants, providers.CONSTANTS_CACHE
    except (ImportError, AttributeError):  # another hypothesis: nothing to turn off
        yield
        return
    none = Constants()
    providers._get_local_constants = lambda: none
    cache.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = get
        cache.cache.clear()


@dataclass
class Counterexample:
    invariant: str
    failure: InvariantFailure
    examples: int = 0  # timelines tried until the first failure


def check_policy(book, invariants: Optional[dict[str, Callable]] = None, *,
                 examples: int = EXAMPLES, seed: int = 0,
                 coverage: Optional[Coverage] = None, shrink: bool = True,
                 tried: Optional[dict[str, int]] = None) -> list[Counterexample]:
    """Run ``invariants`` (default: all built-in ones) on ``examples`` generated timelines
    each; return the shrunk counterexamples (empty: all hold). ``tried``, if given,
    receives the number of timelines each invariant was run on."""
    invariants = INVARIANTS if invariants is None else invariants
    policy = book.loaded.policy
    found = []
    phases = [Phase.explicit, Phase.generate] + ([Phase.shrink] if shrink else [])
    for name, invariant in invariants.items():
        count = {"runs": 0, "first": 0}

        @with_seed(seed)
        @settings(max_examples=examples, deadline=None, database=None, print_blob=False,
                  suppress_health_check=list(HealthCheck), phases=phases)
        @given(st.data())
        def search(data):
            if data.draw(st.integers(0, 3), label="kind"):
                doc = data.draw(stories(), label="story")
                at = data.draw(story_times(doc), label="at")
            else:
                doc = data.draw(timelines(policy=policy, min_events=1, max_events=6,
                                          interview_first=True), label="timeline")
                at = data.draw(evaluation_times(doc), label="at")
            count["runs"] += 1
            if coverage is not None:
                coverage.record(book, as_timeline(doc), at)
            try:
                invariant(book, doc, at)
            except InvariantFailure:
                count["first"] = count["first"] or count["runs"]
                raise

        try:
            with _own_constants_only():
                search()
        except InvariantFailure as failure:
            found.append(Counterexample(name, failure, count["first"]))
        if tried is not None:
            tried[name] = count["runs"]
    return found
