"""Running the program as a user would: a separate process with its own environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
