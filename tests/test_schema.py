"""`rulebook schema`: the committed JSON Schemas are current and accept what we ship."""

import json
from pathlib import Path

import jsonschema
import pytest

from rulebook.cli import main
from rulebook.commands.schema import render
from rulebook.load import policies_dir
from rulebook.source import load_file, load_text

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("kind", ["policy", "events", "scenarios"])
def test_committed_schema_is_up_to_date(kind):
    committed = (ROOT / "schema" / f"{kind}.schema.json").read_text()
    assert committed == render(kind), f"run: rulebook schema {kind} > schema/{kind}.schema.json"


def validator(kind):
    from referencing import Registry, Resource

    schema = json.loads(render(kind))
    jsonschema.Draft202012Validator.check_schema(schema)
    events = json.loads(render("events"))
    registry = Registry().with_resource(events["$id"], Resource.from_contents(events))
    return jsonschema.Draft202012Validator(schema, registry=registry)


@pytest.mark.parametrize("path", sorted((ROOT / "policies" / "scenarios").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_shipped_scenarios_validate(path):
    assert list(validator("scenarios").iter_errors(load_file(path).data)) == []


def test_scenario_schema_sees_typos_and_inline_events():
    text = ("scenarios:\n  - name: x\n    events: {events: [{type: intervew, at: 2026-03-02}]}\n"
            "    at: '2026-03-03T09:00:00+01:00'\n    expect: [{acton: a}]\n    exactly: maybe\n")
    found = {tuple(e.path) for e in validator("scenarios").iter_errors(load_text(text, "x").data)}
    assert ("scenarios", 0, "expect", 0) in found        # unknown key 'acton'
    assert ("scenarios", 0, "exactly") in found
    assert ("scenarios", 0, "events") in found           # an unknown event type


@pytest.mark.parametrize("path", sorted(policies_dir().glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_policies_validate_and_point_at_the_schema(path):
    assert list(validator("policy").iter_errors(load_file(path).data)) == []
    first = path.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/policy.schema.json"
    assert (ROOT / "schema" / "policy.schema.json").is_file()


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.name)
def test_examples_validate(path):
    assert list(validator("events").iter_errors(load_file(path).data)) == []


def errors(text):
    return sorted((list(e.path), e.validator) for e in
                  validator("policy").iter_errors(load_text(text, "x").data))


def test_editor_sees_typos():
    layer = ("policy: coach\nextends: standard\nrules:\n  send_thank_you:\n"
             "    channel: {default: handwriten_note}\n    window: {due: p + 48hrs}\n    reasn: x\n")
    found = errors(layer)
    assert (["rules", "send_thank_you"], "additionalProperties") in found
    assert (["rules", "send_thank_you", "channel"], "anyOf") in found
    assert (["rules", "send_thank_you", "window"], "anyOf") in found


def test_a_layer_may_give_part_of_an_entry_but_a_base_policy_may_not():
    body = "rules:\n  send_thank_you:\n    window: {due: p + 48h}\n"
    assert errors("policy: coach\nextends: standard\n" + body) == []
    assert errors("policy: coach\n" + body) != []


def test_condition_shorthand_is_accepted():
    text = ("policy: p\nrules:\n  r:\n    action: a\n    sources: [G1]\n    when:\n"
            "      r: {fact: reply, where: {kind: offer}}\n    window: {start: r, due: r}\n"
            "    reason: x\n")
    assert errors(text) == []


def test_cli(capsys):
    assert main(["schema", "events"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "rulebook events document"
    assert main(["schema", "scenarios"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "rulebook scenario file"
    with pytest.raises(SystemExit) as exc:
        main(["schema", "rules"])
    assert exc.value.code == 2
