"""A mypy plugin for one gap in peewee's own stubs: rows read as tuples or dicts.

peewee types `query.tuples()` and `query.dicts()` as returning the same query, so iterating
`Record.select(Record.id, Record.kind).tuples()` is typed as yielding Record instances and every
`for rid, kind in ...` is an error. Their rows are plain tuples and dicts of whatever the columns hold, so
the plugin types them as Any; everything else keeps the stubs' types.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.plugin import MethodContext, Plugin
from mypy.types import AnyType, Instance, Type, TypeOfAny

ROW_SHAPES = {"tuples", "dicts", "namedtuples"}  # the hook is asked by the receiver's class: any peewee query


def _rows_of_any(ctx: MethodContext) -> Type:
    typ = ctx.default_return_type
    if isinstance(typ, Instance) and typ.args:
        return typ.copy_modified(args=[AnyType(TypeOfAny.special_form)] * len(typ.args))
    return typ


class PeeweeRows(Plugin):
    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        module, _, method = fullname.rpartition(".")
        return _rows_of_any if module.startswith("peewee.") and method in ROW_SHAPES else None


def plugin(version: str) -> type[Plugin]:
    return PeeweeRows
