"""The command line (spec/cli.md). With no command it starts the GUI.

Exit status: 0 success; 1 the command failed (one paragraph on stderr, no traceback); 2 wrong usage.
Qt is imported only when the GUI starts, so headless commands stay quick and work without a display.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from weiquan_desktop import APP_NAME, __version__, logsetup
from weiquan_desktop.errors import UserError
from weiquan_desktop.paths import DataDir, resolve_data_dir

if TYPE_CHECKING:  # the services are imported by the commands that use them: --version stays fast
    from weiquan_desktop.services.statistics import Period

log = logging.getLogger(__name__)


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="数据文件夹（默认：用户应用数据文件夹；也可用环境变量 WEIQUAN_DATA_DIR）",
    )
    parser.add_argument(
        "--database", metavar="URL", default=default, help="数据库地址（默认：数据文件夹内的 SQLite 文件）"
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        default=default,
        help="登录名（已设置账号时需要；密码从提示输入或环境变量 WEIQUAN_PASSWORD）",
    )


class _NotOnlyGui(Exception):
    """The arguments are not the GUI's options alone: the whole parser reads them (and reports errors)."""


class _GuiParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotOnlyGui(message)


def _gui_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quit-after-start",
        action="store_true",
        help="启动图形界面，主窗口显示后立即退出（用于检查安装是否完好）",
    )
    _common(parser, suppress=False)


def gui_start(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The arguments of a GUI start (most starts have none), read without building every command's
    parser (15-20 ms of the start-up); None when they are anything else: a command, --help, an error."""
    parser = _GuiParser(prog=APP_NAME, add_help=False)
    _gui_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except _NotOnlyGui:
        return None
    return None if rest else args


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=APP_NAME, description="12315消费维权服务站工作台")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    _gui_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="在数据文件夹中生成演示数据")
    _common(demo, suppress=True)
    demo.add_argument("--records", type=int, default=500, metavar="N", help="记录条数（默认 500）")
    demo.add_argument("--seed", type=int, default=2026, metavar="S", help="随机种子（默认 2026）")
    demo.set_defaults(handler=cmd_demo)

    check = sub.add_parser("check", help="检查数据库、附件和审计日志是否完好")
    _common(check, suppress=True)
    check.set_defaults(handler=cmd_check)

    export = sub.add_parser("export-ledger", help="导出台账工作簿（.xlsx）")
    _common(export, suppress=True)
    export.add_argument("out", metavar="OUT.xlsx")
    export.add_argument(
        "--from", dest="date_from", type=_date, metavar="DATE", help="登记日期起（YYYY-MM-DD）"
    )
    export.add_argument("--to", dest="date_to", type=_date, metavar="DATE", help="登记日期止（YYYY-MM-DD）")
    export.add_argument("--unmasked", action="store_true", help="导出完整个人信息（默认去标识化）")
    export.set_defaults(handler=cmd_export_ledger)

    imp = sub.add_parser("import-ledger", help="导入台账工作簿：全部检查通过才导入")
    _common(imp, suppress=True)
    imp.add_argument("file", metavar="FILE.xlsx")
    imp.add_argument("--dry-run", action="store_true", help="只检查，不导入")
    imp.set_defaults(handler=cmd_import_ledger)

    rep = sub.add_parser("report", help="统计报表：季度、半年、全年或任意期间")
    _common(rep, suppress=True)
    rep.add_argument("period", metavar="PERIOD", help="2026Q3、2026H1、2026 或 2026-01-01..2026-03-31")
    out = rep.add_mutually_exclusive_group(required=True)
    out.add_argument("--json", action="store_true", help="在标准输出打印 JSON")
    out.add_argument("--xlsx", metavar="OUT", help="导出 Excel 报表")
    out.add_argument("--pdf", metavar="OUT", help="导出 PDF 报表")
    out.add_argument(
        "--summary",
        metavar="OUT",
        help="导出半年小结或年度总结（PDF，按数据起草的各部分可用 --sections 修改）",
    )
    rep.add_argument("--hotspots", metavar="FILE", help="热点分析文字（UTF-8 文本文件；默认按数据起草）")
    rep.add_argument("--measures", metavar="FILE", help="整改措施文字（UTF-8 文本文件）")
    rep.add_argument("--checked-by", metavar="NAME", help="审核人")
    rep.add_argument("--submitted", type=_date, metavar="DATE", help="报送日期（YYYY-MM-DD）")
    rep.add_argument(
        "--freeze", action="store_true", help="同时保存为已报送报表（冻结，以后修改案件不改变它）"
    )
    rep.add_argument("--snapshot", type=int, metavar="N", help="导出第 N 号已报送报表（冻结时的数字和文字）")
    rep.add_argument(
        "--sections", metavar="FILE", help="小结/总结各部分文字：以“## 部分名称”分段的 UTF-8 文本文件"
    )
    rep.add_argument(
        "--ledger",
        metavar="XLSX",
        action="append",
        help="汇总多个服务站的台账工作簿（可重复；只读，不改动本站数据）",
    )
    rep.set_defaults(handler=cmd_report)

    doc = sub.add_parser("print", help="打印文书为 PDF")
    _common(doc, suppress=True)
    doc.add_argument(
        "doc",
        choices=[
            "intake",
            "receipt",
            "agreement",
            "mediation",
            "referral",
            "rejection",
            "termination",
            "feedback",
            "major",
            "visit",
        ],
        metavar="DOC",
        help="文书：intake 登记表、receipt 受理回执、agreement 和解协议书、mediation 调解笔录、"
        "referral 移交单（举报为线索移送函）、rejection 不予受理告知书、termination 终止调解告知书、"
        "feedback 处理结果反馈单、major 重大/群体性投诉报告、visit 回访记录表",
    )
    doc.add_argument("case_no", metavar="CASE_NO")
    doc.add_argument("--out", required=True, metavar="FILE.pdf")
    doc.set_defaults(handler=cmd_print)

    bak = sub.add_parser("backup", help="备份全部数据（数据库和附件）到文件夹或 .zip 文件，并校验")
    _common(bak, suppress=True)
    bak.add_argument("dest", metavar="DEST")
    bak.set_defaults(handler=cmd_backup)

    res = sub.add_parser(
        "restore", help="从备份恢复（先自动保存当前数据的安全备份）；SRC 可以是备份文件或其所在文件夹"
    )
    _common(res, suppress=True)
    res.add_argument("src", metavar="SRC")
    res.add_argument("--other-station", action="store_true", help="确认用另一个站点的备份替换本站数据")
    res.set_defaults(handler=cmd_restore)

    user = sub.add_parser("user", help="工作人员账号")
    _common(user, suppress=True)
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = user_sub.add_parser("add", help="新增账号（新账号的密码从提示输入或 WEIQUAN_NEW_PASSWORD）")
    _common(add, suppress=True)
    add.add_argument("name", metavar="NAME", help="登录名")
    add.add_argument(
        "--role",
        required=True,
        type=_role,
        metavar="ROLE",
        help="站长、副站长、协调员/联络员（或 协调员、联络员）、工作人员/和解员（或 工作人员、和解员）",
    )
    add.add_argument("--full-name", metavar="姓名", help="姓名（默认与登录名相同）")
    add.set_defaults(handler=cmd_user_add)
    passwd = user_sub.add_parser(
        "passwd",
        help="修改自己的密码（原密码从提示输入或 WEIQUAN_PASSWORD，新密码从提示输入或 WEIQUAN_NEW_PASSWORD）",
    )
    _common(passwd, suppress=True)
    passwd.set_defaults(handler=cmd_user_passwd)

    st = sub.add_parser("station", help="站点信息：查看或设置（与站点设置页相同的检查）")
    _common(st, suppress=True)
    st_sub = st.add_subparsers(dest="station_command", metavar="ACTION", required=True)
    st_show = st_sub.add_parser("show", help="显示站点信息及辖区机构")
    _common(st_show, suppress=True)
    st_show.set_defaults(handler=cmd_station_show)
    st_set = st_sub.add_parser("set", help="新建或修改站点信息（新建时须给出全部必填项）")
    _common(st_set, suppress=True)
    for option, field in STATION_OPTIONS.items():
        st_set.add_argument(f"--{option}", dest=field, metavar="TEXT", help=_station_label(field))
    st_set.set_defaults(handler=cmd_station_set)

    cal = sub.add_parser("calendar", help="节假日与调休：导入国务院放假通知，查看某年安排")
    _common(cal, suppress=True)
    cal_sub = cal.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    cal_import = cal_sub.add_parser(
        "import", help="从文本文件导入国务院办公厅的年度放假通知（全部检查通过才导入）"
    )
    _common(cal_import, suppress=True)
    cal_import.add_argument("file", metavar="NOTICE.txt")
    cal_import.add_argument("--year", type=int, metavar="YEAR", help="年份（默认按通知标题）")
    cal_import.add_argument("--dry-run", action="store_true", help="只检查并列出会改变期限的案件，不导入")
    cal_import.set_defaults(handler=cmd_calendar_import)
    cal_show = cal_sub.add_parser("show", help="列出某年的放假和调休上班日")
    _common(cal_show, suppress=True)
    cal_show.add_argument("year", type=int, metavar="YEAR")
    cal_show.set_defaults(handler=cmd_calendar_show)

    audit_cmd = sub.add_parser("audit", help="审计日志")
    _common(audit_cmd, suppress=True)
    audit_sub = audit_cmd.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_sub.add_parser("verify", help="校验审计日志哈希链")
    _common(verify, suppress=True)
    verify.set_defaults(handler=cmd_audit_verify)
    return parser


STATION_OPTIONS = {
    "name": "name",
    "code": "code",
    "host-business": "host_business",
    "address": "address",
    "phone": "phone",
    "body-12315": "body_12315",
    "body-amr": "body_amr",
    "body-cca": "body_cca",
    "site-type": "site_type",
    "hours": "hours",
}


def _station_label(field: str) -> str:
    from weiquan_desktop.services.station import PROFILE_FIELDS

    label, needed = PROFILE_FIELDS[field]
    return label + ("（必填）" if needed else "")


def cmd_station_show(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from weiquan_desktop.services import station

    _open(args)
    profile = station.load_profile()
    if profile is None:
        print("尚未填写站点信息：请用 weiquan-desktop station set 填写，或在程序窗口中填写。")
        return 0
    for field, value in asdict(profile).items():
        print(f"{station.PROFILE_FIELDS[field][0]}：{value or '—'}")
    return 0


def cmd_station_set(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from weiquan_desktop.services import station

    _open(args)
    given = {
        field: getattr(args, field) for field in STATION_OPTIONS.values() if getattr(args, field) is not None
    }
    if not given:
        raise UserError("请至少给出一项要设置的站点信息，如 --name 或 --code。")
    before = station.load_profile()
    profile = replace(before or station.StationProfile(), **given)
    station.save_profile(profile, actor=args.staff)
    print(("已修改" if before else "已新建") + f"站点信息：{profile.name}（{profile.code}）。")
    return 0


ROLE_ALIASES = {
    "协调员": "协调员/联络员",
    "联络员": "协调员/联络员",
    "工作人员": "工作人员/和解员",
    "和解员": "工作人员/和解员",
}


def _role(text: str) -> str:
    from weiquan_desktop import domain

    role = ROLE_ALIASES.get(text.strip(), text.strip())
    if role not in domain.STAFF_ROLES:
        raise argparse.ArgumentTypeError(
            f"职务应为：{'、'.join(domain.STAFF_ROLES)}（也可写 协调员、联络员、工作人员、和解员）"
        )
    return role


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text}") from None


def _password(prompt: str, variable: str = "WEIQUAN_PASSWORD", *, twice: bool = False) -> str:
    password = os.environ.get(variable)
    if password is not None:
        return password
    from weiquan_desktop.console import has_console_input

    if not has_console_input():
        raise UserError(f"需要密码：请在提示时输入，或设置环境变量 {variable}。")
    typed = getpass.getpass(prompt)
    if twice and getpass.getpass("再输一次：") != typed:
        raise UserError("两次输入的密码不一致，未作改动。")
    return typed


def _open(args: argparse.Namespace, *, login: bool = True) -> DataDir:
    """Open the data folder; once accounts exist, log the user in (spec/cli.md)."""
    from weiquan_desktop.services import auth
    from weiquan_desktop.services.session import on_start, open_session

    data_dir = DataDir(resolve_data_dir(args.data_dir)).ensure()
    logsetup.configure(data_dir.logs)
    open_session(data_dir, args.database)
    if getattr(args, "handler", None) not in (cmd_check, cmd_audit_verify):  # they report these themselves
        notes = on_start(data_dir)
        for line in notes.problems + notes.done:
            print(f"警告：{line}", file=sys.stderr)
    args.staff = None
    if login and auth.accounts_exist():
        if not getattr(args, "user", None):
            raise UserError("本站已设置工作人员账号，请用 --user 指定登录名。")
        args.staff = auth.authenticate(args.user, _password(f"{args.user} 的密码："))
        if args.staff.must_change_password and getattr(args, "handler", None) is not cmd_user_passwd:
            raise UserError(
                f"账号 {args.user} 的初始密码由他人设置，请先修改密码：在程序窗口登录，或运行 "
                f"weiquan-desktop user passwd --user {args.user}（新密码从提示输入或 WEIQUAN_NEW_PASSWORD）。"
            )
    return data_dir


def cmd_demo(args: argparse.Namespace) -> int:
    from weiquan_desktop.services import demo

    if args.records < 0:
        raise UserError("--records 不能为负数。")
    data_dir = _open(args)
    count = demo.generate(args.records, args.seed, actor=args.staff)
    print(f"已在 {data_dir.root} 生成 {count} 条演示记录。")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from weiquan_desktop import worker
    from weiquan_desktop.services import health

    data_dir = _open(args)
    report = health.check(data_dir, actor=args.staff)
    failure = worker.probe(data_dir.root, args.database)  # exports and imports run in such a process
    if failure is None:
        report.good("后台工作进程可以启动（导出、导入在其中进行）")
    else:
        report.bad(f"后台工作进程无法启动：{failure}；导出和导入将不能使用，请检查安全软件是否拦截了本程序")
    for line in report.lines:
        print(line)
    if not report.ok:
        print(f"发现 {len(report.problems)} 个问题。", file=sys.stderr)
        return 1
    print("检查完成，未发现问题。")
    return 0


def cmd_export_ledger(args: argparse.Namespace) -> int:
    from weiquan_desktop.services import exchange

    _open(args)
    result = exchange.export_ledger(
        Path(args.out), args.date_from, args.date_to, masked=not args.unmasked, actor=args.staff
    )
    note = "（个人信息已去标识化）" if result.masked else "（含完整个人信息，请妥善保管）"
    print(f"已导出 {result.rows} 条记录到 {result.path}{note}。")
    if result.estimated:
        print(f"其中 {result.estimated} 条记录的期限按法定节假日估算（该年度尚未导入国务院放假通知）。")
    return 0


def cmd_import_ledger(args: argparse.Namespace) -> int:
    from weiquan_desktop.services import ledger_import

    _open(args)
    report = ledger_import.import_ledger(Path(args.file), dry_run=args.dry_run, actor=args.staff)
    for warning in report.warnings:
        print(f"提示：{warning}")
    if not report.ok:
        shown = report.errors[:50]
        more = f"\n……另有 {len(report.errors) - 50} 处错误" if len(report.errors) > 50 else ""
        print(
            f"导入失败，未导入任何记录。{Path(args.file).name} 中有 {len(report.errors)} 处错误：\n"
            + "\n".join(str(e) for e in shown)
            + more,
            file=sys.stderr,
        )
        return 1
    if report.dry_run:
        print(f"检查通过：{report.rows} 条记录均可导入（未导入，因为使用了 --dry-run）。")
    else:
        print(f"已导入 {report.created} 条记录。")
    return 0


def cmd_calendar_import(args: argparse.Namespace) -> int:
    from weiquan_desktop.services import calendar_rules

    _open(args)
    text = calendar_rules.read_notice_file(Path(args.file))
    preview = (
        calendar_rules.preview_notice(text, args.year)
        if args.dry_run
        else calendar_rules.import_notice(text, args.year, actor=args.staff)
    )
    notice = preview.notice
    if not notice.ok:
        print(
            "放假通知未导入，日历没有改动：\n" + "\n".join(notice.problems or ["没有读到放假日期。"]),
            file=sys.stderr,
        )
        return 1
    for item in preview.redated:
        print(item.text())
    verb = "检查通过（未导入，因为使用了 --dry-run）" if args.dry_run else "已导入"
    print(
        f"{verb}：{notice.year}年放假 {len(notice.holidays)} 天，调休上班 {len(notice.workdays)} 天；"
        f"{len(preview.redated)} 件案件的期限{'将' if args.dry_run else '已'}重新计算。"
    )
    return 0


def cmd_calendar_show(args: argparse.Namespace) -> int:
    from weiquan_desktop.services import calendar_rules, deadlines

    _open(args)
    calendar = deadlines.WorkCalendar.from_database()
    days = calendar_rules.year_days(args.year)
    for day, workday, name in days:
        print(
            f"{day.isoformat()}　星期{'一二三四五六日'[day.weekday()]}　{'调休上班' if workday else '放假'}　{name}"
        )
    state = (
        "估算（尚未导入国务院放假通知，按法定节假日计）"
        if calendar.is_estimated_year(args.year)
        else "已确定"
    )
    print(f"{args.year}年：{state}。")
    return 0


def _text_file(path: str | None, what: str) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8-sig").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(
            f"无法读取{what}文件 {path}：{getattr(exc, 'strerror', None) or exc}（应为 UTF-8 文本）"
        ) from None


def cmd_report(args: argparse.Namespace) -> int:
    import json

    from weiquan_desktop.services import report_export, statistics, summary

    period = statistics.parse_period(args.period)
    if args.ledger:
        return _report_combined(args, period)
    _open(args)
    hotspots, measures = _text_file(args.hotspots, "热点分析"), _text_file(args.measures, "整改措施") or ""
    if args.snapshot is not None:
        frozen = statistics.snapshot(args.snapshot)
        if (frozen.period.start, frozen.period.end) != (period.start, period.end):
            raise UserError(
                f"第 {args.snapshot} 号已报送报表的期间是 {frozen.label}，与 {args.period} 不符。"
            )
        figures, hotspots, measures = frozen.figures, frozen.hotspots, frozen.measures
        submitted = args.submitted or frozen.created_at.date()
    else:
        figures = statistics.report(period)
        submitted = args.submitted
        if hotspots is None:
            hotspots = statistics.draft_hotspots(figures)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    signed = report_export.Signed(args.staff.name if args.staff else None, args.checked_by, submitted)
    if args.freeze and args.snapshot is None:
        number = statistics.save_snapshot(period, figures, hotspots, measures, actor=args.staff)
        print(f"已保存为第 {number} 号已报送报表。")
    if args.summary:
        sections = summary.parse_sections(_text_file(args.sections, "小结") or "")
        out = summary.to_pdf(
            period, Path(args.summary), sections=sections, signed=signed, actor=args.staff, figures=figures
        )
    elif args.xlsx:
        out = report_export.to_xlsx(
            figures,
            period,
            Path(args.xlsx),
            hotspots=hotspots,
            measures=measures,
            signed=signed,
            actor=args.staff,
        )
    else:
        out = report_export.to_pdf(
            figures,
            period,
            Path(args.pdf),
            hotspots=hotspots,
            measures=measures,
            signed=signed,
            actor=args.staff,
        )
    print(f"已生成 {out}。")
    return 0


def _report_combined(args: argparse.Namespace, period: Period) -> int:
    """Several stations' ledgers added up in a scratch database: the station's own data is never opened."""
    import json

    from weiquan_desktop.services import combined

    view = combined.combine([Path(p) for p in args.ledger], period)
    if args.json:
        print(json.dumps(view.as_json(), ensure_ascii=False, indent=2))
    else:
        out = combined.to_xlsx(view, Path(args.xlsx)) if args.xlsx else None
        if out is None:
            raise UserError("汇总多个服务站时请用 --json 或 --xlsx。")
        print(f"已生成 {out}。")
    for line in view.warnings:
        print(f"提示：{line}", file=sys.stderr)
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from weiquan_desktop.services import printing

    _open(args)
    out = printing.print_document(args.doc, args.case_no, Path(args.out), actor=args.staff)
    print(f"已生成 {out}。")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from weiquan_desktop.services import backup

    data_dir = _open(args)
    info = backup.create_archive(data_dir, Path(args.dest), actor=args.staff)
    print(f"已备份到 {info.path}：{info.records} 条记录、{info.attachments} 个附件，校验通过。")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from weiquan_desktop.services import backup
    from weiquan_desktop.services.session import close_session

    data_dir = DataDir(resolve_data_dir(args.data_dir)).ensure()
    logsetup.configure(data_dir.logs)
    backup.check_target(data_dir, args.database)  # the login and the restore act on the same database
    args.database = None
    try:
        _open(args)
    except UserError as exc:
        if not data_dir.database.exists() or "已损坏" not in str(exc):
            raise
        # a damaged database is exactly what a restore is for: who may do it is read from the backups
        print(f"当前数据库无法打开（{exc}），将按备份中的账号核对权限。", file=sys.stderr)
        password = _password(f"{args.user} 的密码：") if getattr(args, "user", None) else ""
        grant = backup.authorise_restore_damaged(
            data_dir, getattr(args, "user", None), password, Path(args.src)
        )
    else:
        grant = backup.authorise_restore(args.staff, data_dir)
        close_session()
    info, safety = backup.restore(Path(args.src), data_dir, grant, other_station=args.other_station)
    backup.reopen_after_restore(data_dir, info, grant)
    kept = f"；原数据已另存为 {safety}" if safety else ""
    print(f"已从 {info.path.name}（{info.created_at:%Y-%m-%d %H:%M}，{info.records} 条记录）恢复{kept}。")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    from weiquan_desktop.services import auth

    _open(args)
    first = not auth.accounts_exist()
    # the very first account (no one to log in as) may take WEIQUAN_PASSWORD; any later one has a source of
    # its own, never the creating head's password
    if first and "WEIQUAN_NEW_PASSWORD" not in os.environ:
        password = _password(f"{args.name} 的密码：", twice=True)
    else:
        password = _password(f"{args.name} 的初始密码：", "WEIQUAN_NEW_PASSWORD", twice=True)
    account = auth.create_account(
        args.full_name or args.name, args.role, args.name, password, actor=args.staff
    )
    note = "" if first else "；首次登录时须修改此初始密码"
    print(f"已新增账号 {account.username}（{account.name}，{account.role}）{note}。")
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    from weiquan_desktop.services import auth

    _open(args)
    if args.staff is None:
        raise UserError("本站尚未设置账号；用 user add 新增站长账号。")
    new = _password("新密码：", "WEIQUAN_NEW_PASSWORD", twice=True)
    auth.change_password(args.staff, _password(f"{args.user} 的原密码："), new)
    print(f"账号 {args.user} 的密码已修改。")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from weiquan_desktop.services import health

    _open(args)
    report = health.verify_audit(args.staff)
    if not report.ok:
        print(f"审计日志校验失败：{report.reason}。共检查 {report.rows} 条。", file=sys.stderr)
        return 1
    print(f"审计日志校验通过：共 {report.rows} 条，哈希链完整。")
    return 0


def run_gui(args: argparse.Namespace) -> int:
    from weiquan_desktop.ui.app import run

    return run(resolve_data_dir(args.data_dir), args.database, quit_after_start=args.quit_after_start)


def main(argv: Sequence[str] | None = None) -> int:
    from weiquan_desktop.console import prepare_streams

    prepare_streams()
    if hasattr(os, "umask"):
        os.umask(0o077)  # every file the program makes (backups, exports, logs) is its user's alone
    args = gui_start(argv) or build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = getattr(args, "handler", run_gui)
    try:
        return handler(args)
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断，未作改动。", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the contract is one paragraph and no traceback
        from weiquan_desktop.fileio import describe_os_error
        from weiquan_desktop.models.db import storage_error

        refused = storage_error(exc)
        storage = str(refused) if refused is not None else None
        if storage is None and isinstance(exc, OSError):
            storage = describe_os_error(exc, Path(exc.filename or ".")) + "没有作任何改动。"
        if storage is not None:
            log.warning("command failed on storage: %s", exc)
            print(f"错误：{storage}", file=sys.stderr)
            return 1
        if not logsetup.is_configured():  # failed before the data folder was opened: its log still gets it
            try:
                logsetup.configure(DataDir(resolve_data_dir(getattr(args, "data_dir", None))).logs)
            except OSError:
                logging.getLogger().addHandler(logging.NullHandler())  # never a traceback on stderr
        log.exception("command failed")
        print(
            f"错误：程序内部错误（{type(exc).__name__}: {exc}），未作改动。详情已写入日志文件。",
            file=sys.stderr,
        )
        return 1
