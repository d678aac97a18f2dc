"""Staff accounts: passwords, login with lockout, roles and what each may do.

Passwords are hashed with scrypt (N=2^17, r=8, p=1: OWASP's recommendation) from the standard library,
each with its own salt. There is no default password: the first account is made in the first-run dialog
(or with ``weiquan-desktop user add``) and must be a 站长.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import datetime, timedelta

from weiquan_desktop import domain, validation
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import Staff
from weiquan_desktop.services import audit

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
MAX_FAILURES = 5
LOCK_MINUTES = 5
MIN_PASSWORD = 8

# what each role may do beyond registering, mediating and printing
MANAGER = frozenset({"manage_staff", "edit_rules", "unmasked_export", "reveal", "delete", "audit_view"})
PERMISSIONS: dict[str, frozenset[str]] = {
    "站长": MANAGER, "副站长": MANAGER, "协调员/联络员": frozenset(), "工作人员/和解员": frozenset(),
}
PERMISSION_NAMES = {"manage_staff": "管理工作人员", "edit_rules": "修改办理时限和节假日", "unmasked_export": "导出完整个人信息",
                    "reveal": "查看完整个人信息", "delete": "删除记录", "audit_view": "查看审计日志"}


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=256 * 1024 * 1024, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _scheme, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                               maxmem=256 * 1024 * 1024, dklen=32)
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def accounts_exist() -> bool:
    return Staff.select().where(Staff.username.is_null(False), Staff.active).exists()


def _check_new_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"密码至少 {MIN_PASSWORD} 位。", "密码")
    if password.lower() == username.lower() or password in ("12345678", "123456789", "password", "11111111"):
        raise ValidationError("密码太容易猜到，请换一个。", "密码")


def create_account(name: str, role: str, username: str, password: str, *, phone: str = "", education: str = "",
                   actor: Staff | None = None) -> Staff:
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
        staff.save()
        audit.append("user.create", actor=actor.name if actor else name, entity="staff", entity_id=staff.id,
                     detail={"登录名": username, "职务": role})
    return staff


def authenticate(username: str, password: str, *, now: datetime | None = None) -> Staff:
    """The staff member, or UserError; five failures lock the account for a few minutes."""
    now = (now or datetime.now()).replace(microsecond=0)
    staff = Staff.get_or_none(Staff.username == (username or "").strip(), Staff.active)
    if staff is None:
        audit.log("login.failed", actor=username, detail={"原因": "无此账号"})
        raise UserError("登录名或密码不对。")
    if staff.locked_until and staff.locked_until > now:
        minutes = max(1, int((staff.locked_until - now).total_seconds() // 60) + 1)
        raise UserError(f"账号 {username} 因连续输错密码已锁定，请 {minutes} 分钟后再试。")
    if not check_password(password, staff.password_hash):
        with write_transaction():
            failures = staff.failed_logins + 1
            locked = now + timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
            Staff.update(failed_logins=0 if locked else failures, locked_until=locked).where(Staff.id == staff.id).execute()
            audit.append("login.failed", actor=username, entity="staff", entity_id=staff.id,
                         detail={"连续失败": failures, "锁定": bool(locked)})
        if locked:
            raise UserError(f"密码连续输错 {MAX_FAILURES} 次，账号已锁定 {LOCK_MINUTES} 分钟。")
        raise UserError(f"登录名或密码不对（还可再试 {MAX_FAILURES - failures} 次）。")
    with write_transaction():
        Staff.update(failed_logins=0, locked_until=None).where(Staff.id == staff.id).execute()
        audit.append("login", actor=staff.name, entity="staff", entity_id=staff.id)
    return Staff.get_by_id(staff.id)


def change_password(staff: Staff, old: str, new: str) -> None:
    if not check_password(old, Staff.get_by_id(staff.id).password_hash):
        raise ValidationError("原密码不对。", "原密码")
    _check_new_password(new, staff.username or "")
    with write_transaction():
        Staff.update(password_hash=hash_password(new), password_changed_at=datetime.now().replace(microsecond=0)).where(
            Staff.id == staff.id).execute()
        audit.append("user.password", actor=staff.name, entity="staff", entity_id=staff.id)


def can(staff: Staff | None, permission: str) -> bool:
    """Without accounts (a fresh station) everything is allowed; with accounts, by role."""
    if staff is None:
        return not accounts_exist()
    return permission in PERMISSIONS.get(staff.role, frozenset())


def require(staff: Staff | None, permission: str) -> None:
    if not can(staff, permission):
        who = f"{staff.name}（{staff.role}）" if staff else "未登录的用户"
        raise UserError(f"{who}没有“{PERMISSION_NAMES.get(permission, permission)}”的权限，请由站长操作。")
