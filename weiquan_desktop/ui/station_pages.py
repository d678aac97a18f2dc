"""站点设置 → 工作人员, 五有, 保存期限; the 活动 editor; the audit log view."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.services import activities, audit, auth, printing, retention, staff, station, views
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.ui import operations
from weiquan_desktop.ui.widgets import fill, read_only_table


def _save_pdf(parent: QWidget, title: str, make: object) -> Path | None:
    target, _ = QFileDialog.getSaveFileName(parent, f"保存{title}", str(Path.home() / f"{title}.pdf"), "PDF 文件 (*.pdf)")
    if not target:
        return None
    if not operations.succeeded(parent, lambda: make(Path(target)), title="无法生成", changes=False):
        return None
    QDesktopServices.openUrl(QUrl.fromLocalFile(target))
    return Path(target)


class RosterPage(QWidget):
    """工作人员: who works at the desk, their accounts, the notice board and the coordinator filing."""

    def __init__(self, actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        layout = QVBoxLayout(self)
        self.table = read_only_table(["姓名", "职务", "电话", "文化程度", "登录名", "培训次数"])
        layout.addWidget(self.table)
        form = QHBoxLayout()
        self.name = QLineEdit(placeholderText="姓名")
        self.role = QComboBox()
        self.role.addItems(domain.STAFF_ROLES)
        self.phone = QLineEdit(placeholderText="电话")
        self.education = QComboBox()
        self.education.addItems(["", *domain.EDUCATION_LEVELS])
        self.save_button = QPushButton("保存")
        self.new_button = QPushButton("新增")
        for widget in (self.name, self.role, self.phone, self.education, self.new_button, self.save_button):
            form.addWidget(widget)
        layout.addLayout(form)
        actions = QHBoxLayout()
        self.account_button = QPushButton("设置登录账号…")
        self.deactivate_button = QPushButton("停用")
        self.training_button = QPushButton("登记培训…")
        self.board_a4 = QPushButton("打印公示栏（A4）…")
        self.board_a3 = QPushButton("打印公示栏（A3）…")
        self.filing_button = QPushButton("打印协调员变更备案表…")
        for widget in (self.account_button, self.training_button, self.deactivate_button, self.board_a4, self.board_a3, self.filing_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.status = QLabel(wordWrap=True)
        layout.addWidget(self.status)
        self.table.currentCellChanged.connect(lambda *_: self._pick())
        self.new_button.clicked.connect(self._new)
        self.save_button.clicked.connect(self.save)
        self.account_button.clicked.connect(self.make_account)
        self.deactivate_button.clicked.connect(self.deactivate)
        self.training_button.clicked.connect(self.add_training)
        self.board_a4.clicked.connect(lambda: _save_pdf(self, "公示栏", lambda p: printing.notice_board(p, size="A4")))
        self.board_a3.clicked.connect(lambda: _save_pdf(self, "公示栏", lambda p: printing.notice_board(p, size="A3")))
        self.filing_button.clicked.connect(self.print_filing)
        self.selected: int | None = None
        self.reload()

    def reload(self) -> None:
        self.people = staff.roster()
        self.table.setRowCount(len(self.people))
        for r, s in enumerate(self.people):
            for c, text in enumerate([s.name, s.role, s.phone or "", s.education or "", s.username or "",
                                      str(s.trainings.count())]):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.filing_button.setEnabled(views.latest_filing_id() is not None)

    def _pick(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.people):
            s = self.people[row]
            self.selected = s.id
            self.name.setText(s.name)
            self.role.setCurrentText(s.role)
            self.phone.setText(s.phone or "")
            self.education.setCurrentText(s.education or "")

    def _new(self) -> None:
        self.selected = None
        self.table.clearSelection()
        for edit in (self.name, self.phone):
            edit.clear()
        self.name.setFocus()

    def save(self) -> None:
        data = staff.StaffInput(self.name.text(), self.role.currentText(), self.phone.text(), self.education.currentText())
        try:
            _person, filing = staff.save_staff(data, staff_id=self.selected, actor=self.actor)
        except (UserError, ValidationError) as exc:
            self.status.setText(str(exc))
            return
        self.status.setText("已保存。" + ("协调员已变更，请打印“协调员变更备案表”报辖区12315机构备案。" if filing else ""))
        self.reload()

    def make_account(self) -> None:
        if self.selected is None:
            self.status.setText("请先在表中选择一名工作人员。")
            return
        person = next(p for p in self.people if p.id == self.selected)
        username, ok = QInputDialog.getText(self, "设置登录账号", f"{person.name} 的登录名：")
        if not ok:
            return
        password, ok = QInputDialog.getText(self, "设置登录账号", "初始密码（至少 8 位，请本人登录后修改）：",
                                            QLineEdit.EchoMode.Password)
        if not ok:
            return
        try:
            auth.create_account(person.name, person.role, username, password, actor=self.actor)
        except (UserError, ValidationError) as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(f"已为 {person.name} 设置登录账号 {username}。")
        self.reload()

    def add_training(self) -> None:
        if self.selected is None:
            self.status.setText("请先在表中选择一名工作人员。")
            return
        topic, ok = QInputDialog.getText(self, "登记培训", "培训内容（如：消费者权益保护法培训）：")
        if not ok:
            return
        hours, ok = QInputDialog.getInt(self, "登记培训", "学时：", 2, 1, 200)
        if not ok:
            return
        try:
            staff.add_training(self.selected, date.today(), topic, hours, actor=self.actor)
        except ValidationError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText("培训记录已保存。")
        self.reload()

    def deactivate(self) -> None:
        if self.selected is None:
            return
        if not operations.succeeded(self, lambda: staff.deactivate(self.selected, actor=self.actor),
                                    show=self.status.setText):
            return
        self.reload()

    def print_filing(self) -> None:
        latest = views.latest_filing_id()
        if latest is not None:
            _save_pdf(self, "协调员变更备案表", lambda p: printing.coordinator_filing(latest, p))


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
        station.save_wuyou({k: {"ok": b.isChecked(), "note": n.text()} for k, (b, n) in self.boxes.items()},
                           actor=self.actor)
        done = sum(b.isChecked() for b, _n in self.boxes.values())
        self.status.setText(f"已保存：五项中已达到 {done} 项。")


class RetentionPage(QWidget):
    """保存期限: anonymise closed cases older than the keeping period (statistics are kept)."""

    def __init__(self, actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        layout = QVBoxLayout(self)
        note = QLabel("办结满保存期限的案件可以去标识化：清除消费者姓名、电话、证件号码、地址和代理人信息，"
                      "保留分类、金额、状态等统计所需内容，报表数字不变。此操作不可撤销，并记入审计日志。")
        note.setWordWrap(True)
        layout.addWidget(note)
        row = QHBoxLayout()
        self.years = QSpinBox(minimum=1, maximum=30, value=int(station.setting("retention_years") or 5), suffix=" 年")
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
            self.result.setText(f"将去标识化 {plan.count} 件办结于 {plan.oldest:%Y-%m-%d} 至 {plan.newest:%Y-%m-%d} 的案件，"
                                f"如：{'、'.join(plan.sample)}。")
        else:
            self.result.setText("没有超过保存期限、尚未去标识化的案件。")
        return plan

    def run(self) -> None:
        plan = self.preview()
        if not plan.count:
            return
        answer = QMessageBox.question(self, "去标识化", f"确定清除 {plan.count} 件案件的个人信息吗？此操作不可撤销。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        done = operations.run(self, lambda: retention.anonymise(self.years.value(), actor=self.actor), title="去标识化")
        if done is None:
            return
        self.result.setText(f"已完成：{done} 件案件的个人信息已清除，统计数据保留。")


class ActivityDialog(QDialog):
    """A publicity or training activity: when, what, where, how many, who went, what was handed out."""

    def __init__(self, activity_id: int | None = None, actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.activity_id, self.actor = activity_id, actor
        self.setWindowTitle("宣传培训活动")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.held_on = QDateEdit(QDate.currentDate(), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.type = QComboBox()
        self.type.addItems(domain.ACTIVITY_TYPES)
        self.place = QLineEdit()
        self.participants = QSpinBox(maximum=100000)
        self.materials = QLineEdit(placeholderText="如：宣传册300份、环保袋100个")
        self.description = QLineEdit()
        self.staff = QListWidget()
        for person in staff.roster():
            item = QListWidgetItem(person.name)
            item.setData(256, person.id)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.staff.addItem(item)
        for label, widget in (("日期", self.held_on), ("类型", self.type), ("地点", self.place),
                              ("参与人数", self.participants), ("发放资料", self.materials), ("内容", self.description),
                              ("参加工作人员", self.staff)):
            form.addRow(label, widget)
        layout.addLayout(form)
        self.error = QLabel(styleSheet="color: #b3261e;", wordWrap=True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if activity_id:
            a = views.activity_form(activity_id)
            self.held_on.setDate(QDate(a.held_on))
            self.type.setCurrentText(a.type)
            self.place.setText(a.place)
            self.participants.setValue(a.participants)
            self.materials.setText(a.materials)
            self.description.setText(a.description)
            for i in range(self.staff.count()):
                item = self.staff.item(i)
                if item.data(256) in a.staff_ids:
                    item.setCheckState(Qt.CheckState.Checked)

    def chosen_staff(self) -> list[int]:
        return [self.staff.item(i).data(256) for i in range(self.staff.count())
                if self.staff.item(i).checkState() == Qt.CheckState.Checked]

    def accept(self) -> None:
        try:
            activities.save_activity(self.held_on.date().toPython(), self.type.currentText(), self.place.text(),
                                     self.participants.value(), self.materials.text(), self.description.text(),
                                     self.chosen_staff(), activity_id=self.activity_id, actor=self.actor)
        except (UserError, ValidationError) as exc:
            self.error.setText(str(exc))
            return
        super().accept()


class AuditDialog(QDialog):
    """审计日志: the newest entries and a check of the whole hash chain."""

    def __init__(self, actor: Actor | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.setWindowTitle("审计日志")
        self.resize(960, 560)
        layout = QVBoxLayout(self)
        self.table = read_only_table(["序号", "时间", "操作人", "操作", "对象", "内容"])
        fill(self.table, [[str(e.id), e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.subject, e.detail[:300]]
                          for e in audit.entries(actor)])
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
            self.result.setText(f"<span style='color:#1b6e2f'>哈希链完整：共 {report.rows} 条。链头 {audit.head()[:16]}…</span>")
        else:
            self.result.setText(f"<span style='color:#b3261e'>哈希链断裂：{report.reason}。</span>")
        return report.ok



class BodiesPage(QWidget):
    """辖区机构: the 12315 body, the market-regulation office and the consumer association, with contacts."""

    def __init__(self, actor: Actor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        layout = QVBoxLayout(self)
        self.table = read_only_table(["类别", "名称", "联系人", "电话", "地址"])
        layout.addWidget(self.table)
        form = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.addItems([*domain.BODY_KINDS, "其他"])
        self.name, self.contact, self.phone, self.address = (QLineEdit(placeholderText=p) for p in ("名称", "联系人", "电话", "地址"))
        self.new_button, self.save_button = QPushButton("新增"), QPushButton("保存")
        for widget in (self.kind, self.name, self.contact, self.phone, self.address, self.new_button, self.save_button):
            form.addWidget(widget)
        layout.addLayout(form)
        self.status = QLabel(wordWrap=True)
        layout.addWidget(self.status)
        self.selected: int | None = None
        self.table.currentCellChanged.connect(lambda *_: self._pick())
        self.new_button.clicked.connect(self._new)
        self.save_button.clicked.connect(self.save)
        self.reload()

    def reload(self) -> None:
        self.rows = station.bodies()
        self.table.setRowCount(len(self.rows))
        for r, b in enumerate(self.rows):
            for c, text in enumerate([b.kind, b.name, b.contact or "", b.phone or "", b.address or ""]):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def _pick(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            b = self.rows[row]
            self.selected = b.id
            self.kind.setCurrentText(b.kind)
            for edit, value in ((self.name, b.name), (self.contact, b.contact), (self.phone, b.phone), (self.address, b.address)):
                edit.setText(value or "")

    def _new(self) -> None:
        self.selected = None
        for edit in (self.name, self.contact, self.phone, self.address):
            edit.clear()

    def save(self) -> None:
        try:
            station.save_body(self.kind.currentText(), self.name.text(), self.contact.text(), self.phone.text(),
                              self.address.text(), body_id=self.selected, actor=self.actor)
        except ValidationError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText("已保存。")
        self.reload()


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
