"""Backups from the GUI: automatic ones while the app runs and on exit, to a USB stick, and restoring."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from weiquan_desktop.errors import UserError
from weiquan_desktop.paths import DataDir
from weiquan_desktop.services import audit, backup
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.services.session import close_session, is_embedded, open_session
from weiquan_desktop.ui import operations
from weiquan_desktop.ui.tasks import Task

AUTO_MINUTES = 30


class AutoBackup(QObject):
    """Every half hour, and on exit, when something changed since the last backup (the audit head moved)."""

    def __init__(self, data_dir: DataDir, parent: QWidget, last_head: str | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.parent_widget = parent
        self.last_head = last_head if last_head is not None else audit.head()
        self.timer = QTimer(self, interval=AUTO_MINUTES * 60_000)
        self.timer.timeout.connect(self.run_in_background)
        self.timer.start()
        self.task: Task | None = None

    def changed(self) -> bool:
        # a shared PostgreSQL database is backed up on its server (pg_dump), not from each desk
        return is_embedded() and backup.changed_since(self.last_head)

    def run_in_background(self) -> Task | None:
        if not self.changed() or (self.task is not None and self.task.dialog.isVisible()):
            return None
        head = audit.head()
        self.task = Task(
            self.parent_widget, "正在自动备份", lambda _progress: backup.auto_backup(self.data_dir)
        )
        self.task.dialog.setMinimumDuration(10_000)  # quiet unless it takes long
        self.task.finished.connect(lambda _info: setattr(self, "last_head", head))
        return self.task.start()

    def run_now(self) -> None:
        """On exit: in the foreground, so the app does not close mid-backup."""
        if self.changed():
            operations.run(
                self.parent_widget,
                lambda: backup.auto_backup(self.data_dir),
                changes=False,
                show=lambda text: QMessageBox.warning(
                    self.parent_widget, "自动备份未完成", f"{text}\n数据库本身不受影响。"
                ),
            )


def backup_to_usb(parent: QWidget, data_dir: DataDir, actor: Actor | None = None) -> Task | None:
    folder = QFileDialog.getExistingDirectory(parent, "选择U盘或备份文件夹")
    if not folder:
        return None
    task = Task(
        parent, "正在备份", lambda _progress: backup.create_archive(data_dir, Path(folder), actor=actor)
    )
    task.finished.connect(
        lambda info: QMessageBox.information(
            parent,
            "备份完成",
            f"已备份到\n{info.path}\n{info.records} 条记录、{info.attachments} 个附件，校验通过。\n"
            "请等U盘指示灯停止闪烁后再拔出。",
        )
    )
    task.failed.connect(lambda message: QMessageBox.warning(parent, "备份未完成", message))
    return task.start()


def restore_from_backup(
    parent: QWidget, data_dir: DataDir, database_url: str | None = None, actor: Actor | None = None
) -> bool:
    source, _ = QFileDialog.getOpenFileName(
        parent, "选择备份文件", "", "备份文件 (weiquan-backup-*.zip *.zip)"
    )
    if not source:
        return False
    return restore_file(parent, data_dir, Path(source), database_url, actor)


def restore_file(
    parent: QWidget,
    data_dir: DataDir,
    source: Path,
    database_url: str | None = None,
    actor: Actor | None = None,
    *,
    confirm: bool = True,
) -> bool:
    """The window's restore: checked and confirmed, then the window's own connection is closed so nothing
    writes to the file being replaced, and reopened after (on the same kind of database, never another)."""
    from weiquan_desktop.services import station

    try:
        backup.check_target(data_dir, database_url)
        info = backup.verify_archive(source)
        grant = backup.authorise_restore(actor, data_dir)
    except UserError as exc:
        QMessageBox.warning(parent, "无法恢复", str(exc))
        return False
    profile = station.load_profile()
    other = bool(profile and info.code and info.code.upper() != profile.code.upper())
    if (
        other
        and QMessageBox.warning(
            parent,
            "另一个站点的备份",
            f"这个备份属于另一个站点：{info.station or '未知站点'}（编码 {info.code}），本站是 {profile.name}（编码 {profile.code}）。\n\n"
            "恢复后本站的全部数据将换成那个站点的数据。确实要这样做吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        != QMessageBox.StandardButton.Yes
    ):
        return False
    if confirm:
        answer = QMessageBox.question(
            parent,
            "从备份恢复",
            f"备份内容：{info.station or '（未知站点）'}\n备份时间：{info.created_at:%Y-%m-%d %H:%M}\n"
            f"记录 {info.records} 条，附件 {info.attachments} 个。\n\n恢复后，备份时间之后登记或修改的内容将不在当前数据中"
            "（当前数据会先另存为安全备份）。确定恢复吗？",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
    close_session()
    try:
        _info, safety = backup.restore(
            source, data_dir, grant, other_station=other, database_url=database_url
        )
    except UserError as exc:
        open_session(data_dir, database_url)
        QMessageBox.warning(parent, "恢复失败", f"{exc}\n当前数据未改动。")
        return False
    backup.reopen_after_restore(data_dir, info, grant)
    QMessageBox.information(
        parent,
        "恢复完成",
        f"已恢复 {info.records} 条记录。" + (f"\n恢复前的数据已另存为：{safety}" if safety else ""),
    )
    return True
