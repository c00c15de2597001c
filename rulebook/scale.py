"""``rulebook batch --dask``: the same batch on a Dask cluster, beyond one machine.

The policy travels as a pickled ``Rulebook`` (its resolved document, broadcast once to
every worker); each worker process compiles it itself on first use, since durable-rules
handles mean nothing outside the process that made them, and keeps it for later chunks.
Chunks are submitted through the same bounded window as local workers and collected in
input order, so the output is byte-identical to a single process. ``local`` starts a
local cluster of one single-threaded worker process per core (``--workers``).
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
from typing import BinaryIO, Iterable, Optional

from .api import Rulebook
from .batch import WINDOW, Line, Summary, chunks, evaluate_line, in_order
from .problems import InvalidInput, Problem

_COMPILED: dict[str, Rulebook] = {}  # per worker process: digest -> compiled policy


def run_chunk(pickled: bytes, digest: str, source: str, default_at: Optional[dt.datetime],
              lines: list[Line]) -> list[tuple[int, bytes]]:
    """On a worker: compile the policy once per process, then evaluate the chunk."""
    book = _COMPILED.get(digest)
    if book is None:
        book = _COMPILED[digest] = pickle.loads(pickled)
    return [evaluate_line(book, n, raw, source, default_at) for n, raw in lines]


def client_for(address: str, workers: int):
    """A Dask client: a local cluster of ``workers`` processes, or the scheduler at ``address``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise InvalidInput([Problem("--dask", 0, 0, f"needs Dask ({exc.name} is missing)",
                                    "pip install 'rulebook[dask]'")]) from None
    if address == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        return Client(cluster), cluster
    try:
        return Client(address, timeout="30s"), None
    except (OSError, TimeoutError) as exc:
        raise InvalidInput([Problem("--dask", 0, 0, f"cannot reach the scheduler at "
                                    f"{address}: {exc}")]) from None


def run(book: Rulebook, lines: Iterable[bytes], out: BinaryIO, *, address: str = "local",
        source: str = "<stdin>", default_at: Optional[dt.datetime] = None, workers: int = 1,
        progress=None, client=None) -> Summary:
    """Like :func:`rulebook.batch.run`, on a Dask cluster (``client``: one already open,
    left open; otherwise one for ``address``, closed at the end)."""
    own = client is None
    cluster = None
    if own:
        client, cluster = client_for(address, workers)
    summary = Summary()
    try:
        slots = max(1, sum(client.nthreads().values()))
        pickled = client.scatter(pickle.dumps(book), broadcast=True)
        digest = book.digest

        def submit(chunk):
            return client.submit(run_chunk, pickled, digest, source, default_at, chunk,
                                 pure=False)

        for chunk in in_order(submit, lambda f: f.result(), chunks(lines), slots * WINDOW):
            out.write(b"".join(line + b"\n" for _, line in chunk))
            for status, _ in chunk:
                summary.add(status)
            if progress is not None:
                progress.update(len(chunk))
    finally:
        if own:
            client.close()
        if cluster is not None:
            cluster.close()
    return summary
