"""The canonical layout of a policy file, applied without losing a coach's comments.

Canonical means: keys in the order a reader expects (below; unknown keys keep their
place after the known ones), mappings indented by 2, list items by 4 with the dash at 2,
quotes and folded text as written, and a flow collection (``{...}`` / ``[...]``) that
would make its line longer than ``WIDTH`` written as a block instead. The file is
edited with ruamel.yaml's round-trip mode, so comments and blank lines stay where they
are. The result is checked to mean exactly what the original meant and to keep every
comment and blank line with its entry (:mod:`rulebook.comments`), or the file is
refused; it is written by :mod:`rulebook.rewrite` (atomic, mode and owner kept).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from .comments import lost, marks
from .problems import InvalidInput, Problem, did_you_mean
from .rewrite import read, replace
from .source import load_text

WIDTH = 100
_PATTERN = ["fact", "same", "after", "before", "since", "where", "at_least", "at_most", "within"]
ORDER: dict[str, list[str]] = {
    "policy": ["$schema", "policy", "extends", "title", "languages", "description", "settings",
               "guidelines", "derive", "rules", "limits", "texts"],
    "settings": ["channels", "office_hours", "holidays"],
    "office_hours": ["days", "start", "end"],
    "derive": ["fact", "enabled", "sources", "when", "absent", "count", "at", "set"],
    "rules": ["action", "enabled", "sources", "priority", "when", "absent", "count", "to",
              "window", "office_hours", "channel", "logs", "reason", "draft"],
    "limits": ["enabled", "sources", "applies_to", "except", "when", "absent", "count", "same",
               "until", "reason"],
    "pattern": _PATTERN,
    "window": ["start", "due", "end"],
    "channel": ["default", "stated", "fallback"],
    "condition": ["eq", "ne", "in", "gt", "ge", "lt", "le", "exists"],
}


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096  # never re-wrap text; long flow collections become blocks instead
    y.preserve_quotes = True
    # [{action: a}, {channel: x}] stays a list of mappings, not [action: a, channel: x]
    y.brace_single_entry_mapping_in_flow_sequence = True
    return y


def _reorder(node, kind: str, parent=None, key_in_parent=None) -> None:
    if not isinstance(node, CommentedMap):
        return
    order = ORDER.get(kind, [])
    keys = list(node)
    wanted = [k for k in order if k in node] + [k for k in keys if k not in order]
    if wanted != keys:
        if not node.fa.flow_style():  # a {...} has no comment lines of its own
            _lead_comment_to_key(node, keys[0], parent, key_in_parent)
        _move_keys(node, keys, wanted)
    for key, value in node.items():
        _reorder(value, _child_kind(kind, key), node, key)


def _lead_comment_to_key(node: CommentedMap, first, parent, key_in_parent) -> None:
    """Comment lines above a mapping's first key belong to that key, wherever it moves.

    ruamel.yaml keeps them on the mapping (and on its parent's entry), or glued to the
    end-of-line comment of the parent's key (``r0:  # eol`` then lines); they become the
    key's own leading comment, which travels with it.
    """
    lead = list(node.ca.comment[1] or []) if node.ca.comment and len(node.ca.comment) > 1 \
        else []
    if lead:
        node.ca.comment[1] = None
        if parent is not None and key_in_parent in parent.ca.items:
            entry = parent.ca.items[key_in_parent]
            if len(entry) > 3 and entry[3] is not None:
                entry[3] = None
    token = node.ca.comment[0] if node.ca.comment else None
    if isinstance(token, CommentToken) and "\n" in token.value[:-1]:
        cut = token.value.find("\n") + 1
        head, rest = token.value[:cut], token.value[cut:]
        token.value = head
        if parent is not None and key_in_parent in parent.ca.items:
            entry = parent.ca.items[key_in_parent]
            if len(entry) > 2 and isinstance(entry[2], CommentToken):
                entry[2].value = head
        lead = _lines(rest) + lead
    if not lead:
        return
    entry = node.ca.items.setdefault(first, [None, None, None, None])
    entry[1] = lead + list(entry[1] or [])


def _holder(node, key):
    """Where ruamel keeps the comment that follows ``node[key]``: (container, key, slot)."""
    value = node[key]
    if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
        return _holder(value, list(value)[-1])
    if isinstance(value, CommentedSeq) and value and not value.fa.flow_style():
        last = len(value) - 1
        if isinstance(value[last], CommentedMap) and value[last] and \
                not value[last].fa.flow_style():
            return _holder(value[last], list(value[last])[-1])
        return value, last, 0
    return node, key, 2


def _get_comment(holder) -> str:
    container, key, slot = holder
    entry = container.ca.items.get(key)
    token = entry[slot] if entry and len(entry) > slot else None
    return token.value if isinstance(token, CommentToken) else ""


def _set_comment(holder, text: str) -> None:
    container, key, slot = holder
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    if isinstance(entry[slot], CommentToken):
        if text:
            entry[slot].value = text
        else:
            entry[slot] = None
    elif text:
        entry[slot] = CommentToken(text, CommentMark(0), None)


def _move_keys(node: CommentedMap, keys: list, wanted: list) -> None:
    """Reorder keys; comment lines between entries travel with the entry that follows."""
    eol, follow = {}, {}
    for k in keys:
        text = _get_comment(_holder(node, k))
        end = _take_end_comments(node[k])
        if end:
            text = (text or "\n") + end
        cut = text.find("\n") + 1 if "\n" in text else len(text)
        eol[k], follow[k] = text[:cut], text[cut:]
    leading = {b: follow[a] for a, b in zip(keys, keys[1:])}
    tail = follow[keys[-1]]
    for k in wanted:
        node.move_to_end(k)
    for i, k in enumerate(wanted):
        text = eol[k] + (tail if i + 1 == len(wanted) else "")
        if text and not eol[k]:  # no comment of its own: the line end comes first
            text = "\n" + text
        _set_comment(_holder(node, k), text)
        if leading.get(k):
            entry = node.ca.items.setdefault(k, [None, None, None, None])
            entry[1] = _lines(leading[k]) + list(entry[1] or [])


def _take_end_comments(value) -> str:
    """Comment lines ruamel.yaml keeps at the end of a block collection (after its last
    item), removed there: they come before whatever follows the collection."""
    text = ""
    while isinstance(value, (CommentedMap, CommentedSeq)) and value and \
            not value.fa.flow_style():
        end = getattr(value.ca, "end", None)
        if end:
            text = "".join(t.value for t in end if isinstance(t, CommentToken)) + text
            value.ca.end = None
        value = value[list(value)[-1]] if isinstance(value, CommentedMap) else value[-1]
    return text


def _lines(text: str) -> list:
    """Comment text as the per-line tokens ruamel.yaml keeps above a key."""
    out = []
    for line in text.splitlines():
        body = line.strip()
        column = len(line) - len(line.lstrip())
        out.append(CommentToken(body + "\n" if body else "\n", CommentMark(column), None))
    return out


def _child_kind(kind: str, key) -> str:
    if kind == "policy":
        return {"settings": "settings", "derive": "section:derive", "rules": "section:rules",
                "limits": "section:limits"}.get(key, "")
    if kind == "settings":
        return "office_hours" if key == "office_hours" else ""
    if kind.startswith("section:"):
        return kind.split(":", 1)[1]
    if kind in ("derive", "rules", "limits"):
        return {"when": "when", "absent": "absent", "count": "absent", "window": "window",
                "channel": "channel"}.get(key, "")
    if kind == "when":
        return "pattern"
    if kind == "pattern" and key == "where":
        return "where"
    if kind == "where":
        return "condition"
    return ""


def _reorder_lists(node, kind: str) -> None:
    """Patterns inside ``absent`` and ``count`` lists."""
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            child = _child_kind(kind, key)
            if child == "absent" and isinstance(value, CommentedSeq):
                for i, item in enumerate(value):
                    _reorder(item, "pattern", value, i)
                    _lift_lead_comment(value, i)
            _reorder_lists(value, child)


def _lift_lead_comment(seq: CommentedSeq, i: int) -> None:
    """Comment lines above the first key of a list item go above its dash.

    ruamel.yaml would write them between the dash and the key, which is not YAML.
    """
    item = seq[i]
    if not isinstance(item, CommentedMap) or not item or item.fa.flow_style():
        return
    entry = item.ca.items.get(next(iter(item)))
    if not entry or len(entry) < 2 or not entry[1]:
        return
    lead, entry[1] = entry[1], None
    slot = seq.ca.items.setdefault(i, [None, None, None, None])
    slot[1] = list(slot[1] or []) + list(lead)


def _dump(y: YAML, data) -> str:
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


def _long_flow(data, lines: list[str], found: list) -> None:
    """Flow collections that start on a line longer than WIDTH."""
    if isinstance(data, (CommentedMap, CommentedSeq)):
        if data.fa.flow_style() and data.lc.line is not None \
                and len(lines[data.lc.line]) > WIDTH:
            found.append(data)
            return
        for value in (data.values() if isinstance(data, CommentedMap) else data):
            _long_flow(value, lines, found)


def _policy_keys() -> list[str]:
    """Every top-level key a policy may have, as the policy model declares them."""
    from .policy import Policy

    return [field.alias or name for name, field in Policy.model_fields.items()]


POLICY_KEYS = _policy_keys()


def _is_policy(doc, file: str) -> None:
    """Refuse what is not a policy (events, scenarios, an empty file): fmt would only
    reorder it into nonsense."""
    data = doc.data
    if not isinstance(data, dict):
        what = "the file is empty" if data is None else "its top level is not a mapping"
        raise InvalidInput([Problem(file, *doc.where(()), f"not a policy: {what}; "
                                    "the file was left untouched")])
    for key in data:
        if key not in POLICY_KEYS:
            raise InvalidInput([doc.problem((key,), f"not a policy: '{key}' is not a policy "
                                            "key; the file was left untouched",
                                            did_you_mean(key, POLICY_KEYS), key=True)])


def _format_once(text: str) -> str:
    y = _yaml()
    data = y.load(text)
    _reorder(data, "policy")
    _reorder_lists(data, "policy")
    out = _dump(y, data)
    for _ in range(50):  # each round turns at least one flow collection into a block
        if all(len(line) <= WIDTH for line in out.splitlines()):
            break
        data = y.load(out)
        found: list = []
        _long_flow(data, out.splitlines(), found)
        if not found:
            break
        for node in found:
            node.fa.set_block_style()
        out = _dump(y, data)
    return _align_above_dash(_back_after_dash(out, _after_dash(text)))


_ABOVE_DASH = re.compile(r"^[ \t]*#.*\n[ \t]*- ", re.MULTILINE)


def _align_above_dash(text: str) -> str:
    """Comment lines right above a list item start where its dash does."""
    if not _ABOVE_DASH.search(text):
        return text
    lines = text.split("\n")
    own = {m.line - 1 for m in marks(text) if m.text and not lines[m.line - 1][:m.col - 1].strip()}
    for n in range(len(lines) - 1, 0, -1):
        item = lines[n]
        if not item.lstrip().startswith("- "):
            continue
        dash = len(item) - len(item.lstrip())
        k = n - 1
        while k >= 0 and k in own:
            lines[k] = " " * dash + lines[k].lstrip()
            k -= 1
    return "\n".join(lines)


_DASH_COMMENT = re.compile(r"^[ \t]*-[ \t]+#", re.MULTILINE)


def _after_dash(text: str) -> Counter:
    """The comments written after a bare list dash (``- # note``)."""
    if not _DASH_COMMENT.search(text):
        return Counter()
    lines = text.split("\n")
    return Counter(m.text for m in marks(text)
                   if m.text and lines[m.line - 1][:m.col - 1].strip() == "-")


def _back_after_dash(text: str, wanted: Counter) -> str:
    """Put those comments back after their dash: ruamel.yaml writes them above it."""
    if not wanted:
        return text
    lines = text.split("\n")
    for m in marks(text):
        if not wanted[m.text] or lines[m.line - 1][:m.col - 1].strip() or m.line >= len(lines):
            continue
        item = lines[m.line]
        dash = len(item) - len(item.lstrip())
        if not item.lstrip().startswith("- ") or item.lstrip().startswith("- #"):
            continue
        wanted[m.text] -= 1
        lines[m.line - 1] = " " * dash + "- " + m.text
        lines[m.line] = " " * (dash + 2) + item.lstrip()[2:]
    return "\n".join(lines)


def format_text(text: str, file: str = "<policy>") -> str:
    """``text`` in the canonical layout; raise InvalidInput if it is not a safe policy.

    A byte-order mark and CRLF line ends are kept as found. Every comment and blank line
    stays with the entry it belongs to, or nothing is formatted: the problem names the
    comment fmt cannot keep. The result is a fixed point: formatting it changes nothing.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    crlf = "\r\n" in text
    body = text[len(bom):].replace("\r\n", "\n") if crlf else text[len(bom):]
    try:
        return bom + _format_body(body, crlf, file)
    except RecursionError:  # the YAML library recurses once per level of nesting
        raise InvalidInput([Problem(file, 1, 1, "nested too deeply for fmt; the file was "
                                    "left untouched")]) from None


def _format_body(body: str, crlf: bool, file: str) -> str:
    doc = load_text(body, file)  # refuses tags, anchors, syntax errors, located
    _is_policy(doc, file)
    out = body
    for _ in range(4):  # the canonical layout is reached in one or two rounds
        try:
            new = _format_once(out)
        except YAMLError:  # ruamel.yaml wrote YAML it cannot read back
            raise InvalidInput([_unwritable(file, body)]) from None
        if new == out:
            break
        out = new
    else:  # pragma: no cover - a ruamel.yaml defect
        raise InvalidInput([Problem(file, 1, 1, "fmt found no stable layout for this file; "
                                    "it was left untouched")])
    if load_text(out, file).data != doc.data:  # pragma: no cover - a ruamel.yaml defect
        raise InvalidInput([Problem(file, 1, 1, "formatting would change the meaning of this "
                                    "file; it was left untouched")])
    missing = lost(body, out) if out != body else []
    if missing:
        raise InvalidInput([_cannot_keep(file, m) for m in missing[:1]])
    return out.replace("\n", "\r\n") if crlf else out


def _unwritable(file: str, body: str) -> Problem:
    """Why fmt refuses a file ruamel.yaml would write back broken, located.

    The one case known: a comment after a ``{...}`` or ``[...]`` list item, in a list
    whose key has a comment of its own, followed by an item in block layout (ruamel.yaml
    0.19 then writes that item's keys on one line). The comment is named: on a line of
    its own above the item, it is kept.
    """
    found = []
    _flow_items_with_comments(_yaml().load(body), found)
    for m in marks(body):
        if m.text in found:
            return Problem(file, m.line, m.col, "fmt cannot keep this comment after a "
                           "{...} or [...] list item (the YAML library would write the list "
                           "back broken): put it on its own line above the item; the file "
                           "was left untouched")
    return Problem(file, 1, 1, "fmt cannot lay out this file (the YAML library would write it "
                   "back broken); the file was left untouched")


def _flow_items_with_comments(node, found: list) -> None:
    if isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            entry = node.ca.items.get(i)
            if isinstance(item, (CommentedMap, CommentedSeq)) and item.fa.flow_style() and \
                    entry and isinstance(entry[0], CommentToken):
                found.append(entry[0].value.split("\n")[0].strip())
    children = node.values() if isinstance(node, CommentedMap) else \
        node if isinstance(node, CommentedSeq) else ()
    for child in children:
        _flow_items_with_comments(child, found)


def _cannot_keep(file: str, mark) -> Problem:
    what = "comment" if mark.text else "blank line"
    return Problem(file, mark.line, mark.col, f"fmt cannot keep this {what} where it is; the "
                   "file was left untouched",
                   "comments and blank lines inside a {...} or [...] that spans lines, or "
                   "right after a {...} list item, are lost: move it above the entry, or "
                   "write that collection as a block")


def write_atomically(path: str | Path, text: str) -> None:
    """Replace ``path`` (a symbolic link is followed) by ``text`` in one step; see
    :mod:`rulebook.rewrite` for what is kept and when it refuses."""
    replace(read(path), text)
