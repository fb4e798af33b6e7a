"""Erasing a resident: the right to erasure, and what makes it win over sync.

An erasure is a change of the synced ``erasure`` table holding the resident's id only.
Applying it, on the desk where it was made or on any desk that receives it, deletes the
resident, the records merged into them and everything about them (sessions,
assessments, goals, registrations), drops them from the search index, blanks their
entries in the change log, those of records deleted earlier included (the fact that a
change happened stays, its values go),
forgets them in the audit trail's events (``store/audit.py``: the events stay, without
the resident, and an "erase" event naming nobody is added) and leaves a tombstone for
each id, so an edit made elsewhere before the erasure arrived is dropped when it comes.
"""

from __future__ import annotations

from typing import Any

from mediator_app.store import audit
from mediator_app.store.changes import Change, apply_change
from mediator_app.store.driver import sqlite3

#: SQLite's default limit of host parameters is 999 on old builds: stay well below.
_CHUNK = 400
#: The index that finds the records made for a resident from their creation in the change
#: log, deleted ones included (a migration adds it); without it, the tombstones are read.
OWNER_INDEX = "change_log_by_owner"

#: Tables whose rows belong to one resident, by the column naming them.
RESIDENT_RECORDS = (
    ("registration", "resident_id"),
    ("skill_goal", "resident_id"),
    ("skill_assessment", "resident_id"),
    ("support_session", "resident_id"),
)


def erased_rows(conn: sqlite3.Connection, resident_id: str) -> list[tuple[str, str]]:
    """``(table, row id)`` of everything erasing ``resident_id`` removes, records first."""
    residents = [resident_id]
    # Records merged into this one are the same person.
    for current in residents:
        residents.extend(
            row[0]
            for row in conn.execute("SELECT id FROM resident WHERE merged_into = ?", (current,))
        )
    rows: list[tuple[str, str]] = []
    for table, column in RESIDENT_RECORDS:
        for person in residents:
            rows.extend(
                (table, row[0])
                for row in conn.execute(f"SELECT id FROM {table} WHERE {column} = ?", (person,))
            )
    # Merged records point at the one they joined: they go first.
    rows.extend(("resident", person) for person in reversed(residents))
    return rows


def records_created_for(conn: sqlite3.Connection, residents: list[str]) -> list[tuple[str, str]]:
    """``(table, row id)`` of records whose creation in the change log named one of
    ``residents``: every one when the log has ``OWNER_INDEX``; without it, at least those
    deleted since (a session removed, a registration merged away), found from the
    tombstones, which are few beside the log. Callers add the records in the tables."""
    indexed = (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (OWNER_INDEX,)
        ).fetchone()
        is not None
    )
    tables = tuple(table for table, _column in RESIDENT_RECORDS)
    found: list[tuple[str, str]] = []
    for start in range(0, len(residents), _CHUNK):
        chunk = residents[start : start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        if indexed:
            sql = (
                "SELECT table_name, row_id FROM change_log WHERE op = 'insert' "
                f"AND json_extract(data, '$.resident_id') IN ({marks}) "
                f"AND table_name IN ({', '.join('?' for _ in tables)})"
            )
            found += conn.execute(sql, (*chunk, *tables)).fetchall()
            continue
        found += conn.execute(
            # CROSS JOIN: from the tombstones to the log, never the reverse.
            "SELECT c.table_name, c.row_id FROM tombstone t CROSS JOIN change_log c "
            "ON c.table_name = t.table_name AND c.row_id = t.row_id "
            f"WHERE t.table_name IN ({', '.join('?' for _ in tables)}) AND c.op = 'insert' "
            f"AND json_extract(c.data, '$.resident_id') IN ({marks})",
            (*tables, *chunk),
        ).fetchall()
    return found


def apply_erasure(conn: sqlite3.Connection, resident_id: str, erased_at: str) -> None:
    """Remove every trace of a resident from this database (see the module's note)."""
    from mediator_app.store import search

    rows = erased_rows(conn, resident_id)
    for table, row_id in rows:
        if table == "resident":
            search.drop_resident(conn, row_id)
        apply_change(conn, Change(0, "", 0, "", table, row_id, "delete", {}))
    residents = [row_id for table, row_id in rows if table == "resident"] or [resident_id]
    # Records deleted earlier are gone, but their changes still hold their values.
    deleted = records_created_for(conn, residents)
    targets = list(dict.fromkeys([*rows, *deleted, ("resident", resident_id)]))
    conn.executemany(
        "INSERT OR IGNORE INTO tombstone (row_id, table_name, erased_at) VALUES (?, ?, ?)",
        [(row_id, table, erased_at) for table, row_id in targets],
    )
    conn.executemany(
        "UPDATE change_log SET data = '{}', base = NULL WHERE table_name = ? AND row_id = ?",
        targets,
    )
    conn.executemany("DELETE FROM sync_conflict WHERE table_name = ? AND row_id = ?", targets)
    audit.forget_residents(conn, {row_id for table, row_id in targets if table == "resident"})


#: Erasures applied in each connection's open transaction, by connection: once it
#: commits, the store sweeps what is left outside the live pages (``after_erasure``).
_pending: dict[int, dict[str, str]] = {}


def take_pending(conn: sqlite3.Connection) -> dict[str, str]:
    """The residents (id: when) erased in ``conn``'s last transaction, forgotten here."""
    return _pending.pop(id(conn), {})


def on_change(conn: sqlite3.Connection, change: Change, before: dict[str, Any] | None) -> None:
    """A change listener: an erasure, once applied, erases, and the audit trail keeps
    the fact (who erased, when), not the identity."""
    if change.table_name == "erasure" and change.op == "insert":
        erased_at = change.data.get("erased_at", "")
        apply_erasure(conn, change.row_id, erased_at)
        _pending.setdefault(id(conn), {})[change.row_id] = erased_at
        here = conn.execute("SELECT id FROM desk").fetchone()
        elsewhere = here is not None and change.desk_id not in ("", here[0])
        audit.append(
            conn, audit.ERASE, mediator_id=change.author, resident_id=None,
            detail=audit.OTHER_DESK if elsewhere else "",
        )  # fmt: skip


def is_tombstoned(conn: sqlite3.Connection, row_id: str) -> bool:
    found = conn.execute("SELECT 1 FROM tombstone WHERE row_id = ?", (row_id,)).fetchone()
    return found is not None
