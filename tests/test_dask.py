"""`rulebook batch --dask`: a local Dask cluster of 2 workers gives the single process's bytes.

Each worker process compiles the policy itself (from the pickled resolved document)
once, and keeps it for the chunks that follow.
"""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from rulebook import Rulebook, batch

distributed = pytest.importorskip("distributed")

from rulebook import scale  # noqa: E402
from test_batch import app_lines  # noqa: E402

AT = "2026-03-04T09:00:00+01:00"


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=50)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def single_process(book, lines) -> bytes:
    out = io.BytesIO()
    batch.run(book, lines, out, workers=1, default_at=batch.as_moment(AT))
    return out.getvalue()


def test_two_workers_give_the_single_process_bytes(client):
    book = Rulebook.load("classic")
    lines = app_lines(400) + [b"not json", b'{"id": "x", "events": {"events": 3}}']
    out = io.BytesIO()
    summary = scale.run(book, lines, out, client=client, default_at=batch.as_moment(AT))
    assert out.getvalue() == single_process(book, lines)
    assert (summary.ok, summary.invalid, summary.exit_code) == (400, 2, 2)
    compiled = client.run(lambda: sorted(scale._COMPILED))
    assert len(compiled) == 2
    assert all(digests == [book.digest] for digests in compiled.values())  # once per process


def test_the_command_line_on_a_local_cluster(tmp_path):
    lines = app_lines(120)
    (tmp_path / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    done = subprocess.run([sys.executable, "-m", "rulebook.cli", "batch",
                           str(tmp_path / "in.jsonl"), "--at", AT, "--dask", "local",
                           "--workers", "2"],
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == single_process(Rulebook.load("standard"), lines)
