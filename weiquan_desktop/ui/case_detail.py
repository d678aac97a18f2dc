"""One case: all its fields, its history and its files, and the next steps that apply to it."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.errors import UserError
from weiquan_desktop.models.schema import GroundOption, Record, Staff
from weiquan_desktop.services import attachments, casefile, intake, printing
from weiquan_desktop.ui.forms import child, load_form


def _table(widget: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
    widget.setColumnCount(len(headers))
    widget.setHorizontalHeaderLabels(headers)
    widget.setRowCount(len(rows))
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.verticalHeader().setVisible(False)
    widget.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    widget.horizontalHeader().setStretchLastSection(True)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            widget.setItem(r, c, QTableWidgetItem(text))


class CaseDetailDialog(QDialog):
    changed = Signal(int)

    def __init__(self, record_id: int, actor: Staff | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record_id = record_id
        self.actor = actor
        load_form("case_detail.ui", self)
        self.heading = child(self, QLabel, "heading")
        self.details = child(self, QTextBrowser, "details")
        self.reveal = child(self, QCheckBox, "reveal")
        self.history = child(self, QTableWidget, "history")
        self.files = child(self, QTableWidget, "files")
        self.buttons = {name: child(self, QPushButton, name) for name in (
            "accept", "rejectCase", "answer", "printIntake", "addFile", "openFile", "close")}
        self.reveal.toggled.connect(self.reload)
        self.buttons["accept"].clicked.connect(self.accept_case)
        self.buttons["rejectCase"].clicked.connect(self.reject_case)
        self.buttons["answer"].clicked.connect(self.answer)
        self.buttons["printIntake"].clicked.connect(self.print_intake)
        self.buttons["addFile"].clicked.connect(self.add_file)
        self.buttons["openFile"].clicked.connect(self.open_file)
        self.buttons["close"].clicked.connect(self.close)
        self.files.doubleClicked.connect(self.open_file)
        self.reload()

    def reload(self) -> None:
        self.record = Record.get_by_id(self.record_id)
        r = self.record
        due = ""
        if r.next_due:
            overdue = r.next_due < date.today()
            colour = "#b3261e" if overdue else "#8a5a00"
            due = (f"　<span style='color:{colour}'>{r.due_label} {r.next_due.isoformat()}"
                   f"{'（估算）' if r.due_estimated else ''}{'，已逾期' if overdue else ''}</span>")
        self.heading.setText(f"<span style='font-size:14pt'><b>{r.case_no}</b>　{r.kind}　{r.state}</span>{due}")
        self.setWindowTitle(f"案件详情 - {r.case_no}")
        html = []
        for section, rows in casefile.sections(r, masked=not self.reveal.isChecked()):
            if not rows:
                continue
            html.append(f"<h3>{escape(section)}</h3><table cellpadding='3'>")
            html += [f"<tr><td style='color:#555' width='120'>{escape(k)}</td><td>{escape(v)}</td></tr>"
                     for k, v in rows]
            html.append("</table>")
        self.details.setHtml("".join(html))
        _table(self.history, ["时间", "经办", "操作", "状态变化", "说明"],
               [[e.at.strftime("%Y-%m-%d %H:%M"), e.actor, e.action, e.change, e.detail]
                for e in casefile.events(r.id)])
        self._files = casefile.attachments(r.id)
        _table(self.files, ["文件", "类别", "大小", "添加时间"],
               [[a.filename, a.purpose, f"{a.size / 1024:,.0f} KB", a.added_at.strftime("%Y-%m-%d %H:%M")]
                for a in self._files])
        pending = r.kind == "投诉" and r.state == "待受理"
        self.buttons["accept"].setVisible(pending)
        self.buttons["rejectCase"].setVisible(pending)
        self.buttons["answer"].setVisible(r.kind == "咨询" and r.state == "待回复")

    def _run(self, action: object) -> None:
        try:
            action()
        except UserError as exc:
            QMessageBox.warning(self, "无法完成", str(exc))
        self.reload()
        self.changed.emit(self.record_id)

    def accept_case(self) -> None:
        self._run(lambda: intake.decide(self.record_id, "受理", actor=self.actor, version=self.record.version))

    def reject_case(self) -> None:
        grounds = [g for (g,) in GroundOption.select(GroundOption.text).where(
            GroundOption.list_name == "rejection", GroundOption.active).order_by(GroundOption.position).tuples()]
        ground, ok = QInputDialog.getItem(self, "不予受理", "不予受理理由：", grounds or list(domain.REJECTION_GROUNDS),
                                          0, True)
        if ok:
            self._run(lambda: intake.decide(self.record_id, "不予受理", ground=ground, actor=self.actor,
                                            version=self.record.version))

    def answer(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self, "答复咨询", "答复内容：")
        if ok:
            self._run(lambda: intake.answer(self.record_id, text, actor=self.actor, version=self.record.version))

    def print_intake(self) -> None:
        title = printing.DOC_TITLES[self.record.kind]
        default = str(Path.home() / f"{title}-{self.record.case_no}.pdf")
        target, _ = QFileDialog.getSaveFileName(self, f"保存{title}", default, "PDF 文件 (*.pdf)")
        if not target:
            return
        try:
            printing.intake_record(self.record.case_no, Path(target), actor=self.actor)
        except UserError as exc:
            QMessageBox.warning(self, "无法打印", str(exc))
            return
        self.reload()
        QDesktopServices.openUrl(QUrl.fromLocalFile(target))

    def add_file(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "添加附件", str(Path.home()),
                                                "证据文件 (*.jpg *.jpeg *.png *.gif *.bmp *.webp *.pdf *.doc *.docx "
                                                "*.xls *.xlsx *.txt *.mp3 *.m4a *.amr *.wav *.mp4)")
        for path in paths:
            try:
                attachments.add(self.record_id, Path(path), actor=self.actor)
            except UserError as exc:
                QMessageBox.warning(self, "无法添加附件", str(exc))
        self.reload()

    def open_file(self) -> None:
        row = self.files.currentRow()
        if row < 0 or row >= len(self._files):
            return
        try:
            path = attachments.open_path(self._files[row])
        except UserError as exc:
            QMessageBox.warning(self, "无法打开", str(exc))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
