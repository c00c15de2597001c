"""The results as Markdown: machine, date, commands, medians (min-max), ratios, targets."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

from .measure import Stat

ROOT = Path(__file__).resolve().parent.parent


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True).stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def _mem_gib() -> str:
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        return f"{kb / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        return "?"


def fmt(stat: Stat, digits: int = 0) -> str:
    f = f"{{:,.{digits}f}}"
    return f"{f.format(stat.median)} ({f.format(stat.low)}–{f.format(stat.high)})"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def render(r: dict) -> str:
    import os
    cfg = r["config"]
    out = [f"# Benchmarks ({cfg.name} run)", ""]
    out += ["| | |", "|---|---|",
            f"| date (UTC) | {r['started']:%Y-%m-%d %H:%M} |",
            f"| machine | {_cpu()}, {os.cpu_count()} cores, {_mem_gib()} |",
            f"| Python | {platform.python_version()} ({platform.platform()}) |",
            f"| durable-rules | {_version('durable_rules')}; clipspy {_version('clipspy')}; "
            f"experta {_version('experta')} |",
            f"| commit | {_commit()} |",
            f"| command | `{r['argv']}` (took {r['seconds']:.0f} s) |",
            f"| repeats | each figure is the median of {cfg.repeats} runs (min–max) unless said |",
            ""]
    targets: list[tuple[str, str, str]] = []

    if "throughput" in r:
        out += ["## Batch throughput, standard policy, one process", "",
                "Events document as JSON text → validated timeline → advice → canonical JSON "
                "(the documents generated beforehand); CPU time of the process.", "",
                "| applications | applications/s |", "|---:|---:|"]
        for n, st in r["throughput"].items():
            out.append(f"| {n:,} | {fmt(st)} |")
        best = max(st.median for st in r["throughput"].values())
        targets.append(("≥ 10,000 applications/s, batch, one core", f"{best:,.0f}/s",
                        _verdict(best >= 10_000) + (f" ({10_000 / best:.1f}× short)" if best < 10_000 else "")))
        out.append("")
    if "latency" in r:
        lat = r["latency"]
        out += ["## One warm evaluation", "",
                f"{r['config'].latency_calls:,} different applications, one call each, per run. "
                "Wall time counts the moments the scheduler gave the core to another process "
                f"(load average then: {', '.join(f'{x:.1f}' for x in lat['load'])} on 2 cores); "
                "the thread's CPU time does not.", "",
                "| | p50 ms | p99 ms | max ms |", "|---|---:|---:|---:|",
                f"| wall | {fmt(lat['p50'], 3)} | {fmt(lat['p99'], 3)} | {fmt(lat['max'], 3)} |",
                f"| CPU | {fmt(lat['cpu p50'], 3)} | {fmt(lat['cpu p99'], 3)} | |", ""]
        p99, cpu99 = lat["p99"].median, lat["cpu p99"].median
        targets.append(("one evaluation p99 < 1 ms", f"wall {p99:.3f} ms, CPU {cpu99:.3f} ms",
                        _verdict(p99 < 1) + ("" if p99 < 1 else
                                             " on wall time (met on CPU time)" if cpu99 < 1 else "")))
    if "compile" in r:
        out += ["## Compile time of each shipped policy (ms)", "",
                "| policy | load + validate + compile + register | compile only |", "|---|---:|---:|"]
        for name, row in r["compile"].items():
            out.append(f"| {name} | {fmt(row['load+compile+register'], 1)} | "
                       f"{fmt(row['compile only'], 2)} |")
        std = r["compile"].get("standard")
        if std:
            ms = std["load+compile+register"].median
            targets.append(("compile of the standard policy < 50 ms (load to ready)", f"{ms:.1f} ms",
                            _verdict(ms < 50)))
        out.append("")
    if "cold_start" in r:
        cs = r["cold_start"]
        out += ["## Cold start, whole process (ms)", "", f"`{cs['command']}`", "",
                "| process | wall ms |", "|---|---:|"]
        for k, v in cs.items():
            if k != "command":
                out.append(f"| {k} | {fmt(v)} |")
        ms = cs["rulebook recommend"].median
        targets.append(("`rulebook recommend` cold start < 0.5 s", f"{ms:.0f} ms", _verdict(ms < 500)))
        out.append("")
    for key, title in (("memory", "default allocator settings"),
                       ("memory_trim", "MALLOC_TRIM_THRESHOLD_=134217728")):
        if key in r:
            m = r[key]
            curve = m["curve"]
            first, last = curve[0][1], curve[-1][1]
            peak = max(c[1] for c in curve)
            out += [f"## Memory, {m['n']:,} applications streamed ({title})", "",
                    f"Generated one at a time, evaluated, dropped; resident memory sampled "
                    f"{len(curve)} times. {m['per_s']:,.0f} applications/s including generation "
                    f"and validation.", "",
                    "| applications | RSS MiB |", "|---:|---:|"]
            out += [f"| {i:,} | {mb} |" for i, mb in curve]
            out.append("")
            if key == "memory":
                growth = last - first
                targets.append((f"memory flat over {m['n']:,} streamed applications",
                                f"{first} → {last} MiB (peak {peak})", _verdict(growth < 0.05 * first + 5)))
    if "events" in r:
        out += ["## Growth with the events of one timeline", "",
                "One timeline: an interview, then cycles of follow-up or call and (2 in 3) "
                "a reply. CPU time of the process.", "", "| events | µs per evaluation | µs per event | matches |",
                "|---:|---:|---:|---:|"]
        rows = r["events"]
        for n, row in rows.items():
            out.append(f"| {n} | {fmt(row['us'])} | {row['us'].median / n:,.1f} | {row['matches']} |")
        ns = sorted(rows)
        # linear: time per event roughly constant; quadratic: it grows with n. From 20
        # events on: below that, the fixed cost of an evaluation dominates
        mid = [n for n in ns if n >= 20] or ns
        per_lo = rows[mid[0]]["us"].median / mid[0]
        per_hi = rows[mid[-1]]["us"].median / mid[-1]
        ratio = per_hi / per_lo
        targets.append((f"time per event flat: {mid[-1]} events ≤ 1.5× per event of {mid[0]}",
                        f"{per_lo:.1f} → {per_hi:.1f} µs/event (×{ratio:.2f})",
                        _verdict(ratio <= 1.5)))
        out.append("")
    if "rules" in r:
        out += ["## Growth with the rules of a policy (generated)", "",
                "Four shapes of rule cycled (benchmarks/rules.py); 200 generated applications.", "",
                "| rules | load (parse + validate) ms | compile ms | register in durable-rules ms "
                "| µs per application | note |", "|---:|---:|---:|---:|---:|---|"]
        for n, row in r["rules"].items():
            us = fmt(row["us"]) if "us" in row else "–"
            cells = [f"{row[k]:,.1f}" if k in row else "–"
                     for k in ("load ms", "compile ms", "register ms")]
            out.append(f"| {n:,} | {' | '.join(cells)} | {us} | {row.get('error', '')} |")
        out.append("")
    if "side_by_side" in r:
        sbs = r["side_by_side"]
        rows = sbs["rows"]
        out += ["## Side by side, same generated applications", "",
                f"{sbs['n']:,} applications (seed 11). Before timing, every engine's matches "
                "(entry, bound fact ids) were compared with ours, application by application; "
                "a row with mismatches is not timed. Every row includes the conversion of the "
                "timeline into facts (its own row below).", "",
                "| engine | applications | mismatches | applications/s | vs ours |",
                "|---|---:|---:|---:|---:|"]
        base = rows.get("rulebook: matches (durable-rules)", {}).get("rate")
        sub = rows.get("rulebook: matches, subset", {}).get("rate")
        for name, row in rows.items():
            ref = sub if row["group"] != "standard policy" else base
            st = row.get("rate")
            ratio = f"{ref.median / st.median:.2f}× our time" if st and ref else ""
            out.append(f"| {name} | {row['n']:,} | {row['mismatches']} | "
                       f"{fmt(st) if st else 'not timed'} | {ratio} |")
        for note in sbs["notes"]:
            out.append(f"\n{note}")
        out.append("")
        clips = rows.get("CLIPS 6.4 via clipspy 1.0.6: templates, assert_fact, release fixed", {}).get("rate")
        clips2 = rows.get("CLIPS 6.4 via clipspy 1.0.6: templates, load_facts string", {}).get("rate")
        fastest_clips = max([c for c in (clips, clips2) if c], key=lambda s: s.median, default=None)
        if base and fastest_clips:
            ok = base.median >= fastest_clips.median
            targets.append(("at least as fast as CLIPS (fastest clipspy way)",
                            f"ours {base.median:,.0f}/s vs CLIPS {fastest_clips.median:,.0f}/s",
                            _verdict(ok) + ("" if ok else f" ({fastest_clips.median / base.median:.2f}× slower)")))
        exp = rows.get("experta 1.9.4 (compat fix)", {}).get("rate")
        if base and exp:
            x = base.median / exp.median
            targets.append(("10× faster than experta", f"{x:.1f}×", _verdict(x >= 10)))
        raw = rows.get("durable-rules used directly, subset", {}).get("rate")
        if sub and raw:
            x = raw.median / sub.median
            targets.append(("our layer ≤ 1.5× durable-rules used directly (4 rules)",
                            f"{x:.2f}×", _verdict(x <= 1.5)))
    if r.get("clips_trap"):
        out += ["## The clipspy 1.0.6 leak (why the CLIPS rows patch it)", "",
                "One environment reused, facts asserted through templates, clipspy's own "
                "`Fact.__del__` (which calls `ReleaseFact(env, fact)` on CLIPS 6.4's "
                "`ReleaseFact(fact)`; the TypeError is swallowed, so no retracted fact is ever "
                "freed).", "", "| candidates | candidates/s over the last 2,000 | RSS MiB |",
                "|---:|---:|---:|"]
        out += [f"| {i:,} | {v:,} | {mb} |" for i, v, mb in r["clips_trap"]["unpatched"]]
        out.append("")
    if targets:
        out += ["## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
        out += [f"| {a} | {b} | {c} |" for a, b, c in targets]
        out.append("")
    notes = ROOT / "benchmarks" / "NOTES.md"
    if cfg.name == "full" and notes.exists():
        out += [notes.read_text()]
    return "\n".join(out) + "\n"
