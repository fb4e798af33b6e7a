"""Workshops in a real database: series, rooms, registrations, attendance, scans."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, timedelta

import pytest

from mediator_app.domain.ids import link_id
from mediator_app.domain.resident import Resident
from mediator_app.domain.validation import ValidationError
from mediator_app.domain.workshop import AnonymousCount, Workshop, WorkshopOccurrence
from mediator_app.store import StoreError, open_store

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
SOON = date.today() + timedelta(days=7)


@pytest.fixture
def centre(store):
    names = [("Émile", "Zola"), ("Zoé", "Abel"), ("Ana", "Ferreira"), ("Bob", "Martin")]
    residents = [
        store.residents.create(Resident(first_name=first, last_name=last, **CONSENT))
        for first, last in names
    ]
    tablet = store.workshops.create_workshop(
        Workshop(
            title="Découvrir la tablette",
            themes=("prendre_en_main_du_materiel",),
            capacity=2,
            facilitators=("Nadia Belkacem",),
        )
    )
    return store, tablet, residents


def template(workshop_id: str, **changes) -> WorkshopOccurrence:
    values = {
        "workshop_id": workshop_id,
        "date": SOON.isoformat(),
        "start_time": "14:00",
        "end_time": "16:00",
        "place": "FabLab",
    }
    return WorkshopOccurrence(**{**values, **changes})


def changes_count(store) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]


def test_a_series_is_saved_whole_with_one_series_id(centre):
    store, tablet, _ = centre
    made = store.workshops.create_series(
        template(tablet.id), count=4, every_weeks=2, skip=(SOON + timedelta(weeks=2),)
    )
    assert [o.day for o in made] == [SOON + timedelta(weeks=w) for w in (0, 4, 6, 8)]
    assert len({o.series_id for o in made}) == 1
    assert [o.id for o in store.workshops.series(made[0].series_id)] == [o.id for o in made]


def test_a_series_meeting_a_taken_room_saves_nothing(centre):
    store, tablet, _ = centre
    store.workshops.create_occurrence(
        template(tablet.id, date=(SOON + timedelta(weeks=2)).isoformat())
    )
    before = changes_count(store)
    with pytest.raises(ValidationError) as raised:
        store.workshops.create_series(template(tablet.id, start_time="15:00", end_time="17:00"), 4)
    assert "already taken" in raised.value.problems["place"].render()
    assert changes_count(store) == before
    assert store.conn.execute("SELECT COUNT(*) FROM workshop_occurrence").fetchone() == (1,)


def test_moving_into_a_taken_room_is_refused(centre):
    store, tablet, _ = centre
    first = store.workshops.create_occurrence(template(tablet.id))
    second = store.workshops.create_occurrence(template(tablet.id, place="Salle 2"))
    with pytest.raises(ValidationError):
        store.workshops.move_occurrence(
            second.id, day=SOON, start_time="15:00", end_time="16:30", place="fablab"
        )
    moved = store.workshops.move_occurrence(
        second.id, day=SOON, start_time="16:00", end_time="17:00", place="FabLab"
    )
    assert (moved.start_time, moved.place) == ("16:00", "FabLab")
    store.workshops.cancel_occurrence(first.id)
    store.workshops.move_occurrence(
        second.id, day=SOON, start_time="14:00", end_time="16:00", place="FabLab"
    )
    with pytest.raises(ValidationError):
        store.workshops.cancel_occurrence(first.id, cancelled=False)


def test_over_capacity_goes_to_the_waiting_list_and_moves_up(centre):
    store, tablet, (emile, zoe, ana, bob) = centre
    session = store.workshops.create_occurrence(template(tablet.id))
    outcomes = [store.workshops.register(session.id, r.id) for r in (emile, zoe, ana, bob)]
    assert outcomes == ["registered", "registered", "waiting", "waiting"]
    assert store.workshops.register(session.id, ana.id) == "waiting"
    promoted = store.workshops.unregister(session.id, zoe.id)
    assert promoted == [ana.id]
    people = store.workshops.participants(session.id)
    assert [(p.last_name, p.status) for p in people] == [
        ("Ferreira", "registered"),
        ("Zola", "registered"),
        ("Martin", "waiting"),
    ]
    summary = store.workshops.summary(session.id)
    assert (summary.registered, summary.waiting, summary.capacity) == (2, 1, 2)


def test_a_larger_capacity_gives_places_to_the_waiting_list(centre):
    store, tablet, residents = centre
    session = store.workshops.create_occurrence(template(tablet.id))
    for resident in residents:
        store.workshops.register(session.id, resident.id)
    store.workshops.update_workshop(replace(tablet, capacity=3))
    assert store.workshops.summary(session.id).waiting == 1


def test_capacity_below_the_registered_is_refused_and_nothing_changes(centre):
    store, tablet, residents = centre
    session = store.workshops.create_occurrence(template(tablet.id))
    for resident in residents[:2]:
        store.workshops.register(session.id, resident.id)
    before = changes_count(store)
    with pytest.raises(ValidationError) as raised:
        store.workshops.update_workshop(replace(tablet, capacity=1))
    assert "2 residents are already registered" in raised.value.problems["capacity"].render()
    assert store.workshops.get_workshop(tablet.id).capacity == 2
    assert changes_count(store) == before


def test_registering_a_whole_series(centre):
    store, tablet, (emile, *_rest) = centre
    made = store.workshops.create_series(template(tablet.id), count=3)
    outcome = store.workshops.register_series(made[0].series_id, emile.id, from_day=SOON)
    assert set(outcome.values()) == {"registered"} and len(outcome) == 3
    later = SOON + timedelta(weeks=10)
    with pytest.raises(StoreError):
        store.workshops.register_series(made[0].series_id, emile.id, from_day=later)


def test_registration_ids_derive_from_occurrence_and_resident(centre):
    """Two desks registering the same person to the same session make the same row."""
    store, tablet, (emile, *_rest) = centre
    session = store.workshops.create_occurrence(template(tablet.id))
    store.workshops.register(session.id, emile.id)
    (row_id,) = store.conn.execute("SELECT id FROM registration").fetchone()
    assert row_id == link_id(session.id, emile.id)


def test_attendance_walk_ins_and_anonymous_counts(centre):
    store, tablet, (emile, zoe, ana, bob) = centre
    session = store.workshops.create_occurrence(template(tablet.id, date=date.today().isoformat()))
    store.workshops.register(session.id, emile.id)
    store.workshops.register(session.id, zoe.id)
    store.workshops.set_attendance(session.id, emile.id, "present")
    store.workshops.set_attendance(session.id, zoe.id, "late", "14:25")
    store.workshops.add_walk_in(session.id, bob.id)
    store.workshops.set_anonymous_participants(
        session.id, (AnonymousCount(2, "feminin", "soixante_dix_plus", "retraite"),)
    )
    people = {p.last_name: p for p in store.workshops.participants(session.id)}
    assert people["Abel"].attendance == "late" and people["Abel"].arrival_time == "14:25"
    assert store.workshops.history(bob.id)[0].walk_in
    assert people["Martin"].walk_in and people["Martin"].attendance == "present"
    assert store.workshops.summary(session.id).attended == 5
    # The two booked places are taken; the walk-in took none, so Ana waits for one.
    assert store.workshops.register(session.id, ana.id) == "waiting"
    with pytest.raises(ValidationError):
        store.workshops.set_attendance(session.id, emile.id, "asleep")
    with pytest.raises(ValidationError):
        store.workshops.set_attendance(session.id, emile.id, "late", "quarter past")
    with pytest.raises(StoreError):
        store.workshops.set_attendance(session.id, "nobody", "present")


def test_attended_workshops_show_in_history_and_count_as_activity(centre):
    store, tablet, (emile, *_rest) = centre
    past = (date.today() - timedelta(days=3)).isoformat()
    session = store.workshops.create_occurrence(template(tablet.id, date=past))
    store.workshops.register(session.id, emile.id)
    assert store.residents.search("zola")[0].last_activity is None
    store.workshops.set_attendance(session.id, emile.id, "present")
    assert store.residents.search("zola")[0].last_activity == past
    [line] = store.workshops.history(emile.id)
    assert (line.title, line.attendance) == ("Découvrir la tablette", "present")
    store.workshops.set_attendance(session.id, emile.id, "late", "14:25")
    [line] = store.workshops.history(emile.id)
    assert (line.attendance, line.arrival_time, line.walk_in) == ("late", "14:25", False)
    store.workshops.set_attendance(session.id, emile.id, "absent")
    assert store.residents.search("zola")[0].last_activity is None


def test_a_merge_moves_registrations_and_keeps_one_per_session(centre):
    store, tablet, (emile, zoe, *_rest) = centre
    today = date.today().isoformat()
    both = store.workshops.create_occurrence(template(tablet.id, date=today))
    only_source = store.workshops.create_occurrence(
        template(tablet.id, date=today, start_time="09:00", end_time="11:00")
    )
    for occurrence in (both, only_source):
        store.workshops.register(occurrence.id, zoe.id)
    store.workshops.register(both.id, emile.id)
    store.workshops.set_attendance(both.id, zoe.id, "present")
    # Zoé's record is a duplicate of Émile's: the person is counted once per session.
    store.residents.merge(zoe.id, emile.id)
    assert store.workshops.history(zoe.id) == []
    lines = {line.occurrence_id: line.attendance for line in store.workshops.history(emile.id)}
    assert lines == {both.id: "present", only_source.id: None}
    assert [p.last_name for p in store.workshops.participants(both.id)] == ["Zola"]


def test_sheets_not_entered_until_attendance_and_scan(centre, tmp_path):
    store, tablet, _residents = centre
    past = (date.today() - timedelta(days=2)).isoformat()
    session = store.workshops.create_occurrence(template(tablet.id, date=past))
    store.workshops.create_occurrence(template(tablet.id))  # still to come
    cancelled = store.workshops.create_occurrence(template(tablet.id, date=past, place="Salle 2"))
    store.workshops.cancel_occurrence(cancelled.id)
    pending = [s.occurrence.id for s in store.workshops.sheets_not_entered(date.today())]
    assert pending == [session.id]
    store.workshops.mark_attendance_entered(session.id)
    assert [s.occurrence.id for s in store.workshops.sheets_not_entered(date.today())] == [
        session.id
    ]
    scan = tmp_path / "feuille signée.jpg"
    scan.write_bytes(b"\xff\xd8\xff\xe0" + b"JFIF" * 100)
    digest = store.workshops.attach_scan(session.id, scan)
    assert digest == hashlib.sha256(scan.read_bytes()).hexdigest()
    assert store.workshops.sheets_not_entered(date.today()) == []
    name, media_type, data = store.workshops.scan(session.id)
    assert (name, media_type, data) == ("feuille signée.jpg", "image/jpeg", scan.read_bytes())


def test_a_scan_of_another_kind_is_refused_unchanged(centre, tmp_path):
    store, tablet, _ = centre
    session = store.workshops.create_occurrence(template(tablet.id))
    notes = tmp_path / "notes.txt"
    notes.write_text("not a scan", encoding="utf-8")
    before = changes_count(store)
    with pytest.raises(StoreError) as raised:
        store.workshops.attach_scan(session.id, notes)
    assert "not a PDF, PNG or JPEG" in raised.value.render()
    with pytest.raises(StoreError) as missing:
        store.workshops.attach_scan(session.id, tmp_path / "absent.pdf")
    assert "could not be read" in missing.value.render()
    assert changes_count(store) == before
    assert store.conn.execute("SELECT COUNT(*) FROM attachment").fetchone() == (0,)
    assert store.workshops.scan(session.id) is None


def test_the_scan_moves_with_the_database(centre, tmp_path):
    store, tablet, _ = centre
    session = store.workshops.create_occurrence(template(tablet.id))
    scan = tmp_path / "sheet.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    store.workshops.attach_scan(session.id, scan)
    store.close()
    moved = tmp_path / "elsewhere" / "centre.db"
    moved.parent.mkdir()
    (tmp_path / "passerelle.db").rename(moved)
    scan.unlink()
    reopened = open_store(moved)
    try:
        assert reopened.workshops.scan(session.id)[2] == b"\x89PNG\r\n\x1a\n" + bytes(200)
    finally:
        reopened.close()
