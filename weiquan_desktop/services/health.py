"""``weiquan-desktop check``: the health of the database, the attachment files and the audit chain."""

from __future__ import annotations

from dataclasses import dataclass, field

from weiquan_desktop.fileio import sha256_file
from weiquan_desktop.models.db import is_sqlite
from weiquan_desktop.models.migrations import SCHEMA_VERSION
from weiquan_desktop.models.schema import Attachment, Record, SchemaInfo, database_proxy
from weiquan_desktop.paths import DataDir
from weiquan_desktop.services import attachments, audit, auth
from weiquan_desktop.services.actor import Actor


@dataclass
class HealthReport:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def good(self, text: str) -> None:
        self.lines.append(f"正常  {text}")

    def bad(self, text: str) -> None:
        self.lines.append(f"异常  {text}")
        self.problems.append(text)


def verify_audit(actor: Actor | None, data_dir: DataDir | None = None) -> audit.ChainReport:
    """The audit chain's own check and its comparison with the newest anchor kept outside the database, for
    the heads (who read the log)."""
    from weiquan_desktop.models.db import current_data_dir
    from weiquan_desktop.services import anchor

    auth.require(actor, "audit_view")
    report = audit.verify()
    events = audit.verify_events()
    if report.broken_at is None and events.broken_at is not None:
        report.broken_at, report.reason = events.broken_at, events.reason
    report.anchored = anchor.check(data_dir or current_data_dir())
    if report.anchored and report.reason is None:
        report.reason = "；".join(report.anchored)
    return report


def check(data_dir: DataDir, *, full: bool = True, actor: Actor | None = None) -> HealthReport:
    """Database, files and (for the heads) the audit chain."""
    report = HealthReport()
    db = database_proxy.obj
    version = SchemaInfo.select(SchemaInfo.version).scalar()
    if version == SCHEMA_VERSION:
        report.good(f"数据库结构版本 v{version}")
    else:
        report.bad(f"数据库结构版本 v{version}，程序需要 v{SCHEMA_VERSION}")
    if is_sqlite(db):
        pragma = "integrity_check" if full else "quick_check"
        results = [row[0] for row in db.execute_sql(f"PRAGMA {pragma}").fetchall()]
        if results == ["ok"]:
            report.good(f"数据库完整性检查通过（{data_dir.database}）")
        else:
            report.bad("数据库完整性检查失败：" + "；".join(results[:5]))
        broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            report.bad(
                f"有 {len(broken)} 处数据引用了不存在的记录（如表 {broken[0][0]} 第 {broken[0][1]} 行）"
            )
        else:
            report.good("数据引用关系完整")
        mode = db.execute_sql("PRAGMA journal_mode").fetchone()[0]
        (report.good if mode == "wal" else report.bad)(f"日志模式 {mode}")
    report.good(f"共 {Record.select().count()} 条登记记录")
    missing, damaged, count = [], [], 0
    for sha, name in Attachment.select(Attachment.sha256, Attachment.filename).tuples().iterator():
        count += 1
        path = attachments.stored_path(sha, data_dir)
        if not path.is_file():
            missing.append(name)
        elif full and sha256_file(path) != sha:
            damaged.append(name)
    if missing:
        report.bad(f"{len(missing)} 个附件文件缺失，如：{missing[0]}")
    if damaged:
        report.bad(f"{len(damaged)} 个附件文件内容已损坏，如：{damaged[0]}")
    if not missing and not damaged:
        report.good(f"{count} 个附件文件齐全")
    from weiquan_desktop.services import anchor, session

    notes = session.on_start(data_dir)
    for problem in notes.problems:
        report.bad(problem)
    for done in notes.done:
        report.lines.append(f"已处理  {done}")
    if not auth.can(actor, "audit_view"):
        report.lines.append("未查  审计日志（由站长或副站长校验）")
        return report
    if not notes.problems:
        report.good(f"与本站最近的记录一致（{anchor.head_line()}）")
    events = audit.verify_events()
    if events.broken_at is None:
        report.good(f"办理记录 {events.rows} 条，哈希链完整")
    else:
        report.bad(f"办理记录哈希链断裂：{events.reason}")
    chain = audit.verify()
    if chain.broken_at is None:
        report.good(f"审计日志 {chain.rows} 条，哈希链完整")
    else:
        report.bad(f"审计日志哈希链断裂：{chain.reason}")
    return report


RUNNING_MARKER = ".running"


@dataclass
class StartupCheck:
    unclean: bool  # the last session did not close normally
    ok: bool
    problem: str | None
    backup: object | None  # backup.BackupInfo of the newest good backup, when the database is damaged


def startup_check(data_dir: DataDir) -> StartupCheck:
    """After an unclean shutdown: quick_check, and integrity_check when that fails. A damaged database is
    reported with the newest backup that still verifies; nothing is replaced here."""
    from weiquan_desktop.services import backup

    marker = data_dir.root / RUNNING_MARKER
    unclean = marker.exists()
    if not unclean or not data_dir.database.exists():
        return StartupCheck(unclean, True, None, None)
    import sqlite3

    try:
        conn = sqlite3.connect(data_dir.database)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                result = "；".join(r[0] for r in conn.execute("PRAGMA integrity_check").fetchmany(5))
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        result = str(exc)
    if result == "ok":
        return StartupCheck(True, True, None, None)
    return StartupCheck(True, False, result, backup.newest_good_backup(data_dir))


def mark_running(data_dir: DataDir) -> None:
    (data_dir.root / RUNNING_MARKER).write_text("running", encoding="utf-8")


def mark_stopped(data_dir: DataDir) -> None:
    (data_dir.root / RUNNING_MARKER).unlink(missing_ok=True)
