"""Where each comment and blank line of a YAML text belongs, to prove ``fmt`` kept them.

ruamel.yaml's round trip drops some comments (inside a ``{...}`` that spans lines) and
can move others. Rather than trust it, ``fmt`` lists every comment and blank line of
the file before and after, each tied to the entry it belongs to, and refuses to write
if one would be lost or land elsewhere.

An end-of-line comment belongs to the entry its line starts with (the first key or
list item on that line, the innermost if several start at the same column); a comment
on a line of its own, or after a bare ``-``, and a blank line belong to the next entry
(to the list item, if that line starts one; the end of the file if none follows).
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

END = ("<end of file>",)


@dataclass(frozen=True)
class Mark:
    """A comment (``text`` starts with ``#``) or a blank line (``text`` empty)."""

    text: str
    anchor: tuple  # the path of the entry it belongs to
    line: int  # 1-based, in the text it was found in
    col: int

    @property
    def key(self) -> tuple:
        return (self.text, self.anchor)


def _entries(text: str) -> tuple[dict[int, tuple], dict[int, tuple], list[tuple[int, int]]]:
    """0-based line -> the path of the entry that line starts with, and of the list
    item it starts (a line ``- key: value`` starts both); where the scalars are."""
    node = YAML(typ="safe", pure=True).compose(text)
    best: dict[int, tuple] = {}  # line -> (col, -depth, path)
    items: dict[int, tuple] = {}
    spans: list[tuple[int, int]] = []
    stack = [(node, ())] if node is not None else []
    while stack:
        n, path = stack.pop()
        children = []
        if isinstance(n, ScalarNode):
            spans.append((n.start_mark.index, n.end_mark.index))
        if isinstance(n, MappingNode):
            for k, v in n.value:
                key = k.value if isinstance(k, ScalarNode) else repr(k.start_mark.index)
                children.append((k, path + (key,), v))
        elif isinstance(n, SequenceNode):
            children = [(item, path + (i,), item) for i, item in enumerate(n.value)]
            if not n.flow_style:
                for i, item in enumerate(n.value):
                    items.setdefault(item.start_mark.line, path + (i,))
        for start, child_path, value in children:
            mark = start.start_mark
            cand = (mark.column, -len(child_path), child_path)
            if mark.line not in best or cand < best[mark.line]:
                best[mark.line] = cand
            if value is not start:
                stack.append((start, child_path))  # a key: only its span matters
            stack.append((value, child_path))
    return {line: c[2] for line, c in best.items()}, items, sorted(spans)


def marks(text: str) -> list[Mark]:
    """Every comment and blank line of ``text`` (a YAML document that parses)."""
    entries, items, spans = _entries(text)
    starts, ends = [a for a, _ in spans], [b for _, b in spans]

    def in_scalar(i: int) -> bool:
        k = bisect.bisect_right(starts, i) - 1
        return k >= 0 and starts[k] <= i < ends[k]

    lines = text.split("\n")
    found: list[tuple[int, int, str, bool]] = []  # line, col, text, on a line of its own
    offset = 0
    for n, line in enumerate(lines):
        if not line.strip():
            if not in_scalar(offset) and n < len(lines) - 1:
                found.append((n, 0, "", True))
        else:
            for col, ch in enumerate(line):
                if ch == "#" and (col == 0 or line[col - 1] in " \t") \
                        and not in_scalar(offset + col):
                    own = not line[:col].strip() or n not in entries \
                        or line[:col].strip() == "-"
                    found.append((n, col, line[col:].rstrip(), own))
                    break
        offset += len(line) + 1
    below = sorted(entries)
    out = []
    for n, col, body, own in found:
        # inside a list item, a comment belongs to the item: fmt orders its keys
        if own:
            k = bisect.bisect_right(below, n)
            anchor = END if k == len(below) else items.get(below[k], entries[below[k]])
        else:
            anchor = entries[n]
        ints = [i for i, part in enumerate(anchor) if isinstance(part, int)]
        if ints:
            anchor = anchor[:ints[-1] + 1]
        out.append(Mark(body, anchor, n + 1, col + 1))
    return out


def _trim(found: list[Mark]) -> list[Mark]:
    """Blank lines at the very end of a file are not worth keeping."""
    return [m for m in found if m.text or m.anchor != END]


def lost(before: str, after: str) -> list[Mark]:
    """The comments and blank lines of ``before`` that ``after`` lacks or has elsewhere."""
    have = Counter(m.key for m in _trim(marks(after)))
    missing = []
    for m in _trim(marks(before)):
        if have[m.key]:
            have[m.key] -= 1
        else:
            missing.append(m)
    return missing
