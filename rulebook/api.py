"""The public Python API: load a policy once, evaluate many timelines.

    book = Rulebook.load("standard")          # a shipped name or a path
    advice = book.recommend(events, at)       # events: Timeline, dict, or file path
    print(advice.to_json())

A ``Rulebook`` is pure and thread-safe: it keeps no state between evaluations (each one
runs in fresh engine sessions), reads no clock and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Union

from .advice import Advice
from .compiler import Program, compile_policy
from .events import Timeline, load_timeline, timeline_from_document
from .bounds import YEARS
from .lang import check_lang
from .load import LoadedPolicy, load_policy, policy_from_resolved
from .problems import InvalidInput, Problem
from .source import Document

Events = Union[Timeline, dict, str, Path]


def as_timeline(events: Events) -> Timeline:
    """Accept a Timeline, a plain dict (as parsed JSON) or a path to a YAML/JSON file."""
    if isinstance(events, Timeline):
        return events
    if isinstance(events, dict):
        return timeline_from_document(Document(file="<events>", data=events))
    return load_timeline(str(events))


def as_moment(at: Any) -> dt.datetime:
    """An aware datetime; ISO 8601 text is accepted, a naive time is an error."""
    if isinstance(at, str):
        try:
            at = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput([Problem("--at", 0, 0, f"'{at}' is not an ISO 8601 time")]) from None
    if not isinstance(at, dt.datetime) or at.tzinfo is None:
        raise InvalidInput([Problem("--at", 0, 0, "the evaluation time needs a UTC offset, "
                                    "e.g. 2026-03-09T09:00:00+01:00")])
    if not YEARS[0] <= at.year <= YEARS[1]:
        raise InvalidInput([Problem("--at", 0, 0, f"'{at.isoformat()}' is out of range: "
                                    f"years {YEARS[0]} to {YEARS[1]} (the limit)")])
    return at


class Rulebook:
    """A compiled policy, ready to evaluate timelines."""

    def __init__(self, loaded: LoadedPolicy, *, evaluator: str = "durable"):
        from rulebook.engine import make_evaluator  # the runtime depends on the language, not back

        self.loaded = loaded
        self.program: Program = compile_policy(loaded)
        self._kind = evaluator
        self._evaluator = make_evaluator(self.program, evaluator)

    def __reduce__(self):
        """Pickle as the resolved policy document; unpickling recompiles it.

        The engine's rulesets are handles into process-global C tables: shared with
        another process, they would evaluate whatever policy that process registered
        under them. The document (data and positions) is plain data, and compiling it
        again gives the same advice in any process.
        """
        return (_from_document, (self.loaded.document, self._kind))

    @classmethod
    def load(cls, ref: str | Path = "standard", *, text: str | None = None,
             evaluator: str = "durable") -> "Rulebook":
        """Load, validate and compile a policy (a shipped name, a path, or ``text``)."""
        return cls(load_policy(ref, text=text), evaluator=evaluator)

    @property
    def name(self) -> str:
        return self.loaded.name

    @property
    def digest(self) -> str:
        """sha256 of the resolved policy (see :attr:`LoadedPolicy.digest`)."""
        return self.loaded.digest

    def recommend(self, events: Events, at: Any, lang: str | None = None) -> Advice:
        """What to do now, what comes next, and what is held back, as of ``at``.

        Reasons and drafts are in ``lang`` (``en`` or ``de``; default: the events
        document's ``lang``, else English); keys, actions and codes never change.
        """
        from rulebook.engine.outcome import advise

        timeline = as_timeline(events)
        moment = as_moment(at)
        matches = self._evaluator.matches(timeline, moment)
        try:
            lang = check_lang(lang or timeline.lang)
        except ValueError as exc:
            raise InvalidInput([Problem("--lang", 0, 0, str(exc))]) from None
        return advise(self.program, timeline, moment, matches, lang)

    def close(self) -> None:
        """Free the engine's rulesets (optional; also done when collected)."""
        self._evaluator.close()


def _from_document(document: Document, evaluator: str) -> Rulebook:
    """Unpickling: compile the policy again, in this process."""
    return Rulebook(policy_from_resolved(document), evaluator=evaluator)
