"""Realistic demo data: a shopping mall's station with tenants, staff and records over several quarters.

Used by ``weiquan-desktop demo``, by the tests and by the benchmarks (200,000 records), so it writes in
batches inside one transaction: a demo run is committed whole or not at all.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from weiquan_desktop import domain
from weiquan_desktop.domain import Decision, Kind, Source, State
from weiquan_desktop.errors import UserError
from weiquan_desktop.models import write_transaction
from weiquan_desktop.models.migrations import NOTICES_SINCE_KEY
from weiquan_desktop.models.schema import (
    Activity,
    ActivityStaff,
    BaseModel,
    Business,
    CaseNotice,
    MediationSession,
    Record,
    Referral,
    ReturnVisit,
    Setting,
    SettlementTerm,
    Staff,
    TransferFeedback,
    database_proxy,
)
from weiquan_desktop.services import audit, deadlines, numbering, station
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.text import initials, search_text
from weiquan_desktop.validation import ID_CHECK, ID_WEIGHTS

DEMO_PROFILE = station.StationProfile(
    name="万象汇购物中心12315消费维权服务站",
    code="WXH01",
    host_business="万象汇购物中心",
    address="内蒙古自治区鄂尔多斯市东胜区天骄北路88号万象汇一楼服务台",
    phone="0477-8512315",
    body_12315="鄂尔多斯市东胜区12315投诉举报中心",
    body_amr="东胜区市场监督管理局天骄市场监管所",
    body_cca="东胜区消费者协会",
    site_type="商场",
    hours="每日 10:00-22:00",
)

# name, booth, category, typical items
TENANTS = (
    ("苏宁易购东胜万象汇店", "B1-01", "家用电子电器类", ("空调", "洗衣机", "冰箱", "电视机", "热水器")),
    ("华为授权体验店", "1F-12", "家用电子电器类", ("手机", "平板电脑", "智能手表", "蓝牙耳机")),
    ("小米之家", "1F-15", "家用电子电器类", ("手机", "扫地机器人", "电饭煲", "空气净化器")),
    ("优衣库", "2F-01", "服装鞋帽类", ("羽绒服", "牛仔裤", "衬衫", "T恤")),
    ("海澜之家", "2F-08", "服装鞋帽类", ("西装", "夹克", "皮带")),
    ("李宁运动", "3F-03", "服装鞋帽类", ("跑鞋", "运动服", "篮球鞋")),
    ("安踏体育", "3F-05", "服装鞋帽类", ("运动鞋", "卫衣", "运动裤")),
    ("周大福珠宝", "1F-02", "首饰及文体用品类", ("金手镯", "钻石戒指", "黄金项链")),
    ("老凤祥银楼", "1F-03", "首饰及文体用品类", ("金条", "银饰", "玉坠")),
    ("屈臣氏", "1F-20", "日用商品类", ("面霜", "洗发水", "防晒霜", "面膜")),
    ("名创优品", "2F-20", "日用商品类", ("保温杯", "香水", "毛绒玩具")),
    ("永辉超市", "B1-10", "食品类", ("牛奶", "鲜肉", "进口饼干", "速冻水饺", "水果")),
    ("麦当劳", "1F-30", "食品类", ("汉堡套餐", "儿童套餐")),
    ("肯德基", "1F-31", "食品类", ("全家桶", "早餐套餐")),
    ("海底捞火锅", "5F-01", "生活、社会服务类", ("火锅套餐", "储值卡")),
    ("星巴克咖啡", "1F-33", "烟、酒和饮料类", ("咖啡", "星礼卡")),
    ("喜茶", "1F-35", "烟、酒和饮料类", ("奶茶", "果茶")),
    ("名酒汇烟酒行", "1F-40", "烟、酒和饮料类", ("白酒", "红酒", "礼盒装茶叶")),
    ("万达影城", "6F-01", "文化、娱乐、体育服务", ("电影票", "会员卡", "爆米花套餐")),
    ("金逸健身", "6F-10", "文化、娱乐、体育服务", ("健身年卡", "私教课程")),
    ("孩子王母婴店", "4F-01", "日用商品类", ("奶粉", "婴儿推车", "纸尿裤")),
    ("大参林药房", "1F-50", "医药及医疗用品类", ("血压计", "感冒药", "保健品")),
    ("中国移动营业厅", "1F-60", "电信服务", ("宽带套餐", "手机卡", "合约机")),
    ("美年大健康体检", "4F-20", "卫生保健服务", ("体检套餐",)),
    ("新东方培训学校", "4F-30", "教育培训服务", ("英语课程", "少儿编程课")),
    ("欧派整体家居", "3F-30", "房屋及建材类", ("整体橱柜", "衣柜定制")),
    ("途牛旅游门店", "4F-40", "旅游服务", ("跟团游", "机票酒店套餐")),
    ("丽人美容美发", "4F-50", "生活、社会服务类", ("烫发", "美容卡", "美甲")),
    ("京东家电专卖店", "B1-05", "家用电子电器类", ("油烟机", "燃气灶", "笔记本电脑")),
    ("万象汇物业服务中心", "B2-01", "房屋装修及物业服务类", ("停车服务", "寄存服务")),
    ("吉利汽车4S店", "广场东侧", "交通工具类", ("新能源汽车", "汽车保养")),
    ("工商银行万象汇支行", "1F-70", "金融服务", ("理财产品", "信用卡")),
)
PROBLEMS = {
    "家用电子电器类": ("开机后无法正常使用", "屏幕出现亮线", "不制冷", "漏水", "频繁死机", "安装后出现异响"),
    "服装鞋帽类": ("第一次洗涤后严重掉色", "穿着一周后开胶", "面料起球", "尺码与标注不符", "拉链损坏"),
    "首饰及文体用品类": ("金重与标签不符", "佩戴后变色", "证书与实物不符"),
    "日用商品类": ("使用后皮肤过敏", "临近保质期未告知", "外包装破损", "赠品未兑现"),
    "食品类": ("发现异物", "已过保质期", "食用后腹泻", "标签缺失生产日期", "短斤少两"),
    "烟、酒和饮料类": ("疑似假冒", "饮品中有异物", "储值卡余额被清零"),
    "医药及医疗用品类": ("测量数据不准", "宣传功效与实际不符"),
    "交通工具类": ("交车时发现漆面划痕", "保养后故障灯亮", "收取不合理费用"),
    "房屋及建材类": ("安装尺寸错误", "板材有异味", "延期交付"),
}
SERVICE_PROBLEMS = (
    "商家拒绝退还预付费余额",
    "服务与宣传不符",
    "收费未明码标价",
    "服务态度恶劣",
    "合同条款不公平",
    "擅自变更服务内容",
    "门店停业无法消费",
)
NATURE_BY_PROBLEM = {
    "质量": (
        "无法",
        "亮线",
        "不制冷",
        "漏水",
        "死机",
        "异响",
        "掉色",
        "开胶",
        "起球",
        "拉链",
        "变色",
        "过敏",
        "异物",
        "腹泻",
        "不准",
        "划痕",
        "故障",
        "异味",
    ),
    "计量": ("金重", "短斤"),
    "安全": ("保质期",),
    "假冒": ("假冒",),
    "虚假宣传": ("宣传", "证书"),
    "价格": ("明码标价", "不合理费用"),
    "合同": ("合同", "延期", "变更", "尺码", "余额", "停业"),
    "人格尊严": ("态度",),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强海燕雪梅晓东玉兰春梅淑珍子涵浩然欣怡梓萱宇轩一诺雨桐思远佳琪嘉豪婷婷文博俊杰丹丹喆堃"
AREAS = ("150602", "150603", "150621", "110105", "440524", "320102", "510104", "610113", "130102", "370202")
STREETS = (
    "东胜区鄂尔多斯西街",
    "东胜区天骄北路",
    "康巴什区青春山路",
    "东胜区伊煤路",
    "达拉特旗树林召镇",
    "伊金霍洛旗阿勒腾席热镇",
)
CONSULT_TOPICS = (
    "网购商品七日无理由退货的条件",
    "预付卡商家跑路如何维权",
    "商品三包期限怎么计算",
    "发票丢失能否保修",
    "经营者拒绝开具发票",
    "食品过期能否要求十倍赔偿",
    "停车场收费标准",
    "会员卡余额能否退还",
)
REPORT_CLUES = (
    "疑似销售假冒注册商标白酒",
    "无证经营美容项目",
    "虚构原价进行促销",
    "销售过期食品",
    "强制搭售商品",
)
SUGGESTIONS = (
    "建议商场增加母婴室",
    "建议延长停车免费时间",
    "建议超市增设无障碍通道",
    "建议增加退换货指引公示",
)


def _weighted(rng: random.Random, choices: dict[str, float]) -> str:
    return rng.choices(list(choices), weights=list(choices.values()))[0]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def resident_id(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
    body = f"{rng.choice(AREAS)}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK[total % 11]


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(0, 10**9):09d}"


def _working_time(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randrange(10, 21), rng.randrange(60), rng.randrange(60)))


DEMO_ACTOR = Actor(None, "演示数据", None, frozenset())


def ensure_station() -> None:
    """A demo station, never a real one: invented cases would take the station's real case numbers and count
    in its statistics."""
    profile = station.load_profile()
    if profile is None:
        if Record.select().exists():
            raise UserError(
                "这个数据文件夹已有登记记录，不能在其中生成演示数据。请另选一个空的数据文件夹（--data-dir）。"
            )
        station.save_profile(DEMO_PROFILE, actor=DEMO_ACTOR)
    elif profile.code != DEMO_PROFILE.code or profile.name != DEMO_PROFILE.name:
        raise UserError(
            f"这是真实站点“{profile.name}”的数据，不能在其中生成演示数据。"
            "请另选一个空的数据文件夹（--data-dir）。"
        )


def _ensure_tenants_and_staff() -> tuple[list[Business], list[Staff]]:
    businesses = list(Business.select().order_by(Business.id))
    if not businesses:
        for name, booth, *_ in TENANTS:
            Business.create(
                name=name,
                booth=booth,
                initials=initials(name),
                contact=None,
                phone=f"0477-85{random.Random(name).randrange(10**5):05d}",
            )
        businesses = list(Business.select().order_by(Business.id))
    # the demo team, beside whatever accounts the station already has (a head alone could not be sampled twice)
    for name, role, edu in (
        ("王建国", "站长", "本科"),
        ("李淑珍", "副站长", "大专"),
        ("张海燕", "协调员/联络员", "高中"),
        ("刘子涵", "工作人员/和解员", "本科"),
    ):
        if not Staff.select().where(Staff.name == name).exists():
            Staff.create(name=name, role=role, education=edu, phone=mobile(random.Random(name)))
    return businesses, list(Staff.select().where(Staff.active).order_by(Staff.id))


def generate(
    records: int = 500,
    seed: int = 2026,
    *,
    start: date | None = None,
    end: date | None = None,
    actor: Actor | None = None,
) -> int:
    """Add ``records`` demo records received between ``start`` and ``end`` (defaults: 2025-01-01..today),
    into a demo station only, and once it has accounts, by one of its heads."""
    from weiquan_desktop.services import auth

    auth.require(actor, "demo")
    rng = random.Random(seed)
    end = end or date.today()
    start = start or min(date(2025, 1, 1), end)
    now = datetime.now().replace(microsecond=0)
    ensure_station()
    with write_transaction():
        code = station.station_code()
        businesses, staff = _ensure_tenants_and_staff()
        tenant_info = {name: (cat, items) for name, _b, cat, items in TENANTS}
        days = (end - start).days + 1
        received = sorted(
            _working_time(rng, start + timedelta(days=rng.randrange(days))) for _ in range(records)
        )
        received = sorted(r if r <= now else now - timedelta(minutes=rng.randrange(1, 600)) for r in received)
        by_year: dict[int, list[str]] = {}
        for year in sorted({r.year for r in received}):
            count = sum(1 for r in received if r.year == year)
            by_year[year] = numbering.allocate(code, year, count)
        cursor = dict.fromkeys(by_year, 0)
        batch: list[dict] = []
        extras: list[tuple[int, dict]] = []  # (index in the run, extra rows to add once ids are known)
        for index, when in enumerate(received):
            case_no = by_year[when.year][cursor[when.year]]
            cursor[when.year] += 1
            row, extra = _record_row(rng, when, now, case_no, businesses, staff, tenant_info)
            row["search_text"] = search_text(
                case_no=case_no,
                name=row.get("complainant_name"),
                phone=row.get("phone"),
                respondent=row.get("respondent_name"),
                item=row.get("item"),
                facts=row.get("facts"),
                external_no=row.get("external_no"),
                id_number=row.get("id_number"),
            )
            batch.append(row)
            if extra:
                extras.append((index, extra))
        ids: list[int] = []
        for chunk in _chunks(_uniform(Record, batch), 500):
            ids.extend(row[0] for row in Record.insert_many(chunk).returning(Record.id).tuples().execute())
        _insert_extras(rng, ids, extras, staff)
        _notices(rng, ids, staff)
        _activities(rng, start, end, staff)
        # the demo's notices are on record from its first day (services.duties)
        Setting.insert(key=NOTICES_SINCE_KEY, value=start.isoformat()).on_conflict(
            conflict_target=[Setting.key], preserve=[Setting.value]
        ).execute()
        deadlines.refresh_records()  # every record's duties too (services.duties.store)
        audit.append("demo.generate", actor=DEMO_ACTOR.name, detail={"records": records, "seed": seed})
    database_proxy.obj.execute_sql("ANALYZE")  # statistics for the planner after a bulk load
    return records


def _chunks(rows: list[dict], size: int) -> Iterator[list[dict]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _uniform(model: type[BaseModel], rows: list[dict]) -> list[dict]:
    """insert_many takes its columns from the first row: give every row the same keys, with defaults."""
    keys = list(dict.fromkeys(k for row in rows for k in row))
    fields = model._meta.fields
    defaults = {}
    for key in keys:
        default = fields[key].default
        defaults[key] = default() if callable(default) else default
    return [{k: row.get(k, defaults[k]) for k in keys} for row in rows]


def _record_row(
    rng: random.Random,
    when: datetime,
    now: datetime,
    case_no: str,
    businesses: list[Business],
    staff: list[Staff],
    tenant_info: dict,
) -> tuple[dict, dict]:
    kind = _weighted(rng, {Kind.CONSULTATION: 35, Kind.COMPLAINT: 50, Kind.REPORT: 7, Kind.SUGGESTION: 8})
    business = rng.choice(businesses)
    category, items = tenant_info.get(business.name, ("其他类", ("其他商品",)))
    item = rng.choice(items)
    handler = rng.choice(staff)
    name = person_name(rng)
    row: dict = {
        "case_no": case_no,
        "kind": kind,
        "received_at": when,
        "handler": handler.id,
        "complainant_name": name,
        "phone": mobile(rng),
        "created_at": when,
        "updated_at": when,
    }
    extra: dict = {}
    age = now - when
    if kind == Kind.COMPLAINT:
        source = _weighted(
            rng,
            {
                Source.WALK_IN: 45,
                Source.PHONE: 25,
                Source.ONLINE: 10,
                Source.LETTER: 2,
                Source.CENTER_12315: 13,
                Source.BUREAU: 3,
                Source.OTHER: 2,
            },
        )
        problems = PROBLEMS.get(category, SERVICE_PROBLEMS)
        problem = rng.choice(problems)
        nature = next((n for n, keys in NATURE_BY_PROBLEM.items() if any(k in problem for k in keys)), "其他")
        amount = (
            Decimal(rng.choice((29, 59, 99, 168, 299, 399, 688, 1299, 2599, 3999, 6800)))
            + Decimal(rng.randrange(0, 100)) / 100
        )
        demands = rng.sample(("退货", "换货", "维修", "退款", "赔偿"), rng.choice((1, 1, 2)))
        bought = (when - timedelta(days=rng.randrange(1, 90))).date()
        row.update(
            {
                "source": source,
                "id_type": "居民身份证",
                "id_number": resident_id(rng),
                "address": f"{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
                "respondent": business.id,
                "respondent_name": business.name,
                "category": category,
                "category_group": domain.category_group(category),
                "item": item,
                "nature": nature,
                "purchase_date": bought,
                "amount": amount,
                "place": business.booth,
                "facts": f"消费者于{bought:%Y年%m月%d日}在{business.name}购买{item}，价格{amount}元，{problem}，"
                f"与商家协商未果，前来投诉。",
                "demands": domain.DEMAND_SEPARATOR.join(demands),
                "is_group": rng.random() < 0.01,
            }
        )
        if source in domain.TRANSFER_SOURCES:
            row["external_no"] = (
                f"{'ODR' if rng.random() < 0.3 else 'GS'}{when:%Y%m%d}{rng.randrange(10**6):06d}"
            )
        _complaint_progress(rng, row, when, now, age, amount, category, handler, extra)
    elif kind == Kind.CONSULTATION:
        topic = rng.choice(CONSULT_TOPICS)
        row.update(
            {
                "source": _weighted(rng, {Source.WALK_IN: 50, Source.PHONE: 40, Source.ONLINE: 10}),
                "facts": f"消费者咨询：{topic}。",
                "category": category,
                "category_group": domain.category_group(category),
            }
        )
        if age > timedelta(days=2) or rng.random() < 0.8:
            row.update(
                {
                    "state": State.ANSWERED,
                    "answer": f"已向消费者解释{topic}的相关规定，并告知维权途径。",
                    "closed_at": when + timedelta(minutes=rng.randrange(5, 40)),
                }
            )
        else:
            row.update({"state": State.AWAITING_REPLY, "reply_due": when + timedelta(days=1)})
    elif kind == Kind.REPORT:
        clue = rng.choice(REPORT_CLUES)
        row.update(
            {
                "source": _weighted(
                    rng, {Source.WALK_IN: 40, Source.PHONE: 40, Source.ONLINE: 15, Source.LETTER: 5}
                ),
                "respondent": business.id,
                "respondent_name": business.name,
                "clues": clue,
                "facts": f"举报人反映{business.name}{clue}。",
                "anonymous": rng.random() < 0.3,
            }
        )
        if row["anonymous"]:
            row.update({"complainant_name": None, "phone": None})
        if age > timedelta(days=3) and rng.random() < 0.85:
            row.update(
                {"state": State.REFERRED, "closed_at": when + timedelta(days=rng.randrange(0, 3), hours=2)}
            )
            extra["referral"] = {"reason": "涉嫌违法线索", "at": row["closed_at"]}
        else:
            row["state"] = State.REGISTERED
    else:
        text = rng.choice(SUGGESTIONS)
        row.update(
            {
                "source": _weighted(rng, {Source.WALK_IN: 60, Source.ONLINE: 30, Source.LETTER: 10}),
                "facts": text,
            }
        )
        if age > timedelta(days=5):
            row.update({"state": State.CONCLUDED, "closed_at": when + timedelta(days=rng.randrange(1, 5))})
        else:
            row["state"] = State.REGISTERED
    if row.get("closed_at") and row["closed_at"] > now:
        row["closed_at"] = now
    return row, extra


def _complaint_progress(
    rng: random.Random,
    row: dict,
    when: datetime,
    now: datetime,
    age: timedelta,
    amount: Decimal,
    category: str,
    handler: Staff,
    extra: dict,
) -> None:
    if age < timedelta(days=2) and rng.random() < 0.5:
        row["state"] = State.PENDING
        return
    decided = min(when + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5, 9)), hours=rng.randrange(1, 5)), now)
    if rng.random() < 0.08:
        row.update(
            {
                "decision": Decision.REJECTED,
                "decided_at": decided,
                "state": State.REJECTED,
                "closed_at": decided,
                "rejection_ground": rng.choice(domain.REJECTION_GROUNDS[2:5]),
            }
        )
        return
    row.update({"decision": Decision.ACCEPTED, "decided_at": decided})
    if age < timedelta(days=20) and rng.random() < 0.6:
        row["state"] = State.MEDIATING
        extra["sessions"] = _session_times(decided, now, 1)
        return
    outcome = _weighted(
        rng,
        {State.SETTLED: 70, State.TERMINATED: 10, State.WITHDRAWN: 6, State.REFERRED: 8, State.MEDIATING: 6},
    )
    row["state"] = outcome
    extra["sessions"] = _session_times(decided, now, rng.choice((1, 1, 2)))
    if outcome == State.MEDIATING:
        return
    closed = min(decided + timedelta(days=rng.randrange(1, 30), hours=rng.randrange(0, 6)), now)
    row["closed_at"] = closed
    row["satisfaction"] = _weighted(rng, {"满意": 60, "基本满意": 20, "不满意": 5, "未回访": 15})
    if outcome == State.SETTLED:
        term = rng.choice(("退货", "换货", "维修", "退款", "赔偿"))
        recovered = (amount * Decimal(rng.choice(("1", "1", "0.5", "0.8")))).quantize(Decimal("0.01"))
        if term in ("维修", "换货"):
            recovered = Decimal("0.00") if rng.random() < 0.3 else recovered
        row.update({"recovered_amount": recovered, "settlement": f"{row['respondent_name']}为消费者{term}。"})
        extra["term"] = {"kind": term, "amount": recovered if term in ("退货", "退款", "赔偿") else None}
        if rng.random() < 0.04:
            food = category == "食品类"
            punitive = max(Decimal(1000) if food else Decimal(500), amount * (10 if food else 3))
            row.update(
                {
                    "punitive_amount": punitive.quantize(Decimal("0.01")),
                    "punitive_basis": "食品安全法第一百四十八条" if food else "消费者权益保护法第五十五条",
                }
            )
            row["recovered_amount"] = row["recovered_amount"] + row["punitive_amount"]
    elif outcome == State.TERMINATED:
        row["termination_ground"] = rng.choice(domain.TERMINATION_GROUNDS[1:3])
    elif outcome == State.REFERRED:
        extra["referral"] = {"reason": rng.choice(("和解不成", "重大复杂")), "at": closed}
    if row.get("source") in domain.TRANSFER_SOURCES:
        extra["feedback"] = closed
    if row["satisfaction"] != "未回访":
        extra["visit"] = {
            "at": min(closed + timedelta(days=3), now),
            "satisfaction": row["satisfaction"],
            "staff": handler.id,
        }


def _session_times(decided: datetime, now: datetime, count: int) -> list[datetime]:
    return [t for t in (decided + timedelta(days=n, hours=1) for n in range(1, count + 1)) if t <= now]


REFERRAL_MATERIALS = json.dumps(
    [
        {"name": "投诉登记表", "count": 1, "pages": 2},
        {"name": "调解笔录", "count": 1, "pages": 1},
        {"name": "购物凭证复印件", "count": 1, "pages": 1},
    ],
    ensure_ascii=False,
)


def _insert_extras(
    rng: random.Random, ids: list[int], extras: list[tuple[int, dict]], staff: list[Staff]
) -> None:
    body = station.body_for("12315")
    book = deadlines.RuleBook()
    sessions, terms, referrals, visits, feedbacks = [], [], [], [], []
    for index, extra in extras:
        record_id = ids[index]
        for n, held_at in enumerate(extra.get("sessions", ()), 1):
            sessions.append(
                {
                    "record": record_id,
                    "mode": rng.choice(domain.MEDIATION_MODES),
                    "held_at": held_at,
                    "mediator": rng.choice(staff).id,
                    "notes": f"第{n}次调解，双方陈述意见。",
                }
            )
        if "term" in extra:
            terms.append(
                {
                    "record": record_id,
                    "position": 1,
                    "kind": extra["term"]["kind"],
                    "amount": extra["term"]["amount"],
                    "obligor": "乙方",
                    "action": f"乙方于协议签订之日起三日内为甲方办理{extra['term']['kind']}。",
                }
            )
        if "referral" in extra:
            at = extra["referral"]["at"]
            # the receiving body answers in two to five weeks (now and then after its date); recent ones wait
            back = at + timedelta(days=rng.randrange(10, 36), hours=rng.randrange(0, 8))
            referrals.append(
                {
                    "record": record_id,
                    "number": f"YJ-{record_id:07d}",
                    "body": body.id if body else None,
                    "body_name": body.name if body else "辖区12315机构",
                    "reason": extra["referral"]["reason"],
                    "referred_at": at,
                    "materials": REFERRAL_MATERIALS,
                    "feedback_due": book.due("referral_feedback", at.date()).due,
                    "feedback_at": back if back < datetime.now() else None,
                    "feedback": "已受理，组织双方调解。" if back < datetime.now() else None,
                }
            )
        if "feedback" in extra:
            feedbacks.append(
                {
                    "record": record_id,
                    "handled_at": extra["feedback"],
                    "process": "组织双方调解。",
                    "method": "现场调解",
                    "result": "已按和解协议处理。",
                    "sent_at": extra["feedback"],
                }
            )
        if "visit" in extra:
            visits.append(
                {
                    "record": record_id,
                    "visited_at": extra["visit"]["at"],
                    "satisfaction": extra["visit"]["satisfaction"],
                    "staff": extra["visit"]["staff"],
                    "comment": "电话回访。",
                    "method": "电话",
                    "performance": "已按协议履行。",
                }
            )
    for model, rows in (
        (MediationSession, sessions),
        (SettlementTerm, terms),
        (Referral, referrals),
        (ReturnVisit, visits),
        (TransferFeedback, feedbacks),
    ):
        for chunk in _chunks(_uniform(model, rows), 500):
            model.insert_many(chunk).execute()


def _among(ids: list[int]) -> object:
    """``Record.id`` among the ids just inserted: a range when they are one (SQLite takes at most 32,766
    parameters, and a million-record benchmark inserts a million ids at once)."""
    if ids and ids[-1] - ids[0] + 1 == len(ids) and ids == sorted(ids):
        return Record.id.between(ids[0], ids[-1])
    return Record.id.in_(ids)


def _notices(rng: random.Random, ids: list[int], staff: list[Staff]) -> None:
    """The rejection and termination notices of the demo's closed cases: mostly within a day or two, one in
    ten late, and the most recent few not yet given."""
    now = datetime.now()
    rows = []
    closed = (
        Record.select(Record.id, Record.state, Record.closed_at, Record.decided_at)
        .where(_among(ids), Record.state.in_((State.REJECTED, State.TERMINATED)))
        .tuples()
    )
    for record_id, state, closed_at, decided_at in closed:
        when = closed_at or decided_at
        if when is None:
            continue
        delay = (
            timedelta(days=rng.randrange(8, 16))
            if rng.random() < 0.1
            else timedelta(hours=rng.randrange(1, 48))
        )
        if when + delay > now:
            continue
        person = rng.choice(staff)
        rows.append(
            {
                "record": record_id,
                "kind": "不予受理告知" if state == State.REJECTED else "终止调解告知",
                "at": (when + delay).replace(microsecond=0),
                "method": rng.choice(("电话", "短信", "当面")),
                "party": "投诉人" if state == State.REJECTED else "双方",
                "staff": person.id,
                "actor": person.name,
                "created_at": (when + delay).replace(microsecond=0),
            }
        )
    # the 24-hour reply: most within hours, a few the day after
    for record_id, received in (
        Record.select(Record.id, Record.received_at)
        .where(_among(ids), Record.kind == Kind.COMPLAINT)
        .tuples()
    ):
        hours = rng.uniform(0.2, 20) if rng.random() < 0.9 else rng.uniform(26, 50)
        at = (received + timedelta(hours=hours)).replace(second=0, microsecond=0)
        if at > now:
            continue
        person = rng.choice(staff)
        rows.append(
            {
                "record": record_id,
                "kind": "答复",
                "at": at,
                "method": rng.choice(("电话", "受理回执", "当面")),
                "party": "投诉人",
                "content": "告知处理流程和时间。",
                "staff": person.id,
                "actor": person.name,
                "created_at": at,
            }
        )
    for chunk in _chunks(_uniform(CaseNotice, rows), 500):
        CaseNotice.insert_many(chunk).execute()
    # group cases reported to the bureau within hours of coming in
    for record_id, received in (
        Record.select(Record.id, Record.received_at)
        .where(_among(ids), Record.is_group | Record.is_major)
        .tuples()
    ):
        Record.update(
            major_reported_at=received + timedelta(hours=rng.randrange(1, 6)),
            major_reported_to="辖区市场监督管理局",
            major_reported_by=rng.choice(staff).name,
        ).where(Record.id == record_id).execute()


def _activities(rng: random.Random, start: date, end: date, staff: list[Staff]) -> None:
    """One publicity or training event a month, and the 3·15 day each year."""
    if Activity.select().exists():
        return
    month = date(start.year, start.month, 1)
    while month <= end:
        day = month.replace(day=15)
        kind = "3·15活动" if month.month == 3 else rng.choice(domain.ACTIVITY_TYPES[:5])
        if day <= end:
            activity = Activity.create(
                held_on=day,
                type=kind,
                place="万象汇一楼中庭",
                participants=rng.randrange(20, 300),
                materials="消费维权宣传册",
                description=f"{kind}：宣传消费者权益保护法及预付卡消费风险提示。",
            )
            for member in rng.sample(staff, 2):
                ActivityStaff.create(activity=activity, staff=member)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
