"""The layers, enforced (docs/ARCHITECTURE.md): every import of every module, including those inside
functions, read from the source with ast. A rule broken here is how the restore hole of issue #13 began
(the window checked a permission against the database the services did not use)."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

from weiquan_desktop import domain

PACKAGE = ROOT / "weiquan_desktop"


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def _broken(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{line} imports {name}"
        for path in files
        for line, name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


def test_the_ui_reaches_the_database_only_through_the_services():
    """ui/ gets plain data from services/; it never imports the models, peewee or a database driver."""
    assert not _broken(
        _modules(PACKAGE / "ui"), ("weiquan_desktop.models", "peewee", "playhouse", "psycopg", "sqlite3")
    )


def test_services_models_and_the_core_are_qt_free():
    """Everything outside ui/ runs without Qt: the CLI, the worker processes and the tests of rules."""
    outside_ui = [p for p in _modules(PACKAGE) if "ui" not in p.relative_to(PACKAGE).parts]
    assert outside_ui
    assert not _broken(outside_ui, ("PySide6", "shiboken6"))


def test_models_know_nothing_of_services_or_ui():
    assert not _broken(_modules(PACKAGE / "models"), ("weiquan_desktop.services", "weiquan_desktop.ui"))


def test_services_never_reach_up_into_the_ui():
    assert not _broken(_modules(PACKAGE / "services"), ("weiquan_desktop.ui",))


def test_the_checks_would_see_a_violation(tmp_path):
    """The walker finds imports inside functions and in every form."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "def f():\n    from weiquan_desktop.models.schema import Record\n"
        "import peewee as pw\nfrom PySide6 import QtCore\n",
        encoding="utf-8",
    )
    names = [name for _line, name in _imports(probe)]
    assert "weiquan_desktop.models.schema" in names and "peewee" in names and "PySide6.QtCore" in names
    assert len(_broken([probe], ("weiquan_desktop.models", "PySide6"))) == 4  # each: the module and the name


# --- the vocabulary: kinds, states and decisions are domain.py's enums, never spelled out in a rule -------

VOCABULARY = {str(v) for enum in (domain.Kind, domain.State, domain.Decision) for v in enum}


def _spelled_out_rules(path: Path) -> list[str]:
    """A kind, state or decision written as a string literal where a rule compares or looks it up: either
    side of ==, != or in (alone or in a tuple, list or set), in ``.in_(...)``, as a dict key, assigned or
    passed by keyword. Read from the syntax tree, so inside f-strings too. Display strings (a dialog's
    title, a column's width sample) stand alone and are not found."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))

    def literals(node: ast.AST | None) -> list[ast.Constant]:
        if isinstance(node, ast.Constant) and node.value in VOCABULARY:
            return [node]
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return [c for element in node.elts for c in literals(element)]
        return []

    found: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                found += literals(side)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "in_":
            found += [c for arg in node.args for c in literals(arg)]
        elif isinstance(node, ast.Dict):
            found += [c for key in node.keys for c in literals(key)]
        elif (
            isinstance(node, (ast.Assign, ast.AnnAssign))
            and isinstance(node.value, ast.Constant)
            or isinstance(node, ast.keyword)
        ):
            found += literals(node.value)
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return [f"{where}:{c.lineno} {c.value}" for c in sorted(found, key=lambda c: (c.lineno, c.col_offset))]


def test_rules_name_the_vocabulary_by_its_enums():
    files = [p for p in _modules(PACKAGE) if p.name not in ("domain.py", "migrations.py")]
    assert [hit for path in files for hit in _spelled_out_rules(path)] == []


def test_the_vocabulary_check_would_see_a_rule_spelled_out(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        'if record.state == "调解中" or kind in ("投诉", "举报"):\n    x = {"已和解": 1}\n'
        'record.state = "调解终止"\nQMessageBox.question(self, "调解终止", "……")\n'
        'text = f"{1 if record.kind in (\'咨询\',) else 0}"\nq.where(Record.state.in_(["已移交"]))\n'
        'intake.decide(record_id, decision="不予受理")\n',
        encoding="utf-8",
    )
    found = [hit.split()[1] for hit in _spelled_out_rules(bad)]
    # the dialog's title stays a string; inside an f-string and in .in_() the rule is found
    assert found == ["调解中", "投诉", "举报", "已和解", "调解终止", "咨询", "已移交", "不予受理"]


def test_the_enums_are_stored_as_their_chinese_values(db):
    """A member bound as a parameter is written as its value on SQLite and PostgreSQL alike (psycopg dumps a
    str subclass as text, not an Enum by name), and what is read back compares equal to the member."""
    from weiquan_desktop.models.schema import Record
    from weiquan_desktop.services import demo, intake, station

    station.save_profile(demo.DEMO_PROFILE)
    saved = intake.register(
        intake.IntakeForm(
            kind=domain.Kind.CONSULTATION, source=domain.Source.PHONE, facts="营业时间？", answer="九点到九点"
        )
    )
    kind, state, source = db.execute_sql(
        f"SELECT kind, state, source FROM record WHERE id = {int(saved.id)}"
    ).fetchone()
    assert (kind, state, source) == ("咨询", "已解答", "电话")
    assert type(kind) is str and kind == domain.Kind.CONSULTATION
    assert Record.select().where(Record.state == domain.State.ANSWERED).count() == 1
