"""What an erasure leaves outside the database's live pages, swept once it is committed.

``secure_delete`` overwrites the pages the erasure freed, but older copies of those pages
may still be in the write-ahead log, in the desk's backups and in a database a restore
set aside. After the erasure's transaction commits (made here or received by sync):

- the log is folded into the database and truncated;
- the backups are replaced by one made now: the backups made before the erasure, which
  hold the person, are overwritten and deleted. Replacing them costs one copy whatever
  the number of people erased, where erasing in each backup would cost ten erasures each;
- a database a restore set aside gets the erasure applied in it.

A sweep that fails is logged (without any identity) and never undoes the erasure.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from mediator_app.store.driver import sqlite3
from mediator_app.store.errors import StoreError

if TYPE_CHECKING:
    from mediator_app.store.database import Store

log = logging.getLogger(__name__)

#: The reason written in the name of the backup made after an erasure.
REASON = "after_erasure"


def sweep(store: Store, erased: dict[str, str]) -> None:
    """Remove the traces of the residents ``erased`` (id: when) outside the live pages."""
    try:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.DatabaseError:
        log.warning("the write-ahead log could not be truncated after an erasure")
    if store.path is None:
        return
    try:
        _replace_backups(store)
    except (StoreError, OSError):
        log.warning("the backups could not be replaced after an erasure", exc_info=True)
    for copy in _set_aside_copies(store.path):
        try:
            _erase_in(copy, store.key, erased)
        except (StoreError, OSError, sqlite3.DatabaseError, UnicodeDecodeError):
            log.warning("a database set aside could not be swept after an erasure")


def _replace_backups(store: Store) -> None:
    from mediator_app.store.backups import backup_folder, list_backups, make_backup
    from mediator_app.store.encryption import wipe_file
    from mediator_app.store.keyring import keyring_path

    folder = backup_folder(store.path)
    older = list_backups(folder)
    if not older:
        return
    made = make_backup(store, folder, reason=REASON)
    for info in older:
        if info.path != made:
            wipe_file(info.path)
            keyring_path(info.path).unlink(missing_ok=True)


def _set_aside_copies(database: Path) -> list[Path]:
    from mediator_app.store.backups import BEFORE_RESTORE
    from mediator_app.store.keyring import KEYRING_SUFFIX

    return [
        path
        for path in sorted(database.parent.glob(f"{database.name}{BEFORE_RESTORE}*"))
        if path.is_file() and not path.name.endswith((KEYRING_SUFFIX, "-wal", "-shm", "-journal"))
    ]


def _erase_in(copy: Path, key: bytes | None, erased: dict[str, str]) -> None:
    from mediator_app.store.database import is_plain_database, open_store
    from mediator_app.store.erasure import apply_erasure

    store = open_store(copy, key=None if is_plain_database(copy) else key)
    try:
        with store._transaction():
            for resident_id, erased_at in erased.items():
                apply_erasure(store.conn, resident_id, erased_at)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        store.conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    finally:
        store.close()
