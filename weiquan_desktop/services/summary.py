"""The half-year 小结 and the year-end 总结: a document in sections, drafted from the figures, edited by staff.

Sections as the bureaus ask for them: 工作开展情况、投诉情况分析、宣传培训、存在问题、下步打算. Each draft says what
the data says and no more; the problems and the plans follow from the time limits that were missed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from weiquan_desktop import pdf
from weiquan_desktop.services import anchor, audit, station, statistics
from weiquan_desktop.services.actor import Actor, name_of
from weiquan_desktop.services.statistics import Period

if TYPE_CHECKING:  # report_export imports this module
    from weiquan_desktop.services.report_export import Signed

SECTIONS = ("工作开展情况", "投诉情况分析", "宣传培训", "存在问题", "下步打算")


def title(period: Period) -> tuple[str, str]:
    """The station's name, and what the document is (2026年上半年工作小结, 2026年度工作总结)."""
    profile = station.load_profile()
    name = profile.name if profile else ""
    if period.kind == "year":
        return name, f"{period.start.year}年度工作总结"
    if period.kind == "half":
        return name, f"{period.label}工作小结"
    return name, f"{period.label or (period.start.isoformat() + '至' + period.end.isoformat())}工作小结"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def _change(now: int, then: int | None, what: str) -> str:
    if not then:
        return ""
    delta = (now - then) / then
    return f"，{what}{'增长' if delta > 0 else '下降'}{abs(delta):.1%}" if delta else f"，{what}持平"


def draft(figures: dict) -> dict[str, str]:
    """Every section drafted from the report's figures (statistics.report)."""
    extra = figures.get("extra") or {}
    received = figures["received"]
    total = sum(received.values())
    previous, year_ago = figures.get("previous") or {}, figures.get("year_ago") or {}
    origin = extra.get("by_origin", {})
    passed = origin.get("上级转办", {}).get("received", 0)
    visits = extra.get("return_visits", {})
    referrals = extra.get("referrals", {})
    work = (
        f"本期共登记消费者诉求{total}件，其中咨询{received['咨询']}件、投诉{received['投诉']}件、举报{received['举报']}件、"
        f"建议{received['建议']}件；接待来访{extra.get('visits_in_person', 0)}人次"
        f"{_change(total, sum(year_ago.get('received', {}).values()) or None, '登记总数同比')}。"
        f"受理投诉{figures['complaints_accepted']}件（含12315转办、上级交办{passed}件），不予受理{figures['complaints_rejected']}件；"
        f"和解{figures['resolved']}件，投诉解决率{_pct(figures['resolution_rate'])}，为消费者挽回经济损失"
        f"{figures['recovered_amount']}元"
    )
    if figures["punitive_cases"]:
        work += f"，其中加倍赔偿{figures['punitive_cases']}件、{figures['punitive_amount']}元"
    work += "。"
    if referrals.get("made"):
        work += f"移交辖区12315机构或市场监管部门{referrals['made']}件，已收到反馈{referrals['fed_back']}件。"
    if visits.get("count"):
        work += f"回访{visits['count']}件，满意和基本满意率{_pct(visits.get('satisfied_rate'))}。"
    analysis = statistics.draft_hotspots(figures)
    rate, before = figures.get("resolution_rate"), previous.get("resolution_rate")
    if rate is not None and before is not None:
        analysis += (
            f"投诉解决率较上期{'提高' if rate >= before else '下降'}{abs(rate - before) * 100:.2f}个百分点。"
        )
    activities = extra.get("activities", {})
    trainings = extra.get("trainings", {})
    if activities.get("count"):
        kinds = "、".join(f"{k}{v}场" for k, v in activities.get("by_type", {}).items())
        publicity = f"本期开展宣传培训活动{activities['count']}场（{kinds}），参与群众{activities['participants']}人次。"
    else:
        publicity = "本期未登记宣传培训活动。"
    if trainings.get("count"):
        publicity += f"工作人员参加业务培训{trainings['count']}人次、{trainings['hours']}学时。"
    problems, plans = [], []
    on_time = extra.get("on_time", {})
    for code, plan in (
        ("reply", "受理投诉后24小时内答复并告知处理流程和时间"),
        ("decision", "收到投诉后7个工作日内作出受理或不予受理决定"),
        ("transfer_feedback", "12315转办、上级交办案件在反馈期限内办结反馈"),
        ("mediation", "在调解期限内办结，检验、检测、鉴定期间及时登记暂停"),
        ("referral_feedback", "跟踪移交案件，督促接收单位按期反馈"),
        ("major_report", "群体性、重大投诉当日报告辖区市场监管部门"),
        ("rejection_notice", "不予受理的3个工作日内告知投诉人"),
        ("termination_notice", "终止调解的7个工作日内告知双方"),
    ):
        kept = on_time.get(code)
        if kept and kept["late"] + kept["missing"]:
            problems.append(
                f"{kept['label'].removesuffix('期限')}逾期{kept['late'] + kept['missing']}件"
                f"（按时率{_pct(kept['rate'])}）"
            )
            plans.append(plan)
    if figures["complaints_pending"]:
        problems.append(f"尚有{figures['complaints_pending']}件投诉未作出受理决定")
    if visits.get("satisfied_rate") is not None and visits["satisfied_rate"] < 0.9:
        problems.append(f"回访满意率{_pct(visits['satisfied_rate'])}，低于九成")
        plans.append("对不满意的回访逐件分析原因，改进调解工作")
    if not activities.get("count"):
        plans.append("按月开展消费维权宣传，做好“3·15”等集中宣传活动")
    issues_text = ("；".join(problems) + "。") if problems else "本期各项办理时限均按时完成。"
    plans_text = "".join(
        f"{i}. {p}。\n"
        for i, p in enumerate(plans or ["继续严格执行各项办理时限，做好登记、调解、回访和台账管理"], 1)
    )
    return {
        "工作开展情况": work,
        "投诉情况分析": analysis,
        "宣传培训": publicity,
        "存在问题": issues_text,
        "下步打算": plans_text.strip(),
    }


def parse_sections(text: str) -> dict[str, str]:
    """Staff's own wording: ``## 部分名称`` starts a section; unknown names are refused, missing ones drafted."""
    from weiquan_desktop.errors import UserError

    out: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            if current not in SECTIONS:
                raise UserError(f"小结的部分名称应为：{'、'.join(SECTIONS)}；“{current}”不是其中之一。")
            out[current] = ""
        elif current is not None:
            out[current] += line + "\n"
    return {k: v.strip() for k, v in out.items()}


def to_pdf(
    period: Period,
    dest: Path,
    *,
    sections: dict[str, str] | None = None,
    signed: Signed | None = None,
    actor: Actor | None = None,
    figures: dict | None = None,
) -> Path:
    """The summary as a document: title, sections (staff's text where given, else the draft), a small table
    of the key figures under the first section, the signature line."""
    from weiquan_desktop.services.report_export import Signed
    from weiquan_desktop.services.session import check_output_path

    check_output_path(dest)
    figures = figures or statistics.report(period)
    text = {**draft(figures), **{k: v for k, v in (sections or {}).items() if v.strip()}}
    signed = signed or Signed(actor.name if actor else None)
    if signed.made_by is None and actor is not None:
        signed.made_by = actor.name
    st = pdf.styles()
    name, what = title(period)
    heading = name + what
    story: list[Flowable] = [
        Paragraph(f"{pdf.markup(name)}<br/>{pdf.markup(what)}", st["title"]),
        Paragraph(pdf.markup(f"（{figures['period']['start']} 至 {figures['period']['end']}）"), st["body"]),
        Spacer(1, 4 * mm),
    ]
    numbers = "一二三四五"
    for i, name in enumerate(SECTIONS):
        parts = [Paragraph(f"{numbers[i]}、{name}", st["heading"])]
        parts += [Paragraph(pdf.markup(line), st["body"]) for line in text[name].split("\n") if line.strip()]
        story.append(KeepTogether(parts))
        if name == "工作开展情况":
            from weiquan_desktop.services.report_export import _grid

            rows = [["指标", "本期", "上期", "去年同期"]]
            wanted = (
                "登记总数",
                "受理投诉件数",
                "解决件数（和解）",
                "投诉解决率",
                "为消费者挽回经济损失（元）",
                "24小时内答复率",
                "转办案件按时反馈率",
                "宣传培训活动（场）",
                "回访满意率（满意和基本满意）",
            )
            rows += [list(r) for r in statistics.headline_rows(figures) if r[0] in wanted]
            width = 170 * mm
            story += [
                Spacer(1, 2 * mm),
                _grid(rows, [width - 90 * mm, 30 * mm, 30 * mm, 30 * mm]),
                Spacer(1, 2 * mm),
            ]
    story += [
        Spacer(1, 10 * mm),
        Paragraph(pdf.markup(signed.line()), st["body"]),
        Spacer(1, 3 * mm),
        Paragraph(pdf.markup(anchor.head_line()), st["small"]),
    ]
    pdf.build(Path(dest), story, title=heading)
    audit.log(
        "report.summary",
        actor=name_of(actor) if actor else signed.made_by,
        detail={"期间": figures["period"], "制表人": signed.made_by},
    )
    return Path(dest)
