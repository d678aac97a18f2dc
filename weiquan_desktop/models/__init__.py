"""Peewee models, database setup and migrations. Never imports the UI."""

from weiquan_desktop.models.db import close_database, open_database, write_transaction
from weiquan_desktop.models.schema import *  # noqa: F403
from weiquan_desktop.models.schema import ALL_MODELS, database_proxy

__all__ = ["ALL_MODELS", "close_database", "database_proxy", "open_database", "write_transaction"]
