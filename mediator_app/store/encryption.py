"""Encrypting a database kept in the clear (the demo, a desk from before encryption), and
everything about it that lies beside it: its backups and the copies a restore set aside.

A file is encrypted into a new file (SQLCipher's ``sqlcipher_export``), checked, then
renamed over the original; the original's bytes are overwritten before it is let go, so
that the clear data does not stay in the file's old blocks as far as the file system
allows (an SSD or a copy-on-write file system may still hold old blocks: the README says
so). The keyring is written before the database is replaced: a crash in between leaves
a clear database that still opens, never an encrypted one without its key.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from mediator_app.domain.markers import N_
from mediator_app.store.database import is_plain_database, key_pragma
from mediator_app.store.driver import sqlite3
from mediator_app.store.errors import DatabaseUnreadableError, StoreError
from mediator_app.store.keyring import (
    Keyring,
    keyring_path,
    new_data_key,
    write_keyring,
    write_keyring_file,
)


class AlreadyEncryptedError(StoreError):
    message = N_("The database %(path)s is already encrypted.")


class EncryptionFailedError(StoreError):
    message = N_("The database %(path)s could not be encrypted (%(reason)s); it is unchanged.")


def connect(path: Path, key: bytes | None, *, uri_mode: str | None = None) -> sqlite3.Connection:
    """A connection to ``path`` with its key given, if any. ``uri_mode`` "ro" or "rw"
    opens an existing file only."""
    if uri_mode:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode={uri_mode}", uri=True, isolation_level=None
        )
    else:
        connection = sqlite3.connect(str(path), isolation_level=None)
    if key is not None:
        connection.execute(key_pragma(key))
    return connection


def encrypt_database(
    database: Path | str,
    *,
    mediator_id: str,
    name: str,
    passphrase: str,
    recovery_recipients: Iterable[tuple[str, str]] = (),
) -> bytes:
    """Encrypt ``database`` (closed, in the clear) with a new data key that
    ``passphrase`` (mediator ``mediator_id``, shown as ``name``) and each recovery key
    (public key, name) open; encrypt its backups too. Returns the data key."""
    database = Path(database)
    if not is_plain_database(database):
        if database.exists() and database.stat().st_size > 0:
            raise AlreadyEncryptedError(path=str(database))
        raise DatabaseUnreadableError(path=str(database))
    data_key = new_data_key()
    keyring = Keyring().with_passphrase(data_key, mediator_id, name, passphrase)
    for recipient, recovery_name in recovery_recipients:
        keyring = keyring.with_recovery(data_key, recipient, recovery_name)
    encrypted = _encrypted_copy(database, data_key)
    try:
        write_keyring(database, keyring)
        _replace_and_wipe(encrypted, database)
    except OSError as error:
        encrypted.unlink(missing_ok=True)
        reason = error.strerror or str(error)
        raise EncryptionFailedError(path=str(database), reason=reason) from error
    for companion in _clear_companions(database):
        encrypt_file(companion, data_key)
        write_keyring_file(keyring_path(companion), keyring)
    return data_key


def encrypt_file(path: Path, key: bytes) -> None:
    """Encrypt one clear database file in place (a backup, a copy set aside)."""
    if is_plain_database(path):
        _replace_and_wipe(_encrypted_copy(path, key), path)


def _encrypted_copy(database: Path, key: bytes) -> Path:
    """An encrypted, checked copy of the clear ``database`` beside it."""
    handle, name = tempfile.mkstemp(dir=database.parent, prefix=f".{database.name}.", suffix=".enc")
    os.close(handle)
    os.unlink(name)  # SQLCipher makes the file; an empty one it would take as plain
    temporary = Path(name)
    source = connect(database, None)
    try:
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (version,) = source.execute("PRAGMA user_version").fetchone()
        source.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (name,))
        source.execute("SELECT sqlcipher_export('encrypted')")
        # sqlcipher_export copies tables and indexes, not the schema's version number.
        source.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        source.execute("DETACH DATABASE encrypted")
    except sqlite3.DatabaseError as error:
        temporary.unlink(missing_ok=True)
        raise EncryptionFailedError(path=str(database), reason=str(error)) from error
    finally:
        source.close()
    check = connect(temporary, key)
    try:
        ok = check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        check.close()
    if not ok:
        temporary.unlink(missing_ok=True)
        raise EncryptionFailedError(path=str(database), reason="integrity_check")
    return temporary


def _replace_and_wipe(encrypted: Path, clear: Path) -> None:
    """Rename ``encrypted`` over ``clear``, then overwrite the clear bytes, kept
    reachable through a second link until then, and let them go."""
    aside = clear.with_name(f".{clear.name}.clear")
    aside.unlink(missing_ok=True)
    linked = True
    try:
        os.link(clear, aside)
    except OSError:
        # No hard links (FAT, some shares): the clear bytes cannot be overwritten
        # safely once replaced; the file system frees them.
        linked = False
    os.replace(encrypted, clear)
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            _overwrite(clear.with_name(clear.name + suffix))
            clear.with_name(clear.name + suffix).unlink()
    if linked:
        _overwrite(aside)
        aside.unlink()


def wipe_file(path: Path) -> None:
    """Overwrite a file's bytes, then delete it (and what SQLite keeps beside it)."""
    for target in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        with contextlib.suppress(FileNotFoundError):
            _overwrite(target)
            target.unlink()


def _overwrite(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as file:
        block = b"\0" * (1024 * 1024)
        for _ in range(0, size, len(block)):
            file.write(block)
        file.flush()
        os.fsync(file.fileno())


def _clear_companions(database: Path) -> list[Path]:
    """Clear database files that belong to ``database``: its backups and what a
    restore set aside."""
    from mediator_app.store.backups import BEFORE_RESTORE, backup_folder, list_backups

    found = [info.path for info in list_backups(backup_folder(database))]
    found += sorted(database.parent.glob(f"{database.name}{BEFORE_RESTORE}*"))
    return [path for path in found if is_plain_database(path)]


class NotAnAccountError(StoreError):
    message = N_(
        "Only a mediator with a passphrase on this desk can encrypt it; %(name)s has none."
    )


def encrypt_desk(database: Path | str, mediator_id: str, passphrase: str) -> bytes:
    """Encrypt the clear ``database`` of a desk for ``mediator_id``, whose passphrase it
    is (checked against their account; a desk with no account yet makes them its admin),
    and for every recovery key the centre has enrolled. Returns the data key; the
    database must be closed everywhere."""
    from mediator_app.store import accounts
    from mediator_app.store.database import open_store
    from mediator_app.store.mediators import find_mediator

    database = Path(database)
    store = open_store(database)
    try:
        mediator = find_mediator(store, mediator_id)
        if mediator is None:
            raise ValueError(f"no mediator {mediator_id!r}")
        if not accounts.has_accounts(store):
            accounts.create_account(store, mediator_id, passphrase, "admin")
        elif accounts.find_account(store, mediator_id) is None:
            raise NotAnAccountError(name=mediator.name)
        elif not accounts.verify(store, mediator_id, passphrase):
            from mediator_app.store.keyring import WrongPassphraseError

            raise WrongPassphraseError()
        recoveries = recovery_recipients(store)
    finally:
        store.close()
    return encrypt_database(
        database,
        mediator_id=mediator_id,
        name=mediator.name,
        passphrase=passphrase,
        recovery_recipients=recoveries,
    )


def recovery_recipients(store) -> list[tuple[str, str]]:
    """(public key, name) of the centre's recovery keys enrolled on this desk."""
    return store.conn.execute(
        "SELECT age_recipient, name FROM peer WHERE role = 'recovery' AND revoked_at IS NULL"
    ).fetchall()


def add_recovery_slot(store, recipient: str, name: str) -> None:
    """Let a newly enrolled recovery key open this desk's encrypted database too."""
    if store.key is None or store.path is None:
        return
    from mediator_app.store.keyring import read_keyring

    write_keyring(store.path, read_keyring(store.path).with_recovery(store.key, recipient, name))
