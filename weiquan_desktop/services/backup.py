"""Backups and restore.

A backup is one zip archive: a consistent copy of the database made with SQLite's backup API (never a file
copy of the live database), every attachment, and a manifest with the SHA-256 of each and the audit log's
anchor at that moment. It is written under a temporary name, flushed, renamed, then opened again and
verified; it holds every ID number and password hash, so it is readable by its owner only.

A restore trusts nothing in the archive it has not checked: only the listed entries, each against its
checksum, within sane sizes; the incoming database is opened by the program in a folder of its own before it
replaces anything; nobody may have the current database open; the current data is kept first.
Automatic backups rotate like Anki's: today and yesterday, 12 daily, 10 weekly, 9 monthly.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
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
from weiquan_desktop.fileio import atomic_write, describe_os_error, replace, sha256_file
from weiquan_desktop.filelock import FileLock, is_locked
from weiquan_desktop.models.db import sqlite_backup_verified
from weiquan_desktop.models.schema import Record, database_proxy
from weiquan_desktop.paths import DB_FILE, DataDir
from weiquan_desktop.services import audit, auth, station
from weiquan_desktop.services.actor import AUTOMATIC_BACKUP, Actor, name_of

MANIFEST = "manifest.json"
PREFIX = "weiquan-backup"
AUTO_FOLDER = "auto"
ATTACHMENT_RE = re.compile(r"attachments/[0-9a-f]{2}/[0-9a-f]{64}")
MAX_MANIFEST = 64 * 1024 * 1024
MAX_UNPACKED = (
    64 * 1024**3
)  # a station's years of photos fit; a 4 MB archive that unpacks to 8 GB does not pass
MAX_RATIO = 200  # a database compresses 3-20 times; a bomb thousands


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
    from weiquan_desktop.services import session

    auth.require(actor, "backup")
    if not is_sqlite():
        raise UserError(
            "共享数据库（PostgreSQL）请在数据库服务器上用 pg_dump 备份；本机备份只用于本机数据库文件。"
        )
    dest = Path(dest)
    if dest.is_dir() or not dest.suffix:
        if not dest.exists() and dest.parent.is_dir():  # a new folder on the stick, whose parent is there
            try:
                dest.mkdir()
            except OSError as exc:
                raise UserError(describe_os_error(exc, dest)) from exc
        dest = dest / backup_name()
    if not dest.parent.is_dir():
        raise UserError(f"备份位置不存在（U盘是否已插好？）：{dest.parent}")
    session.check_output_path(dest)
    from weiquan_desktop.models.migrations import SCHEMA_VERSION

    profile = station.load_profile()
    records = Record.select().count()
    with tempfile.TemporaryDirectory(prefix="weiquan-backup-") as scratch:
        copy = sqlite_backup_verified(database_proxy.obj, Path(scratch) / DB_FILE)
        anchored = _anchor_of(copy)
        files = (
            sorted(p for p in data_dir.attachments.rglob("*") if p.is_file())
            if data_dir.attachments.is_dir()
            else []
        )
        manifest = {
            "program": f"weiquan-desktop {__version__}",
            "created_at": datetime.now().replace(microsecond=0).isoformat(),
            "station": profile.name if profile else "",
            "code": profile.code if profile else "",
            "schema_version": SCHEMA_VERSION,
            "records": records,
            "anchor": anchored,
            "files": {
                DB_FILE: sha256_file(copy),
                **{
                    f"attachments/{p.relative_to(data_dir.attachments).as_posix()}": sha256_file(p)
                    for p in files
                },
            },
        }
        with (
            atomic_write(dest, private=True) as tmp,
            zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
        ):
            archive.write(copy, DB_FILE)
            for path in files:
                archive.write(
                    path,
                    f"attachments/{path.relative_to(data_dir.attachments).as_posix()}",
                    compress_type=zipfile.ZIP_STORED,
                )  # photos and PDFs are compressed already
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        info = verify_archive(dest)
    audit.log("backup", actor=name_of(actor), detail={"文件": dest.name, "条数": records, "附件": len(files)})
    return info


def _anchor_of(database: Path) -> dict:
    """The anchor of a database file (the backup's copy), as the manifest carries it."""
    conn = sqlite3.connect(database)
    try:
        last = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone() or (0, "")
        events = conn.execute("SELECT id, hash FROM record_event ORDER BY id DESC LIMIT 1").fetchone() or (
            0,
            "",
        )
        sequences = dict(conn.execute("SELECT year, last FROM case_sequence").fetchall())
    finally:
        conn.close()
    return {
        "audit_id": last[0],
        "audit_hash": last[1],
        "events": events[0],
        "events_hash": events[1] or "",
        "sequences": {str(k): v for k, v in sequences.items()},
        "at": datetime.now().replace(microsecond=0).isoformat(),
    }


def archives(data_dir: DataDir) -> list[Path]:
    """The backups kept in the data folder (automatic ones included), newest first."""
    if not data_dir.backups.is_dir():
        return []
    return sorted(
        data_dir.backups.rglob(f"{PREFIX}-*.zip"), key=lambda p: _stamp(p) or datetime.min, reverse=True
    )


def read_manifest(path: Path) -> dict:
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(MANIFEST)
            if info.file_size > MAX_MANIFEST:
                raise UserError(f"{Path(path).name} 的清单文件异常大，不是本程序的备份。")
            manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError) as exc:
        raise UserError(f"{Path(path).name} 不是本程序的备份文件，或已损坏（{exc}）。") from exc
    if (
        not isinstance(manifest, dict)
        or not isinstance(manifest.get("files"), dict)
        or DB_FILE not in manifest["files"]
    ):
        raise UserError(f"{Path(path).name} 的清单不完整，不是本程序的备份文件。")
    return manifest


def _members(archive: zipfile.ZipFile, manifest: dict, label: str) -> dict[str, zipfile.ZipInfo]:
    """The archive's entries, exactly those its manifest lists: no second entry of one name, nothing unlisted
    (an entry ``../weiquan.sqlite3`` beside the checked one was installed instead of it), no path that leaves
    the folder, no entry that unpacks to far more than it holds."""
    infos = archive.infolist()
    names = [i.filename for i in infos]
    if len(names) != len(set(names)):
        raise UserError(f"备份 {label} 中有重名的文件，不是本程序制作的备份，已拒绝。")
    listed = set(manifest["files"]) | {MANIFEST}
    unlisted = [n for n in names if n not in listed]
    if unlisted:
        raise UserError(f"备份 {label} 中有清单以外的文件（{unlisted[0][:80]}），已拒绝，没有作任何改动。")
    missing = [n for n in manifest["files"] if n not in names]
    if missing:
        raise UserError(f"备份 {label} 缺少文件 {missing[0]}。")
    for name, digest in manifest["files"].items():
        if name != DB_FILE and not ATTACHMENT_RE.fullmatch(name):
            raise UserError(f"备份 {label} 的清单中有不认识的文件名（{name[:80]}），已拒绝。")
        if name != DB_FILE and name.rsplit("/", 1)[1] != digest:  # attachments are named by their content
            raise UserError(f"备份 {label} 中的附件 {name} 与它的校验值不符。")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UserError(
                f"备份 {label} 中的 {info.filename} 解压后异常大（压缩比超过 {MAX_RATIO} 倍），"
                "疑似压缩炸弹，已拒绝。"
            )
    if total > MAX_UNPACKED:
        raise UserError(f"备份 {label} 解压后有 {total / 1024**3:.1f} GB，超过上限，已拒绝。")
    return {i.filename: i for i in infos}


def _copy_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path | None, digest: str, label: str
) -> None:
    """Stream one entry (to ``dest``, or only through the checksum), never past its declared size, and
    compare its SHA-256 with the manifest's."""
    sha = hashlib.sha256()
    written = 0
    out = open(dest, "xb") if dest is not None else None  # noqa: SIM115 - closed below
    try:
        with archive.open(info) as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                written += len(block)
                if written > info.file_size:
                    raise UserError(f"备份 {label} 中的 {info.filename} 比它声明的大，已拒绝。")
                sha.update(block)
                if out is not None:
                    out.write(block)
        if out is not None:
            out.flush()
            os.fsync(out.fileno())
    finally:
        if out is not None:
            out.close()
    if sha.hexdigest() != digest:
        raise UserError(f"备份 {label} 中的 {info.filename} 已损坏（校验值不符）。")


def verify_archive(path: Path) -> BackupInfo:
    """Open the archive again: exactly the listed files, each matching its checksum, and a database that
    passes integrity_check."""
    path = Path(path)
    manifest = read_manifest(path)
    try:
        with (
            zipfile.ZipFile(path) as archive,
            tempfile.TemporaryDirectory(prefix="weiquan-verify-") as scratch,
        ):
            members = _members(archive, manifest, path.name)
            for name, digest in manifest["files"].items():
                target = Path(scratch) / DB_FILE if name == DB_FILE else None
                _copy_member(archive, members[name], target, digest, path.name)
            _check_sqlite(Path(scratch) / DB_FILE, path.name)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError) as exc:
        raise UserError(f"备份 {path.name} 已损坏（{exc}）。") from exc
    except OSError as exc:
        raise UserError(f"无法读取备份 {path.name}：{describe_os_error(exc, path)}") from exc
    return _info(path, manifest)


def _info(path: Path, manifest: dict) -> BackupInfo:
    return BackupInfo(
        path,
        datetime.fromisoformat(manifest["created_at"]),
        manifest.get("station", ""),
        manifest.get("code", ""),
        int(manifest.get("records", 0)),
        sum(1 for n in manifest["files"] if n.startswith("attachments/")),
        int(manifest.get("schema_version", 0)),
        manifest.get("program", ""),
    )


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


# --- restore -----------------------------------------------------------------------------------------


class OtherStation(UserError):
    """The backup is another station's: restoring it needs the user's explicit yes."""

    def __init__(self, info: BackupInfo, ours: str) -> None:
        super().__init__(
            f"这个备份属于另一个站点（{info.station or '未知站点'}，编码 {info.code or '未知'}），"
            f"本站是 {ours}。确实要用它替换本站的全部数据，请在命令中加 --other-station"
            "（在程序窗口中会先询问）。没有作任何改动。"
        )
        self.info = info


def _station_of(path: Path) -> tuple[str, str] | None:
    """(name, code) of the station in a database file, read without the program's models; None when the file
    cannot be read (damaged, or not ours)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT name, code FROM station ORDER BY id LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    return (row[0], row[1]) if row else ("", "")


def _expected_tables(version: int) -> set[str]:
    from weiquan_desktop.models.schema import ALL_MODELS, CaseNotice

    tables = {m._meta.table_name for m in ALL_MODELS}
    return tables - {CaseNotice._meta.table_name} if version < 3 else tables


def _check_candidate(database: Path, label: str) -> None:
    """Before it replaces anything, the incoming database is opened and checked as the program would use
    it: one version row, a version this program knows, only the program's tables; then opened (and brought
    up to date) by the program itself, its triggers made the program's own, its audit chain verified."""
    from weiquan_desktop.models.migrations import SCHEMA_VERSION

    try:
        conn = sqlite3.connect(database)
        try:
            tables = {
                t
                for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                if not t.startswith("sqlite_")
            }
            rows = (
                conn.execute("SELECT version FROM schema_info").fetchall() if "schema_info" in tables else []
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"备份 {label} 中的数据库无法打开（{exc}），没有作任何改动。") from exc
    if len(rows) != 1 or not isinstance(rows[0][0], int) or rows[0][0] < 1:
        raise UserError(f"备份 {label} 中的数据库缺少版本信息，不是本程序的数据库，没有作任何改动。")
    version = rows[0][0]
    if version > SCHEMA_VERSION:
        raise UserError(
            f"备份 {label} 来自更新版本的程序（数据库 v{version}），请先升级程序再恢复；没有作任何改动。"
        )
    foreign = tables - _expected_tables(version)
    if foreign or "audit_log" not in tables:
        raise UserError(
            f"备份 {label} 中的数据库有本程序之外的表（{'、'.join(sorted(foreign))[:80]}），已拒绝，"
            "没有作任何改动。"
        )
    from weiquan_desktop.services.session import close_session, open_session

    try:
        open_session(DataDir(database.parent))
        chain = audit.verify()
        if not chain.ok:
            raise UserError(f"备份 {label} 中的审计日志不完整（{chain.reason}），已拒绝，没有作任何改动。")
        problems = [r[0] for r in database_proxy.obj.execute_sql("PRAGMA foreign_key_check").fetchall()]
        if problems:
            raise UserError(
                f"备份 {label} 中的数据引用了不存在的记录（表 {problems[0]}），已拒绝，没有作任何改动。"
            )
    except UserError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the program cannot open, it does not install
        raise UserError(
            f"备份 {label} 中的数据库不能被本程序打开（{type(exc).__name__}: {exc}），没有作任何改动。"
        ) from exc
    finally:
        close_session()
        for suffix in ("-wal", "-shm"):
            Path(str(database) + suffix).unlink(missing_ok=True)


def _exclusive(database: Path) -> sqlite3.Connection | None:
    """A connection holding the database for itself, proving nobody else has it open (a window left open
    kept writing to a deleted file after a restore, and every case it saved was lost). None: the file is
    damaged, and nobody can be using it; it is then copied as it is, byte for byte, untouched."""
    conn = sqlite3.connect(database, timeout=0)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")  # fails while any other connection has the file open
        healthy = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        conn.execute("COMMIT")  # in exclusive locking mode the lock stays until the connection closes
        if not healthy:
            conn.close()
            return None
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything into the file before it is copied
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise UserError(
                "数据库正在被使用（程序窗口或另一个命令正开着它），不能恢复。请先关闭程序窗口再恢复；"
                "没有作任何改动。"
            ) from exc
        raise
    except sqlite3.DatabaseError:
        conn.close()
        return None


@dataclass(frozen=True)
class RestoreGrant:
    """Proof that someone allowed to restore asked for it, checked against the database that will be
    replaced (or, when that one is damaged, against the station's own newest good backup)."""

    actor: Actor | None
    checked_against: str


def check_target(data_dir: DataDir, database_url: str | None) -> None:
    """Restore acts on the data folder's own SQLite file and nothing else: the login used to be checked
    against an empty file given with --database, which then replaced the real one."""
    if database_url and not database_url.startswith("sqlite"):
        raise UserError(
            "共享数据库（PostgreSQL）不能用本程序恢复：请在数据库服务器上用 pg_restore 或 psql 恢复"
            "（见 README）。本机数据没有改动。"
        )
    if database_url and Path(database_url.split("://", 1)[1]).resolve() != data_dir.database.resolve():
        raise UserError(
            "恢复只针对数据文件夹中的数据库（weiquan.sqlite3），不能与 --database 一起使用。没有作任何改动。"
        )


def authorise_restore(actor: Actor | None, data_dir: DataDir) -> RestoreGrant:
    """With the station's database open: the actor must be allowed to restore (a head, once accounts exist)."""
    auth.require(actor, "restore")
    return RestoreGrant(actor, str(data_dir.database))


def authorise_restore_damaged(
    data_dir: DataDir, username: str | None, password: str, candidate: Path
) -> RestoreGrant:
    """The current database cannot be opened, so it cannot say who may restore: the login is checked against
    the station's own newest good backup, or the one being restored when there is none."""
    newest = newest_good_backup(data_dir)
    source = (
        newest.path if newest else (newest_in(candidate) if Path(candidate).is_dir() else Path(candidate))
    )
    if not username:
        if _has_accounts(source):
            raise UserError(
                "本站已设置工作人员账号：从备份恢复须由站长或副站长登录（命令中加 --user）。没有作任何改动。"
            )
        return RestoreGrant(None, source.name)
    actor = credentials_in_backup(source, username, password)
    if actor is not None and not actor.can("restore"):
        raise UserError(f"{actor.label}没有“从备份恢复数据”的权限，请由站长或副站长操作。")
    return RestoreGrant(actor, source.name)


def restore(
    src: Path,
    data_dir: DataDir,
    grant: RestoreGrant,
    *,
    other_station: bool = False,
    database_url: str | None = None,
) -> tuple[BackupInfo, Path | None]:
    """Replace the data folder's database and attachments with a verified backup.

    Call with the database closed. The archive is checked entry by entry, the incoming database is opened and
    checked by the program in a folder of its own, nobody may have the current database open, the current
    data is kept as a safety copy that is never overwritten, and only then is the file replaced. Returns the
    restored backup's info and the safety copy's path."""
    check_target(data_dir, database_url)
    if not isinstance(grant, RestoreGrant):
        raise UserError("恢复需要站长或副站长登录确认。")
    src = Path(src)
    if src.is_dir():
        src = newest_in(src)
    info = verify_archive(src)
    ours = _station_of(data_dir.database) if data_dir.database.exists() else None
    if ours and ours[1] and info.code and info.code.upper() != ours[1].upper() and not other_station:
        raise OtherStation(info, f"{ours[0]}（编码 {ours[1]}）")
    manifest = read_manifest(src)
    data_dir.ensure()
    scratch = Path(tempfile.mkdtemp(dir=data_dir.root, prefix=".restore-"))
    hold = FileLock(scratch / ".lock")  # while held, the start-up clean-up leaves this folder alone
    hold.acquire()
    try:
        with zipfile.ZipFile(src) as archive:
            members = _members(archive, manifest, src.name)
            incoming = scratch / DB_FILE
            _copy_member(archive, members[DB_FILE], incoming, manifest["files"][DB_FILE], src.name)
            _check_candidate(incoming, src.name)
            staged = []
            for name, digest in manifest["files"].items():
                if name == DB_FILE:
                    continue
                target = data_dir.attachments / name.split("/", 1)[1]
                if not target.is_file():
                    part = scratch / f"att-{digest}"
                    _copy_member(archive, members[name], part, digest, src.name)
                    staged.append((part, target))
        holder = _exclusive(data_dir.database) if data_dir.database.exists() else None
        safety = _safety_copy(data_dir, holder) if data_dir.database.exists() else None
        if holder is not None:
            holder.close()
        for suffix in (
            "-wal",
            "-shm",
        ):  # empty after the checkpoint above; a stale one must not meet the new file
            wal = Path(str(data_dir.database) + suffix)
            if wal.exists():
                shutil.move(str(wal), str(scratch / f"old{suffix}"))
        try:
            replace(incoming, data_dir.database)
        except BaseException:
            for suffix in ("-wal", "-shm"):
                moved = scratch / f"old{suffix}"
                if moved.exists():
                    shutil.move(str(moved), str(data_dir.database) + suffix)
            raise
        os.chmod(data_dir.database, 0o600)
        for part, target in staged:
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                os.replace(part, target)
    except OSError as exc:
        raise UserError(describe_os_error(exc, data_dir.database) + "当前数据没有被替换。") from exc
    finally:
        hold.release()
        shutil.rmtree(scratch, ignore_errors=True)
    return info, safety


def reopen_after_restore(data_dir: DataDir, info: BackupInfo, grant: RestoreGrant) -> None:
    """Open the restored database (an older one climbs the ladder), record the restore, and start the
    anchor anew: the restored chain is a new line of history, which older backups' anchors no longer bind."""
    from weiquan_desktop.services import anchor
    from weiquan_desktop.services.session import open_session

    open_session(data_dir)
    since = datetime.now().replace(microsecond=0).isoformat()
    audit.log(
        "restore",
        actor=name_of(grant.actor),
        detail={"文件": info.path.name, "备份时间": info.created_at, "核对账号": grant.checked_against},
    )
    anchor.save(data_dir, since=since)


def _safety_copy(data_dir: DataDir, holder: sqlite3.Connection | None) -> Path:
    """Before a restore: the current data as it is, under a name no other copy has (two restores in one
    second used to share one, and the first original was lost). A healthy database is copied with the backup
    API through the connection that holds it; a damaged one byte for byte with its WAL file."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    data_dir.backups.mkdir(parents=True, exist_ok=True)
    suffix = "sqlite3" if holder is not None else "damaged"
    for n in range(1, 1000):
        dest = data_dir.backups / f"before-restore-{stamp}{'' if n == 1 else f'-{n}'}.{suffix}"
        try:
            open(dest, "xb").close()  # claims the name: never overwrite a safety copy
            break
        except FileExistsError:
            continue
    else:
        raise UserError("无法为当前数据建立安全备份（文件名已用尽），没有作任何改动。")
    if holder is not None:
        target = sqlite3.connect(dest)
        try:
            holder.backup(target)
        finally:
            target.close()
    else:
        shutil.copyfile(data_dir.database, dest)
        wal = Path(str(data_dir.database) + "-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(str(dest) + "-wal"))
    os.chmod(dest, 0o600)
    return dest


def newest_in(folder: Path) -> Path:
    """``restore`` given a folder (a USB stick's): its newest backup, by the time in the name."""
    found = sorted(Path(folder).glob(f"{PREFIX}-*.zip"), key=lambda p: _stamp(p) or datetime.min)
    if not found:
        raise UserError(f"文件夹 {folder} 中没有本程序的备份文件（{PREFIX}-….zip）。")
    return found[-1]


def _has_accounts(path: Path) -> bool:
    try:
        return credentials_in_backup(path, "", "") is not None
    except UserError:
        return True


def credentials_in_backup(path: Path, username: str, password: str) -> Actor | None:
    """For restoring over a damaged database, which cannot say who may: the login is checked against the
    station's own newest good backup. None when that backup has no accounts (nothing to check against)."""
    manifest = read_manifest(path)
    with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory(prefix="weiquan-login-") as scratch:
        members = _members(archive, manifest, path.name)
        database = Path(scratch) / DB_FILE
        _copy_member(archive, members[DB_FILE], database, manifest["files"][DB_FILE], path.name)
        conn = sqlite3.connect(database)
        try:
            accounts = conn.execute(
                "SELECT id, name, role, username, password_hash FROM staff "
                "WHERE username IS NOT NULL AND active"
            ).fetchall()
        finally:
            conn.close()
    if not accounts:
        return None
    for staff_id, name, role, login, stored in accounts:
        if login == (username or "").strip() and auth.check_password(password, stored):
            return Actor(staff_id, name, role, auth.PERMISSIONS.get(role, frozenset()), login)
    auth.check_password(password, auth.dummy_hash())  # the same cost as a real check
    raise UserError(auth.WRONG)


def clean_leftovers(data_dir: DataDir) -> list[Path]:
    """What a killed restore or backup left behind (a 231 MB .restore-* folder, half-written temporary files):
    removed at the next start, unless a live process still holds it."""
    removed: list[Path] = []
    for folder in data_dir.root.glob(".restore-*"):
        if folder.is_dir() and not is_locked(folder / ".lock"):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for place in (data_dir.root, data_dir.backups, data_dir.backups / AUTO_FOLDER):
        if not place.is_dir():
            continue
        for leftover in [*place.glob(".*.tmp"), *place.glob("*.part")]:
            try:
                if datetime.now().timestamp() - leftover.stat().st_mtime > 600:  # not one being written now
                    leftover.unlink()
                    removed.append(leftover)
            except OSError:
                continue
    return removed


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
    backups = sorted(
        ((p, _stamp(p)) for p in folder.glob(f"{PREFIX}-*.zip")),
        key=lambda item: item[1] or now,
        reverse=True,
    )
    keep: set[Path] = set()
    buckets: dict[tuple[str, object], Path] = {}
    for path, when in backups:
        if when is None:
            keep.add(path)
            continue
        age = (now.date() - when.date()).days
        key: tuple[str, object]
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
    for path in archives(data_dir):
        with contextlib.suppress(UserError):
            return verify_archive(path)
    return None


def changed_since(stamp: str) -> bool:
    """True when the audit chain moved on since ``stamp`` (every change writes an audit row)."""
    return audit.head() != stamp
