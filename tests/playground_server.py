"""Start ``rulebook playground`` as a real server on 127.0.0.1 for a test module."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager
from typing import Any, Iterator


@contextmanager
def running_playground() -> Iterator[str]:
    """The page's URL, while a ``rulebook playground --port 0`` process serves it."""
    proc = subprocess.Popen([sys.executable, "-m", "rulebook.cli", "playground", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        if "http://" not in line:
            proc.kill()
            raise RuntimeError(f"the playground did not start: {line}{proc.stderr.read()}")
        url = line.split()[2]
        _wait_until_up(url)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()


def _wait_until_up(url: str) -> None:
    import time

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
