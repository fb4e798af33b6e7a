"""The one write path: every write is logged field by field, in one transaction, and the
log alone rebuilds the synced tables."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

import pytest

from mediator_app.domain.clock import HybridLogicalClock, pack
from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.domain.skills import Framework, FrameworkRegistry, SkillAssessment, SkillGoal
from mediator_app.domain.validation import ValidationError
from mediator_app.domain.workshop import AnonymousCount, Workshop, WorkshopOccurrence
from mediator_app.reports.activities import pseudonym_key
from mediator_app.store import NotFoundError, StoreError, erasure, open_store
from mediator_app.store.changes import SYNCED_TABLES, Change, apply_change, read_changes
from mediator_app.store.driver import sqlite3
from mediator_app.store.mediators import add_mediator
from mediator_app.store.search import rebuild_index
from mediator_app.store.skills import Skills
from tests.test_domain_skills import tiny

TODAY = date(2026, 3, 15)
RESIDENT_FIELDS = [
    "first_name",
    "last_name",
    "birth_year",
    "gender",
    "social_status",
    "commune",
    "postcode",
    "phone",
    "email",
    "language",
    "notes",
    "consent_date",
    "consent_version",
    "consent_language",
    "consent_collected_by",
]


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "passerelle.db")
    yield opened
    opened.close()


def person(first="Marie", last="Dupont", **more) -> Resident:
    more.setdefault("consent_date", "2026-03-01")
    return Resident(first_name=first, last_name=last, **more)


def visit(resident_id=None, day="2026-03-10", **more) -> SupportSession:
    more.setdefault("themes", ("email",))
    return SupportSession(date=day, duration_min=30, resident_id=resident_id, **more)


def log(store) -> list[Change]:
    return list(read_changes(store.conn))


def new_entries(store, before: int) -> list[Change]:
    return log(store)[before:]


def snapshot(store) -> dict[str, list[tuple]]:
    """Every row of every table, the derived ones included."""
    tables = [
        "desk",
        "mediator",
        "resident",
        "support_session",
        "change_log",
        "resident_index",
        "resident_fts",
    ]
    return {
        table: store.conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        for table in tables
    }


def synced_rows(store) -> dict[str, list[tuple]]:
    return {
        table: store.conn.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
        for table in SYNCED_TABLES
    }


# Each write API leaves the right entries


def test_resident_create_logs_one_insert_with_every_field(store):
    created = store.residents.create(
        person(birth_year=1950, phone="06 12 34 56 78", email="m@example.org"), today=TODAY
    )
    (change,) = log(store)
    assert change.op == "insert"
    assert change.table_name == "resident"
    assert change.row_id == created.id
    assert change.desk_id == store.desk.id
    assert change.seq == 1
    assert set(change.data) == {*RESIDENT_FIELDS, "created_at", "updated_at"}
    assert change.data["first_name"] == "Marie"
    assert change.data["birth_year"] == 1950
    assert change.data["phone"] == "06 12 34 56 78"
    assert change.data["created_at"] == created.created_at
    assert change.data["updated_at"] == created.updated_at
    assert "id" not in change.data
    assert "merged_into" not in change.data


def test_resident_create_logs_the_normalised_values(store):
    store.residents.create(person(first="  Marie  Claire ", last=" Dupont "), today=TODAY)
    (change,) = log(store)
    assert change.data["first_name"] == "Marie Claire"
    assert change.data["last_name"] == "Dupont"


def test_resident_update_logs_only_changed_fields(store):
    created = store.residents.create(person(), today=TODAY)
    before = len(log(store))
    updated = store.residents.update(
        replace(created, phone="06 12 34 56 78", commune="Lyon"), today=TODAY
    )
    (change,) = new_entries(store, before)
    assert change.op == "update"
    assert change.table_name == "resident"
    assert change.row_id == created.id
    assert change.data == {
        "phone": "06 12 34 56 78",
        "commune": "Lyon",
        "updated_at": updated.updated_at,
    }
    assert updated.phone == "06 12 34 56 78"
    assert updated.created_at == created.created_at


def test_update_that_changes_nothing_logs_nothing(store):
    created = store.residents.create(person(phone="0612345678"), today=TODAY)
    before = snapshot(store)
    again = store.residents.update(created, today=TODAY)
    assert again == created
    same_after_normalising = replace(created, first_name="  Marie ", phone=" 0612345678 ")
    store.residents.update(same_after_normalising, today=TODAY)
    assert snapshot(store) == before


def test_resident_update_of_unknown_id_is_refused(store):
    with pytest.raises(NotFoundError):
        store.residents.update(replace(person(), id="missing"), today=TODAY)
    assert log(store) == []


def test_add_mediator_logs_an_insert(store):
    mediator = add_mediator(store, "  Awa   Diallo ")
    (change,) = log(store)
    assert mediator.name == "Awa Diallo"
    assert (change.op, change.table_name, change.row_id) == ("insert", "mediator", mediator.id)
    assert change.data["name"] == "Awa Diallo"
    assert change.data["active"] is True
    row = store.conn.execute("SELECT name, active FROM mediator").fetchone()
    assert row == ("Awa Diallo", 1)


def test_add_mediator_with_empty_name_is_refused(store):
    with pytest.raises(ValidationError) as caught:
        add_mediator(store, "   ")
    assert set(caught.value.problems) == {"name"}
    assert log(store) == []


def test_session_create_logs_an_insert(store):
    resident = store.residents.create(person(), today=TODAY)
    before = len(log(store))
    created = store.sessions.create(
        visit(resident.id, themes=("email", "sante"), referred=True, referral_to="autre"),
        today=TODAY,
    )
    (change,) = new_entries(store, before)
    assert (change.op, change.table_name, change.row_id) == (
        "insert",
        "support_session",
        created.id,
    )
    assert change.data["themes"] == ["email", "sante"]
    assert change.data["admin_themes"] == []
    assert change.data["referred"] is True
    assert change.data["follow_up_needed"] is False
    assert change.data["resident_id"] == resident.id
    row = store.conn.execute("SELECT themes, referred FROM support_session").fetchone()
    assert row == ('["email", "sante"]', 1)


def test_session_update_logs_only_changed_fields(store):
    created = store.sessions.create(visit(), today=TODAY)
    before = len(log(store))
    updated = store.sessions.update(
        replace(created, duration_min=45, themes=("email", "bureautique")), today=TODAY
    )
    (change,) = new_entries(store, before)
    assert (change.op, change.row_id) == ("update", created.id)
    assert change.data == {
        "duration_min": 45,
        "themes": ["email", "bureautique"],
        "updated_at": updated.updated_at,
    }


def test_session_update_without_change_logs_nothing(store):
    created = store.sessions.create(
        visit(themes=("aide_aux_demarches_administratives",), admin_themes=("logement",)),
        today=TODAY,
    )
    before = snapshot(store)
    store.sessions.update(created, today=TODAY)
    assert snapshot(store) == before


def test_session_duplicate_logs_an_insert_of_a_new_row(store):
    created = store.sessions.create(visit(), today=TODAY)
    before = len(log(store))
    copy = store.sessions.duplicate(created.id, on_day=TODAY)
    (change,) = new_entries(store, before)
    assert (change.op, change.row_id) == ("insert", copy.id)
    assert copy.id != created.id
    assert change.data["date"] == TODAY.isoformat()


def test_session_delete_logs_a_delete_without_values(store):
    created = store.sessions.create(visit(notes="printed the form"), today=TODAY)
    before = len(log(store))
    store.sessions.delete(created.id)
    (change,) = new_entries(store, before)
    assert (change.op, change.table_name, change.row_id, change.data) == (
        "delete",
        "support_session",
        created.id,
        {},
    )
    with pytest.raises(NotFoundError):
        store.sessions.get(created.id)


def test_deleting_an_unknown_session_logs_nothing(store):
    with pytest.raises(NotFoundError):
        store.sessions.delete("missing")
    assert log(store) == []


def test_set_follow_up_done_logs_the_flag_only_when_it_changes(store):
    created = store.sessions.create(
        visit(follow_up_needed=True, follow_up_date="2026-03-20"), today=TODAY
    )
    before = len(log(store))
    store.sessions.set_follow_up_done(created.id)
    (change,) = new_entries(store, before)
    assert change.op == "update"
    assert set(change.data) == {"follow_up_done", "updated_at"}
    assert change.data["follow_up_done"] is True
    store.sessions.set_follow_up_done(created.id, True)
    assert len(log(store)) == before + 1
    store.sessions.set_follow_up_done(created.id, False)
    assert log(store)[-1].data["follow_up_done"] is False
    assert store.sessions.get(created.id).follow_up_done is False


def test_merge_logs_gaps_moves_and_pointer_in_one_transaction(store):
    target = store.residents.create(person(phone=""), today=TODAY)
    source = store.residents.create(
        person(first="Marie", last="Dupond", phone="0612345678", commune="Lyon"), today=TODAY
    )
    moved = store.sessions.create(visit(source.id), today=TODAY)
    before = len(log(store))
    store.residents.merge(source.id, target.id)
    entries = new_entries(store, before)
    assert [(c.op, c.table_name, c.row_id) for c in entries] == [
        ("update", "resident", target.id),
        ("update", "support_session", moved.id),
        ("update", "resident", source.id),
    ]
    gaps, move, pointer = entries
    assert set(gaps.data) == {"phone", "commune", "updated_at"}
    assert move.data["resident_id"] == target.id
    assert set(move.data) == {"resident_id", "updated_at"}
    assert set(pointer.data) == {"merged_into", "updated_at"}
    assert pointer.data["merged_into"] == target.id
    assert len({c.tx_id for c in entries}) == 1
    assert entries[0].tx_id not in {c.tx_id for c in log(store)[:before]}


def test_refused_merge_logs_nothing(store):
    one = store.residents.create(person(), today=TODAY)
    before = snapshot(store)
    with pytest.raises(StoreError):
        store.residents.merge(one.id, one.id)
    with pytest.raises(NotFoundError):
        store.residents.merge("missing", one.id)
    assert snapshot(store) == before


# Sequence numbers, clock stamps, transactions


def varied_history(store) -> dict[str, str]:
    """A mix of every write API; returns the ids it made."""
    awa = add_mediator(store, "Awa")
    store.mediator_id = awa.id
    add_mediator(store, "Jorge")
    marie = store.residents.create(person(phone="06 12 34 56 78", birth_year=1948), today=TODAY)
    helene = store.residents.create(
        person(first="Hélène", last="D'Aubigné", email="helene@example.org"), today=TODAY
    )
    dup = store.residents.create(
        person(first="Marie", last="Dupond", commune="Villeurbanne", postcode="69100"),
        today=TODAY,
    )
    first = store.sessions.create(
        visit(
            marie.id,
            day="2026-03-02",
            themes=("aide_aux_demarches_administratives", "email"),
            admin_themes=("logement",),
            procedure="APL",
            follow_up_needed=True,
            follow_up_date="2026-03-09",
        ),
        today=TODAY,
    )
    second = store.sessions.create(visit(dup.id, day="2026-03-05"), today=TODAY)
    store.sessions.create(
        visit(None, day="2026-03-06", anon_gender="feminin", anon_age_band="soixante_dix_plus"),
        today=TODAY,
    )
    store.residents.update(replace(helene, birth_year=1990, notes="Speaks Arabic"), today=TODAY)
    store.sessions.update(replace(second, duration_min=90, autonomy="autonome"), today=TODAY)
    store.sessions.set_follow_up_done(first.id)
    store.residents.merge(dup.id, marie.id)
    copy = store.sessions.duplicate(second.id, on_day=TODAY)
    store.sessions.delete(copy.id)
    doomed = store.sessions.create(visit(helene.id, day="2026-03-11"), today=TODAY)
    store.sessions.delete(doomed.id)
    workshop = store.workshops.create_workshop(
        Workshop(title="Tablette", themes=("prendre_en_main_du_materiel",), capacity=1)
    )
    series = store.workshops.create_series(
        WorkshopOccurrence(
            workshop_id=workshop.id, date="2026-03-03", start_time="14:00", end_time="16:00",
            place="FabLab",
        ),
        count=3,
    )  # fmt: skip
    store.workshops.register(series[0].id, marie.id)
    store.workshops.register(series[0].id, helene.id)
    store.workshops.unregister(series[0].id, marie.id)
    store.workshops.set_attendance(series[0].id, helene.id, "late", "14:20")
    store.workshops.set_anonymous_participants(series[0].id, (AnonymousCount(2),))
    store.workshops.cancel_occurrence(series[2].id)
    skills = Skills(store, FrameworkRegistry([Framework.from_json(tiny())]))
    skills.record_assessment(
        SkillAssessment(marie.id, "tiny", "1.0", "2026-03-01", {"device.on": "with_help"}),
        today=TODAY,
    )
    forgotten = store.residents.create(person(first="Jeanne", last="Oubli"), today=TODAY)
    store.sessions.create(visit(forgotten.id, day="2026-03-04"), today=TODAY)
    store.residents.erase(forgotten.id)
    pseudonym_key(store)  # the centre's key for exports, a synced setting
    goal = skills.add_goal(
        SkillGoal(marie.id, "tiny", "1.0", "mail.send", (TODAY + timedelta(days=30)).isoformat()),
        today=TODAY,
    )
    skills.mark_goal_achieved(goal.id, on=TODAY)
    return {"marie": marie.id, "helene": helene.id, "dup": dup.id, "awa": awa.id}


def test_seq_counts_up_without_gaps_and_hlc_strictly_grows(store):
    varied_history(store)
    entries = log(store)
    assert len(entries) > 15
    assert [c.seq for c in entries] == list(range(1, len(entries) + 1))
    assert all(a.hlc < b.hlc for a, b in pairwise(entries))
    assert {c.desk_id for c in entries} == {store.desk.id}


def test_author_is_the_stores_mediator(store):
    ids = varied_history(store)
    entries = log(store)
    assert entries[0].author is None
    assert {c.author for c in entries[1:]} == {ids["awa"]}
    sessions = store.conn.execute("SELECT DISTINCT mediator_id FROM support_session").fetchall()
    assert sessions == [(ids["awa"],)]


def test_one_write_block_is_one_transaction_id(store):
    with store.write() as writer:
        first = writer.insert("mediator", {"name": "A", "active": True})
        second = writer.insert("mediator", {"name": "B", "active": True})
        writer.update("mediator", first, {"active": False})
        writer.delete("mediator", second)
        assert len(writer.changes) == 4
    with store.write() as writer:
        writer.insert("mediator", {"name": "C", "active": True})
    entries = log(store)
    assert len({c.tx_id for c in entries[:4]}) == 1
    assert entries[4].tx_id != entries[0].tx_id
    assert [c.seq for c in entries] == [1, 2, 3, 4, 5]


def test_nested_write_joins_the_outer_transaction(store):
    with store.write() as outer:
        mediator = outer.insert("mediator", {"name": "A", "active": True})
        created = store.residents.create(person(), today=TODAY)
        with store.write() as inner:
            assert inner is outer
            inner.update("mediator", mediator, {"name": "B"})
    entries = log(store)
    assert len(entries) == 3
    assert len({c.tx_id for c in entries}) == 1
    assert store.residents.get(created.id).first_name == "Marie"


def test_writer_keeps_a_given_id_and_created_at(store):
    with store.write() as writer:
        row_id = writer.insert(
            "mediator", {"id": "given-id", "name": "A", "active": True, "created_at": "2020"}
        )
    assert row_id == "given-id"
    (change,) = log(store)
    assert change.row_id == "given-id"
    assert change.data["created_at"] == "2020"
    assert "id" not in change.data


def test_writer_ignores_managed_fields_on_update(store):
    with store.write() as writer:
        row_id = writer.insert("mediator", {"name": "A", "active": True})
    with store.write() as writer:
        changed = writer.update("mediator", row_id, {"id": "other", "created_at": "1999"})
    assert changed == {}
    assert len(log(store)) == 1


@pytest.mark.parametrize(
    "table", ["desk", "change_log", "resident_index", "resident_fts", "sqlite_master", "nope"]
)
def test_writer_refuses_tables_that_are_not_synced(store, table):
    store.ensure_desk()
    before = snapshot(store)
    with pytest.raises(ValueError, match="not a synced table"), store.write() as writer:
        writer.insert("mediator", {"name": "A", "active": True})
        writer.insert(table, {"name": "x"})
    with pytest.raises(ValueError), store.write() as writer:
        writer.update(table, "x", {"name": "y"})
    with pytest.raises(ValueError), store.write() as writer:
        writer.delete(table, "x")
    assert snapshot(store) == before


def test_apply_change_refuses_unknown_operation(store):
    with pytest.raises(ValueError):
        apply_change(store.conn, Change(1, "d", 1, "t", "mediator", "m1", "upsert", {"name": "A"}))


def test_hlc_and_seq_continue_after_reopening(tmp_path):
    path = tmp_path / "passerelle.db"
    first = open_store(path)
    first.residents.create(person(), today=TODAY)
    first.residents.create(person(first="Jean"), today=TODAY)
    last = log(first)[-1]
    first.close()
    again = open_store(path)
    again.residents.create(person(first="Awa"), today=TODAY)
    newest = log(again)[-1]
    again.close()
    assert newest.seq == last.seq + 1
    assert newest.hlc > last.hlc
    assert newest.desk_id == last.desk_id


def test_hlc_grows_even_when_the_wall_clock_steps_back(store):
    store.residents.create(person(), today=TODAY)
    highest = log(store)[-1].hlc
    # A desk whose clock was set back by an hour.
    store._clock = HybridLogicalClock(wall_ms=lambda: (highest >> 16) - 3_600_000)
    store.residents.create(person(first="Jean"), today=TODAY)
    store.residents.create(person(first="Awa"), today=TODAY)
    entries = log(store)
    assert entries[-2].hlc > highest
    assert entries[-1].hlc > entries[-2].hlc


def test_hlc_moves_past_a_stamp_already_in_the_log(store):
    future = pack(4_102_444_800_000, 5)  # 2100-01-01
    store.ensure_desk()
    with store.conn:
        store.conn.execute(
            "INSERT INTO change_log (hlc, desk_id, seq, tx_id, table_name, row_id, op, data)"
            " VALUES (?, 'other-desk', 1, 't', 'mediator', 'm', 'delete', '{}')",
            (future,),
        )
    store.residents.create(person(), today=TODAY)
    assert log(store)[-1].hlc > future
    assert log(store)[-1].seq == 1


# A failed action changes nothing


def test_exception_inside_a_write_block_rolls_everything_back(store):
    store.residents.create(person(), today=TODAY)
    before = snapshot(store)
    with pytest.raises(RuntimeError), store.write() as writer:
        writer.insert("mediator", {"name": "A", "active": True})
        store.residents.create(person(first="Jean", last="Valjean"), today=TODAY)
        writer.insert("mediator", {"name": "B", "active": True})
        raise RuntimeError("power cut")
    assert snapshot(store) == before
    assert store.residents.search("valjean") == []


def test_write_after_a_failed_action_has_no_seq_gap(store):
    store.residents.create(person(), today=TODAY)
    with pytest.raises(RuntimeError), store.write() as writer:
        writer.insert("mediator", {"name": "A", "active": True})
        raise RuntimeError
    store.residents.create(person(first="Jean"), today=TODAY)
    entries = log(store)
    assert [c.seq for c in entries] == [1, 2]
    assert entries[1].hlc > entries[0].hlc


def test_store_is_usable_after_a_failed_action(store):
    with pytest.raises(KeyboardInterrupt), store.write() as writer:
        writer.insert("mediator", {"name": "A", "active": True})
        raise KeyboardInterrupt
    assert not store.conn.in_transaction
    add_mediator(store, "B")
    assert [c.data["name"] for c in log(store)] == ["B"]


def test_constraint_violation_rolls_back_the_whole_action(store):
    store.ensure_desk()
    before = snapshot(store)
    with pytest.raises(sqlite3.IntegrityError), store.write() as writer:
        writer.insert("mediator", {"name": "A", "active": True})
        writer.insert("mediator", {"name": None, "active": True})
    assert snapshot(store) == before


def test_update_of_a_missing_row_inside_an_action_rolls_it_back(store):
    store.ensure_desk()
    before = snapshot(store)
    with pytest.raises(NotFoundError), store.write() as writer:
        writer.insert("mediator", {"name": "A", "active": True})
        writer.update("resident", "missing", {"first_name": "X"})
    assert snapshot(store) == before


def test_validation_error_saves_nothing(store):
    created = store.residents.create(person(), today=TODAY)
    session = store.sessions.create(visit(created.id), today=TODAY)
    before = snapshot(store)
    with pytest.raises(ValidationError):
        store.residents.create(person(first="", last="", consent_date=""), today=TODAY)
    with pytest.raises(ValidationError):
        store.residents.update(replace(created, email="not-an-email"), today=TODAY)
    with pytest.raises(ValidationError):
        store.sessions.create(visit(created.id, themes=()), today=TODAY)
    with pytest.raises(ValidationError):
        store.sessions.update(replace(session, duration_min=0), today=TODAY)
    with pytest.raises(ValidationError):
        store.sessions.create(visit(created.id, day="2026-03-16"), today=TODAY)
    assert snapshot(store) == before


def test_failed_merge_inside_an_action_keeps_both_residents(store):
    target = store.residents.create(person(), today=TODAY)
    source = store.residents.create(person(last="Dupond", phone="0612345678"), today=TODAY)
    store.sessions.create(visit(source.id), today=TODAY)
    before = snapshot(store)
    with pytest.raises(RuntimeError), store.write():
        store.residents.merge(source.id, target.id)
        raise RuntimeError
    assert snapshot(store) == before
    assert store.residents.get(source.id).merged_into is None


# Replay


def replay_into(entries, path) -> object:
    replica = open_store(path)
    replica.conn.execute("BEGIN")
    for change in entries:
        if change.op == "insert" and not change.data:
            continue  # blanked by an erasure, which comes later and removes the row
        apply_change(replica.conn, change)
        erasure.on_change(replica.conn, change, None)
    replica.conn.execute("COMMIT")
    return replica


def test_replaying_the_log_rebuilds_the_synced_tables_row_for_row(store, tmp_path):
    ids = varied_history(store)
    replica = replay_into(read_changes(store.conn), tmp_path / "replica.db")
    try:
        original, rebuilt = synced_rows(store), synced_rows(replica)
        assert all(original[table] for table in SYNCED_TABLES)
        assert rebuilt == original
        rebuild_index(replica.conn)
        for query in ["marie", "dupond", "daubigne", "helene"]:
            assert replica.residents.search(query) == store.residents.search(query)
        assert replica.residents.count() == store.residents.count() == 2
        assert replica.residents.get(ids["dup"]).merged_into == ids["marie"]
    finally:
        replica.close()


def test_replaying_a_prefix_gives_the_state_at_that_point(store, tmp_path):
    store.residents.create(person(), today=TODAY)
    state_after_one = synced_rows(store)
    cut = len(log(store))
    varied_history(store)
    replica = replay_into(log(store)[:cut], tmp_path / "replica.db")
    try:
        assert synced_rows(replica) == state_after_one
    finally:
        replica.close()


def test_replay_of_an_update_only_touches_logged_fields(store, tmp_path):
    created = store.residents.create(person(commune="Lyon"), today=TODAY)
    store.residents.update(replace(created, phone="0612345678"), today=TODAY)
    insert, update = log(store)
    replica = replay_into([insert, update], tmp_path / "replica.db")
    try:
        row = replica.residents.get(created.id)
        assert row.commune == "Lyon"
        assert row.phone == "0612345678"
        assert row == store.residents.get(created.id)
    finally:
        replica.close()
