"""One case: all its fields, its history and its files, and the next steps that apply to it.

What the case allows comes from the services (lifecycle.available_actions over views.case_view): this window
shows the buttons it is given and calls a service for each.
"""

from __future__ import annotations

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
    QPushButton,
    QTableWidget,
    QTextBrowser,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.domain import Decision
from weiquan_desktop.services import (
    attachments,
    casefile,
    intake,
    mediation,
    notices,
    printing,
    retention,
    views,
)
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui import operations
from weiquan_desktop.ui.forms import child, load_form
from weiquan_desktop.ui.intake_dialog import IntakeDialog
from weiquan_desktop.ui.mediation_dialog import MediationDialog, ReferralDialog
from weiquan_desktop.ui.widgets import ask, fill, open_window, run_modal, setup_read_only, show_window

if TYPE_CHECKING:
    from weiquan_desktop.ui.print_pdf import PrintPreview

# action key (services.lifecycle) -> button name in the form
BUTTONS = {
    "accept": "accept",
    "reject": "rejectCase",
    "answer": "answer",
    "mediate": "mediate",
    "refer": "referCase",
    "close_suggestion": "closeSuggestion",
    "referral_feedback": "referralFeedback",
    "transfer_feedback": "transferFeedback",
    "visit": "visit",
    "handover_note": "handoverNote",
    "notice": "notice",
    "major": "major",
    "edit": "editCase",
    "delete": "deleteCase",
}


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
        self.buttons = {
            name: child(self, QPushButton, name)
            for name in (*BUTTONS.values(), "printDoc", "addFile", "openFile", "close")
        }
        self.print_menu = QMenu(self)
        self.buttons["printDoc"].setMenu(self.print_menu)
        self.reveal.toggled.connect(self._reveal)
        handlers = {
            "accept": self.accept_case,
            "reject": self.reject_case,
            "answer": self.answer,
            "mediate": self.mediate,
            "refer": self.refer,
            "close_suggestion": self.close_suggestion,
            "referral_feedback": self.referral_feedback,
            "transfer_feedback": self.transfer_feedback,
            "visit": self.visit,
            "handover_note": self.handover_note,
            "notice": self.notice,
            "major": self.report_major,
            "edit": self.edit_case,
            "delete": self.delete_case,
        }
        for key, name in BUTTONS.items():
            self.buttons[name].clicked.connect(handlers[key])
        self.buttons["addFile"].clicked.connect(self.add_file)
        self.buttons["openFile"].clicked.connect(self.open_file)
        self.buttons["close"].clicked.connect(self.close)
        self.files.doubleClicked.connect(self.open_file)
        operations.hub.records_changed.connect(self._changed_elsewhere)
        self.reload()

    def _changed_elsewhere(self) -> None:
        if self.isVisible():
            self.reload()

    def reload(self) -> None:
        self.view = views.case_view(self.record_id, self.actor, reveal=self.reveal.isChecked())
        v = self.view
        due = ""
        if v.due is not None:
            colour = "#8a5a00" if v.due.paused else ("#b3261e" if v.due.overdue else "#8a5a00")
            due = f"　<span style='color:{colour}'>{escape(v.due.text)}</span>"
        self.heading.setText(
            f"<span style='font-size:14pt'><b>{v.case_no}</b>　{v.kind}　{v.state}</span>{due}"
        )
        self.setWindowTitle(f"案件详情 - {v.case_no}")
        html = []
        for section, rows in v.sections:
            if not rows:
                continue
            html.append(f"<h3>{escape(section)}</h3><table cellpadding='3'>")
            html += [
                f"<tr><td style='color:#555' width='120'>{escape(k)}</td><td>{escape(val)}</td></tr>"
                for k, val in rows
            ]
            html.append("</table>")
        self.details.setHtml("".join(html))
        setup_read_only(self.history, ["时间", "经办", "操作", "状态变化", "说明"])
        fill(
            self.history,
            [[e.at.strftime("%Y-%m-%d %H:%M"), e.actor, e.action, e.change, e.detail] for e in v.events],
        )
        setup_read_only(self.files, ["文件", "类别", "大小", "添加时间"])
        fill(
            self.files,
            [
                [a.filename, a.purpose, f"{a.size / 1024:,.0f} KB", a.added_at.strftime("%Y-%m-%d %H:%M")]
                for a in v.attachments
            ],
        )
        allowed = {a.key: a.label for a in v.actions}
        for key, name in BUTTONS.items():
            self.buttons[name].setVisible(key in allowed)
            if key in allowed:
                self.buttons[name].setText(allowed[key])  # the service's words: 调解… or 调解记录…
        self.print_menu.clear()
        for doc, title in v.documents:
            action = self.print_menu.addAction(title)
            action.triggered.connect(lambda _checked=False, d=doc: self.preview_document(d))
        save_menu = self.print_menu.addMenu("另存为 PDF")
        for doc, title in v.documents:
            action = save_menu.addAction(title)
            action.triggered.connect(lambda _checked=False, d=doc: self.print_document(d))

    def _reveal(self, on: bool) -> None:
        """Full personal data only for those with the right (the service checks and audits it)."""
        if on and not operations.succeeded(
            self,
            lambda: casefile.sections_for(self.record_id, self.actor, reveal=True),
            title="无权查看",
            changes=False,
        ):
            self.reveal.blockSignals(True)
            self.reveal.setChecked(False)
            self.reveal.blockSignals(False)
            return
        self.reload()

    def _run(self, call: object) -> object:
        result = operations.run(self, call)
        self.reload()
        self.changed.emit(self.record_id)
        return result

    @property
    def version(self) -> int:
        return self.view.version

    # --- the steps -----------------------------------------------------------------------------------

    def accept_case(self) -> None:
        self._run(
            lambda: intake.decide(self.record_id, Decision.ACCEPTED, actor=self.actor, version=self.version)
        )

    def reject_case(self) -> None:
        ground, ok = QInputDialog.getItem(
            self, "不予受理", "不予受理的理由（一条）：", views.grounds("rejection"), 0, False
        )
        if ok:
            self._run(
                lambda: intake.decide(
                    self.record_id, Decision.REJECTED, ground=ground, actor=self.actor, version=self.version
                )
            )

    def answer(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self, "答复咨询", "答复内容：")
        if ok:
            self._run(lambda: intake.answer(self.record_id, text, actor=self.actor, version=self.version))

    def close_suggestion(self) -> None:
        values = ask(
            self,
            "建议办结",
            [("forwarded_to", "转达给", "text", ""), ("reply", "处理情况", "lines", "")],
            "写明建议转达给了哪个经营者或部门，以及对方的回复或处理情况。",
        )
        if values:
            self._run(
                lambda: mediation.close_suggestion(
                    self.record_id,
                    forwarded_to=values["forwarded_to"],
                    reply=values["reply"],
                    actor=self.actor,
                    version=self.version,
                )
            )

    def handover_note(self) -> None:
        text, ok = QInputDialog.getMultiLineText(
            self,
            "不移交的原因",
            "调解不成的案件按规定应移交辖区12315机构。如不移交，请写明原因（如：消费者明确表示不再投诉）：",
        )
        if ok:
            self._run(
                lambda: mediation.record_handover_note(
                    self.record_id, text, actor=self.actor, version=self.version
                )
            )

    def notice(self) -> None:
        values = ask(
            self,
            "告知与联系",
            [
                ("kind", "类别", "choice", "进展告知", domain.NOTICE_KINDS),
                ("method", "方式", "choice", "电话", domain.NOTICE_METHODS),
                ("at", "时间", "datetime", None),
                ("party", "对象", "text", "投诉人"),
                ("content", "内容", "lines", ""),
            ],
            "记录已告知当事人的事项，或一次联系、现场核查：谁、何时、以何种方式、说了什么。",
        )
        if values:
            self._run(
                lambda: notices.record_notice(
                    self.record_id,
                    values["kind"],
                    method=values["method"],
                    at=values["at"],
                    party=values["party"],
                    content=values["content"],
                    actor=self.actor,
                    version=self.version,
                )
            )

    def report_major(self) -> None:
        values = ask(
            self,
            "报告群体性/重大投诉",
            [
                ("kind", "类别", "choice", "群体性投诉", ["群体性投诉", "重大投诉"]),
                ("to", "报告对象", "edit_choice", "", [o.label for o in views.body_options()]),
                ("method", "报告方式", "choice", "电话", domain.NOTICE_METHODS),
                ("at", "报告时间", "datetime", None),
                ("size", "涉及人数", "int", 0),
                ("amount", "涉及金额合计（元）", "text", ""),
            ],
            "群体性或重大投诉应当日报告辖区市场监管部门或12315机构。",
        )
        if values:
            self._run(
                lambda: notices.report_major(
                    self.record_id,
                    is_group=values["kind"] == "群体性投诉",
                    is_major=values["kind"] == "重大投诉",
                    reported_to=values["to"],
                    method=values["method"],
                    reported_at=values["at"],
                    group_size=values["size"] or None,
                    group_amount=values["amount"] or None,
                    actor=self.actor,
                    version=self.version,
                )
            )

    def preview_document(self, doc: str) -> PrintPreview | None:
        """Make the document and show it in the print preview, whose print button prints it; the print is
        recorded (and the copy kept with the case) only when it was printed."""
        from weiquan_desktop.ui.print_pdf import PrintPreview

        title = dict(self.view.documents)[doc]
        path = printing.work_file(f"{title}-{self.view.case_no}.pdf")
        case_no = self.view.case_no

        def make() -> PrintPreview:
            printing.render(doc, case_no, path, actor=self.actor)
            return PrintPreview(path, self, title)

        preview = operations.run(self, make, title="无法打印", changes=False)
        if preview is None:
            return None
        self.preview = preview

        def printed(pages: int) -> None:
            operations.run(
                self,
                lambda: printing.record_output(
                    doc, case_no, path, actor=self.actor, how="print", pages=pages
                ),
                title="打印记录未保存",
            )
            self.reload()

        self.preview.printed.connect(printed)
        open_window(self.preview)  # window-modal; deleted once closed, and its PDF file let go
        return self.preview

    def print_document(self, doc: str) -> Path | None:
        """Save the document as PDF (kept with the case too) and open it in the system viewer to print."""
        title = dict(self.view.documents)[doc]
        default = str(Path.home() / f"{title}-{self.view.case_no}.pdf".replace("/", "、"))
        target, _ = QFileDialog.getSaveFileName(self, f"保存{title}", default, "PDF 文件 (*.pdf)")
        if not target:
            return None
        if (
            operations.run(
                self,
                lambda: printing.print_document(doc, self.view.case_no, Path(target), actor=self.actor),
                title="无法打印",
            )
            is None
        ):
            return None
        self.reload()
        QDesktopServices.openUrl(QUrl.fromLocalFile(target))
        return Path(target)

    def mediate(self) -> MediationDialog:
        dialog = MediationDialog(self.record_id, self.actor, self)
        dialog.changed.connect(lambda _id: (self.reload(), self.changed.emit(self.record_id)))
        return show_window(dialog)

    def refer(self) -> None:
        if run_modal(ReferralDialog(self.record_id, self.actor, self)):
            self.reload()
            self.changed.emit(self.record_id)

    def referral_feedback(self) -> None:
        referral_id, body = self.view.pending_referral
        text, ok = QInputDialog.getMultiLineText(self, "移交反馈", f"{body} 反馈的处理情况：")
        if ok:
            self._run(lambda: mediation.record_referral_feedback(referral_id, text, actor=self.actor))

    def transfer_feedback(self) -> None:
        values = ask(
            self,
            "转办反馈",
            [
                ("process", "处理过程", "lines", ""),
                (
                    "method",
                    "处理方式",
                    "edit_choice",
                    "现场调解",
                    ["现场调解", "电话调解", "视频调解", "告知消费者"],
                ),
                ("result", "处理结果", "lines", self.view.settlement),
                ("sent_at", "反馈时间", "datetime", None),
            ],
            "反馈单的“办理结果”按案件当前状态打印；这里写处理过程和结果说明。",
        )
        if values:
            self._run(
                lambda: mediation.transfer_feedback(
                    self.record_id,
                    process=values["process"],
                    method=values["method"],
                    result=values["result"],
                    sent_at=values["sent_at"],
                    actor=self.actor,
                )
            )

    def edit_case(self) -> IntakeDialog:
        dialog = IntakeDialog(self.actor, self, record_id=self.record_id)
        dialog.saved.connect(lambda _id: (self.reload(), self.changed.emit(self.record_id)))
        return show_window(dialog)

    def delete_case(self) -> None:
        reason, ok = QInputDialog.getText(
            self, "删除记录", f"删除 {self.view.case_no} 的原因（如：重复登记）："
        )
        if ok:
            self._run(
                lambda: retention.soft_delete(self.record_id, reason, actor=self.actor, version=self.version)
            )
            if self.view.deleted:
                self.close()

    def visit(self) -> None:
        values = ask(
            self,
            "回访",
            [
                ("satisfaction", "满意度", "choice", "满意", domain.SATISFACTION[:3]),
                ("method", "回访方式", "choice", "电话", domain.VISIT_METHODS),
                ("performance", "协议履行情况", "text", ""),
                ("comment", "消费者意见", "lines", ""),
            ],
        )
        if values:
            self._run(
                lambda: mediation.return_visit(
                    self.record_id,
                    values["satisfaction"],
                    values["comment"],
                    method=values["method"],
                    performance=values["performance"],
                    actor=self.actor,
                )
            )

    def add_file(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "添加附件",
            str(Path.home()),
            "证据文件 (*.jpg *.jpeg *.png *.gif *.bmp *.webp *.pdf *.doc *.docx "
            "*.xls *.xlsx *.txt *.mp3 *.m4a *.amr *.wav *.mp4)",
        )
        for path in paths:
            operations.run(
                self,
                lambda p=path: attachments.add(self.record_id, Path(p), actor=self.actor),
                title="无法添加附件",
            )
        self.reload()

    def open_file(self) -> None:
        row = self.files.currentRow()
        if row < 0 or row >= len(self.view.attachments):
            return
        path = operations.run(
            self, lambda: attachments.path_of(self.view.attachments[row].id), title="无法打开", changes=False
        )
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
