"""Ledger export (of the register's current filter) and import (preview, every error, then all or nothing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop.services.actor import Actor, id_of
from weiquan_desktop.services.ledger_format import HEADERS
from weiquan_desktop.services.register import RegisterQuery
from weiquan_desktop.ui import operations
from weiquan_desktop.ui.tasks import ProcessTask, Task
from weiquan_desktop.ui.widgets import fill, read_only_table, run_modal

PREVIEW_ROWS = 200
# Export, check and import run in a worker process (ui/tasks.py ProcessTask): openpyxl is pure Python.


def export_ledger(
    parent: QWidget, selection: RegisterQuery, count: int, user: Actor | None = None
) -> Task | None:
    """The register's current filter as a ledger workbook: de-identified, or, for a head who asks for it (to
    move the station to another computer, or to keep a full copy), with the personal data in full."""
    from weiquan_desktop.services import auth

    masked = True
    if auth.can(user, "unmasked_export"):
        answer = QMessageBox.question(
            parent,
            "导出台账",
            "是否导出完整个人信息？\n\n“是”：含姓名、电话、证件号码全文，用于迁移或留存，请妥善保管，"
            "并会记入审计日志；\n“否”：去标识化导出，用于报送和查阅。",
            QMessageBox.StandardButton.Yes
            | QMessageBox.StandardButton.No
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return None
        masked = answer != QMessageBox.StandardButton.Yes
    default = str(Path.home() / f"台账-{date.today():%Y%m%d}{'' if masked else '-完整'}.xlsx")
    target, _ = QFileDialog.getSaveFileName(
        parent, f"导出台账（当前筛选的 {count:,} 条）", default, "Excel 工作簿 (*.xlsx)"
    )
    if not target:
        return None
    if not target.lower().endswith(".xlsx"):
        target += ".xlsx"
    task = ProcessTask(
        parent,
        "正在导出台账",
        "weiquan_desktop.services.exchange:export_ledger",
        dest=Path(target),
        selection=selection,
        actor_id=id_of(user),
        masked=masked,
    )
    task.finished.connect(
        lambda result: QMessageBox.information(
            parent,
            "导出完成",
            f"已导出 {result.rows:,} 条记录到\n{result.path}\n"
            + ("（个人信息已去标识化）" if result.masked else "（含完整个人信息，请妥善保管）")
            + (f"\n其中 {result.estimated} 条记录的期限为估算。" if result.estimated else ""),
        )
    )
    task.failed.connect(lambda message: QMessageBox.warning(parent, "导出未完成", message))
    return task.start()


class ImportPreview(QDialog):
    """What the workbook holds and what is wrong with it; the import button only when nothing is."""

    def __init__(
        self, path: Path, parsed: list, errors: list, warnings: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.path, self.parsed, self.errors = path, parsed, errors
        self.setWindowTitle(f"导入台账 - {path.name}")
        self.resize(1000, 600)
        layout = QVBoxLayout(self)
        if errors:
            summary = (
                f"<b style='color:#b3261e'>发现 {len(errors)} 处错误，不能导入。</b>"
                "请按下表修改原文件后重新导入；本次没有导入任何记录。"
            )
        else:
            summary = f"<b>检查通过：共 {len(parsed):,} 条记录可以导入。</b>导入将一次完成，中途失败不会留下部分记录。"
        if warnings:
            summary += "<br>提示：" + "；".join(warnings)
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.error_table = read_only_table(["行号", "列", "问题"])
        fill(self.error_table, [[str(e.row), e.column, e.message] for e in errors])
        shown = list(HEADERS[:31])
        self.preview_table = read_only_table(["行号", *shown])
        fill(
            self.preview_table,
            [[str(p.row), *(_cell(p.values.get(h)) for h in shown)] for p in parsed[:PREVIEW_ROWS]],
        )
        if errors:
            self.tabs.addTab(self.error_table, f"错误（{len(errors)}）")
        self.tabs.addTab(self.preview_table, f"预览（前 {min(len(parsed), PREVIEW_ROWS)} 行）")
        layout.addWidget(self.tabs)
        buttons = QDialogButtonBox()
        self.save_errors = QPushButton("保存错误清单…")
        self.save_errors.setVisible(bool(errors))
        self.save_errors.clicked.connect(self._save_errors)
        buttons.addButton(self.save_errors, QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button = buttons.addButton(
            f"导入 {len(parsed):,} 条", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setEnabled(not errors and bool(parsed))
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _save_errors(self) -> None:
        default = str(self.path.with_name(f"{self.path.stem}-导入错误.xlsx"))
        target, _ = QFileDialog.getSaveFileName(self, "保存错误清单", default, "Excel 工作簿 (*.xlsx)")
        if target:
            from weiquan_desktop.services import ledger_import

            operations.run(
                self,
                lambda: ledger_import.write_issues(self.errors, Path(target)),
                title="无法保存",
                changes=False,
            )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def import_ledger(parent: QWidget, on_imported: Callable[[], None], user: Actor | None = None) -> Task | None:
    """Check the workbook, then (after the preview) import it; both steps run off the GUI thread."""
    source, _ = QFileDialog.getOpenFileName(
        parent, "选择要导入的台账", str(Path.home()), "Excel 工作簿 (*.xlsx)"
    )
    if not source:
        return None
    path = Path(source)

    def checked(result: tuple) -> None:
        parsed, errors, warnings = result
        preview = ImportPreview(path, parsed, errors, warnings, parent)
        if run_modal(preview) != QDialog.DialogCode.Accepted:
            return

        writing = ProcessTask(
            parent,
            "正在导入台账",
            "weiquan_desktop.services.ledger_import:apply",
            parsed=parsed,
            source_name=path.name,
            actor_id=id_of(user),
        )
        writing.finished.connect(
            lambda created: (
                QMessageBox.information(parent, "导入完成", f"已导入 {created:,} 条记录。"),
                on_imported(),
            )
        )
        writing.failed.connect(
            lambda message: QMessageBox.warning(parent, "导入失败", f"{message}\n未导入任何记录。")
        )
        reading.next_task = writing.start()  # kept alive with the first task while it runs

    reading = ProcessTask(parent, "正在检查台账", "weiquan_desktop.services.ledger_import:read", path=path)
    reading.finished.connect(checked)
    reading.failed.connect(lambda message: QMessageBox.warning(parent, "无法导入", message))
    return reading.start()
