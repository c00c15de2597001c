"""Timing and memory helpers: repeated runs summarised as median, min and max.

Rates and durations are CPU time of this process (``time.process_time``) unless a
caller passes ``clock=time.perf_counter``: the machines these run on are shared, and
wall time counts the moments the scheduler gave the core to another process.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class Stat:
    """A measurement repeated ``len(values)`` times."""

    values: list[float]
    unit: str

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def as_dict(self) -> dict:
        return {"median": self.median, "min": self.low, "max": self.high, "unit": self.unit,
                "runs": len(self.values)}


CPU = time.process_time


def rate(fn: Callable[[], int], repeats: int, clock: Callable[[], float] = CPU) -> Stat:
    """Items per second of ``fn`` (which returns how many items it handled), per run."""
    out = []
    for _ in range(repeats):
        start = clock()
        n = fn()
        out.append(n / max(clock() - start, 1e-9))
    return Stat(out, "per s")


def seconds(fn: Callable[[], object], repeats: int, scale: float = 1.0, unit: str = "s",
            clock: Callable[[], float] = CPU) -> Stat:
    out = []
    for _ in range(repeats):
        start = clock()
        fn()
        out.append((clock() - start) * scale)
    return Stat(out, unit)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def rss_mb() -> float:
    """This process's resident memory now, in MiB (Linux /proc)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
