"""The installed package: the engine lives inside rulebook, never as a top-level package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def test_a_command_imports_only_its_own_module():
    """`rulebook recommend` starts without hypothesis (which only `rulebook test` needs): it
    was a quarter of a second of every start. The whole parser still lists every command."""
    code = ("import sys; from rulebook.cli import main; "
            "rc = main(['recommend', 'examples/panel.yaml', '--at', '2026-03-03T09:00:00Z']); "
            "print(rc, 'hypothesis' in sys.modules, 'rulebook.commands.test' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.stdout.splitlines()[-1] == "0 False False", done.stderr
    from rulebook.cli import COMMANDS, build_parser

    listed = build_parser()._subparsers._group_actions[0].choices
    assert set(listed) == set(COMMANDS)
