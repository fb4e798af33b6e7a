"""Conflicts: a field two desks edited without seeing each other's edit. Every version
is kept; the row shows the highest, and a mediator chooses. The choice is an ordinary
edit that has seen every version, so it settles the conflict on every desk."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from mediator_app.store import Store
from mediator_app.store.changes import SYNCED_TABLES, python_value
from mediator_app.store.driver import sqlite3
from mediator_app.store.errors import NotFoundError


@dataclass(frozen=True)
class ConflictVersion:
    desk_id: str
    hlc: int
    seq: int
    value: Any


@dataclass(frozen=True)
class Conflict:
    table_name: str
    row_id: str
    field: str
    #: Highest version first: the one the row shows.
    versions: tuple[ConflictVersion, ...]

    @property
    def shown(self) -> Any:
        return self.versions[0].value


def open_conflicts(conn: sqlite3.Connection) -> list[Conflict]:
    """Every field whose versions hold different values, oldest edit first. Versions
    that agree are kept (they still settle the same way everywhere) but not shown."""
    rows = conn.execute(
        "SELECT table_name, row_id, field, hlc, desk_id, seq, value FROM sync_conflict "
        "ORDER BY table_name, row_id, field, hlc DESC, desk_id DESC, seq DESC"
    ).fetchall()
    found = []
    for (table, row_id, field), group in groupby(rows, key=lambda row: row[:3]):
        spec = SYNCED_TABLES[table]
        versions = tuple(
            ConflictVersion(desk_id, hlc, seq, python_value(spec, field, json.loads(value)))
            for _t, _r, _f, hlc, desk_id, seq, value in group
        )
        if len({json.dumps(v.value, sort_keys=True) for v in versions}) > 1:
            found.append(Conflict(table, row_id, field, versions))
    return sorted(found, key=lambda conflict: min(v.hlc for v in conflict.versions))


def resolve(store: Store, table: str, row_id: str, field: str, value: Any) -> None:
    """Settle a conflict with ``value`` (one of the versions, or another typed in)."""
    if not store.conn.execute(
        "SELECT 1 FROM sync_conflict WHERE table_name = ? AND row_id = ? AND field = ?",
        (table, row_id, field),
    ).fetchone():
        raise NotFoundError(id=f"{table}/{row_id}/{field}")
    with store.write() as writer:
        writer.update(table, row_id, {field: value}, force=True)
