"""The preview: every row new, a probable duplicate (of a resident or an earlier row)
or invalid, before anything is written; La Coop's rule as the store applies it."""

from __future__ import annotations

import random
from datetime import date

import pytest

from mediator_app.demo import generate_demo
from mediator_app.domain.duplicates import DuplicateKeys, compare
from mediator_app.domain.resident import Resident
from mediator_app.importing.errors import ImportCancelled, MappingError
from mediator_app.importing.matching import DuplicateFinder
from mediator_app.importing.plan import Outcome, preview
from mediator_app.importing.reading import read_csv_bytes

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
TODAY = date(2026, 6, 15)
HEADER = "Nom;Prénom;Année de naissance;Téléphone;E-mail"
MAPPING = {0: "last_name", 1: "first_name", 2: "birth_year", 3: "phone", 4: "email"}


def _table(*lines: str):
    return read_csv_bytes("\n".join([HEADER, *lines]).encode(), "list.csv")


def test_each_row_is_new_a_probable_duplicate_or_invalid(store):
    helene = store.residents.create(
        Resident(first_name="Hélène", last_name="D'Aubigné", birth_year=1951,
                 phone="06 12 34 56 78", **CONSENT)
    )  # fmt: skip
    table = _table(
        "DAUBIGNE;helene;1951;;",  # row 2: the same names, accents and case aside
        "Nguyễn;Thị;1985;;",  # row 3: new
        "Martin;Zoé;1990;+33 6 12 34 56 78;",  # row 4: Hélène's phone, one name slipped?
        "Nguyen;Thi;;;thi@example.org",  # row 5: row 3 again
        ";;2099;;",  # row 6: no name, a year to come
    )
    plan = preview(store, table, MAPPING, today=TODAY)
    outcomes = {row.number: row.outcome for row in plan.rows}
    assert outcomes == {
        2: Outcome.DUPLICATE, 3: Outcome.NEW, 4: Outcome.NEW, 5: Outcome.DUPLICATE,
        6: Outcome.INVALID,
    }  # fmt: skip
    (match,) = plan.row(2).matches
    assert (match.resident_id, match.name, match.birth_year) == (helene.id, "Hélène D'Aubigné",
                                                                 1951)  # fmt: skip
    assert (match.evidence.last_name, match.evidence.first_name) == (True, True)
    (within,) = plan.row(5).matches
    assert (within.row_number, within.resident_id, within.name) == (3, None, "Thị Nguyễn")
    assert set(plan.row(6).problems) == {"last_name", "birth_year"}
    counts = plan.counts
    assert (counts.new, counts.duplicates, counts.invalid, counts.total) == (2, 2, 1, 5)


def test_the_preview_writes_nothing(store):
    store.residents.create(Resident(first_name="Ana", last_name="Pereira", **CONSENT))
    before = store.conn.total_changes
    (log_before,) = store.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()
    preview(store, _table("Pereira;Ana;;;", "Costa;Rui;;;"), MAPPING, today=TODAY)
    assert store.conn.total_changes == before
    assert store.conn.execute("SELECT COUNT(*) FROM change_log").fetchone() == (log_before,)


def test_a_merged_resident_counts_as_the_one_it_joined(store):
    kept = store.residents.create(
        Resident(first_name="Karim", last_name="Ben Saïd", phone="0611223344", **CONSENT)
    )
    merged = store.residents.create(
        Resident(first_name="Karim", last_name="Bensaid", email="k@example.org", **CONSENT)
    )
    store.residents.merge(merged.id, kept.id)
    plan = preview(store, _table("Bensaid;Karim;;;k@example.org"), MAPPING, today=TODAY)
    assert [match.resident_id for match in plan.row(2).matches] == [kept.id]


def test_the_finder_misses_nothing_the_store_finds_and_finds_only_true_matches(store):
    """Slipped, re-spelled and re-contacted versions of demo residents: every resident
    ``Residents.probable_duplicates`` names is in the preview, and every match in the
    preview satisfies La Coop's rule."""
    generate_demo(store, residents=300, sessions=0, seed=3, today=TODAY)
    rows = store.conn.execute(
        "SELECT first_name, last_name, phone, email FROM resident WHERE merged_into IS NULL"
    ).fetchall()
    rng = random.Random(5)
    probes = []
    for first, last, phone, email in rng.sample(rows, 120):
        way = rng.randrange(4)
        if way == 0 and len(last) > 3:  # swap two letters of the last name
            i = rng.randrange(len(last) - 1)
            last = last[:i] + last[i + 1] + last[i] + last[i + 2 :]
        elif way == 1:
            first, phone = first.upper(), ""
        elif way == 2:
            last, email = last + "e", ""
        else:
            first = "Zébulon"
        probes.append(Resident(first_name=first, last_name=last, phone=phone, email=email))
    lines = [f"{p.last_name};{p.first_name};;{p.phone};{p.email}" for p in probes]
    plan = preview(store, _table(*lines), MAPPING, today=TODAY)
    found_some = 0
    for probe, row in zip(probes, plan.rows, strict=True):
        assert row.outcome is not Outcome.INVALID, row.problems
        in_preview = {match.resident_id for match in row.matches if match.resident_id}
        in_store = {
            duplicate.resident.id for duplicate in store.residents.probable_duplicates(probe)
        }
        assert in_store <= in_preview
        found_some += bool(in_store)
        for resident_id in in_preview:
            other = store.residents.get(resident_id)
            candidates = [other] + [
                store.residents.get(absorbed)
                for (absorbed,) in store.conn.execute(
                    "SELECT id FROM resident WHERE merged_into = ?", (resident_id,)
                )
            ]
            assert any(
                compare(probe.first_name, probe.last_name, probe.phone, probe.email,
                        c.first_name, c.last_name, c.phone, c.email).is_probable_duplicate
                for c in candidates
            )  # fmt: skip
    assert found_some > 80


def test_rows_one_slip_apart_meet_inside_the_file():
    finder: DuplicateFinder[int] = DuplicateFinder()
    finder.add(DuplicateKeys.of("Françoise", "Lefebvre", "", ""), 2)
    for first, last in (("Francoise", "Lefevbre"), ("francoise", "LEFEBVRE"),
                        ("Françoise", "Lefebvres"), ("Françoise", "Lfebvre")):  # fmt: skip
        assert [found.owner for found in finder.find(DuplicateKeys.of(first, last, "", ""))] == [2]
    assert finder.find(DuplicateKeys.of("Françoise", "Lfebvr", "", "")) == []  # two slips
    assert finder.find(DuplicateKeys.of("Marie", "Lefebvre", "", "")) == []  # one criterion


def test_progress_is_reported_and_cancel_stops_the_preview(store):
    lines = [f"Nom{index};Prénom{index};;;" for index in range(450)]
    seen: list[tuple[int, int]] = []
    preview(store, _table(*lines), MAPPING, today=TODAY,
            progress=lambda done, total: seen.append((done, total)) or True)  # fmt: skip
    assert seen == [(200, 450), (400, 450), (450, 450)]
    with pytest.raises(ImportCancelled):
        preview(store, _table(*lines), MAPPING, today=TODAY, progress=lambda done, total: False)


def test_a_mapping_without_a_name_is_refused(store):
    with pytest.raises(MappingError):
        preview(store, _table("Dupont;Jean;;;"), {3: "phone"}, today=TODAY)
