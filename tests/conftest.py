import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("WEIQUAN_DATA_DIR", None)

import uuid  # noqa: E402
from urllib.parse import urlparse, urlunparse  # noqa: E402

import pytest  # noqa: E402

from weiquan_desktop.models import close_database, open_database  # noqa: E402
from weiquan_desktop.paths import DataDir  # noqa: E402

# WEIQUAN_TEST_PG=postgresql://user@/postgres?host=/socket&port=5432 runs the suite against PostgreSQL:
# each test gets a database of its own; tests of SQLite's own machinery are marked sqlite_only.
PG = os.environ.get("WEIQUAN_TEST_PG")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: exercises SQLite itself (files, pragmas, backup API)")


def pytest_collection_modifyitems(config, items):
    if PG:
        skip = pytest.mark.skip(reason="SQLite-only test; this run is against PostgreSQL")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)


def _pg_url(name: str) -> str:
    return urlunparse(urlparse(PG)._replace(path=f"/{name}"))


@pytest.fixture
def data_dir(tmp_path):
    return DataDir(tmp_path / "data").ensure()


def _pg_admin_dsn() -> dict:
    parts = urlparse(PG)
    dsn = {"dbname": parts.path.lstrip("/") or "postgres", "user": parts.username}
    dsn.update({k: v for k, v in (p.split("=", 1) for p in parts.query.split("&") if p)})
    return dsn


@pytest.fixture
def new_pg():
    """Makes new, empty PostgreSQL databases and returns their URLs; all are dropped afterwards."""
    import psycopg

    made: list[str] = []

    def make() -> str:
        name = f"wq_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(autocommit=True, **_pg_admin_dsn()) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return _pg_url(name)

    yield make
    close_database()
    with psycopg.connect(autocommit=True, **_pg_admin_dsn()) as admin:
        for name in made:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def empty_pg(request):
    """A new, empty PostgreSQL database's URL; None when this run is on SQLite."""
    return request.getfixturevalue("new_pg")() if PG else None


@pytest.fixture
def db(data_dir):
    """A fresh database per test: a SQLite file, or a new PostgreSQL database when WEIQUAN_TEST_PG is set."""
    if not PG:
        database = open_database(data_dir)
        database.test_url = None
        yield database
        close_database()
        return
    import psycopg

    name = f"wq_{uuid.uuid4().hex[:12]}"
    dsn = _pg_admin_dsn()
    with psycopg.connect(autocommit=True, **dsn) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database = open_database(data_dir, _pg_url(name))
    database.test_url = _pg_url(name)  # for tests that start other processes on the same database
    yield database
    close_database()
    with psycopg.connect(autocommit=True, **dsn) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


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
