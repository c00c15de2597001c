"""The documented limits on input, in one place (README "Limits").

Every input a person or a tracker can produce evaluates in time and memory proportional
to its size; beyond these limits rulebook refuses the input with a located error that
names the limit, in well under a second, instead of running for minutes or failing
inside the engine. ``rulebook check`` enforces every limit a policy alone can break,
so a policy it accepts evaluates.

The numbers are generous for real use (the shipped policies and examples are far below
each) and small enough that the worst accepted input stays fast.
"""

from __future__ import annotations

from typing import Any

# files
MAX_FILE_BYTES = 1_000_000     # a policy, an events file, a layer, standard input
MAX_NESTING = 32               # mappings and lists inside each other, in any document
MAX_TEXT = 2_000               # characters in any one text value or key
MAX_INT = 2**53 - 1            # integers beyond ±(2^53 - 1) are refused (JSON-safe)
YEARS = (1970, 2200)           # every time, including --at and a window's computed ends

# timelines
MAX_EVENTS = 300               # events in one timeline
MAX_INTERVIEWERS = 50          # interviewers of one interview

# policies
MAX_LAYERS = 8                 # 'extends' chain
MAX_ENTRIES = 300              # derivations, rules and limits together (after layering)
MAX_NEGATIONS = 64             # 'absent' patterns of one entry, counting 'in' values
MAX_IN_VALUES = 64             # values of one 'in' list
MAX_ENGINE_RULES = 2_000       # engine rules a policy compiles to ('in' multiplies them)
MAX_DERIVATION_DEPTH = 64      # derived facts reading derived facts, this deep
MAX_JOIN = 200_000             # combinations of facts one entry may try on one timeline

LIMITS = {  # name -> (value, what it bounds): the README's table is written from this
    "file size": (MAX_FILE_BYTES, "bytes in a policy, events file, layer or standard input"),
    "nesting": (MAX_NESTING, "mappings and lists inside each other"),
    "text": (MAX_TEXT, "characters in one text value or key"),
    "integers": (MAX_INT, "largest magnitude of a whole number (2^53 - 1)"),
    "years": (YEARS, "every time: events, --at, and windows computed from them"),
    "events": (MAX_EVENTS, "events in one timeline"),
    "interviewers": (MAX_INTERVIEWERS, "interviewers of one interview"),
    "layers": (MAX_LAYERS, "policies in an 'extends' chain"),
    "entries": (MAX_ENTRIES, "derivations, rules and limits of a policy"),
    "negations": (MAX_NEGATIONS, "'absent' patterns of one entry ('in' values count)"),
    "in values": (MAX_IN_VALUES, "values of one 'in' list"),
    "engine rules": (MAX_ENGINE_RULES, "engine rules a policy compiles to"),
    "derivation depth": (MAX_DERIVATION_DEPTH, "derived facts built on derived facts"),
    "join": (MAX_JOIN, "combinations of facts one entry may try on one timeline"),
}


def data_problem(data: Any) -> tuple[tuple, str] | None:
    """The first place in plain ``data`` that breaks a limit, and what it breaks.

    Walks iteratively (a recursive walk is what deep nesting breaks), depth first in
    document order, so the error points at the first offending value.
    """
    stack: list[tuple[Any, tuple, int]] = [(data, (), 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict):
            if depth >= MAX_NESTING:
                return path, f"nested more than {MAX_NESTING} levels deep (the limit)"
            for key in value:
                if isinstance(key, str) and len(key) > MAX_TEXT:
                    return path + (key,), f"a key longer than {MAX_TEXT} characters (the limit)"
            stack.extend((v, path + (k,), depth + 1) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            if depth >= MAX_NESTING:
                return path, f"nested more than {MAX_NESTING} levels deep (the limit)"
            stack.extend((v, path + (i,), depth + 1) for i, v in reversed(list(enumerate(value))))
        else:
            problem = scalar_problem(value)
            if problem:
                return path, problem
    return None


def scalar_problem(value: Any) -> str | None:
    """What is wrong with one scalar value, if it breaks a limit."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return f"text longer than {MAX_TEXT} characters (the limit)"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        return f"a number beyond ±{MAX_INT} (the limit, 2^53 - 1)"
    if isinstance(value, float) and (value != value or abs(value) == float("inf")):
        return "not a finite number"
    return None
