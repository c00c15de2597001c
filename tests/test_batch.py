"""`rulebook batch`: JSON Lines in and out, order kept, bad lines reported, never fatal."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from rulebook import Rulebook, batch
from rulebook.cli import main
from rulebook.source import load_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
TIMES = ["2026-03-02T12:00:00+01:00", "2026-03-03T09:00:00+01:00", "2026-03-20T09:00:00+01:00",
         "2026-05-18T09:00:00+01:00"]


def app_lines(count: int) -> list[bytes]:
    """``count`` applications: the shipped examples at several times, ids in order."""
    docs = [load_file(p).data for p in EXAMPLES]
    out = []
    for i in range(count):
        line = {"id": f"app-{i:05d}", "events": docs[i % len(docs)]}
        if i % 3:
            line["at"] = TIMES[(i // len(docs)) % len(TIMES)]
        out.append(orjson.dumps(line))
    return out


def run_cli(tmp_path, lines: list[bytes], *args: str) -> subprocess.CompletedProcess:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    return subprocess.run([sys.executable, "-m", "rulebook.cli", "batch", str(source),
                           "--at", "2026-03-04T09:00:00+01:00", *args],
                          capture_output=True, timeout=300)


def test_each_line_is_byte_identical_to_recommend(tmp_path, capsys):
    lines = [orjson.dumps({"id": i, "events": load_file(p).data, "at": TIMES[i % 4]})
             for i, p in enumerate(EXAMPLES)]
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    assert main(["batch", str(source), "--workers", "1"]) == 0
    out = capsys.readouterr().out.encode().splitlines()
    assert len(out) == len(EXAMPLES)
    for i, (path, line) in enumerate(zip(EXAMPLES, out)):
        assert main(["recommend", str(path), "--at", TIMES[i % 4], "--format", "json"]) == 0
        printed = capsys.readouterr().out
        compact = orjson.dumps(orjson.loads(printed))
        assert line == b'{"id":%d,"advice":%s}' % (i, compact)


def test_bad_lines_never_stop_the_run_and_are_located(tmp_path):
    good = app_lines(4)
    lines = [good[0], b"not json", good[1],
             b'{"id": "typo", "events": {"events": [{"type": "intervew", "at": "2026-03-02"}]}}',
             b"", b'{"id": 7, "events": {"events": []}, "at": "soon", "extra": 1}',
             b"[1, 2]", b"\xff\xfe", good[2], good[3]]
    done = run_cli(tmp_path, lines, "--workers", "1")
    assert done.returncode == 2
    out = [orjson.loads(x) for x in done.stdout.splitlines()]
    assert len(out) == 9  # one per non-blank line, none lost
    assert [o["id"] for o in out] == ["app-00000", None, "app-00001", "typo", 7, None, None,
                                     "app-00002", "app-00003"]
    assert all("advice" in out[i] for i in (0, 2, 7, 8))
    name = str(tmp_path / "in.jsonl")
    typo = out[3]["error"]["problems"]
    col = lines[3].index(b'"intervew"') + 1
    assert typo == [{"file": name, "line": 4, "col": col, "message": "unknown event type "
                     "'intervew'", "hint": "did you mean 'interview'?"}]
    seven = {(p["line"], p["message"]) for p in out[4]["error"]["problems"]}
    assert seven == {(6, "'soon' is not an ISO 8601 time"), (6, "unknown key 'extra'")}
    assert out[1]["error"]["problems"][0]["line"] == 2
    assert out[6]["error"]["problems"][0]["message"] == "not UTF-8 text"
    assert b"Traceback" not in done.stderr


def test_exit_codes(tmp_path):
    done = run_cli(tmp_path, app_lines(3), "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""  # no progress bar, no summary, when piped and all is well
    unwritable = run_cli(tmp_path, app_lines(3), "--workers", "1",
                         "-o", str(tmp_path / "no" / "such" / "dir.jsonl"))
    assert unwritable.returncode == 1
    assert b"Traceback" not in unwritable.stderr
    bad_policy = run_cli(tmp_path, app_lines(1), "--policy", str(tmp_path / "missing.yaml"))
    assert bad_policy.returncode == 2
    assert bad_policy.stderr.decode().startswith(str(tmp_path / "missing.yaml") + ":0:0:")


def test_a_line_that_fails_unexpectedly_is_exit_1_and_the_run_goes_on():
    class Broken:
        def recommend(self, timeline, at):
            raise RuntimeError("boom")

    at = dt.datetime(2026, 3, 3, 9, tzinfo=dt.timezone.utc)
    status, line = batch.evaluate_line(Broken(), 1, app_lines(1)[0], "<stdin>", at)
    assert status == batch.FAILED
    assert orjson.loads(line) == {"id": "app-00000",
                                  "error": {"kind": "internal", "message": "RuntimeError: boom"}}
    summary = batch.Summary()
    for s in (batch.OK, batch.INVALID, batch.FAILED):
        summary.add(s)
    assert summary.exit_code == 1


def test_two_workers_give_the_same_bytes_in_input_order(tmp_path):
    lines = app_lines(300)  # several chunks per worker, more than the in-flight window
    one = run_cli(tmp_path, lines, "--workers", "1")
    two = run_cli(tmp_path, lines, "--workers", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    assert one.stdout == two.stdout
    ids = [orjson.loads(x)["id"] for x in two.stdout.splitlines()]
    assert ids == [f"app-{i:05d}" for i in range(300)]


def test_the_window_bounds_what_is_in_flight():
    submitted, collected = [], []

    def work():
        for i in range(100):
            submitted.append(i)
            assert len(submitted) - len(collected) <= 4  # read ahead at most the window
            yield [(i, b"")]

    def collect(x):
        collected.append(x)
        return x

    assert list(batch.in_order(lambda c: c[0][0], collect, work(), window=3)) == list(range(100))


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_compile_the_policy_themselves(method):
    book = Rulebook.load("modern")
    chunks = list(batch.results(book, app_lines(70), default_at=None, workers=2,
                                start_method=method))
    lines = [line for chunk in chunks for _, line in chunk]
    assert [orjson.loads(x)["advice"]["policy"] for x in lines if b'"advice"' in x] \
        == ["modern"] * sum(b'"advice"' in x for x in lines)
    alone = [line for chunk in batch.results(book, app_lines(70), workers=1) for _, line in chunk]
    assert lines == alone


def test_a_progress_bar_on_a_terminal_only(tmp_path):
    import fcntl
    import os
    import pty
    import select
    import struct
    import termios

    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(app_lines(40)) + b"\n")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    done = subprocess.run([sys.executable, "-m", "rulebook.cli", "batch", str(source),
                           "--at", "2026-03-04T09:00:00+01:00", "--workers", "1",
                           "-o", str(tmp_path / "out.jsonl")],
                          stderr=slave, stdout=subprocess.PIPE, timeout=300)
    os.close(slave)
    shown = b""
    while select.select([master], [], [], 2)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert done.returncode == 0
    assert b"40 applications [" in shown  # tqdm's bar, on the terminal
    assert b"rulebook batch: 40 ok, 0 invalid, 0 failed" in shown
    assert len((tmp_path / "out.jsonl").read_bytes().splitlines()) == 40


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is the default on Linux")
def test_forked_workers_inherit_the_compiled_policy(monkeypatch):
    """Forked workers start with the parent's compiled book: nothing pickled, nothing
    compiled again (the second worker's start was a second import and compile)."""
    book = Rulebook.load("modern")
    alone = [line for chunk in batch.results(book, app_lines(70), workers=1) for _, line in chunk]

    def refuse(self):
        raise AssertionError("the book was pickled")

    monkeypatch.setattr(Rulebook, "__reduce__", refuse)
    assert batch.default_start_method() == "fork"
    forked = [line for chunk in batch.results(book, app_lines(70), workers=2)
              for _, line in chunk]
    assert forked == alone
