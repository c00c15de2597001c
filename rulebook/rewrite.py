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
import io
import os
import signal
import stat
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from .problems import InvalidInput, Problem
from .source import MAX_BYTES, read_text
from .source import read_stream as source_stream

BOM = b"\xef\xbb\xbf"

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
    """Read a file through :func:`rulebook.source.read_text` (regular files only, size
    capped, UTF-8 located), keeping a byte-order mark and line ends as they are."""
    name = str(path)
    try:
        real = Path(path).resolve()
        st = os.stat(real)  # before reading: a change while fmt runs is then caught
    except FileNotFoundError:
        raise _refuse(name, "no such file") from None
    except (OSError, ValueError, RuntimeError):  # a loop of links, a NUL in the name...
        real, st = Path(path), None  # read_text says what is wrong
    text = read_text(path)  # problems name the file as the user gave it
    st = st or os.stat(real)
    if text:
        with open(real, "rb") as f:
            if f.read(len(BOM)) == BOM:
                text = "\ufeff" + text
    return Read(real, text, st)


def read_stream(stream, name: str = "<stdin>") -> str:
    """Standard input through :func:`rulebook.source.read_stream`, BOM kept."""
    raw = getattr(stream, "buffer", None)
    data = raw.read(MAX_BYTES + 1) if raw is not None else \
        stream.read(MAX_BYTES + 1).encode("utf-8", "surrogatepass")
    text = source_stream(io.BytesIO(data), name)
    return "\ufeff" + text if data.startswith(BOM) else text


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
