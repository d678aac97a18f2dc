"""站点设置 → 五有: the station's standard, one box and one note per item."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.services import station
from weiquan_desktop.services.actor import Actor


class WuyouPage(QWidget):
    """五有: the station's standard, one box and one note per item."""

    def __init__(self, actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        layout = QGridLayout(self)
        layout.addWidget(QLabel("<b>“五有”标准</b>（辖区市场监管部门检查时对照）"), 0, 0, 1, 2)
        self.boxes: dict[str, tuple[QCheckBox, QLineEdit]] = {}
        for row, item in enumerate(domain.WUYOU_ITEMS, 1):
            box, note = QCheckBox(item), QLineEdit(placeholderText="说明或佐证，如：服务台东侧独立办公室")
            layout.addWidget(box, row, 0)
            layout.addWidget(note, row, 1)
            self.boxes[item] = (box, note)
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        layout.addWidget(self.save_button, len(domain.WUYOU_ITEMS) + 1, 0)
        layout.addWidget(self.status, len(domain.WUYOU_ITEMS) + 1, 1)
        layout.setRowStretch(len(domain.WUYOU_ITEMS) + 2, 1)
        self.reload()

    def reload(self) -> None:
        if not station.is_configured():
            return
        for item, value in station.wuyou().items():
            self.boxes[item][0].setChecked(value["ok"])
            self.boxes[item][1].setText(value["note"])

    def save(self) -> None:
        station.save_wuyou(
            {k: {"ok": b.isChecked(), "note": n.text()} for k, (b, n) in self.boxes.items()}, actor=self.actor
        )
        done = sum(b.isChecked() for b, _n in self.boxes.values())
        self.status.setText(f"已保存：五项中已达到 {done} 项。")
