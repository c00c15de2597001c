"""Many applications at once: JSON Lines in, JSON Lines out, on every core.

Each input line is one application, ``{"id": ..., "events": {...}, "at": "..."}`` (``at``
optional: the run's default time). Each output line carries the same ``id`` and either
``advice`` (exactly the JSON ``rulebook recommend --format json`` prints, compact) or
``error`` with the located problems (``FILE:LINE:COL``, the line being the input line).
A bad line never stops the run. Output follows input order, whatever the number of
workers; the input is streamed through a bounded window of chunks, so memory stays flat
however long it is.

Worker processes on Linux are forked from the command after it compiled the policy: they
start with the compiled policy and every module imported, at no cost (the parent stops
its garbage collector from touching the inherited objects, so their pages stay shared).
Where fork is not the way (other systems, or ``start_method="spawn"``), each worker
receives the pickled ``Rulebook`` (its resolved document, see
:meth:`Rulebook.__reduce__`) and compiles it itself. The parent only cuts the input into
chunks of lines and writes the results back in order. Blank lines are skipped.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import pickle
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterable, Iterator, Optional

import orjson

from .advice import Advice
from .api import Rulebook, as_moment
from .events import timeline_from_document
from .lang import LANGS
from .problems import InvalidInput, Problem
from .source import Document, load_text

OK, FAILED, INVALID = 0, 1, 2
CHUNK = 64  # lines per task: large enough to amortise the hand-over, small enough to stream
WINDOW = 4  # chunks in flight per worker: bounds memory, keeps every worker busy
KEYS = ("id", "events", "at", "lang")  # an application object's keys

Line = tuple[int, bytes]  # (line number, raw bytes without the newline)


@dataclass
class Summary:
    """How many lines ended which way; :attr:`exit_code` is the command's."""

    ok: int = 0
    invalid: int = 0
    failed: int = 0
    statuses: list[int] = field(default_factory=list, repr=False)

    def add(self, status: int) -> None:
        if status == OK:
            self.ok += 1
        elif status == INVALID:
            self.invalid += 1
        else:
            self.failed += 1

    @property
    def exit_code(self) -> int:
        return FAILED if self.failed else INVALID if self.invalid else OK


def evaluate_line(book: Rulebook, lineno: int, raw: bytes, source: str,
                  default_at: Optional[dt.datetime]) -> tuple[int, bytes]:
    """One input line to one output line (without the newline), and its status."""
    ident = None
    try:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return _invalid(None, [Problem(source, lineno, exc.start + 1, "not UTF-8 text")])
        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            return _invalid(None, [Problem(source, lineno, exc.colno,
                                           f"not a JSON object: {exc.msg}")])
        if not isinstance(obj, dict):
            return _invalid(None, [Problem(source, lineno, 1, "a line is a JSON object with "
                                           "'id', 'events' and optionally 'at'")])
        ident = obj.get("id")
        advice = advise_object(book, obj, default_at, lambda: _located(text, lineno, source))
        return OK, b"".join((b'{"id":', orjson.dumps(ident), b',"advice":',
                             advice.model_dump_json().encode(), b"}"))
    except InvalidInput as exc:
        return _invalid(ident, exc.problems)
    except Exception as exc:  # anything unexpected: this line fails, the run goes on
        error = {"kind": "internal", "message": f"{type(exc).__name__}: {exc}"}
        return FAILED, orjson.dumps({"id": ident, "error": error})


def advise_object(book: Rulebook, obj: dict, default_at: Optional[dt.datetime],
                  locate: Callable[[], Document], keys: tuple[str, ...] = KEYS) -> Advice:
    """The advice for one application object (``events``, optional ``at``).

    Parsed fast, without positions; only when something is wrong is the object's text
    parsed again (``locate``) to say where each problem is, all of them at once.
    """
    try:
        if "events" not in obj or any(k not in keys for k in obj):
            raise InvalidInput([])
        at = _moment(obj.get("at"), default_at)
        lang = obj.get("lang")
        if lang is not None and lang not in LANGS:
            raise InvalidInput([])
        timeline = timeline_from_document(Document(file="<events>", data=obj["events"]))
    except InvalidInput:
        raise InvalidInput(located_problems(obj, locate(), default_at, keys)) from None
    return book.recommend(timeline, at) if lang is None else \
        book.recommend(timeline, at, lang=lang)


def located_problems(obj: dict, doc: Document, default_at: Optional[dt.datetime],
                     keys: tuple[str, ...] = KEYS) -> list[Problem]:
    """Every problem of an application object at once, each where ``doc`` places it."""
    allowed = ", ".join(f"'{k}'" for k in keys)
    problems = [doc.problem((k,), f"unknown key '{k}'", f"allowed: {allowed}", key=True)
                for k in obj if k not in keys]
    try:
        _moment(obj.get("at"), default_at)
    except InvalidInput as exc:
        problems += [doc.problem(("at",), p.message, p.hint) for p in exc.problems]
    if obj.get("lang") is not None and obj.get("lang") not in LANGS:
        problems.append(doc.problem(("lang",), f"'{obj['lang']}' is not a language rulebook "
                                    f"speaks: {', '.join(LANGS)}"))
    if "events" not in obj:
        problems.append(doc.problem((), "missing key 'events'"))
    else:
        events = Document(file=doc.file, data=obj["events"],
                          positions=under(doc.positions, ("events",)),
                          key_positions=under(doc.key_positions, ("events",)))
        events.positions.setdefault((), doc.where(("events",)))
        try:
            timeline_from_document(events)
        except InvalidInput as exc:
            problems += exc.problems
    return problems or [doc.problem((), "invalid application")]


def _moment(value, default_at: Optional[dt.datetime]) -> dt.datetime:
    if value is None:
        if default_at is None:
            raise InvalidInput([Problem("at", 0, 0, "no 'at' here and no default time")])
        return default_at
    return as_moment(value)


def _located(text: str, lineno: int, source: str) -> Document:
    """The line parsed with positions (line 1 of its own text, moved to ``lineno``)."""
    try:
        doc = load_text(text, source)
    except InvalidInput:
        doc = Document(file=source, data=None)
    doc.positions = {k: (lineno, c) for k, (_, c) in doc.positions.items()}
    doc.key_positions = {k: (lineno, c) for k, (_, c) in doc.key_positions.items()}
    doc.positions.setdefault((), (lineno, 1))
    return doc


def under(table: dict, prefix: tuple) -> dict:
    """The entries of a position table below ``prefix``, with paths relative to it."""
    n = len(prefix)
    return {p[n:]: pos for p, pos in table.items() if p[:n] == prefix}


def _invalid(ident, problems: Iterable[Problem]) -> tuple[int, bytes]:
    return INVALID, orjson.dumps({"id": ident, "error": {"kind": "invalid",
                                                         "problems": problem_list(problems)}})


def problem_list(problems: Iterable[Problem]) -> list[dict]:
    """Problems as JSON objects (the text is what the command line prints)."""
    return [{"file": p.file, "line": p.line, "col": p.col, "message": p.message,
             "hint": p.hint} for p in sorted(set(problems))]


# -- running chunks, here or in worker processes -------------------------------------------

_WORKER: dict = {}


def init_worker(book: "Rulebook | bytes", source: str, default_at: Optional[dt.datetime]) -> None:
    """A worker's start: the parent's compiled policy when forked, else compile it once
    (unpickling recompiles it here)."""
    if isinstance(book, bytes):
        book = pickle.loads(book)
    _WORKER.update(book=book, source=source, default_at=default_at)


def run_chunk(lines: list[Line]) -> list[tuple[int, bytes]]:
    """Evaluate a chunk of lines in a worker set up by :func:`init_worker`."""
    return [evaluate_line(_WORKER["book"], n, raw, _WORKER["source"], _WORKER["default_at"])
            for n, raw in lines]


def chunks(lines: Iterable[bytes], size: int = CHUNK) -> Iterator[list[Line]]:
    """Numbered non-blank lines, ``size`` at a time."""
    chunk: list[Line] = []
    for n, raw in enumerate(lines, 1):
        raw = raw.rstrip(b"\r\n")
        if not raw.strip():
            continue
        chunk.append((n, raw))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def in_order(submit: Callable[[list[Line]], object], collect: Callable[[object], list],
             work: Iterable[list[Line]], window: int) -> Iterator[list]:
    """Results of ``submit``-ted chunks in input order, at most ``window`` in flight."""
    pending: deque = deque()
    for chunk in work:
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield collect(pending.popleft())
    while pending:
        yield collect(pending.popleft())


def results(book: Rulebook, lines: Iterable[bytes], *, source: str = "<stdin>",
            default_at: Optional[dt.datetime] = None, workers: int = 1,
            start_method: Optional[str] = None) -> Iterator[list[tuple[int, bytes]]]:
    """Chunks of (status, output line), in input order."""
    work = chunks(lines)
    if workers <= 1:
        for chunk in work:
            yield [evaluate_line(book, n, raw, source, default_at) for n, raw in chunk]
        return
    method = start_method or default_start_method()
    context = multiprocessing.get_context(method)
    # forked, the workers inherit the compiled book as it is (nothing is pickled)
    shipped = book if method == "fork" else pickle.dumps(book)
    if method == "fork":
        gc.freeze()  # the inherited objects: not scanned by the workers' collections
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker,
                                 initargs=(shipped, source, default_at)) as pool:
            yield from in_order(lambda c: pool.submit(run_chunk, c), lambda f: f.result(),
                                work, workers * WINDOW)
    finally:
        if method == "fork":
            gc.unfreeze()


def default_start_method() -> str:
    """Fork on Linux (the workers start compiled, in no time); spawn elsewhere (fork is
    unsafe on macOS and missing on Windows)."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def run(book: Rulebook, lines: Iterable[bytes], out: BinaryIO, *, progress=None,
        **options) -> Summary:
    """Write one output line per input line to ``out``; the summary says how it went."""
    summary = Summary()
    for chunk in results(book, lines, **options):
        out.write(b"".join(line + b"\n" for _, line in chunk))
        for status, _ in chunk:
            summary.add(status)
        if progress is not None:
            progress.update(len(chunk))
    return summary


def default_workers() -> int:
    return os.cpu_count() or 1
