"""Streamed evaluation with a sampled memory curve: ``python -m benchmarks.memory N``.

Timelines are generated one at a time and evaluated with the standard policy; the
resident memory is sampled ``SAMPLES`` times along the way. Prints one JSON object.
Run in its own process so earlier measurements do not colour the curve.
"""

from __future__ import annotations

import json
import sys
import time

from rulebook import Rulebook

from .measure import rss_mb
from .workload import applications

SAMPLES = 20


def stream(n: int) -> dict:
    book = Rulebook.load("standard")
    every = max(1, n // SAMPLES)
    curve = []
    start = time.perf_counter()
    for i, (timeline, at) in enumerate(applications(n), start=1):
        book.recommend(timeline, at).to_json()
        if i % every == 0 or i == n:
            curve.append((i, round(rss_mb(), 1)))
    elapsed = time.perf_counter() - start
    return {"n": n, "seconds": elapsed, "per_s": n / elapsed, "curve": curve}


if __name__ == "__main__":
    print(json.dumps(stream(int(sys.argv[1]))))
