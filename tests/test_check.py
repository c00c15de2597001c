"""`rulebook check`: schema and semantic errors together, located, with hints; lints."""

import textwrap

import pytest

from rulebook.cli import main
from rulebook.commands.check import problems_of
from rulebook.load import load_policy
from rulebook.problems import InvalidInput

RULE = """\
  {id}:
    action: {action}
    sources: [G5]
    when:
      p: {{fact: interviewer}}
    to: p.name
    window: {{start: p, due: p + 1d, end: p + 3d}}
    channel: {{default: email}}
    reason: Thank {{p.name}}.
"""


def write(tmp_path, text, name="p.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def run(capsys, *argv):
    """The exit code, the problems (standard error, as lines) and the summary (stdout)."""
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, err.splitlines(), out


def test_shipped_policies_are_strictly_clean(capsys):
    from rulebook.load import shipped_policies
    code, out, _ = run(capsys, "--strict", *shipped_policies())
    assert (code, out) == (0, [])


def test_schema_and_semantic_errors_are_reported_together(tmp_path, capsys):
    path = write(tmp_path, """\
        policy: mixed
        rules:
          a:
            action: send_thank_you
            sources: [G5]
            when:
              p: {fact: interviewr}
            window: {start: p, due: p + 1d}
            reason: hi
          b:
            action: other
            sources: [G5]
            priorty: 3
            when:
              p: {fact: interviewer}
            window: {start: p, due: p + 1d}
            reason: hi
        """)
    code, out, err = run(capsys, path)
    assert code == 2
    assert out == [
        f"{path}:7:17: unknown fact type 'interviewr' (did you mean 'interviewer'?)",
        f"{path}:13:5: unknown key 'priorty' (did you mean 'priority'?)",
    ]
    assert "2 error(s)" in err
    with pytest.raises(InvalidInput) as exc:  # load_policy reports the same set
        load_policy(path)
    assert [p.line for p in exc.value.problems] == [7, 13]


def test_an_invalid_derivation_does_not_cause_echo_errors(tmp_path):
    path = write(tmp_path, """\
        policy: echo
        derive:
          waiting:
            sources: [G14]
            when: {iv: {fact: interview, wher: {}}}
        rules:
          nudge:
            action: nudge
            sources: [G14]
            when: {w: {fact: waiting}}
            window: {start: w + 7d, due: w + 8d}
            reason: Nudge.
        """)
    messages = [p.message for p in problems_of(path)]
    assert messages == ["unknown key 'wher'"]


def test_hints_give_allowed_values_and_time_syntax(tmp_path):
    path = write(tmp_path, "policy: hints\nrules:\n" + RULE.format(id="a", action="a").replace(
        "default: email", "default: emial").replace("p + 1d,", "p + 1 day,"))
    found = {p.line: p for p in problems_of(path)}
    assert "did you mean 'email'?" in found[10].hint and "linkedin" in found[10].hint
    assert "m, h, d, w or bd" in found[9].hint


def test_lints_are_warnings_and_strict_fails_on_them(tmp_path, capsys):
    path = write(tmp_path, """\
        policy: lints
        rules:
          late:
            action: late
            sources: [G6]
            when:
              p: {fact: interviewer}
              q: {fact: interview, where: {round: {gt: 3, lt: 2}}}
            absent:
              - {fact: interviewer}
            window: {start: p + 2d, due: p + 4d, end: p + 3d}
            reason: hi
        """)
    code, out, _ = run(capsys, path)
    assert code == 0 and len(out) == 3
    assert all(": warning: " in line for line in out)
    assert "never match" in out[0] and ":8:" in out[0]
    assert "always blocks" in out[1] and ":10:" in out[1]
    assert "is due (p + 4d) after it ends (p + 3d)" in out[2] and ":11:" in out[2]
    code, _, _ = run(capsys, "--strict", path)
    assert code == 1


def test_duplicate_rules_for_the_same_person_are_linted(tmp_path):
    text = "policy: dup\nrules:\n" + RULE.format(id="a", action="thank") + RULE.format(
        id="b", action="thank") + RULE.format(id="c", action="other")
    path = write(tmp_path, text)
    warnings = [p for p in problems_of(path) if p.severity == "warning"]
    assert len(warnings) == 1
    assert "'a' and 'b' can both recommend 'thank'" in warnings[0].message


def test_exclusive_rules_are_not_duplicates(tmp_path):
    a = RULE.format(id="a", action="thank").replace(
        "p: {fact: interviewer}", "p: {fact: interviewer, where: {round: 1}}")
    b = RULE.format(id="b", action="thank").replace(
        "p: {fact: interviewer}", "p: {fact: interviewer, where: {round: 2}}")
    path = write(tmp_path, "policy: ok\nrules:\n" + a + b)
    assert problems_of(path) == []


ORDERED = """\
  {id}:
    action: check_in
    sources: [G14]
    when:
      i: {{fact: interview}}
      x: {{fact: {mine}, after: i}}
    absent:
{absent}
    window: {{start: x + 14d, due: x + 15d}}
    channel: {{default: email}}
    reason: Check in.
"""


@pytest.mark.parametrize("one_sided", [False, True])
def test_rules_that_each_wait_for_the_others_fact_are_exclusive(tmp_path, one_sided):
    """A reply and next steps are never at the same place in the order: a rule blocked
    by next steps after its reply and one blocked by a reply after its next steps cannot
    both match; with only one of the two blocks they can."""
    a = ORDERED.format(id="after_reply", mine="reply",
                       absent="      - {fact: next_steps, after: x}")
    b = ORDERED.format(id="after_next_steps", mine="next_steps",
                       absent="      - {fact: interview, after: x}" if one_sided
                       else "      - {fact: reply, after: x}")
    path = write(tmp_path, "policy: ok\nrules:\n" + a + b)
    warnings = [p.message for p in problems_of(path) if p.severity == "warning"]
    assert warnings == (["rules 'after_reply' and 'after_next_steps' can both recommend "
                         "'check_in' to the same person at once"] if one_sided else [])


def test_a_limit_forbidding_all_contact_is_linted(tmp_path):
    path = write(tmp_path, "policy: mute\nrules:\n" + RULE.format(id="a", action="thank") + """\
        limits:
          mute:
            sources: [G5]
            applies_to: all
            when:
              i: {fact: interview}
            reason: Never.
        """.replace("        ", "", 1))
    warnings = [p for p in problems_of(path) if p.severity == "warning"]
    assert len(warnings) == 1 and "every contact for good" in warnings[0].message


LIMIT_G20 = """\
limits:
  calm:
    sources: [G20]
    applies_to: all
    when:
      i: {fact: interview}
    until: i + 3d
    reason: Calm.
"""


def test_a_limit_implementing_a_guideline_is_not_told_no_rule_covers_it(tmp_path):
    """Issue 9: check warned "G20 is cited here but no rule covers it" on the limit itself."""
    path = write(tmp_path, "policy: cite\nrules:\n" + RULE.format(id="a", action="thank")
                 + LIMIT_G20)
    assert [p for p in problems_of(path)] == []


def test_a_derivation_nothing_reads_has_an_uncovered_citation(tmp_path):
    path = write(tmp_path, "policy: cite\nrules:\n" + RULE.format(id="a", action="thank") + """\
derive:
  unused:
    sources: [G24]
    when: {i: {fact: interview}}
  used:
    sources: [G12]
    when: {i: {fact: interview}}
limits:
  calm:
    sources: [G20]
    applies_to: all
    when: {u: {fact: used}}
    until: u + 3d
    reason: Calm.
""")
    warnings = [p.message for p in problems_of(path)]
    assert warnings == ["guideline G24 is cited here, but no rule or limit reads 'unused', "
                        "so nothing implements it"]


def test_one_broken_rule_adds_no_knock_on_errors(tmp_path):
    """Issue 9: an error inside a rule made limits say "no rule recommends X" too."""
    rule = RULE.format(id="check_in", action="check_in").replace("    action:", "    acton:")
    path = write(tmp_path, "policy: p\nrules:\n" + rule + LIMIT_G20.replace(
        "applies_to: all", "applies_to: [check_in]"))
    messages = [p.message for p in problems_of(path)]
    assert sorted(messages) == ["missing key 'action'", "unknown key 'acton'"]


def test_problems_on_stderr_summary_on_stdout(tmp_path, capsys):
    path = write(tmp_path, "policy: p\nrules:\n" + RULE.format(id="a", action="a").replace(
        "[G5]", "[G99]"))
    code, problems, summary = run(capsys, path)
    assert code == 2
    assert len(problems) == 1 and problems[0].startswith(f"{path}:5:")
    assert summary == "1 error(s), 0 warning(s) in 1 policy file(s)\n"


def test_a_window_that_can_never_open_is_an_error(tmp_path, capsys):
    """Issue 9: it was a warning, and check exited 0."""
    path = write(tmp_path, "policy: p\nrules:\n" + RULE.format(id="a", action="a").replace(
        "end: p + 3d", "end: p - 1d"))
    code, problems, _ = run(capsys, path)
    assert code == 2
    assert problems == [f"{path}:9:42: the window ends (p - 1d) before it starts (p): this "
                        "rule never recommends anything"]


def test_a_policy_may_cite_its_own_guidelines(tmp_path):
    path = write(tmp_path, "policy: p\nguidelines:\n  NOTE1: A handwritten note after a "
                 "final round.\nrules:\n" + RULE.format(id="a", action="a").replace(
                     "[G5]", "[G5, NOTE1]"))
    assert problems_of(path) == []
    bad = write(tmp_path, "policy: p\nguidelines:\n  NOTE1: A note.\n  G5: Mine.\nrules:\n"
                + RULE.format(id="a", action="a").replace("[G5]", "[NOTE2]"), "bad.yaml")
    messages = sorted((p.message, p.hint) for p in problems_of(bad))
    assert messages == [
        ("'G5' is a built-in guideline; give yours an id of its own", "e.g. P1"),
        ("no guideline 'NOTE2' in the catalogue", "did you mean 'NOTE1'?; the built-in ones "
         "are G1..G24 (`rulebook guidelines`); declare your own under 'guidelines:'")]


def test_unknown_guideline_is_an_error(tmp_path):
    path = write(tmp_path, "policy: g\nrules:\n" + RULE.format(id="a", action="a").replace(
        "[G5]", "[G5, G99]"))
    (problem,) = problems_of(path)
    assert problem.severity == "error" and "G99" in problem.message


@pytest.mark.parametrize("content,message", [
    (None, "no such file"),
    ("policy: [unclosed", "YAML syntax error"),
    ("- a list", "a policy is a mapping"),
    ("policy: x\nrules: {a: &x {}}", "anchors and aliases are not allowed"),
])
def test_error_paths(tmp_path, capsys, content, message):
    path = tmp_path / "bad.yaml"
    if content is not None:
        path.write_text(content)
    code, out, _ = run(capsys, str(path))
    assert code == 2 and message in "\n".join(out)


def test_unknown_shipped_name(capsys):
    code, out, _ = run(capsys, "standrad")
    assert code == 2 and "did you mean 'standard'?" in out[0]


def test_errors_in_the_head_do_not_hide_the_entries(tmp_path):
    path = write(tmp_path, """\
        settings: {channels: [fax]}
        rulez: {}
        rules:
          a:
            action: a
            sources: [G5]
            when:
              p: {fact: interviewr}
            window: {start: p, due: p + 1d}
            reason: hi
        """)
    assert [(p.line, p.message) for p in problems_of(path)] == [
        (1, "missing key 'policy'"),
        (1, "'fax' is not one of the allowed values"),
        (2, "unknown key 'rulez'"),
        (8, "unknown fact type 'interviewr'"),
    ]


def test_a_limit_silencing_a_month_after_every_interview_is_linted(tmp_path):
    text = "policy: mute\nrules:\n" + RULE.format(id="a", action="thank") + """\
limits:
  quiet:
    sources: [G5]
    applies_to: all
    when:
      i: {fact: interview}
    until: i + 6w
    reason: Quiet.
"""
    path = write(tmp_path, text)
    warnings = [p for p in problems_of(path) if p.severity == "warning"]
    assert [(w.line, w.message) for w in warnings] == [
        (18, "this limit holds back every contact for 6 weeks after each interview")]
    path = write(tmp_path, text.replace("i + 6w", "i + 3d"))
    assert problems_of(path) == []
