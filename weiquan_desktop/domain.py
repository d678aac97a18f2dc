"""The station's vocabulary: kinds, sources, states, classifications (domain/README.md, spec/ledger.md).

These are the values stored in the database and written to the ledger, so they are the Chinese terms
themselves. Lists a station may edit (grounds, time limits) are seeded from here into tables.
"""

from __future__ import annotations

KINDS = ("咨询", "投诉", "举报", "建议")
CONSULTATION, COMPLAINT, REPORT, SUGGESTION = KINDS

SOURCES = ("来访", "电话", "网络", "信函", "12315转办", "上级交办", "其他")
TRANSFER_SOURCES = ("12315转办", "上级交办")

# States by kind; the first is the state a new record starts in.
STATES: dict[str, tuple[str, ...]] = {
    "投诉": ("待受理", "调解中", "已和解", "调解终止", "已撤回", "已移交", "不予受理"),
    "咨询": ("待回复", "已解答"),
    "举报": ("已登记", "已移交"),
    "建议": ("已登记", "已办结"),
}
CLOSING_STATES: dict[str, tuple[str, ...]] = {
    "投诉": ("已和解", "调解终止", "已撤回", "已移交", "不予受理"),
    "咨询": ("已解答",),
    "举报": ("已移交",),
    "建议": ("已办结",),
}
ALL_STATES = tuple(dict.fromkeys(s for states in STATES.values() for s in states))
OPEN_STATES = tuple(dict.fromkeys(s for kind, states in STATES.items() for s in states
                                  if s not in CLOSING_STATES[kind]))
COMPLAINT_CLOSING = CLOSING_STATES["投诉"]

DECISIONS = ("受理", "不予受理")

NATURES = ("售后服务", "合同", "质量", "虚假宣传", "价格", "安全", "假冒", "人格尊严", "计量", "其他")

GOODS_CATEGORIES = (
    "家用电子电器类", "日用商品类", "服装鞋帽类", "食品类", "交通工具类", "房屋及建材类",
    "首饰及文体用品类", "烟、酒和饮料类", "医药及医疗用品类", "农用生产资料类",
)
SERVICE_CATEGORIES = (
    "生活、社会服务类", "房屋装修及物业服务类", "旅游服务", "文化、娱乐、体育服务", "邮政业服务", "电信服务",
    "互联网服务", "金融服务", "保险服务", "卫生保健服务", "教育培训服务", "公共设施服务", "销售服务",
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

ID_TYPES = ("居民身份证", "护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证", "其他")

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

REJECTION_GROUNDS = (
    "不属于市场监督管理部门职责，或者不属于本机关管辖",
    "法院、仲裁机构、其他行政机关、消费者协会等已经受理或者处理",
    "不是为生活消费需要购买、使用商品或者接受服务，或者与经营者之间不存在消费者权益争议",
    "自消费者知道或者应当知道自己的权益受到侵害之日起超过三年",
    "未提供必要材料，或者提供的材料虚假",
    "冒用他人名义投诉，或者拒绝核实身份",
    "法律、法规、规章规定不予受理的其他情形",
)
TERMINATION_GROUNDS = (
    "投诉人撤回投诉或者双方自行和解",
    "一方当事人无正当理由不参加调解，或者调解中途退出",
    "一方当事人明确表示无法达成调解协议",
    "双方当事人对检测、鉴定费用承担无法达成一致",
    "调解期限届满仍未达成调解协议",
    "发现存在不予受理情形",
    "一方当事人死亡或者经营者终止且无权利义务承受人",
    "其他应当终止调解的情形",
)

# Default time limits (domain/README.md). Seeded into TimeLimitRule; the station may edit them.
# (code, effective_from, amount, unit, title, basis)
TIME_LIMIT_DEFAULTS = (
    ("reply", "2020-01-01", 24, "hours", "受理后答复消费者", "服务站工作制度"),
    ("decision", "2020-01-01", 7, "working_days", "作出受理或不予受理决定", "《市场监督管理投诉举报处理暂行办法》第十四条；消保法第四十六条"),
    ("rejection_notice", "2020-01-01", 3, "working_days", "告知不予受理", "12315平台工作规则"),
    ("mediation", "2020-01-01", 45, "working_days", "调解期限（2026-04-15前受理）", "《市场监督管理投诉举报处理暂行办法》第二十一条第五项"),
    ("mediation", "2026-04-15", 60, "calendar_days", "调解期限（2026-04-15起受理，待确认）", "《市场监督管理投诉举报处理办法》第二十三条"),
    ("termination_notice", "2020-01-01", 7, "working_days", "告知双方终止调解", "《市场监督管理投诉举报处理暂行办法》第二十一条"),
    ("transfer_feedback", "2020-01-01", 10, "working_days", "转办投诉办结并反馈", "12315平台ODR规则"),
    ("lead_verify", "2020-01-01", 15, "working_days", "核查调解中发现的违法线索", "《市场监督管理投诉举报处理暂行办法》第二十三条"),
    ("reporter_notice", "2020-01-01", 5, "working_days", "告知实名举报人是否立案", "《市场监督管理投诉举报处理暂行办法》第三十一条"),
)
TIME_UNITS = {"working_days": "个工作日", "calendar_days": "日", "hours": "小时"}

WUYOU_ITEMS = ("专门的办公地点", "专职的联络员", "统一的牌匾", "规范的工作制度", "完整的受理记录")

SETTING_DEFAULTS = {
    "mask_on_print": "1",  # personal data masked on printed intake records
    "idle_lock_minutes": "15",
    "retention_years": "5",
    "attachment_max_mb": "20",
}
