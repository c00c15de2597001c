"""The runtime: durable-rules sessions, the reference evaluator, time, and outcomes.

Both evaluators find the same *matches* of a compiled policy's entries; the outcome
stage turns matches into advice.
"""

from __future__ import annotations


def make_evaluator(program, kind: str = "durable"):
    """An evaluator of ``program``: "durable" (the engine) or "reference" (plain Python)."""
    if kind == "durable":
        from .runtime import DurableEvaluator
        return DurableEvaluator(program)
    if kind == "reference":
        from .reference import ReferenceEvaluator
        return ReferenceEvaluator(program)
    raise ValueError(f"unknown evaluator '{kind}'")
