"""Residents: create, edit, list, probable duplicates, merge."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mediator_app.domain.duplicates import DuplicateEvidence
from mediator_app.domain.ids import uuid7_time_ms
from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.domain.validation import ValidationError
from mediator_app.store import NotFoundError, StoreError, open_store

TODAY = date(2026, 3, 15)


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "passerelle.db")
    yield opened
    opened.close()


def person(first="Marie", last="Dupont", **more) -> Resident:
    more.setdefault("consent_date", "2026-03-01")
    return Resident(first_name=first, last_name=last, **more)


def add(store, first="Marie", last="Dupont", **more) -> Resident:
    return store.residents.create(person(first, last, **more), today=TODAY)


def helped(store, resident_id, day="2026-03-10", **more):
    return store.sessions.create(
        SupportSession(date=day, themes=("email",), resident_id=resident_id, **more), today=TODAY
    )


def duplicates_of(store, resident) -> list[str]:
    return [duplicate.resident.id for duplicate in store.residents.probable_duplicates(resident)]


# Create, get, update


def test_create_returns_the_stored_normalised_record(store):
    created = add(store, "  Marie ", " Dupont  ", birth_year=1950, email=" m@example.org ")
    assert created.first_name == "Marie"
    assert created.last_name == "Dupont"
    assert created.email == "m@example.org"
    assert created.birth_year == 1950
    assert uuid7_time_ms(created.id) > 0
    assert created.created_at == created.updated_at != ""
    assert created.merged_into is None
    assert store.residents.get(created.id) == created


def test_create_keeps_a_given_id(store):
    created = store.residents.create(replace(person(), id="fixed-id"), today=TODAY)
    assert created.id == "fixed-id"


def test_create_ignores_a_merge_pointer_from_the_caller(store):
    target = add(store)
    created = store.residents.create(replace(person("Jean"), merged_into=target.id), today=TODAY)
    assert created.merged_into is None


def test_create_refuses_an_invalid_resident_and_saves_nothing(store):
    with pytest.raises(ValidationError) as caught:
        store.residents.create(person(consent_date="", birth_year=1850), today=TODAY)
    assert set(caught.value.problems) == {"consent_date", "birth_year"}
    assert store.residents.count() == 0
    assert store.conn.execute("SELECT COUNT(*) FROM resident").fetchone()[0] == 0


def test_create_checks_the_birth_year_against_today(store):
    with pytest.raises(ValidationError):
        store.residents.create(person(birth_year=2027), today=TODAY)
    assert store.residents.create(person(birth_year=2027), today=date(2027, 1, 1)).birth_year


def test_get_unknown_id(store):
    with pytest.raises(NotFoundError) as caught:
        store.residents.get("missing")
    assert "missing" in caught.value.render()


def test_update_saves_edits_and_keeps_creation_time(store):
    created = add(store)
    updated = store.residents.update(
        replace(created, phone="06 12 34 56 78", notes="Prefers mornings"), today=TODAY
    )
    assert updated.phone == "06 12 34 56 78"
    assert updated.notes == "Prefers mornings"
    assert updated.created_at == created.created_at
    assert updated.updated_at >= created.updated_at
    assert store.residents.get(created.id) == updated


def test_update_refuses_invalid_values_and_keeps_the_old_ones(store):
    created = add(store)
    with pytest.raises(ValidationError):
        store.residents.update(replace(created, email="nope"), today=TODAY)
    assert store.residents.get(created.id) == created


def test_update_cannot_clear_a_merge_pointer(store):
    target, source = add(store), add(store, last="Dupond")
    store.residents.merge(source.id, target.id)
    merged = store.residents.get(source.id)
    store.residents.update(replace(merged, merged_into=None, notes="x"), today=TODAY)
    assert store.residents.get(source.id).merged_into == target.id


# Count and alphabetical pages


def test_count(store):
    assert store.residents.count() == 0
    add(store)
    add(store, "Jean")
    assert store.residents.count() == 2


def test_page_is_alphabetical_by_folded_last_name_then_first_name(store):
    for first, last in [
        ("Zoé", "Martin"),
        ("Élodie", "Zola"),
        ("Bruno", "Álvarez"),
        ("Ana", "Alvarez"),
        ("Adam", "martin"),
        ("Chloé", "D'Aubigné"),
        ("Karim", "Ben Saïd"),
        ("Ömer", "Öztürk"),
        ("Ana", "Martinez"),
        ("Lucas", "Dupont"),
        ("Ayşe", "Yıldız"),
    ]:
        add(store, first, last)
    rows = store.residents.page(0, 100)
    assert [(row.last_name, row.first_name) for row in rows] == [
        ("Alvarez", "Ana"),
        ("Álvarez", "Bruno"),
        ("Ben Saïd", "Karim"),
        ("D'Aubigné", "Chloé"),
        ("Dupont", "Lucas"),
        ("martin", "Adam"),
        ("Martin", "Zoé"),
        ("Martinez", "Ana"),
        ("Öztürk", "Ömer"),
        ("Yıldız", "Ayşe"),
        ("Zola", "Élodie"),
    ]


def test_pages_cover_the_list_without_overlap(store):
    for i in range(23):
        add(store, f"Prénom{i:02d}", f"Nom{(i * 7) % 23:02d}")
    whole = [row.id for row in store.residents.page(0, 1000)]
    paged = []
    for offset in range(0, 30, 5):
        page = store.residents.page(offset, 5)
        assert len(page) <= 5
        paged.extend(row.id for row in page)
    assert paged == whole
    assert len(whole) == 23
    assert store.residents.page(23, 5) == []


def test_page_rows_carry_what_the_list_shows(store):
    created = add(store, birth_year=1950, commune="Lyon")
    helped(store, created.id, "2026-03-10")
    (row,) = store.residents.page(0, 10)
    assert (row.id, row.first_name, row.last_name, row.birth_year, row.commune) == (
        created.id,
        "Marie",
        "Dupont",
        1950,
        "Lyon",
    )
    assert row.last_activity == "2026-03-10"


# Probable duplicates


@pytest.fixture
def marie(store):
    return add(store, "Marie", "Dupont", phone="06 12 34 56 78", email="marie@example.org")


def test_same_names_are_a_probable_duplicate(store, marie):
    (duplicate,) = store.residents.probable_duplicates(person("MARIE", "dupont"))
    assert duplicate.resident == marie
    assert duplicate.evidence == DuplicateEvidence(True, True, False, False)


def test_names_with_a_typing_slip_are_a_probable_duplicate(store, marie):
    assert duplicates_of(store, person("Marie", "Dupond")) == [marie.id]
    assert duplicates_of(store, person("Maria", "Dupont")) == [marie.id]


def test_names_with_a_slip_near_their_start_are_a_probable_duplicate(store):
    existing = add(store, "Mohamed", "Zidane")
    assert duplicates_of(store, person("Mohamed", "Zdiane")) == [existing.id]
    assert duplicates_of(store, person("Mhoamed", "Zidane")) == [existing.id]
    assert duplicates_of(store, person("Mhoamed", "Zdiane")) == [existing.id]


def test_same_phone_and_email_under_another_name(store, marie):
    (duplicate,) = store.residents.probable_duplicates(
        person("Mary", "Smith", phone="+33 6 12 34 56 78", email="MARIE@example.org")
    )
    assert duplicate.resident.id == marie.id
    assert duplicate.evidence == DuplicateEvidence(False, False, True, True)


def test_last_name_and_phone(store, marie):
    found = store.residents.probable_duplicates(person("Jeanne", "Dupont", phone="0612345678"))
    assert [d.evidence for d in found] == [DuplicateEvidence(True, False, True, False)]


def test_first_name_and_email(store, marie):
    assert duplicates_of(store, person("Marie", "Durand", email="marie@example.org")) == [marie.id]


def test_one_criterion_is_not_a_duplicate(store, marie):
    assert duplicates_of(store, person("Jeanne", "Dupont")) == []
    assert duplicates_of(store, person("Jean", "Durand", phone="0612345678")) == []
    assert duplicates_of(store, person("Jean", "Durand", email="marie@example.org")) == []


def test_short_names_need_to_be_equal(store):
    add(store, "Anne", "Roux")
    assert duplicates_of(store, person("Anna", "Raux")) == []
    assert len(duplicates_of(store, person("Anne", "Roux"))) == 1


def test_duplicates_are_sorted_by_strength(store, marie):
    weak = add(store, "Marie", "Dupond")
    strong_evidence = person("Marie", "Dupont", phone="0612345678")
    found = store.residents.probable_duplicates(strong_evidence)
    assert [d.resident.id for d in found] == [marie.id, weak.id]
    assert [d.evidence.score for d in found] == [3, 2]


def test_a_saved_resident_is_not_its_own_duplicate(store, marie):
    assert store.residents.probable_duplicates(marie) == []
    twin = add(store, "Marie", "Dupont")
    assert duplicates_of(store, marie) == [twin.id]


def test_a_merged_resident_is_offered_as_its_target(store, marie):
    source = add(store, "Maria", "Dupond")
    store.residents.merge(source.id, marie.id)
    assert duplicates_of(store, person("Maria", "Dupond")) == [marie.id]


def test_duplicates_in_other_scripts(store):
    existing = add(store, "محمد", "العلي")
    assert duplicates_of(store, person("مُحَمَّد", "العلي")) == [existing.id]


# Merge


def test_merge_keeps_target_values_and_fills_its_gaps(store):
    target = add(store, "Marie", "Dupont", commune="Lyon", phone="")
    source = add(
        store,
        "Maria",
        "Dupond",
        commune="Villeurbanne",
        phone="06 12 34 56 78",
        birth_year=1950,
        gender="feminin",
        notes="Speaks Portuguese",
    )
    merged = store.residents.merge(source.id, target.id)
    assert merged.id == target.id
    assert (merged.first_name, merged.last_name, merged.commune) == ("Marie", "Dupont", "Lyon")
    assert merged.phone == "06 12 34 56 78"
    assert merged.birth_year == 1950
    assert merged.gender == "feminin"
    assert merged.notes == "Speaks Portuguese"
    assert merged.merged_into is None


def test_merge_does_not_overwrite_a_known_gender(store):
    target = add(store, gender="masculin")
    source = add(store, last="Dupond", gender="feminin")
    assert store.residents.merge(source.id, target.id).gender == "masculin"


def test_merge_moves_sessions_and_leaves_a_pointer(store):
    target, source = add(store), add(store, last="Dupond")
    kept = helped(store, target.id, "2026-03-01")
    moved = [helped(store, source.id, day) for day in ("2026-02-01", "2026-03-05")]
    store.residents.merge(source.id, target.id)
    assert store.residents.get(source.id).merged_into == target.id
    assert store.sessions.count_for_resident(source.id) == 0
    assert store.sessions.count_for_resident(target.id) == 3
    history = [session.id for session in store.sessions.for_resident(target.id)]
    assert history == [moved[1].id, kept.id, moved[0].id]
    assert store.residents.shown(source.id) == target.id
    assert store.residents.shown(target.id) == target.id


def test_merge_count_excludes_the_merged_record(store):
    target, source = add(store), add(store, last="Dupond")
    other = add(store, "Jean", "Durand")
    assert store.residents.count() == 3
    store.residents.merge(source.id, target.id)
    assert store.residents.count() == 2
    assert [row.id for row in store.residents.page(0, 10)] == [target.id, other.id]


def test_merge_into_itself_is_refused(store):
    one = add(store)
    with pytest.raises(StoreError) as caught:
        store.residents.merge(one.id, one.id)
    assert "itself" in caught.value.render()
    assert store.residents.get(one.id) == one


def test_merge_of_an_already_merged_record_is_refused(store):
    target, source, other = add(store), add(store, last="Dupond"), add(store, last="Dupons")
    store.residents.merge(source.id, target.id)
    with pytest.raises(StoreError):
        store.residents.merge(source.id, other.id)
    with pytest.raises(StoreError):
        store.residents.merge(other.id, source.id)
    assert store.residents.get(other.id).merged_into is None


def test_merge_with_unknown_ids_is_refused(store):
    one = add(store)
    with pytest.raises(NotFoundError):
        store.residents.merge(one.id, "missing")
    with pytest.raises(NotFoundError):
        store.residents.merge("missing", one.id)


def test_a_session_logged_for_a_merged_resident_goes_to_the_target(store):
    target, source = add(store), add(store, last="Dupond")
    store.residents.merge(source.id, target.id)
    session = helped(store, source.id)
    assert session.resident_id == target.id


def test_merging_a_target_carries_its_absorbed_records_along(store):
    first, second, third = (
        add(store, "Ana", "Souza"),
        add(store, "Ana", "Sousa"),
        add(store, "Anna", "Souza"),
    )
    helped(store, first.id, "2026-01-10")
    store.residents.merge(first.id, second.id)
    store.residents.merge(second.id, third.id)
    assert store.residents.count() == 1
    assert store.sessions.count_for_resident(third.id) == 1
    assert store.residents.shown(first.id) == third.id
    assert store.residents.get(first.id).merged_into == second.id
