"""Applying changes received from other desks, field by field.

Each received change is appended to the local change log as it was made (same clock
stamp, desk and sequence number), so the log holds every desk's changes and can relay
them; what it does to the tables is decided here:

- a change already held (its desk's sequence number is not above what is held) is
  skipped, so importing twice changes nothing;
- changes of one desk are applied in their order, without gaps (the exchange checks a
  bundle's ranges first);
- an edit replaces the versions of a field its writer had seen (its ``base``); versions
  it had not seen stay beside it as a conflict, and the row shows the highest version,
  so every desk shows the same value whatever the order bundles came in;
- anything about an erased resident, or a deleted row, is dropped, and kept in the log
  without its values: erasure wins.

All of it runs inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from mediator_app.store import Store, retention
from mediator_app.store.changes import (
    SYNCED_TABLES,
    Change,
    apply_change,
    log_change,
    python_value,
    sql_value,
)
from mediator_app.store.database import CHANGE_LISTENERS
from mediator_app.store.driver import sqlite3
from mediator_app.store.erasure import RESIDENT_RECORDS, apply_erasure, is_tombstoned
from mediator_app.store.versions import SILENT_FIELDS, Version, latest_versions, siblings

_OWNER_COLUMNS = dict(RESIDENT_RECORDS)


class MergeError(Exception):
    """Received changes that cannot be applied as they are (a bug, or a forged bundle
    that was still signed): the whole import is rolled back."""


@dataclass
class MergeStats:
    applied: int = 0
    already_held: int = 0
    dropped: int = 0
    conflicts: int = 0


def held_sequences(conn: sqlite3.Connection) -> dict[str, int]:
    """For each desk, the highest sequence number of its changes held here: they are
    held from 1 to it, without a gap."""
    return dict(conn.execute("SELECT desk_id, MAX(seq) FROM change_log GROUP BY desk_id"))


def changes_after(conn: sqlite3.Connection, held: dict[str, int]) -> Iterator[Change]:
    """Every change of the log that a desk holding ``held`` lacks, in log order (which
    respects causality: a change comes after everything its writer had seen)."""
    from mediator_app.store.changes import read_changes

    for change in read_changes(conn):
        if change.seq > held.get(change.desk_id, 0):
            yield change


def merge_changes(store: Store, changes: Iterable[Change]) -> MergeStats:
    """Apply received changes in order; see the module's note. Raises ``MergeError``
    on a gap in a desk's sequence numbers, and for a change this database cannot hold
    (a field it does not have, a value of another type, a broken constraint)."""
    try:
        return _merge_changes(store, changes)
    except sqlite3.IntegrityError as error:  # NOT NULL, FOREIGN KEY, CHECK, UNIQUE
        raise MergeError(f"a change breaks a rule of the database: {error}") from error


def _merge_changes(store: Store, changes: Iterable[Change]) -> MergeStats:
    conn = store.conn
    held = held_sequences(conn)
    stats = MergeStats()
    highest_stamp = 0
    columns: dict[str, dict[str, str]] = {}
    for change in changes:
        if change.table_name not in SYNCED_TABLES:
            raise MergeError(f"unknown table {change.table_name!r}")
        _check_fields(conn, change, columns)
        already = held.get(change.desk_id, 0)
        if change.seq <= already:
            stats.already_held += 1
            continue
        if change.seq != already + 1:
            raise MergeError(
                f"changes of desk {change.desk_id} jump from {already} to {change.seq}"
            )
        held[change.desk_id] = change.seq
        highest_stamp = max(highest_stamp, change.hlc)
        if _dropped(conn, change):
            log_change(conn, replace(change, data={}, base=None))
            stats.dropped += 1
            continue
        change = retention.without_dropped_values(conn, change)
        before = _row(conn, change.table_name, change.row_id)
        effect, conflicts = _effect(conn, change, before)
        log_change(conn, change)
        stats.conflicts += conflicts
        if effect is not None:
            apply_change(conn, effect)
            for listener in CHANGE_LISTENERS:
                listener(conn, effect, before)
            if effect.op == "delete":
                _bury(conn, change.table_name, change.row_id)
        stats.applied += 1
    if highest_stamp:
        store.observe_clock(highest_stamp)
    return stats


#: The range of SQLite's INTEGER.
_SMALLEST_INTEGER, _LARGEST_INTEGER = -(2**63), 2**63 - 1


def _check_fields(
    conn: sqlite3.Connection, change: Change, columns: dict[str, dict[str, str]]
) -> None:
    """Refuse (``MergeError``) a change naming a field its table does not have, or
    giving one a value its column cannot hold: a list where text is kept, text where a
    number is. ``columns`` caches each table's declared column types."""
    if change.table_name not in columns:
        columns[change.table_name] = {
            name: declared.upper()
            for _cid, name, declared, *_rest in conn.execute(
                f'PRAGMA table_info("{change.table_name}")'
            )
        }
    declared = columns[change.table_name]
    spec = SYNCED_TABLES[change.table_name]
    for name, value in change.data.items():
        if name == "id" or name not in declared:
            raise MergeError(f"{change.table_name} has no field {name!r}")
        if value is None:
            continue  # a NOT NULL column refuses it as a broken constraint
        if name in spec.json_fields:
            fits = isinstance(value, list | dict)
        elif declared[name] == "INTEGER":
            fits = isinstance(value, int) and _SMALLEST_INTEGER <= value <= _LARGEST_INTEGER
        elif declared[name] == "TEXT":
            fits = isinstance(value, str)
        else:
            fits = isinstance(value, str | int | float) and not (
                isinstance(value, int) and not _SMALLEST_INTEGER <= value <= _LARGEST_INTEGER
            )
        if not fits:
            raise MergeError(f"{change.table_name}.{name} cannot hold {type(value).__name__}")


def _dropped(conn: sqlite3.Connection, change: Change) -> bool:
    """Whether erasure or deletion wins over this change (it then does nothing)."""
    if change.op != "delete" and not change.data:
        return True  # blanked by an erasure made on the desk that sent it
    if change.table_name == "erasure":
        return False
    if is_tombstoned(conn, change.row_id):
        return True
    owner_column = _OWNER_COLUMNS.get(change.table_name)
    owner = change.data.get(owner_column) if owner_column else None
    if change.table_name == "resident":
        owner = change.data.get("merged_into")
    if owner and is_tombstoned(conn, owner):
        # A record of an erased resident: it goes too, wherever it came from.
        if change.table_name == "resident":
            apply_erasure(conn, change.row_id, "")
        elif _row(conn, change.table_name, change.row_id) is not None:
            delete = Change(0, "", 0, "", change.table_name, change.row_id, "delete", {})
            apply_change(conn, delete)
            _bury(conn, change.table_name, change.row_id)
        else:
            _bury(conn, change.table_name, change.row_id)
        return True
    return False


def _effect(
    conn: sqlite3.Connection, change: Change, current_row: dict[str, Any] | None
) -> tuple[Change | None, int]:
    """What ``change`` does to the table here (``current_row`` is the row as it is),
    and how many conflicts it opens."""
    exists = current_row is not None
    if change.op == "delete":
        return (change if exists else None), 0
    if change.op == "insert" and not exists:
        return change, 0
    if not exists:
        raise MergeError(f"{change.table_name} {change.row_id} is edited before it is made")
    # An update, or the same link row made on two desks: field by field.
    won, conflicts = _settle_fields(conn, change, current_row)
    if not won:
        return None, conflicts
    return replace(change, op="update", data=won), conflicts


def _settle_fields(
    conn: sqlite3.Connection, change: Change, current_row: dict[str, Any]
) -> tuple[dict[str, Any], int]:
    """The fields of ``change`` that the row shows now, and the conflicts it opened."""
    spec = SYNCED_TABLES[change.table_name]
    version: Version = (change.hlc, change.desk_id, change.seq)
    latest = latest_versions(conn, change.table_name, change.row_id)
    held = siblings(conn, change.table_name, change.row_id, latest)
    base = change.base or {}
    won: dict[str, Any] = {}
    conflicts = 0
    for name, value in change.data.items():
        if name in SILENT_FIELDS:
            if name not in latest or version > latest[name]:
                won[name] = value
            continue
        seen = set(base.get(name, ()))
        unseen = [other for other in held.get(name, ()) if other not in seen]
        if not unseen:
            won[name] = value
            _clear(conn, change, name)
            continue
        values = _sibling_values(conn, change, name, unseen, current_row)
        values[version] = sql_value(spec, name, value)
        _keep(conn, change, name, values)
        if len(set(map(_key, values.values()))) > 1:
            conflicts += 1
        # The row shows the highest version. An edit's stamp is above what it saw, so the
        # version shown is only replaced by a higher one; the second branch guards
        # against a signed but forged stamp, which would otherwise leave desks apart.
        shown, highest = max(held[name]), max(values)
        if highest == version:
            won[name] = value
        elif highest != shown:
            won[name] = python_value(spec, name, values[highest])
    return won, conflicts


def _sibling_values(
    conn: sqlite3.Connection,
    change: Change,
    name: str,
    versions: list[Version],
    current_row: dict[str, Any],
) -> dict[Version, Any]:
    """The value each held version of a field stands for."""
    stored = {
        (hlc, desk_id, seq): json.loads(value)
        for hlc, desk_id, seq, value in conn.execute(
            "SELECT hlc, desk_id, seq, value FROM sync_conflict "
            "WHERE table_name = ? AND row_id = ? AND field = ?",
            (change.table_name, change.row_id, name),
        )
    }
    # A lone version is what the row shows.
    return {version: stored.get(version, current_row.get(name)) for version in versions}


def _keep(conn: sqlite3.Connection, change: Change, name: str, values: dict[Version, Any]) -> None:
    _clear(conn, change, name)
    conn.executemany(
        "INSERT INTO sync_conflict (table_name, row_id, field, hlc, desk_id, seq, value) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (change.table_name, change.row_id, name, *version, json.dumps(value))
            for version, value in values.items()
        ],
    )


def _clear(conn: sqlite3.Connection, change: Change, name: str) -> None:
    conn.execute(
        "DELETE FROM sync_conflict WHERE table_name = ? AND row_id = ? AND field = ?",
        (change.table_name, change.row_id, name),
    )


def _bury(conn: sqlite3.Connection, table: str, row_id: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO tombstone (row_id, table_name, erased_at) "
        "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        (row_id, table),
    )
    conn.execute("DELETE FROM sync_conflict WHERE table_name = ? AND row_id = ?", (table, row_id))


def _row(conn: sqlite3.Connection, table: str, row_id: str) -> dict[str, Any] | None:
    cursor = conn.execute(f'SELECT * FROM "{table}" WHERE id = ?', (row_id,))
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([column[0] for column in cursor.description], row, strict=True))


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
