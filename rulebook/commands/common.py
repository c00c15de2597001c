"""Helpers shared by subcommands: events from a file or stdin, ``--at``, a listening socket."""

from __future__ import annotations

import socket
import sys

from ..api import as_moment
from ..events import Timeline, load_timeline
from ..problems import InvalidInput, Problem
from ..source import read_stream


def read_events(source: str) -> Timeline:
    """An events document from a path, or from standard input for ``-``."""
    if source == "-":
        return load_timeline("<stdin>", text=read_stream(sys.stdin))
    return load_timeline(source)


def moment_arg(value: str | None):
    """``--at``, defaulting to the clock (read in the CLI only)."""
    from ..cli import now

    return now() if value is None else as_moment(value)


def listen(host: str, port: int) -> tuple[socket.socket, str]:
    """A socket bound to ``host:port`` (port 0: a free one) and its address as a URL's
    ``host:port``; a port that cannot be had is a located error on ``--port``."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted connections inherit it: the server writes a response's head and body
    # apart, and on a kept-alive connection Nagle's algorithm would hold the body until
    # the client's delayed ACK, 40 ms later, on every request after the first
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InvalidInput([Problem("--port", 0, 0, f"cannot listen on {host}:{port}: "
                                    f"{exc.strerror or exc}")]) from None
    bound, bound_port = sock.getsockname()[:2]
    return sock, f"[{bound}]:{bound_port}" if ":" in bound else f"{bound}:{bound_port}"
