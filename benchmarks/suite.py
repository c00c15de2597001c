"""The measurements. Each returns plain data; ``report`` turns it into RESULTS.md.

Every comparison runs on the same generated applications, and every engine's matches
are checked equal to ours (key for key) before anything is timed.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import orjson

from rulebook import Rulebook
from rulebook.load import shipped_policies

from .measure import Stat, percentile, rate, seconds
from .workload import applications, documents, padded

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "panel.yaml"
EXAMPLE_AT = "2026-03-03T09:00:00+01:00"


@dataclass
class Config:
    name: str
    repeats: int
    batch_sizes: tuple[int, ...]        # applications per batch-throughput row
    latency_calls: int
    compare_n: int                      # applications for the side-by-side rows
    experta_n: int                      # experta is slow: its rows use the first n of them
    stream_n: int                       # streamed applications for the memory curve
    events: tuple[int, ...]
    rules: tuple[int, ...]
    cold_runs: int
    clips_trap_n: int                   # 0: skip the clipspy-leak demonstration


QUICK = Config("quick", 3, (1_000,), 500, 300, 60, 5_000, (5, 20, 50, 200, 800), (10, 40),
               3, 0)
FULL = Config("full", 5, (1_000, 10_000, 100_000), 5_000, 5_000, 500, 1_000_000,
              (5, 10, 20, 50, 100, 200, 400, 800), (10, 20, 40, 80, 100, 200, 1_000), 7, 20_000)
TINY = Config("tiny", 1, (50,), 50, 40, 10, 200, (5, 20), (10,), 1, 0)


def keys(matches) -> set[tuple]:
    """Our matches as comparable keys."""
    return {m.key for m in matches}


def _batch(book: Rulebook, lines) -> Callable[[], int]:
    """JSON text in, advice JSON out: what a batch caller pays, validation included."""
    def run() -> int:
        for text, at in lines:
            book.recommend(orjson.loads(text), at).to_json()
        return len(lines)
    return run


def _matching(fn, apps) -> Callable[[], int]:
    def run() -> int:
        for timeline, at in apps:
            fn(timeline, at)
        return len(apps)
    return run


def throughput(cfg: Config, log) -> dict:
    book = Rulebook.load("standard")
    out = {}
    for n in cfg.batch_sizes:
        log(f"throughput: generating {n:,} applications")
        apps = [(orjson.dumps(doc).decode(), at) for doc, at in documents(n)]
        for t, a in apps[:100]:
            book.recommend(orjson.loads(t), a)
        gc.collect()
        repeats = cfg.repeats if n <= 10_000 else max(1, cfg.repeats // 2)
        log(f"throughput: {n:,} applications x {repeats}")
        out[n] = rate(_batch(book, apps), repeats)
        del apps
    return out


def latency(cfg: Config, log) -> dict:
    book = Rulebook.load("standard")
    apps = list(applications(cfg.latency_calls, seed=99))
    for t, a in apps[:50]:
        book.recommend(t, a)
    runs, cpu_runs = [], []
    for _ in range(cfg.repeats):
        times, cpu = [], []
        for t, a in apps:
            start, start_cpu = time.perf_counter(), time.thread_time()
            book.recommend(t, a).to_json()
            times.append((time.perf_counter() - start) * 1e3)
            cpu.append((time.thread_time() - start_cpu) * 1e3)
        runs.append(times)
        cpu_runs.append(cpu)
    log("latency done")
    return {"p50": Stat([percentile(r, 50) for r in runs], "ms"),
            "p99": Stat([percentile(r, 99) for r in runs], "ms"),
            "max": Stat([max(r) for r in runs], "ms"),
            "cpu p50": Stat([percentile(r, 50) for r in cpu_runs], "ms"),
            "cpu p99": Stat([percentile(r, 99) for r in cpu_runs], "ms"),
            "load": os.getloadavg()}


def compile_times(cfg: Config, log) -> dict:
    from rulebook.compiler import compile_policy
    from rulebook.load import load_policy
    out = {}
    for name in shipped_policies():
        def whole():
            Rulebook.load(name).close()
        loaded = load_policy(name)
        out[name] = {
            "load+compile+register": seconds(whole, cfg.repeats + 2, 1e3, "ms"),
            "compile only": seconds(lambda: compile_policy(loaded), cfg.repeats + 2, 1e3, "ms"),
        }
    log("compile done")
    return out


def cold_start(cfg: Config, log) -> dict:
    exe = Path(sys.executable).with_name("rulebook")
    cmd = [str(exe), "recommend", str(EXAMPLE), "--policy", "standard", "--at", EXAMPLE_AT,
           "--format", "json"]
    bare = [sys.executable, "-c", "pass"]
    imports = [sys.executable, "-c", "import rulebook, engine.runtime, engine.outcome"]

    def run(c):
        return lambda: subprocess.run(c, check=True, capture_output=True)

    def wall(c):  # a child process: its wall time (our CPU clock would not see it)
        return seconds(run(c), cfg.cold_runs, 1e3, "ms", clock=time.perf_counter)
    out = {"rulebook recommend": wall(cmd),
           "python -c pass": wall(bare),
           "python -c 'import rulebook, engine...'": wall(imports),
           "command": " ".join(["rulebook"] + cmd[1:])}
    log("cold start done")
    return out


def memory(cfg: Config, log, env: dict | None = None, n: int | None = None) -> dict:
    n = n or cfg.stream_n
    log(f"memory: streaming {n:,} applications in a fresh process {env or ''}")
    proc = subprocess.run([sys.executable, "-m", "benchmarks.memory", str(n)],
                          check=True, capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})})
    return json.loads(proc.stdout.strip().splitlines()[-1])


def events_curve(cfg: Config, log) -> dict:
    """CPU time per evaluation of one padded timeline, for each length in ``cfg.events``."""
    book = Rulebook.load("standard")
    out = {}
    for n in cfg.events:
        timeline, at = padded(n)
        reps = max(3, 2000 // n)
        book.recommend(timeline, at)
        stat = seconds(lambda: [book.recommend(timeline, at) for _ in range(reps)],
                       cfg.repeats, 1e6 / reps, "us")
        facts = sum(1 for _ in book._evaluator.matches(timeline, at))
        out[n] = {"us": stat, "matches": facts}
    log("events curve done")
    return out


def rules_curve(cfg: Config, log, timeout: float = 180) -> dict:
    """Each size in its own process: registering a large ruleset can take minutes."""
    out = {}
    for n in cfg.rules:
        try:
            proc = subprocess.run([sys.executable, "-m", "benchmarks.rules", str(n),
                                   str(cfg.repeats)], capture_output=True, text=True, cwd=ROOT,
                                  timeout=timeout)
            row = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else {
                "error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
        except subprocess.TimeoutExpired:
            row = {"error": f"not ready after {timeout:.0f} s (durable-rules create_ruleset)"}
        if "us" in row:
            row["us"] = Stat(row["us"], "us")
        out[n] = row
        log(f"rules curve: {n} rules: {row.get('error', 'done')}")
    return out


def side_by_side(cfg: Config, log) -> dict:
    """Every engine on the same applications; outputs checked equal, then timed."""
    from .anchors.subset import RawDurable, plain_matches, subset_policy_text
    apps = list(applications(cfg.compare_n, seed=11))
    book = Rulebook.load("standard")
    ours = book._evaluator
    expected = [keys(ours.matches(t, a)) for t, a in apps]
    rows: dict[str, dict] = {}
    notes: list[str] = []

    def add(name, fn, n=len(apps), group="standard policy", want=expected, timed=None):
        got = [fn(t, a) for t, a in apps[:n]]
        bad = sum(1 for g, w in zip(got, want[:n]) if g != w)
        row = {"group": group, "n": n, "mismatches": bad}
        timed = timed or fn  # what is timed, once its outputs were checked through fn
        if bad == 0:
            for t, a in apps[:min(n, 20)]:
                timed(t, a)
            row["rate"] = rate(_matching(timed, apps[:n]), cfg.repeats)
        rows[name] = row
        log(f"side by side: {name} ({n} apps, {bad} mismatches)")

    add("rulebook: recommend (matching + advice + JSON)", lambda t, a: keys(ours.matches(t, a)),
        timed=lambda t, a: book.recommend(t, a).to_json())
    add("rulebook: matches (durable-rules)", lambda t, a: keys(ours.matches(t, a)))
    reference = Rulebook.load("standard", evaluator="reference")._evaluator
    add("rulebook: reference evaluator", lambda t, a: keys(reference.matches(t, a)))
    try:
        from .anchors.clips_anchor import ClipsEvaluator
        clips_assert = ClipsEvaluator("assert")
        add("CLIPS 6.4 via clipspy 1.0.6: templates, assert_fact, release fixed",
            clips_assert.matches)
        clips_load = ClipsEvaluator("load")
        add("CLIPS 6.4 via clipspy 1.0.6: templates, load_facts string", clips_load.matches)
    except ImportError as exc:
        notes.append(f"CLIPS rows skipped: clipspy not installed ({exc})")
    try:
        from .anchors.experta_anchor import ExpertaEvaluator
        add("experta 1.9.4 (compat fix)", ExpertaEvaluator().matches, n=min(cfg.experta_n, len(apps)))
    except ImportError as exc:
        notes.append(f"experta rows skipped: experta not installed ({exc})")
    # the cost of our layer, and the floor, on four rules
    rules = list(book.program.policy.rules)
    subset = Rulebook.load("standard_subset.yaml", text=subset_policy_text(rules))
    want = [keys(subset._evaluator.matches(t, a)) for t, a in apps]
    raw = RawDurable()
    group = "4-rule subset"
    add("rulebook: matches, subset", lambda t, a: keys(subset._evaluator.matches(t, a)),
        group=group, want=want)
    add("durable-rules used directly, subset", raw.matches, group=group, want=want)
    add("plain Python function, subset (floor)", plain_matches, group=group, want=want)
    from rulebook.engine.facts import timeline_facts
    rows["timeline -> facts alone (part of every row above)"] = {
        "group": group, "n": len(apps), "mismatches": 0,
        "rate": rate(_matching(timeline_facts, apps), cfg.repeats)}
    return {"rows": rows, "notes": notes, "n": len(apps)}


def clips_trap(cfg: Config, log) -> dict | None:
    """clipspy 1.0.6 unpatched, one environment reused: the leak the issue describes."""
    if not cfg.clips_trap_n:
        return None
    code = ("import json,time\n"
            "from benchmarks.anchors.clips_anchor import ClipsEvaluator\n"
            "from benchmarks.workload import applications\n"
            "from benchmarks.measure import rss_mb\n"
            "import benchmarks.anchors.clips_anchor as c\n"
            "c._RELEASE_PATCHED = True  # pretend: keep clipspy's broken finaliser\n"
            "e = ClipsEvaluator('assert'); out = []; t = time.perf_counter()\n"
            f"for i, (tl, at) in enumerate(applications({cfg.clips_trap_n}, seed=3), 1):\n"
            "    e.matches(tl, at)\n"
            "    if i % 2000 == 0:\n"
            "        now = time.perf_counter(); out.append((i, round(2000 / (now - t)), round(rss_mb(), 1))); t = now\n"
            "print(json.dumps(out))\n")
    log(f"clipspy leak demonstration: {cfg.clips_trap_n:,} candidates, one environment")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    return {"unpatched": json.loads(proc.stdout.strip().splitlines()[-1])}
