"""Layered policies: ``extends`` another policy and override entries by id.

Organisation, then coach, then candidate: each layer names its parent (a shipped
policy's name or a path relative to the layer's file). Mappings merge key by key, so a
layer can change one number of a rule (``rules: {send_thank_you: {window: {due: p +
48h}}}``); any other value replaces the parent's; ``enabled: false`` switches an entry
off. Every merged node remembers its file and position, so errors point into the layer
that wrote it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from .bounds import MAX_LAYERS
from .problems import InvalidInput
from .source import Document

MAX_DEPTH = MAX_LAYERS


def resolve(doc: Document, load_parent: Callable[[str, str], Document],
            _seen: tuple[str, ...] = ()) -> Document:
    """The effective document of ``doc``: its ancestors merged under it."""
    data = doc.data
    if not isinstance(data, dict) or "extends" not in data or data["extends"] is None:
        return doc
    parent_ref = data["extends"]
    if not isinstance(parent_ref, str):
        raise InvalidInput([doc.problem(("extends",), "'extends' takes a policy name or a path")])
    if doc.file in _seen:
        raise InvalidInput([doc.problem(("extends",), "policies extend each other in a cycle")])
    if len(_seen) >= MAX_DEPTH:
        raise InvalidInput([doc.problem(("extends",), f"more than {MAX_DEPTH} policies "
                                        "extend each other (the limit)")])
    try:
        parent_doc = load_parent(parent_ref, doc.file)
    except InvalidInput as exc:  # a missing or unreadable parent: point at 'extends'
        raise InvalidInput([doc.problem(("extends",), f"cannot load '{parent_ref[:200]}': {p.message}",
                                        p.hint) if p.line == 0 else p
                            for p in exc.problems]) from None
    if not isinstance(parent_doc.data, dict):
        what = "is empty" if parent_doc.data is None else "is not a policy (a mapping with " \
            "'policy' and 'rules')"
        raise InvalidInput([doc.problem(("extends",), f"cannot load '{parent_ref[:200]}': "
                                        f"the file {what}")])
    parent = resolve(parent_doc, load_parent, _seen + (doc.file,))
    own, inherited = data.get("policy"), (parent.data or {}).get("policy")
    if own is None or own == inherited:
        raise InvalidInput([doc.problem(("policy",) if own else (), "a layer needs a 'policy' "
                                        "name of its own", f"'{inherited}' is its parent's")])
    merged = Document(file=doc.file, data=None)
    for path in parent.positions:
        merged.origins[path] = parent.file_of(path)
    merged.positions.update(parent.positions)
    merged.key_positions.update(parent.key_positions)
    merged.data = _merge(parent.data, data, (), doc, merged)
    merged.data.pop("extends", None)
    merged.data["extends"] = parent_ref
    return merged


def _merge(base: Any, over: Any, path: tuple, doc: Document, out: Document) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        result = dict(base)
        for key, value in over.items():
            sub = path + (key,)
            if sub in doc.key_positions:
                out.key_positions[sub] = doc.key_positions[sub]
                out.origins[sub] = doc.file
            result[key] = _merge(base.get(key), value, sub, doc, out)
        _mark(path, doc, out, recurse=False)
        return result
    _clear(path, out)
    _mark(path, doc, out, recurse=True)
    return over


def _clear(path: tuple, out: Document) -> None:
    """Forget the parent's positions under a replaced node."""
    n = len(path)
    for table in (out.positions, out.key_positions, out.origins):
        for p in [p for p in table if len(p) > n and p[:n] == path]:
            del table[p]


def _mark(path: tuple, doc: Document, out: Document, recurse: bool) -> None:
    n = len(path)
    for p, pos in doc.positions.items():
        if p == path or (recurse and len(p) > n and p[:n] == path):
            out.positions[p] = pos
            out.origins[p] = doc.file
    if recurse:
        for p, pos in doc.key_positions.items():
            if len(p) > n and p[:n] == path:
                out.key_positions[p] = pos
                out.origins[p] = doc.file


def parent_path(ref: str, child_file: str, shipped: Callable[[str], Path | None]) -> Path | None:
    """A parent reference as a file: a shipped name, or a path relative to the child."""
    found = shipped(ref)
    if found is not None:
        return found
    candidate = Path(ref)
    if not candidate.is_absolute():
        candidate = Path(child_file).parent / candidate
    return candidate
