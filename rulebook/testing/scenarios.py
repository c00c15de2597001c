"""Scenario files: given these events, at this time, expect these actions and not those.

A scenario file sits beside its policy (``mine.yaml`` -> ``mine.scenarios.yaml``; the
shipped policies keep theirs in ``policies/scenarios/``)::

    policy: standard              # optional: the policy beside the file
    scenarios:
      - name: thank each interviewer the next morning
        events: ../examples/panel.yaml     # a path (relative to this file) or inline
        at: 2026-03-03T09:00:00+01:00
        expect:                            # each must be among the actions (do now)
          - {action: send_thank_you, to: Sam Ortiz, channel: email}
        upcoming: [{action: follow_up_call}]
        held_back: [{action: check_in, limit: stated_decision_date}]
        forbid:                            # none of these may be recommended (now or later)
          - {action: send_thank_you, to: Dana Lee}

An expectation matches a recommendation when every field it gives is equal (names
compare as people do: case and spacing aside).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rulebook.events import Timeline, load_timeline, timeline_from_document
from rulebook.problems import InvalidInput, Problem, did_you_mean
from rulebook.source import Document, load_file


class Expectation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Optional[str] = None
    to: Optional[str] = None
    channel: Optional[str] = None
    rule: Optional[str] = None
    limit: Optional[str] = None

    def matches(self, rec) -> bool:
        for name, want in self.model_dump(exclude_none=True).items():
            got = getattr(rec, name, None)
            if name == "to":
                got, want = _person(got), _person(want)
            if got != want:
                return False
        return True

    def text(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.model_dump(exclude_none=True).items())


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    events: Union[str, dict[str, Any]]
    at: dt.datetime
    expect: list[Expectation] = Field(default_factory=list)
    upcoming: list[Expectation] = Field(default_factory=list)
    held_back: list[Expectation] = Field(default_factory=list)
    forbid: list[Expectation] = Field(default_factory=list)


class ScenarioFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    policy: Optional[str] = None
    scenarios: list[Scenario] = Field(min_length=1)


@dataclass
class LoadedScenario:
    scenario: Scenario
    timeline: Timeline
    events: dict[str, Any]        # the events document as data (for reproductions)
    file: str
    line: int


@dataclass
class Outcome:
    scenario: LoadedScenario
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def _person(name: Optional[str]) -> Optional[str]:
    return None if name is None else " ".join(name.split()).casefold()


def scenario_path(policy_path: Path) -> Path:
    """Where a policy's scenarios live: ``NAME.scenarios.yaml`` beside it."""
    return policy_path.with_name(policy_path.stem + ".scenarios.yaml")


def shipped_scenarios(policy_path: Path) -> Path:
    """The scenarios of a shipped policy: ``scenarios/NAME.yaml`` in the policies folder."""
    return policy_path.parent / "scenarios" / (policy_path.stem + ".yaml")


def _sub(doc: Document, prefix: tuple) -> Document:
    n = len(prefix)
    cut = lambda table: {p[n:]: v for p, v in table.items() if p[:n] == prefix}  # noqa: E731
    data = doc.data
    for part in prefix:
        data = data[part]
    return Document(doc.file, data, cut(doc.positions), cut(doc.key_positions))


def _schema_problems(doc: Document, exc: ValidationError) -> list[Problem]:
    out, seen = [], set()
    for e in exc.errors():
        path = tuple(p for p in e["loc"] if not (isinstance(p, str) and "[" in p))
        if path in seen:
            continue  # the branches of a union repeat themselves
        seen.add(path)
        name = path[-1] if path else ""
        if e["type"] == "extra_forbidden":
            model = {5: Expectation, 3: Scenario, 1: ScenarioFile}.get(len(path), Scenario)
            out.append(doc.problem(path, f"unknown key '{name}'",
                                   did_you_mean(str(name), list(model.model_fields)), key=True))
        elif e["type"] == "missing":
            out.append(doc.problem(path[:-1], f"missing key '{name}'"))
        else:
            out.append(doc.problem(path, f"'{name}': {e['msg']}"))
    return out


def load_scenarios(path: Union[str, Path]) -> tuple[ScenarioFile, list[LoadedScenario]]:
    """Read and validate a scenario file; every problem located (``InvalidInput``)."""
    doc = load_file(path)
    try:
        parsed = ScenarioFile.model_validate(doc.data)
    except ValidationError as exc:
        raise InvalidInput(_schema_problems(doc, exc)) from None
    out, problems = [], []
    for i, sc in enumerate(parsed.scenarios):
        where = ("scenarios", i, "events")
        try:
            if isinstance(sc.events, str):
                source = Path(path).parent / sc.events
                timeline = load_timeline(str(source))
                data = load_file(source).data
            else:
                timeline = timeline_from_document(_sub(doc, where))
                data = sc.events
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        if sc.at.tzinfo is None:
            problems.append(doc.problem(("scenarios", i, "at"), "'at' needs a UTC offset"))
            continue
        out.append(LoadedScenario(sc, timeline, data, str(path),
                                  doc.where(("scenarios", i))[0]))
    if problems:
        raise InvalidInput(problems)
    return parsed, out


def run_scenario(book, loaded: LoadedScenario) -> tuple[Outcome, Any]:
    """Evaluate one scenario; the outcome lists each failure as expected vs actual."""
    sc = loaded.scenario
    advice = book.recommend(loaded.timeline, sc.at)
    outcome = Outcome(loaded)
    lists = {"expect": ("do now", advice.actions), "upcoming": ("coming up", advice.upcoming),
             "held_back": ("held back", advice.held_back)}
    for key, (title, recs) in lists.items():
        for want in getattr(sc, key):
            if not any(want.matches(r) for r in recs):
                actual = "; ".join(_brief(r) for r in recs) or "nothing"
                outcome.failures.append(f"expected {title}: {want.text()}\n"
                                        f"      actual {title}: {actual}")
    for bad in sc.forbid:
        for title, recs in (("do now", advice.actions), ("coming up", advice.upcoming)):
            for r in recs:
                if bad.matches(r):
                    outcome.failures.append(f"forbidden {bad.text()}\n"
                                            f"      but {title}: {_brief(r)}")
    return outcome, advice


def _brief(rec) -> str:
    parts = [rec.action]
    if rec.to:
        parts.append(f"to={rec.to}")
    if rec.channel:
        parts.append(f"channel={rec.channel}")
    parts.append(f"rule={rec.rule}")
    if getattr(rec, "limit", None):
        parts.append(f"limit={rec.limit}")
    return " ".join(parts)


__all__ = ["Scenario", "ScenarioFile", "Expectation", "load_scenarios", "run_scenario",
           "scenario_path", "Problem"]
