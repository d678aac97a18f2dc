"""Running the program as a user would: a separate process with its own environment."""

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str = "3m") -> Iterator[Path]:
    """A real small disk (a Linux tmpfs of ``size``) mounted at ``folder``, unmounted afterwards; skips the
    test where it cannot be made (Windows has no mount; its full-disk error is the same OSError)."""
    import pytest

    folder.mkdir()
    if sys.platform != "linux" or not shutil.which("mount"):
        pytest.skip(
            "a small disk is a Linux tmpfs here (Windows has no mount; its full-disk error is the same OSError)"
        )
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    ).returncode:
        pytest.skip("mounting a small disk needs root (CI runs as root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill_disk(folder: Path) -> Path:
    """Fill the disk holding ``folder`` to its last byte; returns the filler file."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def run_cli(
    *args: str,
    env: dict | None = None,
    cwd: Path | None = None,
    timeout: int = 120,
    python: str | None = None,
) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "WEIQUAN_DATA_DIR"}
    full_env.update({"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), **(env or {})})
    return subprocess.run(
        [python or sys.executable, "-m", "weiquan_desktop", *args],
        capture_output=True,
        text=True,
        encoding=cli_encoding(full_env),
        errors="strict",
        env=full_env,
        cwd=cwd or ROOT,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def cli_encoding(env: dict | None = None) -> str:
    """What the program writes to a pipe: weiquan_desktop.console's choice for the code page it is given
    (GB18030 on a Chinese Windows, UTF-8 on an English one)."""
    import locale

    from weiquan_desktop.console import stream_encoding

    given = (env or os.environ).get("PYTHONIOENCODING") or locale.getpreferredencoding(False)
    return stream_encoding(given.split(":")[0])


def type_text(qtbot, widget, text: str) -> None:
    """Type like a clerk: Latin text as key presses, Chinese as an input method commits it."""
    from itertools import groupby

    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    for ascii_run, chars in groupby(text, key=str.isascii):
        run = "".join(chars)
        if ascii_run:
            qtbot.keyClicks(widget, run)
        else:
            event = QInputMethodEvent()
            event.setCommitString(run)
            QApplication.sendEvent(widget, event)


_qt_app = None


def _qt_pdf(path: Path):
    """The PDF opened with Qt's PDF module (the caller closes it)."""
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtWidgets import QApplication

    global _qt_app
    _qt_app = QApplication.instance() or QApplication([])  # kept; a QCoreApplication would break pytest-qt's
    document = QPdfDocument()
    error = document.load(str(path))
    if error != QPdfDocument.Error.None_:
        raise AssertionError(f"{path} is not a readable PDF: {error}")
    return document


def pdf_text(path: Path, *, layout: bool = False, page: int | None = None) -> str:
    """A PDF's text layer as a reader gets it (``page`` from 1; pages end with a form feed, as pdftotext
    ends them): poppler's pdftotext where it is installed (Linux, CI), else Qt's own PDF module (PDFium,
    shipped with the program's PySide6), so the checks of printed documents run on Windows too.
    WEIQUAN_TEST_PDF_READER=qt uses Qt's here as well, to try the Windows path on Linux."""
    import shutil

    if shutil.which("pdftotext") and os.environ.get("WEIQUAN_TEST_PDF_READER") != "qt":
        pages = ["-f", str(page), "-l", str(page)] if page else []
        command = ["pdftotext", *(["-layout"] if layout else []), *pages, str(path), "-"]
        return subprocess.run(command, capture_output=True, check=True).stdout.decode("utf-8")
    document = _qt_pdf(path)
    wanted = [page - 1] if page else range(document.pageCount())
    text = "".join(document.getAllText(i).text().replace("\r\n", "\n") + "\n\f" for i in wanted)
    document.close()
    return text


def pdf_page_size(path: Path, page: int = 1) -> tuple[int, int]:
    """A page's width and height in points, rounded, as Qt's PDF module (PDFium) reads them."""
    document = _qt_pdf(path)
    size = document.pagePointSize(page - 1)
    document.close()
    return round(size.width()), round(size.height())
