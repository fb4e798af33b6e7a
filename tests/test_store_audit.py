"""The audit trail: events recorded by the current mediator, merged with the change log
most recent first, append-only, readable a page at a time; an erasure, made here or
received by sync, leaves the fact in the trail and nothing of the person."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.domain.skills import SkillAssessment, SkillGoal
from mediator_app.domain.workshop import Workshop, WorkshopOccurrence
from mediator_app.store import audit, open_store
from mediator_app.store.driver import sqlite3
from mediator_app.store.mediators import add_mediator

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
TODAY = date(2026, 11, 29)


@pytest.fixture
def centre(store):
    """A desk with two mediators (Nadia works here) and two residents."""
    nadia = add_mediator(store, "Nadia Belkacem")
    paul = add_mediator(store, "Paul Martin")
    store.mediator_id = nadia.id
    helene = store.residents.create(
        Resident(first_name="Hélène", last_name="Petit", phone="06 11 22 33 44", **CONSENT),
        today=TODAY,
    )
    karim = store.residents.create(
        Resident(first_name="Karim", last_name="Amrani", **CONSENT), today=TODAY
    )
    return store, nadia, paul, helene, karim


def _session(store, resident_id, **extra):
    return store.sessions.create(
        SupportSession(date="2026-11-02", duration_min=30, themes=("email",),
                       resident_id=resident_id, **extra),
        today=TODAY,
    )  # fmt: skip


def _everything(store, resident):
    """A session, an assessment, a goal, a workshop registration, a merged duplicate
    with its own session, and a session deleted: every kind of record of a resident."""
    _session(store, resident.id, notes="Wants a new phone")
    twin = store.residents.create(
        Resident(first_name=resident.first_name, last_name=resident.last_name + "e", **CONSENT),
        today=TODAY,
    )
    _session(store, twin.id)
    store.residents.merge(twin.id, resident.id)
    framework = store.skills.current_framework()
    store.skills.record_assessment(
        SkillAssessment(resident.id, framework.name, framework.version, "2026-11-10",
                        {"device.connect_wifi": "with_help"}),
        today=TODAY,
    )  # fmt: skip
    store.skills.add_goal(
        SkillGoal(resident.id, framework.name, framework.version, "device.connect_wifi",
                  "2026-12-20"),
        today=TODAY,
    )  # fmt: skip
    workshop = store.workshops.create_workshop(
        Workshop(title="Tablette", themes=("prendre_en_main_du_materiel",), capacity=4)
    )
    occurrence = store.workshops.create_occurrence(
        WorkshopOccurrence(workshop_id=workshop.id, date="2026-11-20", start_time="14:00",
                           end_time="16:00", place="FabLab"),
    )  # fmt: skip
    store.workshops.register(occurrence.id, resident.id)
    removed = _session(store, resident.id, notes="Deleted: lost her pension number")
    store.sessions.delete(removed.id)
    return twin


@pytest.fixture(params=[False, True], ids=["tombstones", "owner index"])
def indexed(request, store):
    """With the index of migration 0008 (``erasure.OWNER_INDEX``) and without it, as on
    a database that has not been upgraded, deleted records are found the same."""
    if not request.param:
        store.conn.execute("DROP INDEX change_log_by_owner")
    return request.param


def test_an_event_is_recorded_by_the_current_mediator_now(centre):
    store, nadia, _paul, helene, _karim = centre
    before = datetime.now(UTC)
    audit.record(store, audit.VIEW, helene.id)
    [entry] = [e for e in audit.trail(store, helene.id) if e.action == audit.VIEW]
    assert (entry.mediator_id, entry.mediator) == (nadia.id, "Nadia Belkacem")
    assert (entry.resident_id, entry.resident, entry.resident_state) == (
        helene.id, "Hélène Petit", audit.PRESENT,
    )  # fmt: skip
    assert entry.subject == audit.RESIDENT_TABLE
    assert before - timedelta(seconds=1) <= entry.at <= datetime.now(UTC)


def test_a_print_names_its_document_and_an_unknown_action_is_refused(centre):
    store, _nadia, _paul, helene, _karim = centre
    audit.record(store, audit.PRINT, helene.id, audit.PASSPORT)
    audit.record(store, audit.EXPORT, helene.id, audit.ACCESS_REPORT)
    latest = audit.trail(store, helene.id, limit=2)
    assert [(e.action, e.subject) for e in latest] == [
        (audit.EXPORT, audit.ACCESS_REPORT),
        (audit.PRINT, audit.PASSPORT),
    ]
    with pytest.raises(ValueError):
        audit.record(store, "peek", helene.id)


def test_record_joins_the_transaction_already_open(centre):
    store, _nadia, _paul, helene, _karim = centre

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), store.write():
        audit.record(store, audit.VIEW, helene.id)
        raise Abandoned
    assert store.conn.execute("SELECT COUNT(*) FROM audit_event").fetchone() == (0,)
    with store.write():
        audit.record(store, audit.VIEW, helene.id)
    assert store.conn.execute("SELECT COUNT(*) FROM audit_event").fetchone() == (1,)


def test_the_trail_merges_events_and_changes_most_recent_first(centre):
    store, nadia, paul, helene, karim = centre
    # Entries are ordered to the millisecond: these are a few apart.
    audit.record(store, audit.VIEW, helene.id)
    time.sleep(0.003)
    store.mediator_id = paul.id
    store.residents.update(replace(store.residents.get(helene.id), commune="Grans"))
    time.sleep(0.003)
    audit.record(store, audit.VIEW, karim.id)
    entries = audit.trail(store)
    moments = [entry.at for entry in entries]
    assert moments == sorted(moments, reverse=True)
    assert [(e.action, e.subject, e.resident) for e in entries[:3]] == [
        (audit.VIEW, audit.RESIDENT_TABLE, "Karim Amrani"),
        (audit.CHANGE, audit.RESIDENT_TABLE, "Hélène Petit"),
        (audit.VIEW, audit.RESIDENT_TABLE, "Hélène Petit"),
    ]
    change = entries[1]
    assert (change.mediator_id, change.mediator, change.fields) == (
        paul.id, "Paul Martin", ("commune",),
    )  # fmt: skip
    # Nadia's own: the residents she created and the file she opened.
    mine = audit.trail(store, mediator_id=nadia.id)
    assert {e.mediator_id for e in mine} == {nadia.id}
    assert [(e.action, e.resident) for e in mine] == [
        (audit.VIEW, "Hélène Petit"),
        (audit.CREATE, "Karim Amrani"),
        (audit.CREATE, "Hélène Petit"),
    ]


def test_a_residents_trail_follows_their_records_merges_and_deletions(centre, indexed):
    store, _nadia, _paul, helene, karim = centre
    twin = _everything(store, helene)
    audit.record(store, audit.VIEW, twin.id)  # opened before the merge would show it
    _session(store, karim.id)
    _session(store, None, anon_gender="masculin")
    entries = audit.trail(store, helene.id, limit=1000)
    subjects = {(e.action, e.subject) for e in entries}
    assert subjects >= {
        (audit.CREATE, "resident"), (audit.CHANGE, "resident"),
        (audit.CREATE, "support_session"), (audit.CHANGE, "support_session"),
        (audit.DELETE, "support_session"), (audit.CREATE, "skill_assessment"),
        (audit.CREATE, "skill_goal"), (audit.CREATE, "registration"),
        (audit.VIEW, "resident"),
    }  # fmt: skip
    assert {e.resident_id for e in entries} == {helene.id, twin.id}
    # Names of fields, never their values.
    text = repr(entries)
    for value in ("06 11 22 33 44", "Wants a new phone", "with_help", "2026-11-02"):
        assert value not in text
    # The merged record's id finds the same trail.
    assert audit.trail(store, twin.id, limit=1000) == entries
    # Karim's trail holds none of Hélène's.
    assert {e.resident_id for e in audit.trail(store, karim.id)} == {karim.id}


def test_a_period_selects_by_the_time_of_each_entry(centre):
    store, _nadia, _paul, helene, _karim = centre
    store.conn.execute(
        "INSERT INTO audit_event (at, mediator_id, action, resident_id) VALUES (?, ?, ?, ?)",
        ("2020-03-01T10:00:00.000+00:00", store.mediator_id, audit.VIEW, helene.id),
    )
    old = audit.trail(store, since=date(2020, 1, 1), until=date(2020, 12, 31))
    assert [(e.action, e.at.year) for e in old] == [(audit.VIEW, 2020)]
    recent = audit.trail(store, since=datetime.now() - timedelta(hours=1))
    assert recent and all(e.at.year != 2020 for e in recent)
    assert audit.trail(store, since=datetime.now() + timedelta(hours=1)) == []


def test_pages_read_through_the_cursor_cover_the_trail_once_in_order(centre):
    store, nadia, paul, helene, karim = centre
    twin = _everything(store, helene)
    for number in range(30):
        store.mediator_id = (nadia, paul)[number % 2].id
        audit.record(store, audit.VIEW, (helene, karim)[number % 3 == 0].id)
        _session(store, None, anon_gender="masculin")  # anonymous: never in the trail
        if number % 4 == 0:
            _session(store, karim.id)
    for query in (audit.TrailQuery(), audit.TrailQuery(mediator_id=paul.id),
                  audit.TrailQuery(resident_ids=(karim.id, helene.id))):  # fmt: skip
        expected = audit.trail_page(store, query, limit=10_000).entries
        read, page = [], audit.trail_page(store, query, limit=7)
        while True:
            assert len(page.entries) <= 7
            read += page.entries
            if page.next is None:
                break
            page = audit.trail_page(store, query, limit=7, after=page.next)
        assert read == expected
        assert {e.resident_id for e in read} <= {helene.id, twin.id, karim.id}
    whole = audit.trail(store, limit=10_000)
    assert {e.resident for e in whole} == {"Hélène Petit", "Hélène Petite", "Karim Amrani"}


def test_the_trail_is_append_only(centre):
    store, _nadia, _paul, helene, _karim = centre
    audit.record(store, audit.VIEW, helene.id)
    for statement in (
        "UPDATE audit_event SET action = 'print'",
        "UPDATE audit_event SET mediator_id = NULL",
        "UPDATE audit_event SET at = '2020-01-01T00:00:00.000+00:00'",
        "UPDATE audit_event SET resident_id = 'someone else'",
        "DELETE FROM audit_event",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store.conn.execute(statement)
    assert store.conn.execute("SELECT action, resident_id FROM audit_event").fetchall() == [
        (audit.VIEW, helene.id)
    ]
    # Forgetting the resident, as an erasure does, is the one change allowed.
    audit.forget_residents(store.conn, [helene.id])
    assert store.conn.execute("SELECT resident_id FROM audit_event").fetchall() == [(None,)]


def _traces(store, resident_id: str, names: tuple[str, ...]) -> list[str]:
    """Where the audit trail still shows the resident: their id or one of their names."""
    found = []
    rows = store.conn.execute("SELECT * FROM audit_event").fetchall()
    entries = audit.trail(store, limit=100_000)
    for where, text in (("audit_event", repr(rows)), ("trail", repr(entries))):
        found += [f"{where}: {needle}" for needle in (resident_id, *names) if needle in text]
    return found


def test_erasure_keeps_the_fact_and_nothing_of_the_person(centre, indexed):
    store, nadia, _paul, helene, karim = centre
    twin = _everything(store, helene)
    audit.record(store, audit.VIEW, helene.id)
    audit.record(store, audit.PRINT, twin.id, audit.PASSPORT)
    audit.record(store, audit.VIEW, karim.id)
    store.residents.erase(helene.id)

    assert _traces(store, helene.id, ("Hélène", "Petit")) == []
    assert _traces(store, twin.id, ()) == []
    # The session deleted before the erasure kept its values in the log: not after.
    log = " ".join(row[0] for row in store.conn.execute("SELECT data FROM change_log"))
    assert "pension" not in log and helene.id not in log
    assert store.conn.execute(
        "SELECT mediator_id, resident_id, detail FROM audit_event WHERE action = 'erase'"
    ).fetchall() == [(nadia.id, None, "")]
    entries = audit.trail(store, limit=1000)
    erased = [e for e in entries if e.resident_state == audit.ERASED]
    # Opened, printed, created, changed, erased: the facts stay, unnamed.
    assert {e.action for e in erased} >= {audit.VIEW, audit.PRINT, audit.CREATE,
                                          audit.CHANGE, audit.DELETE, audit.ERASE}  # fmt: skip
    assert all(e.resident_id is None and e.resident == "" and e.fields == () for e in erased)
    assert erased[0].action == audit.ERASE and erased[0].mediator == "Nadia Belkacem"
    # Karim keeps his name; the erased person's ids find nothing.
    assert any(e.resident == "Karim Amrani" for e in entries)
    assert audit.trail(store, helene.id) == []
    assert audit.trail(store, twin.id) == []


def test_an_anonymised_resident_keeps_their_id_not_their_name(centre):
    store, _nadia, _paul, helene, _karim = centre
    audit.record(store, audit.VIEW, helene.id)
    with store.write() as writer:
        writer.update("resident", helene.id, {
            "first_name": "", "last_name": "", "phone": "",
            "anonymised_at": "2026-11-29T10:00:00.000+00:00",
        })  # fmt: skip
    audit.record(store, audit.ANONYMISE, helene.id)
    entries = audit.trail(store, helene.id)
    assert {(e.resident_id, e.resident, e.resident_state) for e in entries} == {
        (helene.id, "", audit.ANONYMISED)
    }
    assert entries[0].action == audit.ANONYMISE


class _Desk:
    def __init__(self, folder: Path, name: str):
        from mediator_app.sync.desk_sync import SyncFolders

        self.path = folder / f"{name}.db"
        self.store = open_store(self.path)
        self.store.ensure_desk(name=name, centre_name="Centre social", configured=True)
        self.folders = SyncFolders.beside(self.path)


def test_an_erasure_received_by_sync_anonymises_the_trail_here(tmp_path):
    from mediator_app.sync.desk_sync import sync_with
    from mediator_app.sync.keys import card_for_this_desk, enroll
    from mediator_app.sync.transports import FolderTransport

    accueil, fablab = _Desk(tmp_path, "accueil"), _Desk(tmp_path, "fablab")
    try:
        enroll(fablab.store, card_for_this_desk(accueil.store))
        enroll(accueil.store, card_for_this_desk(fablab.store))
        (tmp_path / "shared").mkdir()
        transport = FolderTransport(tmp_path / "shared" / "Passerelle")

        def sync() -> None:
            for _round in range(2):
                for desk in (accueil, fablab):
                    sync_with(desk.store, transport, desk.folders)

        nadia = add_mediator(accueil.store, "Nadia Belkacem")
        accueil.store.mediator_id = nadia.id
        zoe = accueil.store.residents.create(
            Resident(first_name="Zoé", last_name="Oubliée", **CONSENT), today=TODAY
        )
        sync()
        paul = add_mediator(fablab.store, "Paul Martin")
        fablab.store.mediator_id = paul.id
        audit.record(fablab.store, audit.VIEW, zoe.id)
        _session(fablab.store, zoe.id)
        assert [e.resident for e in audit.trail(fablab.store, zoe.id)][:1] == ["Zoé Oubliée"]

        accueil.store.residents.erase(zoe.id)
        sync()

        assert _traces(fablab.store, zoe.id, ("Zoé", "Oubliée")) == []
        [erase] = [e for e in audit.trail(fablab.store) if e.action == audit.ERASE]
        assert (erase.mediator, erase.detail, erase.resident_id) == (
            "Nadia Belkacem", audit.OTHER_DESK, None,
        )  # fmt: skip
        # The view and the session made here stay as facts about an erased resident.
        facts = {(e.action, e.subject) for e in audit.trail(fablab.store)
                 if e.resident_state == audit.ERASED}  # fmt: skip
        assert {(audit.VIEW, "resident"), (audit.CREATE, "support_session")} <= facts
        # On the desk that erased, the erasure is its own.
        [local] = [e for e in audit.trail(accueil.store) if e.action == audit.ERASE]
        assert local.detail == ""
    finally:
        accueil.store.close()
        fablab.store.close()


def test_every_code_an_event_may_hold_has_a_label():
    from mediator_app.store import retention

    assert set(retention.REASONS) <= set(audit.DETAIL_LABELS)
    assert set(audit.ACTION_LABELS) == audit.ACTIONS | {audit.CREATE, audit.CHANGE, audit.DELETE}
    assert set(audit.TRAIL_TABLES) <= set(audit.SUBJECT_LABELS)
