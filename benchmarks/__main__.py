"""``python -m benchmarks [--quick|--full|--tiny] [--out FILE] [--only NAME,...]``

--quick (default) runs in under two minutes and prints the report; --full writes
benchmarks/RESULTS.md (it takes a while: a million streamed applications among others).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from . import report, sections, suite

STEPS = ("throughput", "latency", "compile", "cold_start", "memory", "events", "rules",
         "side_by_side", "clips_trap")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_const", dest="size", const="quick")
    size.add_argument("--full", action="store_const", dest="size", const="full")
    size.add_argument("--tiny", action="store_const", dest="size", const="tiny",
                      help="a few applications each: the CI smoke test")
    p.add_argument("--out", help="write the report here (--full: benchmarks/RESULTS.md)")
    p.add_argument("--only", help=f"comma-separated subset of {','.join(STEPS)}")
    args = p.parse_args(argv)
    cfg = {"quick": suite.QUICK, "full": suite.FULL, "tiny": suite.TINY}[args.size or "quick"]
    only = set(args.only.split(",")) if args.only else set(STEPS)
    began = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - began:7.1f}s] {msg}", file=sys.stderr, flush=True)

    results: dict = {"config": cfg, "started": dt.datetime.now(dt.timezone.utc),
                     "argv": " ".join(["python -m benchmarks"] + (argv or sys.argv[1:]))}
    table = {"throughput": suite.throughput, "latency": suite.latency,
             "compile": suite.compile_times, "cold_start": suite.cold_start,
             "memory": suite.memory, "events": suite.events_curve, "rules": suite.rules_curve,
             "side_by_side": suite.side_by_side, "clips_trap": suite.clips_trap}
    for step in STEPS:
        if step in only:
            results[step] = table[step](cfg, log)
    if "memory" in only and cfg.name == "full":
        results["memory_trim"] = suite.memory(cfg, log, {"MALLOC_TRIM_THRESHOLD_": "134217728"},
                                              n=200_000)
    results["seconds"] = time.perf_counter() - began
    text = report.render(results)
    out = args.out or (str(Path(__file__).with_name("RESULTS.md")) if cfg.name == "full" else None)
    if out:
        previous = Path(out).read_text() if Path(out).exists() else ""
        Path(out).write_text(sections.keep(previous, text))  # others' sections stay
        log(f"wrote {out}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
