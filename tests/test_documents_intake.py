import hashlib
import shutil
import subprocess

import pytest
from helpers import pdf_text, run_cli

from weiquan_desktop.errors import UserError
from weiquan_desktop.models.schema import Attachment, AuditLog
from weiquan_desktop.services import attachments, demo, health, intake, printing, station


@pytest.fixture
def complaint(db):
    station.save_profile(demo.DEMO_PROFILE)
    return intake.register(
        intake.IntakeForm(
            kind="投诉",
            source="来访",
            complainant_name="欧阳喆",
            phone="13812345678",
            id_number="11010519491231002X",
            address="内蒙古自治区鄂尔多斯市东胜区天骄北路1号",
            respondent_name="周大福珠宝",
            category="首饰及文体用品类",
            item="金手镯",
            nature="计量",
            amount="8888.00",
            facts="金重与标签不符。" * 40,
            demands=["退货", "赔偿"],
        )
    )


def _text(pdf):
    return pdf_text(pdf)


def test_intake_record_is_the_full_original_and_is_kept(complaint, tmp_path):
    out = printing.intake_record(complaint.case_no, tmp_path / "登记表.pdf")
    text = _text(out)
    assert "投诉登记表" in text and complaint.case_no in text
    assert "欧阳喆" in text and "13812345678" in text  # the consumer signs the complete record
    assert "投诉人（签字）" in text and "经办人（签字）" in text
    assert "周大福珠宝" in text and "8,888.00" in text
    if shutil.which("pdffonts"):  # poppler's (Linux, CI): the font is embedded, as a subset
        fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
        assert "WenQuanYiMicroHei" in fonts and "yes yes" in fonts
    kept = Attachment.get(Attachment.record == complaint.id, Attachment.purpose == "文书")
    assert kept.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert (
        AuditLog.select().where(AuditLog.action == "document.save").count() == 1
    )  # saved, not printed on paper


def test_a_masked_copy_and_reproducible_prints(complaint, tmp_path):
    first = printing.intake_record(complaint.case_no, tmp_path / "a.pdf", keep=False, masked=True)
    second = printing.intake_record(complaint.case_no, tmp_path / "b.pdf", keep=False, masked=True)
    text = _text(first)
    assert "欧**" in text and "138****5678" in text and "13812345678" not in text
    assert first.read_bytes() == second.read_bytes()


def test_attachments_are_stored_by_hash_limited_and_checked(complaint, data_dir, tmp_path):
    photo = tmp_path / "小票.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"receipt" * 1000)
    first = attachments.add(complaint.id, photo)
    again = attachments.add(complaint.id, photo)  # the same photo added twice is kept once
    stored = attachments.stored_path(first.sha256)
    assert stored.is_file() and stored.read_bytes() == photo.read_bytes()
    assert first.id == again.id and len(list(data_dir.attachments.rglob("*"))) == 2  # one folder, one file
    big = tmp_path / "video.mp4"
    big.write_bytes(b"\0" * (21 * 1024 * 1024))
    with pytest.raises(UserError, match="超过附件上限"):
        attachments.add(complaint.id, big)
    program = tmp_path / "run.exe"
    program.write_bytes(b"MZ")
    with pytest.raises(UserError, match="不支持的附件类型"):
        attachments.add(complaint.id, program)
    assert Attachment.select().count() == 1
    assert health.check(data_dir).ok
    stored.write_bytes(b"tampered")
    report = health.check(data_dir)
    assert not report.ok and any("小票.jpg" in p for p in report.problems)


def test_print_command(tmp_path):
    data = tmp_path / "d"
    assert run_cli("demo", "--data-dir", str(data), "--records", "20").returncode == 0
    import sqlite3

    case_no = (
        sqlite3.connect(data / "weiquan.sqlite3")
        .execute("SELECT case_no FROM record WHERE kind='投诉' LIMIT 1")
        .fetchone()[0]
    )
    out = tmp_path / "intake.pdf"
    result = run_cli("print", "intake", case_no, "--out", str(out), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    missing = run_cli("print", "intake", "NOPE-2026-00001", "--out", str(out), "--data-dir", str(data))
    assert missing.returncode == 1 and "找不到案件编号" in missing.stderr
