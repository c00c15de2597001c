"""Sections of RESULTS.md that other benchmark scripts own, kept across a full rewrite.

A section lives between ``<!-- section NAME -->`` and ``<!-- end NAME -->``. The script
that owns it replaces it alone (:func:`replace`); ``python -m benchmarks --full``, which
regenerates the rest of the file, carries every such section over (:func:`keep`).
"""

from __future__ import annotations

import re
from pathlib import Path

_SECTION = re.compile(r"<!-- section (?P<name>[\w-]+) -->\n.*?<!-- end (?P=name) -->\n",
                      re.DOTALL)


def wrap(name: str, text: str) -> str:
    return f"<!-- section {name} -->\n{text.rstrip()}\n<!-- end {name} -->\n"


def replace(path: Path, name: str, text: str) -> None:
    """Put ``text`` in section ``name`` of ``path`` (appended if there is none yet)."""
    old = path.read_text() if path.exists() else ""
    block = wrap(name, text)
    found = [m for m in _SECTION.finditer(old) if m.group("name") == name]
    if found:
        m = found[0]
        new = old[:m.start()] + block + old[m.end():]
    else:
        new = old.rstrip("\n") + "\n\n" + block
    path.write_text(new)


def keep(old: str, new: str) -> str:
    """``new``, with the owned sections of ``old`` that ``new`` lacks appended."""
    have = {m.group("name") for m in _SECTION.finditer(new)}
    extra = [m.group(0) for m in _SECTION.finditer(old) if m.group("name") not in have]
    return new if not extra else new.rstrip("\n") + "\n\n" + "\n".join(extra)
