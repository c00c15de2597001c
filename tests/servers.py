"""Real server processes (`rulebook serve`, `rulebook playground`) on 127.0.0.1 for tests.

Both commands print their address on the first line of stdout once the socket is bound;
the process is stopped (terminate, then kill) however the test ends.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from typing import IO, Any, Iterator


@contextmanager
def running(args: list[str], stderr: IO | int = subprocess.PIPE
            ) -> Iterator[tuple[subprocess.Popen, str]]:
    """``rulebook ARGS --port 0`` while it runs: (process, its URL without a trailing slash)."""
    proc = subprocess.Popen([sys.executable, "-m", "rulebook.cli", *args, "--port", "0"],
                            stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        line = proc.stdout.readline()
        if "http://127.0.0.1:" not in line:
            proc.kill()
            why = proc.stderr.read() if proc.stderr else "(stderr went to a file)"
            raise RuntimeError(f"`rulebook {args[0]}` did not start: {line}{why}")
        yield proc, line.split()[2].rstrip("/")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()


@contextmanager
def running_playground() -> Iterator[str]:
    """The page's URL (with a trailing slash), while ``rulebook playground`` serves it."""
    with running(["playground"]) as (_proc, url):
        _wait_until_up(url + "/")
        yield url + "/"


def _wait_until_up(url: str) -> None:
    for _ in range(100):
        try:
            with urllib.request.urlopen(url + "api/policies", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url}")


def call(url: str, path: str, body: dict | None = None) -> tuple[int, Any]:
    """One request to the playground's JSON API: (status, decoded body)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + "api/" + path, data=data,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
