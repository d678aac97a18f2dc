"""The whole data model.

Later capabilities add behaviour, not tables. Conventions: times are naive local datetimes (a station works
in one time zone), money is a MoneyField (integer fen), lists the station may edit are tables, and the
Chinese vocabulary of domain.py is stored as-is so the ledger and the database agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from weiquan_desktop.models.fields import MoneyField

database_proxy = DatabaseProxy()


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


class BaseModel(Model):
    # For mypy: the key peewee adds to a model without one of its own; each ForeignKeyField's key column
    # (x_id) is annotated beside it. Neither changes what peewee builds.
    if TYPE_CHECKING:
        id = AutoField()

    class Meta:
        database = database_proxy
        legacy_table_names = False


class SchemaInfo(BaseModel):
    """One row: the schema version this database is at."""

    version = IntegerField()


class Setting(BaseModel):
    """Station-wide preferences (mask on print, idle lock minutes, retention years...)."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()


# --- the station -----------------------------------------------------------------------------------------


class Station(BaseModel):
    """The station profile: one row."""

    name = CharField(max_length=100)
    code = CharField(max_length=16)
    site_type = CharField(max_length=8, null=True)
    host_business = CharField(max_length=100)
    address = CharField(max_length=200)
    phone = CharField(max_length=40)
    hours = CharField(max_length=100, null=True)
    # 五有 checklist, JSON: {item: {"ok": bool, "note": str}}
    wuyou = TextField(default="{}")
    created_at = DateTimeField(default=_now)
    updated_at = DateTimeField(default=_now)


class Body(BaseModel):
    """A jurisdiction body the station answers to or refers cases to (12315 / 市场监管所 / 消协 / other)."""

    kind = CharField(max_length=16)
    name = CharField(max_length=100)
    contact = CharField(max_length=50, null=True)
    phone = CharField(max_length=40, null=True)
    address = CharField(max_length=200, null=True)
    active = BooleanField(default=True)


class Business(BaseModel):
    """A business at the site that can be complained about (被投诉方)."""

    name = CharField(max_length=100, index=True)
    booth = CharField(max_length=50, null=True)
    contact = CharField(max_length=50, null=True)
    phone = CharField(max_length=40, null=True)
    licence_no = CharField(max_length=40, null=True)
    address = CharField(max_length=200, null=True)
    # pinyin initials of the name, for autocomplete by e.g. "mdl" (麦当劳)
    initials = CharField(max_length=100, default="", index=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=_now)


class Staff(BaseModel):
    name = CharField(max_length=50)
    role = CharField(max_length=16)
    phone = CharField(max_length=40, null=True)
    education = CharField(max_length=16, null=True)
    # A staff member linked to a business (e.g. employed by it) may not mediate complaints against it.
    business = ForeignKeyField(Business, null=True, on_delete="SET NULL")
    business_id: int | None
    username = CharField(max_length=50, null=True, unique=True)
    password_hash = TextField(null=True)
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    password_changed_at = DateTimeField(null=True)
    must_change_password = BooleanField(default=False)  # set by someone else: changed at first login (v3)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=_now)


class Training(BaseModel):
    staff = ForeignKeyField(Staff, backref="trainings", on_delete="CASCADE")
    staff_id: int
    held_on = DateField()
    topic = CharField(max_length=200)
    hours = IntegerField(null=True)
    organiser = CharField(max_length=100, null=True)


class CoordinatorFiling(BaseModel):
    """备案 of a change of coordinator, filed with the bureau."""

    previous = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    previous_id: int | None
    successor = ForeignKeyField(Staff, backref="+", on_delete="RESTRICT")
    successor_id: int
    changed_on = DateField()
    filed_with = CharField(max_length=100, null=True)
    reason = TextField(null=True)
    created_at = DateTimeField(default=_now)


# --- records ---------------------------------------------------------------------------------------------


class CaseSequence(BaseModel):
    """Last case number used per year: incremented in the same transaction as the insert (gapless)."""

    year = IntegerField(primary_key=True)
    last = IntegerField(default=0)


class Record(BaseModel):
    """A consultation, complaint, report or suggestion (one row of the 台账)."""

    case_no = CharField(max_length=40, unique=True)
    kind = CharField(max_length=4)
    source = CharField(max_length=10)
    received_at = DateTimeField()
    state = CharField(max_length=8)
    # complainant / consumer
    complainant_name = CharField(max_length=50, null=True)
    phone = CharField(max_length=40, null=True, index=True)
    id_type = CharField(max_length=20, null=True)
    id_number = CharField(max_length=40, null=True)
    address = CharField(max_length=200, null=True)
    anonymous = BooleanField(default=False)
    consent_publish = BooleanField(default=False)
    consent_mediation = BooleanField(default=True)
    agent_name = CharField(max_length=50, null=True)
    agent_id_number = CharField(max_length=40, null=True)
    agent_authorisation = TextField(null=True)  # matters, powers, period of the 授权委托书
    agent_phone = CharField(max_length=40, null=True)  # v3
    # respondent: the business as registered (the name is kept as it was on the day, even if renamed later)
    respondent = ForeignKeyField(Business, null=True, backref="records", on_delete="SET NULL")
    respondent_id: int | None
    respondent_name = CharField(max_length=100, null=True)
    # the respondent's contact as registered (from the business record, or typed for one not on file); v3
    respondent_contact = CharField(max_length=50, null=True)
    respondent_phone = CharField(max_length=40, null=True)
    respondent_address = CharField(max_length=200, null=True)
    # goods or service and classification
    category_group = CharField(max_length=4, null=True)
    category = CharField(max_length=20, null=True)
    item = CharField(max_length=100, null=True)
    nature = CharField(max_length=8, null=True)
    purchase_date = DateField(null=True)
    amount = MoneyField(null=True)
    place = CharField(max_length=100, null=True)
    facts = TextField(null=True)
    demands = CharField(max_length=100, null=True)  # joined with 、
    clues = TextField(null=True)  # 举报: the concrete leads
    evidence = TextField(null=True)  # 证明材料 the consumer showed or handed in (receipt, photos...); v3
    # handling
    answer = TextField(null=True)  # consultation answered on the spot
    reply_due = DateTimeField(null=True)  # consultation: agreed reply time
    decision = CharField(max_length=4, null=True)  # 受理 / 不予受理
    decided_at = DateTimeField(null=True)
    rejection_ground = TextField(null=True)
    termination_ground = TextField(null=True)
    closed_at = DateTimeField(null=True)
    settlement = TextField(null=True)  # 和解内容 as text (the ledger column); terms are in SettlementTerm
    third_party = TextField(null=True)  # 和解协议书 丙方's name, when one takes part; schema v2
    third_party_role = CharField(max_length=50, null=True)  # e.g. 商场管理方, 生产厂家; v3
    third_party_contact = CharField(max_length=50, null=True)
    third_party_phone = CharField(max_length=40, null=True)
    third_party_address = CharField(max_length=200, null=True)
    termination_party = CharField(
        max_length=8, null=True
    )  # who refused or could not agree: 投诉人/被投诉人/双方; v3
    handover_note = TextField(null=True)  # a failed mediation not handed to 12315: why; v3
    recovered_amount = MoneyField(null=True)
    punitive_amount = MoneyField(null=True)
    punitive_basis = CharField(max_length=100, null=True)
    handler = ForeignKeyField(Staff, null=True, backref="records", on_delete="SET NULL")
    handler_id: int | None
    external_no = CharField(max_length=60, null=True, index=True)  # 12315 / bureau case number
    is_group = BooleanField(default=False)
    is_major = BooleanField(default=False)
    # a group or major case is reported to the bureau at once (v3)
    group_size = IntegerField(null=True)  # consumers concerned
    group_amount = MoneyField(null=True)  # their total amount
    major_reported_at = DateTimeField(null=True)
    major_reported_to = CharField(max_length=100, null=True)
    major_reported_by = CharField(max_length=50, null=True)
    external_due = DateField(
        null=True
    )  # the feedback deadline the 12315 or bureau sheet set, when it set one; v3
    forwarded_to = CharField(max_length=100, null=True)  # 建议: where it was passed on; v3
    satisfaction = CharField(max_length=8, null=True)
    remark = TextField(null=True)
    # bookkeeping
    search_text = TextField(default="")  # see text.search_text; schema v2
    # the next statutory deadline of an open record, kept current by services.deadlines (schema v2)
    next_due = DateField(null=True)
    due_label = CharField(max_length=10, null=True)
    due_estimated = BooleanField(default=False)
    version = IntegerField(default=1)  # optimistic locking: a save must name the version it read
    created_at = DateTimeField(default=_now)
    updated_at = DateTimeField(default=_now)
    deleted_at = DateTimeField(null=True)
    delete_reason = TextField(null=True)
    anonymised_at = DateTimeField(null=True)


# The register sorts and filters 200,000 records in SQL. Each of these partial indexes covers the live
# (not deleted) records in one order, so a register query is an index scan, not a table scan; the columns of
# few values (kind, state...) lead with the value and go on by date, serving both "filter" and "sort".
# The search index (received_at, id, search_text) is SQLite's only: see models/migrations.py.
REGISTER_INDEXES: tuple[tuple[str, ...], ...] = (
    ("received_at", "id", "next_due"),
    ("case_no",),
    ("kind", "received_at"),
    ("state", "received_at"),
    ("source", "received_at"),
    ("category", "received_at"),
    ("handler", "received_at"),
    ("amount",),
    ("respondent_name",),
    ("complainant_name",),
    ("next_due",),
)
for _columns in REGISTER_INDEXES:
    Record.add_index(
        *(getattr(Record, c) for c in _columns),
        where=Record.deleted_at.is_null(),
        name="record_alive_" + "_".join(_columns),
    )
# The statistics report counts a period from these alone (services.statistics._counts), a kind at a time.
# Every column the queries name is in the index,
# deleted_at too: SQLite does not count a partial index's own condition as covered, and without it took a
# narrower index and read the table row by row.
REPORT_INDEXES: dict[str, tuple[str, ...]] = {
    "record_report_received": (
        "kind",
        "received_at",
        "source",
        "decision",
        "state",
        "category",
        "nature",
        "is_group",
        "consent_publish",
        "decided_at",
        "respondent_name",
        "deleted_at",
    ),
    "record_report_closed": (
        "kind",
        "closed_at",
        "state",
        "source",
        "recovered_amount",
        "punitive_amount",
        "deleted_at",
    ),
}
for _name, _columns in REPORT_INDEXES.items():
    Record.add_index(*(getattr(Record, c) for c in _columns), where=Record.deleted_at.is_null(), name=_name)
# whether a record is deleted, by its id, without reading its row: the report's count of a year's return
# visits and referrals looks each one's record up (13 ms instead of 40 at 200,000 records)
Record.add_index(Record.id, Record.deleted_at, name="record_id_deleted_at")
# the follow-up list of group and major cases
Record.add_index(
    Record.received_at,
    where=(Record.deleted_at.is_null() & (Record.is_group | Record.is_major)),
    name="record_alive_group_received_at",
)


class RecordEvent(BaseModel):
    """Append-only history of a record: who did what, when."""

    record = ForeignKeyField(Record, backref="events", on_delete="CASCADE")
    record_id: int
    at = DateTimeField(default=_now)
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    staff_id: int | None
    actor = CharField(max_length=50, null=True)  # the name as it was, also for system actions
    action = CharField(max_length=30)
    from_state = CharField(max_length=8, null=True)
    to_state = CharField(max_length=8, null=True)
    detail = TextField(null=True)  # JSON
    # hash-chained like the audit log (v3; rows written before v3 have none and stay where they are)
    prev_hash = CharField(max_length=64, null=True)
    hash = CharField(max_length=64, null=True)


class ClockPause(BaseModel):
    """Time spent on 检验/检测/鉴定: the mediation clock stops."""

    record = ForeignKeyField(Record, backref="pauses", on_delete="CASCADE")
    record_id: int
    started_on = DateField()
    ended_on = DateField(null=True)
    reason = CharField(max_length=100)


class MediationSession(BaseModel):
    record = ForeignKeyField(Record, backref="sessions", on_delete="CASCADE")
    record_id: int
    held_at = DateTimeField()
    mode = CharField(max_length=4)  # 现场 / 电话 / 视频
    attendees = TextField(null=True)
    mediator = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    mediator_id: int | None
    consumer_statement = TextField(null=True)
    business_statement = TextField(null=True)
    notes = TextField(null=True)


class SettlementTerm(BaseModel):
    """One numbered term of a settlement agreement."""

    record = ForeignKeyField(Record, backref="terms", on_delete="CASCADE")
    record_id: int
    position = IntegerField()
    kind = CharField(max_length=8)
    amount = MoneyField(null=True)
    obligor = CharField(max_length=100, null=True)  # who does it
    action = TextField()  # what is done
    due_on = DateField(null=True)


class Referral(BaseModel):
    """A case or lead handed to a body (移交单), and the body's feedback."""

    record = ForeignKeyField(Record, backref="referrals", on_delete="CASCADE")
    record_id: int
    number = CharField(max_length=40, unique=True)
    body = ForeignKeyField(Body, null=True, backref="+", on_delete="SET NULL")
    body_id: int | None
    body_name = CharField(max_length=100)
    reason = CharField(max_length=16)
    materials = TextField(default="[]")  # JSON list of {"name", "count", "pages"}
    referred_at = DateTimeField()
    feedback_due = DateField(null=True)
    feedback_at = DateTimeField(null=True)
    feedback = TextField(null=True)

    class Meta:
        # referrals still awaiting feedback; the report's count of a period (v4)
        indexes = (
            (("feedback_at", "feedback_due"), False),
            (("referred_at", "feedback_due", "feedback_at", "record"), False),
        )


class TransferFeedback(BaseModel):
    """处理结果反馈单 content for a case passed down by 12315 or the bureau."""

    record = ForeignKeyField(Record, backref="feedbacks", on_delete="CASCADE")
    record_id: int
    handled_at = DateTimeField()
    process = TextField()
    method = CharField(max_length=50)
    result = TextField()
    sent_at = DateTimeField(null=True)


class RecordDuty(BaseModel):
    """Each duty of each live record as services.duties last computed it (v4): derived, rewritten with the
    record's next deadline, so the report counts a year's time limits in SQL instead of recomputing them."""

    record = ForeignKeyField(Record, backref="+", on_delete="CASCADE")
    record_id: int
    code = CharField(max_length=20)  # services.duties.LABELS
    due = DateField()
    due_at = DateTimeField(null=True)  # a limit in hours: the very minute
    done_at = DateTimeField(null=True)
    done_late = BooleanField(default=False)  # done after its time (fixed once done)
    paused = BooleanField(default=False)  # its clock stands still: ``due`` moves on each day
    about = CharField(max_length=200, default="")  # which referral

    class Meta:
        table_name = "record_duty"
        # the report's count of a period and the due panel's late list: for each code a range of days, read
        # from the index alone and already in code order (no sort)
        indexes = ((("code", "due", "done_late", "done_at", "due_at", "paused", "record"), False),)


# the records with a clock paused now, which the report counts as of today (services.duties.kept_in). Not a
# partial index: one with no rows has no statistics, and SQLite's PRAGMA optimize then re-analysed the table
# at every exit
RecordDuty.add_index(RecordDuty.paused, RecordDuty.record, name="record_duty_paused")


class ReturnVisit(BaseModel):
    record = ForeignKeyField(Record, backref="visits", on_delete="CASCADE")
    record_id: int
    visited_at = DateTimeField()
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    staff_id: int | None
    satisfaction = CharField(max_length=8)
    comment = TextField(null=True)
    method = CharField(max_length=8, null=True)  # 电话 / 上门 / 短信 / 微信; v3
    performance = TextField(null=True)  # whether the agreement was carried out; v3

    class Meta:
        indexes = ((("visited_at", "satisfaction", "record"), False),)  # the report's count of a period (v4)


class CaseNotice(BaseModel):
    """A notice to or a contact with a party, as it happened: the reply after acceptance, the rejection and
    termination notices, progress calls, an on-site check, a suggestion passed on and its answer (v3)."""

    record = ForeignKeyField(Record, backref="notices", on_delete="CASCADE")
    record_id: int
    kind = CharField(max_length=10)  # domain.NOTICE_KINDS
    at = DateTimeField()
    method = CharField(max_length=10)  # domain.NOTICE_METHODS
    party = CharField(max_length=100, null=True)  # to or with whom
    content = TextField(null=True)
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    staff_id: int | None
    actor = CharField(max_length=50, null=True)
    created_at = DateTimeField(default=_now)


class Activity(BaseModel):
    """Publicity and training (活动)."""

    held_on = DateField(index=True)
    type = CharField(max_length=10)
    place = CharField(max_length=100, null=True)
    participants = IntegerField(null=True)
    materials = TextField(null=True)  # materials handed out
    description = TextField(null=True)
    created_at = DateTimeField(default=_now)


class ActivityStaff(BaseModel):
    activity = ForeignKeyField(Activity, backref="staff_links", on_delete="CASCADE")
    activity_id: int
    staff = ForeignKeyField(Staff, backref="activity_links", on_delete="CASCADE")
    staff_id: int

    class Meta:
        indexes = ((("activity", "staff"), True),)


class Attachment(BaseModel):
    """A file kept in the data folder under its SHA-256: evidence, a printed document, an activity photo."""

    record = ForeignKeyField(Record, null=True, backref="attachments", on_delete="CASCADE")
    record_id: int | None
    activity = ForeignKeyField(Activity, null=True, backref="photos", on_delete="CASCADE")
    activity_id: int | None
    purpose = CharField(max_length=10)  # 证据 / 文书 / 照片
    sha256 = CharField(max_length=64, index=True)
    filename = CharField(max_length=255)
    mime = CharField(max_length=100, null=True)
    size = IntegerField()
    added_at = DateTimeField(default=_now)
    added_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    added_by_id: int | None


# --- rules and calendar ----------------------------------------------------------------------------------


class Holiday(BaseModel):
    """A station-entered calendar day that overrides chinesecalendar (holiday or make-up working day)."""

    day = DateField(primary_key=True)
    workday = BooleanField()  # True: make-up working day (调休上班); False: holiday
    name = CharField(max_length=50, null=True)


class TimeLimitRule(BaseModel):
    """A time limit in force from ``effective_from`` (rules are data: Order 20 -> Order 121 in 2026)."""

    code = CharField(max_length=30)
    effective_from = DateField()
    amount = IntegerField()
    unit = CharField(max_length=16)  # working_days / calendar_days / hours
    title = CharField(max_length=100)
    basis = CharField(max_length=200, null=True)

    class Meta:
        indexes = ((("code", "effective_from"), True),)


class GroundOption(BaseModel):
    """Editable lists of grounds: 不予受理 (rejection) and 终止调解 (termination)."""

    list_name = CharField(max_length=16)  # rejection / termination
    position = IntegerField()
    text = TextField()
    active = BooleanField(default=True)


# --- trail, reports, drafts ------------------------------------------------------------------------------


class AuditLog(BaseModel):
    """Append-only and hash-chained; triggers refuse UPDATE and DELETE."""

    id = AutoField()
    at = DateTimeField(default=_now)
    actor = CharField(max_length=50, null=True)
    action = CharField(max_length=30)
    entity = CharField(max_length=30, null=True)
    entity_id = CharField(max_length=40, null=True)
    detail = TextField(null=True)  # JSON
    prev_hash = CharField(max_length=64)
    hash = CharField(max_length=64)


class ReportSnapshot(BaseModel):
    """A statistics report as submitted: frozen figures and text."""

    period_start = DateField()
    period_end = DateField()
    label = CharField(max_length=40)
    figures = TextField()  # JSON per spec/report.md
    hotspots = TextField(null=True)
    measures = TextField(null=True)
    audit_head = CharField(max_length=64, null=True)
    created_at = DateTimeField(default=_now)
    created_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    created_by_id: int | None


class Draft(BaseModel):
    """An intake form being typed: autosaved, offered back after a crash."""

    form = CharField(max_length=30)
    staff = ForeignKeyField(Staff, null=True, backref="+", on_delete="CASCADE")
    staff_id: int | None
    payload = TextField()  # JSON
    updated_at = DateTimeField(default=_now)


ALL_MODELS: tuple[type[BaseModel], ...] = (
    SchemaInfo,
    Setting,
    Station,
    Body,
    Business,
    Staff,
    Training,
    CoordinatorFiling,
    CaseSequence,
    Record,
    RecordEvent,
    ClockPause,
    MediationSession,
    SettlementTerm,
    Referral,
    TransferFeedback,
    ReturnVisit,
    CaseNotice,
    RecordDuty,
    Activity,
    ActivityStaff,
    Attachment,
    Holiday,
    TimeLimitRule,
    GroundOption,
    AuditLog,
    ReportSnapshot,
    Draft,
)
