"""The moments at which a policy's advice on a timeline can change.

Advice changes only when something crosses a moment in time: an event becomes part of
the timeline; a window starts, falls due or ends; a limit stops being in force; a
condition relative to the evaluation time (``since: 14d``, ``where: {at: {ge: now -
14d}}``) stops or starts holding. Between two such moments the advice is the same, so
evaluating at each of them (and at the ends of a range) sees everything, however short
a window is. ``diff`` and ``simulate`` sweep a range this way; an embedding tool asks
:func:`next_change` when to ask again.

Moments are exact to the second: a window's end is still open at that instant and gone
one second later, so both instants are moments.
"""

from __future__ import annotations

import datetime as dt
import heapq
import weakref
from typing import Iterable, Iterator, Optional, Sequence

from .advice import Advice
from .policy import Policy
from .timeexpr import CALENDAR_UNITS, Offset
from .validate import time_tests
from .vocabulary import NOW

SECOND = dt.timedelta(seconds=1)


def _exact(moment: dt.datetime, seconds: int) -> dt.datetime:
    """``moment`` plus ``seconds`` on the time line, in its own zone (``+`` on an aware
    datetime adds wall-clock time: across a daylight-saving change it is an hour off)."""
    utc = moment.astimezone(dt.timezone.utc) + dt.timedelta(seconds=seconds)
    return utc.astimezone(moment.tzinfo)
MAX_MOMENTS = 20_000  # a sweep longer than this is cut short (bounded time on any input)


_OFFSETS: dict[int, frozenset] = {}  # id(policy) -> offsets, while that policy lives


def _now_offsets(policy: Policy) -> frozenset:
    """Offsets k such that a test flips when now = a fact's time - k: seconds (int), or
    calendar offsets (a tuple, moved on the application's calendar).

    ``since: d`` holds while ``at >= now - d``: k = -d. A ``where`` test against ``now +
    k`` on a time field flips when now reaches ``field - k``. Worked out once per policy
    (every evaluation asks, for its ``next_check_at``); the memo forgets a policy when it
    is gone, so recompiling again and again holds no memory (tests/test_leak.py).
    """
    known = _OFFSETS.get(id(policy))
    if known is None:
        known = _OFFSETS[id(policy)] = frozenset(_offsets(policy))
        weakref.finalize(policy, _OFFSETS.pop, id(policy), None)
    return known


def _offsets(policy: Policy) -> set:
    out: set = set()
    for section in ("derive", "rules", "limits"):
        for entry in policy.active(section).values():
            for p in entry.patterns():
                if p.since is not None and p.since.unit in CALENDAR_UNITS:
                    out.add((Offset(-1, p.since.amount, p.since.unit),))
                elif p.since is not None:
                    out.add(-p.since.seconds)
                for _, _, expr in time_tests(p):
                    if expr.anchor == NOW and expr.calendar:
                        out.add(expr.offsets)
                    elif expr.anchor == NOW and not expr.business_days:
                        out.add(expr.exact_seconds)
    return out


def _event_times(timeline) -> set[dt.datetime]:
    """Every time an event carries: when it happened and any time fields (due, decision_by)."""
    out = set()
    for e in timeline.events:
        for value in vars(e).values():
            if isinstance(value, dt.datetime):
                out.add(value)
    return out


def timeline_moments(policy: Policy, timeline) -> set[dt.datetime]:
    """The moments the timeline itself brings: its events, and the flips of now-tests."""
    times = _event_times(timeline)
    out = set(times)
    from rulebook.engine.timing import shift  # the engine's clock; it imports the language

    tz = timeline.tz
    for k in _now_offsets(policy):
        for t in times:
            if isinstance(k, tuple):  # now + k (calendar) reaches t when now = t - k
                back = tuple(Offset(-o.sign, o.amount, o.unit) for o in reversed(k))
                flip = shift(t, back, tz)
            else:
                flip = _exact(t, -k)
            out.update((flip, _exact(flip, 1)))
    return out


def advice_moments(advice: Advice) -> set[dt.datetime]:
    """The moments an answer names: window starts, dues (and the second after, when an
    action becomes overdue) and ends, limits' untils."""
    out = set()
    for rec in list(advice.actions) + list(advice.upcoming) + list(advice.held_back):
        w = rec.window
        out.update((w.start, w.due))
        if not rec.overdue:
            out.add(_exact(w.due, 1))  # overdue from the second after it
        if w.end is not None:
            out.update((w.end, _exact(w.end, 1)))
        until = rec.__dict__.get("until")  # held back only (getattr: pydantic's slow miss)
        if until is not None:
            out.add(until)
    return out


def change_moments(policy: Policy, timeline, advice: Advice, start: dt.datetime,
                   end: dt.datetime) -> list[dt.datetime]:
    """The moments from ``start`` to ``end`` at which one answer may change, sorted.

    Read from the timeline and the answer alone (no evaluation): what a picture of one
    answer marks on its time axis. A window that opens only because of another change is
    found by sweeping (:func:`sweep`), not here.
    """
    found = timeline_moments(policy, timeline) | advice_moments(advice)
    return sorted({t.astimezone(start.tzinfo) for t in found if start <= t <= end})


def next_change(policy: Policy, timeline, advice: Advice) -> Optional[dt.datetime]:
    """The first moment after ``advice.at`` at which the advice may differ, or None.

    The earliest of :func:`timeline_moments` and :func:`advice_moments` after ``at``,
    found without making them all: every evaluation asks (its ``next_check_at``), and
    the flips of a policy's exact-second now-tests are most of the moments, so they are
    compared as timestamps and only the earliest is made a datetime.
    """
    after = advice.at
    candidates = [t for t in advice_moments(advice) if t > after]
    times = _event_times(timeline)
    candidates += [t for t in times if t > after]
    offsets = _now_offsets(policy)
    calendar = [k for k in offsets if isinstance(k, tuple)]
    if calendar:
        from rulebook.engine.timing import shift  # the engine's clock

        tz = timeline.tz
        for k in calendar:
            back = tuple(Offset(-o.sign, o.amount, o.unit) for o in reversed(k))
            for t in times:
                flip = shift(t, back, tz)
                candidates += [m for m in (flip, _exact(flip, 1)) if m > after]
    exact = [k for k in offsets if not isinstance(k, tuple)]
    if exact and times:
        limit, best = after.timestamp(), None  # (timestamp, time, offset, plus a second)
        for t in times:
            stamp = t.timestamp()
            for k in exact:
                flip = stamp - k  # _exact(t, -k); the second after it is a moment too
                found = (flip, t, k, 0) if flip > limit else \
                    (flip + 1, t, k, 1) if flip + 1 > limit else None
                if found is not None and (best is None or found[0] < best[0]):
                    best = found
        if best is not None:
            _, t, k, plus = best
            flip = _exact(t, -k)
            candidates.append(_exact(flip, 1) if plus else flip)
    return min(candidates) if candidates else None


def sweep(books: Sequence, timeline, start: dt.datetime, end: dt.datetime,
          extra: Iterable[dt.datetime] = ()) -> Iterator[tuple[dt.datetime, list[Advice]]]:
    """Evaluate every book at every change moment from ``start`` to ``end`` (both included).

    Yields the moment and each book's advice, in time order. The moments of each answer
    are added as the sweep goes, so a window that opens because of an earlier one is seen.
    ``timeline`` is fixed; :func:`rulebook.simulate.simulate` runs its own loop because
    following the advice adds events.
    """
    queue = Queue(start, end)
    for book in books:
        queue.add(timeline_moments(book.loaded.policy, timeline))
    queue.add(extra)
    for at in queue:
        answers = [book.recommend(timeline, at) for book in books]
        for advice in answers:
            queue.add(advice_moments(advice))
        yield at, answers


class Queue:
    """Moments still to visit in ``[start, end]``, each once, in order (bounded)."""

    def __init__(self, start: dt.datetime, end: dt.datetime):
        self.start, self.end = start, end
        self._heap: list[tuple[float, dt.datetime]] = []
        self._seen: set[dt.datetime] = set()
        self._last: Optional[dt.datetime] = None
        self.visited = 0
        self.add((start, end))

    def add(self, moments: Iterable[dt.datetime]) -> None:
        """Queue ``moments`` (shown in the start's time zone, whatever zone they come in)."""
        for t in moments:
            t = t.astimezone(self.start.tzinfo)
            if t in self._seen or not self.start <= t <= self.end:
                continue
            if self._last is not None and t <= self._last:
                continue
            self._seen.add(t)
            heapq.heappush(self._heap, (t.timestamp(), t))

    def __iter__(self) -> Iterator[dt.datetime]:
        while self._heap and self.visited < MAX_MOMENTS:
            _, t = heapq.heappop(self._heap)
            self._last = t
            self.visited += 1
            yield t


def moments_between(book, timeline, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The change moments of one book's advice on ``timeline`` from ``start`` to ``end``."""
    return [at for at, _ in sweep([book], timeline, start, end)]
