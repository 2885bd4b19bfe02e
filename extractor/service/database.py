"""Opening the service's database, and noticing when it can no longer keep what it is given.

* At startup (``open_database``): the SQLite file's folder is created, the migrations run and one
  write is tried; a folder that cannot be created, a file that cannot be opened or written (read
  only, wrong owner, a full disk) or a server that does not answer is one ``ConfigurationError``
  naming the database (never its password), not a traceback.
* While running (SQLite): the file's identity (device and inode) is taken once it is open, and
  every transaction first checks that the path still names that same file. A file deleted or
  replaced under the running service (the old file lives on through the open handle, so writes
  would "succeed" into a file nobody will read again) raises ``DatabaseUnavailableError``: the
  service answers 503, accepts no job and claims no work until it is restarted.
* ``probe`` (``/readyz``): the identity check and one real write (a no-op ``UPDATE`` committed),
  so a read-only or full database is not reported ready.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from extractor import ConfigurationError

__all__ = [
    "MIGRATIONS",
    "MIGRATION_LOCK",
    "DatabaseUnavailableError",
    "FileIdentity",
    "describe",
    "migrate",
    "new_engine",
    "open_database",
    "open_failure",
    "probe",
    "sqlite_path",
    "watch_file",
]

#: The Alembic migrations (``migrations/versions``).
MIGRATIONS = Path(__file__).with_name("migrations")
#: A PostgreSQL advisory lock (any constant key): service processes started together on one empty
#: database migrate one after the other (two at once both create ``alembic_version``; one fails).
MIGRATION_LOCK = 0x6578_7472

#: A statement that writes without changing anything: the migrations' own bookkeeping row.
_WRITE_PROBE = text("UPDATE alembic_version SET version_num = version_num")


class DatabaseUnavailableError(Exception):
    """The database cannot be used now (its file is gone or replaced, or it refuses writes)."""


def describe(url: str) -> str:
    """The database URL as it may be shown: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return "(an unparsable database URL)"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (``sqlite:///path`` or ``sqlite:///file:path?...&uri=true``); None
    for another database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    name = parsed.database.removeprefix("file:") if parsed.query.get("uri") == "true" else parsed.database
    return None if not name or name.startswith(":memory:") or "mode=memory" in url else Path(name)


@dataclass(frozen=True)
class FileIdentity:
    """Which file a path named when the database was opened."""

    path: Path
    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity:
        found = path.stat()
        return cls(path, found.st_dev, found.st_ino)

    def check(self) -> None:
        """Raise ``DatabaseUnavailableError`` unless ``path`` still names the same file."""
        try:
            found = os.stat(self.path)
        except OSError:
            raise DatabaseUnavailableError(
                f"the database file {self.path} was removed while the service was running; "
                "restart the service"
            ) from None
        if (found.st_dev, found.st_ino) != (self.device, self.inode):
            raise DatabaseUnavailableError(
                f"the database file {self.path} was replaced while the service was running; "
                "restart the service"
            )


def watch_file(engine: Engine, identity: FileIdentity) -> None:
    """Check ``identity`` at the start of every transaction on ``engine``."""

    def on_begin(_connection: Any) -> None:
        identity.check()

    event.listen(engine, "begin", on_begin)


def probe(engine: Engine, identity: FileIdentity | None) -> None:
    """Raise ``DatabaseUnavailableError`` unless the database is the one opened and takes a write."""
    if identity is not None:
        identity.check()
    try:
        with engine.begin() as connection:
            connection.execute(_WRITE_PROBE)
    except SQLAlchemyError as exc:
        raise DatabaseUnavailableError(f"the database refuses a write: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    """The driver's own short message, first line only (SQLAlchemy appends the statement and a link)."""
    original = getattr(exc, "orig", None) or exc
    return (str(original).strip().splitlines() or [type(original).__name__])[0]


def open_failure(url: str, exc: BaseException) -> ConfigurationError:
    """The one-line startup error for a database that cannot be opened, migrated or written."""
    if isinstance(exc, DatabaseUnavailableError):
        reason = str(exc)
    elif isinstance(exc, OSError):
        reason = f"{exc.strerror or type(exc).__name__}: {exc.filename or ''}".rstrip(": ")
    else:
        reason = _reason(exc)
    return ConfigurationError(
        f"the service's database {describe(url)} cannot be used: {reason}. Check that its folder and "
        "file are writable by this user (EXTRACTOR_DATA_DIR) or set EXTRACTOR_DATABASE_URL."
    )


def migrate(engine: Engine) -> None:
    """Run the Alembic migrations up to the newest (nothing to do on an up-to-date database)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # held until this transaction ends
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str) -> tuple[Engine, FileIdentity | None]:
    """The engine of a database migrated and written once, and (SQLite) its file's identity,
    checked from then on at every transaction; ``ConfigurationError`` (one line) when it cannot be."""
    try:
        engine = new_engine(url)
    except (OSError, SQLAlchemyError) as exc:
        raise open_failure(url, exc) from None
    try:
        migrate(engine)
        path = sqlite_path(url)
        identity = FileIdentity.of(path) if path is not None else None
        probe(engine, identity)
    except (OSError, SQLAlchemyError, CommandError, DatabaseUnavailableError) as exc:
        engine.dispose()
        raise open_failure(url, exc) from None
    if identity is not None:
        watch_file(engine, identity)
    return engine, identity


def new_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite the file's folder is created first and every connection
    gets the service's pragmas (WAL, busy timeout, foreign keys)."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: a killed process loses no commit
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
