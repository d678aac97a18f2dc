"""The wheel carries forms/ and resources/: install it into a fresh virtual environment and run it from
outside the source tree, as a station PC would."""

import importlib.util
import os
import sqlite3
import subprocess
import sys

import pytest
from helpers import ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.sqlite_only,
    # Windows' embeddable Python (tools/windows-check runs the suite on it) ships without venv and ensurepip;
    # the installer's Python, which a developer uses, has both
    pytest.mark.skipif(
        importlib.util.find_spec("venv") is None or importlib.util.find_spec("ensurepip") is None,
        reason="this Python has no venv/ensurepip (the Windows embeddable distribution)",
    ),
]


def _run(args, cwd, env=None, timeout=600):
    result = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_wheel_in_a_fresh_venv_outside_the_source_tree(tmp_path):
    wheels = tmp_path / "wheels"
    # from a copy without build/: setuptools puts whatever an earlier build left in build/lib into the wheel,
    # which hid a package missing from pyproject.toml on a developer's machine
    import shutil

    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            "build", "dist", ".venv", ".git", "*.egg-info", "__pycache__", ".pytest_cache", "tests"
        ),
    )
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(wheels), str(source)],
        cwd=tmp_path,
    )
    # the fonts and icons are declared package data: no "absent from the packages configuration" warnings,
    # which told a newcomer the fonts would be missing
    assert "absent from the" not in built and "would be ignored" not in built
    (wheel,) = wheels.glob("weiquan_desktop-*.whl")
    # every module of the source tree is in the wheel (the package list is explicit: a new folder of
    # modules must be named there, or the installed program fails when that screen is opened)
    import zipfile

    shipped = set(zipfile.ZipFile(wheel).namelist())
    sources = {
        p.relative_to(source).as_posix()
        for p in (source / "weiquan_desktop").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert sources <= shipped, sorted(sources - shipped)
    env_dir = tmp_path / "venv"
    import venv

    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=tmp_path)

    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {
        "PATH": os.pathsep.join((str(bin_dir), "/usr/bin", "/bin")),
        "HOME": str(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
        # Windows: a child without SYSTEMROOT cannot start its sockets (WinError 10106)
        **{k: os.environ[k] for k in ("SYSTEMROOT", "SYSTEMDRIVE", "APPDATA") if k in os.environ},
    }
    exe = str(bin_dir / "weiquan-desktop")
    assert "weiquan-desktop" in _run([exe, "--version"], cwd=away, env=env)
    data = away / "D"
    _run([exe, "demo", "--data-dir", str(data), "--records", "500"], cwd=away, env=env)
    assert "未发现问题" in _run([exe, "check", "--data-dir", str(data)], cwd=away, env=env)
    conn = sqlite3.connect(data / "weiquan.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT COUNT(*) FROM record").fetchone()[0] == 500
    conn.close()

    # the installed package, not the checkout, provides the fonts and forms, and the GUI builds from them
    probe = (
        "import weiquan_desktop, weiquan_desktop.assets as a; from pathlib import Path;"
        "print(Path(weiquan_desktop.__file__).parent); assert a.font_file().is_file();"
        "assert a.form_path('main_window.ui').is_file(); assert str(a.font_file()).startswith(str(Path(weiquan_desktop.__file__).parent));"
        "from weiquan_desktop.ui.app import application; application();"
        "from weiquan_desktop.models import open_database; from weiquan_desktop.paths import DataDir;"
        f"d = DataDir(Path({str(data)!r})); open_database(d);"
        "from weiquan_desktop.ui.main_window import MainWindow; w = MainWindow(d); w.show();"
        "assert w.register_view.model.rowCount() == 500; print('gui ok')"
    )
    out = _run([str(bin_dir / "python"), "-c", probe], cwd=away, env=env)
    assert str(env_dir) in out and "gui ok" in out
