"""Text for a person's terminal: nothing from a file may steer the terminal.

Names, zone values, reasons and file names come from users' files. Written raw, a
control character or escape sequence could move the cursor, retitle the window or
hide text, and a bidirectional override could make a line read differently from what
it says. ``visible`` writes every such character as a backslash escape; everything
else (accented letters, any script) is kept as it is.
"""

from __future__ import annotations

import sys
import unicodedata

# formatting characters that reorder text or separate lines
_BIDI = set("\u061c\u200e\u200f") | {chr(c) for c in range(0x202A, 0x202F)} | \
    {chr(c) for c in range(0x2066, 0x206A)}
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _unsafe(ch: str) -> bool:
    if ch in _BIDI:
        return True
    # Cc: C0, DEL, C1 (ESC, CSI, NEL...); Zl/Zp: line and paragraph separators;
    # Cs: a lone surrogate (an undecodable file name) that no terminal can print
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs")


def _escape(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, keep: str = "") -> str:
    """``text`` on one line with every control, escape and bidi character escaped.

    ``keep`` lists characters to leave as they are (``"\\n"`` for rendered text whose
    line structure is the program's own).
    """
    text = str(text)
    if text.isprintable() and text.isascii():  # the common case, fast
        return text
    return "".join(_escape(ch) if ch not in keep and _unsafe(ch) else ch for ch in text)


def write(text: str, stream=None) -> None:
    """Write program-rendered text (lines ended by ``\\n``) safely to ``stream``."""
    (sys.stdout if stream is None else stream).write(visible(text, keep="\n"))


class Screen:
    """A stream whose ``write`` goes through :func:`write` (for code that writes often)."""

    def __init__(self, stream=None):
        self.stream = sys.stdout if stream is None else stream

    def write(self, text: str) -> None:
        write(text, self.stream)


def json_text(text: str) -> str:
    """JSON text with the characters JSON allows raw but a terminal must not get (DEL,
    C1 controls, bidi overrides, line separators) written as ``\\uXXXX``: the same data,
    byte-identical whenever there were none."""
    if text.isascii():
        return text  # json.dumps has already escaped every C0 control
    return "".join(f"\\u{ord(ch):04x}" if ch != "\n" and _unsafe(ch) else ch for ch in text)


def write_json(text: str, stream=None) -> None:
    """Write JSON text (see :func:`json_text`) to ``stream``."""
    (sys.stdout if stream is None else stream).write(json_text(text))


def show_file(text: str, stream=None) -> None:
    """A user's file as it is: byte for byte into a pipe or file, escaped on a terminal."""
    stream = sys.stdout if stream is None else stream
    if getattr(stream, "isatty", lambda: False)():
        stream.write(visible(text.replace("\r\n", "\n"), keep="\n\t"))
    else:
        stream.write(text)
