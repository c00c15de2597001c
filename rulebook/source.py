"""Reading YAML (and JSON) documents safely, keeping the position of every node.

The document is *composed* by ruamel.yaml's safe loader into a node graph and turned
into plain Python data here, so nothing in the file is ever executed or instantiated:
explicit tags (``!!python/object`` and friends) and anchors/aliases (the "billion
laughs" bomb) are refused before any value is built. Dates stay strings: the domain
parses its own times, with time zones.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .problems import InvalidInput, Problem

Path_ = tuple  # a path into the document: keys and list indexes

_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
MAX_BYTES = 2_000_000  # a policy or timeline is small; refuse anything absurd quickly


@dataclass
class Document:
    """Plain data plus where each value (and each mapping key) stood in the file."""

    file: str
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    origins: dict[Path_, str] = field(default_factory=dict)  # layered documents only

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """The closest known position of ``path`` (walking up to its parents)."""
        table = self.key_positions if key else self.positions
        path = tuple(path)
        while path:
            if path in table:
                return table[path]
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def file_of(self, path: Path_) -> str:
        """The file a node came from: a layered policy mixes several files."""
        path = tuple(path)
        while True:
            if path in self.origins:
                return self.origins[path]
            if not path:
                return self.file
            path = path[:-1]

    def problem(self, path: Path_, message: str, hint: str = "", key: bool = False,
                severity: str = "error") -> Problem:
        """A problem located at ``path`` (at its key, if ``key``), in the right file."""
        line, col = self.where(path, key=key)
        return Problem(self.file_of(path), line, col, message, hint, severity)


def _pos(mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def load_text(text: str, file: str) -> Document:
    """Parse ``text`` into a :class:`Document`, or raise :class:`InvalidInput`."""
    if len(text) > MAX_BYTES:
        raise InvalidInput([Problem(file, 1, 1, f"file is larger than {MAX_BYTES} bytes")])
    node = _compose_plain(text)
    if node is not _CAREFUL:  # the common case: parsed once (parsing is most of a load)
        return _document(node, file, YAML(typ="safe", pure=True).constructor)
    yaml = YAML(typ="safe", pure=True)
    problems: list[Problem] = []
    try:
        for event in yaml.parse(text):
            tag = getattr(event, "tag", None)
            if isinstance(event, AliasEvent):
                problems.append(Problem(file, *_pos(event.start_mark),
                                        "anchors and aliases are not allowed"))
            elif isinstance(event, (ScalarEvent, CollectionStartEvent)):
                if getattr(event, "anchor", None):
                    problems.append(Problem(file, *_pos(event.start_mark),
                                            "anchors and aliases are not allowed"))
                if tag and tag not in _CORE_TAGS and tag != "!":
                    problems.append(Problem(file, *_pos(event.start_mark),
                                            f"tag {tag} is not allowed",
                                            "write plain values; no YAML tags"))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _pos(mark) if mark else (1, 1)
        message = (exc.problem or exc.context or "invalid YAML").strip()
        raise InvalidInput([Problem(file, *where, f"YAML syntax error: {message}")]) from None
    except YAMLError as exc:  # pragma: no cover - ruamel raises marked errors for syntax
        raise InvalidInput([Problem(file, 1, 1, f"YAML error: {exc}")]) from None
    if problems:
        raise InvalidInput(problems)

    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:  # e.g. several documents in one file
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        raise InvalidInput([Problem(file, *(_pos(mark) if mark else (1, 1)),
                                    f"YAML error: {message}")]) from None
    return _document(node, file, yaml.constructor)


_CAREFUL = object()


def _compose_plain(text: str):
    """The node tree, if one parse shows no anchor, alias, foreign tag or error at all.

    Otherwise ``_CAREFUL``: the event-by-event pass then finds and locates the problems
    exactly as before.
    """
    try:
        node = YAML(typ="safe", pure=True).compose(text)
    except YAMLError:
        return _CAREFUL
    seen: set[int] = set()
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if id(n) in seen or getattr(n, "anchor", None) or n.tag not in _CORE_TAGS:
            return _CAREFUL  # an alias is a node met twice
        seen.add(id(n))
        if isinstance(n, MappingNode):
            for key, value in n.value:
                stack += (key, value)
        elif isinstance(n, SequenceNode):
            stack.extend(n.value)
    return node


def _document(node, file: str, constructor) -> Document:
    doc = Document(file=file, data=None)
    if node is None:
        doc.data = None
        doc.positions[()] = (1, 1)
        return doc
    doc.data = _build(node, (), doc, constructor)
    return doc


def _build(node, path: Path_, doc: Document, constructor) -> Any:
    doc.positions[path] = _pos(node.start_mark)
    if isinstance(node, MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(key_node, path + ("<key>",), doc, constructor)
            doc.positions.pop(path + ("<key>",), None)
            if not isinstance(key, (str, int, bool, float)) or key is None:
                raise InvalidInput([Problem(doc.file, *_pos(key_node.start_mark),
                                            "mapping keys must be plain words")])
            if key in out:
                raise InvalidInput([Problem(doc.file, *_pos(key_node.start_mark),
                                            f"duplicate key '{key}'")])
            doc.key_positions[path + (key,)] = _pos(key_node.start_mark)
            out[key] = _build(value_node, path + (key,), doc, constructor)
        return out
    if isinstance(node, SequenceNode):
        return [_build(child, path + (i,), doc, constructor) for i, child in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value  # keep dates and times as written; the domain parses them
    value = constructor.construct_object(node, deep=True)
    if isinstance(value, str):
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            # JSON writes characters outside the BMP as \u surrogate pairs: join them
            value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        if not unicodedata.is_normalized("NFC", value):
            # one spelling of each text: 'e' + combining acute is the precomposed 'é'
            value = unicodedata.normalize("NFC", value)
    return value


def load_file(path: str | Path) -> Document:
    """Read and parse a file; a missing or unreadable file is a located problem too."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput([Problem(name, 0, 0, "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput([Problem(name, 0, 0, f"cannot read file: {exc}")]) from None
    return load_text(text, name)
