"""Memory stays flat when the same policy is compiled, evaluated and closed again and
again (the playground recompiles on every edit; test suites load a policy per test).

The durable-rules C core does not give back all of a deleted ruleset's memory, so every
compile used to leak about half a MiB; rulesets are now shared by definition
(``engine.session``). RSS is read from /proc (Linux), and the bound is generous: the
leak it guards against is an order of magnitude larger.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

STATM = Path("/proc/self/statm")
POLICIES = Path(__file__).resolve().parent.parent / "policies"
# a policy of the standard's size, under another name (as a coach's copy would be): a
# small one happens not to show the leak
POLICY = (POLICIES / "standard.yaml").read_text().replace("policy: standard", "policy: churn", 1)
EVENTS = {"timezone": "UTC", "events": [
    {"type": "interview", "at": "2026-03-02T10:00:00+00:00",
     "interviewers": [{"name": "Dana Lee"}, {"name": "Sam Ortiz"}]},
    {"type": "thank_you_sent", "at": "2026-03-02T18:00:00+00:00", "to": "Dana Lee",
     "channel": "email"}]}
AT = "2026-03-09T12:00:00+00:00"
CYCLES = 120


_CHILD = """
import json, sys
from pathlib import Path
from rulebook.api import Rulebook
from rulebook.engine import session
path, cycles, idle_max, events, at = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
if idle_max != "default":
    session._IDLE_MAX = int(idle_max)
def rss():
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20
Rulebook.load(path).close()  # warm up: imports, caches
marks = []
for i in range(cycles + 1):
    if i in (0, cycles // 2, cycles):
        marks.append(rss())
    if i == cycles:
        break
    book = Rulebook.load(path)
    book.recommend(json.loads(events), at)
    book.close()
print(marks[2] - marks[1])
"""


def _second_half_growth(path: Path, idle_max: str) -> float:
    """RSS growth over the second half of the cycles, in a fresh process: memory freed by
    earlier tests and reused would hide a leak."""
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(CYCLES), idle_max,
                           json.dumps(EVENTS), AT], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return float(done.stdout.strip())


@pytest.mark.skipif(not STATM.exists(), reason="reads RSS from /proc")
def test_compiling_the_same_policy_again_and_again_keeps_memory_flat(tmp_path):
    path = tmp_path / "churn.yaml"
    path.write_text(POLICY)
    second = _second_half_growth(path, "default")
    assert second < 4.0, f"RSS grew {second:.1f} MiB over the last {CYCLES // 2} compile/close cycles"


@pytest.mark.skipif(not STATM.exists(), reason="reads RSS from /proc")
def test_without_the_shared_rulesets_the_same_cycles_leak(tmp_path):
    """The measurement above can see the leak: with no idle rulesets kept, every
    compile registers new rulesets in the C core, and memory grows."""
    path = tmp_path / "churn.yaml"
    path.write_text(POLICY)
    second = _second_half_growth(path, "0")
    assert second > 8.0, f"RSS grew only {second:.1f} MiB without sharing"
