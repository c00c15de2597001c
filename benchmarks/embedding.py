"""``python -m benchmarks.embedding [--quick] [--write]``: batch on all cores, and the service.

Two measurements, each bounded in count and time:

- ``rulebook batch`` on generated applications (JSON Lines, the standard policy), with
  one worker and with one per core: wall-clock applications/s, and applications per
  CPU-second of all processes (the fair figure on a machine shared with other work);
- ``rulebook serve`` on 127.0.0.1: ``POST /v1/recommend`` from 1, 4 and 16 concurrent
  clients (threads, one keep-alive connection each): requests/s, p50 and p99 latency.

``--write`` replaces the section between this module's markers in benchmarks/RESULTS.md
and nothing else; ``python -m benchmarks --full`` keeps the section when it rewrites
the rest (:mod:`benchmarks.sections`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import orjson

from . import sections
from .measure import percentile
from .workload import documents

SECTION = "embedding"
ROOT = Path(__file__).resolve().parent.parent
LEVELS = (1, 4, 16)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def batch_throughput(n: int, workers: int, path: Path) -> dict:
    """One ``rulebook batch`` run: wall and CPU time of the whole command."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "rulebook.cli", "batch", str(path),
                           "--workers", str(workers)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=1800)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    if done.returncode != 0:
        raise RuntimeError(f"batch failed: {done.stderr.decode()[-500:]}")
    lines = done.stdout.count(b"\n")
    assert lines == n, (lines, n)
    return {"workers": workers, "n": n, "wall": wall, "cpu": cpu,
            "rate": n / wall, "per_cpu": n / cpu}


def write_applications(n: int, path: Path) -> None:
    with open(path, "wb") as fh:
        for i, (doc, at) in enumerate(documents(n)):
            fh.write(orjson.dumps({"id": i, "events": doc, "at": at.isoformat()}) + b"\n")


def start_server(tmp: Path) -> tuple[subprocess.Popen, str]:
    errors = open(tmp / "serve.err", "w")
    proc = subprocess.Popen([sys.executable, "-m", "rulebook.cli", "serve", "--port", "0",
                             "--decision-log", str(tmp / "decisions.jsonl")],
                            stdout=subprocess.PIPE, stderr=errors, text=True)
    line = proc.stdout.readline()
    if "http://" not in line:
        proc.kill()
        raise RuntimeError("the service did not start: " + (tmp / "serve.err").read_text())
    return proc, line.split()[2].rstrip("/")


def load(url: str, bodies: list[bytes], concurrency: int, requests: int,
         limit_s: float) -> dict:
    """``requests`` POSTs from ``concurrency`` threads, stopping early after ``limit_s``."""
    import httpx

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.perf_counter() + limit_s

    def client() -> None:
        with httpx.Client(base_url=url, timeout=30,
                          headers={"Content-Type": "application/json"}) as http:
            while time.perf_counter() < deadline:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                response = http.post("/v1/recommend", content=bodies[i % len(bodies)])
                took = time.perf_counter() - t0
                with lock:
                    latencies.append(took)
                    errors[0] += response.status_code != 200

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"concurrency": concurrency, "requests": len(latencies), "errors": errors[0],
            "rate": len(latencies) / wall, "p50": percentile(latencies, 50) * 1000,
            "p99": percentile(latencies, 99) * 1000}


def _process_cpu(pid: int) -> float:
    """User+system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def service_load(requests: int, limit_s: float, tmp: Path) -> list[dict]:
    bodies = [orjson.dumps({"policy": "standard", "events": doc, "at": at.isoformat()})
              for doc, at in documents(500, seed=7)]
    proc, url = start_server(tmp)
    try:
        load(url, bodies, 4, 200, 30)  # warm-up: first requests compile nothing, but page in
        out = []
        for c in LEVELS:
            cpu0 = _process_cpu(proc.pid)
            result = load(url, bodies, c, requests, limit_s)
            result["server_cpu_ms"] = (_process_cpu(proc.pid) - cpu0) * 1000 / result["requests"]
            out.append(result)
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return "?"


def render(batch: list[dict], service: list[dict], started: dt.datetime, argv: str) -> str:
    cores = os.cpu_count() or 1
    lines = ["## Embedding: `rulebook batch` on all cores, `rulebook serve` under load", "",
             f"{started:%Y-%m-%d %H:%M} UTC, commit {_commit()}, {cores} cores, Python "
             f"{platform.python_version()}, `{argv}`; load average before: "
             + ", ".join(f"{x:.1f}" for x in os.getloadavg()) + ".", "",
             "Batch: generated applications as JSON Lines, standard policy, output to a "
             "pipe. CPU is the user+system time of every process of the run (workers "
             "included), so applications per CPU-second is the figure that does not depend "
             "on what else the machine was doing.", "",
             "| workers | applications | wall s | applications/s | CPU s | applications per "
             "CPU-s |", "|---:|---:|---:|---:|---:|---:|"]
    for b in batch:
        lines.append(f"| {b['workers']} | {b['n']:,} | {b['wall']:.1f} | {b['rate']:,.0f} | "
                     f"{b['cpu']:.1f} | {b['per_cpu']:,.0f} |")
    if len(batch) == 2:
        lines += ["", f"Speed-up with {batch[1]['workers']} workers: "
                      f"{batch[1]['rate'] / batch[0]['rate']:.2f}× wall-clock."]
    lines += ["", "Service: `POST /v1/recommend` with a decision log, uvicorn, one process; "
                  "clients are threads of one Python process on the same machine (they "
                  "compete for the same cores), each with a keep-alive connection; 500 "
                  "different applications in turn.", "",
              "| concurrent clients | requests | errors | requests/s | p50 ms | p99 ms | "
              "server CPU ms per request | requests per server CPU-s |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in service:
        lines.append(f"| {s['concurrency']} | {s['requests']:,} | {s['errors']} | "
                     f"{s['rate']:,.0f} | {s['p50']:.1f} | {s['p99']:.1f} | "
                     f"{s['server_cpu_ms']:.2f} | {1000 / s['server_cpu_ms']:,.0f} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.embedding",
                                description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small counts (about a minute)")
    p.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    p.add_argument("--generate", type=int, metavar="N",
                   help="only print N generated applications as JSON Lines (rulebook batch's "
                        "input) and stop")
    args = p.parse_args(argv)
    if args.generate is not None:
        for i, (doc, at) in enumerate(documents(args.generate)):
            sys.stdout.buffer.write(orjson.dumps({"id": i, "events": doc,
                                                  "at": at.isoformat()}) + b"\n")
        return 0
    n, requests, limit = (2_000, 300, 20.0) if args.quick else (10_000, 2_000, 60.0)
    started = dt.datetime.now(dt.timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        apps = tmp_path / "apps.jsonl"
        write_applications(n, apps)
        cores = os.cpu_count() or 1
        batch = [batch_throughput(n, w, apps) for w in sorted({1, cores})]
        service = service_load(requests, limit, tmp_path)
    argv_text = " ".join(["python -m benchmarks.embedding"] + (argv or sys.argv[1:]))
    text = render(batch, service, started, argv_text)
    sys.stdout.write(text)
    if args.write:
        sections.replace(Path(__file__).with_name("RESULTS.md"), SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
