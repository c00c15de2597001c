"""`fmt` on real files: what it keeps, what it refuses, and what it never leaves behind."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rulebook import fmt as F
from rulebook.cli import main

MESSY = "policy: coach\nrules:\n  a:\n    window: {due: p}\n    action: x\n"
CANONICAL = "policy: coach\nrules:\n  a:\n    action: x\n    window: {due: p}\n"


def _fmt(path, capsys):
    code = main(["fmt", str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- issue 9: comments, blank lines, lists of mappings, files that are not policies

def test_a_comment_inside_a_multi_line_flow_mapping_is_refused_not_lost(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    text = ("policy: coach\nrules:\n  a:\n    action: x\n"
            "    window: {start: p,  # opens at the interview\n"
            "             due: p + 2d}\n")
    path.write_text(text)
    code, _, err = _fmt(path, capsys)
    assert code == 2 and path.read_text() == text
    assert err.startswith(f"{path}:5:25: fmt cannot keep this comment where it is; the file "
                          "was left untouched")
    assert err.count("\n") == 1


def test_the_blank_line_between_two_entries_stays_between_them():
    text = ("policy: coach\nrules:\n  a:\n    window: {due: p}\n    action: x\n\n"
            "  b:\n    action: y\n")
    assert F.format_text(text) == ("policy: coach\nrules:\n  a:\n    action: x\n"
                                   "    window: {due: p}\n\n  b:\n    action: y\n")


def test_a_list_of_one_key_mappings_stays_visibly_a_list_of_mappings():
    text = "policy: coach\nrules:\n  a:\n    action: x\n    absent: [{fact: a}, {fact: b}]\n"
    assert F.format_text(text) == text
    compact = text.replace("[{fact: a}, {fact: b}]", "[fact: a, fact: b]")
    assert F.format_text(compact) == text


@pytest.mark.parametrize("text, where, what", [
    ("timezone: UTC\nevents: []\n", "1:1", "not a policy: 'timezone' is not a policy key"),
    ("policy: x\nscenarios: []\n", "2:1", "not a policy: 'scenarios' is not a policy key"),
    ("", "1:1", "not a policy: the file is empty"),
    ("# only a comment\n", "1:1", "not a policy: the file is empty"),
    ("- policy: x\n", "1:1", "not a policy: its top level is not a mapping"),
    ("just words\n", "1:1", "not a policy: its top level is not a mapping"),
])
def test_a_file_that_is_not_a_policy_is_refused(tmp_path, capsys, text, where, what):
    path = tmp_path / "x.yaml"
    path.write_text(text)
    code, _, err = _fmt(path, capsys)
    assert code == 2 and path.read_text() == text
    assert err.startswith(f"{path}:{where}: {what}")


def test_every_top_level_key_of_the_policy_model_is_a_policy_key():
    from rulebook.policy import Policy

    for name, field in Policy.model_fields.items():
        text = f"policy: x\n{field.alias or name}: {{}}\n" if name != "policy" else "policy: x\n"
        assert "policy: x\n" in F.format_text(text)  # formatted, not refused


def test_a_misspelt_top_level_key_is_named_with_a_suggestion(tmp_path, capsys):
    path = tmp_path / "x.yaml"
    path.write_text("policy: x\nrulse: {}\n")
    code, _, err = _fmt(path, capsys)
    assert code == 2 and "did you mean 'rules'?" in err


# -- issue 14: comments after `absent:` and list dashes, a fixed point in one run

def test_comments_in_a_list_item_whose_keys_move_no_longer_break_the_yaml():
    text = ("policy: g\nrules:\n  r1:\n    action: x\n    absent:  # none of these\n"
            "      - after: p  # since the interview\n        # the note itself\n"
            "        fact: thank_you_sent\n")
    out = F.format_text(text)  # main raised a ScannerError here
    assert "# none of these" in out and "# the note itself" in out
    assert "after: p  # since the interview" in out
    assert F.format_text(out) == out


def test_a_comment_after_a_list_dash_stays_where_it_was_in_one_run():
    text = ("policy: c\nrules:\n  a:\n    action: x\n    absent:\n      -   # first\n"
            "        after: p\n        fact: x\n      - {fact: y}\n")
    once = F.format_text(text)
    assert once == ("policy: c\nrules:\n  a:\n    action: x\n    absent:\n      - # first\n"
                    "        fact: x\n        after: p\n      - {fact: y}\n")
    assert F.format_text(once) == once


def test_comment_lines_above_a_list_item_start_at_its_dash():
    text = ("policy: c\nrules:\n  a:\n    action: x\n    absent:\n    # the patterns\n"
            "    - fact: thank_you_sent\n    to: p\n")
    assert F.format_text(text) == ("policy: c\nrules:\n  a:\n    action: x\n    absent:\n"
                                   "      # the patterns\n      - fact: thank_you_sent\n"
                                   "    to: p\n")


def test_a_byte_order_mark_and_crlf_line_ends_are_kept(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MESSY.replace("\n", "\r\n").encode())
    code, out, _ = _fmt(path, capsys)
    assert code == 0 and "formatted" in out
    assert path.read_bytes() == b"\xef\xbb\xbf" + CANONICAL.replace("\n", "\r\n").encode()
    assert main(["fmt", "--check", str(path)]) == 0


def test_standard_input_keeps_crlf_and_a_byte_order_mark():
    sent = b"\xef\xbb\xbf" + MESSY.replace("\n", "\r\n").encode()
    done = subprocess.run([sys.executable, "-m", "rulebook.cli", "fmt", "-"], input=sent,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"\xef\xbb\xbf" + CANONICAL.replace("\n", "\r\n").encode()


def test_a_read_only_file_is_refused_not_replaced(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_text(MESSY)
    path.chmod(0o444)
    inode = path.stat().st_ino
    code, _, err = _fmt(path, capsys)
    assert code == 2 and "file is read-only; it was left untouched" in err
    assert path.read_text() == MESSY and path.stat().st_ino == inode
    assert path.stat().st_mode & 0o777 == 0o444
    assert main(["fmt", "--check", str(path)]) == 1  # checking a read-only file is fine


def test_owner_and_mode_are_kept(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_text(MESSY)
    path.chmod(0o604)
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)
    before = path.stat()
    assert _fmt(path, capsys)[0] == 0
    after = path.stat()
    assert path.read_text() == CANONICAL
    assert (after.st_uid, after.st_gid, after.st_mode) == \
        (before.st_uid, before.st_gid, before.st_mode)


def test_an_owner_that_cannot_be_kept_is_refused(tmp_path, capsys, monkeypatch):
    path = tmp_path / "p.yaml"
    path.write_text(MESSY)

    def denied(*args):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "geteuid", lambda: path.stat().st_uid + 1)  # not the owner
    monkeypatch.setattr(os, "fchown", denied)
    code, _, err = _fmt(path, capsys)
    assert code == 2 and "cannot give the formatted file the same owner and group" in err
    assert path.read_text() == MESSY and [p.name for p in tmp_path.iterdir()] == ["p.yaml"]


def test_a_file_changed_while_being_formatted_is_left_as_changed(tmp_path, capsys, monkeypatch):
    import rulebook.commands.fmt as command

    path = tmp_path / "p.yaml"
    path.write_text(MESSY)

    def edited_meanwhile(text, file):
        path.write_text(MESSY + "# an edit\n")
        return F.format_text(text, file)

    monkeypatch.setattr(command, "format_text", edited_meanwhile)
    code, _, err = _fmt(path, capsys)
    assert code == 2 and "file changed while it was being formatted" in err
    assert path.read_text() == MESSY + "# an edit\n"


def test_a_file_with_hard_links_is_refused_and_the_links_stay_one_file(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_text(MESSY)
    other = tmp_path / "same.yaml"
    os.link(path, other)
    code, _, err = _fmt(path, capsys)
    assert code == 2 and "file has 2 hard links" in err
    assert path.read_text() == MESSY and os.path.samefile(path, other)
    path.write_text(CANONICAL)  # already canonical: nothing to replace, nothing refused
    assert _fmt(path, capsys)[0] == 0 and os.path.samefile(path, other)


def test_a_symbolic_link_stays_a_link(tmp_path, capsys):
    target = tmp_path / "real.yaml"
    target.write_text(MESSY)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    assert _fmt(link, capsys)[0] == 0
    assert link.is_symlink() and target.read_text() == CANONICAL


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "dir"])
def test_special_files_are_refused_without_reading_them(tmp_path, capsys, special):
    if special == "fifo":
        special = tmp_path / "fifo.yaml"
        os.mkfifo(special)
    elif special == "dir":
        special = tmp_path / "dir.yaml"
        special.mkdir()
    link = tmp_path / "policy.yaml"
    link.symlink_to(special)
    code, _, err = _fmt(link, capsys)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"{link}:0:0: ")
    assert "not a regular file" in err or "is a directory, not a file" in err


@pytest.mark.parametrize("nested", [
    "    action: " + "[" * 1000 + "]" * 1000 + "\n",
    "".join("  " * (i + 2) + f"k{i}:\n" for i in range(400)) + "  " * 402 + "v: 1\n",
])
def test_deep_nesting_is_refused_on_one_line(tmp_path, capsys, nested):
    path = tmp_path / "p.yaml"
    path.write_text("policy: x\nrules:\n  a:\n" + nested)
    code, _, err = _fmt(path, capsys)
    assert code == 2 and err.count("\n") == 1 and err.startswith(f"{path}:")


def test_odd_names_are_located_escaped_errors(tmp_path, capsys):
    loop = tmp_path / "loop1.yaml"
    loop.symlink_to(tmp_path / "loop2.yaml")
    (tmp_path / "loop2.yaml").symlink_to(loop)
    for name, what in [(str(loop), "too many levels of symbolic links"),
                       (str(tmp_path / "a\x00b.yaml"), "a NUL character in its name"),
                       (str(tmp_path / "a\x1b[31mb.yaml"), "no such file")]:
        code, _, err = _fmt(name, capsys)
        assert code == 2 and err.count("\n") == 1 and what in err and "\x1b" not in err


def test_a_file_that_is_not_utf8_is_a_located_error(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_bytes(b"policy: caf\xe9\n")
    code, _, err = _fmt(path, capsys)
    assert code == 2 and err.startswith(f"{path}:1:12: not UTF-8 text (byte 0xe9)")


_KILLED_MID_WRITE = textwrap.dedent("""
    import os, sys, time
    def stalled(fd):  # the new text is written, not yet in place: stop here
        print("writing", flush=True)
        time.sleep(60)
    os.fsync = stalled
    from rulebook.cli import main
    sys.exit(main(["fmt", sys.argv[1]]))
""")


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, -signal.SIGTERM),
                                          (signal.SIGINT, 130),
                                          (signal.SIGHUP, -signal.SIGHUP)])
def test_killed_mid_write_it_leaves_no_temporary_file(tmp_path, signum, code):
    path = tmp_path / "p.yaml"
    path.write_text(MESSY)
    # a job started in the background (`make test &`) inherits SIGINT ignored, and Python
    # then never raises KeyboardInterrupt: the child gets the default back, as in a terminal
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_MID_WRITE, str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert proc.stdout.readline() == "writing\n"
        assert len(list(tmp_path.iterdir())) == 2  # the temporary file is there
        proc.send_signal(signum)
        assert proc.wait(timeout=30) == code
    finally:
        proc.kill()
        proc.wait()
    assert [p.name for p in tmp_path.iterdir()] == ["p.yaml"]
    assert path.read_text() == MESSY


_HOSTILE = sorted(p for p in (Path(__file__).parent / "hostile").glob("*")
                  if p.suffix in (".yaml", ".yml", ".json"))


@pytest.mark.parametrize("original", _HOSTILE, ids=lambda p: p.name)
def test_fmt_on_the_hostile_corpus_formats_or_refuses_on_located_lines(tmp_path, capsys,
                                                                        original):
    path = tmp_path / original.name
    shutil.copyfile(original, path)
    before = path.read_bytes()
    code, _, err = _fmt(path, capsys)
    assert code in (0, 2), err
    assert all(line.startswith(f"{path}:") for line in err.splitlines()), err
    if code == 2:
        assert path.read_bytes() == before
    elif path.read_bytes() != before:
        assert _fmt(path, capsys)[0:2] == (0, "")  # a fixed point in one run
