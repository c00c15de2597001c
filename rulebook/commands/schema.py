"""Print the JSON Schema of policy files (or of events documents, or scenario files).

The schema is generated from the same pydantic models that validate files, adjusted
for what a file may say before it is merged: a layer (a policy that ``extends``
another) gives only the parts of an entry it changes. The copies in schema/ are what
the shipped policies' ``yaml-language-server`` modeline points at.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from typing import Any

from ..events import Timeline
from ..policy import Policy
from ..timeexpr import EXPR_SYNTAX

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_SECTIONS = {"derive": "Derivation", "rules": "Rule", "limits": "Limit"}
_EXPR = r"^\s*[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?(\s*[+-]\s*\d+\s*(bd|m|h|d|w))*\s*$"
_SCALAR = {"type": ["boolean", "integer", "string"], "description": "shorthand for eq"}


def _partial(defs: dict, name: str) -> str:
    """A copy of definition ``name`` (and of its nested objects) with nothing required."""
    partial = f"{name}Override"
    if partial not in defs:
        d = copy.deepcopy(defs[name])
        d.pop("required", None)
        d.pop("minProperties", None)
        d["description"] = (d.get("description", "") + "\n\nIn a layer: only what changes.").strip()
        for prop in ("window", "channel"):
            if prop in d.get("properties", {}):
                target = {"window": "Window", "channel": "ChannelChoice"}[prop]
                d["properties"][prop] = {"anyOf": [{"$ref": f"#/$defs/{_partial(defs, target)}"},
                                                   {"type": "null"}]}
        for prop in ("when", "reason"):
            d.get("properties", {}).get(prop, {}).pop("minProperties", None)
        defs[partial] = d
    return partial


def _time_expressions(node: Any) -> None:
    """Tighten what pydantic leaves loose, so editors flag '48hrs' and 'Send_Thanks'.

    Time expressions get their syntax as a pattern; mappings keyed by ids refuse keys
    that are not ids.
    """
    if isinstance(node, dict):
        if node.get("description") == EXPR_SYNTAX and node.get("type") == "string":
            node["pattern"] = _EXPR
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _time_expressions(value)
    elif isinstance(node, list):
        for value in node:
            _time_expressions(value)


def policy_schema() -> dict[str, Any]:
    schema = Policy.model_json_schema(by_alias=True)
    _time_expressions(schema)
    defs = schema["$defs"]
    defs["Pattern"]["properties"]["where"]["additionalProperties"] = {
        "anyOf": [{"$ref": "#/$defs/Condition"}, _SCALAR]}
    layer: dict[str, Any] = {}
    for section, name in _SECTIONS.items():
        prop = schema["properties"][section]
        layer[section] = copy.deepcopy(prop)
        for key in ("patternProperties", "additionalProperties"):
            if key in prop:
                sub = layer[section][key]
                targets = sub.values() if key == "patternProperties" else [sub]
                for t in targets:
                    if isinstance(t, dict):
                        t["$ref"] = f"#/$defs/{_partial(defs, name)}"
    full = {section: schema["properties"].pop(section) for section in _SECTIONS}
    required = schema.pop("required", [])
    schema["properties"].update({s: {"type": "object"} for s in _SECTIONS})
    schema["if"] = {"required": ["extends"], "properties": {"extends": {"type": "string"}}}
    schema["then"] = {"properties": layer}
    schema["else"] = {"properties": full, "required": required}
    return {"$schema": DRAFT, "$id": "https://rulebook.example/schema/policy.schema.json",
            **schema, "title": "rulebook policy"}


def events_schema() -> dict[str, Any]:
    schema = Timeline.model_json_schema(by_alias=True)
    return {"$schema": DRAFT, "$id": "https://rulebook.example/schema/events.schema.json",
            **schema, "title": "rulebook events document"}


def scenarios_schema() -> dict[str, Any]:
    """Scenario files (``NAME.scenarios.yaml``): inline events follow the events schema."""
    from ..testing.scenarios import ScenarioFile

    schema = ScenarioFile.model_json_schema(by_alias=True)
    events = schema["$defs"]["Scenario"]["properties"]["events"]
    events["anyOf"] = [{"type": "string", "description": "a path relative to this file"},
                       {"$ref": "events.schema.json"}]
    return {"$schema": DRAFT, "$id": "https://rulebook.example/schema/scenarios.schema.json",
            **schema, "title": "rulebook scenario file"}


SCHEMAS = {"policy": policy_schema, "events": events_schema, "scenarios": scenarios_schema}


def render(kind: str) -> str:
    """The schema as committed: stable key order, two-space indent, final newline."""
    return json.dumps(SCHEMAS[kind](), indent=2, ensure_ascii=False) + "\n"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", nargs="?", choices=sorted(SCHEMAS), default="policy",
                   help="policy files (default), events documents or scenario files")


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(render(args.kind))
    return 0
