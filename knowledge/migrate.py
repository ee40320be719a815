"""The database schema, created and upgraded by Alembic migrations (``knowledge/migrations``).

Every way of opening the database (the knowledge store, the console, the tests) calls
``upgrade``: a new database gets every table, a database made by an earlier release gets the
new ones without losing a row. A schema change is a new file in ``migrations/versions``.
"""
from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

SCRIPTS = Path(__file__).resolve().parent / "migrations"
_lock = threading.Lock()


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    with _lock, engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # the web server and the action server may open the database at the same time
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(724113)")
        cfg = config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def current(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
