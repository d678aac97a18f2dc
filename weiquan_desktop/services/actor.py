"""Who is acting: made once at login (services.auth) and handed to every service call.

The services decide with it what is allowed and record it in the history and the audit log; the window,
the command line and the worker process all pass the same kind of object. ``None`` stands for a station
that has no accounts yet (a new data folder), where everything is allowed until the head's account exists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    id: int | None  # the staff member's id; None for the program acting on its own (automatic backup)
    name: str
    role: str | None
    permissions: frozenset[str]
    username: str | None = None
    must_change_password: bool = False  # the password was set by someone else

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def label(self) -> str:
        return f"{self.name}（{self.role}）" if self.role else self.name


def name_of(actor: Actor | None) -> str | None:
    """The name written into history and audit rows."""
    return actor.name if actor is not None else None


def id_of(actor: Actor | None) -> int | None:
    return actor.id if actor is not None else None


# The program itself, for the half-hourly backup while a desk is logged in (it needs no login of its own).
AUTOMATIC_BACKUP = Actor(None, "自动备份", None, frozenset({"backup"}))
