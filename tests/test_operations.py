"""The one way a screen runs a service call (ui/operations.py): the refusal shown where the screen shows
its errors, nothing returned, every screen told that records may have changed; a real refusal from a
service, through a real dialog's error label."""

from weiquan_desktop.errors import UserError
from weiquan_desktop.ui import operations


def test_a_refusal_is_shown_where_the_screen_asks_and_the_screens_are_told(app, qtbot):
    shown: list[str] = []
    told: list[bool] = []
    operations.hub.records_changed.connect(lambda: told.append(True))

    def refuse() -> int:
        raise UserError("案件 WXH01-2026-00001 已被其他人修改过。")

    assert operations.run(None, refuse, show=shown.append) is None
    assert shown == ["案件 WXH01-2026-00001 已被其他人修改过。"] and told == [True]
    assert operations.run(None, lambda: 0, changes=False) == 0 and told == [True]  # a result of 0 is a result
    assert operations.succeeded(None, lambda: None, changes=False) is True
    assert operations.succeeded(None, refuse, show=shown.append, changes=False) is False
    assert len(shown) == 2


def test_a_wrong_password_is_said_in_the_login_dialog_and_the_password_cleared(app, qtbot, db):
    from weiquan_desktop.services import auth
    from weiquan_desktop.ui.login import LoginDialog

    auth.create_account("王建国", "站长", "wangjg", "Station-2026!")
    dialog = LoginDialog(check=auth.authenticate)
    qtbot.addWidget(dialog)
    dialog.username.setText("wangjg")
    dialog.password.setText("wrong-password")
    dialog.accept()
    assert "登录名或密码不对" in dialog.error.text()
    assert dialog.password.text() == "" and dialog.user is None and dialog.result() == 0
    dialog.password.setText("Station-2026!")
    dialog.accept()
    assert dialog.user is not None and dialog.user.name == "王建国" and dialog.result() == 1
