"""The audit log: the newest entries and a check of the whole hash chain."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop.services import audit
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui.widgets import fill, read_only_table


class AuditDialog(QDialog):
    """审计日志: the newest entries and a check of the whole hash chain."""

    def __init__(self, actor: Actor | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.setWindowTitle("审计日志")
        self.resize(960, 560)
        layout = QVBoxLayout(self)
        self.table = read_only_table(["序号", "时间", "操作人", "操作", "对象", "内容"])
        fill(
            self.table,
            [
                [str(e.id), e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.subject, e.detail[:300]]
                for e in audit.entries(actor)
            ],
        )
        layout.addWidget(self.table)
        line = QHBoxLayout()
        self.verify_button = QPushButton("校验哈希链")
        self.result = QLabel(wordWrap=True)
        line.addWidget(self.verify_button)
        line.addWidget(self.result, 1)
        layout.addLayout(line)
        self.verify_button.clicked.connect(self.verify)

    def verify(self) -> bool:
        from weiquan_desktop.services import health

        report = health.verify_audit(self.actor)
        if report.ok:
            self.result.setText(
                f"<span style='color:#1b6e2f'>哈希链完整：共 {report.rows} 条。链头 {audit.head()[:16]}…</span>"
            )
        else:
            self.result.setText(f"<span style='color:#b3261e'>哈希链断裂：{report.reason}。</span>")
        return report.ok
