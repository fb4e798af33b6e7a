"""A database written by an earlier version is upgraded in place, and nothing is lost."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from mediator_app.domain.resident import Resident
from mediator_app.store import open_store
from mediator_app.store.driver import sqlite3
from mediator_app.store.schema import SCHEMA_VERSION, migrations

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}


def _version_one_database(path) -> None:
    """A database as the first release left it, with one resident written by it."""
    connection = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(connection), stop_before="0002_name_endings")
    connection.execute(
        "INSERT INTO resident (id, first_name, last_name, consent_date, consent_version, "
        "created_at, updated_at) VALUES ('r1', 'Mohamed', 'Zidane', '2026-01-05', '2026-1', "
        "'2026-01-05T10:00:00+00:00', '2026-01-05T10:00:00+00:00')"
    )
    connection.execute(
        "INSERT INTO resident_index (resident_rowid, resident_id, shown_id, sort_key, phone, "
        "email) SELECT rowid, id, id, 'zidane\x1fmohamed', '', '' FROM resident"
    )
    connection.execute(
        "INSERT INTO resident_fts (rowid, terms) SELECT rowid, 'mohamed zidane' FROM resident"
    )
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 1
    connection.close()


def test_upgrade_keeps_residents_and_rebuilds_the_search_index(tmp_path):
    path = tmp_path / "old.db"
    _version_one_database(path)
    store = open_store(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.residents.get("r1").last_name == "Zidane"
        assert [hit.id for hit in store.residents.search("zida")] == ["r1"]
        # The upgraded index knows names by their endings: a slip in both first letters.
        slipped = Resident(first_name="Mhoamed", last_name="Zdiane", **CONSENT)
        assert [d.resident.id for d in store.residents.probable_duplicates(slipped)] == ["r1"]
    finally:
        store.close()


def test_upgrade_is_applied_once(tmp_path):
    path = tmp_path / "old.db"
    _version_one_database(path)
    open_store(path).close()
    store = open_store(path)
    try:
        names = [row[0] for row in store.conn.execute("SELECT name FROM _sqlite_migrations")]
        assert names == [
            "0001_foundation", "0002_name_endings", "0003_workshops", "0004_skills", "0005_sync",
            "0006_imports", "0007_privacy", "0008_audit_indexes",
        ]  # fmt: skip
    finally:
        store.close()


def test_the_audit_trail_only_grows(store):
    store.conn.execute(
        "INSERT INTO audit_event (at, mediator_id, action, resident_id) "
        "VALUES ('2026-11-29T09:00:00', NULL, 'view', 'r1')"
    )
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM audit_event")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE audit_event SET action = 'change'")
    # Forgetting the resident of an event, on erasure, is the one change allowed.
    store.conn.execute("UPDATE audit_event SET resident_id = NULL")
    assert store.conn.execute("SELECT action, resident_id FROM audit_event").fetchall() == [
        ("view", None)
    ]
