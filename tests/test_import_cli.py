"""``import-residents``, ``undo-import`` and ``import-history`` as a centre would run
them: counts and reasons printed, exit codes, nothing written on a dry run or a refusal."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from mediator_app.app import main
from mediator_app.domain.resident import Resident
from mediator_app.importing.mapping import LACOOP_TEMPLATE
from mediator_app.store import open_store
from mediator_app.store.mediators import add_mediator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "import"
CONSENT_FIELDS = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
CONSENT = ["--consent-date", "2026-01-10", "--consent-by", "Nadia Belkacem"]
LIST = (
    "Nom;Prénom;Date de naissance;Téléphone;E-mail;Genre\n"
    "D'Aubigné;Hélène;14/07/1951;;;Femme\n"
    "Nguyễn;Thị;1985;;;F\n"
    "\n"
    "العلي;محمد;1975;06 11 22 33 44;;H\n"
    ";;1990;;;\n"
    "Costa;Rui;2099-01-01;;rui.example.org;M\n"
)


def _run(capsys, *arguments: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _list(tmp_path: Path, text: str = LIST) -> Path:
    path = tmp_path / "beneficiaires.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _count(db_path: Path, table: str = "resident") -> int:
    store = open_store(db_path)
    try:
        return store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        store.close()


def test_dry_run_prints_counts_and_reasons_and_fails_on_invalid_rows(capsys, db_path, tmp_path):
    code, out, err = _run(capsys, "import-residents", "--db", str(db_path), str(_list(tmp_path)),
                          "--dry-run")  # fmt: skip
    assert code == 2
    assert "5 rows: 3 new residents, 0 probable duplicates, 2 invalid rows." in out
    assert "The date of birth of 1 row is reduced to its year" in out
    assert "Row 6, column A (Nom): Enter a last name or a first name." in out
    assert (
        "Row 7, column C (Date de naissance): The date of birth 2099-01-01 is in the future."
        in (out)
    )
    assert "Row 7, column E (E-mail): This e-mail address is not complete" in out
    assert "2 rows are invalid: nothing is imported" in err
    assert "Dry run" not in out
    assert _count(db_path) == 0


def test_dry_run_with_skip_invalid_succeeds_and_writes_nothing(capsys, db_path, tmp_path):
    code, out, _err = _run(capsys, "import-residents", "--db", str(db_path),
                           str(_list(tmp_path)), "--dry-run", "--skip-invalid")  # fmt: skip
    assert code == 0
    assert "Dry run: nothing was written." in out
    assert (_count(db_path), _count(db_path, "import_log")) == (0, 0)


def test_import_without_consent_is_refused(capsys, db_path, tmp_path):
    code, out, err = _run(capsys, "import-residents", "--db", str(db_path),
                          str(_list(tmp_path)), "--skip-invalid")  # fmt: skip
    assert code == 2
    assert "Imported residents need their consent recorded" in err
    assert "--consent-date" in err
    assert out == ""
    assert not db_path.exists() or _count(db_path) == 0


def test_invalid_rows_stop_the_import(capsys, db_path, tmp_path):
    code, _out, err = _run(capsys, "import-residents", "--db", str(db_path),
                           str(_list(tmp_path)), *CONSENT)  # fmt: skip
    assert code == 2
    assert "nothing is imported" in err
    assert _count(db_path) == 0


def test_import_then_undo(capsys, db_path, tmp_path):
    code, out, err = _run(capsys, "import-residents", "--db", str(db_path),
                          str(_list(tmp_path)), "--skip-invalid", *CONSENT)  # fmt: skip
    assert code == 0, err
    assert "done: 3 residents created, 0 residents completed, 2 rows skipped." in out
    import_id = out.split("undo-import ")[-1].strip()
    store = open_store(db_path)
    names = sorted(r.last_name for r in map(store.residents.get, _ids(store)))
    by = {row[0] for row in store.conn.execute("SELECT consent_collected_by FROM resident")}
    store.close()
    assert names == ["D'Aubigné", "Nguyễn", "العلي"]
    assert by == {"Nadia Belkacem"}

    code, out, _err = _run(capsys, "import-history", "--db", str(db_path))
    assert code == 0
    assert out.split("\t")[:3] == [import_id, out.split("\t")[1], "beneficiaires.csv"]

    code, out, _err = _run(capsys, "undo-import", "--db", str(db_path), import_id)
    assert code == 0
    assert f"Import {import_id} undone: 3 residents erased, 0 residents restored" in out
    assert _count(db_path) == 0
    code, _out, err = _run(capsys, "undo-import", "--db", str(db_path), import_id)
    assert code == 2
    assert "has already been undone" in err


def _ids(store) -> list[str]:
    return [row[0] for row in store.conn.execute("SELECT id FROM resident")]


def test_duplicates_are_told_and_skipped_or_merged(capsys, db_path, tmp_path):
    store = open_store(db_path)
    helene = store.residents.create(
        Resident(first_name="Hélène", last_name="D'Aubigné", birth_year=1951, **CONSENT_FIELDS)
    )
    store.close()
    path = _list(tmp_path, "Nom;Prénom;Téléphone\nDAUBIGNE;helene;0612345678\nPetit;Léa;\n")
    code, out, _err = _run(capsys, "import-residents", "--db", str(db_path), str(path),
                           *CONSENT)  # fmt: skip
    assert code == 0
    assert "2 rows: 1 new resident, 1 probable duplicate, 0 invalid rows." in out
    assert (
        "Row 2 may be Hélène D'Aubigné, born in 1951 (same last name and first name). "
        "It will be skipped." in out
    )
    assert _count(db_path) == 2
    code, out, _err = _run(capsys, "import-residents", "--db", str(db_path), str(path),
                           "--duplicates", "merge", *CONSENT)  # fmt: skip
    assert code == 0
    assert "It will fill the empty fields of that record." in out
    assert "0 residents created, 2 residents completed" in out
    store = open_store(db_path)
    assert store.residents.get(helene.id).phone == "0612345678"
    store.close()


def test_consent_collector_defaults_to_the_desks_mediator(capsys, db_path, tmp_path):
    path = _list(tmp_path, "Nom;Prénom\nPetit;Léa\n")
    code, _out, err = _run(capsys, "import-residents", "--db", str(db_path), str(path),
                           "--consent-date", "2026-01-10")  # fmt: skip
    assert code == 2
    assert "Say who collected the consent" in err
    store = open_store(db_path)
    mediator = add_mediator(store, "Sofia Rossi")
    store.configure_desk(name="Desk 1", centre_name="Centre", country="FR", language="fr",
                         mediator_id=mediator.id)  # fmt: skip
    store.close()
    code, _out, err = _run(capsys, "import-residents", "--db", str(db_path), str(path),
                           "--consent-date", "2026-01-10")  # fmt: skip
    assert code == 0, err
    store = open_store(db_path)
    (row,) = store.conn.execute(
        "SELECT consent_date, consent_collected_by, consent_language FROM resident"
    ).fetchall()
    store.close()
    assert row == ("2026-01-10", "Sofia Rossi", "fr")


def test_a_saved_mapping_is_written_and_used(capsys, db_path, tmp_path):
    path = _list(tmp_path, "Famille;Personne;Naissance\nPetit;Léa;1990\n")
    saved = tmp_path / "mapping.json"
    code, out, err = _run(capsys, "import-residents", "--db", str(db_path), str(path),
                          "--dry-run", "--save-mapping", str(saved))  # fmt: skip
    # The guess maps no name: the preview is refused, the mapping written to correct.
    assert code == 2
    assert "No column is mapped to the last name or the first name" in err
    assert "A Famille → not imported" in out
    document = json.loads(saved.read_text(encoding="utf-8"))
    document["columns"][0]["field"] = "last_name"
    document["columns"][1]["field"] = "first_name"
    saved.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = _run(capsys, "import-residents", "--db", str(db_path), str(path),
                          "--mapping", str(saved), *CONSENT)  # fmt: skip
    assert code == 0, err
    assert "A Famille → Last name" in out
    assert "1 row: 1 new resident" in out


def test_a_file_without_names_mapped_is_refused(capsys, db_path, tmp_path):
    path = _list(tmp_path, "Famille;Personne\nPetit;Léa\n")
    code, _out, err = _run(capsys, "import-residents", "--db", str(db_path), str(path),
                           "--dry-run")  # fmt: skip
    assert code == 2
    assert "No column is mapped to the last name or the first name" in err


def test_la_coop_template_xlsx_with_dates_as_serials(capsys, db_path, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Bénéficiaires"
    sheet.append(list(LACOOP_TEMPLATE))
    sheet.append(["D'Aubigné", "Hélène", 1951, "Lyon", "06 12 34 56 78", None, "Féminin",
                  None, "69123", 69001])  # fmt: skip
    sheet.append(["Nguyễn", "Thị", datetime(1985, 4, 2), "Paris", None, "thi@example.org",
                  "Féminin", "Parle vietnamien", "75111", 75011])  # fmt: skip
    sheet.append([None] * 10)
    sheet.append(["Rossi", "Marco", "1960", "Lyon", None, None, "Masculin", None, None, 1000])
    path = tmp_path / "export-la-coop.xlsx"
    workbook.save(path)
    code, out, err = _run(capsys, "import-residents", "--db", str(db_path), str(path), *CONSENT)
    assert code == 0, err
    assert "Read export-la-coop.xlsx: the sheet Bénéficiaires." in out
    assert "This is La Coop's beneficiary template." in out
    assert "I Code INSEE → not imported" in out
    assert "3 rows: 3 new residents, 0 probable duplicates, 0 invalid rows." in out
    store = open_store(db_path)
    rows = store.conn.execute(
        "SELECT last_name, birth_year, gender, postcode, notes FROM resident ORDER BY last_name"
    ).fetchall()
    store.close()
    assert rows == [
        ("D'Aubigné", 1951, "feminin", "69001", ""),
        ("Nguyễn", 1985, "feminin", "75011", "Parle vietnamien"),
        ("Rossi", 1960, "masculin", "01000", ""),
    ]


def test_an_ods_file_is_refused_with_the_way_out(capsys, db_path, tmp_path):
    path = tmp_path / "liste.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    code, _out, err = _run(capsys, "import-residents", "--db", str(db_path), str(path),
                           "--dry-run")  # fmt: skip
    assert code == 2
    assert "Save the file as XLSX (Excel) or CSV from LibreOffice, then import it again." in err


def test_a_missing_file_is_an_error_not_a_traceback(capsys, db_path, tmp_path):
    code, _out, err = _run(capsys, "import-residents", "--db", str(db_path),
                           str(tmp_path / "nowhere.csv"), "--dry-run")  # fmt: skip
    assert code == 2
    assert err.startswith("Error:") and "nowhere.csv" in err


def test_undo_refused_while_an_imported_resident_is_in_use(capsys, db_path, tmp_path):
    from mediator_app.domain.session import SupportSession

    path = _list(tmp_path, "Nom;Prénom\nPetit;Léa\nCosta;Rui\n")
    code, out, _err = _run(capsys, "import-residents", "--db", str(db_path), str(path), *CONSENT)
    import_id = out.split("undo-import ")[-1].strip()
    store = open_store(db_path)
    store.sessions.create(SupportSession(date="2026-01-12", duration_min=30, themes=("email",),
                                         resident_id=_ids(store)[0]))  # fmt: skip
    store.close()
    code, _out, err = _run(capsys, "undo-import", "--db", str(db_path), import_id)
    assert code == 2
    assert "1 resident it created has been helped" in err
    assert _count(db_path) == 2


def test_a_real_process_reads_a_windows_1252_file():
    """The command as a script runs it: a real process, the fixture file as saved by
    Excel on Windows."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "centre.db"
        result = subprocess.run(
            [sys.executable, str(PROJECT_ROOT / "main.py"), "--lang", "en", "import-residents",
             "--db", str(database), str(DATA / "residents_cp1252_semicolon.csv"), *CONSENT],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "Windows-1252, columns separated by semicolons" in result.stdout
        assert "3 rows: 3 new residents" in result.stdout
        store = open_store(database)
        names = {row[0] for row in store.conn.execute("SELECT last_name FROM resident")}
        store.close()
        assert names == {"D’Aubigné", "Lefèvre", "Cœur"}


def test_an_import_records_the_information_text_in_force_when_consent_was_collected(
    capsys, db_path, tmp_path, monkeypatch
):
    from mediator_app import paths

    texts = tmp_path / "consent"
    texts.mkdir()
    installed = json.loads((paths.consent_texts_dir() / "2026-1.json").read_text("utf-8"))
    (texts / "2026-1.json").write_text(json.dumps(installed), encoding="utf-8")
    newer = {**installed, "version": "2026-2", "effective": "2026-10-01"}
    (texts / "2026-2.json").write_text(json.dumps(newer), encoding="utf-8")
    monkeypatch.setattr(paths, "consent_texts_dir", lambda: texts)
    listing = _list(tmp_path, "Nom;Prénom\nD'Aubigné;Hélène\n")
    code, _out, err = _run(
        capsys, "import-residents", "--db", str(db_path), str(listing),
        "--consent-date", "2026-09-01", "--consent-by", "Nadia Belkacem",
    )  # fmt: skip
    assert code == 0, err
    store = open_store(db_path)
    (version,) = store.conn.execute("SELECT consent_version FROM resident").fetchone()
    store.close()
    assert version == "2026-1"  # not the text in force today, which came after
