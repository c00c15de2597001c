"""Output that cannot hurt: nothing from a user's file steers the terminal.

Control characters, escape sequences, bidirectional overrides and line separators in
names, zone values and file names are escaped in the table, ``explain``, the other
human outputs and error messages; every error message is one line.
"""

import json
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rulebook.cli import main
from rulebook.problems import Problem
from rulebook.terminal import visible, write

ESC = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"
BIDI = "\u202e\u2066\u2069\u200f"
HOSTILE = ["\x00", "\x07", "\x08", "\t", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9b",
           "\u2028", "\u2029", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
           "\u2066", "\u2067", "\u2068", "\u2069", "\u061c", "\u200e", "\u200f", "\udcff"]


def _safe(text: str, keep: str = "") -> bool:
    return not any(ch not in keep and (ch in HOSTILE or unicodedata.category(ch) == "Cc")
                   for ch in text)


def test_every_hostile_character_is_escaped():
    for ch in HOSTILE:
        out = visible(f"a{ch}b")
        assert _safe(out) and out.startswith("a\\") and out.endswith("b"), repr(ch)
    assert visible("\x1b[31m") == "\\x1b[31m"
    assert visible("\u202eevil") == "\\u202eevil"
    assert visible("a\nb") == "a\\nb"


def test_ordinary_text_is_kept_as_it_is():
    for text in ["José Núñez", "Zoë", "Łukasz", "山田 太郎", "محمد", "a\\b", "Dana Lee"]:
        assert visible(text) == text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_visible_is_one_safe_line_and_keeps_everything_else(text):
    out = visible(text)
    assert _safe(out)
    assert "\n" not in out
    if _safe(text):
        assert out == text


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_rendered_text_keeps_its_lines_only(text):
    class Buf(list):
        write = list.append

    buf = Buf()
    write(text, buf)
    out = "".join(buf)
    assert _safe(out, keep="\n")
    assert out.count("\n") == text.count("\n")


@settings(max_examples=100, deadline=None)
@given(st.text(), st.text(), st.text())
def test_an_error_message_is_one_safe_line(file, message, hint):
    text = str(Problem(file, 3, 4, message, hint))
    assert _safe(text) and "\n" not in text


def _events(tmp_path, name, zone="UTC"):
    doc = {"timezone": zone, "application": {"company": name, "role": "Engineer"},
           "events": [{"type": "interview", "at": "2026-03-02T10:00:00Z",
                       "interviewers": [{"name": name, "email": "x@example.com"}]}]}
    path = tmp_path / "events.json"
    path.write_text(json.dumps(doc))
    return path


def test_table_and_explain_escape_names(tmp_path, capsys):
    name = f"Dana{ESC}{BIDI}\u2028Lee\r\nX"
    events = _events(tmp_path, name)
    assert main(["recommend", str(events), "--at", "2026-03-02T12:00:00Z"]) == 0
    out = capsys.readouterr().out
    assert "Dana\\x1b]0;pwned\\x07" in out and _safe(out, keep="\n")
    assert main(["explain", str(events), "--at", "2026-03-02T12:00:00Z"]) == 0
    out = capsys.readouterr().out
    assert "Dana\\x1b" in out and _safe(out, keep="\n")
    for command in (["simulate", str(events), "--from", "2026-03-02T10:00:00Z",
                     "--to", "2026-03-09T10:00:00Z"],):
        assert main(command) == 0
        assert _safe(capsys.readouterr().out, keep="\n")


@settings(max_examples=max(5, settings.default.max_examples // 7), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
       .filter(lambda s: s.strip()))
def test_any_name_reaches_the_table_escaped(tmp_path, capsys, name):
    events = _events(tmp_path, name)
    code = main(["recommend", str(events), "--at", "2026-03-02T12:00:00Z"])
    captured = capsys.readouterr()
    assert code in (0, 2)
    assert _safe(captured.out, keep="\n") and _safe(captured.err, keep="\n")
    for line in captured.err.splitlines():
        assert line.startswith(str(events))


def test_a_hostile_zone_is_reported_on_one_escaped_line(tmp_path, capsys):
    events = _events(tmp_path, "Dana", zone=f"Europe/{ESC}\nBerlin{BIDI}")
    assert main(["recommend", str(events), "--at", "2026-03-02T12:00:00Z"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and _safe(err, keep="\n") and "\\x1b" in err


def test_a_hostile_file_name_is_escaped_in_errors(tmp_path, capsys):
    path = tmp_path / f"ev{ESC}\n{BIDI}.yaml"
    path.write_text("events: [")
    assert main(["recommend", str(path), "--at", "2026-03-02T12:00:00Z"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and _safe(err, keep="\n")


def test_a_hostile_policy_value_is_escaped_in_check(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_text(json.dumps({"policy": "p", "rules": {f"r{ESC}": {"action": f"a\n{BIDI}"}}}))
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert _safe(captured.err, keep="\n") and _safe(captured.out, keep="\n")
    assert all(line.startswith(str(path)) for line in captured.err.splitlines())


def test_json_outputs_escape_losslessly(tmp_path, capsys):
    name = f"Dana\x7f\x85\x9b{BIDI}\u2028Lee"
    events = _events(tmp_path, name)
    for command in (["recommend", "--format", "json"], ["explain", "--format", "json"]):
        assert main(command + [str(events), "--at", "2026-03-02T12:00:00Z"]) == 0
        out = capsys.readouterr().out
        assert _safe(out, keep="\n")
        back = json.dumps(json.loads(out), ensure_ascii=False)  # the same data, parsed
        assert "Dana\x7f" in back and "\u202e\u2066\u2069\u200f" in back


def test_a_file_is_shown_as_it_is_to_a_pipe_and_escaped_on_a_terminal():
    from rulebook.terminal import show_file

    class Out(list):
        def __init__(self, tty):
            super().__init__()
            self.tty = tty

        def isatty(self):
            return self.tty

        def write(self, text):
            self.append(text)

    text = f"policy: p\r\ntitle: \u202eevil\tx\r\n"
    pipe, tty = Out(False), Out(True)
    show_file(text, pipe)
    show_file(text, tty)
    assert "".join(pipe) == text
    assert "".join(tty) == "policy: p\ntitle: \\u202eevil\tx\n"
