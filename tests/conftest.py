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


_DIFFERENTIAL_FAILED = []


def pytest_runtest_logreport(report):
    """Remember whether any differential test failed (its counts then mean nothing)."""
    if "test_differential" in report.nodeid and report.failed:
        _DIFFERENTIAL_FAILED.append(report.nodeid)


def pytest_terminal_summary(terminalreporter):
    """Print how many examples the differential suite compared, if all of them agreed."""
    import sys

    mod = sys.modules.get("test_differential") or sys.modules.get("tests.test_differential")
    if mod is None or not mod.RUNS["evaluations"]:
        return
    if _DIFFERENTIAL_FAILED:
        terminalreporter.write_line(
            f"differential: FAILED ({len(_DIFFERENTIAL_FAILED)} test(s)); no counts printed")
        return
    runs = mod.RUNS
    terminalreporter.write_line(
        f"differential: {runs['policies']} random policies and {runs['timelines']} "
        f"timelines, {runs['evaluations']} evaluations compared, engine == reference "
        f"({mod.EXAMPLES} examples per test, known divergences: "
        f"{len(mod.KNOWN_DIVERGENCES)})")
