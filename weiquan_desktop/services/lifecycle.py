"""A record's life in one table: which state it may move to from which, and what can be done with it now.

Every state change goes through ``move`` (it checks the table, writes the change, a history event and an
audit row in the caller's transaction); the case window asks ``available_actions`` which buttons to show,
so the screen and the services cannot disagree about what a case allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from weiquan_desktop import domain
from weiquan_desktop.domain import Kind, State
from weiquan_desktop.errors import UserError, ValidationError
from weiquan_desktop.models.schema import Record
from weiquan_desktop.services.actor import Actor

if TYPE_CHECKING:  # views imports this module
    from weiquan_desktop.services.views import CaseView

# (kind, from state) -> {target state: the action that reaches it}
# fmt: off
TRANSITIONS: dict[tuple[str, str], dict[str, str]] = {
    (Kind.COMPLAINT, State.PENDING): {State.MEDIATING: "受理", State.REJECTED: "不予受理", State.REFERRED: "移交"},
    (Kind.COMPLAINT, State.MEDIATING): {State.SETTLED: "和解", State.TERMINATED: "终止调解", State.WITHDRAWN: "撤回",
                                        State.REFERRED: "移交"},
    (Kind.COMPLAINT, State.TERMINATED): {State.REFERRED: "移交"},
    (Kind.REPORT, State.REGISTERED): {State.REFERRED: "移交"},
    (Kind.SUGGESTION, State.REGISTERED): {State.CONCLUDED: "办结"},
    (Kind.CONSULTATION, State.AWAITING_REPLY): {State.ANSWERED: "答复"},
}
# fmt: on


def targets(kind: str, state: str) -> dict[str, str]:
    return TRANSITIONS.get((kind, state), {})


def check_move(record: Record, target: str, action: str) -> None:
    """Refuse what the table does not allow, saying why."""
    if target not in targets(record.kind, record.state):
        if record.state in domain.CLOSING_STATES.get(record.kind, ()):
            raise UserError(f"案件 {record.case_no} 已办结（{record.state}），不能再{action}。")
        raise UserError(f"案件 {record.case_no} 当前状态为“{record.state}”，不能{action}。")


def move(
    record: Record,
    target: str,
    action: str,
    actor: Actor | None,
    at: datetime,
    detail: dict | None = None,
    *,
    closes: bool | None = None,
) -> None:
    """Inside a write transaction: the state change with its history event and audit row. ``closes``
    defaults to whether the target is a closing state of the record's kind."""
    from weiquan_desktop.services import audit
    from weiquan_desktop.services.actor import name_of
    from weiquan_desktop.services.intake import add_event, save_changed

    check_move(record, target, action)
    if at < record.received_at:
        raise ValidationError(f"{action}时间不能早于登记时间。", "时间")
    before = record.state
    record.state = target
    if closes if closes is not None else target in domain.CLOSING_STATES.get(record.kind, ()):
        record.closed_at = at
    save_changed(record)
    add_event(record, action, actor, from_state=before, to_state=target, at=at, detail=detail)
    audit.append(
        "record.state",
        actor=name_of(actor),
        entity="record",
        entity_id=record.case_no,
        detail={"from": before, "to": target, **(detail or {})},
    )


@dataclass(frozen=True)
class Action:
    key: str
    label: str


# what can be done with a case besides changing its state, by kind and state (None: any state)
ACTION_LABELS = {
    "accept": "受理",
    "reject": "不予受理…",
    "answer": "答复…",
    "mediate": "调解…",
    "refer": "移交…",
    "close_suggestion": "办结…",
    "referral_feedback": "记录移交反馈…",
    "transfer_feedback": "转办反馈…",
    "visit": "回访…",
    "notice": "告知与联系…",
    "major": "报告群体性/重大…",
    "handover_note": "不移交的原因…",
    "edit": "修改登记…",
    "delete": "删除…",
}


def available_actions(view: CaseView, actor: Actor | None) -> list[Action]:
    """The actions a case in its current state allows ``actor``: ``view`` is a CaseView (services.views)."""
    from weiquan_desktop.services import auth

    kind, state = view.kind, view.state
    moves = targets(kind, state)
    keys: list[str] = []
    if kind == Kind.COMPLAINT and state == State.PENDING:
        keys += ["accept", "reject"]
    if kind == Kind.CONSULTATION and state == State.AWAITING_REPLY:
        keys.append("answer")
    if state == State.MEDIATING or view.has_sessions:
        keys.append("mediate")
    if State.REFERRED in moves:
        keys.append("refer")
    if State.CONCLUDED in moves:
        keys.append("close_suggestion")
    if view.pending_referral is not None:
        keys.append("referral_feedback")
    if view.source in domain.TRANSFER_SOURCES:
        keys.append("transfer_feedback")
    if kind == Kind.COMPLAINT and view.closed:
        keys.append("visit")
    if kind == Kind.COMPLAINT and state == State.TERMINATED and not view.handover_note:
        keys.append("handover_note")
    if kind in (Kind.COMPLAINT, Kind.REPORT, Kind.SUGGESTION):
        keys.append("notice")
    if kind == Kind.COMPLAINT and not view.closed:
        keys.append("major")
    if not view.deleted:
        keys.append("edit")
        if auth.can(actor, "delete"):
            keys.append("delete")
    labels = dict(ACTION_LABELS)
    if state != State.MEDIATING:
        labels["mediate"] = "调解记录…"  # the sessions and outcome to read; nothing more can be done there
    return [Action(key, labels[key]) for key in keys]
