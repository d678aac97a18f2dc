"""Accounts, lockout, roles, and the command line's credentials."""

from datetime import datetime, timedelta

import pytest
from helpers import pdf_text, run_cli

from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models.schema import AuditLog, Staff
from weiquan_desktop.services import auth, calendar_rules, demo, exchange, station

GOOD = "Weiquan#2026"


@pytest.fixture
def accounts(db):
    station.save_profile(demo.DEMO_PROFILE)
    boss = auth.create_account("王建国", "站长", "wang", GOOD)
    clerk = auth.create_account("刘子涵", "工作人员/和解员", "liu", "Liu#station1", actor=boss)
    return boss, clerk


def test_first_account_must_be_a_head_and_passwords_are_hashed(db):
    with pytest.raises(ValidationError, match="站长"):
        auth.create_account("刘子涵", "工作人员/和解员", "liu", GOOD)
    boss = auth.create_account("王建国", "站长", "wang", GOOD)
    stored = Staff.get_by_id(boss.id).password_hash
    assert stored.startswith("scrypt$131072$8$1$") and GOOD not in stored
    with pytest.raises(ValidationError, match="至少"):
        auth.create_account("李四", "工作人员/和解员", "li", "short", actor=boss)
    with pytest.raises(UserError, match="管理工作人员"):
        auth.create_account("李四", "工作人员/和解员", "li", GOOD, actor=None)


def test_lockout_after_five_failures_and_unlock_after_five_minutes(accounts):
    t0 = datetime(2026, 11, 28, 9, 0, 0)
    for _attempt in range(1, 5):
        with pytest.raises(UserError, match="登录名或密码不对"):
            auth.authenticate("liu", "wrong", now=t0)
    with pytest.raises(UserError, match="已锁定 5 分钟"):
        auth.authenticate("liu", "wrong", now=t0)
    with pytest.raises(UserError, match="已锁定"):  # even the right password is refused while locked
        auth.authenticate("liu", "Liu#station1", now=t0 + timedelta(minutes=4, seconds=59))
    actor = auth.authenticate("liu", "Liu#station1", now=t0 + timedelta(minutes=5, seconds=1))
    assert actor.name == "刘子涵" and Staff.get_by_id(actor.id).failed_logins == 0
    assert AuditLog.select().where(AuditLog.action == "login.failed").count() == 5
    assert AuditLog.select().where(AuditLog.action == "login").count() == 1


def test_a_clerk_cannot_export_unmasked_or_edit_rules(accounts, tmp_path):
    boss, clerk = accounts
    with pytest.raises(UserError, match="导出完整个人信息"):
        exchange.export_ledger(tmp_path / "x.xlsx", masked=False, actor=clerk)
    assert not (tmp_path / "x.xlsx").exists()
    with pytest.raises(UserError, match="修改办理时限、节假日"):
        calendar_rules.set_day(datetime(2026, 3, 10).date(), False, actor=clerk)
    exchange.export_ledger(tmp_path / "y.xlsx", masked=False, actor=boss)
    calendar_rules.set_day(datetime(2026, 3, 10).date(), False, actor=boss)
    exchange.export_ledger(tmp_path / "z.xlsx", actor=clerk)  # masked is always allowed


def test_change_password(accounts):
    _boss, clerk = accounts
    with pytest.raises(ValidationError, match="原密码"):
        auth.change_password(clerk, "nope", "Another#pass1")
    changed = auth.change_password(clerk, "Liu#station1", "Another#pass1")
    assert clerk.must_change_password and not changed.must_change_password
    assert auth.authenticate("liu", "Another#pass1").id == clerk.id


def test_command_line_asks_for_credentials_once_accounts_exist(tmp_path):
    data = tmp_path / "d"
    assert run_cli("demo", "--data-dir", str(data), "--records", "20").returncode == 0
    first = run_cli(
        "user",
        "add",
        "wang",
        "--role",
        "站长",
        "--full-name",
        "王建国",
        "--data-dir",
        str(data),
        env={"WEIQUAN_PASSWORD": GOOD},
    )
    assert first.returncode == 0, first.stderr
    no_user = run_cli("check", "--data-dir", str(data))
    assert no_user.returncode == 1 and "--user" in no_user.stderr
    wrong = run_cli(
        "check", "--data-dir", str(data), "--user", "wang", env={"WEIQUAN_PASSWORD": "bad-password"}
    )
    assert wrong.returncode == 1 and "密码不对" in wrong.stderr
    ok = run_cli("check", "--data-dir", str(data), "--user", "wang", env={"WEIQUAN_PASSWORD": GOOD})
    assert ok.returncode == 0, ok.stderr
    clerk = run_cli(
        "user",
        "add",
        "liu",
        "--role",
        "工作人员/和解员",
        "--data-dir",
        str(data),
        "--user",
        "wang",
        env={"WEIQUAN_PASSWORD": GOOD, "WEIQUAN_NEW_PASSWORD": "Initial#2026"},
    )
    assert clerk.returncode == 0, clerk.stderr
    changed = run_cli(
        "user",
        "passwd",
        "--data-dir",
        str(data),
        "--user",
        "liu",
        env={"WEIQUAN_PASSWORD": "Initial#2026", "WEIQUAN_NEW_PASSWORD": "Liu#station1"},
    )
    assert changed.returncode == 0, changed.stderr
    unmasked = run_cli(
        "export-ledger",
        str(tmp_path / "l.xlsx"),
        "--unmasked",
        "--data-dir",
        str(data),
        "--user",
        "liu",
        env={"WEIQUAN_PASSWORD": "Liu#station1"},
    )
    assert unmasked.returncode == 1 and "没有" in unmasked.stderr and not (tmp_path / "l.xlsx").exists()


def test_reveal_needs_the_right_and_is_audited(qtbot, app, accounts, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from weiquan_desktop.services import intake
    from weiquan_desktop.ui.case_detail import CaseDetailDialog

    boss, clerk = accounts
    record = intake.register(
        intake.IntakeForm(
            kind="投诉",
            source="来访",
            complainant_name="张三",
            phone="13812345678",
            respondent_name="麦当劳",
            category="食品类",
            nature="质量",
            facts="x",
            demands=["退款"],
        ),
        clerk,
    )
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    as_clerk = CaseDetailDialog(record.id, clerk)
    qtbot.addWidget(as_clerk)
    as_clerk.reveal.setChecked(True)
    assert not as_clerk.reveal.isChecked() and warned
    assert "13812345678" not in as_clerk.details.toPlainText()
    as_boss = CaseDetailDialog(record.id, boss)
    qtbot.addWidget(as_boss)
    as_boss.reveal.setChecked(True)
    assert "13812345678" in as_boss.details.toPlainText()
    revealed = AuditLog.get(AuditLog.action == "reveal")
    assert (revealed.actor, revealed.entity_id) == ("王建国", record.case_no)


def test_login_dialog_and_idle_lock(qtbot, app, accounts):
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    from weiquan_desktop.ui.login import IdleLock, LoginDialog

    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    dialog.username.setText("liu")
    dialog.password.setText("wrong")
    dialog.accept()
    assert "登录名或密码不对" in dialog.error.text() and dialog.user is None
    dialog.password.setText("Liu#station1")
    dialog.accept()
    assert dialog.user.name == "刘子涵"

    lock = IdleLock(1)
    with qtbot.waitSignal(lock.timed_out, timeout=3000):
        lock.timer.setInterval(200)
        lock.timer.start()
    lock.timer.setInterval(300)
    lock.timer.start()
    qtbot.wait(150)
    lock.eventFilter(dialog, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier))
    assert lock.timer.remainingTime() > 200  # typing restarted the clock


def test_a_clerk_sees_and_prints_masked_data_only(qtbot, app, accounts, tmp_path):

    from weiquan_desktop.services import intake, printing
    from weiquan_desktop.ui.register_view import RegisterView

    boss, clerk = accounts
    record = intake.register(
        intake.IntakeForm(
            kind="投诉",
            source="来访",
            complainant_name="欧阳娜娜",
            phone="13812345678",
            id_number="11010519491231002X",
            respondent_name="麦当劳",
            category="食品类",
            nature="质量",
            facts="x",
            demands=["退款"],
        ),
        boss,
    )
    view = RegisterView()
    qtbot.addWidget(view)
    view.apply_filters()
    assert view.model.index(0, 4).data() == "欧***"
    out = exchange.export_ledger(tmp_path / "l.xlsx", actor=clerk)
    import openpyxl

    row = next(openpyxl.load_workbook(out.path)["台账"].iter_rows(min_row=2, values_only=True))
    assert (row[4], row[5], row[6]) == ("欧***", "138****5678", "1101**********002X")
    # the original with full identity is for the case's handler and the heads
    pdf = printing.intake_record(record.case_no, tmp_path / "i.pdf", actor=clerk, keep=False)
    text = pdf_text(pdf)
    assert "13812345678" not in text and "138****5678" in text
    pdf = printing.intake_record(record.case_no, tmp_path / "o.pdf", actor=boss, keep=False)
    assert "13812345678" in pdf_text(pdf)


def _attempt(data_dir_root: str, password: str) -> str:
    """One login attempt in a process of its own, as a second desk or a script would make it."""
    from weiquan_desktop.models import close_database, open_database
    from weiquan_desktop.paths import DataDir

    open_database(DataDir(__import__("pathlib").Path(data_dir_root)))
    try:
        auth.authenticate("liu", password)
        return "ok"
    except UserError as exc:
        return str(exc)
    finally:
        close_database()


@pytest.mark.sqlite_only
def test_a_parallel_login_storm_gets_five_guesses_at_most(accounts, data_dir):
    """Forty wrong passwords at once used to leave the failure counter at 1: each attempt read the same count."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(8) as pool:
        answers = pool.starmap(_attempt, [(str(data_dir.root), f"guess-{i}") for i in range(40)])
    checked = [
        a for a in answers if a == auth.WRONG or a.startswith("密码连续输错")
    ]  # a password was checked
    refused = [a for a in answers if "因连续输错密码已锁定" in a]  # refused before any check
    assert len(checked) <= auth.MAX_FAILURES and len(checked) + len(refused) == 40
    with pytest.raises(UserError, match="已锁定"):  # and now even the right password waits
        auth.authenticate("liu", "Liu#station1")


def test_unknown_and_known_names_take_as_long_and_answer_alike(accounts):
    import time

    def timed(name: str) -> tuple[float, str]:
        start = time.perf_counter()
        with pytest.raises(UserError) as caught:
            auth.authenticate(name, "not-the-password")
        return time.perf_counter() - start, str(caught.value)

    known, unknown = timed("wang"), timed("nobody-here")
    assert known[1] == unknown[1]
    assert unknown[0] > 0.5 * known[0]  # the unknown name pays for a scrypt too (it took 4 ms against 520 ms)


def test_a_password_typed_as_the_name_is_not_kept_in_the_audit_log(accounts):
    with pytest.raises(UserError):
        auth.authenticate("Weiquan#2026", "")
    row = AuditLog.select().where(AuditLog.action == "login.failed").order_by(AuditLog.id.desc()).get()
    assert "Weiquan#2026" not in (row.actor or "") + (row.detail or "")
    assert "未知登录名" in row.detail


def test_user_add_never_gives_the_new_account_the_heads_password(tmp_path):
    data = tmp_path / "d"
    first = run_cli(
        "user",
        "add",
        "wang",
        "--role",
        "站长",
        "--full-name",
        "王建国",
        "--data-dir",
        str(data),
        env={"WEIQUAN_PASSWORD": GOOD},
    )
    assert first.returncode == 0, first.stderr
    # only the head's password is in the environment: the new account's must come from its own source
    no_source = run_cli(
        "user",
        "add",
        "liu",
        "--role",
        "工作人员",
        "--data-dir",
        str(data),
        "--user",
        "wang",
        env={"WEIQUAN_PASSWORD": GOOD},
    )
    assert no_source.returncode == 1 and "WEIQUAN_NEW_PASSWORD" in no_source.stderr
    made = run_cli(
        "user",
        "add",
        "liu",
        "--role",
        "工作人员",
        "--full-name",
        "刘子涵",
        "--data-dir",
        str(data),
        "--user",
        "wang",
        env={"WEIQUAN_PASSWORD": GOOD, "WEIQUAN_NEW_PASSWORD": "Counter#2026"},
    )
    assert made.returncode == 0, made.stderr
    as_head = run_cli("check", "--data-dir", str(data), "--user", "liu", env={"WEIQUAN_PASSWORD": GOOD})
    assert as_head.returncode == 1 and "密码不对" in as_head.stderr
    # the initial password works once, to change it
    before = run_cli(
        "check", "--data-dir", str(data), "--user", "liu", env={"WEIQUAN_PASSWORD": "Counter#2026"}
    )
    assert before.returncode == 1 and "user passwd" in before.stderr
    changed = run_cli(
        "user",
        "passwd",
        "--data-dir",
        str(data),
        "--user",
        "liu",
        env={"WEIQUAN_PASSWORD": "Counter#2026", "WEIQUAN_NEW_PASSWORD": "Mine#only2026"},
    )
    assert changed.returncode == 0, changed.stderr
    after = run_cli(
        "audit", "verify", "--data-dir", str(data), "--user", "liu", env={"WEIQUAN_PASSWORD": "Mine#only2026"}
    )
    assert (
        after.returncode == 1 and "没有" in after.stderr
    )  # logged in, but verifying the audit log is for heads
    report = run_cli(
        "report",
        "2026Q4",
        "--json",
        "--data-dir",
        str(data),
        "--user",
        "liu",
        env={"WEIQUAN_PASSWORD": "Mine#only2026"},
    )
    assert report.returncode == 0, report.stderr
