"""Erasing a resident: the right to erasure, and what makes it win over sync.

An erasure is a change of the synced ``erasure`` table holding the resident's id only.
Applying it, on the desk where it was made or on any desk that receives it, deletes the
resident, the records merged into them and everything about them (sessions,
assessments, goals, registrations), drops them from the search index, blanks their
entries in the change log (the fact that a change happened stays, its values go) and
leaves a tombstone for each id, so an edit made elsewhere before the erasure arrived is
dropped when it comes.
"""

from __future__ import annotations

from typing import Any

from mediator_app.store.changes import Change, apply_change
from mediator_app.store.driver import sqlite3

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


def apply_erasure(conn: sqlite3.Connection, resident_id: str, erased_at: str) -> None:
    """Remove every trace of a resident from this database (see the module's note)."""
    from mediator_app.store import search

    rows = erased_rows(conn, resident_id)
    for table, row_id in rows:
        if table == "resident":
            search.drop_resident(conn, row_id)
        apply_change(conn, Change(0, "", 0, "", table, row_id, "delete", {}))
    targets = [*rows, ("resident", resident_id)]
    conn.executemany(
        "INSERT OR IGNORE INTO tombstone (row_id, table_name, erased_at) VALUES (?, ?, ?)",
        [(row_id, table, erased_at) for table, row_id in targets],
    )
    conn.executemany(
        "UPDATE change_log SET data = '{}', base = NULL WHERE table_name = ? AND row_id = ?",
        targets,
    )
    conn.executemany("DELETE FROM sync_conflict WHERE table_name = ? AND row_id = ?", targets)


def on_change(conn: sqlite3.Connection, change: Change, before: dict[str, Any] | None) -> None:
    """A change listener: an erasure, once applied, erases."""
    if change.table_name == "erasure" and change.op == "insert":
        apply_erasure(conn, change.row_id, change.data.get("erased_at", ""))


def is_tombstoned(conn: sqlite3.Connection, row_id: str) -> bool:
    found = conn.execute("SELECT 1 FROM tombstone WHERE row_id = ?", (row_id,)).fetchone()
    return found is not None
