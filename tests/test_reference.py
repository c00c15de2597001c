"""The reference evaluator follows the language's definition on small, hand-made cases."""

from __future__ import annotations

import datetime as dt
import json

from rulebook.engine import make_evaluator
from rulebook.api import as_timeline
from rulebook.compiler import compile_policy
from rulebook.load import load_policy

AT = dt.datetime(2026, 3, 20, 9, tzinfo=dt.timezone.utc)


def _matches(rules: dict, events: list[dict], derive: dict | None = None, at=AT):
    doc = {"policy": "p", "rules": {}, "derive": derive or {}}
    for rid, r in rules.items():
        doc["rules"][rid] = {"sources": ["G1"], "action": rid, "reason": "r",
                             "window": {"start": next(iter(r["when"])),
                                        "due": next(iter(r["when"]))}, **r}
    program = compile_policy(load_policy("p.yaml", text=json.dumps(doc)))
    ev = make_evaluator(program, "reference")
    return sorted((m.id, tuple(sorted((k, f["id"]) for k, f in m.bindings.items())))
                  for m in ev.matches(as_timeline({"events": events}), at)
                  if m.section == "rules")


CALL = {"type": "call", "outcome": "voicemail"}


def _call(day: int, **extra):
    return dict(CALL, at=f"2026-03-{day:02d}T10:00:00Z", **extra)


def test_names_bind_distinct_facts():
    got = _matches({"two": {"when": {"a": {"fact": "call"}, "b": {"fact": "call"}}}},
                   [_call(2), _call(3)])
    assert got == [("two", (("a", "e1"), ("b", "e2"))), ("two", (("a", "e2"), ("b", "e1")))]


def test_absent_sees_bound_facts_too():
    rule = {"lone": {"when": {"a": {"fact": "call"}}, "absent": [{"fact": "call"}]}}
    assert _matches(rule, [_call(2)]) == []


def test_absent_relative_to_bindings():
    rule = {"last": {"when": {"a": {"fact": "call"}}, "absent": [{"fact": "call", "after": "a"}]}}
    assert _matches(rule, [_call(2), _call(3), _call(4)]) == [("last", (("a", "e3"),))]


def test_referenced_field_must_exist():
    rule = {"to": {"when": {"a": {"fact": "call"}, "b": {"fact": "call", "same": {"to": "a.to"}}}}}
    got = _matches(rule, [_call(2, to="Ann"), _call(3, to="ann"), _call(4)])
    # names compare case-insensitively (one spelling), a missing 'to' never matches
    assert got == [("to", (("a", "e1"), ("b", "e2"))), ("to", (("a", "e2"), ("b", "e1")))]


def test_missing_field_tests_are_false_except_exists_false():
    rules = {"ne": {"when": {"a": {"fact": "call", "where": {"to": {"ne": "Ann"}}}}},
             "nx": {"when": {"a": {"fact": "call", "where": {"to": {"exists": False}}}}}}
    assert _matches(rules, [_call(2)]) == [("nx", (("a", "e1"),))]


def test_time_operands_and_since():
    rules = {"late": {"when": {"a": {"fact": "call", "where": {"at": {"ge": "now - 7d"}}}}},
             "recent": {"when": {"a": {"fact": "call", "since": "7d"}}}}
    got = _matches(rules, [_call(2), _call(12), _call(14)])
    assert got == [("late", (("a", "e3"),)), ("recent", (("a", "e3"),))]


def test_derived_facts_are_complete_before_they_are_read():
    derive = {"last_call": {"sources": ["G1"], "when": {"c": {"fact": "call"}},
                            "absent": [{"fact": "call", "after": "c"}], "set": {"to": "c.to"}}}
    rules = {"quiet": {"when": {"c": {"fact": "call"}}, "absent": [{"fact": "last_call"}]},
             "after_last": {"when": {"l": {"fact": "last_call", "where": {"to": "Ann"}}}}}
    got = _matches(rules, [_call(2), _call(3, to="Ann")], derive)
    assert got == [("after_last", (("l", "d:last_call:c=e2"),))]


def test_events_after_the_evaluation_time_are_not_facts():
    rule = {"any": {"when": {"a": {"fact": "call"}}}}
    assert _matches(rule, [_call(2), _call(25)]) == [("any", (("a", "e1"),))]


def test_reference_advises_like_the_engine_on_the_examples():
    import glob

    from rulebook import Rulebook

    for policy in ("standard", "classic", "modern"):
        engine, reference = Rulebook.load(policy), Rulebook.load(policy, evaluator="reference")
        for path in sorted(glob.glob("examples/*.yaml")):
            for days in (0, 1, 3, 8, 15, 30, 60):
                at = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc) + dt.timedelta(days=days)
                assert (engine.recommend(path, at).to_json()
                        == reference.recommend(path, at).to_json()), (policy, path, days)


FORBIDDEN = ("rulebook.engine.facts", "rulebook.engine.outcome", "rulebook.engine.timing",
             "rulebook.engine.session", "rulebook.engine.runtime", "rulebook.compiler",
             "rulebook.timeexpr", "rulebook.vocabulary", "rulebook.validate")
ALLOWED = ("rulebook.policy", "rulebook.events", "rulebook.advice", "rulebook.lang")


def _imports(path) -> set[str]:
    """Every module a file imports, relative imports resolved against the package."""
    import ast

    package = "rulebook.engine.reference"
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
                out.add(module)
                out.update(f"{module}.{a.name}" for a in node.names)
            else:
                out.add(node.module)
                out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def test_the_reference_imports_nothing_of_the_engine_path():
    """Only the policy, events and advice models are shared; the rest is its own."""
    from pathlib import Path

    import rulebook.engine.reference as ref

    files = sorted(Path(ref.__file__).parent.glob("*.py"))
    assert len(files) >= 4
    for path in files:
        for module in _imports(path):
            assert not module.startswith(FORBIDDEN), f"{path.name} imports {module}"
            if module.startswith("rulebook.") and not module.startswith(
                    "rulebook.engine.reference"):
                assert module.startswith(ALLOWED), f"{path.name} imports {module}"


def test_the_import_scan_sees_relative_imports():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp, "probe.py")
        probe.write_text("from ..outcome import advise\nfrom rulebook import timeexpr\n")
        found = _imports(probe)
    assert "rulebook.engine.outcome" in found and "rulebook.timeexpr" in found
