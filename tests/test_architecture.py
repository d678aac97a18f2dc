"""The layers, enforced (docs/ARCHITECTURE.md): every import of every module, including those inside
functions, read from the source with ast. A rule broken here is how the restore hole of issue #13 began
(the window checked a permission against the database the services did not use)."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

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
