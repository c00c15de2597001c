"""pytest plugin: collect ``*.scenarios.yaml`` files, one test per scenario.

Installed with rulebook (entry point ``pytest11``), so a project that keeps
``my_policy.scenarios.yaml`` beside ``my_policy.yaml`` gets its scenarios run by plain
``pytest``. The policy is the file's ``policy:`` key (a shipped name, or a path relative
to the scenario file), else the policy file beside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SUFFIX = ".scenarios.yaml"


def pytest_collect_file(parent, file_path: Path):
    if file_path.name.endswith(SUFFIX):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFailed(Exception):
    pass


class ScenarioFile(pytest.File):
    def collect(self):
        from rulebook.api import Rulebook
        from rulebook.load import shipped_path

        from .scenarios import load_scenarios

        parsed, scenarios = load_scenarios(self.path)
        ref = parsed.policy
        if ref is None:
            ref = str(self.path.with_name(self.path.name[:-len(SUFFIX)] + ".yaml"))
        elif shipped_path(ref) is None:
            ref = str(self.path.parent / ref)
        book = Rulebook.load(ref)
        for sc in scenarios:
            yield ScenarioItem.from_parent(self, name=sc.scenario.name, book=book, loaded=sc)


class ScenarioItem(pytest.Item):
    def __init__(self, *, book, loaded, **kwargs):
        super().__init__(**kwargs)
        self.book, self.loaded = book, loaded

    def runtest(self):
        from .scenarios import run_scenario

        outcome, _ = run_scenario(self.book, self.loaded)
        if not outcome.passed:
            raise ScenarioFailed("\n".join(outcome.failures))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailed):
            return f"scenario '{self.name}' failed:\n  " + str(excinfo.value).replace("\n", "\n  ")
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.loaded.line - 1, f"scenario: {self.name}"
