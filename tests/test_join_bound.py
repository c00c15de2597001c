"""The quick bound that lets the runtime skip counting joins (engine/runtime.py): with n
facts present, an entry of k patterns forms at most n ** k combinations, so it may only
skip the exact count when that bound is within the limit."""

import random

import pytest

from rulebook import Rulebook
from rulebook.load import shipped_policies
from rulebook.engine.facts import join_work


@pytest.mark.parametrize("name", shipped_policies())
def test_exact_join_work_never_exceeds_n_to_the_k(name):
    book = Rulebook.load(name)
    rng = random.Random(5)
    types = sorted({t for s in book.program.strata for e in s.entries.values()
                    for needs in e.needs for t in needs})
    for _ in range(300):
        counts = {t: rng.randint(0, 12) for t in rng.sample(types, rng.randint(1, len(types)))}
        n = sum(counts.values())
        for stratum in book.program.strata:
            for entry in stratum.entries.values():
                assert join_work(entry, counts) <= n ** len(entry.needs)
    book.close()
