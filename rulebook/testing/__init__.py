"""Testing kit for policies: strategies, invariants, follow-the-advice, scenarios.

Use it in your own test suite::

    from hypothesis import given
    from rulebook import Rulebook
    from rulebook.testing import invariants, timelines, evaluation_times

    book = Rulebook.load("my_policy.yaml")

    @given(timelines(policy=book.loaded.policy, interview_first=True), ...)
    def test_no_pestering(doc):
        invariants.no_pestering(book, doc, at)

``rulebook test POLICY`` runs a policy's scenarios and every invariant; the pytest
plugin (``pytest11`` entry point) collects ``*.scenarios.yaml`` files.
"""

from . import invariants
from .check import check_policy
from .coverage import Coverage
from .invariants import INVARIANTS, InvariantFailure
from .scenarios import load_scenarios, run_scenario
from .simulation import follow_advice
from .strategies import evaluation_times, events, policies, timelines

__all__ = ["invariants", "INVARIANTS", "InvariantFailure", "check_policy", "Coverage",
           "follow_advice", "load_scenarios", "run_scenario", "events", "timelines",
           "policies", "evaluation_times"]
