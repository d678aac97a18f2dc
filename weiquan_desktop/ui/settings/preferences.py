"""站点设置 → 其他设置: idle lock, attachment limit, retention period, masking on print."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.services import station
from weiquan_desktop.services.actor import Actor


class PreferencesPage(QWidget):
    """其他设置: idle lock, attachment limit, retention period, masking on print (heads only)."""

    def __init__(self, actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        layout = QFormLayout(self)
        self.spins: dict[str, QSpinBox] = {}
        for key, (label, low, high) in station.PREFERENCES.items():
            spin = QSpinBox(minimum=low, maximum=high, value=int(station.setting(key) or low))
            self.spins[key] = spin
            layout.addRow(label, spin)
        self.save_button = QPushButton("保存")
        self.status = QLabel(wordWrap=True)
        layout.addRow(self.save_button, self.status)
        self.save_button.clicked.connect(self.save)

    def save(self) -> None:
        try:
            station.save_preferences({k: s.value() for k, s in self.spins.items()}, actor=self.actor)
        except (UserError, ValidationError) as exc:
            self.status.setText(str(exc))
            return
        self.status.setText("已保存（自动锁定时间下次登录起生效）。")
