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
        exactly: true                      # nothing else: the three lists are complete

An expectation matches a recommendation when every field it gives is equal (names
compare as people do: case and spacing aside); ``due_by`` and ``ends_by`` say by when
(the window is due, or ends, at or before that time); ``until`` is a held-back entry's
exact until (``null``: held back for good). ``exactly`` (true, or a list of ``expect``,
``upcoming``, ``held_back``) makes those lists complete: every entry of the advice must
match one expectation.

The names an expectation gives are checked against the policy before anything runs
(:func:`check_names`): its actions, rules, limits and channels must exist, and ``to``
must name a person of the scenario's events; each problem is located, with a close
match. A file's ``policy:`` (a shipped name, or a path relative to the file) is the
policy its scenarios are for, to ``rulebook test`` and to the pytest plugin alike
(:func:`policy_of`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rulebook.events import CHANNELS, Timeline, load_timeline, timeline_from_document
from rulebook.problems import InvalidInput, Problem, did_you_mean
from rulebook.source import Document, load_file


class Expectation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Optional[str] = None
    to: Optional[str] = None
    channel: Optional[str] = None
    rule: Optional[str] = None
    limit: Optional[str] = None
    due_by: Optional[dt.datetime] = Field(default=None, description="due at or before this")
    ends_by: Optional[dt.datetime] = Field(default=None, description="ends at or before this")
    until: Optional[dt.datetime] = Field(
        default=None, description="a held-back entry's until, exactly (null: for good)")

    @field_validator("due_by", "ends_by", "until")
    @classmethod
    def _aware(cls, value):
        if value is not None and value.tzinfo is None:
            raise ValueError("a time needs a UTC offset, e.g. 2026-03-03T10:00:00+01:00")
        return value

    @property
    def for_good(self) -> bool:
        """``until: null`` given: held back for good (not merely "any until")."""
        return "until" in self.model_fields_set and self.until is None

    def matches(self, rec) -> bool:
        if self.for_good and getattr(rec, "until", None) is not None:
            return False
        for name, want in self.model_dump(exclude_none=True).items():
            if name == "due_by":
                if rec.window.due > want:
                    return False
                continue
            if name == "ends_by":
                if rec.window.end is None or rec.window.end > want:
                    return False
                continue
            got = getattr(rec, name, None)
            if name == "to":
                got, want = _person(got), _person(want)
            if got != want:
                return False
        return True

    def text(self) -> str:
        return ", ".join([f"{k}={v.isoformat() if isinstance(v, dt.datetime) else v}"
                          for k, v in self.model_dump(exclude_none=True).items()]
                         + (["until=for good"] if self.for_good else []))


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    events: Union[str, dict[str, Any]]
    at: dt.datetime
    expect: list[Expectation] = Field(default_factory=list)
    upcoming: list[Expectation] = Field(default_factory=list)
    held_back: list[Expectation] = Field(default_factory=list)
    forbid: list[Expectation] = Field(default_factory=list)
    exactly: Union[bool, list[Literal["expect", "upcoming", "held_back"]]] = Field(
        default=False, description="true (or the lists named): nothing else is recommended")

    def exact(self, key: str) -> bool:
        return self.exactly is True or (isinstance(self.exactly, list) and key in self.exactly)


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
    index: int = 0                # its place in the file's list


@dataclass
class Outcome:
    scenario: LoadedScenario
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def _person(name: Optional[str]) -> Optional[str]:
    from rulebook.engine.facts import person_key  # the one rule for matching names
    return None if name is None else person_key(name)


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


def policy_of(path: Union[str, Path], parsed: ScenarioFile) -> str:
    """The policy a scenario file is for: its ``policy:`` (a shipped name, or a path relative
    to the file), else ``NAME.yaml`` beside ``NAME.scenarios.yaml``."""
    from rulebook.load import shipped_path

    path = Path(path)
    if parsed.policy is None:
        return str(path.with_name(path.name.split(".scenarios.")[0] + ".yaml"))
    if shipped_path(parsed.policy) is not None:
        return parsed.policy
    return str(path.parent / parsed.policy)


def _people(timeline: Timeline) -> set[str]:
    out = set()
    for e in timeline.events:
        for person in getattr(e, "interviewers", None) or []:
            out.add(person.name)
        for key in ("name", "to", "from_"):
            value = getattr(e, key, None)
            if isinstance(value, str):
                out.add(value)
    return out


def check_names(doc: Document, loaded: list[LoadedScenario], policy) -> list[Problem]:
    """Every name an expectation gives must exist in ``policy`` or the scenario's events."""
    rules = policy.rules  # a switched-off rule's name stays meaningful (forbid it)
    known = {"action": {r.action for r in rules.values()}, "rule": set(rules),
             "limit": set(policy.active("limits")),
             "channel": set(policy.settings.channels) & set(CHANNELS)}
    what = {"action": "no rule of policy '{p}' recommends '{v}'",
            "rule": "policy '{p}' has no rule '{v}'", "limit": "policy '{p}' has no limit '{v}'",
            "channel": "policy '{p}' never recommends the channel '{v}'"}
    out = []
    for i, sc in enumerate(loaded):
        people = _people(sc.timeline)
        by_person = {_person(n): n for n in people}
        for key in ("expect", "upcoming", "held_back", "forbid"):
            for j, want in enumerate(getattr(sc.scenario, key)):
                where = ("scenarios", sc.index, key, j)
                for name, allowed in known.items():
                    value = getattr(want, name)
                    if value is not None and value not in allowed:
                        out.append(doc.problem(where + (name,), what[name].format(
                            p=policy.policy, v=value), did_you_mean(value, allowed)))
                if want.to is not None and _person(want.to) not in by_person:
                    out.append(doc.problem(where + ("to",), f"no one called '{want.to}' is in "
                                           "this scenario's events",
                                           did_you_mean(want.to, sorted(people))))
                if key not in ("held_back", "forbid") and (want.limit or
                                                            "until" in want.model_fields_set):
                    out.append(doc.problem(where + ("limit" if want.limit else "until",),
                                           f"only held-back entries have a limit and an until "
                                           f"(this is under '{key}')"))
    return out


def load_scenarios(path: Union[str, Path], policy=None
                   ) -> tuple[ScenarioFile, list[LoadedScenario]]:
    """Read and validate a scenario file; every problem located (``InvalidInput``).

    With ``policy`` (a :class:`rulebook.policy.Policy`), the names expectations give are
    checked against it too.
    """
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
                                  doc.where(("scenarios", i))[0], i))
    if policy is not None and not problems:
        problems = check_names(doc, out, policy)
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
        actual = "; ".join(_brief(r) for r in recs) or "nothing"
        for want in getattr(sc, key):
            if not any(want.matches(r) for r in recs):
                outcome.failures.append(f"expected {title}: {want.text()}\n"
                                        f"      actual {title}: {actual}")
        extra = [r for r in recs if sc.exact(key)
                 and not any(want.matches(r) for want in getattr(sc, key))]
        if extra:
            wanted = "; ".join(w.text() for w in getattr(sc, key)) or "nothing"
            outcome.failures.append(f"expected {title} exactly: {wanted}\n"
                                    f"      but also {title}: "
                                    + "; ".join(_brief(r) for r in extra))
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
    parts.append(f"due={rec.window.due.isoformat()}")
    if getattr(rec, "limit", None):
        parts.append(f"limit={rec.limit}")
        until = rec.until.isoformat() if rec.until else "for good"
        parts.append(f"until={until}")
    return " ".join(parts)


__all__ = ["Scenario", "ScenarioFile", "Expectation", "load_scenarios", "run_scenario",
           "scenario_path", "policy_of", "check_names", "Problem"]
