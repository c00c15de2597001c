"""The reference evaluator: the policy language's definition, executed naively in Python.

It exists to check the durable-rules path, so it shares with it only the parsed policy
model (:mod:`rulebook.policy`), the events model (:mod:`rulebook.events`) and the output
model (:mod:`rulebook.advice`), with the output's vocabulary (:mod:`rulebook.lang`:
rulebook's own words and dates in English or German). Its own code reads the timeline into facts
(:mod:`.facts`), does the time arithmetic (:mod:`.clock`), matches every entry by trying
every binding (:mod:`.matching`) and turns matches into advice (:mod:`.advising`), each
written from the README. It is slow (exponential in an entry's names) and meant to be
obviously right; ``tests/test_reference.py`` checks that it imports nothing else of the
engine's.
"""

from __future__ import annotations

import datetime as dt

from rulebook.advice import Advice

from .advising import advise
from .clock import whole_seconds
from .facts import timeline_facts
from .matching import Kinds, Match, Matcher

__all__ = ["Match", "ReferenceEvaluator"]


class ReferenceEvaluator:
    """Matches and advice of one policy, by brute force."""

    def __init__(self, program):
        # a compiled program or a loaded policy: only the policy model is read
        loaded = getattr(program, "loaded", program)
        self.policy = getattr(loaded, "policy", loaded)
        self._digest = getattr(loaded, "digest", None)
        self._matcher = Matcher(self.policy)
        self._kinds = Kinds(self.policy)

    def matches(self, timeline, at: dt.datetime) -> list[Match]:
        now = whole_seconds(at)
        return self._matcher.matches(timeline_facts(timeline, now), now, timeline.tz)

    def advise(self, timeline, at: dt.datetime, lang=None) -> Advice:
        lang = lang or getattr(timeline, "lang", None) or "en"
        return advise(self.policy, self._kinds, timeline, at, self.matches(timeline, at),
                      lang, self._digest)

    def close(self) -> None:
        """Nothing to free: the reference holds no engine state."""
