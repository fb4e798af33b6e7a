"""The headless commands, run as a coordinator's script would: a real process, a real file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mediator_app.app import main
from mediator_app.domain.resident import Resident
from mediator_app.i18n import format_date
from mediator_app.store import open_store
from mediator_app.store.driver import sqlite3
from mediator_app.store.schema import SCHEMA_VERSION

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _run(*arguments: str, language: str = "en") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "main.py"), "--lang", language, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_search_prints_id_name_and_year(db_path):
    store = open_store(db_path)
    helene = store.residents.create(
        Resident(first_name="Hélène", last_name="D'Aubigné", birth_year=1951, **CONSENT)
    )
    store.residents.create(Resident(first_name="Karim", last_name="Ben Saïd", **CONSENT))
    store.close()

    result = _run("search", "--db", str(db_path), "daubigne")

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{helene.id}\tHélène D'Aubigné\t1951\n"


def test_search_prints_an_empty_year_when_unknown(db_path, capsys):
    store = open_store(db_path)
    karim = store.residents.create(Resident(first_name="Karim", last_name="Ben Saïd", **CONSENT))
    store.close()
    assert main(["--lang", "en", "search", "--db", str(db_path), "ben said"]) == 0
    assert capsys.readouterr().out == f"{karim.id}\tKarim Ben Saïd\t\n"


def test_search_creates_a_missing_database_with_a_desk(tmp_path, capsys):
    path = tmp_path / "new" / "centre.db"
    assert main(["--lang", "en", "search", "--db", str(path), "anyone"]) == 0
    assert capsys.readouterr().out == ""
    store = open_store(path)
    assert store.desk is not None and not store.desk.configured
    store.close()


def test_demo_data_then_search_finds_residents(tmp_path):
    path = tmp_path / "demo.db"
    made = _run("demo-data", "--db", str(path), "--residents", "60", "--sessions", "300",
                "--seed", "7")  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "60 residents, 300 sessions, 24 anonymous visits, 60 workshop sessions." in made.stdout
    store = open_store(path)
    assert store.residents.count() >= 55  # a few planted duplicates may be merged-looking
    (sessions,) = store.conn.execute("SELECT COUNT(*) FROM support_session").fetchone()
    assert sessions == 300
    last_name = store.residents.page(0, 1)[0].last_name
    store.close()
    found = _run("search", "--db", str(path), last_name[:3])
    assert found.returncode == 0
    assert last_name in found.stdout


def test_demo_data_refuses_a_database_that_holds_residents(db_path, capsys):
    store = open_store(db_path)
    store.residents.create(Resident(first_name="Ana", last_name="Pereira", **CONSENT))
    store.close()
    assert (
        main(
            [
                "--lang",
                "en",
                "demo-data",
                "--db",
                str(db_path),
                "--residents",
                "5",
                "--sessions",
                "5",
            ]
        )
        == 2
    )
    assert "already holds residents" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["0", "-3", "many"])
def test_demo_data_rejects_a_count_that_is_not_positive(db_path, bad):
    result = _run("demo-data", "--db", str(db_path), "--residents", bad)
    assert result.returncode == 2
    assert "positive whole number" in result.stderr
    assert not db_path.exists()


def test_a_file_that_is_not_a_database_is_refused_unchanged(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("shopping list: bread, milk\n" * 200, encoding="utf-8")
    before = path.read_bytes()
    result = _run("search", "--db", str(path), "x")
    assert result.returncode == 2
    assert "not a Passerelle database" in result.stderr
    assert path.read_bytes() == before


def test_a_database_from_a_newer_version_is_refused_unchanged(db_path):
    open_store(db_path).close()
    with sqlite3.connect(db_path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    before = db_path.read_bytes()
    result = _run("search", "--db", str(db_path), "x")
    assert result.returncode == 2
    assert "newer version of Passerelle" in result.stderr
    assert db_path.read_bytes() == before


def test_an_unknown_command_exits_non_zero():
    result = _run("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_messages_are_in_french_by_default(db_path):
    db_path.write_bytes(b"\x00" * 4096)
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "main.py"), "search", "--db", str(db_path), "x"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "n'est pas une base de données Passerelle" in result.stderr


def test_demo_summary_counts_in_french_words_and_numbers(tmp_path, capsys):
    path = tmp_path / "demo.db"
    arguments = ["--lang", "fr", "demo-data", "--db", str(path), "--residents", "30"]
    assert main([*arguments, "--sessions", "1200"]) == 0
    assert "30 résidents, 1\u202f200 accompagnements, 96 passages anonymes, 60 séances" in (
        capsys.readouterr().out
    )


def _workshop_database(path):
    from datetime import date, timedelta

    from mediator_app.domain.workshop import Workshop, WorkshopOccurrence

    store = open_store(path)
    store.configure_desk(name="Accueil", centre_name="Centre social", country="FR", language="fr")
    workshop = store.workshops.create_workshop(
        Workshop(title="Créer sa boîte mail", themes=("email",), facilitators=("Awa Diop",))
    )
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    series = store.workshops.create_series(
        WorkshopOccurrence(
            workshop_id=workshop.id, date=monday.isoformat(), start_time="09:30",
            end_time="11:30", place="Salle multimédia",
        ),
        count=3,
    )  # fmt: skip
    for first, last in (("Hélène", "D'Aubigné"), ("Karim", "Ben Saïd")):
        resident = store.residents.create(Resident(first_name=first, last_name=last, **CONSENT))
        store.workshops.register(series[0].id, resident.id)
    store.close()
    return series


def test_sheet_of_the_next_session_names_its_participants(tmp_path):
    from pypdf import PdfReader

    database = tmp_path / "centre.db"
    series = _workshop_database(database)
    output = tmp_path / "feuille.pdf"
    result = _run("sheet", "--db", str(database), "--next", "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"1 page written to {output}.\n"
    text = PdfReader(output).pages[0].extract_text()
    assert "Créer sa boîte mail" in text and "D'Aubigné" in text and "Ben Saïd" in text
    # The next session is the series' first, dated in the centre's language.
    assert format_date(series[0].day, "full", "fr") in text


def test_sheets_of_a_series_in_another_language(tmp_path):
    from pypdf import PdfReader

    database = tmp_path / "centre.db"
    series = _workshop_database(database)
    output = tmp_path / "serie.pdf"
    result = _run(
        "sheet", "--db", str(database), "--series", series[0].series_id, "-o", str(output),
        "--lang", "en", "--blank-rows", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pages = PdfReader(output).pages
    assert len(pages) == 3
    assert series[0].day.strftime("%B") in pages[0].extract_text()


def test_sheet_of_an_unknown_session_is_refused_and_nothing_written(tmp_path):
    database = tmp_path / "centre.db"
    _workshop_database(database)
    output = tmp_path / "feuille.pdf"
    result = _run("sheet", "--db", str(database), "--occurrence", "nope", "-o", str(output))
    assert result.returncode == 2
    assert "No record has the id nope" in result.stderr
    assert not output.exists()


def test_sheet_with_an_unreadable_logo_is_refused(tmp_path):
    database = tmp_path / "centre.db"
    _workshop_database(database)
    logo = tmp_path / "logo.png"
    logo.write_text("not an image", encoding="utf-8")
    output = tmp_path / "feuille.pdf"
    result = _run("sheet", "--db", str(database), "--next", "-o", str(output), "--logo", str(logo))
    assert result.returncode == 2
    assert "logo.png" in result.stderr
    assert not output.exists()


def test_sheet_without_any_session_says_so(tmp_path):
    result = _run("sheet", "--db", str(tmp_path / "empty.db"), "--next", "-o", "x.pdf")
    assert result.returncode == 2
    assert "no workshop session to print" in result.stderr


def test_db_before_the_command_is_used(tmp_path):
    path = tmp_path / "centre.db"
    store = open_store(path)
    store.residents.create(Resident(first_name="Ana", last_name="Pereira", **CONSENT))
    store.close()
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "main.py"), "--lang", "en", "--db", str(path),
         "search", "pereira"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Ana Pereira" in result.stdout


def test_a_folder_as_database_is_refused_without_a_traceback(tmp_path):
    result = _run("search", "--db", str(tmp_path), "x")
    assert result.returncode == 2
    assert "cannot be opened or created" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_data_needs_a_named_database():
    result = _run("demo-data", "--residents", "5")
    assert result.returncode == 2
    assert "--db" in result.stderr


def test_passport_of_a_resident_in_their_language(tmp_path):
    from pypdf import PdfReader

    from mediator_app.domain.skills import SkillAssessment

    database = tmp_path / "centre.db"
    store = open_store(database)
    store.configure_desk(name="Accueil", centre_name="Centre social", country="FR", language="fr")
    helene = store.residents.create(
        Resident(first_name="Hélène", last_name="D'Aubigné", language="en", **CONSENT)
    )
    framework = store.skills.current_framework()
    store.skills.record_assessment(
        SkillAssessment(helene.id, framework.name, framework.version, "2026-03-01",
                        {"messages.write_send_email": "autonomous",
                         "device.connect_wifi": "with_help"}),
    )  # fmt: skip
    store.close()
    output = tmp_path / "passport.pdf"
    result = _run("passport", "--db", str(database), "--resident", helene.id, "-o", str(output))
    assert result.returncode == 0, result.stderr
    text = PdfReader(output).pages[0].extract_text()
    assert "Hélène" in text and "Aubigné" not in text
    assert "My digital passport" in text  # the resident's language, not the centre's


def test_passport_of_an_unknown_resident_is_refused(tmp_path):
    output = tmp_path / "passport.pdf"
    result = _run("passport", "--db", str(tmp_path / "c.db"), "--resident", "nobody",
                  "-o", str(output))  # fmt: skip
    assert result.returncode == 2
    assert "No record has the id nobody" in result.stderr
    assert not output.exists()
