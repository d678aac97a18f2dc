"""Evidence and printed documents kept with a case, stored in the data folder under their SHA-256."""

from __future__ import annotations

import mimetypes
import shutil
from pathlib import Path

from weiquan_desktop.errors import UserError
from weiquan_desktop.fileio import atomic_write, sha256_file
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.db import current_data_dir
from weiquan_desktop.models.schema import Attachment, Record
from weiquan_desktop.paths import DataDir
from weiquan_desktop.services import audit, station
from weiquan_desktop.services.actor import Actor, id_of, name_of

ALLOWED_SUFFIXES = {
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".bmp",
    ".webp",
    ".heic",
    ".pdf",
    ".txt",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".mp3",
    ".m4a",
    ".amr",
    ".wav",
    ".mp4",
}


def stored_path(sha256: str, data_dir: DataDir | None = None) -> Path:
    """attachments/ab/abcdef...: the first two hex digits as a folder keep folders small."""
    return (data_dir or current_data_dir()).attachments / sha256[:2] / sha256


def _store(source: Path, sha: str) -> Path:
    target = stored_path(sha)
    if target.is_file():
        return target  # the same content is kept once
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(target) as tmp:
        shutil.copyfile(source, tmp)
    if sha256_file(target) != sha:  # the source changed while it was copied
        target.unlink(missing_ok=True)
        raise UserError(f"复制文件 {source.name} 时内容发生变化，请重试。")
    return target


def add(
    record_id: int, source: Path, *, purpose: str = "证据", actor: Actor | None = None, audited: bool = True
) -> Attachment:
    """Keep ``source`` with the case. The same content for the same case and purpose is kept once: saving a
    document twice does not add a second, identical copy. ``audited=False``: the caller records the event."""
    source = Path(source)
    if not source.is_file():
        raise UserError(f"找不到文件：{source}")
    if purpose == "证据" and source.suffix.lower() not in ALLOWED_SUFFIXES:
        raise UserError(f"不支持的附件类型：{source.name}。可添加照片、PDF、文档、录音或视频。")
    limit_mb = int(station.setting("attachment_max_mb") or 20)
    size = source.stat().st_size
    if size > limit_mb * 1024 * 1024:
        raise UserError(f"文件 {source.name} 有 {size / 1024 / 1024:.1f} MB，超过附件上限 {limit_mb} MB。")
    if size == 0:
        raise UserError(f"文件 {source.name} 是空文件。")
    record = Record.get_or_none(Record.id == record_id)
    if record is None:
        raise UserError("该记录不存在。")
    sha = sha256_file(source)
    _store(source, sha)
    with write_transaction():
        existing = Attachment.get_or_none(
            Attachment.record == record_id, Attachment.sha256 == sha, Attachment.purpose == purpose
        )
        if existing is not None:
            return existing
        attachment = Attachment.create(
            record=record_id,
            purpose=purpose,
            sha256=sha,
            filename=source.name,
            size=size,
            mime=mimetypes.guess_type(source.name)[0],
            added_by=id_of(actor),
        )
        if audited:
            audit.append(
                "attachment.add",
                actor=name_of(actor),
                entity="record",
                entity_id=record.case_no,
                detail={"文件": source.name, "sha256": sha, "用途": purpose},
            )
    return attachment


def path_of(attachment_id: int) -> Path:
    """The stored file of an attachment, to open it in the system's viewer."""
    attachment = Attachment.get_or_none(Attachment.id == attachment_id)
    if attachment is None:
        raise UserError("该附件记录不存在。")
    return open_path(attachment)


def open_path(attachment: Attachment) -> Path:
    path = stored_path(attachment.sha256)
    if not path.is_file():
        raise UserError(f"附件文件缺失：{attachment.filename}（请运行“检查数据完整性”或从备份恢复）。")
    return path
