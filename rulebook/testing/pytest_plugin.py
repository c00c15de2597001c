"""pytest plugin: collect ``*.scenarios.yaml`` files, one test per scenario.

Installed with rulebook (entry point ``pytest11``), so a project that keeps
``my_policy.scenarios.yaml`` beside ``my_policy.yaml`` gets its scenarios run by plain
``pytest``. The policy is the file's ``policy:`` key (a shipped name, or a path relative
to the scenario file), else the policy file beside it: the same rule as ``rulebook test``
(:func:`rulebook.testing.scenarios.policy_of`). An invalid policy or scenario file fails
its collection with the located ``FILE:LINE:COL`` problems, not a traceback.
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


class InvalidScenarioFile(Exception):
    pass


class ScenarioFile(pytest.File):
    def collect(self):
        from rulebook.api import Rulebook
        from rulebook.problems import InvalidInput

        from .scenarios import load_scenarios, policy_of

        try:
            parsed, _ = load_scenarios(self.path)
            book = Rulebook.load(policy_of(self.path, parsed))
            _, scenarios = load_scenarios(self.path, book.loaded.policy)
        except InvalidInput as exc:
            raise InvalidScenarioFile("\n".join(str(p) for p in exc.problems)) from None
        for sc in scenarios:
            yield ScenarioItem.from_parent(self, name=sc.scenario.name, book=book, loaded=sc)


    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, InvalidScenarioFile):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


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
