"""Backups and restore: consistent, verified, rotated; failures leave the previous good file alone."""

import errno
import os
import sqlite3
import zipfile
from datetime import date, datetime, timedelta

import pytest
from helpers import run_cli

from weiquan_desktop.errors import UserError
from weiquan_desktop.models import close_database, open_database
from weiquan_desktop.models.schema import Record
from weiquan_desktop.paths import DataDir
from weiquan_desktop.services import attachments, backup, statistics

TODAY = date(2026, 11, 28)

pytestmark = pytest.mark.sqlite_only


def _grant(data_dir):
    """What a head's confirmation gives: a station without accounts needs no login."""
    return backup.authorise_restore(None, data_dir)


def test_restore_into_an_empty_folder_reproduces_the_report(demo_db, data_dir, tmp_path):
    evidence = tmp_path / "小票.jpg"
    evidence.write_bytes(b"\xff\xd8 receipt")
    attachments.add(Record.select().first().id, evidence)
    figures = {p: statistics.report(p, today=TODAY) for p in ("2026Q3", "2026H1", "2025")}
    usb = tmp_path / "usb"
    usb.mkdir()
    info = backup.create_archive(data_dir, usb)
    assert info.records == 300 and info.attachments == 1 and info.path.parent == usb
    close_database()

    empty = DataDir(tmp_path / "new-pc").ensure()
    restored, safety = backup.restore(info.path, empty, backup.RestoreGrant(None, "new"))
    assert safety is None and restored.records == 300
    open_database(empty)
    try:
        assert {p: statistics.report(p, today=TODAY) for p in figures} == figures
        assert (
            empty.attachments / evidence_sha(evidence)[:2] / evidence_sha(evidence)
        ).read_bytes() == evidence.read_bytes()
    finally:
        close_database()


def evidence_sha(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_restore_keeps_a_safety_copy_of_the_current_data(demo_db, data_dir, tmp_path):
    info = backup.create_archive(data_dir, tmp_path)
    Record.update(facts="覆盖").execute()  # a disaster after the backup
    grant = _grant(data_dir)
    close_database()
    _restored, safety = backup.restore(info.path, data_dir, grant)
    assert safety is not None and safety.exists()
    assert sqlite3.connect(safety).execute("SELECT DISTINCT facts FROM record").fetchall() == [("覆盖",)]
    open_database(data_dir)
    assert Record.select().count() == 300 and Record.select().where(Record.facts == "覆盖").count() == 0


def test_a_damaged_archive_is_refused_and_nothing_changes(demo_db, data_dir, tmp_path):
    info = backup.create_archive(data_dir, tmp_path)
    raw = bytearray(info.path.read_bytes())
    with zipfile.ZipFile(info.path) as archive:
        offset = archive.getinfo("weiquan.sqlite3").header_offset + 200
    raw[offset : offset + 64] = bytes(64)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(raw))
    before = Record.select().count()
    grant = _grant(data_dir)
    close_database()
    with pytest.raises(UserError, match="损坏|校验"):
        backup.restore(broken, data_dir, grant)
    open_database(data_dir)
    assert Record.select().count() == before
    not_ours = tmp_path / "other.zip"
    with zipfile.ZipFile(not_ours, "w") as z:
        z.writestr("x.txt", "x")
    with pytest.raises(UserError, match="不是本程序的备份|清单不完整"):
        backup.verify_archive(not_ours)


def test_read_only_target_and_vanished_stick(demo_db, data_dir, tmp_path, monkeypatch):
    readonly = tmp_path / "ro"
    readonly.mkdir()
    os.chmod(readonly, 0o500)
    try:
        if not os.access(readonly, os.W_OK):
            with pytest.raises(UserError, match="没有写入权限"):
                backup.create_archive(data_dir, readonly)
        else:  # root writes anywhere: a write-protected stick is simulated at the point of opening the file
            real_init = zipfile.ZipFile.__init__

            def refuse(self, file, mode="r", *args, **kwargs):
                if mode == "w":
                    raise OSError(errno.EROFS, "Read-only file system", str(file))
                real_init(self, file, mode, *args, **kwargs)

            monkeypatch.setattr(zipfile.ZipFile, "__init__", refuse)
            with pytest.raises(UserError, match="没有写入权限"):
                backup.create_archive(data_dir, readonly)
            monkeypatch.undo()
        assert list(readonly.iterdir()) == []
    finally:
        os.chmod(readonly, 0o700)
    with pytest.raises(UserError, match="U盘"):
        backup.create_archive(data_dir, tmp_path / "gone" / "backup.zip")


def test_disk_full_mid_write_leaves_the_previous_backup_untouched(demo_db, data_dir, tmp_path, monkeypatch):
    target = tmp_path / "weiquan-backup-WXH01-20261101-080000.zip"
    good = backup.create_archive(data_dir, target)
    before = target.read_bytes()
    real_write = zipfile.ZipFile.write
    calls = {"n": 0}

    def failing_write(self, *args, **kwargs):
        calls["n"] += 1
        real_write(self, *args, **kwargs)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", failing_write)
    with pytest.raises(UserError, match="磁盘空间不足"):
        backup.create_archive(data_dir, target)
    assert calls["n"] == 1
    assert target.read_bytes() == before and backup.verify_archive(target).records == good.records
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp" or p.name.startswith(".")) == []


def test_rotation_keeps_days_weeks_and_months(tmp_path):
    now = datetime(2026, 11, 28, 12, 0)
    for hours in range(0, 24 * 400, 6):
        stamp = now - timedelta(hours=hours)
        (tmp_path / f"weiquan-backup-WXH01-{stamp:%Y%m%d-%H%M%S}.zip").write_bytes(b"x")
    backup.rotate(tmp_path, now=now)
    kept = sorted(backup._stamp(p) for p in tmp_path.glob("*.zip"))
    days = {k.date() for k in kept if (now.date() - k.date()).days <= 12}
    assert len(days) == 13 and len([k for k in kept if (now.date() - k.date()).days <= 12]) == 13
    assert 8 <= len([k for k in kept if 12 < (now.date() - k.date()).days <= 70]) <= 10
    assert len([k for k in kept if (now.date() - k.date()).days > 70]) <= 9
    assert max(kept) == now  # the newest is always kept


def test_backup_and_restore_commands(tmp_path):
    data, other = tmp_path / "d", tmp_path / "other"
    assert run_cli("demo", "--data-dir", str(data), "--records", "40").returncode == 0
    result = run_cli("backup", str(tmp_path), "--data-dir", str(data))
    assert result.returncode == 0 and "校验通过" in result.stdout, result.stderr
    (archive,) = tmp_path.glob("weiquan-backup-*.zip")
    restored = run_cli("restore", str(archive), "--data-dir", str(other))
    assert restored.returncode == 0, restored.stderr
    assert (
        sqlite3.connect(other / "weiquan.sqlite3").execute("SELECT COUNT(*) FROM record").fetchone()[0] == 40
    )
    bad = run_cli("restore", str(tmp_path / "nope.zip"), "--data-dir", str(other))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr


def _corrupt(path):
    size = path.stat().st_size
    with open(path, "r+b") as fh:  # leave the header, smash the middle pages
        fh.seek(size // 2)
        fh.write(b"\x13" * 8192)


def test_unclean_shutdown_with_a_damaged_database_offers_the_newest_good_backup(demo_db, data_dir, tmp_path):
    from weiquan_desktop.services import health

    auto = backup.auto_backup(data_dir)
    health.mark_running(data_dir)
    close_database()
    assert health.startup_check(data_dir).ok  # an unclean stop alone is fine when the database checks out
    _corrupt(data_dir.database)
    check = health.startup_check(data_dir)
    assert check.unclean and not check.ok and check.problem
    assert check.backup is not None and check.backup.path == auto.path
    damaged = data_dir.database.read_bytes()
    grant = backup.authorise_restore_damaged(data_dir, None, "", check.backup.path)  # no accounts here
    _info, safety = backup.restore(check.backup.path, data_dir, grant)
    assert safety.read_bytes() == damaged  # the damaged file is kept, not overwritten
    open_database(data_dir)
    assert Record.select().count() == 300
    health.mark_stopped(data_dir)
    assert not health.startup_check(data_dir).unclean


def test_gui_restore_and_backup_on_exit(qtbot, app, demo_db, data_dir, tmp_path):
    from weiquan_desktop.services import intake
    from weiquan_desktop.ui import backup_ui
    from weiquan_desktop.ui.main_window import MainWindow

    info = backup.create_archive(data_dir, tmp_path)
    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    intake.register(intake.IntakeForm(kind="建议", source="来访", facts="增加座椅"))
    assert window.auto_backup.changed()
    window.close()  # something changed: a backup is made on exit
    made = list((data_dir.backups / "auto").glob("weiquan-backup-*.zip"))
    assert len(made) == 1 and backup.verify_archive(made[0]).records == 301
    from PySide6.QtWidgets import QMessageBox

    shown = []
    original = QMessageBox.information
    QMessageBox.information = lambda *a, **k: shown.append(a[2])
    try:
        assert backup_ui.restore_file(window, data_dir, info.path, confirm=False)
    finally:
        QMessageBox.information = original
    assert Record.select().count() == 300 and "已恢复 300 条记录" in shown[0]
