import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("WEIQUAN_DATA_DIR", None)

import pytest  # noqa: E402

from weiquan_desktop.models import close_database, open_database  # noqa: E402
from weiquan_desktop.paths import DataDir  # noqa: E402


@pytest.fixture
def data_dir(tmp_path):
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture
def db(data_dir):
    """A fresh database file per test."""
    database = open_database(data_dir)
    yield database
    close_database()


@pytest.fixture
def demo_db(db):
    from weiquan_desktop.services import demo

    demo.generate(300, seed=7)
    return db


@pytest.fixture
def app(qapp):
    """The QApplication set up as the program sets it up (fonts, translations)."""
    from weiquan_desktop.ui.app import application

    return application()
