"""A package that behaves in someone else's process: version, typing marker, locale.

The embedding program may set any locale; rulebook's output (the JSON reasons above all)
stays byte-identical, with English day and month names.
"""

from __future__ import annotations

import importlib.metadata
import locale
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import rulebook
from rulebook import Rulebook
from rulebook.engine.timing import english, words_time

ROOT = Path(__file__).resolve().parent.parent
GERMAN = ("de_DE.UTF-8", "de_DE.utf8", "de_DE")


def test_version_in_one_place():
    done = subprocess.run([sys.executable, "-m", "rulebook.cli", "--version"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.strip() == f"rulebook {rulebook.__version__}"
    assert importlib.metadata.version("rulebook") == rulebook.__version__
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "\nversion =" not in pyproject.split("[tool.setuptools.dynamic]")[0]


def test_a_typing_marker_ships():
    assert resources.files("rulebook").joinpath("py.typed").is_file()


def _set_german() -> str:
    for name in GERMAN:
        try:
            return locale.setlocale(locale.LC_TIME, name)
        except locale.Error:
            continue
    pytest.skip("no German locale on this machine (apt-get install locales; locale-gen)")


def test_english_names_whatever_the_locale():
    import datetime as dt

    moment = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.timezone.utc)
    book = Rulebook.load("standard")
    before = book.recommend(ROOT / "examples/panel.yaml", "2026-03-03T09:00:00+01:00").to_json()
    old = locale.setlocale(locale.LC_TIME)
    try:
        _set_german()
        assert moment.strftime("%b") in ("Mär", "Mrz")  # the locale took effect
        after = book.recommend(ROOT / "examples/panel.yaml",
                               "2026-03-03T09:00:00+01:00").to_json()
        assert words_time(moment) == "Tue 3 Mar 2026, 10:00"
        assert english(moment, "%a %d %b %Y") == "Tue 03 Mar 2026"
    finally:
        locale.setlocale(locale.LC_TIME, old)
    assert after == before
    assert "Mar 2026" in after
