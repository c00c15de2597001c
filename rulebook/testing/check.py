"""Property-based checks of a policy: every invariant, on generated timelines.

Each invariant gets its own hypothesis search, so each counterexample is shrunk on its
own; the events document of the smallest one is kept for the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from hypothesis import HealthCheck, given, seed as with_seed, settings
from hypothesis import strategies as st

from rulebook.api import as_timeline

from .coverage import Coverage
from .invariants import INVARIANTS, InvariantFailure
from .strategies import evaluation_times, timelines


@dataclass
class Counterexample:
    invariant: str
    failure: InvariantFailure


def check_policy(book, invariants: Optional[dict[str, Callable]] = None, *,
                 examples: int = 40, seed: int = 0,
                 coverage: Optional[Coverage] = None) -> list[Counterexample]:
    """Run ``invariants`` (default: all built-in ones) on ``examples`` generated timelines
    each; return the shrunk counterexamples (empty: all hold)."""
    invariants = INVARIANTS if invariants is None else invariants
    found = []
    for name, invariant in invariants.items():

        @with_seed(seed)
        @settings(max_examples=examples, deadline=None, database=None, print_blob=False,
                  suppress_health_check=list(HealthCheck))
        @given(st.data())
        def search(data):
            doc = data.draw(timelines(policy=book.loaded.policy, min_events=1, max_events=6,
                                      interview_first=True))
            at = data.draw(evaluation_times(doc))
            if coverage is not None:
                coverage.record(book, as_timeline(doc), at)
            invariant(book, doc, at)

        try:
            search()
        except InvariantFailure as failure:
            found.append(Counterexample(name, failure))
    return found
