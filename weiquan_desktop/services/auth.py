"""Staff accounts: passwords, login with lockout, roles and what each may do.

Passwords are hashed with scrypt (N=2^17, r=8, p=1: OWASP's recommendation) from the standard library,
each with its own salt. There is no default password: the first account is made in the first-run dialog
(or with ``weiquan-desktop user add``) and must be a 站长. A password set by someone else (a head making a
clerk's account) must be changed at that account's first login.

Every rule about who may do what is here (``require``); the services call it, so the window and the command
line cannot differ.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import math
import os
from datetime import datetime, timedelta

from weiquan_desktop import domain, validation
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import Staff
from weiquan_desktop.services import audit
from weiquan_desktop.services.actor import Actor

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
MAX_FAILURES = 5
LOCK_MINUTES = 5
MIN_PASSWORD = 8

# what each role may do beyond registering, mediating and printing the cases it handles
MANAGER = frozenset(
    {
        "manage_staff",
        "edit_rules",
        "unmasked_export",
        "reveal",
        "delete",
        "audit_view",
        "backup",
        "restore",
        "import_ledger",
        "demo",
    }
)
PERMISSIONS: dict[str, frozenset[str]] = {
    "站长": MANAGER,
    "副站长": MANAGER,
    "协调员/联络员": frozenset(),
    "工作人员/和解员": frozenset(),
}
PERMISSION_NAMES = {
    "manage_staff": "管理工作人员",
    "edit_rules": "修改办理时限、节假日和站点设置",
    "unmasked_export": "导出完整个人信息",
    "reveal": "查看完整个人信息",
    "delete": "删除记录",
    "audit_view": "查看和校验审计日志",
    "backup": "备份全部数据",
    "restore": "从备份恢复数据",
    "import_ledger": "导入台账",
    "demo": "生成演示数据",
}
WRONG = f"登录名或密码不对。连续输错 {MAX_FAILURES} 次账号将锁定 {LOCK_MINUTES} 分钟。"


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=256 * 1024 * 1024,
        dklen=32,
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


@functools.cache
def dummy_hash() -> str:
    """Checked against when the login name is unknown, so that an unknown name costs the same scrypt as a
    known one (made at the first login, not at import: it is half a second of the program's start-up)."""
    return hash_password("no such account", salt=b"weiquan-desktop!")


def check_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _scheme, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(
        password.encode("utf-8"),
        salt=base64.b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        maxmem=256 * 1024 * 1024,
        dklen=32,
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def accounts_exist() -> bool:
    return Staff.select().where(Staff.username.is_null(False), Staff.active).exists()


def actor_for(staff: Staff) -> Actor:
    return Actor(
        staff.id,
        staff.name,
        staff.role,
        PERMISSIONS.get(staff.role, frozenset()),
        staff.username,
        bool(staff.must_change_password),
    )


def actor_by_id(staff_id: int | None) -> Actor | None:
    """For a worker process: the same actor the window had (a model instance does not cross processes)."""
    if staff_id is None:
        return None
    staff = Staff.get_or_none(Staff.id == staff_id, Staff.active)
    if staff is None:
        raise UserError("当前登录的账号已停用，操作未执行。")
    return actor_for(staff)


def _check_new_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"密码至少 {MIN_PASSWORD} 位。", "密码")
    if password.lower() == username.lower() or password in ("12345678", "123456789", "password", "11111111"):
        raise ValidationError("密码太容易猜到，请换一个。", "密码")


def create_account(
    name: str,
    role: str,
    username: str,
    password: str,
    *,
    phone: str = "",
    education: str = "",
    actor: Actor | None = None,
) -> Actor:
    """Make a login account (for a new or an existing staff member); returns the account as an actor.

    The very first account is the head's own; any later one is made by a head, and its password, chosen by
    that head, must be changed at its first login."""
    name = validation.required(name, "姓名")
    username = validation.required(username, "登录名")
    if role not in domain.STAFF_ROLES:
        raise ValidationError(f"职务应为：{'、'.join(domain.STAFF_ROLES)}。", "职务")
    first = not accounts_exist()
    if first and role != "站长":
        raise ValidationError("第一个账号须由站长创建。", "职务")
    if not first:
        require(actor, "manage_staff")
    _check_new_password(password, username)
    with write_transaction():
        if Staff.select().where(Staff.username == username).exists():
            raise ValidationError(f"登录名 {username} 已被使用。", "登录名")
        staff = Staff.get_or_none(Staff.name == name, Staff.username.is_null())
        if staff is None:
            staff = Staff(name=name, role=role)
        staff.role, staff.username, staff.password_hash = role, username, hash_password(password)
        staff.phone = phone.strip() or staff.phone
        staff.education = education or staff.education
        staff.password_changed_at = datetime.now().replace(microsecond=0)
        staff.must_change_password = not first
        staff.failed_logins, staff.locked_until = 0, None
        staff.save()
        audit.append(
            "user.create",
            actor=actor.name if actor else name,
            entity="staff",
            entity_id=staff.id,
            detail={"登录名": username, "职务": role},
        )
    return actor_for(staff)


def _fingerprint(text: str) -> str:
    """What the audit log keeps of a login name that matched no account: a password typed into the name
    field must not stay in an append-only log for ever."""
    return f"未知登录名（{len(text)} 个字符，摘要 {hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}）"


def authenticate(username: str, password: str, *, now: datetime | None = None) -> Actor:
    """The account as an actor, or UserError; five failures lock the account for a few minutes.

    Each attempt is counted before its password is checked, in a transaction that holds the write lock: of
    any number of attempts made at once, only the first five get a password check. An unknown name costs the
    same scrypt as a known one and gets the same answer."""
    now = (now or datetime.now()).replace(microsecond=0)
    typed = (username or "").strip()
    staff = Staff.get_or_none(Staff.username == typed, Staff.active)
    if staff is None:
        check_password(password, dummy_hash())
        audit.log("login.failed", detail={"原因": "无此账号", "登录名": _fingerprint(typed)})
        raise UserError(WRONG)
    with write_transaction():
        failures, locked_until = (
            Staff.select(Staff.failed_logins, Staff.locked_until).where(Staff.id == staff.id).tuples().get()
        )
        locked = (locked_until is not None and locked_until > now) or failures >= MAX_FAILURES
        if not locked:
            Staff.update(failed_logins=Staff.failed_logins + 1).where(Staff.id == staff.id).execute()
    if locked:
        until = (
            locked_until
            if locked_until is not None and locked_until > now
            else now + timedelta(minutes=LOCK_MINUTES)
        )
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        raise UserError(f"账号 {typed} 因连续输错密码已锁定，请 {minutes} 分钟后再试。")
    if not check_password(password, staff.password_hash):
        with write_transaction():
            failures = Staff.select(Staff.failed_logins).where(Staff.id == staff.id).scalar()
            lock = failures >= MAX_FAILURES
            if lock:
                Staff.update(failed_logins=0, locked_until=now + timedelta(minutes=LOCK_MINUTES)).where(
                    Staff.id == staff.id
                ).execute()
            audit.append(
                "login.failed",
                actor=staff.name,
                entity="staff",
                entity_id=staff.id,
                detail={"连续失败": failures, "锁定": lock},
            )
        if lock:
            raise UserError(f"密码连续输错 {MAX_FAILURES} 次，账号已锁定 {LOCK_MINUTES} 分钟。")
        raise UserError(WRONG)
    with write_transaction():
        Staff.update(failed_logins=0, locked_until=None).where(Staff.id == staff.id).execute()
        audit.append("login", actor=staff.name, entity="staff", entity_id=staff.id)
    return actor_for(Staff.get_by_id(staff.id))


def change_password(actor: Actor, old: str, new: str) -> Actor:
    """One's own password; returns the actor, no longer asked to change it."""
    staff = Staff.get_or_none(Staff.id == actor.id, Staff.active) if actor is not None else None
    if staff is None:
        raise UserError("只有已登录的账号可以修改自己的密码。")
    if not check_password(old, staff.password_hash):
        raise ValidationError("原密码不对。", "原密码")
    _check_new_password(new, staff.username or "")
    if hmac.compare_digest(old, new):
        raise ValidationError("新密码不能与原密码相同。", "新密码")
    with write_transaction():
        Staff.update(
            password_hash=hash_password(new),
            password_changed_at=datetime.now().replace(microsecond=0),
            must_change_password=False,
        ).where(Staff.id == staff.id).execute()
        audit.append("user.password", actor=staff.name, entity="staff", entity_id=staff.id)
    return actor_for(Staff.get_by_id(staff.id))


def can(actor: Actor | None, permission: str) -> bool:
    """Without accounts (a new station) everything is allowed; with accounts, by role."""
    if actor is None:
        return not accounts_exist()
    return actor.can(permission)


def require(actor: Actor | None, permission: str) -> None:
    if not can(actor, permission):
        who = actor.label if actor is not None else "未登录的用户"
        raise UserError(
            f"{who}没有“{PERMISSION_NAMES.get(permission, permission)}”的权限，请由站长或副站长操作。"
        )
