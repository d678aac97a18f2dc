"""Chinese on any Windows console, pipe or file.

Where stdout or stderr is not a console, Python encodes with the ANSI code page: cp1252 on an English Windows
(and the usual CI runner) cannot encode Chinese at all, so the first message raised UnicodeEncodeError after
the work was done; cp936 (GBK) cannot encode rarer characters (𠮷, ¥). A console needs nothing: Python writes
it in UTF-16. The frozen program ignores PYTHONIOENCODING, so the streams are set here, at start.
"""

from __future__ import annotations

import codecs
import contextlib
import sys


def stream_encoding(current: str | None) -> str:
    """The encoding a non-console stream should use instead of ``current``: GB18030 where the code page is
    GBK (a superset, so what a Chinese Windows reads stays the same and every character is encodable),
    the code page itself where it can write Chinese, else UTF-8."""
    name = codecs.lookup(current or "ascii").name
    if name in ("gbk", "cp936", "gb2312"):
        return "gb18030"
    try:
        "中文维权".encode(name)
    except UnicodeEncodeError:
        return "utf-8"
    return name


def prepare_streams() -> None:
    """Reconfigure sys.stdout and sys.stderr so no message can fail to be written."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None or not hasattr(stream, "reconfigure"):
            continue  # no console at all (the windowed .exe), or replaced by a test
        try:
            interactive = stream.isatty()
        except (OSError, ValueError):
            continue
        encoding = (
            stream.encoding if interactive and sys.platform == "win32" else stream_encoding(stream.encoding)
        )
        with contextlib.suppress(
            OSError, ValueError
        ):  # a stream already closed: nothing will be written to it
            stream.reconfigure(encoding=encoding, errors="replace")


def has_console_input() -> bool:
    """Whether a password can be typed: stdin is a terminal. On Windows the NUL device (stdin of a program
    started without one) also says isatty(), and getpass reads the console regardless, so a command started
    by a script waited for ever; only a real console handle counts there."""
    stdin = sys.stdin
    try:
        if stdin is None or not stdin.isatty():
            return False
        if sys.platform != "win32":
            return True
        import ctypes
        import msvcrt

        mode = ctypes.c_uint32()
        return bool(
            ctypes.windll.kernel32.GetConsoleMode(msvcrt.get_osfhandle(stdin.fileno()), ctypes.byref(mode))
        )
    except (OSError, ValueError, AttributeError):
        return False
