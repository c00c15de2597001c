"""A ruleset collected while the engine lock is held must not deadlock its thread.

The garbage collector can run inside any allocation, including in the thread that holds
the engine lock (while it reads firings); a ruleset's finaliser that waited for the lock
there waited forever (seen: a test run stuck on a futex, one thread).
"""

from __future__ import annotations

import threading

from rulebook.engine import session
from rulebook.engine.session import Ruleset

RULES = {"r": {"all": [{"p0": {"type": "__init"}}], "pri": 0}}


def test_a_ruleset_dropped_while_the_lock_is_held_does_not_deadlock():
    done = threading.Event()

    def drop_under_the_lock():
        rs = Ruleset(RULES)
        with session._ENGINE_LOCK:
            del rs            # its finaliser runs here, in the thread holding the lock
        done.set()

    worker = threading.Thread(target=drop_under_the_lock, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert done.is_set(), "the finaliser waited for a lock its own thread holds"
    # the ruleset was left for the next holder of the lock, which lets go of it
    assert len(session._ORPHANS) == 1
    Ruleset(RULES).close()
    assert session._ORPHANS == []
    assert session._COMPILED[session.definition_key(RULES)].users == 0


def test_a_ruleset_dropped_normally_is_let_go_at_once():
    rs = Ruleset(RULES)
    assert rs._handle is not None
    del rs
    assert session._ORPHANS == []
    assert session._COMPILED[session.definition_key(RULES)].users == 0
