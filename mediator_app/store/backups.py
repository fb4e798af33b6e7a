"""Backups of the database and their restore.

A backup is a standalone SQLite file (no ``-wal`` beside it) named
``passerelle-<UTC time>-<reason>.db`` in a folder of backups, by default beside the
database (``<db name>.backups/``). It is made with SQLite's online backup API from a
connection of its own that holds one read snapshot: the copy is exactly the database as
it was when the backup started, and in WAL mode a writer is never blocked by it.

A restore never deletes user data: the database it replaces is kept beside it as
``<db name>.before-restore-<UTC time>``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mediator_app.domain.markers import N_
from mediator_app.store.database import BUSY_TIMEOUT_MS, Store, is_encrypted, key_pragma
from mediator_app.store.driver import sqlite3
from mediator_app.store.errors import (
    DatabaseUnavailableError,
    DatabaseUnreadableError,
    NewerSchemaError,
    StoreError,
)
from mediator_app.store.keyring import keyring_path
from mediator_app.store.schema import SCHEMA_VERSION

#: How many backups ``rotate`` and ``backup_if_due`` keep by default.
DEFAULT_KEEP = 10
#: Pages copied between two calls of the progress callback (4 MiB at 4 KiB a page).
DEFAULT_PAGES_PER_STEP = 1024
BACKUP_PREFIX = "passerelle-"
BACKUP_SUFFIX = ".db"
BEFORE_RESTORE = ".before-restore-"
_STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
_REASON = re.compile(r"[a-z0-9_]+")
_BACKUP_NAME = re.compile(
    rf"{re.escape(BACKUP_PREFIX)}(?P<stamp>[0-9]{{8}}T[0-9]{{6}}Z)-(?P<reason>[a-z0-9_]+)"
    rf"(?:-(?P<sequence>[0-9]+))?{re.escape(BACKUP_SUFFIX)}"
)
#: What SQLite may keep beside a database file while it is open or after a crash.
_JOURNALS = ("-wal", "-journal")
_SHARED_MEMORY = "-shm"

#: ``progress(done_pages, total_pages) -> keep_going``; returning False cancels.
Progress = Callable[[int, int], bool]


class NoDatabaseError(StoreError):
    message = N_("There is no database at %(path)s to back up.")


class BackupFailedError(StoreError):
    message = N_("The backup could not be written in %(folder)s (%(reason)s).")


class BackupCancelledError(StoreError):
    message = N_("The backup was cancelled; no file was made.")


class DamagedCopyError(StoreError):
    message = N_(
        "The copy of %(path)s failed its integrity check and was removed: the database "
        "may be damaged."
    )


class NoBackupError(StoreError):
    message = N_("There is no backup at %(path)s.")


class NotABackupError(StoreError):
    message = N_("This file is not a Passerelle backup: %(path)s. Nothing was changed.")


class DamagedBackupError(StoreError):
    message = N_("This backup is damaged and cannot be restored: %(path)s. Nothing was changed.")


class NewerBackupError(NewerSchemaError):
    message = N_(
        "This backup was made by a newer version of Passerelle (data format %(found)s; "
        "this version reads up to %(supported)s). Install the newer version to restore "
        "it; nothing was changed."
    )


class DatabaseInUseError(StoreError):
    message = N_(
        "The database %(path)s is in use by another program (is Passerelle still open?). "
        "Close it and try again; nothing was changed."
    )


class RestoreFailedError(StoreError):
    message = N_("The backup could not be put in place of %(path)s (%(reason)s).")


class SameFileError(StoreError):
    message = N_("The backup %(path)s is the database itself; nothing was changed.")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file of a folder of backups, as its name and size tell."""

    path: Path
    #: When the backup was made, in UTC, to the second.
    made_at: datetime
    #: Why it was made: "manual", "daily", "close"...
    reason: str
    size: int


def backup_folder(database: Path | str) -> Path:
    """The usual folder of backups of ``database``: ``<db name>.backups`` beside it."""
    database = Path(database)
    return database.with_name(f"{database.name}.backups")


def make_backup(
    source: Store | Path | str,
    folder: Path | str,
    *,
    reason: str = "manual",
    progress: Progress | None = None,
    pages_per_step: int = DEFAULT_PAGES_PER_STEP,
    now: datetime | None = None,
    key: bytes | None = None,
) -> Path:
    """Copy the database of ``source`` (an open store or a file) into ``folder``; returns
    the backup made, a standalone database of mode 0600 checked with ``integrity_check``.

    The copy is the database as it was when the backup started; writes made meanwhile
    through other connections are neither blocked nor copied. ``progress`` is called
    after each step of ``pages_per_step`` pages; when it returns False the backup stops,
    leaves no file and raises ``BackupCancelledError``. ``reason`` is a word of lowercase
    letters, digits or ``_``. The store's connection must not be in the middle of a
    write transaction of this thread's making when a Store is given: its pending
    changes would not be in the copy.

    An encrypted database (``key``, or the store's own) gives a backup encrypted with
    the same key, its keyring copied beside it (``<backup>.keys``).
    """
    if not _REASON.fullmatch(reason):
        raise ValueError(f"a backup reason is a word of a-z, 0-9 and _, not {reason!r}")
    if pages_per_step < 1:
        raise ValueError("pages_per_step must be positive")
    database = _database_path(source)
    key = _key_of(source, key)
    folder = Path(folder)
    if not database.is_file():
        raise NoDatabaseError(path=str(database))
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(
            dir=folder, prefix=".passerelle-backup-", suffix=".tmp"
        )  # mode 0600: the backup never exists with wider permissions
        os.close(handle)
    except OSError as error:
        raise BackupFailedError(folder=str(folder), reason=_reason(error)) from error
    temp = Path(temp_name)
    try:
        _copy_database(database, temp, folder, progress, pages_per_step, key)
        if not _integrity_ok(temp, key):
            raise DamagedCopyError(path=str(database))
        _fsync_file(temp)
        target = _free_backup_name(folder, now or datetime.now(UTC), reason)
        if key is not None:  # the key first: never an encrypted backup without it
            shutil.copyfile(keyring_path(database), keyring_path(target))
        os.replace(temp, target)
        os.chmod(target, 0o600)
        _fsync_folder(folder)
    except OSError as error:
        _remove_database_file(temp)
        raise BackupFailedError(folder=str(folder), reason=_reason(error)) from error
    except BaseException:
        _remove_database_file(temp)
        raise
    return target


def list_backups(folder: Path | str) -> list[BackupInfo]:
    """The backups in ``folder``, newest first; other files are ignored. An absent
    folder has none."""
    found: list[tuple[datetime, int, BackupInfo]] = []
    try:
        entries = list(Path(folder).iterdir())
    except FileNotFoundError:
        return []
    for path in entries:
        match = _BACKUP_NAME.fullmatch(path.name)
        if match is None:
            continue
        try:
            size = path.stat().st_size
        except FileNotFoundError:  # rotated away meanwhile
            continue
        if not path.is_file():
            continue
        try:
            made_at = datetime.strptime(match["stamp"], _STAMP_FORMAT).replace(tzinfo=UTC)
        except ValueError:  # a name like ours, with a time that does not exist
            continue
        sequence = int(match["sequence"] or 0)
        found.append((made_at, sequence, BackupInfo(path, made_at, match["reason"], size)))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [info for _, _, info in found]


def latest_backup(folder: Path | str) -> Path | None:
    """The newest backup in ``folder``, or None when there is none."""
    backups = list_backups(folder)
    return backups[0].path if backups else None


def rotate(folder: Path | str, keep: int = DEFAULT_KEEP) -> list[Path]:
    """Delete all but the ``keep`` newest backups of ``folder``; returns those deleted.
    Files that are not backups are never touched."""
    if keep < 1:
        raise ValueError("rotation keeps at least one backup")
    removed = []
    for info in list_backups(folder)[keep:]:
        with contextlib.suppress(FileNotFoundError):
            info.path.unlink()
            removed.append(info.path)
        keyring_path(info.path).unlink(missing_ok=True)
    return removed


def backup_if_due(
    source: Store | Path | str,
    folder: Path | str | None = None,
    *,
    every: timedelta = timedelta(days=1),
    keep: int = DEFAULT_KEEP,
    reason: str = "daily",
    now: datetime | None = None,
    key: bytes | None = None,
) -> Path | None:
    """Make a backup when the latest in ``folder`` (by default beside the database) is
    older than ``every`` (or seems to come from the future), then rotate to ``keep``.
    Returns the backup made, or None when none was due or there is no database yet."""
    database = _database_path(source)
    folder = backup_folder(database) if folder is None else Path(folder)
    if not database.is_file():
        return None
    now = now or datetime.now(UTC)
    backups = list_backups(folder)
    if backups and timedelta(0) <= now - backups[0].made_at < every:
        return None
    made = make_backup(database, folder, reason=reason, now=now, key=_key_of(source, key))
    rotate(folder, keep)
    return made


def restore(
    database: Path | str,
    backup: Path | str,
    *,
    now: datetime | None = None,
    key: bytes | None = None,
) -> Path | None:
    """Put ``backup`` in place of ``database``; returns where the database it replaced
    was kept (``<name>.before-restore-<UTC time>``), or None when there was none.

    The backup is copied beside the database and checked first (a Passerelle database,
    not damaged, of a data format this version reads); any refusal leaves the database
    and the backup unchanged. The checked copy replaces the database with one rename
    (``os.replace``). Every connection to the database must be closed first: if one
    is open, ``DatabaseInUseError``. An encrypted backup is checked with ``key`` (the
    data key never changes) and its keyring comes back with it.
    """
    database, backup = Path(database), Path(backup)
    if not backup.is_file():
        raise NoBackupError(path=str(backup))
    if database.exists() and os.path.samefile(database, backup):
        raise SameFileError(path=str(backup))
    folder = database.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(
            dir=folder, prefix=f".{database.name}.restore-", suffix=".tmp"
        )
    except OSError as error:
        raise BackupFailedError(folder=str(folder), reason=_reason(error)) from error
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as copy, backup.open("rb") as original:
            shutil.copyfileobj(original, copy, length=1024 * 1024)
            copy.flush()
            os.fsync(copy.fileno())
        backup_key = key if is_encrypted(temp) else None
        _check_backup(temp, shown_as=backup, key=backup_key)
        aside, moves = None, []
        if database.exists():
            aside, moves = _set_aside(database, now or datetime.now(UTC), key)
        try:
            if backup_key is not None and keyring_path(backup).exists():
                shutil.copyfile(keyring_path(backup), keyring_path(database))
            os.replace(temp, database)
        except BaseException:
            _undo(moves)  # the restore did not happen: all back as it was
            raise
        _fsync_folder(folder)
    except OSError as error:
        _remove_database_file(temp)
        raise RestoreFailedError(path=str(database), reason=_reason(error)) from error
    except BaseException:
        _remove_database_file(temp)
        raise
    return aside


def _database_path(source: Store | Path | str) -> Path:
    if isinstance(source, Store):
        if source.path is None:
            raise ValueError("a database in memory has no file to back up")
        return source.path
    return Path(source)


def _key_of(source: Store | Path | str, key: bytes | None) -> bytes | None:
    return source.key if key is None and isinstance(source, Store) else key


def _connect(path: Path, mode: str, key: bytes | None = None) -> sqlite3.Connection:
    """A connection to an existing file only (``mode`` "ro" or "rw": never created),
    with its key given when it is encrypted."""
    connection = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode={mode}",
        uri=True,
        isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
    )
    if key is not None:
        connection.execute(key_pragma(key))
    return connection


class _Cancelled(Exception):
    """Raised from the backup's step callback to stop it."""


def _copy_database(
    database: Path,
    temp: Path,
    folder: Path,
    progress: Progress | None,
    pages_per_step: int,
    key: bytes | None,
) -> None:
    """Copy ``database`` into the empty file ``temp`` from one read snapshot, then make
    the copy a standalone database in rollback-journal mode."""
    try:
        source = _connect(database, "rw", key)  # to read only; may fold a crashed WAL in
    except sqlite3.Error:
        try:
            source = _connect(database, "ro", key)  # on a read-only medium
        except sqlite3.Error as error:
            raise DatabaseUnavailableError(path=str(database), reason=str(error)) from error
    try:
        try:
            source.execute("PRAGMA query_only = ON")
            (journal_mode,) = source.execute("PRAGMA journal_mode").fetchone()
            if journal_mode == "wal":
                # One read transaction over every step: a snapshot that writers of other
                # connections neither disturb nor wait for.
                source.execute("BEGIN")
            source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
            raise DatabaseUnreadableError(path=str(database)) from error

        def on_step(status: int, remaining: int, total: int) -> None:
            if progress is not None and not progress(total - remaining, total):
                raise _Cancelled

        copy: sqlite3.Connection | None = None
        try:
            copy = sqlite3.connect(str(temp), isolation_level=None)
            if key is not None:
                copy.execute(key_pragma(key))
            source.backup(copy, pages=pages_per_step, progress=on_step)
            # The pages carry the source's WAL flag: make the copy stand alone.
            copy.execute("PRAGMA journal_mode = DELETE")
        except _Cancelled:
            raise BackupCancelledError() from None
        except sqlite3.Error as error:
            raise BackupFailedError(folder=str(folder), reason=str(error)) from error
        finally:
            if copy is not None:
                copy.close()
        if source.in_transaction:
            source.execute("ROLLBACK")
    finally:
        source.close()


def _integrity_ok(path: Path, key: bytes | None = None) -> bool:
    try:
        connection = _connect(path, "ro", key)
    except sqlite3.Error:
        return False
    try:
        return connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        return False
    finally:
        connection.close()


def _check_backup(path: Path, *, shown_as: Path, key: bytes | None = None) -> None:
    """Refuse a file that is not a Passerelle database this version can read, or that
    is damaged. ``path`` is opened read-only; ``shown_as`` names it in messages."""
    try:
        connection = _connect(path, "ro", key)
    except sqlite3.Error as error:
        raise NotABackupError(path=str(shown_as)) from error
    try:
        try:
            (version,) = connection.execute("PRAGMA user_version").fetchone()
            tables = {
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
        except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
            raise NotABackupError(path=str(shown_as)) from error
        if version > SCHEMA_VERSION:
            raise NewerBackupError(found=version, supported=SCHEMA_VERSION)
        if version < 1 or "desk" not in tables:
            raise NotABackupError(path=str(shown_as))
        try:
            damaged = connection.execute("PRAGMA integrity_check").fetchall() != [("ok",)]
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            damaged = True
        if damaged:
            raise DamagedBackupError(path=str(shown_as))
    finally:
        connection.close()
        # A read-only connection to a file in WAL mode leaves these behind.
        _remove_companions(path)


def _set_aside(
    database: Path, now: datetime, key: bytes | None = None
) -> tuple[Path, list[tuple[Path, Path]]]:
    """Keep the current database, with any journal it still needs, under a new name;
    leave nothing beside ``database`` that would apply to the file replacing it.

    Returns the name kept and the moves made, for ``_undo``. The database is linked to
    its new name where the file system allows it, so that a file stays at ``database``
    until the one replacing it is renamed there.
    """
    _fold_journal_in(database, key)
    aside = _free_name(database.with_name(f"{database.name}{BEFORE_RESTORE}{_stamp(now)}"))
    moves: list[tuple[Path, Path]] = []
    try:
        try:
            os.link(database, aside)
        except FileExistsError:
            raise
        except OSError:  # no hard links here (FAT, some shares): a rename instead
            os.replace(database, aside)
        moves.append((database, aside))
        for suffix in _JOURNALS:
            companion = _companion(database, suffix)
            if companion.exists() and companion.stat().st_size > 0:  # not folded in
                os.replace(companion, _companion(aside, suffix))
                moves.append((companion, _companion(aside, suffix)))
            else:
                companion.unlink(missing_ok=True)
        _companion(database, _SHARED_MEMORY).unlink(missing_ok=True)
        if keyring_path(database).exists():  # the copy set aside keeps its key
            shutil.copyfile(keyring_path(database), keyring_path(aside))
    except BaseException:
        _undo(moves)
        raise
    return aside, moves


def _undo(moves: list[tuple[Path, Path]]) -> None:
    """Take back the moves of ``_set_aside``: a link is removed, a rename reversed."""
    for origin, moved in reversed(moves):
        if origin.exists():
            moved.unlink(missing_ok=True)
        else:
            os.replace(moved, origin)


def _fold_journal_in(database: Path, key: bytes | None = None) -> None:
    """Checkpoint the database's WAL into it; refuse when another connection has it
    open (the last connection to close removes the WAL: if it stays, one is open)."""
    try:
        connection = _connect(database, "rw", key if is_encrypted(database) else None)
        try:
            busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            connection.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
        if getattr(error, "sqlite_errorcode", 0) & 0xFF in (
            sqlite3.SQLITE_BUSY,
            sqlite3.SQLITE_LOCKED,
        ):
            raise DatabaseInUseError(path=str(database)) from error
        return  # damaged or not a database: kept aside as it is, journals beside it
    if busy or _companion(database, "-wal").exists():
        raise DatabaseInUseError(path=str(database))


def _free_backup_name(folder: Path, when: datetime, reason: str) -> Path:
    """A backup name for ``when`` that no backup of ``folder`` has: backups made within
    the same second get a sequence number, so that their order is kept."""
    stamp = _stamp(when)
    taken = [
        int(match["sequence"] or 0)
        for path in folder.iterdir()
        if (match := _BACKUP_NAME.fullmatch(path.name)) and match["stamp"] == stamp
    ]
    sequence = f"-{max(taken) + 1}" if taken else ""
    return folder / f"{BACKUP_PREFIX}{stamp}-{reason}{sequence}{BACKUP_SUFFIX}"


def _free_name(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}-{number}")
    return candidate


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime(_STAMP_FORMAT)


def _companion(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _remove_companions(path: Path) -> None:
    for suffix in (*_JOURNALS, _SHARED_MEMORY):
        _companion(path, suffix).unlink(missing_ok=True)


def _remove_database_file(path: Path) -> None:
    """Remove a temporary database file of ours and whatever SQLite made beside it."""
    path.unlink(missing_ok=True)
    _remove_companions(path)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as stream:
        os.fsync(stream.fileno())


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no folder handles)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)
