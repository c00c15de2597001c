"""Problems found in a user's file, each located at FILE:LINE:COL.

Every loader and validator collects problems instead of stopping at the first one, so
a coach sees all that is wrong in a file in one run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable

from .terminal import visible


@dataclass(frozen=True, order=True)
class Problem:
    """One located message. ``line`` and ``col`` are 1-based; 0 means unknown."""

    file: str
    line: int
    col: int
    message: str
    hint: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        """One line, whatever the file name or message holds (see :mod:`.terminal`)."""
        where = f"{visible(self.file)}:{self.line}:{self.col}: "
        if self.severity == "warning":
            where += "warning: "
        text = where + visible(self.message)
        if self.hint:
            text += f" ({visible(self.hint)})"
        return text


class InvalidInput(Exception):
    """Raised with every problem of a file (or of several files) at once."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))



class TooMuchWork(InvalidInput):
    """A timeline the engine refuses to evaluate because its joins would exceed the
    documented bound (:data:`rulebook.bounds.MAX_JOIN`): valid input, too big to match."""

@dataclass
class Collector:
    """Accumulates problems for one file; ``raise_if_any`` ends the stage."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, pos: tuple[int, int], message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.file, pos[0], pos[1], message, hint))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InvalidInput(self.problems)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest allowed word, or listing the allowed ones."""
    choices = sorted(set(choices))
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if choices and len(choices) <= 12:
        return "allowed: " + ", ".join(choices)
    return ""
