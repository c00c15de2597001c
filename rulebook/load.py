"""Loading a policy: read the file, merge its layers, validate schema and semantics.

``load_policy`` is the one way in; it reports every problem of every layer at once
(``InvalidInput``) or returns a :class:`LoadedPolicy` the compiler can trust.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError

from . import policy as P
from .bounds import MAX_ENTRIES, data_problem
from .layering import parent_path, resolve
from .problems import InvalidInput, Problem, did_you_mean
from .source import Document, load_file, load_text
from .validate import Checked, check


@dataclass(frozen=True)
class LoadedPolicy:
    """A validated policy with its source document and what validation learnt."""

    policy: P.Policy
    document: Document
    checked: Checked

    @property
    def name(self) -> str:
        return self.policy.policy

    @cached_property
    def digest(self) -> str:
        """sha256 of the resolved policy (layers merged), as canonical JSON.

        Comments, layout, key order and how the layers were split do not change it; any
        change to what the engine runs does. Decision logs record it.
        """
        data = {k: v for k, v in self.document.data.items()
                if k not in ("extends", "$schema")}
        text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
        return hashlib.sha256(text).hexdigest()


def policies_dir() -> Path:
    """Where the shipped policies are: the installed package data, or the checkout."""
    try:
        base = resources.files("rulebook.policies")
        if base.joinpath("standard.yaml").is_file():
            return Path(str(base))
    except ModuleNotFoundError:  # pragma: no cover - running from a bare checkout
        pass
    return Path(__file__).resolve().parent.parent / "policies"


def shipped_policies() -> list[str]:
    return sorted(p.stem for p in policies_dir().glob("*.yaml") if "." not in p.stem)  # not *.scenarios.yaml


def _exists(path: Path) -> bool:
    """``path.exists()``, false for a name the file system refuses (too long, NUL)."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def shipped_path(name: str) -> Path | None:
    """The path of a shipped policy called ``name``, if there is one."""
    if "/" in name or "\\" in name or name.endswith((".yaml", ".yml", ".json")):
        return None
    if not name or len(name) > 64 or "\0" in name:  # no shipped name is that long
        return None
    path = policies_dir() / f"{name}.yaml"
    return path if path.is_file() else None


def policy_path(ref: str) -> Path:
    """A ``--policy`` argument as a file: a shipped name, else a path."""
    found = shipped_path(ref)
    if found is not None:
        return found
    path = Path(ref)
    if not _exists(path) and "/" not in ref and not ref.endswith((".yaml", ".yml", ".json")):
        shown = ref if len(ref) <= 64 else "that name"
        raise InvalidInput([Problem(ref, 0, 0, f"no shipped policy called '{shown}'",
                                    did_you_mean(ref, shipped_policies()))])
    return path


def _load_parent(ref: str, child_file: str) -> Document:
    path = parent_path(ref, child_file, shipped_path)
    if not _exists(path) and "/" not in ref and not ref.endswith((".yaml", ".yml", ".json")):
        raise InvalidInput([Problem(ref[:200], 0, 0, "no shipped policy or file of that name",
                                    did_you_mean(ref[:200], shipped_policies()))])
    return load_file(path)


def load_policy(ref: str | Path, *, text: str | None = None) -> LoadedPolicy:
    """Load a policy by shipped name or path (or from ``text``, named ``ref``)."""
    if text is not None:
        doc = load_text(text, str(ref))
    else:
        doc = load_file(policy_path(str(ref)))
    return policy_from_document(doc)


def policy_from_document(doc: Document) -> LoadedPolicy:
    found = examine(doc)
    if found.problems:
        raise InvalidInput(found.problems)
    return LoadedPolicy(found.policy, found.document, found.checked)


def policy_from_resolved(doc: Document) -> LoadedPolicy:
    """A policy from its already merged document: no parent file is read again.

    A pickled ``Rulebook`` carries this document, so that another process recompiles
    exactly the policy that was pickled, even if the files changed meanwhile.
    """
    try:
        policy = P.Policy.model_validate(doc.data)
    except ValidationError as exc:
        raise InvalidInput(schema_problems(exc, doc)) from None
    checked = check(policy, doc)
    if checked.problems:
        raise InvalidInput(checked.problems)
    return LoadedPolicy(policy, doc, checked)


@dataclass(frozen=True)
class Examined:
    """Everything known about a policy, even an invalid one (``rulebook check``).

    ``policy`` holds the entries that passed the schema (None if the policy's head did
    not), so that semantic checks still run on them; ``complete`` says whether it is
    the whole policy.
    """

    policy: P.Policy | None
    document: Document
    checked: Checked | None
    problems: list[Problem]
    complete: bool


def examine(doc: Document) -> Examined:
    """Merge the layers of ``doc`` and report schema and semantic problems together."""
    if not isinstance(doc.data, dict):
        raise InvalidInput([doc.problem((), "a policy is a mapping with 'policy' and 'rules'")])
    merged = resolve(doc, _load_parent)
    _check_entry_count(merged)  # before validating hundreds of thousands of entries
    try:
        policy, problems, complete = P.Policy.model_validate(merged.data), [], True
    except ValidationError as exc:
        misspelt = _misspelt_overrides(doc, exc, merged)
        problems = [p for path, p in _located_schema_problems(exc, merged)
                    if path[:2] not in misspelt] + list(misspelt.values())
        complete = False
        policy = _valid_part(merged.data)
    checked = None
    if policy is not None:
        checked = check(policy, merged)
        problems = problems + checked.problems
    return Examined(policy, merged, checked, problems, complete)


_SECTIONS = {"derive": P.Derivation, "rules": P.Rule, "limits": P.Limit}


def _check_entry_count(doc: Document) -> None:
    """At most ``MAX_ENTRIES`` derivations, rules and limits, layers merged."""
    if not isinstance(doc.data, dict):
        return
    found = data_problem(doc.data)  # files are checked as they are read; documents built
    if found is not None:           # from data (the API, the playground) are checked here
        raise InvalidInput([doc.problem(found[0], found[1])])
    total = 0
    for section in _SECTIONS:
        entries = doc.data.get(section)
        if isinstance(entries, dict):
            total += len(entries)
            if total > MAX_ENTRIES:
                eid = list(entries)[len(entries) - (total - MAX_ENTRIES)]
                raise InvalidInput([doc.problem((section, eid), f"more than {MAX_ENTRIES} "
                                                "derivations, rules and limits in one policy "
                                                "(the limit)", key=True)])


def _valid_part(data: dict) -> P.Policy | None:
    """The policy made of the entries that pass the schema on their own.

    Entries that read a fact type an invalid derivation produces, or name an action
    only an invalid rule recommends, are left out too: checking them would report
    problems that are only echoes of the schema errors.
    """
    fields = {f.alias or k for k, f in P.Policy.model_fields.items()}
    head = {k: v for k, v in data.items() if k in fields and k not in _SECTIONS}
    head.setdefault("policy", "invalid")
    for _ in range(len(head) + 1):
        try:
            P.Policy.model_validate(head)
            break
        except ValidationError as exc:
            bad = {e["loc"][0] for e in exc.errors() if e["loc"]}
            if not bad or "policy" in bad and head.get("policy") == "invalid":
                return None
            for key in bad:
                if key == "policy":
                    head["policy"] = "invalid"
                else:
                    head.pop(key, None)
    else:  # pragma: no cover - each round drops at least one key
        return None
    good: dict[str, dict] = {s: {} for s in _SECTIONS}
    bad_types: set[str] = set()
    bad_actions: set[str] = set()
    for section, model in _SECTIONS.items():
        entries = data.get(section)
        if not isinstance(entries, dict):
            continue
        for eid, entry in entries.items():
            try:
                P.Policy.model_validate({"policy": "x", section: {eid: entry}})
                good[section][eid] = model.model_validate(entry)
            except ValidationError:
                raw = entry if isinstance(entry, dict) else {}
                if section == "derive":
                    bad_types.add(str(raw.get("fact") or eid))
                elif section == "rules":  # no readable action: it could be any of them
                    action = raw.get("action")
                    bad_actions.add(action if isinstance(action, str) else "*")
    for section in _SECTIONS:
        for eid, entry in list(good[section].items()):
            read = {t for p in entry.patterns() for t in p.types}
            names = set()
            if section == "limits" and entry.applies_to != "all":
                names = set(entry.applies_to) | set(entry.except_)
            unknown = names - {r.action for r in good["rules"].values()}
            if read & bad_types or names & bad_actions or ("*" in bad_actions and unknown):
                del good[section][eid]
    return P.Policy.model_validate({**head, **good})


# -- schema errors, located ---------------------------------------------------------------

def _model_at(path: tuple) -> type[BaseModel] | None:
    """The pydantic model that describes the mapping at ``path``."""
    n = len(path)
    if n == 0:
        return P.Policy
    if path == ("settings",):
        return P.Settings
    if path == ("settings", "office_hours"):
        return P.OfficeHours
    section = {"rules": P.Rule, "derive": P.Derivation, "limits": P.Limit}.get(path[0])
    if section is None:
        return None
    if n == 2:
        return section
    if n == 3 and path[2] == "window":
        return P.Window
    if n == 3 and path[2] == "channel":
        return P.ChannelChoice
    if n == 4 and path[2] == "count":
        return P.Count
    if n == 4 and path[2] in ("when", "absent"):
        return P.Pattern
    if n == 6 and path[2] in ("when", "absent", "count") and path[4] == "where":
        return P.Condition
    return None


def _data_path(loc: tuple, data: Any, kind: str) -> tuple:
    """Pydantic's error location, without its union-branch labels."""
    out, cur = [], data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(cur, dict) and part in cur:
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and part < len(cur):
            out.append(part)
            cur = cur[part]
        elif last and kind in ("missing", "extra_forbidden"):
            out.append(part)
    return tuple(out)


def _misspelt_overrides(doc: Document, exc: ValidationError, merged: Document) -> dict:
    """A layer's entry that is incomplete and named like a parent's entry: a typo of its id.

    Rather than every key the "new" entry lacks, say which parent entry was meant.
    """
    data = doc.data
    if not isinstance(data.get("extends"), str):
        return {}
    broken = {_data_path(tuple(e["loc"]), merged.data, e["type"])[:2] for e in exc.errors()}
    parent = resolve(_load_parent(data["extends"], doc.file), _load_parent).data
    out = {}
    for section in _SECTIONS:
        mine, theirs = data.get(section), (parent or {}).get(section) or {}
        if not isinstance(mine, dict) or not isinstance(theirs, dict):
            continue
        for eid in mine:
            if eid in theirs or (section, eid) not in broken:
                continue
            hint = did_you_mean(eid, theirs)
            if hint.startswith("did you mean"):
                kind = {"derive": "derivation", "rules": "rule", "limits": "limit"}[section]
                out[(section, eid)] = doc.problem(
                    (section, eid), f"'{data['extends']}' has no {kind} '{eid}' to change "
                    "(a new one needs all its keys)", hint, key=True)
    return out


def schema_problems(exc: ValidationError, doc: Document) -> list[Problem]:
    return [p for _, p in _located_schema_problems(exc, doc)]


def _located_schema_problems(exc: ValidationError, doc: Document) -> list[tuple[tuple, Problem]]:
    seen: set[tuple] = set()
    out = []
    for err in exc.errors():
        kind = err["type"]
        path = _data_path(tuple(err["loc"]), doc.data, kind)
        if path in seen:
            continue  # one message per place: union branches repeat themselves
        seen.add(path)
        name = path[-1] if path else ""
        if kind == "extra_forbidden":
            model = _model_at(path[:-1])
            allowed = [f.alias or k for k, f in model.model_fields.items()] if model else []
            out.append((path, doc.problem(path, f"unknown key '{name}'",
                                          did_you_mean(name, allowed), key=True)))
        elif kind == "missing":
            out.append((path, doc.problem(path[:-1], f"missing key '{name}'")))
        else:
            msg, hint = err["msg"].replace("Value error, ", ""), ""
            if ": write " in msg:  # a syntax reminder reads better as the hint
                msg, hint = msg.split(": write ", 1)
                hint = "write " + hint
            if kind == "string_pattern_mismatch" and path and path[-1] != "policy":
                msg = "use lower-case letters, digits and underscores (e.g. send_thank_you)"
                if "office_hours" in path:
                    msg = "write a time of day as HH:MM, e.g. 09:00"
                elif "sources" in path:
                    msg = "a guideline id is a letter, then letters, digits, _ or - (G5, MP1)"
            elif kind == "literal_error":
                msg = msg[0].lower() + msg[1:]
                allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
                value = err.get("input")
                if isinstance(value, str) and allowed:
                    msg = f"'{value}' is not one of the allowed values"
                    hint = did_you_mean(value, allowed)
                    if hint.startswith("did"):
                        hint += " allowed: " + ", ".join(allowed)
            label = f"'{name}': " if isinstance(name, str) and name else ""
            out.append((path, doc.problem(path, label + msg, hint)))
    return out
