"""The station's vocabulary: kinds, sources, states, classifications (domain/README.md, spec/ledger.md).

These are the values stored in the database and written to the ledger, so they are the Chinese terms
themselves. Lists a station may edit (grounds, time limits) are seeded from here into tables.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What a record is. A member is its Chinese value (a str): stored, compared and printed as-is."""

    CONSULTATION = "咨询"
    COMPLAINT = "投诉"
    REPORT = "举报"
    SUGGESTION = "建议"


class State(StrEnum):
    PENDING = "待受理"  # a complaint not yet accepted or rejected
    MEDIATING = "调解中"
    SETTLED = "已和解"
    TERMINATED = "调解终止"
    WITHDRAWN = "已撤回"
    REFERRED = "已移交"
    REJECTED = "不予受理"
    AWAITING_REPLY = "待回复"  # a consultation answered later
    ANSWERED = "已解答"
    REGISTERED = "已登记"  # a report or a suggestion
    CONCLUDED = "已办结"


class Source(StrEnum):
    WALK_IN = "来访"
    PHONE = "电话"
    ONLINE = "网络"
    LETTER = "信函"
    CENTER_12315 = "12315转办"
    BUREAU = "上级交办"
    OTHER = "其他"


class Decision(StrEnum):
    """A complaint's acceptance decision (Record.decision)."""

    ACCEPTED = "受理"
    REJECTED = "不予受理"


KINDS = tuple(Kind)
# what the screens and documents call a record's person, and what it says, by kind
PARTY_LABELS: dict[str, str] = {
    Kind.COMPLAINT: "消费者",
    Kind.REPORT: "举报人",
    Kind.CONSULTATION: "咨询人",
    Kind.SUGGESTION: "建议人",
}
PERSON_LABELS: dict[str, str] = {  # on the intake forms, beside the party's signature
    Kind.COMPLAINT: "投诉人",
    Kind.REPORT: "举报人",
    Kind.CONSULTATION: "咨询人",
    Kind.SUGGESTION: "建议人",
}
CONTENT_LABELS: dict[str, str] = {
    Kind.COMPLAINT: "事实与理由",
    Kind.REPORT: "举报内容",
    Kind.CONSULTATION: "咨询内容",
    Kind.SUGGESTION: "建议内容",
}
SOURCES = tuple(Source)
TRANSFER_SOURCES = (Source.CENTER_12315, Source.BUREAU)

# States by kind; the first is the state a new record starts in.
STATES: dict[str, tuple[str, ...]] = {
    Kind.COMPLAINT: (
        State.PENDING,
        State.MEDIATING,
        State.SETTLED,
        State.TERMINATED,
        State.WITHDRAWN,
        State.REFERRED,
        State.REJECTED,
    ),
    Kind.CONSULTATION: (State.AWAITING_REPLY, State.ANSWERED),
    Kind.REPORT: (State.REGISTERED, State.REFERRED),
    Kind.SUGGESTION: (State.REGISTERED, State.CONCLUDED),
}
CLOSING_STATES: dict[str, tuple[str, ...]] = {
    Kind.COMPLAINT: (State.SETTLED, State.TERMINATED, State.WITHDRAWN, State.REFERRED, State.REJECTED),
    Kind.CONSULTATION: (State.ANSWERED,),
    Kind.REPORT: (State.REFERRED,),
    Kind.SUGGESTION: (State.CONCLUDED,),
}
ALL_STATES = tuple(dict.fromkeys(s for states in STATES.values() for s in states))
OPEN_STATES = tuple(
    dict.fromkeys(s for kind, states in STATES.items() for s in states if s not in CLOSING_STATES[kind])
)
COMPLAINT_CLOSING = CLOSING_STATES[Kind.COMPLAINT]

DECISIONS = tuple(Decision)

NATURES = ("售后服务", "合同", "质量", "虚假宣传", "价格", "安全", "假冒", "人格尊严", "计量", "其他")

GOODS_CATEGORIES = (
    "家用电子电器类",
    "日用商品类",
    "服装鞋帽类",
    "食品类",
    "交通工具类",
    "房屋及建材类",
    "首饰及文体用品类",
    "烟、酒和饮料类",
    "医药及医疗用品类",
    "农用生产资料类",
)
SERVICE_CATEGORIES = (
    "生活、社会服务类",
    "房屋装修及物业服务类",
    "旅游服务",
    "文化、娱乐、体育服务",
    "邮政业服务",
    "电信服务",
    "互联网服务",
    "金融服务",
    "保险服务",
    "卫生保健服务",
    "教育培训服务",
    "公共设施服务",
    "销售服务",
)
OTHER_CATEGORY = "其他类"
CATEGORIES = GOODS_CATEGORIES + SERVICE_CATEGORIES + (OTHER_CATEGORY,)
CATEGORY_GROUPS = ("商品类", "服务类", "其他类")


def category_group(category: str | None) -> str | None:
    if not category:
        return None
    if category in GOODS_CATEGORIES:
        return "商品类"
    if category in SERVICE_CATEGORIES:
        return "服务类"
    return "其他类"


DEMANDS = ("退货", "换货", "维修", "退款", "赔偿", "补足数量", "重作", "道歉", "其他")
DEMAND_SEPARATOR = "、"

ID_TYPES = (
    "居民身份证",
    "护照",
    "港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
    "外国人永久居留身份证",
    "其他",
)

SATISFACTION = ("满意", "基本满意", "不满意", "未回访")

STAFF_ROLES = ("站长", "副站长", "协调员/联络员", "工作人员/和解员")
MANAGER_ROLES = ("站长", "副站长")
EDUCATION_LEVELS = ("初中及以下", "高中", "中专", "大专", "本科", "研究生")

SITE_TYPES = ("商场", "超市", "市场", "企业", "景区")
BODY_KINDS = ("12315", "市场监管所", "消协")

MEDIATION_MODES = ("现场", "电话", "视频")
TERM_KINDS = ("退货", "换货", "维修", "退款", "赔偿", "补足数量", "重作", "道歉", "其他")
REFERRAL_REASONS = ("和解不成", "重大复杂", "群体性", "涉嫌违法线索", "超出受理范围")
ACTIVITY_TYPES = ("讲座", "宣传资料发放", "咨询台", "培训", "3·15活动", "其他")

# The grounds of 《市场监督管理投诉举报处理办法》 (总局令第121号) Art.16 (不予受理) and Art.23(1) (终止调解), worded
# for a station: it is run by a business, so it does not "decide" under the Order; its notices say what it
# does and where the consumer can go next. One ground per notice.
REJECTION_GROUNDS = (
    "投诉事项不属于本站受理范围（不涉及本站所在经营场所的经营者，或者不属于市场监督管理部门职责）",
    "同一消费纠纷已由法院、仲裁机构、市场监督管理部门或者其他行政机关、消费者协会受理或者处理",
    "不是为生活消费需要购买、使用商品或者接受服务，或者不能证明与被投诉方之间存在消费者权益争议",
    "投诉人知道或者应当知道权益受到侵害之日起已超过三年",
    "未提供投诉人姓名、联系方式、被投诉方、投诉请求和事实等必要材料，或者提供的材料不真实",
    "冒用他人名义投诉，或者拒不配合核实身份",
    "法律、法规、规章规定不予受理的其他情形",
)
TERMINATION_GROUNDS = (
    "投诉人撤回投诉或者双方自行和解",
    "投诉人或者被投诉人无正当理由不参加调解，或者明确拒绝调解",
    "经组织调解，投诉人或者被投诉人明确表示无法达成和解协议",
    "投诉人与被投诉人对鉴定、检测费用承担无法协商一致",
    "自投诉受理之日起六十日内未能达成和解协议",
    "受理后发现存在不予受理的情形，或者投诉人滥用投诉权利牟取不正当利益",
    "投诉人、被投诉人死亡或者主体资格灭失",
    "法律、法规、规章规定应当终止调解的其他情形",
)
# termination grounds that name who refused or could not agree (asked when one of these is chosen)
GROUNDS_WITH_PARTY = (TERMINATION_GROUNDS[1], TERMINATION_GROUNDS[2])
TERMINATION_PARTIES = ("投诉人", "被投诉人", "双方")

# Default time limits (domain/README.md). Seeded into TimeLimitRule; the station may edit them.
# (code, effective_from, amount, unit, title, basis)
# fmt: off
TIME_LIMIT_DEFAULTS = (
    ("reply", "2020-01-01", 24, "hours", "受理后答复消费者", "服务站工作制度"),
    ("decision", "2020-01-01", 7, "working_days", "作出受理或不予受理决定", "《市场监督管理投诉举报处理暂行办法》第十四条；消保法第四十六条"),
    ("decision", "2026-04-15", 7, "working_days", "作出受理或不予受理决定", "消保法第四十六条；《市场监督管理投诉举报处理办法》（总局令第121号）"),
    ("rejection_notice", "2020-01-01", 3, "working_days", "告知不予受理", "12315平台工作规则"),
    ("rejection_notice", "2026-04-15", 3, "working_days", "告知不予受理", "服务站工作制度；《市场监督管理投诉举报处理办法》第十六条"),
    ("mediation", "2020-01-01", 45, "working_days", "调解期限（2026-04-15前受理）", "《市场监督管理投诉举报处理暂行办法》第二十一条第五项"),
    ("mediation", "2026-04-15", 60, "calendar_days", "调解期限（2026-04-15起受理）", "《市场监督管理投诉举报处理办法》第二十三条第一款第（五）项"),
    ("termination_notice", "2020-01-01", 7, "working_days", "告知双方终止调解", "《市场监督管理投诉举报处理暂行办法》第二十一条"),
    ("termination_notice", "2026-04-15", 7, "working_days", "告知双方终止调解", "服务站工作制度；《市场监督管理投诉举报处理办法》第二十三条"),
    ("transfer_feedback", "2020-01-01", 10, "working_days", "转办投诉办结并反馈", "12315平台ODR规则"),
    ("referral_feedback", "2020-01-01", 15, "working_days", "移交后接收单位反馈处理情况", "服务站工作制度"),
    ("major_report", "2020-01-01", 0, "calendar_days", "报告群体性、重大投诉（当日）", "服务站工作制度：群体性或重大投诉立即报告"),
    ("lead_verify", "2020-01-01", 15, "working_days", "核查调解中发现的违法线索", "《市场监督管理投诉举报处理暂行办法》第二十三条"),
    ("lead_verify", "2026-04-15", 15, "working_days", "核查调解中发现的违法线索", "《市场监督管理行政处罚程序规定》第十八条"),
    ("reporter_notice", "2020-01-01", 5, "working_days", "告知实名举报人是否立案", "《市场监督管理投诉举报处理暂行办法》第三十一条"),
)
# fmt: on

# 告知与联系: what a station tells a party or does for a case, recorded with when, how and to whom
NOTICE_KINDS = (
    "答复",
    "不予受理告知",
    "终止调解告知",
    "进展告知",
    "现场核查",
    "建议转达",
    "建议答复",
    "重大报告",
)
NOTICE_METHODS = ("电话", "当面", "受理回执", "短信", "微信", "电子邮件", "信函", "现场")
VISIT_METHODS = ("电话", "上门", "短信", "微信")
TIME_UNITS = {"working_days": "个工作日", "calendar_days": "日", "hours": "小时"}

WUYOU_ITEMS = ("专门的办公地点", "专职的联络员", "统一的牌匾", "规范的工作制度", "完整的受理记录")

SETTING_DEFAULTS = {
    "mask_on_print": "1",  # retired: each printed copy now decides what it masks (the business's copy, ID)
    "idle_lock_minutes": "15",
    "retention_years": "5",
    "attachment_max_mb": "20",
}
