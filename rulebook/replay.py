"""What a new policy would have said to the requests a service already answered.

``rulebook serve`` logs every decision with its input (events and evaluation time). A
replay evaluates each logged input under another policy and compares the two answers as
``rulebook diff`` does (by action and person: added, removed, status, channel, timing),
so a coach sees what a change would have told real candidates, request by request.
The evaluation time is the logged one, never the clock: replaying twice gives the same
report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import orjson
from pydantic import ValidationError

from .advice import Advice
from .api import Rulebook, as_moment
from .policydiff import KINDS, Change, Report, compare
from .problems import InvalidInput, Problem


@dataclass(frozen=True)
class Decision:
    """One logged decision: who asked, about what, and what was answered."""

    line: int
    request_id: str
    ident: Any
    events: Any
    at: dt.datetime
    advice: Advice

    @property
    def name(self) -> str:
        label = f"request {self.request_id}"
        return label if self.ident is None else f"{label} (id {self.ident})"


@dataclass
class Replay:
    """The decisions replayed, the changes found, and the log lines that could not be read."""

    decisions: int = 0
    changed: int = 0
    old_policies: set[tuple[str, str]] = field(default_factory=set)
    report: Report = field(default_factory=Report)
    per_decision: list[tuple[Decision, list[Change]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def render(self, new: Rulebook, examples: int = 3) -> str:
        olds = ", ".join(f"{n} {d[:12]}" for n, d in sorted(self.old_policies)) or "none"
        lines = [f"replayed {self.decisions} decision(s) answered by {olds} under "
                 f"{new.name} {new.digest[:12]}: {self.changed} would change"]
        if self.report.changes:
            lines += [line.replace(" timeline(s): ", " request(s): ")
                      for line in self.report.render(examples).splitlines()[1:]]
        return "\n".join(lines) + "\n"

    def to_json(self) -> bytes:
        return orjson.dumps({"decisions": self.decisions, "changed": self.changed, "changes": [
            {"request_id": d.request_id, "id": d.ident, "at": d.at.isoformat(timespec="seconds"),
             "changes": [{"kind": c.kind, "action": c.action, "to": c.to, "old": c.old,
                          "new": c.new} for c in changes]}
            for d, changes in self.per_decision if changes]}, option=orjson.OPT_INDENT_2) + b"\n"


def read_log(path: str | Path, problems: list[Problem]) -> Iterator[Decision]:
    """The decisions of a log file; a line that is not one is a located problem."""
    name = str(path)
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise InvalidInput([Problem(name, 0, 0, f"cannot read: {exc.strerror}")]) from None
    with handle:
        for n, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                entry = orjson.loads(raw)
                yield Decision(n, str(entry["request_id"]), entry.get("id"),
                               entry["input"]["events"], as_moment(entry["input"]["at"]),
                               Advice.model_validate(entry["advice"]))
            except orjson.JSONDecodeError as exc:
                problems.append(Problem(name, n, exc.colno, f"not JSON: {exc.msg}"))
            except (KeyError, TypeError):
                problems.append(Problem(name, n, 1, "not a decision: a line has 'request_id', "
                                        "'input' (with 'events' and 'at') and 'advice'"))
            except (ValidationError, InvalidInput) as exc:
                problems.append(Problem(name, n, 1, f"not a decision: {exc}".splitlines()[0]))


def replay(log: str | Path, new: Rulebook) -> Replay:
    """Every decision of ``log`` evaluated again under ``new``, compared with what was said."""
    out = Replay()
    seen: set[tuple] = set()
    for d in read_log(log, out.problems):
        try:
            advice = new.recommend(d.events, d.at)
        except InvalidInput as exc:
            out.problems += [Problem(str(log), d.line, 1, f"input of request {d.request_id}: "
                                     f"{p.message}") for p in exc.problems]
            continue
        out.decisions += 1
        out.old_policies.add((d.advice.policy, d.advice.policy_digest or "?"))
        changes = compare(d.advice, advice, d.name, d.at)
        out.per_decision.append((d, changes))
        out.changed += bool(changes)
        for c in changes:
            key = (c.kind, c.timeline, c.action, c.to)
            if key not in seen:
                seen.add(key)
                out.report.changes.append(c)
    out.report.timelines = out.report.evaluations = out.decisions
    return out


__all__ = ["Decision", "Replay", "read_log", "replay", "KINDS"]
