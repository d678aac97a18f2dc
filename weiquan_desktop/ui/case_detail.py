"""One case: all its fields, its history and its files, and the next steps that apply to it."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTextBrowser,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.errors import UserError
from weiquan_desktop.models.schema import GroundOption, MediationSession, Record, Referral
from weiquan_desktop.services import (
    attachments,
    auth,
    casefile,
    intake,
    mediation,
    printing,
    retention,
)
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui.forms import child, load_form
from weiquan_desktop.ui.intake_dialog import IntakeDialog
from weiquan_desktop.ui.mediation_dialog import MediationDialog, ReferralDialog
from weiquan_desktop.ui.widgets import fill, setup_read_only

if TYPE_CHECKING:
    from weiquan_desktop.ui.print_pdf import PrintPreview


class CaseDetailDialog(QDialog):
    changed = Signal(int)

    def __init__(self, record_id: int, actor: Actor | None = None, parent: QWidget | None = None) -> None:
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
            "accept", "rejectCase", "answer", "mediate", "referCase", "closeSuggestion", "referralFeedback",
            "transferFeedback", "visit", "printDoc", "editCase", "deleteCase", "addFile", "openFile", "close")}
        self.print_menu = QMenu(self)
        self.buttons["printDoc"].setMenu(self.print_menu)
        self.reveal.toggled.connect(self._reveal)
        self.buttons["accept"].clicked.connect(self.accept_case)
        self.buttons["rejectCase"].clicked.connect(self.reject_case)
        self.buttons["answer"].clicked.connect(self.answer)
        self.buttons["mediate"].clicked.connect(self.mediate)
        self.buttons["referCase"].clicked.connect(self.refer)
        self.buttons["closeSuggestion"].clicked.connect(
            lambda: self._run(lambda: mediation.close_suggestion(self.record_id, actor=self.actor,
                                                                 version=self.record.version)))
        self.buttons["referralFeedback"].clicked.connect(self.referral_feedback)
        self.buttons["transferFeedback"].clicked.connect(self.transfer_feedback)
        self.buttons["visit"].clicked.connect(self.visit)
        self.buttons["deleteCase"].clicked.connect(self.delete_case)
        self.buttons["editCase"].clicked.connect(self.edit_case)
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
        for section, rows in casefile.sections_for(r.id, self.actor, reveal=self.reveal.isChecked(), first_reveal=False):
            if not rows:
                continue
            html.append(f"<h3>{escape(section)}</h3><table cellpadding='3'>")
            html += [f"<tr><td style='color:#555' width='120'>{escape(k)}</td><td>{escape(v)}</td></tr>"
                     for k, v in rows]
            html.append("</table>")
        self.details.setHtml("".join(html))
        setup_read_only(self.history, ["时间", "经办", "操作", "状态变化", "说明"])
        fill(self.history, [[e.at.strftime("%Y-%m-%d %H:%M"), e.actor, e.action, e.change, e.detail]
                for e in casefile.events(r.id)])
        self._files = casefile.attachments(r.id)
        setup_read_only(self.files, ["文件", "类别", "大小", "添加时间"])
        fill(self.files, [[a.filename, a.purpose, f"{a.size / 1024:,.0f} KB", a.added_at.strftime("%Y-%m-%d %H:%M")]
                for a in self._files])
        pending = r.kind == "投诉" and r.state == "待受理"
        self.buttons["accept"].setVisible(pending)
        self.buttons["rejectCase"].setVisible(pending)
        self.buttons["answer"].setVisible(r.kind == "咨询" and r.state == "待回复")
        allowed = mediation.TRANSITIONS.get((r.kind, r.state), ())
        self.buttons["mediate"].setVisible(r.state == "调解中" or bool(MediationSession.select().where(
            MediationSession.record == r).exists()))
        self.buttons["referCase"].setVisible("已移交" in allowed)
        self.buttons["closeSuggestion"].setVisible("已办结" in allowed)
        self.pending_referral = (Referral.select().where(Referral.record == r, Referral.feedback_at.is_null())
                                 .order_by(Referral.referred_at.desc()).first())
        self.buttons["referralFeedback"].setVisible(self.pending_referral is not None)
        self.buttons["transferFeedback"].setVisible(r.source in domain.TRANSFER_SOURCES)
        self.buttons["visit"].setVisible(r.kind == "投诉" and r.closed_at is not None)
        self.buttons["deleteCase"].setVisible(auth.can(self.actor, "delete") and r.deleted_at is None)
        self.print_menu.clear()
        docs = printing.available_documents(r)
        for doc in docs:
            action = self.print_menu.addAction(printing.document_title(doc, r))
            action.triggered.connect(lambda _checked=False, d=doc: self.preview_document(d))
        save_menu = self.print_menu.addMenu("另存为 PDF")
        for doc in docs:
            action = save_menu.addAction(printing.document_title(doc, r))
            action.triggered.connect(lambda _checked=False, d=doc: self.print_document(d))

    def _reveal(self, on: bool) -> None:
        """Full personal data only for those with the right (the service checks and audits it)."""
        if on:
            try:
                casefile.sections_for(self.record_id, self.actor, reveal=True)
            except UserError as exc:
                self.reveal.blockSignals(True)
                self.reveal.setChecked(False)
                self.reveal.blockSignals(False)
                QMessageBox.warning(self, "无权查看", str(exc))
                return
        self.reload()

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

    def preview_document(self, doc: str) -> PrintPreview | None:
        """Make the document and show it in the print preview, whose print button prints it; the print is
        recorded (and the copy kept with the case) only when it was printed."""
        from weiquan_desktop.ui.print_pdf import PrintPreview

        title = printing.document_title(doc, self.record)
        path = printing.work_file(f"{title}-{self.record.case_no}.pdf")
        case_no = self.record.case_no
        try:
            printing.render(doc, case_no, path, actor=self.actor)
            self.preview = PrintPreview(path, self, title)
        except UserError as exc:
            QMessageBox.warning(self, "无法打印", str(exc))
            return None

        def printed(pages: int) -> None:
            try:
                printing.record_output(doc, case_no, path, actor=self.actor, how="print", pages=pages)
            except UserError as exc:
                QMessageBox.warning(self, "打印记录未保存", str(exc))
            self.reload()

        self.preview.printed.connect(printed)
        self.preview.open()  # window-modal, and the dialog stays referenced while it is open
        return self.preview

    def print_document(self, doc: str) -> Path | None:
        """Save the document as PDF (kept with the case too) and open it in the system viewer to print."""
        title = printing.document_title(doc, self.record)
        default = str(Path.home() / f"{title}-{self.record.case_no}.pdf")
        target, _ = QFileDialog.getSaveFileName(self, f"保存{title}", default, "PDF 文件 (*.pdf)")
        if not target:
            return None
        try:
            printing.print_document(doc, self.record.case_no, Path(target), actor=self.actor)
        except UserError as exc:
            QMessageBox.warning(self, "无法打印", str(exc))
            return None
        self.reload()
        QDesktopServices.openUrl(QUrl.fromLocalFile(target))
        return Path(target)

    def mediate(self) -> MediationDialog:
        dialog = MediationDialog(self.record_id, self.actor, self)
        dialog.changed.connect(lambda _id: (self.reload(), self.changed.emit(self.record_id)))
        dialog.show()
        return dialog

    def refer(self) -> None:
        if ReferralDialog(self.record_id, self.actor, self).exec():
            self.reload()
            self.changed.emit(self.record_id)

    def referral_feedback(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self, "移交反馈", f"{self.pending_referral.body_name} 反馈的处理情况：")
        if ok:
            self._run(lambda: mediation.record_referral_feedback(self.pending_referral.id, text, actor=self.actor))

    def transfer_feedback(self) -> None:
        process, ok = QInputDialog.getMultiLineText(self, "转办反馈", "处理过程：")
        if not ok:
            return
        method, ok = QInputDialog.getItem(self, "转办反馈", "处理方式：", ["现场调解", "电话调解", "视频调解", "告知消费者"], 0, True)
        if not ok:
            return
        result, ok = QInputDialog.getMultiLineText(self, "转办反馈", "处理结果：", self.record.settlement or "")
        if ok:
            self._run(lambda: mediation.transfer_feedback(self.record_id, process=process, method=method, result=result,
                                                          actor=self.actor))

    def edit_case(self) -> IntakeDialog:
        dialog = IntakeDialog(self.actor, self, record_id=self.record_id)
        dialog.saved.connect(lambda _id: (self.reload(), self.changed.emit(self.record_id)))
        dialog.show()
        return dialog

    def delete_case(self) -> None:
        reason, ok = QInputDialog.getText(self, "删除记录", f"删除 {self.record.case_no} 的原因（如：重复登记）：")
        if ok:
            self._run(lambda: retention.soft_delete(self.record_id, reason, actor=self.actor, version=self.record.version))
            if self.record.deleted_at is not None:
                self.close()

    def visit(self) -> None:
        satisfaction, ok = QInputDialog.getItem(self, "回访", "满意度：", list(domain.SATISFACTION[:3]), 0, False)
        if not ok:
            return
        comment, ok = QInputDialog.getText(self, "回访", "回访记录：")
        if ok:
            self._run(lambda: mediation.return_visit(self.record_id, satisfaction, comment, actor=self.actor))

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
