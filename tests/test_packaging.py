"""The installed package: the engine lives inside rulebook, never as a top-level package."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str, tmp_path) -> subprocess.CompletedProcess:
    # from another directory, so that the checkout itself is not on sys.path
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)


def test_engine_installs_inside_rulebook(tmp_path):
    done = _run("import rulebook.engine.runtime, rulebook.policies; print('ok')", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_no_top_level_engine_package(tmp_path):
    done = _run("import engine", tmp_path)
    assert done.returncode != 0
    assert "No module named 'engine'" in done.stderr
