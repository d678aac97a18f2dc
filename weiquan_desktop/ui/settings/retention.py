"""站点设置 → 保存期限: closed cases older than the keeping period anonymised (statistics kept)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop.services import retention, station
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui import operations


class RetentionPage(QWidget):
    """保存期限: anonymise closed cases older than the keeping period (statistics are kept)."""

    def __init__(self, actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        layout = QVBoxLayout(self)
        note = QLabel(
            "办结满保存期限的案件可以去标识化：清除消费者姓名、电话、证件号码、地址和代理人信息，"
            "保留分类、金额、状态等统计所需内容，报表数字不变。此操作不可撤销，并记入审计日志。"
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        row = QHBoxLayout()
        self.years = QSpinBox(
            minimum=1, maximum=30, value=int(station.setting("retention_years") or 5), suffix=" 年"
        )
        self.preview_button = QPushButton("预览")
        self.run_button = QPushButton("执行去标识化")
        for widget in (QLabel("保存期限"), self.years, self.preview_button, self.run_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = QLabel(wordWrap=True)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.preview_button.clicked.connect(self.preview)
        self.run_button.clicked.connect(self.run)

    def preview(self) -> retention.RetentionPreview:
        plan = retention.preview(self.years.value())
        if plan.count:
            self.result.setText(
                f"将去标识化 {plan.count} 件办结于 {plan.oldest:%Y-%m-%d} 至 {plan.newest:%Y-%m-%d} 的案件，"
                f"如：{'、'.join(plan.sample)}。"
            )
        else:
            self.result.setText("没有超过保存期限、尚未去标识化的案件。")
        return plan

    def run(self) -> None:
        plan = self.preview()
        if not plan.count:
            return
        answer = QMessageBox.question(
            self, "去标识化", f"确定清除 {plan.count} 件案件的个人信息吗？此操作不可撤销。"
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        done = operations.run(
            self, lambda: retention.anonymise(self.years.value(), actor=self.actor), title="去标识化"
        )
        if done is None:
            return
        self.result.setText(f"已完成：{done} 件案件的个人信息已清除，统计数据保留。")
