"""站点设置 → 节假日与调休: the station's calendar, and the State Council's notice loaded into it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop.services import (
    calendar_rules,
)
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui import operations
from weiquan_desktop.ui.widgets import fill, open_window, read_only_table


class NoticeDialog(QDialog):
    """导入放假通知: paste the State Council's notice (or read it from a .txt on a USB stick), see what it says
    and which open cases it re-dates, then load it. Nothing changes until 导入 is pressed, and not then if the
    notice does not check out."""

    imported = Signal(object)  # the NoticePreview of what was loaded

    def __init__(self, actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.setWindowTitle("导入国务院放假通知")
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        note = QLabel(
            "把“国务院办公厅关于××××年部分节假日安排的通知”全文粘贴到下面（每项一行，如“一、元旦：1月1日（周五）"
            "至3日（周日）放假调休，共3天。”），或从文件读取；也可以照此格式自己输入。"
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：……")
        layout.addWidget(self.text, 2)
        row = QHBoxLayout()
        self.open_file = QPushButton("从文件读取…")
        self.check_button = QPushButton("检查")
        row.addWidget(self.open_file)
        row.addWidget(self.check_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = QLabel()
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.table = read_only_table(["日期", "星期", "安排", "节日"])
        layout.addWidget(self.table, 2)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("导入")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.open_file.clicked.connect(self.read_file)
        self.check_button.clicked.connect(self.check)
        self.text.textChanged.connect(
            lambda: self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        )
        self.preview: calendar_rules.NoticePreview | None = None

    def read_file(self) -> None:

        name, _ = QFileDialog.getOpenFileName(self, "选择放假通知文本", "", "文本文件 (*.txt);;所有文件 (*)")
        if not name:
            return
        text = operations.run(
            self, lambda: calendar_rules.read_notice_file(Path(name)), changes=False, show=self.result.setText
        )
        if text is None:
            return
        self.text.setPlainText(text)
        self.check()

    def check(self) -> calendar_rules.NoticePreview:
        self.preview = preview = calendar_rules.preview_notice(self.text.toPlainText())
        notice = preview.notice
        days = sorted(
            [(d, "放假", n) for d, n in notice.holidays.items()]
            + [(d, "调休上班", n) for d, n in notice.workdays.items()]
        )
        fill(
            self.table, [[d.isoformat(), "一二三四五六日"[d.weekday()], kind, name] for d, kind, name in days]
        )
        if not notice.ok:
            self.result.setText(
                "<span style='color:#b3261e'>通知没有通过检查，不能导入：</span><br>"
                + "<br>".join(notice.problems or ["没有读到放假日期。"])
            )
        else:
            moved = "；".join(r.text() for r in preview.redated[:8])
            more = f" 等 {len(preview.redated)} 件" if len(preview.redated) > 8 else ""
            self.result.setText(
                f"{notice.year}年：放假 {len(notice.holidays)} 天，调休上班 {len(notice.workdays)} 天。"
                + (
                    f"导入后将重新计算期限的案件：{moved}{more}。"
                    if preview.redated
                    else "导入后没有案件的期限改变。"
                )
            )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(notice.ok)
        return preview

    def accept(self) -> None:
        preview = operations.run(
            self,
            lambda: calendar_rules.import_notice(self.text.toPlainText(), actor=self.actor),
            show=self.result.setText,
        )
        if preview is None:
            return
        self.preview = preview
        super().accept()
        self.imported.emit(preview)


class HolidayPage(QWidget):
    def __init__(self, parent: QWidget | None = None, actor: Actor | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "程序内置2004—2026年国务院公布的节假日安排。每年11月前后公布下一年安排后，请在这里录入放假日和调休上班日；"
                "本表中的日期优先于内置日历。尚未导入放假通知的年份按法定节假日估算（周一至周五，除去元旦、春节等法定假日），期限标注“估算”。"
            )
        )
        layout.itemAt(0).widget().setWordWrap(True)
        row = QHBoxLayout()
        self.day = QDateEdit(QDate.currentDate(), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.kind = QComboBox()
        self.kind.addItems(["放假", "调休上班"])
        self.name = QLineEdit(placeholderText="名称，如：春节")
        self.add_button = QPushButton("添加/修改")
        self.remove_button = QPushButton("删除所选")
        self.notice_button = QPushButton("导入放假通知…")
        for widget in (QLabel("日期"), self.day, self.kind, self.name, self.add_button, self.remove_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.notice_button)
        layout.addLayout(row)
        self.reminder = QLabel(styleSheet="color: #8a5a00;", wordWrap=True)
        layout.addWidget(self.reminder)
        self.table = read_only_table(["日期", "星期", "安排", "名称"])
        layout.addWidget(self.table)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.notice_button.clicked.connect(self.import_notice)
        self.reload()

    def import_notice(self) -> NoticeDialog:
        dialog = NoticeDialog(self.actor, self)
        # a bound method, not a lambda naming self and the dialog: a lambda held the only reference to a
        # page of no parent, so deleting the dialog freed the page, and the page deleted the dialog again
        dialog.imported.connect(self.notice_imported)
        return open_window(dialog)

    def notice_imported(self, preview: calendar_rules.NoticePreview) -> None:
        self.status.setText(
            f"已导入{preview.notice.year}年放假安排，{len(preview.redated)} 件案件的期限已重新计算。"
        )
        self.reload()

    def reload(self) -> None:
        self.reminder.setText(calendar_rules.next_year_missing() or "")
        self.reminder.setVisible(bool(self.reminder.text()))
        rows = calendar_rules.holidays()
        self.table.setRowCount(len(rows))
        for r, h in enumerate(rows):
            for c, text in enumerate(
                [
                    h.day.isoformat(),
                    "一二三四五六日"[h.day.weekday()],
                    "调休上班" if h.workday else "放假",
                    h.name or "",
                ]
            ):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def add(self) -> None:
        moved = operations.run(
            self,
            lambda: calendar_rules.set_day(
                self.day.date().toPython(),
                self.kind.currentText() == "调休上班",
                self.name.text(),
                actor=self.actor,
            ),
            title="节假日",
        )
        if moved is None:
            return
        self.status.setText(f"已保存。{moved} 件未办结案件的期限已按新日历重新计算。")
        self.reload()

    def remove(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        day = date.fromisoformat(self.table.item(row, 0).text())
        moved = operations.run(self, lambda: calendar_rules.remove_day(day, actor=self.actor), title="节假日")
        if moved is None:
            return
        self.status.setText(f"已删除。{moved} 件未办结案件的期限已重新计算。")
        self.reload()
