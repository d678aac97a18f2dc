"""weiquan-desktop: the offline desk application of a 12315 consumer-rights service station."""

__version__ = "0.1.0"
APP_NAME = "weiquan-desktop"
APP_TITLE = "12315消费维权服务站工作台"


def _import_peewee_without_psycopg() -> None:
    """peewee imports psycopg when it is installed (about 80 ms at every start), though only a shared
    PostgreSQL database needs it: load peewee with psycopg hidden; models.db.postgres_database() hands the
    driver to peewee when a server is opened."""
    import sys

    if "peewee" in sys.modules or "psycopg" in sys.modules:
        return
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # makes `import psycopg` fail fast
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg"]


_import_peewee_without_psycopg()
