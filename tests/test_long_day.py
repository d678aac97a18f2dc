"""A day at the desk: windows opened and closed all day must not pile up behind the register."""

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from weiquan_desktop.models.schema import Record

CTRL = Qt.KeyboardModifier.ControlModifier


def _settled(qtbot) -> int:
    """Widgets alive once Qt has deleted what was closed (deferred deletion runs in the event loop)."""
    for _ in range(3):
        qtbot.wait(20)
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return len(QApplication.allWidgets())


def _visible(name: str) -> list:
    return [w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()]


def test_walk_ins_and_cases_opened_all_day_leave_nothing_behind(qtbot, app, demo_db, data_dir):
    """Ctrl+N and Esc for a walk-in who changes her mind, a case opened from the register and closed, a
    correction opened from the case, the mediation form, the laws: twenty times over, and the program
    holds no more widgets than after the first time (each closed window stayed, hidden, a child of the
    main window, until the program was closed: hundreds of widgets a walk-in)."""
    from weiquan_desktop.ui.main_window import MainWindow
    from weiquan_desktop.ui.mediation_dialog import LawDialog

    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    record = Record.select().where(Record.kind == "投诉", Record.state == "调解中").first()
    counts = []
    for _ in range(20):
        window.activateWindow()  # the clerk is back at the register
        qtbot.waitUntil(
            lambda: QApplication.focusWidget() is not None and QApplication.focusWidget().window() is window
        )
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, CTRL)
        qtbot.waitUntil(lambda: QApplication.focusWidget().window().objectName() == "IntakeDialog")
        assert len(_visible("IntakeDialog")) == 1
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # nothing typed: closes at once
        qtbot.waitUntil(lambda: not _visible("IntakeDialog"))
        detail = window.open_record(record.id)
        detail.edit_case().reject()
        detail.mediate().reject()
        detail.close()
        window.show_laws()
        (law,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, LawDialog) and w.isVisible()]
        law.close()
        counts.append(_settled(qtbot))
    assert counts[-1] <= counts[0], counts
