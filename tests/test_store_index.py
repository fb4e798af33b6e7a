"""The search index survives what SQLite may do to a file: VACUUM, reopening, upgrades."""

from __future__ import annotations

from mediator_app.domain.resident import Resident
from mediator_app.store import open_store
from mediator_app.store.search import rebuild_index

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
NAMES = ["Martin", "Ben Saïd", "Nguyễn", "D'Aubigné", "Yıldız", "Da Silva", "Œuvray", "Ferreira"]


def _index_rows(store):
    return store.conn.execute(
        "SELECT ri.resident_id, f.terms FROM resident_index ri "
        "JOIN resident_fts f ON f.rowid = ri.resident_rowid ORDER BY ri.resident_id"
    ).fetchall()


def test_vacuum_after_deletions_keeps_every_name_findable(db_path):
    store = open_store(db_path)
    people = [
        store.residents.create(Resident(first_name=f"Ana{n}", last_name=name, **CONSENT))
        for n, name in enumerate(NAMES * 3)
    ]
    with store.write() as writer:
        for person in people[::2]:
            writer.delete("resident", person.id)
    store.conn.execute("VACUUM")
    kept = people[1::2]
    for person in kept:
        assert person.id in [hit.id for hit in store.residents.search(person.last_name)]
    before = _index_rows(store)
    rebuild_index(store.conn)
    assert sorted(r[0] for r in before) == sorted(p.id for p in kept)
    assert sorted(before, key=lambda row: row[0]) == _index_rows(store)
    store.close()
