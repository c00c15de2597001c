"""Rewriting a user's file in place of the old one, or not at all.

``fmt`` replaces a file only when nothing about it but its text would change: the new
text goes to a temporary file beside it, gets the old file's mode and owner, and is
renamed over it in one step, so a reader (or a crash) sees the old file or the new one.
It refuses, leaving the file as it was, when that promise cannot hold: a read-only
file, a file with hard links (renaming would split them), an owner it cannot give the
new file, a file that changed since it was read. Killed by SIGTERM, SIGHUP or SIGINT
mid-write, it removes its temporary file before dying of the same signal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from .problems import InvalidInput, Problem
from .source import MAX_BYTES

_SIGNALS = [s for s in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, s)]


@dataclass(frozen=True)
class Read:
    """A file's text as found (BOM and CRLF included) and its state when read."""

    path: Path  # the file itself, symbolic links followed
    text: str
    stat: os.stat_result


def _refuse(path, message: str, hint: str = "") -> InvalidInput:
    return InvalidInput([Problem(str(path), 0, 0, message, hint)])


def read(path: str | Path) -> Read:
    """Read a regular file of at most MAX_BYTES as UTF-8, line ends untouched.

    A FIFO, a device or a directory is refused without reading (or waiting on) it.
    """
    name = str(path)
    try:
        real = Path(path).resolve()
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise _refuse(name, "cannot read file: no such file") from None
    except OSError as exc:
        raise _refuse(name, f"cannot read file: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(name, "cannot read file: not a regular file")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(MAX_BYTES + 1)
    finally:
        os.close(fd)
    return Read(real, _decode(data, name), st)


def read_stream(stream, name: str = "<stdin>") -> str:
    """Standard input as bytes, at most MAX_BYTES, so line ends and a BOM stay as sent."""
    raw = getattr(stream, "buffer", None)
    data = raw.read(MAX_BYTES + 1) if raw is not None else \
        stream.read(MAX_BYTES + 1).encode("utf-8", "surrogatepass")
    return _decode(data, name)


def _decode(data: bytes, name: str) -> str:
    if len(data) > MAX_BYTES:
        raise _refuse(name, f"file is larger than {MAX_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse(name, f"cannot read file: not UTF-8 (byte {exc.start + 1})") from None


@contextlib.contextmanager
def _signals_raise():
    """While writing, a terminating signal unwinds (so clean-up runs) instead of killing."""
    caught: list[int] = []

    def handler(signum, frame):
        caught.append(signum)
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    old = {}
    for name in _SIGNALS:
        num = getattr(signal, name)
        if signal.getsignal(num) in (signal.SIG_DFL, signal.default_int_handler):
            old[num] = signal.signal(num, handler)
    try:
        yield caught
    finally:
        for num, previous in old.items():
            signal.signal(num, previous)


def replace(found: Read, text: str) -> None:
    """Replace the file ``found`` was read from by ``text``, or raise InvalidInput."""
    path, st = found.path, found.stat
    if not st.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise _refuse(path, "file is read-only; it was left untouched",
                      "make it writable to format it, or run: rulebook fmt - < FILE")
    if st.st_nlink > 1:
        raise _refuse(path, f"file has {st.st_nlink} hard links; replacing it would split "
                      "them, so it was left untouched",
                      "format a copy, or run: rulebook fmt - < FILE")
    tmp = None
    with _signals_raise() as caught:
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(text.encode("utf-8"))
                f.flush()
                os.fchmod(f.fileno(), stat.S_IMODE(st.st_mode))
                if (st.st_uid, st.st_gid) != (os.geteuid(), os.fstat(f.fileno()).st_gid):
                    try:
                        os.fchown(f.fileno(), st.st_uid, st.st_gid)
                    except PermissionError:
                        raise _refuse(path, "cannot give the formatted file the same owner "
                                      "and group; it was left untouched",
                                      "run fmt as the file's owner") from None
                os.fsync(f.fileno())
            now = os.stat(path)
            if (now.st_ino, now.st_size, now.st_mtime_ns) != \
                    (st.st_ino, st.st_size, st.st_mtime_ns):
                raise _refuse(path, "file changed while it was being formatted; it was left "
                              "untouched", "run fmt again")
            os.replace(tmp, path)
            tmp = None
        except OSError as exc:
            raise _refuse(path, f"cannot write file: {exc.strerror or exc}") from None
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            if caught:  # die of the signal we were sent, now that nothing is left behind
                signum = caught[0]
                signal.signal(signum, signal.SIG_DFL if signum != signal.SIGINT
                              else signal.default_int_handler)
                signal.raise_signal(signum)
