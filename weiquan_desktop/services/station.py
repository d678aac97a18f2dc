"""The station profile and its jurisdiction bodies."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime

from weiquan_desktop import domain, validation
from weiquan_desktop.errors import ValidationError
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.schema import Body, Record, Setting, Station
from weiquan_desktop.services import audit, auth
from weiquan_desktop.services.actor import Actor, name_of

# field -> (Chinese label, required)
PROFILE_FIELDS: dict[str, tuple[str, bool]] = {
    "name": ("站点名称", True),
    "code": ("站点编码", True),
    "host_business": ("依托单位", True),
    "address": ("地址", True),
    "phone": ("联系电话", True),
    "body_12315": ("辖区12315机构", True),
    "body_amr": ("辖区市场监管所", True),
    "body_cca": ("消费者协会", False),
    "site_type": ("场所类型", False),
    "hours": ("服务时间", False),
}
BODY_FIELDS = {"body_12315": "12315", "body_amr": "市场监管所", "body_cca": "消协"}


@dataclass
class StationProfile:
    name: str = ""
    code: str = ""
    host_business: str = ""
    address: str = ""
    phone: str = ""
    body_12315: str = ""
    body_amr: str = ""
    body_cca: str = ""
    site_type: str = ""
    hours: str = ""

    def validated(self) -> StationProfile:
        """A cleaned copy; raises ValidationError naming the first bad field."""
        values = {f.name: (getattr(self, f.name) or "").strip() for f in fields(self)}
        for key, (label, needed) in PROFILE_FIELDS.items():
            if needed:
                validation.required(values[key], label)
        values["code"] = validation.station_code(values["code"])
        values["phone"] = validation.phone(values["phone"], "联系电话", allow_service=True)
        if values["site_type"] and values["site_type"] not in domain.SITE_TYPES:
            raise ValidationError(f"“场所类型”应为：{'、'.join(domain.SITE_TYPES)}。", "场所类型")
        return StationProfile(**values)


def is_configured() -> bool:
    return Station.select().exists()


def current() -> Station | None:
    return Station.select().order_by(Station.id).first()


def station_code() -> str:
    station = current()
    if station is None:
        raise ValidationError(
            "尚未填写站点信息，请先在“站点设置”中填写站点名称和编码（命令行：weiquan-desktop station set）。",
            "站点编码",
        )
    return station.code


def body_for(kind: str) -> Body | None:
    return Body.select().where(Body.kind == kind, Body.active).order_by(Body.id).first()


def load_profile() -> StationProfile | None:
    station = current()
    if station is None:
        return None
    profile = StationProfile(
        name=station.name,
        code=station.code,
        host_business=station.host_business,
        address=station.address,
        phone=station.phone,
        site_type=station.site_type or "",
        hours=station.hours or "",
    )
    for attr, kind in BODY_FIELDS.items():
        body = body_for(kind)
        setattr(profile, attr, body.name if body else "")
    return profile


def save_profile(profile: StationProfile, actor: Actor | None = None) -> Station:
    """Create or update the profile and its bodies in one transaction, audited with old -> new. Creating it
    is the first step of a new station; changing it is for its heads."""
    if is_configured():
        auth.require(actor, "edit_rules")
    clean = profile.validated()
    before = load_profile()
    if before is not None and before.code != clean.code and Record.select().exists():
        # every case number begins with it: changing it would mix two codes in one register
        raise ValidationError(f"已有登记记录，站点编码 {before.code} 不能再修改。", "站点编码")
    with write_transaction():
        station = current() or Station()
        for attr in ("name", "code", "host_business", "address", "phone"):
            setattr(station, attr, getattr(clean, attr))
        station.site_type = clean.site_type or None
        station.hours = clean.hours or None
        station.updated_at = datetime.now().replace(microsecond=0)
        station.save()
        for attr, kind in BODY_FIELDS.items():
            name = getattr(clean, attr)
            body = body_for(kind)
            if body is None and name:
                Body.create(kind=kind, name=name)
            elif body is not None and name != body.name:
                if name:
                    body.name = name
                    body.save()
                else:
                    body.active = False
                    body.save()
        if before is None:
            audit.append(
                "station.create",
                actor=name_of(actor),
                entity="station",
                entity_id=station.id,
                detail=asdict(clean),
            )
        else:
            changes = {k: [v, getattr(clean, k)] for k, v in asdict(before).items() if v != getattr(clean, k)}
            if changes:
                audit.append(
                    "station.update",
                    actor=name_of(actor),
                    entity="station",
                    entity_id=station.id,
                    detail=changes,
                )
    return station


def first_setup(
    profile: StationProfile, full_name: str, username: str, password: str, password2: str
) -> Actor:
    """A new station: its profile and its head's account are saved together, or neither."""
    clean = profile.validated()
    validation.required(full_name, "姓名")
    validation.required(username, "登录名")
    if password != password2:
        raise ValidationError("两次输入的密码不一致。", "密码")
    with write_transaction():
        head = auth.create_account(full_name, "站长", username.strip(), password)
        save_profile(clean, actor=head)
    return head


def setting(key: str) -> str:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else domain.SETTING_DEFAULTS.get(key, "")


def wuyou() -> dict[str, dict]:
    """The 五有 checklist: {item: {"ok": bool, "note": str}} for each of domain.WUYOU_ITEMS."""
    import json

    row = current()
    saved = json.loads(row.wuyou or "{}") if row else {}
    return {
        item: {"ok": bool(saved.get(item, {}).get("ok")), "note": saved.get(item, {}).get("note", "")}
        for item in domain.WUYOU_ITEMS
    }


def save_wuyou(items: dict[str, dict], actor: Actor | None = None) -> None:
    import json

    auth.require(actor, "edit_rules")
    row = current()
    if row is None:
        raise ValidationError("请先填写站点信息。", "站点名称")
    clean = {
        item: {
            "ok": bool(items.get(item, {}).get("ok")),
            "note": str(items.get(item, {}).get("note", "")).strip(),
        }
        for item in domain.WUYOU_ITEMS
    }
    before = wuyou()
    with write_transaction():
        Station.update(wuyou=json.dumps(clean, ensure_ascii=False)).where(Station.id == row.id).execute()
        changes = {k: [before[k], v] for k, v in clean.items() if before[k] != v}
        if changes:
            audit.append(
                "station.wuyou", actor=name_of(actor), entity="station", entity_id=row.id, detail=changes
            )


def bodies() -> list[Body]:
    return list(Body.select().where(Body.active).order_by(Body.kind, Body.id))


def save_body(
    kind: str,
    name: str,
    contact: str = "",
    phone: str = "",
    address: str = "",
    *,
    body_id: int | None = None,
    actor: Actor | None = None,
) -> Body:
    """A jurisdiction body with its contact person and phone (shown on referral slips and the notice board)."""
    auth.require(actor, "edit_rules")
    name = validation.required(name, "机构名称")
    if kind not in (*domain.BODY_KINDS, "其他"):
        raise ValidationError(f"机构类别应为：{'、'.join(domain.BODY_KINDS)}、其他。", "机构类别")
    if phone.strip():
        phone = validation.phone(phone, "机构电话", allow_service=True)
    with write_transaction():
        body = Body.get_by_id(body_id) if body_id else Body(kind=kind)
        before = {"名称": body.name, "联系人": body.contact, "电话": body.phone, "地址": body.address}
        body.kind, body.name = kind, name
        body.contact, body.phone, body.address = (
            contact.strip() or None,
            phone.strip() or None,
            address.strip() or None,
        )
        body.save()
        after = {"名称": body.name, "联系人": body.contact, "电话": body.phone, "地址": body.address}
        audit.append(
            "station.body",
            actor=name_of(actor),
            entity="body",
            entity_id=body.id,
            detail={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return body


# preferences a head may change: key -> (label, lowest, highest)
PREFERENCES = {
    "idle_lock_minutes": ("无操作自动锁定（分钟）", 1, 240),
    "attachment_max_mb": ("附件大小上限（MB）", 1, 500),
    "retention_years": ("案件保存期限（年）", 1, 30),
}


def save_preferences(values: dict[str, int], actor: Actor | None = None) -> None:
    auth.require(actor, "edit_rules")
    with write_transaction():
        for key, value in values.items():
            label, low, high = PREFERENCES[key]
            if not low <= int(value) <= high:
                raise ValidationError(f"“{label}”应在 {low} 至 {high} 之间。", label)
            old = setting(key)
            if old != str(int(value)):
                Setting.insert(key=key, value=str(int(value))).on_conflict(
                    conflict_target=[Setting.key], preserve=[Setting.value]
                ).execute()
                audit.append(
                    "settings.change",
                    actor=name_of(actor),
                    entity="setting",
                    entity_id=key,
                    detail={"before": old, "after": str(int(value))},
                )
