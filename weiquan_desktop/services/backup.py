"""Backups and restore.

A backup is one zip archive: a consistent copy of the database made with SQLite's backup API (never a file
copy of the live database), every attachment, and a manifest with the SHA-256 of each. It is written under
a temporary name, flushed, renamed, then opened again and verified. Restoring keeps a safety backup of the
current data first and replaces the database only with a copy that passed integrity_check.
Automatic backups rotate like Anki's: today and yesterday, 12 daily, 10 weekly, 9 monthly.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from weiquan_desktop import __version__
from weiquan_desktop.errors import UserError
from weiquan_desktop.fileio import atomic_write, describe_os_error, sha256_file
from weiquan_desktop.models.db import sqlite_backup_verified
from weiquan_desktop.models.schema import Record, database_proxy
from weiquan_desktop.paths import DB_FILE, DataDir
from weiquan_desktop.services import audit, auth, station
from weiquan_desktop.services.actor import AUTOMATIC_BACKUP, Actor, name_of

MANIFEST = "manifest.json"
PREFIX = "weiquan-backup"
AUTO_FOLDER = "auto"


@dataclass
class BackupInfo:
    path: Path
    created_at: datetime
    station: str
    code: str
    records: int
    attachments: int
    schema_version: int
    program: str




def backup_name(now: datetime | None = None) -> str:
    profile = station.load_profile()
    code = profile.code if profile else "WQ"
    return f"{PREFIX}-{code}-{(now or datetime.now()):%Y%m%d-%H%M%S}.zip"


def create_archive(data_dir: DataDir, dest: Path, *, actor: Actor | None = None) -> BackupInfo:
    """Write a verified backup archive to ``dest`` (a .zip path, or a folder to put one in). The archive
    holds every ID number and password hash: heads only, and the program's own automatic backup."""
    from weiquan_desktop.models.db import is_sqlite

    auth.require(actor, "backup")
    if not is_sqlite():
        raise UserError("共享数据库（PostgreSQL）请在数据库服务器上用 pg_dump 备份；本机备份只用于本机数据库文件。")
    dest = Path(dest)
    if dest.is_dir() or not dest.suffix:
        dest = dest / backup_name()
    if not dest.parent.is_dir():
        raise UserError(f"备份位置不存在（U盘是否已插好？）：{dest.parent}")
    from weiquan_desktop.models.migrations import SCHEMA_VERSION

    profile = station.load_profile()
    records = Record.select().count()
    with tempfile.TemporaryDirectory(prefix="weiquan-backup-") as scratch:
        copy = sqlite_backup_verified(database_proxy.obj, Path(scratch) / DB_FILE)
        files = sorted(p for p in data_dir.attachments.rglob("*") if p.is_file()) if data_dir.attachments.is_dir() else []
        manifest = {
            "program": f"weiquan-desktop {__version__}", "created_at": datetime.now().replace(microsecond=0).isoformat(),
            "station": profile.name if profile else "", "code": profile.code if profile else "",
            "schema_version": SCHEMA_VERSION, "records": records,
            "files": {DB_FILE: sha256_file(copy), **{f"attachments/{p.relative_to(data_dir.attachments).as_posix()}": sha256_file(p)
                                              for p in files}},
        }
        with atomic_write(dest) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED,
                                                        allowZip64=True) as archive:
            archive.write(copy, DB_FILE)
            for path in files:
                archive.write(path, f"attachments/{path.relative_to(data_dir.attachments).as_posix()}",
                              compress_type=zipfile.ZIP_STORED)  # photos and PDFs are compressed already
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        info = verify_archive(dest)
    audit.log("backup", actor=name_of(actor), detail={"文件": dest.name, "条数": records, "附件": len(files)})
    return info


def read_manifest(path: Path) -> dict:
    try:
        with zipfile.ZipFile(path) as archive:
            return json.loads(archive.read(MANIFEST).decode("utf-8"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError(f"{Path(path).name} 不是本程序的备份文件，或已损坏（{exc}）。") from exc


def verify_archive(path: Path) -> BackupInfo:
    """Open the archive again: every file matches its checksum and the database passes integrity_check."""
    path = Path(path)
    manifest = read_manifest(path)
    try:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory(prefix="weiquan-verify-") as scratch:
            names = set(archive.namelist())
            for name, digest in manifest["files"].items():
                if name not in names:
                    raise UserError(f"备份 {path.name} 缺少文件 {name}。")
                sha = hashlib.sha256()
                with archive.open(name) as fh:
                    for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                        sha.update(block)
                if sha.hexdigest() != digest:
                    raise UserError(f"备份 {path.name} 中的 {name} 已损坏（校验值不符）。")
            db = Path(archive.extract(DB_FILE, scratch))
            _check_sqlite(db, path.name)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UserError(f"备份 {path.name} 已损坏（{exc}）。") from exc
    return BackupInfo(path, datetime.fromisoformat(manifest["created_at"]), manifest.get("station", ""),
                      manifest.get("code", ""), int(manifest.get("records", 0)),
                      sum(1 for n in manifest["files"] if n.startswith("attachments/")),
                      int(manifest.get("schema_version", 0)), manifest.get("program", ""))


def _check_sqlite(path: Path, label: str) -> None:
    conn = sqlite3.connect(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise UserError(f"备份 {label} 中的数据库已损坏（{exc}）。") from exc
    finally:
        conn.close()
    if result != "ok":
        raise UserError(f"备份 {label} 中的数据库未通过完整性检查（{result}）。")


def restore(src: Path, data_dir: DataDir, *, actor: Actor | None = None) -> tuple[BackupInfo, Path | None]:
    """Replace the data folder's database and attachments with a verified backup.

    The current data (if any) is first saved as a safety backup in backups/. Call with the database closed;
    the caller reopens it afterwards. Returns the restored backup's info and the safety backup's path.
    """
    info = verify_archive(src)
    from weiquan_desktop.models.migrations import SCHEMA_VERSION

    if info.schema_version > SCHEMA_VERSION:
        raise UserError(f"备份来自更新版本的程序（数据库 v{info.schema_version}），请先升级程序再恢复。")
    data_dir.ensure()
    safety = None
    if data_dir.database.exists():
        safety = _safety_copy(data_dir)
    try:
        with zipfile.ZipFile(src) as archive, tempfile.TemporaryDirectory(dir=data_dir.root, prefix=".restore-") as scratch:
            archive.extractall(scratch)
            incoming = Path(scratch) / DB_FILE
            _check_sqlite(incoming, Path(src).name)
            staged = Path(scratch) / "attachments"
            if staged.is_dir():
                for path in staged.rglob("*"):
                    if path.is_file():
                        target = data_dir.attachments / path.relative_to(staged)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        if not target.exists():
                            shutil.copyfile(path, target)
            for suffix in ("-wal", "-shm"):
                Path(str(data_dir.database) + suffix).unlink(missing_ok=True)
            with open(incoming, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(incoming, data_dir.database)
    except OSError as exc:
        raise UserError(describe_os_error(exc, data_dir.database) + "原数据已另存为安全备份。") from exc
    return info, safety


def _safety_copy(data_dir: DataDir) -> Path:
    """Before a restore: the current data as it is. A healthy database is copied with the backup API; a
    damaged one byte for byte with its WAL file (the database is closed here), so nothing is lost to a
    restore that turns out to be the wrong one."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        conn = sqlite3.connect(data_dir.database)
        try:
            healthy = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            if healthy:
                dest = data_dir.backups / f"before-restore-{stamp}.sqlite3"
                target = sqlite3.connect(dest)
                try:
                    conn.backup(target)
                finally:
                    target.close()
                return dest
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        pass
    dest = data_dir.backups / f"before-restore-{stamp}.damaged"
    shutil.copyfile(data_dir.database, dest)
    wal = Path(str(data_dir.database) + "-wal")
    if wal.exists():
        shutil.copyfile(wal, Path(str(dest) + "-wal"))
    return dest


# --- automatic backups -------------------------------------------------------------------------------

def auto_backup(data_dir: DataDir, *, now: datetime | None = None) -> BackupInfo:
    folder = data_dir.backups / AUTO_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    info = create_archive(data_dir, folder / backup_name(now), actor=AUTOMATIC_BACKUP)
    rotate(folder, now=now)
    return info


def _stamp(path: Path) -> datetime | None:
    try:
        return datetime.strptime(path.stem.rsplit("-", 2)[-2] + path.stem.rsplit("-", 2)[-1], "%Y%m%d%H%M%S")
    except (ValueError, IndexError):
        return None


def rotate(folder: Path, *, now: datetime | None = None) -> list[Path]:
    """Keep the newest of today and yesterday, then one a day for 12 days, a week for 10 weeks, a month for
    9 months; remove the rest. Returns what was removed."""
    now = now or datetime.now()
    backups = sorted(((p, _stamp(p)) for p in folder.glob(f"{PREFIX}-*.zip")), key=lambda item: item[1] or now,
                     reverse=True)
    keep: set[Path] = set()
    buckets: dict[tuple, Path] = {}
    for path, when in backups:
        if when is None:
            keep.add(path)
            continue
        age = (now.date() - when.date()).days
        if age <= 1 or age <= 12:
            key = ("day", when.date())
        elif age <= 7 * 10:
            key = ("week", when.isocalendar()[:2])
        elif age <= 31 * 9:
            key = ("month", (when.year, when.month))
        else:
            continue
        buckets.setdefault(key, path)  # newest first: the first seen in a bucket is kept
    keep.update(buckets.values())
    newest = backups[0][0] if backups else None
    if newest is not None:
        keep.add(newest)
    removed = []
    for path, _when in backups:
        if path not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def newest_good_backup(data_dir: DataDir) -> BackupInfo | None:
    """The most recent automatic or manual backup in the data folder that still verifies."""
    candidates = sorted(data_dir.backups.rglob(f"{PREFIX}-*.zip"), key=lambda p: _stamp(p) or datetime.min, reverse=True)
    for path in candidates:
        with contextlib.suppress(UserError):
            return verify_archive(path)
    return None


def changed_since(stamp: str) -> bool:
    """True when the audit chain moved on since ``stamp`` (every change writes an audit row)."""
    return audit.head() != stamp


