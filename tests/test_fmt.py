"""`rulebook fmt`: canonical layout, comments kept, idempotent, atomic, --check."""

import os

import pytest

from rulebook import fmt as F
from rulebook.cli import main
from rulebook.load import policies_dir
from rulebook.problems import InvalidInput
from rulebook.source import load_text

MESSY = """\
# Head comment.
policy: coach   # my name
extends: standard

rules:
  # A new rule, keys in any order.
  thank_recruiter:
    reason: "Thank the recruiter too."   # quoted on purpose
    window: {due: p + 2d, start: p}
    # the person
    to: p.name
    when:
      p: {where: {role: HR Partner}, fact: interviewer}
    sources: [G5]
    action: send_thank_you
    # trailing comment of the entry

  # Next entry comment.
  send_thank_you:
    absent:
      - {where: {channel: {ne: handwritten_note}}, fact: thank_you_sent, same: {to: p.name}, after: p}
    window: {due: p + 48h}
"""

CANONICAL = """\
# Head comment.
policy: coach   # my name
extends: standard

rules:
  # A new rule, keys in any order.
  thank_recruiter:
    action: send_thank_you
    sources: [G5]
    when:
      p: {fact: interviewer, where: {role: HR Partner}}
    # the person
    to: p.name
    window: {start: p, due: p + 2d}
    reason: "Thank the recruiter too."   # quoted on purpose
    # trailing comment of the entry

  # Next entry comment.
  send_thank_you:
    absent:
      - fact: thank_you_sent
        same: {to: p.name}
        after: p
        where: {channel: {ne: handwritten_note}}
    window: {due: p + 48h}
"""


def test_canonical_layout_keeps_comments_and_quotes():
    assert F.format_text(MESSY) == CANONICAL


def test_idempotent():
    assert F.format_text(CANONICAL) == CANONICAL


def test_meaning_is_unchanged():
    assert load_text(F.format_text(MESSY), "x").data == load_text(MESSY, "x").data


@pytest.mark.parametrize("path", sorted(policies_dir().glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_policies_are_canonical(path):
    text = path.read_text()
    assert F.format_text(text, str(path)) == text, f"run: rulebook fmt {path}"


def test_cli_rewrites_then_check_passes(tmp_path, capsys):
    path = tmp_path / "coach.yaml"
    path.write_text(MESSY)
    assert main(["fmt", "--check", str(path)]) == 1
    assert path.read_text() == MESSY  # --check changes nothing
    assert main(["fmt", str(path)]) == 0
    assert path.read_text() == CANONICAL
    assert main(["fmt", "--check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "not in the canonical layout" in out and "formatted" in out


def test_file_mode_is_kept(tmp_path):
    path = tmp_path / "coach.yaml"
    path.write_text(MESSY)
    path.chmod(0o640)
    assert main(["fmt", str(path)]) == 0
    assert path.stat().st_mode & 0o777 == 0o640


def test_invalid_yaml_is_an_error_and_left_untouched(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("policy: x\nrules: {a: [unclosed\n")
    assert main(["fmt", str(path)]) == 2
    assert "bad.yaml:3:1: YAML syntax error" in capsys.readouterr().err
    assert path.read_text() == "policy: x\nrules: {a: [unclosed\n"


def test_tags_are_refused(tmp_path, capsys):
    path = tmp_path / "tag.yaml"
    path.write_text("policy: !!python/object:os.system x\n")
    assert main(["fmt", str(path)]) == 2
    assert "not allowed" in capsys.readouterr().err


def test_missing_file(tmp_path, capsys):
    assert main(["fmt", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml:0:0: no such file" in capsys.readouterr().err


def test_a_failed_write_leaves_the_original_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "coach.yaml"
    path.write_text(MESSY)

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(InvalidInput, match="cannot write file: disk full"):
        F.write_atomically(path, CANONICAL)
    assert path.read_text() == MESSY
    assert [p.name for p in tmp_path.iterdir()] == ["coach.yaml"]


def test_comments_travel_with_the_key_they_precede():
    text = """\
rules:
  x:
    reason: hi # eol
    # before when

    # second para
    when:
      a: {fact: x}
    # trailing x

  # before y
  y:
    window: {start: a}
    # the action
    action: z
"""
    assert F.format_text(text) == """\
rules:
  x:
    # before when

    # second para
    when:
      a: {fact: x}
    reason: hi # eol
    # trailing x

  # before y
  y:
    # the action
    action: z
    window: {start: a}
"""


def test_several_documents_are_an_error_not_a_crash(tmp_path, capsys):
    path = tmp_path / "two.yaml"
    path.write_text("policy: x\n---\npolicy: y\n")
    assert main(["fmt", str(path)]) == 2
    assert "two.yaml:2:1: YAML error: expected a single document" in capsys.readouterr().err
    assert main(["check", str(path)]) == 2


def test_standard_input_to_standard_output(monkeypatch, capsys):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO(MESSY))
    assert main(["fmt", "-"]) == 0
    assert capsys.readouterr().out == CANONICAL


def test_fmt_follows_a_symbolic_link(tmp_path):
    from rulebook.fmt import write_atomically

    target = tmp_path / "real.yaml"
    target.write_text("old\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    write_atomically(link, "new\n")
    assert link.is_symlink() and target.read_text() == "new\n"


BROKEN_BY_RUAMEL = ("policy: p\nrules:\n  r1:\n    action: a\n    absent:  # why\n"
                    "    - {fact: x}  # first\n    - after: p\n      fact: y\n")


def test_a_comment_ruamel_would_write_back_broken_is_named_where_it_stands():
    """ruamel.yaml 0.19 writes the block item after a commented ``{...}`` item (in a list
    whose key has a comment) on one line, which is not YAML: fmt refuses, naming that
    comment, and with the comment on its own line above the item it formats."""
    with pytest.raises(InvalidInput) as caught:
        F.format_text(BROKEN_BY_RUAMEL, "p.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.col) == (6, 18)
    assert "put it on its own line above the item; the file was left untouched" in \
        problem.message
    moved = BROKEN_BY_RUAMEL.replace("    - {fact: x}  # first\n", "    # first\n    - {fact: x}\n")
    out = F.format_text(moved, "p.yaml")
    assert "# first\n      - {fact: x}\n      - fact: y\n        after: p\n" in out
