"""The consent register: one line per resident shown, latest consent first, filtered by
version, counted by version, withdrawals and anonymisation shown."""

from __future__ import annotations

from datetime import date

from mediator_app.domain.resident import Consent, Resident
from mediator_app.store.consent_register import (
    VersionCount,
    counts_by_version,
    register_count,
    register_entries,
)

TODAY = date(2026, 11, 29)


def _resident(store, first, last, day, version="2026-1", language="fr", by="Nadia"):
    consent = Consent(date.fromisoformat(day), by, language, text_version=version)
    return store.residents.create(
        Resident(first_name=first, last_name=last, **consent.as_fields()), today=TODAY
    )


def _update(store, resident_id, **values):
    with store.write() as writer:
        writer.update("resident", resident_id, values)


def test_an_empty_register(store):
    assert register_count(store) == 0
    assert register_entries(store) == []
    assert counts_by_version(store) == []


def test_each_line_says_when_which_text_in_which_language_and_who(store):
    helene = _resident(store, "Hélène", "Petit", "2026-03-02", "2025-1", "pt", "Marc Olivier")
    [entry] = register_entries(store)
    assert entry.resident_id == helene.id
    assert entry.full_name == "Hélène Petit"
    assert entry.consent_date == "2026-03-02"
    assert entry.consent_version == "2025-1"
    assert entry.consent_language == "pt"
    assert entry.collected_by == "Marc Olivier"
    assert (entry.withdrawn_date, entry.anonymised_at) == ("", "")
    assert not entry.is_withdrawn and not entry.is_anonymised


def test_latest_consent_first_then_by_name(store):
    _resident(store, "Ana", "Zola", "2026-01-10")
    _resident(store, "Bea", "Abad", "2026-05-01")
    _resident(store, "Carla", "abel", "2026-01-10")
    names = [entry.last_name for entry in register_entries(store)]
    assert names == ["Abad", "abel", "Zola"]


def test_pages_of_the_register_join_up(store):
    for number in range(7):
        _resident(store, f"P{number}", "Martin", f"2026-02-{10 + number:02d}")
    whole = register_entries(store)
    pages = [register_entries(store, offset=offset, limit=3) for offset in (0, 3, 6)]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [entry for page in pages for entry in page] == whole


def test_filter_by_version_finds_who_consented_under_an_older_text(store):
    old = _resident(store, "Ana", "Old", "2025-06-01", version="2025-1")
    _resident(store, "Bea", "New", "2026-02-01", version="2026-1")
    _resident(store, "Carla", "New", "2026-03-01", version="2026-1")
    assert [e.resident_id for e in register_entries(store, "2025-1")] == [old.id]
    assert register_count(store, "2025-1") == 1
    assert register_count(store, "2026-1") == 2
    assert register_count(store) == 3
    assert register_entries(store, "1999-1") == []


def test_records_without_a_version_are_found_with_the_empty_version(store):
    legacy = store.residents.create(
        Resident(first_name="Léa", last_name="Sans", consent_date="2024-05-01"), today=TODAY
    )
    _resident(store, "Bea", "New", "2026-02-01")
    assert [e.resident_id for e in register_entries(store, "")] == [legacy.id]


def test_counts_by_version_with_withdrawals(store):
    a = _resident(store, "Ana", "A", "2026-02-01", version="2026-2")
    _resident(store, "Bea", "B", "2026-02-02", version="2026-2")
    _resident(store, "Carla", "C", "2026-02-03", version="2026-10")
    _resident(store, "Dora", "D", "2025-02-03", version="2025-1")
    _update(store, a.id, consent_withdrawn_date="2026-06-01")
    assert counts_by_version(store) == [
        VersionCount("2025-1", 1, 0),
        VersionCount("2026-2", 2, 1),
        VersionCount("2026-10", 1, 0),  # in the versions' order, not the letters'
    ]


def test_withdrawal_and_anonymisation_are_shown(store):
    helene = _resident(store, "Hélène", "Petit", "2026-02-01")
    _update(
        store, helene.id, first_name="", last_name="", consent_withdrawn_date="2026-06-01",
        anonymised_at="2026-06-01T10:00:00Z",
    )  # fmt: skip
    [entry] = register_entries(store)
    assert entry.is_withdrawn and entry.is_anonymised
    assert entry.withdrawn_date == "2026-06-01"
    assert entry.full_name == ""
    # The consent itself stays on record: when, which text, who.
    assert entry.consent_date == "2026-02-01"
    assert entry.consent_version == "2026-1"


def test_merged_records_are_left_out(store):
    kept = _resident(store, "Hélène", "Petit", "2026-02-01")
    twin = _resident(store, "Helene", "Petit", "2026-01-01", version="2025-1")
    store.residents.merge(twin.id, kept.id)
    assert [e.resident_id for e in register_entries(store)] == [kept.id]
    assert counts_by_version(store) == [VersionCount("2026-1", 1, 0)]


def test_erased_residents_are_gone(store):
    gone = _resident(store, "Zoé", "X", "2026-02-01")
    store.residents.erase(gone.id)
    assert register_count(store) == 0


def test_a_withdrawal_recorded_by_the_retention_module_shows(store):
    from mediator_app.store.retention import withdraw_consent

    helene = _resident(store, "Hélène", "Petit", "2026-02-01", language="es")
    withdraw_consent(store, helene.id, date(2026, 6, 1), today=TODAY)
    [entry] = register_entries(store)
    assert entry.withdrawn_date == "2026-06-01"
    assert entry.is_anonymised and entry.full_name == ""
    assert (entry.consent_date, entry.consent_version, entry.consent_language) == (
        "2026-02-01", "2026-1", "es",
    )  # fmt: skip
    assert counts_by_version(store) == [VersionCount("2026-1", 1, 1)]
