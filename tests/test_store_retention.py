"""The retention review in a real database: who is due, the dry run, anonymising,
erasing, the withdrawal of consent; the figures the funder sees stay the same."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.domain.skills import SkillAssessment
from mediator_app.domain.workshop import AnonymousCount, Workshop, WorkshopOccurrence
from mediator_app.reports.activities import activities_between
from mediator_app.reports.statistics import compute_statistics
from mediator_app.store import open_store, retention
from mediator_app.store.errors import NotFoundError, StoreError
from mediator_app.store.retention import (
    REASON_CONSENT_WITHDRAWN,
    RetentionCancelled,
    RetentionError,
    anonymise,
    cutoff,
    due_for_review,
    erase_due,
    months_between,
    preview,
    retention_months,
    set_retention_months,
    withdraw_consent,
)

CONSENT = {"consent_date": "2020-01-05", "consent_version": "2026-1"}
#: Records are written now; the review is made three years on, so that every record
#: written today is past a 24-month period, and dates between are "seen again since".
TODAY = date.today() + timedelta(days=3 * 366)
#: A past year whose statistics must not move.
YEAR = 2023
KNOWN_PROCEDURE = "CAF – allocations familiales"


def months_before(months: int) -> str:
    return cutoff(TODAY, months).isoformat()


def add_resident(store, **values) -> Resident:
    fields = {"first_name": "Hélène", "last_name": "Dupont-Aubry", **CONSENT, **values}
    return store.residents.create(Resident(**fields), today=TODAY)


def add_session(store, resident_id, day, **extra):
    fields = {"duration_min": 30, "themes": ("email",), **extra}
    return store.sessions.create(
        SupportSession(date=day, resident_id=resident_id, **fields), today=TODAY
    )


def log_size(store) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]


def whole_log(store) -> str:
    return " ".join(row[0] for row in store.conn.execute("SELECT data FROM change_log"))


@pytest.fixture
def centre(store):
    """Hélène (full profile, a year of activity in 2023, a duplicate merged into her),
    Karim (a 2023 workshop he missed), and Ana, seen ten months before the review."""
    helene = add_resident(
        store, first_name="Hélène", last_name="Dupont-Aubry", birth_year=1956,
        gender="feminin", social_status="retraite", commune="Salon-de-Provence",
        postcode="13300", phone="06 12 34 56 78", email="helene.dupont@example.org",
        language="fr", notes="Préfère le matin",
    )  # fmt: skip
    twin = add_resident(store, first_name="Helene", last_name="Dupond", phone="0699887766")
    add_session(store, twin.id, f"{YEAR}-02-01", notes="Sa fille Maëlle l'accompagne")
    store.residents.merge(twin.id, helene.id)
    add_session(store, helene.id, f"{YEAR}-03-14", notes="Dossier de M. Dupont à finir")
    add_session(
        store, helene.id, f"{YEAR}-05-02", themes=("aide_aux_demarches_administratives",),
        admin_themes=("logement",), procedure=KNOWN_PROCEDURE,
    )  # fmt: skip
    add_session(
        store, helene.id, f"{YEAR}-09-20", themes=("aide_aux_demarches_administratives",),
        admin_themes=("logement",), procedure="Dossier Dupont-Aubry n° 4471",
    )  # fmt: skip
    karim = add_resident(
        store, first_name="Karim", last_name="Ben Saïd", birth_year=2001, gender="masculin",
        commune="Miramas",
    )  # fmt: skip
    add_session(store, karim.id, f"{YEAR}-04-04")
    workshop = store.workshops.create_workshop(
        Workshop(title="Tablette", themes=("prendre_en_main_du_materiel",), capacity=8)
    )
    occurrence = store.workshops.create_occurrence(
        WorkshopOccurrence(workshop_id=workshop.id, date=f"{YEAR}-06-10", start_time="14:00",
                           end_time="15:30", place="FabLab"),
    )  # fmt: skip
    store.workshops.register(occurrence.id, helene.id)
    store.workshops.register(occurrence.id, karim.id)
    store.workshops.set_attendance(occurrence.id, helene.id, "present")
    store.workshops.set_attendance(occurrence.id, karim.id, "absent")
    store.workshops.set_anonymous_participants(occurrence.id, (AnonymousCount(2, "feminin"),))
    framework = store.skills.current_framework()
    store.skills.record_assessment(
        SkillAssessment(helene.id, framework.name, framework.version, f"{YEAR}-03-14",
                        {"device.switch_on_unlock": "with_guidance"}),
        today=TODAY,
    )  # fmt: skip
    ana = add_resident(store, first_name="Ana", last_name="Ferreira")
    add_session(store, ana.id, months_before(10))
    return store, helene, twin, karim, ana, occurrence


def year_statistics(store):
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    return compute_statistics(activities_between(store, start, end), start=start, end=end)


# The period and who is due ------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (date(2026, 11, 29), 24, date(2024, 11, 29)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2028, 3, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 15), 13, date(2024, 12, 15)),
    ],
)
def test_the_cutoff_is_the_period_before_today(today, months, expected):
    assert cutoff(today, months) == expected


def test_whole_months_are_counted():
    assert months_between(date(2024, 1, 31), date(2026, 1, 30)) == 23
    assert months_between(date(2024, 1, 31), date(2026, 1, 31)) == 24
    assert months_between(date(2026, 5, 1), date(2026, 4, 1)) == 0


def test_the_period_is_a_centre_setting_of_24_months_by_default(store):
    assert retention_months(store) == 24
    set_retention_months(store, 12)
    assert retention_months(store) == 12
    set_retention_months(store, 36)
    assert retention_months(store) == 36
    changes = store.conn.execute(
        "SELECT op, data FROM change_log WHERE table_name = 'centre_setting' "
        "AND row_id = 'retention_months' ORDER BY id"
    ).fetchall()
    assert [(op, json.loads(data)["value"]) for op, data in changes] == [
        ("insert", "12"),
        ("update", "36"),
    ]
    for wrong in (0, 121):
        with pytest.raises(RetentionError):
            set_retention_months(store, wrong)
    assert retention_months(store) == 36


def test_who_is_due_and_who_was_seen_since(centre):
    store, helene, twin, karim, ana, _occurrence = centre
    due = due_for_review(store, TODAY)
    # The merged record is not listed: it is Hélène. Ana was seen ten months ago.
    assert {resident.id for resident in due} == {helene.id, karim.id}
    assert twin.id not in {resident.id for resident in due_for_review(store, TODAY, months=1)}
    assert all(resident.months_since >= 24 for resident in due)
    assert ana.id in {resident.id for resident in due_for_review(store, TODAY, months=9)}
    assert ana.id not in {resident.id for resident in due_for_review(store, TODAY, months=11)}


def test_every_kind_of_contact_counts(store):
    recent = months_before(6)
    session = add_resident(store, first_name="Session")
    add_session(store, session.id, months_before(30))
    follow_up = add_resident(store, first_name="Suivi")
    add_session(
        store, follow_up.id, months_before(30), follow_up_needed=True, follow_up_date=recent
    )
    registered = add_resident(store, first_name="Atelier")
    workshop = store.workshops.create_workshop(
        Workshop(title="Courriel", themes=("email",), capacity=8)
    )
    occurrence = store.workshops.create_occurrence(
        WorkshopOccurrence(workshop_id=workshop.id, date=recent, place="Salle 2")
    )
    store.workshops.register(occurrence.id, registered.id)
    assessed = add_resident(store, first_name="Évaluation")
    framework = store.skills.current_framework()
    store.skills.record_assessment(
        SkillAssessment(assessed.id, framework.name, framework.version, recent,
                        {"device.switch_on_unlock": "autonomous"}),
        today=TODAY,
    )  # fmt: skip
    due = {resident.first_name: resident for resident in due_for_review(store, TODAY)}
    assert set(due) == {"Session"}
    assert due["Session"].last_contact == months_before(30)
    assert due["Session"].months_since == 30


def test_the_centre_period_is_used_when_none_is_given(centre):
    store, _helene, _twin, _karim, ana, _occurrence = centre
    set_retention_months(store, 9)
    assert ana.id in {resident.id for resident in due_for_review(store, TODAY)}


# The dry run --------------------------------------------------------------------------


def test_the_preview_says_what_goes_and_what_stays_and_writes_nothing(centre):
    store, helene, _twin, karim, _ana, _occurrence = centre
    before = log_size(store)
    (seen, other) = preview(store, [helene.id, karim.id, "nobody"])
    assert log_size(store) == before
    assert seen.full_name == "Hélène Dupont-Aubry"
    assert seen.dropped == (
        "first_name", "last_name", "birth_year", "phone", "email", "postcode", "language",
        "notes",
    )  # fmt: skip
    assert (seen.gender, seen.social_status, seen.commune) == (
        "feminin",
        "retraite",
        "Salon-de-Provence",
    )
    assert seen.age_band == "soixante_soixante_neuf"  # 67 in 2023, her last activity
    assert (seen.sessions, seen.notes_emptied, seen.procedures_emptied) == (4, 2, 1)
    assert (seen.registrations, seen.attended, seen.assessments) == (1, 1, 1)
    assert seen.merged_records == 1
    assert other.dropped == ("first_name", "last_name", "birth_year")
    assert (other.registrations, other.attended) == (1, 0)


# Anonymising --------------------------------------------------------------------------


def test_anonymising_drops_the_identity_and_keeps_the_figures(centre):
    store, helene, twin, karim, _ana, occurrence = centre
    before = year_statistics(store)
    result = anonymise(store, [helene.id, karim.id], today=TODAY)
    assert set(result.done) == {helene.id, karim.id} and result.left_out == ()
    after = year_statistics(store)
    assert after == before  # every figure of 2023, age bands and attendance included
    assert after.profiles.age_band["soixante_soixante_neuf"] == 1

    kept = store.residents.get(helene.id)
    assert kept.is_anonymised and kept.full_name == ""
    assert (kept.birth_year, kept.phone, kept.email, kept.postcode) == (None, "", "", "")
    assert (kept.language, kept.notes) == ("", "")
    assert (kept.gender, kept.social_status, kept.commune) == (
        "feminin",
        "retraite",
        "Salon-de-Provence",
    )
    assert kept.anon_age_band == "soixante_soixante_neuf"
    assert kept.age_band(YEAR + 10) == "soixante_soixante_neuf"
    assert kept.consent_date == CONSENT["consent_date"]
    assert store.residents.get(twin.id).full_name == ""
    sessions = store.sessions.for_resident(helene.id, 0, 10)
    assert len(sessions) == 4 and all(session.notes == "" for session in sessions)
    assert sorted(session.procedure for session in sessions) == ["", "", "", KNOWN_PROCEDURE]
    assert {p.resident_id for p in store.workshops.participants(occurrence.id)} == {
        helene.id,
        karim.id,
    }


def test_a_procedure_written_the_same_for_five_people_stays(store):
    shared, rare = "Chèque énergie – réclamation", "Chèque énergie de Mme Dupont"
    people = [add_resident(store, first_name=f"Personne {n}") for n in range(5)]
    for person in people:
        add_session(
            store, person.id, "2023-05-02", themes=("aide_aux_demarches_administratives",),
            procedure=shared,
        )  # fmt: skip
    add_session(
        store, people[0].id, "2023-05-03", themes=("aide_aux_demarches_administratives",),
        procedure=rare,
    )  # fmt: skip
    assert retention.common_procedures(store) >= {shared.casefold()}
    (seen,) = preview(store, [people[0].id])
    assert seen.procedures_emptied == 1
    anonymise(store, [people[0].id])
    kept = {session.procedure for session in store.sessions.for_resident(people[0].id)}
    assert kept == {shared, ""}
    assert rare not in whole_log(store)


def test_anonymising_is_one_change_of_the_synced_write_path(centre):
    store, helene, _twin, karim, _ana, _occurrence = centre
    first = store.conn.execute("SELECT MAX(id) FROM change_log").fetchone()[0]
    anonymise(store, [helene.id, karim.id], today=TODAY)
    transactions = store.conn.execute(
        "SELECT DISTINCT tx_id FROM change_log WHERE id > ?", (first,)
    ).fetchall()
    assert len(transactions) == 1
    events = store.conn.execute(
        "SELECT action, resident_id, detail FROM audit_event ORDER BY seq"
    ).fetchall()
    assert ("anonymise", helene.id, "retention") in events


def test_the_search_no_longer_finds_an_anonymised_resident(centre):
    store, helene, _twin, _karim, _ana, _occurrence = centre
    assert [hit.id for hit in store.residents.search("helene dupont")] == [helene.id]
    anonymise(store, [helene.id])
    for query in ("helene", "dupont", "aubry", "dupond", "Hélène Dupont-Aubry"):
        assert store.residents.search(query) == []
    empty = replace(Resident(), first_name="Helene", last_name="Dupont", phone="0612345678")
    assert store.residents.probable_duplicates(empty) == []
    # Still counted in the list, after everyone with a name.
    rows = store.residents.page(0, 100)
    assert rows[-1].id == helene.id and rows[-1].last_name == rows[-1].first_name == ""
    assert store.residents.count() == 3


def test_nothing_of_the_identity_is_left_in_the_database_file(centre, db_path):
    store, helene, _twin, _karim, _ana, _occurrence = centre
    anonymise(store, [helene.id])
    log = whole_log(store)
    for value in ("Hélène", "Dupont", "Dupond", "06 12 34 56 78", "0699887766", "Maëlle",
                  "Préfère", "4471", "helene.dupont@example.org", "13300"):  # fmt: skip
        assert value not in log
    store.close()
    raw = b"".join(
        path.read_bytes() for path in db_path.parent.iterdir() if path.name.startswith(db_path.name)
    )
    for value in ("Dupont-Aubry", "Maëlle", "0699887766", "helene.dupont", "dupond", "aubry"):
        assert value.encode() not in raw, value
    assert b"Ben Sa" in raw  # Karim was not anonymised: the check would have found him


def test_an_anonymised_record_cannot_be_edited_or_merged(centre):
    store, helene, _twin, karim, _ana, _occurrence = centre
    anonymise(store, [helene.id])
    with pytest.raises(StoreError):
        store.residents.update(replace(store.residents.get(helene.id), first_name="Hélène"))
    with pytest.raises(StoreError):
        store.residents.merge(karim.id, helene.id)


def test_a_resident_seen_again_since_the_list_is_left_out(centre):
    store, helene, _twin, karim, _ana, _occurrence = centre
    due = [resident.id for resident in due_for_review(store, TODAY)]
    add_session(store, karim.id, months_before(2))
    result = anonymise(store, due, today=TODAY)
    assert result.done == (helene.id,)
    assert result.left_out == (karim.id,)
    assert store.residents.get(karim.id).full_name == "Karim Ben Saïd"


def test_a_cancelled_anonymisation_changes_nothing(centre):
    store, helene, _twin, karim, _ana, _occurrence = centre
    before = log_size(store)
    calls = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < 1

    with pytest.raises(RetentionCancelled):
        anonymise(store, [helene.id, karim.id], progress=progress)
    assert calls == [(0, 2), (1, 2)]
    assert log_size(store) == before
    assert store.residents.get(helene.id).full_name == "Hélène Dupont-Aubry"
    assert [hit.id for hit in store.residents.search("helene")] == [helene.id]


def test_an_unknown_reason_is_a_bug(store):
    with pytest.raises(ValueError):
        anonymise(store, [], reason="tidy")


def test_another_desk_applies_the_anonymisation_and_forgets_the_identity(
    centre, tmp_path, monkeypatch
):
    from mediator_app.store import database
    from mediator_app.sync import merge

    listeners = tuple(dict.fromkeys((*database.CHANGE_LISTENERS, retention.on_change)))
    monkeypatch.setattr(database, "CHANGE_LISTENERS", listeners)
    monkeypatch.setattr(merge, "CHANGE_LISTENERS", listeners)
    store, helene, _twin, _karim, _ana, _occurrence = centre
    other = open_store(tmp_path / "other.db")
    try:

        def sync() -> None:
            with other._transaction():
                merge.merge_changes(
                    other, merge.changes_after(store.conn, merge.held_sequences(other.conn))
                )

        sync()
        assert [hit.id for hit in other.residents.search("helene")] == [helene.id]
        anonymise(store, [helene.id])
        sync()
        assert other.residents.get(helene.id) == store.residents.get(helene.id)
        assert other.residents.search("helene") == []
        assert "Dupont-Aubry" not in whole_log(other) and "Maëlle" not in whole_log(other)
    finally:
        other.close()


# Erasing ------------------------------------------------------------------------------


def test_erasing_keeps_the_counts_as_anonymous_activity(centre):
    store, helene, twin, karim, _ana, occurrence = centre
    before = year_statistics(store)
    result = erase_due(store, [helene.id, karim.id], TODAY)
    assert set(result.done) == {helene.id, karim.id}
    for gone in (helene.id, twin.id, karim.id):
        with pytest.raises(NotFoundError):
            store.residents.get(gone)
    after = year_statistics(store)
    assert after.individual_sessions == before.individual_sessions == 5
    assert after.individual_minutes == before.individual_minutes
    assert after.anonymous_visits == 5 and after.residents_helped == 0
    assert after.anonymous_visit_profiles.age_band["soixante_soixante_neuf"] == 4
    assert after.anonymous_visit_profiles.commune["Salon-de-Provence"] == 4
    # Hélène attended the workshop: she counts as an anonymous participant now.
    assert after.anonymous_workshop_participants == before.anonymous_workshop_participants + 1
    groups = store.workshops.get_occurrence(occurrence.id).anonymous_participants
    assert sorted((group.count, group.gender, group.age_band) for group in groups) == [
        (1, "feminin", "soixante_soixante_neuf"),
        (2, "feminin", "non_communique"),
    ]
    log = whole_log(store)
    assert helene.id not in log and "Maëlle" not in log and "Dupont" not in log


def test_only_residents_still_due_are_erased(centre):
    store, helene, _twin, _karim, ana, _occurrence = centre
    result = erase_due(store, [helene.id, ana.id], TODAY)
    assert result.done == (helene.id,) and result.left_out == (ana.id,)
    assert store.residents.get(ana.id).full_name == "Ana Ferreira"


# Consent withdrawn --------------------------------------------------------------------


def test_a_withdrawal_is_recorded_and_acted_on_in_one_transaction(centre):
    store, helene, _twin, _karim, _ana, _occurrence = centre
    first = store.conn.execute("SELECT MAX(id) FROM change_log").fetchone()[0]
    withdraw_consent(store, helene.id, date(2026, 3, 2), today=TODAY)
    kept = store.residents.get(helene.id)
    assert kept.consent_withdrawn_date == "2026-03-02"
    assert kept.is_anonymised and kept.full_name == ""
    transactions = store.conn.execute(
        "SELECT DISTINCT tx_id FROM change_log WHERE id > ?", (first,)
    ).fetchall()
    assert len(transactions) == 1
    assert store.residents.search("helene") == []
    events = store.conn.execute("SELECT action, resident_id, detail FROM audit_event").fetchall()
    assert ("anonymise", helene.id, REASON_CONSENT_WITHDRAWN) in events


def test_a_withdrawal_through_a_merged_record_reaches_the_person(centre):
    store, helene, twin, _karim, _ana, _occurrence = centre
    withdraw_consent(store, twin.id, date(2026, 3, 2), today=TODAY)
    assert store.residents.get(helene.id).consent_withdrawn_date == "2026-03-02"


def test_a_withdrawal_in_the_future_is_refused(centre):
    store, helene, _twin, _karim, _ana, _occurrence = centre
    before = log_size(store)
    with pytest.raises(RetentionError):
        withdraw_consent(store, helene.id, TODAY + timedelta(days=1), today=TODAY)
    assert log_size(store) == before


def test_a_withdrawal_after_anonymisation_only_records_the_date(centre):
    store, helene, _twin, _karim, _ana, _occurrence = centre
    anonymise(store, [helene.id])
    anonymised = store.residents.get(helene.id)
    withdraw_consent(store, helene.id, date(2026, 3, 2), today=TODAY)
    again = store.residents.get(helene.id)
    assert again.consent_withdrawn_date == "2026-03-02"
    assert again.anonymised_at == anonymised.anonymised_at


def test_a_withdrawal_for_nobody_is_refused(store):
    with pytest.raises(NotFoundError):
        withdraw_consent(store, "nobody", date(2026, 3, 2), today=TODAY)
