"""Print a policy; with --resolved, the effective policy its layers add up to.

The resolved policy is what the engine runs: the ancestors merged under the layer, in
the canonical layout, each entry marked with the file(s) that wrote it. It is checked
first, so an error in any layer is reported in that layer's file (exit 2).
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString

from ..fmt import format_text
from ..load import load_policy, policy_path
from ..terminal import show_file, write_json

_FLOW_KEYS = {"window", "channel", "office_hours", "set", "same", "where"}
_SECTIONS = ("derive", "rules", "limits")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("policy", metavar="POLICY", help="a shipped policy's name or a path")
    p.add_argument("--resolved", action="store_true", help="merge the layers it extends")
    p.add_argument("--format", choices=("yaml", "json"), default="yaml")


def _styled(value, key=None, depth=0):
    """Plain data as ruamel nodes in the shipped policies' style."""
    if isinstance(value, dict):
        node = CommentedMap((k, _styled(v, k, depth + 1)) for k, v in value.items())
        if key in _FLOW_KEYS or depth >= 4:
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        node = CommentedSeq(_styled(v, None, depth + 4) for v in value)
        if all(not isinstance(v, (dict, list)) for v in value):
            node.fa.set_flow_style()
        return node
    if key in ("reason", "description") and isinstance(value, str) and len(value) > 60:
        return FoldedScalarString(" ".join(value.split()))
    if isinstance(value, str) and ":" in value and value[:1].isdigit():
        return DoubleQuotedScalarString(value)  # "09:00" stays text in every YAML reader
    return value


def _origins(doc, section: str, eid: str) -> list[str]:
    prefix = (section, eid)
    files = {f for p, f in doc.origins.items() if p[:2] == prefix}
    files.add(doc.file_of(prefix))
    return sorted(Path(f).name for f in files)


def resolved_yaml(loaded) -> str:
    doc = loaded.document
    data = _styled({k: v for k, v in doc.data.items() if k != "extends"})
    for section in _SECTIONS:
        entries = data.get(section) or {}
        for eid in entries:
            files = _origins(doc, section, eid)
            if entries[eid].get("enabled") is False:
                where = Path(doc.file_of((section, eid, "enabled"))).name
                entries.yaml_add_eol_comment(f"# disabled in {where}", eid,
                                             column=len(eid) + 5)
            else:
                entries.yaml_add_eol_comment("# from " + ", ".join(files), eid,
                                             column=len(eid) + 5)
    y = YAML(typ="rt")
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 88
    buf = io.StringIO()
    header = f"# The effective policy '{loaded.name}'"
    if loaded.policy.extends:
        header += f", layered on '{loaded.policy.extends}' (merged in: no 'extends')"
    buf.write(header + ".\n")
    y.dump(data, buf)
    return format_text(buf.getvalue(), "<resolved>")


def run(args: argparse.Namespace) -> int:
    loaded = load_policy(args.policy)  # invalid in any layer: located errors, exit 2
    if args.format == "json":
        data = loaded.document.data if args.resolved else None
        if data is None:
            from ..source import load_file
            data = load_file(policy_path(args.policy)).data
        write_json(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif args.resolved:
        show_file(resolved_yaml(loaded))
    else:
        show_file(Path(policy_path(args.policy)).read_text(encoding="utf-8"))
    return 0
