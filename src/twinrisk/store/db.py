"""Engine and migrations.

``TWINRISK_DATABASE_URL`` picks the database (``postgresql://user@host/db`` uses
psycopg 3); without it the store is the SQLite file
``twinrisk.config.data_dir()/twinrisk.sqlite3`` in WAL mode with ``synchronous=FULL``,
so an acknowledged write survives a killed process.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: an arbitrary constant: the PostgreSQL advisory lock that serialises migrations
_PG_MIGRATION_LOCK = 0x7477696E  # "twin"


def database_url() -> str:
    """The configured database URL (the default SQLite file if none is configured)."""
    url = os.environ.get("TWINRISK_DATABASE_URL", "").strip()
    if url:
        return _normalise(url)
    from twinrisk.config import data_dir

    return f"sqlite:///{data_dir() / 'twinrisk.sqlite3'}"


def _normalise(url: str) -> str:
    # postgres:// and postgresql:// without a driver mean psycopg 3 here
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)


def redacted(url: str) -> str:
    """The URL with any password hidden, for logs and /readyz."""
    return make_url(url).render_as_string(hide_password=True)


def _private_file(path: Path) -> None:
    """Create the store's folder (0700) and file (0600) for the owner only, whatever the
    umask: the records name officers and their decisions. SQLite gives its -wal and
    -shm files the database file's permissions. Existing files and folders are left
    as their owner set them."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, 0o600)


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = _normalise(url) if url else database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            _private_file(Path(database))
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option(
        "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision``; safe to call from several processes at once."""
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    from twinrisk.store.db import MIGRATIONS_DIR

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
