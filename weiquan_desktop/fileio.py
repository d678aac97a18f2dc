"""Writing files so that a failure never leaves a truncated file in place of a good one."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from weiquan_desktop.errors import UserError


def describe_os_error(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法写入 {path}。"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有写入权限（或磁盘为只读）：{path}。"
    if exc.errno in (errno.ENOENT, errno.ENODEV, errno.EIO):
        return f"无法写入 {path}：文件夹不存在或U盘已拔出。"
    return f"无法写入 {path}：{exc.strerror or exc}。"


@contextlib.contextmanager
def atomic_write(dest: Path, *, durable: bool = True, private: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; on success flush it to disk and rename it over ``dest``.

    On any failure the temporary file is removed and ``dest`` (if it existed) is left as it was. OSErrors
    become a UserError that says what and where in Chinese. ``durable=False`` skips the flush (for files the
    database can rebuild); ``private`` makes the file readable by its owner only (it holds personal data).
    """
    dest = Path(dest)
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        if not dest.parent.is_dir():
            raise FileNotFoundError(errno.ENOENT, "no such folder", str(dest.parent))
        yield tmp
        if private:
            with contextlib.suppress(OSError):
                os.chmod(tmp, 0o600)
        if durable:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        replace(tmp, dest)
        with contextlib.suppress(OSError):  # make the rename itself durable where the OS allows it
            fd = os.open(dest.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    except FileInUse:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise UserError(describe_os_error(exc, dest)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def replace(source: Path, dest: Path) -> None:
    """os.replace, saying in Chinese when Windows refuses because the target is open in another program
    (Excel, WPS, a PDF viewer): the old file stays as it was."""
    try:
        os.replace(source, dest)
    except PermissionError as exc:
        # the new file was just written beside the old one, so the folder is writable: on Windows a refusal
        # now means the old file is open elsewhere (Excel keeps it open without delete sharing) or read-only
        if os.name == "nt" and Path(dest).exists():
            if not os.access(dest, os.W_OK):
                raise UserError(f"文件 {dest} 是只读文件，无法替换；原文件没有改动。") from exc
            raise FileInUse(dest) from exc
        raise


class FileInUse(UserError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"文件 {path} 正在被其他程序打开（如 Excel、WPS 或 PDF 阅读器），无法替换。"
            "请关闭该文件后再试；原文件没有改动。"
        )


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks (attachments can be large videos)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
