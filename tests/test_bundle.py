"""The PyInstaller one-folder build (packaging/weiquan-desktop.spec) is built and used the way a station
would: from another folder, with no Python and no source tree, offscreen."""

import os
import shutil
import sqlite3
import subprocess
import sys

import openpyxl
import pytest
from helpers import ROOT, cli_encoding, pdf_text

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    work = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "packaging" / "weiquan-desktop.spec"),
            "--noconfirm",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return work / "dist" / "weiquan-desktop"


def _run(program, *args, cwd, env=None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WEIQUAN_", "PYTHON"))}
    return subprocess.run(
        [str(program), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding=cli_encoding(clean),
        timeout=300,
        env={**clean, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
    )


def test_bundle_holds_what_the_program_reads(bundle):
    suffix = ".exe" if sys.platform == "win32" else ""
    for name in ("weiquan-desktop", "weiquan-desktop-cli"):
        assert (bundle / f"{name}{suffix}").is_file()
    for needed in ("main_window.ui", "wqy-microhei.ttc", "app.png", "qtbase_zh_CN.qm"):
        assert list(bundle.rglob(needed)), needed


def test_bundle_smoke(bundle, tmp_path):
    cli, gui = bundle / "weiquan-desktop-cli", bundle / "weiquan-desktop"
    data = tmp_path / "站点数据"
    version = _run(cli, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("weiquan-desktop 0.")
    assert _run(cli, "demo", "--records", "300", "--data-dir", str(data), cwd=tmp_path).returncode == 0
    check = _run(cli, "check", "--data-dir", str(data), cwd=tmp_path)
    assert check.returncode == 0 and "未发现问题" in check.stdout, check.stdout + check.stderr
    assert "后台工作进程可以启动" in check.stdout  # the frozen program starts its own worker processes

    started = _run(gui, "--data-dir", str(data), "--quit-after-start", cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    assert "已启动，台账 300 条" in started.stdout
    assert "警告" not in started.stderr  # Qt's Chinese translations were found inside the bundle

    # the documents, the ledger and the report: ReportLab, the font, openpyxl and pinyin all inside
    with sqlite3.connect(data / "weiquan.sqlite3") as db:
        settled = db.execute("SELECT case_no FROM record WHERE state = '已和解' LIMIT 1").fetchone()[0]
    agreement = tmp_path / "协议.pdf"
    printed = _run(
        cli, "print", "agreement", settled, "--out", str(agreement), "--data-dir", str(data), cwd=tmp_path
    )
    assert printed.returncode == 0, printed.stderr
    text = pdf_text(agreement)
    assert "和解协议书" in text and settled in text.replace("\n", "")
    ledger = tmp_path / "台账.xlsx"
    assert _run(cli, "export-ledger", str(ledger), "--data-dir", str(data), cwd=tmp_path).returncode == 0
    assert openpyxl.load_workbook(ledger)["台账"].max_row == 301  # the header and 300 records
    report = _run(cli, "report", "2026Q3", "--json", "--data-dir", str(data), cwd=tmp_path)
    assert report.returncode == 0 and '"complaints_accepted"' in report.stdout


def test_bundle_portable_mode(bundle, tmp_path):
    """Copied to a USB stick with portable.txt beside the programs, the data stays in data/ beside them."""
    stick = tmp_path / "U盘" / "weiquan-desktop"
    shutil.copytree(bundle, stick, symlinks=True)
    (stick / "portable.txt").write_text("", encoding="utf-8")
    made = _run(
        stick / "weiquan-desktop-cli", "demo", "--records", "50", cwd=tmp_path, env={"HOME": str(tmp_path)}
    )
    assert made.returncode == 0, made.stderr
    assert (stick / "data" / "weiquan.sqlite3").is_file()
    assert not (tmp_path / ".local").exists()
