"""The one write path.

Every insert, update and delete of a synced table is a *change*: it is appended to the
change log (with a hybrid logical clock stamp, this desk's id and its next sequence
number) and applied to the table by ``apply_change``, in the same transaction. Sync
exports exactly this log and applies received changes with the same function, so the
tables can always be rebuilt by replaying it.

A change's ``data`` holds only the fields it sets, with their new values; each field's
version is the change's ``(hlc, desk_id, seq)``. Its ``base`` says which versions of
those fields the writer had seen (``store/versions.py``), so that a desk receiving it can
tell an edit that followed another from two edits made apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from mediator_app.domain.clock import HybridLogicalClock
from mediator_app.domain.ids import new_id
from mediator_app.store.driver import sqlite3
from mediator_app.store.errors import NotFoundError
from mediator_app.store.versions import (
    SILENT_FIELDS,
    Version,
    decode_base,
    encode_base,
    forget_siblings,
    siblings,
)


@dataclass(frozen=True)
class TableSpec:
    """How a synced table's values are kept in SQLite."""

    name: str
    json_fields: tuple[str, ...] = ()
    flag_fields: tuple[str, ...] = ()


SYNCED_TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("mediator", flag_fields=("active",)),
        TableSpec("resident"),
        TableSpec(
            "support_session",
            json_fields=("themes", "admin_themes"),
            flag_fields=("referred", "follow_up_needed", "follow_up_done"),
        ),
        TableSpec(
            "workshop",
            json_fields=("themes", "facilitators"),
            flag_fields=("eu_funded", "erasmus_disclaimer", "archived"),
        ),
        TableSpec(
            "workshop_occurrence",
            json_fields=("anonymous_participants",),
            flag_fields=("cancelled", "attendance_entered"),
        ),
        TableSpec("registration", flag_fields=("walk_in",)),
        TableSpec("skill_assessment", json_fields=("ratings",)),
        TableSpec("skill_goal"),
        # An erased resident: the id only. Applying it erases everything about them.
        TableSpec("erasure"),
        TableSpec("centre_setting"),
    )
}


@dataclass(frozen=True)
class Change:
    """One entry of the change log."""

    hlc: int
    desk_id: str
    seq: int
    tx_id: str
    table_name: str
    row_id: str
    op: str
    data: dict[str, Any]
    author: str | None = None
    #: The versions of its fields the writer had seen (updates only).
    base: dict[str, list[Version]] | None = None


#: Called after each applied change with the row as it was before (``None`` for an
#: insert), to keep derived data (search index) in step.
ChangeListener = Callable[[sqlite3.Connection, Change, dict[str, Any] | None], None]


def utc_now() -> str:
    """The current time in UTC, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def apply_change(conn: sqlite3.Connection, change: Change) -> None:
    """Apply one change to its table. The only code that writes to synced tables."""
    spec = SYNCED_TABLES[change.table_name]
    if change.op == "delete":
        conn.execute(_statement(change.table_name, "delete", ()), (change.row_id,))
        return
    if change.op not in ("insert", "update"):
        raise ValueError(f"unknown change operation {change.op!r}")
    columns = tuple(change.data)
    values = [sql_value(spec, name, value) for name, value in change.data.items()]
    parameters = (change.row_id, *values) if change.op == "insert" else (*values, change.row_id)
    conn.execute(_statement(change.table_name, change.op, columns), parameters)


@lru_cache(maxsize=256)
def _statement(table: str, op: str, columns: tuple[str, ...]) -> str:
    """The SQL of one kind of change; cached, since bulk writes repeat a few shapes."""
    quoted_table = _quote(table)
    if op == "delete":
        return f"DELETE FROM {quoted_table} WHERE id = ?"
    if op == "insert":
        names = ", ".join(map(_quote, ("id", *columns)))
        placeholders = ", ".join("?" for _ in range(len(columns) + 1))
        return f"INSERT INTO {quoted_table} ({names}) VALUES ({placeholders})"
    assignments = ", ".join(f"{_quote(name)} = ?" for name in columns)
    return f"UPDATE {quoted_table} SET {assignments} WHERE id = ?"


class ChangeWriter:
    """Records and applies the changes of one transaction. Made by ``Store.write()``;
    do not keep one beyond its ``with`` block."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        desk_id: str,
        clock: HybridLogicalClock,
        author: str | None,
        listeners: Iterable[ChangeListener],
    ):
        self._conn = conn
        self._desk_id = desk_id
        self._clock = clock
        self._author = author
        self._listeners = tuple(listeners)
        self.tx_id = new_id()
        self.changes: list[Change] = []
        (last_seq,) = conn.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM change_log WHERE desk_id = ?", (desk_id,)
        ).fetchone()
        self._next_seq = last_seq + 1
        (last_hlc,) = conn.execute("SELECT COALESCE(MAX(hlc), 0) FROM change_log").fetchone()
        if last_hlc > clock.last:
            clock.observe(last_hlc)

    def insert(self, table: str, values: dict[str, Any]) -> str:
        """Insert a row; returns its id (a new UUIDv7 unless ``values`` has one)."""
        _check_table(table)
        row_id = values.get("id") or new_id()
        now = utc_now()
        data = {key: value for key, value in values.items() if key != "id"}
        data.setdefault("created_at", now)
        data["updated_at"] = now
        self._record(table, row_id, "insert", data, None)
        return row_id

    def update(
        self, table: str, row_id: str, values: dict[str, Any], *, force: bool = False
    ) -> dict[str, Any]:
        """Set the given fields of a row; returns the fields that actually changed.

        Fields whose value is unchanged are not logged; an update that changes nothing
        writes nothing. ``force`` logs the given fields even when unchanged: choosing
        the value a conflict already shows settles it on every desk.
        """
        spec = _check_table(table)
        current = self._current_row(spec, row_id)
        changed = {
            name: value
            for name, value in values.items()
            if name not in ("id", "created_at", "updated_at")
            and (force or sql_value(spec, name, value) != current.get(name))
        }
        if changed:
            held = siblings(self._conn, table, row_id)
            base = {name: held[name] for name in changed if name in held}
            self._record(
                table, row_id, "update", {**changed, "updated_at": utc_now()}, current, base
            )
            forget_siblings(self._conn, table, row_id, changed)
        return changed

    def delete(self, table: str, row_id: str) -> None:
        """Delete a row; the change log keeps the fact, not the values."""
        spec = _check_table(table)
        self._record(table, row_id, "delete", {}, self._current_row(spec, row_id))
        # A deleted row stays deleted: an edit of it arriving later from another desk
        # is dropped.
        self._conn.execute(
            "INSERT OR IGNORE INTO tombstone (row_id, table_name, erased_at) VALUES (?, ?, ?)",
            (row_id, table, utc_now()),
        )
        self._conn.execute(
            "DELETE FROM sync_conflict WHERE table_name = ? AND row_id = ?", (table, row_id)
        )

    def _current_row(self, spec: TableSpec, row_id: str) -> dict[str, Any]:
        cursor = self._conn.execute(f"SELECT * FROM {_quote(spec.name)} WHERE id = ?", (row_id,))
        row = cursor.fetchone()
        if row is None:
            raise NotFoundError(id=row_id)
        return dict(zip([column[0] for column in cursor.description], row, strict=True))

    def _record(
        self,
        table: str,
        row_id: str,
        op: str,
        data: dict[str, Any],
        before: dict[str, Any] | None,
        base: dict[str, list[Version]] | None = None,
    ) -> None:
        change = Change(
            hlc=self._clock.now(),
            desk_id=self._desk_id,
            seq=self._next_seq,
            tx_id=self.tx_id,
            table_name=table,
            row_id=row_id,
            op=op,
            data=data,
            author=self._author,
            base={name: versions for name, versions in (base or {}).items()
                  if name not in SILENT_FIELDS} or None,
        )  # fmt: skip
        self._next_seq += 1
        log_change(self._conn, change)
        apply_change(self._conn, change)
        for listener in self._listeners:
            listener(self._conn, change, before)
        self.changes.append(change)


def log_change(conn: sqlite3.Connection, change: Change) -> None:
    """Append ``change`` to the change log (a local one, or one received)."""
    conn.execute(
        "INSERT INTO change_log (hlc, desk_id, seq, tx_id, table_name, row_id, op, data,"
        " author, base) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            change.hlc,
            change.desk_id,
            change.seq,
            change.tx_id,
            change.table_name,
            change.row_id,
            change.op,
            json.dumps(change.data, ensure_ascii=False, separators=(",", ":")),
            change.author,
            encode_base(change.base or {}),
        ),
    )


def read_changes(conn: sqlite3.Connection, after_id: int = 0) -> Iterable[Change]:
    """The change log in the order it was written, from ``after_id`` on."""
    cursor = conn.execute(
        "SELECT hlc, desk_id, seq, tx_id, table_name, row_id, op, data, author, base "
        "FROM change_log WHERE id > ? ORDER BY id",
        (after_id,),
    )
    for hlc, desk_id, seq, tx_id, table_name, row_id, op, data, author, base in cursor:
        yield Change(
            hlc, desk_id, seq, tx_id, table_name, row_id, op, json.loads(data), author,
            decode_base(base) or None,
        )  # fmt: skip


def _check_table(table: str) -> TableSpec:
    try:
        return SYNCED_TABLES[table]
    except KeyError:
        raise ValueError(f"{table!r} is not a synced table") from None


def sql_value(spec: TableSpec, name: str, value: Any) -> Any:
    if name in spec.json_fields:
        container = dict(value) if isinstance(value, dict) else list(value or ())
        return json.dumps(container, ensure_ascii=False, sort_keys=isinstance(value, dict))
    if name in spec.flag_fields:
        return int(bool(value))
    return value


def python_value(spec: TableSpec, name: str, value: Any) -> Any:
    """A column's value as the write API takes it (the reverse of ``sql_value``)."""
    if name in spec.json_fields and isinstance(value, str):
        return json.loads(value)
    if name in spec.flag_fields and value is not None:
        return bool(value)
    return value


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
