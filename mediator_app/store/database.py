"""Opening the database: pragmas, migrations, the refusal of newer files, the desk's
identity, and the ``Store`` that hands out the one write path."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from mediator_app.domain.clock import HybridLogicalClock
from mediator_app.domain.ids import new_id
from mediator_app.store import after_erasure, erasure, retention, search
from mediator_app.store.changes import ChangeWriter, utc_now
from mediator_app.store.driver import sqlite3
from mediator_app.store.errors import (
    DatabaseEncryptedError,
    DatabaseUnavailableError,
    DatabaseUnreadableError,
    NewerSchemaError,
    StoreError,
)
from mediator_app.store.schema import SCHEMA_VERSION, migrations

BUSY_TIMEOUT_MS = 5000
#: SQLite's page cache per connection (negative: in KiB); lists scroll from memory.
PAGE_CACHE_KIB = 16_000


@dataclass(frozen=True)
class Desk:
    """This desk's identity, made on first run. ``configured`` is false until a person
    has confirmed it (a headless command makes one with defaults)."""

    id: str
    name: str
    centre_name: str
    country: str
    language: str
    configured: bool
    mediator_id: str | None = None
    #: The centre the desk belongs to; a first desk starts its own, others join it.
    centre_id: str = ""
    #: "centre", or "coordinator" for the partnership's coordinator.
    mode: str = "centre"

    @property
    def is_coordinator(self) -> bool:
        return self.mode == "coordinator"


#: What keeps derived data in step with every applied change, local or received.
CHANGE_LISTENERS = (search.on_change, erasure.on_change, retention.on_change)


class Store:
    """An open Passerelle database. Reads go through ``db`` (sqlite-utils) or the
    repositories; every write goes through ``write()``. One ``Store`` per thread."""

    def __init__(self, db: Database, path: Path | None, key: bytes | None = None):
        self.db = db
        self.path = path
        #: The data key of an encrypted database (None: a plain file); another thread
        #: opens the same database with it.
        self.key = key
        self._clock = HybridLogicalClock()
        self._writer: ChangeWriter | None = None
        self.mediator_id: str | None = None
        # Imported here to keep the repositories' modules free of the Store class.
        from mediator_app.store.residents import Residents
        from mediator_app.store.sessions import Sessions
        from mediator_app.store.skills import Skills
        from mediator_app.store.workshops import Workshops

        self.residents = Residents(self)
        self.sessions = Sessions(self)
        self.workshops = Workshops(self)
        self.skills = Skills(self)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @property
    def desk(self) -> Desk | None:
        row = self.conn.execute(
            "SELECT id, name, centre_name, country, language, configured, mediator_id, "
            "centre_id, mode FROM desk"
        ).fetchone()
        if row is None:
            return None
        return Desk(
            *row[:5], configured=bool(row[5]), mediator_id=row[6], centre_id=row[7], mode=row[8]
        )

    def ensure_desk(
        self,
        *,
        name: str | None = None,
        centre_name: str = "",
        country: str = "FR",
        language: str = "fr",
        configured: bool = False,
    ) -> Desk:
        """This desk's identity, made with the given values if there is none yet."""
        desk = self.desk
        if desk is not None:
            return desk
        with self._transaction():
            desk_id = new_id()
            self.conn.execute(
                "INSERT INTO desk (id, name, centre_name, country, language, configured,"
                " created_at, centre_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    desk_id,
                    name or socket.gethostname() or "desk",
                    centre_name,
                    country,
                    language,
                    int(configured),
                    utc_now(),
                    desk_id,  # a first desk starts its centre; joining one changes it
                ),
            )
        desk = self.desk
        assert desk is not None
        return desk

    def configure_desk(
        self,
        *,
        name: str,
        centre_name: str,
        country: str,
        language: str,
        mediator_id: str | None = None,
    ) -> Desk:
        """Set this desk's identity as a person confirmed it at first run or in settings;
        ``mediator_id`` is the mediator who usually works at this desk."""
        desk = self.ensure_desk()
        with self._transaction():
            self.conn.execute(
                "UPDATE desk SET name = ?, centre_name = ?, country = ?, language = ?, "
                "configured = 1, mediator_id = COALESCE(?, mediator_id) WHERE id = ?",
                (name, centre_name, country, language, mediator_id, desk.id),
            )
        desk = self.desk
        assert desk is not None
        self.mediator_id = desk.mediator_id
        return desk

    def become_coordinator(self) -> Desk:
        """Set this database up as the coordinator's: it receives the centres' exports
        and holds no resident. Refused once it holds data of its own."""
        from mediator_app.domain.markers import N_

        desk = self.ensure_desk()
        if self.conn.execute("SELECT 1 FROM change_log LIMIT 1").fetchone():
            raise StoreError(
                N_("This database already holds a centre's data: the coordinator needs its own.")
            )
        with self._transaction():
            self.conn.execute("UPDATE desk SET mode = 'coordinator' WHERE id = ?", (desk.id,))
        desk = self.desk
        assert desk is not None
        return desk

    def observe_clock(self, stamp: int) -> None:
        """Take a stamp received from another desk into account: later local edits
        get higher stamps than what they follow."""
        self._clock.observe(stamp)

    @contextlib.contextmanager
    def write(self) -> Iterator[ChangeWriter]:
        """One user action: a transaction whose changes are all logged, or none kept.

        Nested calls join the outer transaction. The writer must not be used after the
        ``with`` block ends.
        """
        if self._writer is not None:
            yield self._writer
            return
        desk = self.ensure_desk()
        with self._transaction():
            self._writer = ChangeWriter(
                self.conn, desk.id, self._clock, self.mediator_id, CHANGE_LISTENERS
            )
            try:
                yield self._writer
            finally:
                self._writer = None

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """A transaction of its own, or a part of the one already open."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            erasure.take_pending(self.conn)
            raise
        else:
            self.conn.execute("COMMIT")
        erased = erasure.take_pending(self.conn)
        if erased:
            after_erasure.sweep(self, erased)

    def close(self) -> None:
        self.db.close()


def open_store(path: Path | str | None, *, key: bytes | None = None) -> Store:
    """Open (creating it if needed) the database at ``path``; ``None`` opens one in memory.

    ``key`` is the data key of an encrypted database (see ``keyring``); a new file
    opened with a key is made encrypted. Raises ``NewerSchemaError`` for a file written
    by a newer Passerelle, ``DatabaseEncryptedError`` for an encrypted file opened
    without its key and ``DatabaseUnreadableError`` for a file that is not a database
    (or a wrong key); none of them changes the file.
    """
    file_path = Path(path) if path is not None else None
    if key is None and file_path is not None and is_encrypted(file_path):
        from mediator_app.store.keyring import keyring_path

        if keyring_path(file_path).exists():
            raise DatabaseEncryptedError(path=str(file_path))
    if key is not None and file_path is not None and is_plain_database(file_path):
        key = None  # encryption did not finish: the file is still in the clear
    try:
        if file_path is not None:
            if file_path.is_dir():
                raise IsADirectoryError(21, "it is a folder")
            file_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(file_path) if file_path else ":memory:",
            isolation_level=None,
            check_same_thread=False,
        )
        if key is not None:
            # Must come before anything reads the file.
            conn.execute(key_pragma(key))
        # SQLite creates the file lazily: make it now, so a bad place shows here.
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.DatabaseError as error:
        if not isinstance(error, sqlite3.OperationalError):
            raise DatabaseUnreadableError(path=str(file_path)) from error
        raise DatabaseUnavailableError(path=str(file_path), reason=str(error)) from error
    except UnicodeDecodeError as error:  # SQLite quoted damaged bytes in its message
        raise DatabaseUnreadableError(path=str(file_path)) from error
    except OSError as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise DatabaseUnavailableError(path=str(file_path), reason=reason) from error
    try:
        _check_readable(conn, file_path)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if file_path is not None:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        # What is deleted (an erased resident above all) is overwritten, not left in
        # free pages of the file.
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
        db = Database(conn)
        migrations.apply(db)
        store = Store(db, file_path, key)
        _rebuild_search_index_if_missing(store)
    except BaseException:
        conn.close()
        raise
    desk = store.desk
    store.mediator_id = desk.mediator_id if desk else None
    return store


def key_pragma(key: bytes) -> str:
    """The statement that gives SQLCipher a raw 256-bit key: no key derivation, the
    keyring has done it."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


#: The first bytes of every SQLite file in the clear; an encrypted file begins with
#: random bytes.
SQLITE_HEADER = b"SQLite format 3\x00"


def is_plain_database(path: Path) -> bool:
    """Whether ``path`` is a SQLite file in the clear (not encrypted)."""
    try:
        with path.open("rb") as file:
            return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def is_encrypted(path: Path | str) -> bool:
    """Whether ``path`` holds something that is not a plain SQLite file: an encrypted
    database (or a damaged file; only its key tells them apart)."""
    path = Path(path)
    try:
        return path.stat().st_size > 0 and not is_plain_database(path)
    except OSError:
        return False


def _rebuild_search_index_if_missing(store: Store) -> None:
    """The search index is derived data: a migration may empty it; it is rebuilt here."""
    (indexed,) = store.conn.execute("SELECT COUNT(*) FROM resident_index").fetchone()
    (residents,) = store.conn.execute("SELECT COUNT(*) FROM resident").fetchone()
    if indexed != residents:
        with store._transaction():
            search.rebuild_index(store.conn)


def _check_readable(conn: sqlite3.Connection, path: Path | None) -> None:
    """Refuse a file that is not a SQLite database, or one from a newer Passerelle."""
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        conn.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
        raise DatabaseUnreadableError(path=str(path)) from error
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(found=version, supported=SCHEMA_VERSION)
    if version == 0 and path is not None and path.stat().st_size > 0:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if tables and "_sqlite_migrations" not in tables:
            raise DatabaseUnreadableError(path=str(path))
