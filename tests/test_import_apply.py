"""Applying an import: one transaction through the write path, consent recorded,
duplicates skipped, kept or merged, a failure or a cancel changing nothing; and the
undo of a whole import, refused when the residents have a life of their own since."""

from __future__ import annotations

import hashlib
import random
import string
from datetime import date

import pytest

from mediator_app.domain.resident import Consent, Resident
from mediator_app.domain.session import SupportSession
from mediator_app.i18n import _
from mediator_app.importing.apply import (
    Action,
    Decision,
    apply_import,
    import_history,
    undo_import,
)
from mediator_app.importing.errors import (
    AlreadyUndoneError,
    CompletedResidentsMergedError,
    ConsentError,
    ImportCancelled,
    ImportNotFoundError,
    InvalidRowsError,
    ResidentsInUseError,
    StalePlanError,
)
from mediator_app.importing.plan import Outcome, preview
from mediator_app.importing.reading import read_csv_bytes
from mediator_app.store.changes import ChangeWriter

CONSENT_FIELDS = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
TODAY = date(2026, 6, 15)
STATEMENT = Consent(collected_on=date(2026, 5, 2), collected_by="Nadia Belkacem", language="fr")
HEADER = "Nom;Prénom;Année de naissance;Téléphone;E-mail;Commune;Notes"
MAPPING = {
    0: "last_name", 1: "first_name", 2: "birth_year", 3: "phone", 4: "email", 5: "commune",
    6: "notes",
}  # fmt: skip


def _plan(store, *lines: str):
    table = read_csv_bytes("\n".join([HEADER, *lines]).encode(), "centre.csv")
    return preview(store, table, MAPPING, today=TODAY)


def _people(count: int) -> list[str]:
    """``count`` rows of people with made-up names, no two of them alike."""
    rng = random.Random(count)
    return [
        f"{''.join(rng.choices(string.ascii_lowercase, k=9)).title()};"
        f"{''.join(rng.choices(string.ascii_lowercase, k=7)).title()};1970;;;;"
        for _ in range(count)
    ]


def _digest(store) -> dict[str, str]:
    """A fingerprint of every table of the database, search index included."""
    digests = {}
    for (name,) in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall():
        rows = store.conn.execute(f'SELECT * FROM "{name}"').fetchall()
        digests[name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return digests


def _residents(store) -> dict[str, tuple]:
    return {
        row[0]: row[1:]
        for row in store.conn.execute(
            "SELECT last_name, first_name, birth_year, phone, email, commune, notes, "
            "consent_date, consent_collected_by, merged_into FROM resident"
        )
    }


@pytest.fixture
def helene(store):
    return store.residents.create(
        Resident(first_name="Hélène", last_name="D'Aubigné", birth_year=1951, commune="Lyon",
                 **CONSENT_FIELDS)
    )  # fmt: skip


def test_new_rows_are_created_through_the_write_path_with_consent(store):
    plan = _plan(store, "Nguyễn;Thị;1985;;;Paris;", "العلي;محمد;1975;0611223344;;;")
    result = apply_import(store, plan, STATEMENT, today=TODAY)
    assert (result.created, result.merged, result.skipped) == (2, 0, 0)
    created = [store.residents.get(resident_id) for resident_id in result.created_ids]
    assert [(r.last_name, r.first_name) for r in created] == [("Nguyễn", "Thị"), ("العلي", "محمد")]
    for resident in created:
        assert (resident.consent_date, resident.consent_collected_by) == (
            "2026-05-02",
            "Nadia Belkacem",
        )
        assert (resident.consent_language, resident.consent_version) == ("fr", "2026-1")
    logged = store.conn.execute(
        "SELECT op, COUNT(DISTINCT tx_id) FROM change_log WHERE table_name = 'resident' GROUP BY op"
    ).fetchall()
    assert logged == [("insert", 1)]  # every resident in one transaction of the log
    assert [hit.id for hit in store.residents.search("nguyen")] == [result.created_ids[0]]
    (record,) = import_history(store)
    assert (record.id, record.file_name, record.created, record.rows_total) == (
        result.import_id, "centre.csv", 2, 2,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        (None, "Imported residents need their consent recorded"),
        (Consent(date(2026, 5, 2), "  ", "fr"), "Say who collected the consent"),
        (Consent(date(2026, 7, 1), "Nadia", "fr"), "The date of consent 2026-07-01 is in"),
    ],
)  # fmt: skip
def test_without_a_consent_statement_nothing_is_imported(store, statement, reason):
    plan = _plan(store, "Nguyễn;Thị;1985;;;;")
    before = _digest(store)
    with pytest.raises(ConsentError) as refused:
        apply_import(store, plan, statement, today=TODAY)
    assert refused.value.render(_).startswith(reason)
    assert _digest(store) == before


def test_probable_duplicates_are_skipped_by_default(store, helene):
    plan = _plan(store, "DAUBIGNE;Helene;;0612345678;;;", "Nguyễn;Thị;;;;;")
    assert plan.row(2).outcome is Outcome.DUPLICATE
    result = apply_import(store, plan, STATEMENT, today=TODAY)
    assert (result.created, result.merged, result.skipped) == (1, 0, 1)
    assert store.residents.get(helene.id).phone == ""


def test_keep_both_creates_the_duplicate_anyway(store, helene):
    plan = _plan(store, "DAUBIGNE;Helene;;;;;")
    result = apply_import(store, plan, STATEMENT, decisions={2: Action.CREATE}, today=TODAY)
    assert result.created == 1
    assert store.residents.count() == 2


def test_merge_fills_the_gaps_of_the_existing_resident_and_keeps_its_values(store, helene):
    plan = _plan(store, "DAUBIGNE;Helene;1950;06 12 34 56 78;h@example.org;Paris;aime lire")
    result = apply_import(store, plan, STATEMENT, duplicates=Action.MERGE, today=TODAY)
    assert (result.created, result.merged, result.merged_ids) == (0, 1, (helene.id,))
    merged = store.residents.get(helene.id)
    # Its own values stay (year, commune); its empty fields are filled.
    assert (merged.birth_year, merged.commune) == (1951, "Lyon")
    assert (merged.phone, merged.email, merged.notes) == (
        "06 12 34 56 78", "h@example.org", "aime lire",
    )  # fmt: skip
    assert merged.consent_collected_by == ""  # it had its own consent
    assert store.residents.count() == 1


def test_a_merge_into_an_earlier_row_fills_that_rows_record(store):
    plan = _plan(store, "Nguyễn;Thị;1985;;;;", "Nguyen;Thi;;0611223344;thi@example.org;Hanoi;")
    assert plan.row(3).matches[0].row_number == 2
    result = apply_import(store, plan, STATEMENT, decisions={3: Decision(Action.MERGE)},
                          today=TODAY)  # fmt: skip
    assert (result.created, result.merged) == (1, 1)
    (resident,) = [store.residents.get(resident_id) for resident_id in result.created_ids]
    assert (resident.last_name, resident.birth_year, resident.phone, resident.commune) == (
        "Nguyễn", 1985, "0611223344", "Hanoi",
    )  # fmt: skip


def test_a_chain_of_rows_merged_into_each_other_completes_one_record(store):
    plan = _plan(store, "Nguyễn;Thị;1985;;;;", "Nguyen;Thi;;0611223344;;;",
                 "NGUYEN;thi;;0611223344;thi@example.org;;")  # fmt: skip
    # Row 4 may be row 2 or row 3; merged into row 3, it follows row 3 into row 2.
    target = next(match for match in plan.row(4).matches if match.row_number == 3)
    decisions = {3: Action.MERGE, 4: Decision(Action.MERGE, target)}
    result = apply_import(store, plan, STATEMENT, decisions=decisions, today=TODAY)
    assert (result.created, result.merged, result.skipped) == (1, 2, 0)
    resident = store.residents.get(result.created_ids[0])
    assert (resident.phone, resident.email) == ("0611223344", "thi@example.org")


def test_invalid_rows_refuse_the_import_unless_skipped(store):
    plan = _plan(store, "Nguyễn;Thị;1985;;;;", ";;1980;;;;", "Costa;Rui;;;rui.example.org;;")
    before = _digest(store)
    with pytest.raises(InvalidRowsError) as refused:
        apply_import(store, plan, STATEMENT, today=TODAY)
    assert refused.value.count == 2
    assert refused.value.render(_) == (
        "Nothing was imported: 2 rows are invalid. Correct them in the file, or skip them."
    )
    assert _digest(store) == before
    with pytest.raises(InvalidRowsError):
        apply_import(store, plan, STATEMENT, decisions={3: Action.SKIP}, today=TODAY)
    result = apply_import(store, plan, STATEMENT, decisions={3: Action.SKIP, 4: Action.SKIP},
                          today=TODAY)  # fmt: skip
    assert (result.created, result.invalid_skipped) == (1, 2)


def test_skip_invalid_imports_the_valid_rows(store):
    plan = _plan(store, "Nguyễn;Thị;1985;;;;", ";;2099;;;;")
    result = apply_import(store, plan, STATEMENT, skip_invalid=True, today=TODAY)
    assert (result.created, result.invalid_skipped) == (1, 1)


def test_a_failure_in_the_middle_changes_nothing(store, helene, monkeypatch):
    plan = _plan(store, *_people(30), "DAUBIGNE;Helene;;0612345678;;;")
    assert plan.counts.new == 30
    before = _digest(store)
    original = ChangeWriter.insert
    calls = []

    def failing_insert(self, table, values):
        calls.append(table)
        if len(calls) == 12:
            raise RuntimeError("disk unplugged")
        return original(self, table, values)

    monkeypatch.setattr(ChangeWriter, "insert", failing_insert)
    with pytest.raises(RuntimeError, match="disk unplugged"):
        apply_import(store, plan, STATEMENT, duplicates=Action.MERGE, today=TODAY)
    assert len(calls) == 12
    assert _digest(store) == before
    monkeypatch.setattr(ChangeWriter, "insert", original)
    assert apply_import(store, plan, STATEMENT, today=TODAY).created == 30


def test_cancel_while_writing_changes_nothing(store):
    plan = _plan(store, *_people(450))
    before = _digest(store)
    seen = []

    def cancel_half_way(done, total):
        seen.append(done)
        return done < 400

    with pytest.raises(ImportCancelled):
        apply_import(store, plan, STATEMENT, today=TODAY, progress=cancel_half_way)
    assert seen == [200, 400]
    assert _digest(store) == before


def test_a_plan_whose_resident_was_erased_since_is_refused(store, helene):
    plan = _plan(store, "DAUBIGNE;Helene;;0612345678;;;")
    store.residents.erase(helene.id)
    before = _digest(store)
    with pytest.raises(StalePlanError):
        apply_import(store, plan, STATEMENT, duplicates=Action.MERGE, today=TODAY)
    assert _digest(store) == before


def test_undo_takes_the_whole_import_back_through_the_write_path(store, helene):
    before = _residents(store)
    plan = _plan(store, "Nguyễn;Thị;1985;;;;", "العلي;محمد;;;;;",
                 "DAUBIGNE;Helene;;0612345678;h@example.org;;")  # fmt: skip
    result = apply_import(store, plan, STATEMENT, duplicates=Action.MERGE, today=TODAY)
    assert (result.created, result.merged) == (2, 1)
    undone = undo_import(store, result.import_id)
    assert (undone.erased, undone.restored, undone.kept_fields, undone.gone) == (2, 1, 0, 0)
    after = _residents(store)
    assert after == before
    assert store.residents.search("nguyen") == []
    # Erased through the write path: the erasures travel, and no imported name stays in
    # the change log to leave in a bundle.
    erasures = store.conn.execute(
        "SELECT row_id FROM change_log WHERE op = 'insert' AND table_name = 'erasure'"
    ).fetchall()
    assert sorted(row_id for (row_id,) in erasures) == sorted(result.created_ids)
    logged = " ".join(data for (data,) in store.conn.execute("SELECT data FROM change_log"))
    assert "Nguyễn" not in logged and "محمد" not in logged
    (record,) = import_history(store)
    assert record.undone_at
    with pytest.raises(AlreadyUndoneError):
        undo_import(store, result.import_id)


def test_undo_keeps_a_field_edited_since(store, helene):
    from dataclasses import replace

    plan = _plan(store, "DAUBIGNE;Helene;;0612345678;h@example.org;;")
    result = apply_import(store, plan, STATEMENT, duplicates=Action.MERGE, today=TODAY)
    edited = replace(store.residents.get(helene.id), phone="0699999999")
    store.residents.update(edited, today=TODAY)
    undone = undo_import(store, result.import_id)
    assert (undone.restored, undone.kept_fields) == (1, 1)
    resident = store.residents.get(helene.id)
    assert (resident.phone, resident.email) == ("0699999999", "")


def test_undo_is_refused_when_an_imported_resident_was_helped_since(store):
    plan = _plan(store, "Nguyễn;Thị;1985;;;;", "Costa;Rui;;;;;", "Petit;Léa;;;;;")
    result = apply_import(store, plan, STATEMENT, today=TODAY)
    store.sessions.create(
        SupportSession(date="2026-06-10", duration_min=30, themes=("email",),
                       resident_id=result.created_ids[1]),
        today=TODAY,
    )  # fmt: skip
    before = _digest(store)
    with pytest.raises(ResidentsInUseError) as refused:
        undo_import(store, result.import_id)
    assert refused.value.count == 1
    assert refused.value.render(_).startswith(
        "The import cannot be undone: 1 resident it created has been helped"
    )
    assert _digest(store) == before


def test_undo_is_refused_when_an_imported_resident_was_merged_since(store, helene):
    plan = _plan(store, "Nguyễn;Thị;1985;;;;")
    result = apply_import(store, plan, STATEMENT, today=TODAY)
    store.residents.merge(helene.id, result.created_ids[0])  # someone absorbed by it
    with pytest.raises(ResidentsInUseError):
        undo_import(store, result.import_id)


def test_undo_is_refused_when_a_completed_resident_was_merged_since(store, helene):
    other = store.residents.create(Resident(first_name="Hélène", last_name="Aubigny",
                                            **CONSENT_FIELDS))  # fmt: skip
    plan = _plan(store, "DAUBIGNE;Helene;;0612345678;;;")
    result = apply_import(store, plan, STATEMENT, duplicates=Action.MERGE, today=TODAY)
    store.residents.merge(helene.id, other.id)
    before = _digest(store)
    with pytest.raises(CompletedResidentsMergedError) as refused:
        undo_import(store, result.import_id)
    assert "merged into another one" in refused.value.render()
    assert _digest(store) == before


def test_undo_after_an_erasure_undoes_what_is_left(store):
    plan = _plan(store, "Nguyễn;Thị;1985;;;;", "Costa;Rui;;;;;")
    result = apply_import(store, plan, STATEMENT, today=TODAY)
    store.residents.erase(result.created_ids[0])
    undone = undo_import(store, result.import_id)
    assert (undone.erased, undone.gone) == (1, 1)
    assert store.residents.count() == 0


def test_deleting_a_resident_does_not_scan_every_resident(store):
    """The check that nothing was merged into a deleted resident uses an index: an undo
    of 20,000 residents takes seconds, not minutes."""
    plan = store.conn.execute("EXPLAIN QUERY PLAN DELETE FROM resident WHERE id = ?", ("x",))
    details = [row[-1] for row in plan.fetchall()]
    assert "SCAN resident" not in details
    assert any("resident_by_merged_into" in detail for detail in details)


def test_undo_of_an_unknown_import_is_refused(store):
    with pytest.raises(ImportNotFoundError):
        undo_import(store, "0190a000-0000-7000-8000-000000000000")
