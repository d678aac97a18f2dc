"""The ledger workbook's columns (spec/ledger.md), shared by the exporter and the importer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weiquan_desktop.xlsx import FORMULA_STARTS  # noqa: F401 (the importer's and the exporter's rule)

# What the exporter and the importer hand back. They live here, with no openpyxl, because they cross from a
# worker process to the window (ui/tasks.py ProcessTask) and unpickling them imports their module.


@dataclass
class ExportResult:
    path: Path
    rows: int
    masked: bool
    estimated: int  # rows with a deadline counted on Monday-Friday only


@dataclass
class Issue:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]  # cell values of every type a column holds
    events: list[ParsedRow] = field(default_factory=list)  # its 办理记录 rows (a ledger row only)


@dataclass(frozen=True)
class Column:
    header: str
    meaning: str
    values: str = ""
    kind: str = "text"  # text / datetime / date / money / choice
    width: int = 12
    export_only: bool = False


# one column a line, as in spec/ledger.md
# fmt: off
COLUMNS: tuple[Column, ...] = (
    Column("编号", "案件编号，唯一", "空白：导入时自动编号", width=18),
    Column("类型", "记录类型", "咨询 / 投诉 / 举报 / 建议", "choice", 6),
    Column("来源", "受理来源", "来访 / 电话 / 网络 / 信函 / 12315转办 / 上级交办 / 其他", "choice", 10),
    Column("登记时间", "收到的日期和时间", "日期时间", "datetime", 17),
    Column("消费者姓名", "投诉人、举报人或咨询人", "投诉必填", width=10),
    Column("联系电话", "", "投诉必填", width=14),
    Column("证件号码", "居民身份证或其他证件号码", "18位身份证号会校验", width=20),
    Column("联系地址", "", width=24),
    Column("被投诉方", "被投诉或被举报的经营者", "投诉、举报必填", width=22),
    Column("商品服务大类", "中国消费者协会分类", "分类表中的大类，或 其他类", "choice", 16),
    Column("商品服务名称", "如：羽绒服", width=14),
    Column("问题性质", "", "售后服务 / 合同 / 质量 / 虚假宣传 / 价格 / 安全 / 假冒 / 人格尊严 / 计量 / 其他", "choice", 10),
    Column("购买日期", "", "日期", "date", 11),
    Column("涉及金额", "元", "两位小数", "money", 11),
    Column("事实与理由", "", width=40),
    Column("诉求", "", "退货、换货、维修、退款、赔偿、补足数量、重作、道歉、其他，用“、”分隔", width=14),
    Column("受理决定", "", "受理 / 不予受理 / 空白", "choice", 9),
    Column("受理决定时间", "", "日期时间；填写受理决定时必填", "datetime", 17),
    Column("不予受理理由", "", "不予受理时必填", width=24),
    Column("办理状态", "", "见下方状态表", "choice", 9),
    Column("和解内容", "达成的和解条款", width=30),
    Column("挽回经济损失", "元", "两位小数", "money", 12),
    Column("加倍赔偿金额", "元；大于0表示有加倍赔偿", "两位小数", "money", 12),
    Column("办结时间", "", "日期时间；办结状态必填", "datetime", 17),
    Column("经办人", "工作人员姓名", width=9),
    Column("移交单位", "", "状态为已移交时必填", width=22),
    Column("移交时间", "", "日期时间；状态为已移交时必填", "datetime", 17),
    Column("转办编号", "12315平台或上级交办编号", width=20),
    Column("满意度", "", "满意 / 基本满意 / 不满意 / 未回访", "choice", 9),
    Column("群体性", "", "是 / 否", "choice", 7),
    Column("备注", "", width=20),
    Column("受理期限", "投诉：登记日后第7个工作日", "仅导出", "date", 11, True),
    Column("调解期限", "已受理投诉：受理日适用的调解期限（检验、检测、鉴定期间不计入；暂停中的按今日恢复计）", "仅导出", "date", 11, True),
    Column("反馈期限", "12315转办：登记日后第10个工作日", "仅导出", "date", 11, True),
)
# fmt: on
SPEC_COLUMNS = len(COLUMNS)  # spec/ledger.md's 34, in its order; what follows is this program's extension

# After the spec's columns: what a station's record holds beyond them, so that export then import gives back
# the same cases (ledger.md allows extra columns; a reader that does not know them ignores them).
# one column a line, as in spec/ledger.md
# fmt: off
EXTRA_COLUMNS: tuple[Column, ...] = (
    Column("证件类型", "", "居民身份证 / 护照 / 港澳居民来往内地通行证 / 台湾居民来往大陆通行证 / 其他", "choice", 12),
    Column("匿名", "举报人是否匿名", "是 / 否", "bool", 6),
    Column("同意公示", "投诉人是否同意公示投诉信息", "是 / 否", "bool", 8),
    Column("同意调解", "投诉人是否同意委托调解", "是 / 否", "bool", 8),
    Column("代理人", "委托代理人姓名", width=10),
    Column("代理人电话", "", width=14),
    Column("代理人证件号码", "", width=20),
    Column("授权委托", "授权委托书的事项、权限和期限", width=24),
    Column("被投诉方联系人", "", width=12),
    Column("被投诉方电话", "", width=14),
    Column("被投诉方地址", "", width=22),
    Column("消费地点/铺位", "", width=14),
    Column("证明材料", "", width=20),
    Column("具体线索", "举报的线索", width=24),
    Column("答复", "咨询的答复内容", width=24),
    Column("约定答复时间", "咨询：约定的答复时间", "日期时间", "datetime", 17),
    Column("终止调解理由", "", width=24),
    Column("拒绝调解方", "投诉人 / 被投诉人 / 双方", "", "choice", 9),
    Column("不移交原因", "调解终止后未移交12315的原因", width=20),
    Column("加倍赔偿依据", "", width=20),
    Column("丙方", "和解协议的第三方", width=16),
    Column("丙方身份", "", width=12),
    Column("丙方联系人", "", width=10),
    Column("丙方电话", "", width=14),
    Column("丙方地址", "", width=20),
    Column("涉及人数", "群体性投诉涉及的消费者人数", "整数", "int", 8),
    Column("涉及金额合计", "元", "两位小数", "money", 12),
    Column("重大", "是否重大投诉", "是 / 否", "bool", 6),
    Column("报告时间", "群体性、重大投诉报告时间", "日期时间", "datetime", 17),
    Column("报告对象", "", width=16),
    Column("报告人", "", width=9),
    Column("转办反馈期限", "12315或上级转办单写明的反馈日期", "日期", "date", 11),
    Column("建议转达单位", "建议：转达的单位", width=16),
)
# fmt: on
ALL_COLUMNS = COLUMNS + EXTRA_COLUMNS
HEADERS = tuple(c.header for c in ALL_COLUMNS)
INDEX = {c.header: i for i, c in enumerate(ALL_COLUMNS)}
SHEET = "台账"
# 办理记录: what happened to each case, one row per term, session, pause, notice, referral, feedback or visit
EVENTS_SHEET = "办理记录"
EVENT_HEADERS = (
    "编号",
    "类别",
    "项目",
    "序号",
    "时间",
    "结束",
    "方式",
    "对象",
    "人员",
    "内容",
    "金额",
    "期限",
    "附加",
)
EVENT_KINDS = ("和解条款", "调解", "暂停计时", "告知", "移交", "转办反馈", "回访")
NOTES_SHEET = "说明"
