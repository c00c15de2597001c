"""Every hostile file refused the way the README promises: exit 2, located, one line each.

The corpus (``tests/hostile/``, written by ``make_corpus.py`` there) holds one file per
class of input that once ended badly (issue 14): a traceback, a read without end, a
blown memory, a silent wrong answer. Each ``policy-*`` file goes through ``check``,
``show`` and ``recommend --policy``; each ``events-*`` file through ``recommend``;
inputs that cannot live in a repository (devices, FIFOs, a 1 MB file, 2,000 missed
calls, a huge standard input) are made here. Every case must exit 2 with only
``FILE:LINE:COL: message`` lines on standard error, no traceback, within seconds.

All cases run in one child process (one interpreter start-up, not one per case), under
a memory limit, each case under an alarm; the child reports what each case did.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CORPUS = HERE / "hostile"
PANEL = HERE.parent / "examples" / "panel.yaml"
AT = "2026-03-03T09:00:00+01:00"
CASE_SECONDS = 10          # far above what any case takes (each is well under a second)
MEMORY = 3 * 2**30         # the child's address-space limit: a blow-up fails, not the host
LOCATED = re.compile(r"^.+:\d+:\d+: \S")

CHILD = textwrap.dedent("""
    import contextlib, io, json, os, signal, sys, time
    from rulebook.cli import main

    class Timeout(Exception):
        pass

    def alarm(*_):
        raise Timeout()

    signal.signal(signal.SIGALRM, alarm)
    if os.environ.get("RULEBOOK_TEST_DROP") and os.geteuid() == 0:
        # root reads every file: import what the cases need, then become nobody
        from rulebook.cli import build_parser
        import rulebook.engine.runtime, rulebook.engine.outcome, rulebook.commands.table
        build_parser()
        with contextlib.redirect_stdout(io.StringIO()):
            main(["recommend", sys.argv[3], "--at", "2026-03-03T09:00:00+01:00"])
        os.setgid(65534)
        os.setuid(65534)
    cases = json.load(open(sys.argv[1]))
    results = {}
    for name, argv, stdin in cases:
        out, err = io.StringIO(), io.StringIO()
        sys.stdin = io.TextIOWrapper(io.BytesIO((stdin or "").encode()), encoding="utf-8")
        start, cpu = time.monotonic(), time.process_time()
        signal.alarm(%d)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(argv)
        except Timeout:
            code = "timeout"
        except BaseException as exc:
            code = "raised " + type(exc).__name__ + ": " + str(exc)[:300]
        finally:
            signal.alarm(0)
        results[name] = {"code": code, "stderr": err.getvalue()[:20000],
                         "wall": round(time.monotonic() - start, 3),
                         "seconds": round(time.process_time() - cpu, 3)}
    json.dump(results, open(sys.argv[2], "w") if sys.argv[2] != "-" else sys.__stdout__)
""" % CASE_SECONDS)


def _policy_cases(path: Path) -> list[tuple[str, list[str], str | None]]:
    p = str(path)
    return [(f"check {path.name}", ["check", p], None),
            (f"show {path.name}", ["show", p], None),
            (f"show --resolved {path.name}", ["show", "--resolved", p], None),
            (f"recommend --policy {path.name}",
             ["recommend", str(PANEL), "--policy", p, "--at", AT], None)]


def _events_cases(path: Path) -> list[tuple[str, list[str], str | None]]:
    return [(f"recommend {path.name}", ["recommend", str(path), "--at", AT], None),
            (f"recommend json {path.name}",
             ["recommend", str(path), "--at", AT, "--format", "json"], None)]


def _made_here(tmp: Path) -> list[tuple[str, list[str], str | None]]:
    """Inputs a repository cannot hold."""
    cases = []
    fifo = tmp / "fifo.yaml"
    os.mkfifo(fifo)
    (tmp / "zero.yaml").symlink_to("/dev/zero")
    (tmp / "dir.yaml").mkdir()
    big = tmp / "big.yaml"
    big.write_text("policy: big\ntitle: x\n" + "# padding\n" * 110_000)
    missed = tmp / "missed.json"
    missed.write_text(json.dumps({"events": [
        {"type": "interview", "at": "2026-03-02T10:00:00Z", "interviewers": [{"name": "A"}]}] + [
        {"type": "call", "at": f"2026-03-{3 + i // 100:02d}T09:{i % 60:02d}:{i // 60 % 60:02d}Z",
         "outcome": "no_answer"} for i in range(2000)]}))
    cubic = tmp / "cubic.yaml"  # three follow-ups in a row: 300 of them are 27 million
    cubic.write_text("policy: cubic\nrules:\n  r:\n    action: act\n    sources: [G1]\n"
                     "    when:\n      a: {fact: follow_up_sent}\n"
                     "      b: {fact: follow_up_sent, after: a}\n"
                     "      c: {fact: follow_up_sent, after: b}\n"
                     "    window: {start: c, due: c + 1d}\n    reason: x\n")
    followups = tmp / "followups.json"
    followups.write_text(json.dumps({"events": [
        {"type": "follow_up_sent", "at": f"2026-03-{3 + i // 24:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
         "channel": "email"} for i in range(300)]}))
    cases.append(("recommend join beyond the limit", ["recommend", str(followups), "--policy",
                                                      str(cubic), "--at", "2026-04-01T00:00:00Z"], None))
    (tmp / "extends-fifo.yaml").write_text("policy: hostile\nextends: fifo.yaml\n")
    (tmp / "extends-zero-link.yaml").write_text("policy: hostile\nextends: zero.yaml\n")
    for name in ("fifo.yaml", "zero.yaml", "dir.yaml", "big.yaml", "extends-fifo.yaml",
                 "extends-zero-link.yaml"):
        cases += _policy_cases(tmp / name)
    for name in ("fifo.yaml", "zero.yaml", "dir.yaml", "big.yaml", "missed.json"):
        cases += _events_cases(tmp / name)[:1]
    cases += [
        ("recommend /dev/zero", ["recommend", "/dev/zero", "--at", AT], None),
        ("recommend /dev/urandom", ["recommend", "/dev/urandom", "--at", AT], None),
        ("check /dev/zero", ["check", "/dev/zero"], None),
        ("recommend --policy /dev/zero", ["recommend", str(PANEL), "--policy", "/dev/zero",
                                          "--at", AT], None),
        ("recommend stdin 2 MB", ["recommend", "-", "--at", AT], "events: []\n" + "#" * 2_000_000),
        ("recommend --at year 1", ["recommend", str(PANEL), "--at", "0001-01-01T00:00:00+00:00"], None),
        ("recommend --at year 9999", ["recommend", str(PANEL), "--at", "9999-12-31T23:59:59-01:00"], None),
        ("recommend --at year 2300", ["recommend", str(PANEL), "--at", "2300-01-01T00:00:00+00:00"], None),
        ("check long name", ["check", "x" * 5000], None),
        ("recommend --policy long name", ["recommend", str(PANEL), "--policy", "y" * 5000, "--at", AT], None),
    ]
    return cases


def _cases(tmp: Path) -> list[tuple[str, list[str], str | None]]:
    cases = []
    for path in sorted(CORPUS.iterdir()):
        if path.name.startswith("policy-"):
            cases += _policy_cases(path)
        elif path.name.startswith("events-"):
            cases += _events_cases(path)
    return cases + _made_here(tmp)


def _permission_cases(base: Path) -> list[tuple[str, list[str], str | None]]:
    """Files and directories the user may not read."""
    locked_dir = base / "locked"
    locked_dir.mkdir()
    (locked_dir / "policy.yaml").write_text("policy: locked\n")
    locked = base / "locked.yaml"
    locked.write_text("policy: locked\n")
    (base / "extends-locked.yaml").write_text("policy: hostile\nextends: locked.yaml\n")
    (base / "events-locked.yaml").write_text("events: []\n")
    for path in (locked, base / "events-locked.yaml"):
        path.chmod(0)
    locked_dir.chmod(0)
    cases = []
    for path in (locked_dir / "policy.yaml", locked, base / "extends-locked.yaml", locked_dir):
        cases += [(f"unreadable: {n}", argv, stdin) for n, argv, stdin in _policy_cases(path)]
    cases.append(("unreadable: recommend events", ["recommend", str(base / "events-locked.yaml"),
                                                    "--at", AT], None))
    return cases


def test_unreadable_files_and_directories_are_refused_located(tmp_path):
    """Run as an ordinary user (root reads everything: then the child drops to nobody)."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="rulebook-locked-"))
    try:
        base.chmod(0o755)
        cases = _permission_cases(base)
        (base / "cases.json").write_text(json.dumps(cases))
        (base / "cases.json").chmod(0o644)

        env = dict(os.environ, PYTHONHASHSEED="0", RULEBOOK_TEST_DROP="1")
        done = subprocess.run([sys.executable, "-c", CHILD, str(base / "cases.json"), "-",
                               str(PANEL)], cwd=base, env=env, timeout=120,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        results = json.loads(done.stdout)
        bad = []
        for name, _, _ in cases:
            try:
                check_outcome(name, results[name])
            except AssertionError as exc:
                bad.append(str(exc)[:300])
        assert not bad, "\n".join(bad)
        assert "permission denied" in results["unreadable: check policy.yaml"]["stderr"]
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(base)], check=False)
        import shutil
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    cases = _cases(tmp)
    (tmp / "cases.json").write_text(json.dumps(cases))

    def limit():  # pragma: no cover - runs in the child
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("RULEBOOK_DEBUG", None)
    subprocess.run([sys.executable, "-c", CHILD, str(tmp / "cases.json"), str(tmp / "out.json")],
                   cwd=tmp, env=env, preexec_fn=limit, timeout=240, check=True)
    return cases, json.loads((tmp / "out.json").read_text())


def _case_names() -> list[str]:
    names = []
    for path in sorted(CORPUS.iterdir()):
        if path.name.startswith("policy-"):
            names += [n for n, _, _ in _policy_cases(path)]
        elif path.name.startswith("events-"):
            names += [n for n, _, _ in _events_cases(path)]
    return names


def check_outcome(name: str, result: dict) -> None:
    assert result["code"] == 2, f"{name}: exit {result['code']}: {result['stderr'][:500]}"
    lines = result["stderr"].splitlines()
    assert lines, f"{name}: exit 2 without a message"
    for line in lines:
        assert LOCATED.match(line), f"{name}: not a located one-line error: {line[:300]!r}"
        assert "Traceback" not in line and "internal error" not in line, line
        assert len(line) < 6000, f"{name}: a message of {len(line)} characters"
    # CPU seconds: the wall clock of a shared CI machine says little (each is ~0.5 s or less)
    assert result["seconds"] < 3, f"{name}: took {result['seconds']} s of CPU"


@pytest.mark.parametrize("name", _case_names())
def test_corpus_file_is_refused_located(outcomes, name):
    check_outcome(name, outcomes[1][name])


def test_inputs_made_here_are_refused_located(outcomes, tmp_path):
    cases, results = outcomes
    corpus = set(_case_names())
    made = [name for name, _, _ in cases if name not in corpus]
    assert len(made) > 30
    bad = []
    for name in made:
        try:
            check_outcome(name, results[name])
        except AssertionError as exc:
            bad.append(str(exc)[:300])
    assert not bad, "\n".join(bad)


def test_corpus_is_what_make_corpus_writes(tmp_path):
    """The corpus is generated: regenerate it instead of editing a file by hand."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.HERE = tmp_path
    module.main()
    for made in tmp_path.iterdir():
        assert made.read_bytes() == (CORPUS / made.name).read_bytes(), made.name


def test_engine_errors_are_one_line(monkeypatch, capsys, tmp_path):
    """durable-rules' own refusals (here error 112: its handle table is full) are one
    line, exit 1; RULEBOOK_DEBUG=1 adds the traceback."""
    import uuid

    import durable_rules_engine

    from rulebook.cli import main
    from rulebook.engine import session

    def full(name, definition):
        raise durable_rules_engine.error("Could not create ruleset, error code: 112\n  (handles)")

    monkeypatch.setattr(session._dre, "create_ruleset", full)
    monkeypatch.delenv("RULEBOOK_DEBUG", raising=False)
    policy = tmp_path / "p.yaml"  # a policy no cache has seen
    policy.write_text(f"policy: p{uuid.uuid4().hex[:8]}\nextends: standard\n")
    args = ["recommend", str(PANEL), "--policy", str(policy), "--at", AT]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error code: 112 (handles)" in err
    assert "Traceback" not in err
    monkeypatch.setenv("RULEBOOK_DEBUG", "1")
    assert main(args) == 1
    assert "Traceback" in capsys.readouterr().err
