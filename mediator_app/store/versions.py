"""The versions a field holds, read from the change log.

A field's version is the ``(hlc, desk_id, seq)`` of the change that set it. Usually a
field holds one version: the latest, which every later edit replaces. When two desks edit
it without seeing each other's edit, it holds both (they are *siblings*, kept in
``sync_conflict``) until an edit that saw them all replaces them. The value shown is the
sibling with the highest version: a choice every desk makes the same way.
"""

from __future__ import annotations

import json
from typing import Any

from mediator_app.store.driver import sqlite3

Version = tuple[int, str, int]

#: Fields whose concurrent edits are not worth a mediator's attention: the last
#: version wins and no conflict is kept.
SILENT_FIELDS = frozenset({"created_at", "updated_at", "requested_at", "erased_at"})


def latest_versions(conn: sqlite3.Connection, table: str, row_id: str) -> dict[str, Version]:
    """The highest version of each field of a row, over every change logged for it."""
    latest: dict[str, Version] = {}
    for hlc, desk_id, seq, data in conn.execute(
        "SELECT hlc, desk_id, seq, data FROM change_log "
        "WHERE table_name = ? AND row_id = ? AND op != 'delete'",
        (table, row_id),
    ):
        version = (hlc, desk_id, seq)
        for name in json.loads(data):
            if name not in latest or version > latest[name]:
                latest[name] = version
    return latest


def siblings(
    conn: sqlite3.Connection,
    table: str,
    row_id: str,
    latest: dict[str, Version] | None = None,
) -> dict[str, list[Version]]:
    """Every version each field of a row holds: one, or several when edits conflict.
    ``latest`` saves reading the row's log again when the caller has it."""
    if latest is None:
        latest = latest_versions(conn, table, row_id)
    held = {name: [version] for name, version in latest.items()}
    conflicted: dict[str, list[Version]] = {}
    for field, hlc, desk_id, seq in conn.execute(
        "SELECT field, hlc, desk_id, seq FROM sync_conflict WHERE table_name = ? AND row_id = ?",
        (table, row_id),
    ):
        conflicted.setdefault(field, []).append((hlc, desk_id, seq))
    held.update(conflicted)
    return held


def encode_base(base: dict[str, list[Version]]) -> str | None:
    """The ``base`` column of a change: what its writer had seen of each field it set."""
    if not base:
        return None
    return json.dumps(
        {name: [list(version) for version in sorted(versions)] for name, versions in base.items()},
        separators=(",", ":"),
    )


def decode_base(text: str | None) -> dict[str, list[Version]]:
    if not text:
        return {}
    return {
        name: [(int(v[0]), str(v[1]), int(v[2])) for v in versions]
        for name, versions in json.loads(text).items()
    }


def forget_siblings(conn: sqlite3.Connection, table: str, row_id: str, fields: Any) -> None:
    """An edit that saw every sibling of these fields settles them."""
    conn.executemany(
        "DELETE FROM sync_conflict WHERE table_name = ? AND row_id = ? AND field = ?",
        [(table, row_id, name) for name in fields],
    )
