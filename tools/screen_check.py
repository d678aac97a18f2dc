"""Every window and dialog on a station's screen: open each one over demo data, check that its frame and its
fixed buttons lie inside the screen's available area, and optionally save a picture of each.

Run under the offscreen platform with a screen of the station's size, for example 1366×768 at 125% with a
50-pixel taskbar::

    echo '{"screens": [{"name": "s", "x": 0, "y": 0, "width": 1366, "height": 718}]}' > screen.json
    QT_QPA_PLATFORM=offscreen:configfile=screen.json QT_SCALE_FACTOR=1.25 \\
        python tools/screen_check.py --out shots/

Prints one JSON object per window ({"name", "frame", "area", "problems"}); exits 1 when any has problems.
tests/test_screen_fit.py runs it at 100% and at 125%.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPoint, QRect, QTimer  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractScrollArea,
    QApplication,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QWidget,
)

PASSWORD = "Weiquan#2026"


def _global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def _in_scroll_area(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def problems_of(window: QWidget) -> list[str]:
    """What a clerk could not reach: the frame beyond the screen, a fixed button cut off or off the screen,
    a form that scrolls sideways."""
    from weiquan_desktop.ui.widgets import available_area, frame_margins

    found = []
    area = available_area(window)
    if window.devicePixelRatio() % 1:  # 125%: 1366 physical pixels are 1092.8 logical, rounded either way
        area = area.adjusted(-1, -1, 1, 1)
    if window.isMaximized():
        outer = window.frameGeometry()  # the system fits a maximized frame to the screen; its content may not
    else:  # where the frame starts, as large as the client area with a Windows frame around it
        margins = frame_margins(window)
        outer = QRect(window.frameGeometry().topLeft(), window.size().grownBy(margins))
    if not area.contains(outer):
        found.append(f"window {outer.getRect()} outside the available area {area.getRect()}")
    client = _global_rect(window)
    for button in window.findChildren(QPushButton):
        if not button.isVisibleTo(window) or _in_scroll_area(button, window):
            continue
        rect = _global_rect(button)
        label = button.text().replace("&", "") or button.objectName()
        if not client.contains(rect) or not area.contains(rect):
            found.append(f"button {label!r} at {rect.getRect()} not inside the window or the screen")
        elif button.visibleRegion().boundingRect().size() != button.size():
            found.append(f"button {label!r} partly hidden")
    for scroll in window.findChildren(QScrollArea):
        if scroll.isVisibleTo(window) and scroll.horizontalScrollBar().isVisible():
            found.append(f"form {scroll.objectName() or 'scroll area'} scrolls sideways")
    return found


SECRETS = (
    "赵晓东",
    "13912345678",
)  # the consumer registered by build(): never in full on a screen he can see


def exposed(window: QWidget) -> list[str]:
    """Personal data in full where the consumer at the counter can read it (labels, tables, read-only text)."""
    from PySide6.QtWidgets import QAbstractItemView, QLabel, QTextEdit

    texts: list[str] = [label.text() for label in window.findChildren(QLabel) if label.isVisibleTo(window)]
    texts += [edit.toPlainText() for edit in window.findChildren(QTextEdit) if edit.isVisibleTo(window)]
    for view in window.findChildren(QAbstractItemView):
        model = view.model()
        if model is None or not view.isVisibleTo(window):
            continue
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
        for row in range(min(model.rowCount(QModelIndex()), 200)):
            texts += [str(model.index(row, column).data() or "") for column in range(columns)]
    return [f"shows {secret} in full" for secret in SECRETS if any(secret in text for text in texts)]


class Checker:
    def __init__(self, out: Path | None) -> None:
        self.out = out
        self.results: list[dict] = []

    def settle(self) -> None:
        for _ in range(5):
            QApplication.processEvents()
        loop_timer = QTimer()
        loop_timer.setSingleShot(True)
        loop_timer.start(30)
        while loop_timer.isActive():
            QApplication.processEvents()

    def check(
        self, name: str, window: QWidget, *, show: Callable[[], None] | None = None, private: bool = True
    ) -> None:
        """``private``: the window must not show the consumer's name or phone in full (the intake form, where
        the clerk types them, may)."""
        if not window.isVisible():
            (show or window.show)()
        self.settle()
        problems = problems_of(window) + (exposed(window) if private else [])
        result = {
            "name": name,
            "frame": list(window.frameGeometry().getRect()),
            "area": list(window.screen().availableGeometry().getRect()),
            "problems": problems,
        }
        self.results.append(result)
        if self.out is not None:
            window.grab().save(str(self.out / f"{name}.png"))


def build(data_dir_path: Path):
    from weiquan_desktop.paths import DataDir
    from weiquan_desktop.services import auth, demo, intake, mediation
    from weiquan_desktop.services.session import open_session

    data_dir = DataDir(data_dir_path).ensure()
    open_session(data_dir)
    head = auth.create_account("王建国", "站长", "wang", PASSWORD)
    demo.generate(300, seed=11, actor=head)
    from weiquan_desktop.models.schema import (
        Record,  # the tool picks its examples; the program never does this
    )

    open_case = Record.select().where(Record.state == "调解中", Record.kind == "投诉").first()
    settled = Record.select().where(Record.state == "已和解").first()
    ended = Record.select().where(Record.state == "调解终止").first()
    if ended is None:
        ended = open_case
    form = intake.IntakeForm(
        kind="投诉",
        source="来访",
        complainant_name="赵晓东",
        phone="13912345678",
        respondent_name="麦当劳",
        category="食品类",
        nature="质量",
        facts="汉堡有异物。",
        demands=["退款"],
    )
    fresh = intake.register(form, head)
    intake.decide(fresh.id, "受理", actor=head)  # his case in mediation: the summary names him, masked
    mediation.add_session(
        fresh.id,
        held_at=datetime.now().replace(second=0, microsecond=0),
        mode="现场",
        mediator_id=head.id,
        attendees="赵晓东、店长",
        notes="双方陈述意见",
        actor=head,
    )
    return data_dir, head, fresh.id, settled.id, ended.id, fresh.id, mediation


def run(out: Path | None) -> list[dict]:
    from weiquan_desktop.ui.app import application

    app = application()
    QMessageBox.information = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok)  # no modal stops
    checker = Checker(out)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, head, open_id, settled_id, ended_id, fresh_id, _ = build(Path(tmp) / "data")
        from weiquan_desktop.ui.activity_page import ActivityDialog
        from weiquan_desktop.ui.audit_dialog import AuditDialog
        from weiquan_desktop.ui.case_detail import CaseDetailDialog
        from weiquan_desktop.ui.due_panel import DuePanel
        from weiquan_desktop.ui.intake_dialog import IntakeDialog
        from weiquan_desktop.ui.login import LoginDialog, PasswordDialog
        from weiquan_desktop.ui.main_window import MainWindow
        from weiquan_desktop.ui.mediation_dialog import LawDialog, MediationDialog, ReferralDialog
        from weiquan_desktop.ui.settings.station import FirstRunDialog

        window = MainWindow(data_dir, head)
        checker.check("main-register", window, show=window.show_fitting)
        tabs = window.findChild(QTabWidget, "tabs") or window.tabs
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            page = tabs.widget(index).objectName().removesuffix("Tab")
            checker.settle()
            if index:
                checker.check(f"main-{page}", window)
            if page == "report":  # the quarter just ended, generated: tables and charts filled
                from weiquan_desktop.ui.report_page import ReportPage

                report = window.findChild(ReportPage)
                report.generate()
                for _ in range(100):
                    if report.figures is not None:
                        break
                    checker.settle()
                checker.check("main-report-generated", window)
                summary_dialog = report.show_summary()
                checker.check("report-summary", summary_dialog)
                summary_dialog.hide()
            inner = tabs.widget(index).findChild(QTabWidget)
            for sub in range(inner.count() if inner is not None and page == "settings" else 0):
                inner.setCurrentIndex(sub)
                checker.check(f"main-settings-{sub}", window)
        tabs.setCurrentIndex(0)
        dialogs: list[tuple[str, Callable[[], QWidget]]] = [
            ("login", lambda: LoginDialog(window)),
            ("password", lambda: PasswordDialog(head, window)),
            ("first-run", lambda: FirstRunDialog(window)),
            ("intake-complaint", lambda: IntakeDialog(head, window)),
            ("case-new", lambda: CaseDetailDialog(fresh_id, head, window)),
            ("case-settled", lambda: CaseDetailDialog(settled_id, head, window)),
            ("mediation", lambda: MediationDialog(open_id, head, window)),
            ("referral", lambda: ReferralDialog(ended_id, head, window)),
            ("laws", lambda: LawDialog(window)),
            ("due-panel", lambda: DuePanel(window)),
            ("activity", lambda: ActivityDialog(None, head, window)),
            ("audit", lambda: AuditDialog(head, window)),
        ]
        for name, make in dialogs:
            dialog = make()
            checker.check(name, dialog, private=not name.startswith("intake"))
            if name == "intake-complaint":  # the tallest kind of form, and the other kinds
                dialog.w["has_agent"].setChecked(True)
                dialog.w["is_group"].setChecked(True)
                checker.check("intake-complaint-agent-group", dialog)
                for kind, label in (("举报", "report"), ("咨询", "consultation")):
                    dialog.w["kind"].setCurrentText(kind)
                    checker.check(f"intake-{label}", dialog)
                dialog._autosave.stop()
            if name == "mediation":
                for tab in range(1, dialog.outcomes.count()):
                    dialog.outcomes.setCurrentIndex(tab)
                    checker.check(f"mediation-outcome-{tab}", dialog)
            dialog.hide()
            dialog.deleteLater()
        window.hide()
        from weiquan_desktop.services.session import close_session

        close_session()
    del app
    return checker.results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="save a picture of each window here")
    args = parser.parse_args(argv)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
    results = run(args.out)
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    return 1 if any(r["problems"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
