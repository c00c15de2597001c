"""Layered policies (organisation, coach, candidate) and `rulebook show --resolved`."""

import textwrap

import pytest

from rulebook.cli import main
from rulebook.load import load_policy
from rulebook.problems import InvalidInput


def layers(tmp_path, **files):
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(textwrap.dedent(text))
    return tmp_path


ORG = """\
    policy: org
    extends: standard
    rules:
      send_thank_you:
        window: {due: p + 48h}
      follow_up_call:
        enabled: false
    """
COACH = """\
    policy: coach
    extends: org.yaml
    rules:
      send_thank_you:
        channel: {default: handwritten_note, fallback: [email]}
    limits:
      gap_between_contacts:
        until: c + 5d
    """
CANDIDATE = """\
    policy: candidate
    extends: coach.yaml
    rules:
      send_thank_you:
        window: {due: p + 36h}
    """


@pytest.fixture
def chain(tmp_path):
    return layers(tmp_path, org=ORG, coach=COACH, candidate=CANDIDATE)


def test_three_layers_merge_by_id(chain):
    policy = load_policy(str(chain / "candidate.yaml")).policy
    standard = load_policy("standard").policy
    thanks = policy.rules["send_thank_you"]
    assert thanks.window.due.text == "p + 36h"                     # candidate
    assert thanks.channel.default == "handwritten_note"              # coach
    assert thanks.window.end.text == "p + 7d"                         # standard
    assert thanks.reason == standard.rules["send_thank_you"].reason
    assert policy.rules["follow_up_call"].enabled is False           # org
    assert "follow_up_call" not in policy.active("rules")
    assert policy.limits["gap_between_contacts"].until.text == "c + 5d"
    assert set(policy.rules) == set(standard.rules)


def test_errors_point_into_the_layer_that_wrote_them(chain):
    (chain / "org.yaml").write_text(ORG.replace("p + 48h", "p + 48 hours").replace("    ", "", 1)
                                    .replace("\n    ", "\n"))
    (chain / "coach.yaml").write_text(textwrap.dedent(COACH).replace("handwritten_note",
                                                                      "handwriten_note"))
    with pytest.raises(InvalidInput) as exc:
        load_policy(str(chain / "candidate.yaml"))
    files = {(p.file.rsplit("/", 1)[-1], p.line) for p in exc.value.problems}
    assert ("coach.yaml", 5) in files
    assert not any(f == "candidate.yaml" for f, _ in files)


def test_a_layer_error_in_an_inherited_entry(tmp_path):
    layers(tmp_path, layer="""\
        policy: layer
        extends: standard
        rules:
          send_thank_you:
            to: q.name
        """)
    with pytest.raises(InvalidInput) as exc:
        load_policy(str(tmp_path / "layer.yaml"))
    (problem,) = exc.value.problems
    assert problem.file.endswith("layer.yaml") and (problem.line, problem.col) == (5, 9)


def test_missing_parent_points_at_extends(tmp_path, capsys):
    layers(tmp_path, a="policy: a\nextends: nothere.yaml\n", b="policy: b\nextends: standrad\n")
    assert main(["check", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")]) == 2
    out = capsys.readouterr().err.splitlines()  # problems on stderr, the summary on stdout
    assert out[0] == f"{tmp_path}/a.yaml:2:10: cannot load 'nothere.yaml': no such file"
    assert out[1].startswith(f"{tmp_path}/b.yaml:2:10: cannot load 'standrad'")
    assert "did you mean 'standard'?" in out[1]


def test_cycles_are_refused(tmp_path):
    layers(tmp_path, a="policy: a\nextends: b.yaml\n", b="policy: b\nextends: a.yaml\n")
    with pytest.raises(InvalidInput) as exc:
        load_policy(str(tmp_path / "a.yaml"))
    assert "cycle" in exc.value.problems[0].message


def test_show_resolved_is_the_effective_policy(chain, capsys, tmp_path):
    assert main(["show", str(chain / "candidate.yaml"), "--resolved"]) == 0
    text = capsys.readouterr().out
    assert "extends:" not in text
    assert "send_thank_you:  # from candidate.yaml, coach.yaml, standard.yaml" in text
    assert "follow_up_call:  # disabled in org.yaml" in text
    again = load_policy("resolved.yaml", text=text).policy
    original = load_policy(str(chain / "candidate.yaml")).policy
    assert again.model_dump(exclude={"extends"}) == original.model_dump(exclude={"extends"})


def test_show_plain_and_json(capsys):
    assert main(["show", "standard"]) == 0
    assert capsys.readouterr().out.startswith("# yaml-language-server")
    assert main(["show", "standard", "--format", "json"]) == 0
    assert '"policy": "standard"' in capsys.readouterr().out


def test_show_reports_errors_of_any_layer(chain, capsys):
    (chain / "org.yaml").write_text("policy: org\nextends: standard\nrules:\n  x: {enabld: 1}\n")
    assert main(["show", str(chain / "candidate.yaml"), "--resolved"]) == 2
    err = capsys.readouterr().err
    assert "org.yaml:4:7: unknown key 'enabld'" in err


@pytest.mark.parametrize("name", ["classic", "modern"])
def test_resolved_policy_advises_exactly_like_the_layers(name, tmp_path, capsys):
    from rulebook.api import Rulebook
    from rulebook.policydiff import diff, generated_timelines

    assert main(["show", name, "--resolved"]) == 0
    flat = tmp_path / "flat.yaml"
    flat.write_text(capsys.readouterr().out)
    report = diff(Rulebook.load(name), Rulebook.load(str(flat)), generated_timelines(25, seed=5))
    assert report.evaluations > 500 and report.changes == []


def test_a_misspelt_override_names_the_entry_meant(tmp_path, capsys):
    layers(tmp_path, layer="""\
        policy: layer
        extends: standard
        rules:
          send_thankyou:
            window: {due: p + 48h}
          brand_new:
            action: brand_new
        """)
    assert main(["check", str(tmp_path / "layer.yaml")]) == 2
    out = capsys.readouterr().err.splitlines()
    assert out[0] == (f"{tmp_path}/layer.yaml:4:3: 'standard' has no rule 'send_thankyou' to "
                      "change (a new one needs all its keys) (did you mean 'send_thank_you'?)")
    # a new entry with no close parent is incomplete, and says what it lacks
    assert any("layer.yaml:7:5: missing key 'sources'" in line for line in out[1:])


@pytest.mark.parametrize("ref,message", [
    ("nope.yaml", "nope.yaml:0:0: no such file"),
    ("standrad", "did you mean 'standard'?"),
])
def test_show_error_paths(capsys, ref, message):
    assert main(["show", ref, "--resolved"]) == 2
    assert message in capsys.readouterr().err
