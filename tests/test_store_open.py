"""Opening the database: pragmas, migrations, refusal of foreign or newer files, the desk."""

from __future__ import annotations

import random
from datetime import date

import pytest

from mediator_app.domain.ids import uuid7_time_ms
from mediator_app.domain.resident import Resident
from mediator_app.store import (
    DatabaseUnreadableError,
    NewerSchemaError,
    StoreError,
    open_store,
)
from mediator_app.store.driver import sqlite3
from mediator_app.store.schema import SCHEMA_VERSION

TODAY = date(2026, 3, 15)
NOISE = random.Random(20260315)


def noise(size: int) -> bytes:
    return NOISE.randbytes(size)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "passerelle.db"


@pytest.fixture
def store(db_path):
    opened = open_store(db_path)
    yield opened
    opened.close()


def pragma(store, name):
    return store.conn.execute(f"PRAGMA {name}").fetchone()[0]


def test_pragmas(store):
    assert pragma(store, "journal_mode") == "wal"
    assert pragma(store, "foreign_keys") == 1
    assert pragma(store, "synchronous") == 2  # FULL
    assert pragma(store, "busy_timeout") > 0


def test_new_database_is_at_the_current_schema(store, db_path):
    assert db_path.exists()
    assert pragma(store, "user_version") == SCHEMA_VERSION
    tables = {row[0] for row in store.conn.execute("SELECT name FROM sqlite_master")}
    assert {"desk", "mediator", "resident", "support_session", "change_log"} <= tables
    assert {"resident_index", "resident_fts"} <= tables


def test_foreign_keys_are_enforced(store):
    with pytest.raises(sqlite3.IntegrityError), store.write() as writer:
        writer.insert(
            "support_session",
            {
                "resident_id": "no-such-resident",
                "date": "2026-03-10",
                "duration_min": 30,
                "place_type": "lieu_activite",
                "device": "ordinateur",
                "themes": ["email"],
            },
        )
    assert store.conn.execute("SELECT COUNT(*) FROM support_session").fetchone()[0] == 0


def test_parent_folders_are_made(tmp_path):
    nested = tmp_path / "a" / "b" / "passerelle.db"
    opened = open_store(nested)
    opened.close()
    assert nested.exists()


def test_open_accepts_a_string_path(db_path):
    opened = open_store(str(db_path))
    assert opened.path == db_path
    opened.close()


def test_in_memory_store_works():
    opened = open_store(None)
    created = opened.residents.create(
        Resident(first_name="Awa", consent_date="2026-03-01"), today=TODAY
    )
    assert opened.residents.get(created.id).first_name == "Awa"
    assert opened.path is None
    opened.close()


def test_reopening_keeps_data_and_desk(db_path):
    first = open_store(db_path)
    desk = first.ensure_desk(name="Accueil", centre_name="Centre social")
    created = first.residents.create(
        Resident(first_name="Hélène", last_name="Dupont", consent_date="2026-03-01"), today=TODAY
    )
    first.close()

    again = open_store(db_path)
    try:
        assert again.residents.get(created.id) == created
        assert again.desk == desk
        assert [hit.id for hit in again.residents.search("helene")] == [created.id]
        assert pragma(again, "user_version") == SCHEMA_VERSION
        migrations = again.conn.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0]
        assert migrations == SCHEMA_VERSION
    finally:
        again.close()


def test_reopening_twice_in_a_row_is_harmless(db_path):
    for _ in range(3):
        open_store(db_path).close()
    opened = open_store(db_path)
    assert pragma(opened, "user_version") == SCHEMA_VERSION
    opened.close()


def _newer_database(path, version):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE resident (id TEXT PRIMARY KEY, future_column TEXT)")
    conn.execute("INSERT INTO resident VALUES ('r1', 'x')")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


def test_newer_schema_is_refused_and_left_unchanged(db_path):
    _newer_database(db_path, SCHEMA_VERSION + 1)
    before = db_path.read_bytes()
    with pytest.raises(NewerSchemaError) as caught:
        open_store(db_path)
    assert db_path.read_bytes() == before
    assert caught.value.params == {"found": SCHEMA_VERSION + 1, "supported": SCHEMA_VERSION}
    message = caught.value.render()
    assert str(SCHEMA_VERSION + 1) in message
    assert "newer version" in message
    assert isinstance(caught.value, StoreError)


def test_a_database_written_by_a_much_newer_passerelle_is_refused(tmp_path):
    path = tmp_path / "from-the-future.db"
    _newer_database(path, 999)
    before = path.read_bytes()
    with pytest.raises(NewerSchemaError):
        open_store(path)
    assert path.read_bytes() == before


def test_newer_schema_of_our_own_file_is_refused(db_path):
    opened = open_store(db_path)
    opened.ensure_desk()
    opened.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    opened.close()
    before = db_path.read_bytes()
    with pytest.raises(NewerSchemaError):
        open_store(db_path)
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [
        noise(4096),
        noise(100_000),
        b"Name;First name\nDupont;Marie\n" * 50,
        "Ceci n'est pas une base de données.\n".encode() * 3,
        b"SQLite format 3\x00" + b"\xff\x13" + noise(2000),
    ],
    ids=["random-4k", "random-100k", "csv", "text", "damaged-header"],
)
def test_a_file_that_is_not_a_database_is_refused_and_left_unchanged(tmp_path, content):
    path = tmp_path / "not-a-database.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseUnreadableError) as caught:
        open_store(path)
    assert path.read_bytes() == content
    assert str(path) in caught.value.render()
    assert not (tmp_path / "not-a-database.db-wal").exists()


def test_another_programs_database_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 12.5)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseUnreadableError):
        open_store(path)
    assert path.read_bytes() == before


def test_an_empty_file_becomes_a_new_database(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    opened = open_store(path)
    assert pragma(opened, "user_version") == SCHEMA_VERSION
    opened.close()


def test_no_desk_until_asked(store):
    assert store.desk is None


def test_ensure_desk_makes_the_desk_once(store):
    desk = store.ensure_desk(name="Accueil", centre_name="MJC", country="PT", language="pt")
    assert (desk.name, desk.centre_name, desk.country, desk.language) == (
        "Accueil",
        "MJC",
        "PT",
        "pt",
    )
    assert desk.configured is False
    assert uuid7_time_ms(desk.id) > 0
    again = store.ensure_desk(name="Other", centre_name="Other", country="ES")
    assert again == desk
    assert store.conn.execute("SELECT COUNT(*) FROM desk").fetchone()[0] == 1


def test_ensure_desk_defaults(store):
    desk = store.ensure_desk()
    assert desk.name
    assert (desk.country, desk.language, desk.centre_name) == ("FR", "fr", "")


def test_ensure_desk_can_be_marked_configured(store):
    assert store.ensure_desk(name="Accueil", configured=True).configured is True


def test_configure_desk_sets_identity_and_keeps_id(store, db_path):
    made = store.ensure_desk()
    configured = store.configure_desk(
        name="Bureau 2", centre_name="Centre social Ouest", country="IT", language="it"
    )
    assert configured.id == made.id
    assert configured.configured is True
    assert (configured.name, configured.centre_name, configured.country, configured.language) == (
        "Bureau 2",
        "Centre social Ouest",
        "IT",
        "it",
    )
    store.close()
    reopened = open_store(db_path)
    assert reopened.desk == configured
    reopened.close()


def test_configure_desk_makes_the_desk_when_there_is_none(store):
    desk = store.configure_desk(name="A", centre_name="B", country="ES", language="es")
    assert desk.configured
    assert store.desk == desk


def test_first_write_makes_the_desk(store):
    store.residents.create(Resident(first_name="Awa", consent_date="2026-03-01"), today=TODAY)
    desk = store.desk
    assert desk is not None
    (logged_desk,) = store.conn.execute("SELECT DISTINCT desk_id FROM change_log").fetchone()
    assert logged_desk == desk.id


def test_desk_table_is_never_in_the_change_log(store):
    store.ensure_desk()
    store.configure_desk(name="A", centre_name="B", country="FR", language="fr")
    assert store.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0] == 0
