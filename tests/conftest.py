"""Hypothesis profiles: ``default`` (CI: enough examples to matter, the differential suite
in about a minute) and ``deep`` (nightly: ``pytest --hypothesis-profile=deep``)."""

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                     HealthCheck.data_too_large])
settings.register_profile("default", max_examples=100, **_COMMON)
settings.register_profile("deep", max_examples=3000, **_COMMON)
settings.register_profile("quick", max_examples=15, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_terminal_summary(terminalreporter, exitstatus):
    """Print how many examples the differential suite compared (CI logs show it): only
    when the run passed, since a count from a failing run proves nothing."""
    import sys

    mod = sys.modules.get("test_differential") or sys.modules.get("tests.test_differential")
    if exitstatus == 0 and mod is not None and mod.RUNS["evaluations"]:
        runs = mod.RUNS
        terminalreporter.write_line(
            f"differential: {runs['policies']} random policies and {runs['timelines']} "
            f"timelines, {runs['evaluations']} evaluations compared, engine == reference "
            f"(hypothesis profile '{settings._current_profile}')")
