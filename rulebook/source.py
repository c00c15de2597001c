"""Reading YAML (and JSON) documents safely, keeping the position of every node.

The document is *composed* by ruamel.yaml's safe loader into a node graph and turned
into plain Python data here, so nothing in the file is ever executed or instantiated:
explicit tags (``!!python/object`` and friends) and anchors/aliases (the "billion
laughs" bomb) are refused before any value is built. Dates stay strings: the domain
parses its own times, with time zones. Text is read in Unicode NFC form.

Input is bounded (:mod:`rulebook.bounds`): only regular files are read (never a device,
a FIFO or a directory, even behind a symlink), at most ``MAX_FILE_BYTES`` of them, and
nesting, text length and numbers are checked while the document is built; every
refusal is a located problem naming the limit.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from . import bounds
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
MAX_BYTES = bounds.MAX_FILE_BYTES  # a policy or timeline is small; refuse anything absurd quickly


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
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise InvalidInput([Problem(file, 1, 1, f"file is larger than {MAX_BYTES:,} bytes "
                                    "(the limit)")])
    deep_at = _brackets_deeper_than(text, bounds.MAX_NESTING)
    if deep_at is not None:
        # ruamel's scanner is quadratic in flow nesting (1,000 brackets: seconds): parse
        # only the text up to the first bracket too deep, and stop there if it is one
        problem = _depth_problem(text[:deep_at + 1], file, exact=True)
        if problem is not None:
            raise InvalidInput([problem])
    node = _compose_plain(text)
    if node is _TOO_DEEP:
        raise InvalidInput([_depth_problem(text, file)])
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
    except YAMLError as exc:  # e.g. a character YAML does not allow (DEL, most controls)
        raise InvalidInput([Problem(file, *_reader_pos(exc, text),
                                    "YAML error: " + _one_line(exc))]) from None
    if problems:
        raise InvalidInput(problems)

    try:
        node = yaml.compose(text)
    except RecursionError:
        raise InvalidInput([_depth_problem(text, file)]) from None
    except MarkedYAMLError as exc:  # e.g. several documents in one file
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        raise InvalidInput([Problem(file, *(_pos(mark) if mark else (1, 1)),
                                    f"YAML error: {message}")]) from None
    return _document(node, file, yaml.constructor)


_CAREFUL = object()
_TOO_DEEP = object()


def _one_line(exc: Exception) -> str:
    """An exception's message on one line (ruamel's span several)."""
    char, reason = getattr(exc, "character", None), getattr(exc, "reason", None)
    if isinstance(char, str) and char:
        char = ord(char[0])
    if isinstance(char, int) and reason:  # a reader error: name the character
        return (f"character U+{char:04X} is not allowed here (write it as an escape in a "
                "double-quoted string)")
    text = getattr(exc, "problem", None) or str(exc)
    return " ".join(str(text).split())[:200]


def _reader_pos(exc: Exception, text: str) -> tuple[int, int]:
    """Line and column of a reader error (it gives a character offset)."""
    offset = getattr(exc, "position", None)
    if not isinstance(offset, int):
        return (1, 1)
    before = text[:offset]
    return (before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)


_BRACKET = re.compile(r"[\[\]{}]")


def _brackets_deeper_than(text: str, limit: int) -> int | None:
    """Where brackets, counted naively (quotes ignored), first nest deeper than ``limit``."""
    if text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    for m in _BRACKET.finditer(text):
        depth += 1 if m.group() in "[{" else -1
        if depth > limit:
            return m.start()
    return None


def _depth_problem(text: str, file: str, exact: bool = False) -> Problem | None:
    """Where ``text`` first nests deeper than the limit (found from the parse events,
    which ruamel produces without recursion)."""
    depth = 0
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > bounds.MAX_NESTING:
                    return Problem(file, *_pos(event.start_mark), f"nested more than "
                                   f"{bounds.MAX_NESTING} levels deep (the limit)")
            elif type(event).__name__ in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
    except YAMLError:
        pass
    if exact:
        return None
    return Problem(file, 1, 1, f"nested more than {bounds.MAX_NESTING} levels deep (the limit)")


def _compose_plain(text: str):
    """The node tree, if one parse shows no anchor, alias, foreign tag or error at all.

    Otherwise ``_CAREFUL``: the event-by-event pass then finds and locates the problems
    exactly as before.
    """
    try:
        node = YAML(typ="safe", pure=True).compose(text)
    except RecursionError:  # the composer recurses once per level of nesting
        return _TOO_DEEP
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


def _build(node, path: Path_, doc: Document, constructor, depth: int = 0) -> Any:
    doc.positions[path] = _pos(node.start_mark)
    if isinstance(node, (MappingNode, SequenceNode)) and depth >= bounds.MAX_NESTING:
        raise InvalidInput([Problem(doc.file, *_pos(node.start_mark), f"nested more than "
                                    f"{bounds.MAX_NESTING} levels deep (the limit)")])
    if isinstance(node, MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(key_node, path + ("<key>",), doc, constructor, depth + 1)
            doc.positions.pop(path + ("<key>",), None)
            if not isinstance(key, (str, int, bool, float)) or key is None:
                raise InvalidInput([Problem(doc.file, *_pos(key_node.start_mark),
                                            "mapping keys must be plain words")])
            if key in out:
                raise InvalidInput([Problem(doc.file, *_pos(key_node.start_mark),
                                            f"duplicate key '{key}'")])
            doc.key_positions[path + (key,)] = _pos(key_node.start_mark)
            out[key] = _build(value_node, path + (key,), doc, constructor, depth + 1)
        return out
    if isinstance(node, SequenceNode):
        return [_build(child, path + (i,), doc, constructor, depth + 1)
                for i, child in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value  # keep dates and times as written; the domain parses them
    if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and len(node.value) > 40:
        # before Python converts it: a 5,000-digit number exceeds its conversion limit
        raise InvalidInput([Problem(doc.file, *_pos(node.start_mark),
                                    f"a number beyond ±{bounds.MAX_INT} (the limit, 2^53 - 1)")])
    value = constructor.construct_object(node, deep=True)
    problem = bounds.scalar_problem(value)
    if problem:
        raise InvalidInput([Problem(doc.file, *_pos(node.start_mark), problem)])
    if isinstance(value, str):
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            # JSON writes characters outside the BMP as \u surrogate pairs: join them
            value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        if not unicodedata.is_normalized("NFC", value):
            # one spelling of each text: 'e' + combining acute is the precomposed 'é'
            value = unicodedata.normalize("NFC", value)
    return value


def read_text(path: str | Path) -> str:
    """The text of a regular file, at most ``MAX_BYTES`` of it; else a located problem.

    Devices (``/dev/zero``), FIFOs, sockets and directories are refused before they are
    opened (a symlink is followed to what it names), so nothing is read without end.
    """
    name = str(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InvalidInput([Problem(name, 0, 0, "is a directory, not a file")])
        if not stat.S_ISREG(info.st_mode):
            raise InvalidInput([Problem(name, 0, 0, "not a regular file (a device, FIFO or "
                                        "socket); rulebook reads only files")])
        if info.st_size > MAX_BYTES:
            raise InvalidInput([Problem(name, 0, 0, f"file is larger than {MAX_BYTES:,} "
                                        "bytes (the limit)")])
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped after the check
                raise InvalidInput([Problem(name, 0, 0, "not a regular file")])
            with os.fdopen(fd, "rb", closefd=False) as stream:
                data = stream.read(MAX_BYTES + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise InvalidInput([Problem(name, 0, 0, "no such file")]) from None
    except ValueError:  # a NUL character in the name
        raise InvalidInput([Problem(name, 0, 0, "cannot read file: a NUL character in "
                                    "its name")]) from None
    except OSError as exc:  # permission denied, a name too long, a loop of symlinks...
        reason = (exc.strerror or type(exc).__name__).lower()
        raise InvalidInput([Problem(name, 0, 0, f"cannot read file: {reason}")]) from None
    if len(data) > MAX_BYTES:  # it grew while being read
        raise InvalidInput([Problem(name, 0, 0, f"file is larger than {MAX_BYTES:,} bytes "
                                    "(the limit)")])
    return decode(data, name)


def read_stream(stream: IO, name: str = "<stdin>") -> str:
    """Standard input (or any stream), at most ``MAX_BYTES`` of it."""
    raw = getattr(stream, "buffer", stream)
    data = raw.read(MAX_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_BYTES:
        raise InvalidInput([Problem(name, 1, 1, f"input is larger than {MAX_BYTES:,} bytes "
                                    "(the limit)")])
    return decode(data, name)


def decode(data: bytes, name: str) -> str:
    """UTF-8 (a byte-order mark is allowed); a bad byte is located at its line and column."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        before = data[:start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise InvalidInput([Problem(name, line, col, "not UTF-8 text (byte "
                                    f"0x{data[start]:02x}); save the file as UTF-8")]) from None


def load_file(path: str | Path) -> Document:
    """Read and parse a file; a missing, unreadable or special file is a located problem."""
    return load_text(read_text(path), str(path))
