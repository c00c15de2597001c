"""The decision log: one JSON line per decision, appended to a file.

A line says which request asked (``request_id``), when the service answered (``time``,
UTC), which policy answered (``policy`` and ``policy_digest``: the sha256 of its resolved
form), what it was asked (``input``: the events and the evaluation time, and
``input_digest``, the sha256 of that input as canonical JSON), and what it said
(``advice``). A tracker can show why it said something on a given day, and ``rulebook
replay LOG --policy NEW`` replays the same inputs under another policy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from pathlib import Path
from typing import Any, Optional

import orjson

from ..advice import Advice


def input_digest(events: Any, at: dt.datetime) -> str:
    """sha256 of the input as canonical JSON (sorted keys): the same input, the same digest."""
    text = orjson.dumps({"at": at.isoformat(timespec="seconds"), "events": events},
                        option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(text).hexdigest()


def decision(request_id: str, time: dt.datetime, ident: Any, events: Any,
             advice: Advice) -> bytes:
    """One log line (without the newline)."""
    record = {
        "request_id": request_id,
        "time": time.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds"),
        "id": ident,
        "policy": advice.policy,
        "policy_digest": advice.policy_digest,
        "input_digest": input_digest(events, advice.at),
        "input": {"events": events, "at": advice.at.isoformat(timespec="seconds")},
        "advice": orjson.Fragment(advice.model_dump_json()),
    }
    return orjson.dumps(record)


class DecisionLog:
    """Appends decision lines to a file, whole lines only, from any thread."""

    def __init__(self, path: Optional[str | Path]):
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._file = open(self.path, "ab") if self.path else None

    def write(self, lines: list[bytes]) -> None:
        if self._file is None or not lines:
            return
        data = b"".join(line + b"\n" for line in lines)
        with self._lock:
            self._file.write(data)
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
