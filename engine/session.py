"""A thread-free host for durable-rules: one ruleset, one fresh session per batch.

durable-rules' Python ``Host`` starts timer threads and runs actions off the caller's
thread. Here the C extension is called directly: assert one batch of facts into a new
session, drain every activation on the caller's thread, delete the session. Matching is
all the engine does: firings come back as data, no Python action runs inside it, so
there is nothing to swallow an exception.

The C core keeps process-wide tables (rulesets, sessions), so every call into it holds
one lock; evaluation in many threads is safe, and serialised only inside the engine.
"""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from collections import OrderedDict
from typing import Any, Iterable

import durable_rules_engine as _dre
import orjson

_ENGINE_LOCK = threading.Lock()  # the C core's tables are process-global
# Rulesets garbage-collected while the lock was held (the collector can run inside any
# allocation, in the thread that holds it): let go of by the next holder, never by the
# collector itself, which would wait for the lock forever (a deadlock, seen).
_ORPHANS: list[Any] = []


def engine_json(value: Any) -> str:
    """JSON for the C core, rulesets and facts alike: raw UTF-8, never ``\\uXXXX`` escapes.

    durable-rules' JSON parser decodes a ``\\uXXXX`` escape differently from the same
    character written raw, so a ruleset encoded with escapes (``json.dumps``' default) never
    matched a fact encoded raw: ``where: {to: José}`` failed ``eq`` and ``in`` and passed
    ``ne``. One encoder for both sides makes every string compare as Python compares it
    (tests/test_fuzz_unicode.py).
    """
    return orjson.dumps(value).decode()


def encode(fact: dict[str, Any]) -> str:
    """A fact's :func:`engine_json` without its opening brace: the session id goes first."""
    return engine_json(fact)[1:]  # never empty: a fact has a type


def _payload(facts: Iterable[dict[str, Any]],
             encoded: dict[int, tuple[dict, str]] | None) -> list[str]:
    """Each fact's :func:`encode`, memoised in ``encoded`` by ``id(fact)``."""
    if encoded is None:
        encoded = {}
    parts = []
    for f in facts:
        known = encoded.get(id(f))
        if known is None:  # the memo holds the fact, so its id() is not reused meanwhile
            known = encoded[id(f)] = (f, encode(f))
        parts.append(known[1])
    return parts


class EngineError(RuntimeError):
    """durable-rules refused a batch or failed while matching it (a one-line message)."""


def _one_line(exc: BaseException) -> str:
    """The engine's message, on one line: its codes (e.g. 112, 303) say what ran out."""
    return " ".join(str(exc).split())[:300] or type(exc).__name__


class _Compiled:
    """One ruleset registered in the C core, shared by every Ruleset with its definition."""

    def __init__(self, key: str, definition: dict[str, Any]):
        self.key, self.users = key, 0
        self.name = "rb_" + uuid.uuid4().hex
        self.sids = itertools.count(1)
        try:
            self.handle = _dre.create_ruleset(self.name, engine_json(definition))
        except _dre.error as exc:  # e.g. error 112: the C core's handle table is full
            raise EngineError(f"durable-rules refused the policy: {_one_line(exc)}") from None


# Rulesets by definition (their JSON). The C core never gives back all of a ruleset's
# memory (its regex states and tables stay), so compiling the same rules again -- the
# playground on every edit, a test suite loading one policy per test -- reuses the
# registered ruleset instead of leaking another. Idle ones (closed by every user) are
# kept, most recently closed last, up to _IDLE_MAX; older idle ones are deleted.
_COMPILED: dict[str, _Compiled] = {}
_IDLE: "OrderedDict[str, _Compiled]" = OrderedDict()
_IDLE_MAX = 256


class Ruleset:
    """A compiled durable-rules ruleset and the sessions evaluated on it.

    Rulesets with the same definition share one registration in the C core (see
    ``_COMPILED``); evaluations never overlap there, as each holds the engine lock.
    """

    def __init__(self, definition: dict[str, Any]):
        # register a copy: durable-rules mutates the definition it is handed
        key = definition_key(definition)
        self.definition = orjson.loads(key)
        with _ENGINE_LOCK:
            _free_orphans()
            shared = _COMPILED.get(key)
            if shared is None:
                shared = _COMPILED[key] = _Compiled(key, self.definition)
            _IDLE.pop(key, None)
            shared.users += 1
        self._shared: _Compiled | None = shared
        self.name = shared.name
        self._handle = shared.handle
        self._sids = shared.sids

    def evaluate(self, facts: list[dict[str, Any]],
                 before: list[dict[str, Any]] = (),
                 encoded: dict[int, tuple[dict, str]] | None = None) -> list[tuple[str, dict[str, Any]]]:
        """Assert ``before`` then ``facts`` in a fresh session; every firing, in order.

        ``before`` holds the facts negations test, so that they are all present before any
        partial match forms: they go first in the same batch, which the engine handles
        fact by fact, in order (measured: byte-identical advice to a separate first call
        on 9,000 generated evaluations, and the differential suite; one call fewer per
        stratum). ``facts`` must contain a fact that fires a housekeeping rule,
        so that deleting a session in which nothing else fired is safe (it segfaults
        otherwise). A fact no rule can use is "not handled": harmless, and ignored.
        ``encoded`` memoises each fact's JSON across calls (keyed by ``id(fact)``; it holds
        the fact itself, so the id stays unique), so facts shared by strata are encoded once.
        """
        return self.evaluate_encoded(_payload(itertools.chain(before, facts), encoded))

    def evaluate_encoded(self, parts: list[str]) -> list[tuple[str, dict[str, Any]]]:
        """:meth:`evaluate` on facts already encoded by :func:`encode`, in batch order."""
        with _ENGINE_LOCK:
            sid = str(next(self._sids))
        head = '{"sid":"' + sid + '",'
        payload = "[" + head + ("," + head).join(parts) + "]"
        with _ENGINE_LOCK:
            try:
                result = _dre.assert_facts(self._handle, payload)
            except _dre.error as exc:
                raise EngineError(f"durable-rules refused the batch: {_one_line(exc)}") from None
            firings = []
            try:
                started = _dre.start_action_for_state(self._handle, result[1])
                message = started[1] if started else None
                while message:
                    for rule, bound in orjson.loads(message).items():
                        firings.append((rule, bound))
                    message = _dre.complete_and_start_action(self._handle, result[1])
            except _dre.error as exc:
                raise EngineError(f"durable-rules failed while matching: {_one_line(exc)}") from None
            finally:
                _dre.delete_state(self._handle, sid)
            return firings

    def __reduce__(self):
        """Refuse: the handle means another ruleset (or none) in any other process."""
        raise TypeError("a durable-rules ruleset is a handle into this process's engine and "
                        "cannot be pickled; pickle the Rulebook, which compiles again")

    def close(self) -> None:
        """Let go of the ruleset: once no Ruleset uses it, it waits among the idle ones
        for the same rules to come back, and the oldest idle one beyond ``_IDLE_MAX`` is
        deleted in the C core (its handle table is finite)."""
        with _ENGINE_LOCK:
            _free_orphans()
            shared, self._shared, self._handle = self._shared, None, None
            if shared is not None:
                _release(shared)

    def __del__(self):
        """Let go of the ruleset, or leave that to the next holder of the lock: never
        wait for the lock here, the collector may run in the thread that holds it."""
        shared = getattr(self, "_shared", None)
        if shared is None:
            return
        self._shared, self._handle = None, None
        lock = globals().get("_ENGINE_LOCK")
        if lock is None:  # interpreter exit: the module is torn down, the process ends
            return
        if not lock.acquire(blocking=False):
            _ORPHANS.append(shared)
            return
        try:
            _free_orphans()
            _release(shared)
        except Exception:  # pragma: no cover - best effort at interpreter exit
            pass
        finally:
            lock.release()


def _release(shared: _Compiled) -> None:
    """One user fewer (call with the lock held): idle at none, the oldest idle deleted."""
    shared.users -= 1
    if shared.users > 0:
        return
    _IDLE[shared.key] = shared
    while len(_IDLE) > _IDLE_MAX:
        _, old = _IDLE.popitem(last=False)
        del _COMPILED[old.key]
        _dre.delete_ruleset(old.handle)


def definition_key(definition: dict[str, Any]) -> str:
    """The key rulesets are shared by: their definition's JSON, keys sorted."""
    return orjson.dumps(definition, option=orjson.OPT_SORT_KEYS).decode()


def _free_orphans() -> None:
    """Let go of the rulesets collected while the lock was held (call with it held)."""
    while _ORPHANS:
        _release(_ORPHANS.pop())
