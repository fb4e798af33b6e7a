"""The Italian monitoring CSV, read back with csv: its headers, Italian age bands on their
boundaries, durations as hh:mm, a group session as one row with its participant count,
the mapping tables applied, and a file that is either whole or absent."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from mediator_app.domain import codes
from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.domain.workshop import AnonymousCount, Workshop, WorkshopOccurrence
from mediator_app.reports.activities import (
    COLLECTIVE,
    INDIVIDUAL,
    Activity,
    Participant,
    activities_between,
)
from mediator_app.reports.italy_csv import (
    DIGCOMP_COMPETENCES,
    PUBLIC_SERVICE_DOMAINS,
    THEME_COMPETENCES,
    italian_age_band,
    write_italy_csv,
)
from mediator_app.store.mediators import add_mediator

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
TODAY = date(2026, 11, 29)
HEADERS = [
    "Facilitatore", "Sede", "Genere", "Fascia d'età", "Titolo di studio",
    "Condizione occupazionale", "Cittadinanza", "Provincia", "Data", "Durata",
    "Tipo di servizio", "Partecipanti", "Area DigComp", "Competenze",
    "Ambito del servizio pubblico",
]  # fmt: skip
PROFILE = ["Genere", "Fascia d'età", "Condizione occupazionale"]
SITE = {"site": "Punto Digitale Facile Centro", "province": "TO"}

#: Age in the activity's year → the Italian band.
BOUNDARIES = {
    13: "Non indicata", 14: "14–17", 17: "14–17", 18: "18–29", 29: "18–29",
    30: "30–54", 54: "30–54", 55: "55–74", 74: "55–74", 75: "75+",
}  # fmt: skip


def _read(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == HEADERS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _codes(cell: str) -> str:
    """The competence codes of a "Competenze" cell: "2.1 Interagire... | 2.2 ..." → "2.1, 2.2"."""
    return ", ".join(item.split(" ", 1)[0] for item in cell.split(" | ")) if cell else ""


def _write(activities, tmp_path: Path, **options) -> tuple[int, list[dict[str, str]]]:
    path = tmp_path / "monitoraggio.csv"
    written = write_italy_csv(activities, path, **{**SITE, **options})
    return written, _read(path.read_bytes())


@pytest.fixture
def centre(store):
    """Residents aged 13 to 75 in 2026, each helped once in November; a workshop with
    two present, one absent and two anonymous participants."""
    mediator_id = add_mediator(store, "Giulia Bianchi").id
    people = {}
    for age in BOUNDARIES:
        people[age] = store.residents.create(
            Resident(first_name=f"Persona{age}", last_name="Rossi", birth_year=2026 - age,
                     gender="feminin" if age % 2 else "masculin",
                     social_status="retraite" if age >= 55 else "en_emploi", **CONSENT),
            today=TODAY,
        )  # fmt: skip
    for day, age in enumerate(BOUNDARIES, start=2):
        store.sessions.create(
            SupportSession(date=f"2026-11-{day:02d}", duration_min=15 * day, themes=("email",),
                           resident_id=people[age].id, mediator_id=mediator_id),
            today=TODAY,
        )  # fmt: skip
    workshop = store.workshops.create_workshop(
        Workshop(title="SPID", themes=("aide_aux_demarches_administratives",), capacity=8)
    )
    occurrence = store.workshops.create_occurrence(
        WorkshopOccurrence(workshop_id=workshop.id, date="2026-11-20", start_time="09:30",
                           end_time="11:45", place="Sala 1"),
    )  # fmt: skip
    for age, attendance in ((30, "present"), (55, "late"), (75, "absent")):
        store.workshops.register(occurrence.id, people[age].id)
        store.workshops.set_attendance(occurrence.id, people[age].id, attendance)
    store.workshops.set_anonymous_participants(occurrence.id, (AnonymousCount(2),))
    return store, mediator_id


def test_a_real_store_gives_one_row_per_service(centre, tmp_path):
    store, mediator_id = centre
    names = {mediator_id: "Giulia Bianchi", None: "Equipe del punto"}
    written, rows = _write(
        activities_between(store, date(2026, 11, 1), date(2026, 11, 30)), tmp_path,
        facilitator_of=names.get,
    )  # fmt: skip
    assert written == len(rows) == len(BOUNDARIES) + 1
    individual, [group] = rows[:-1], rows[-1:]
    assert [row["Fascia d'età"] for row in individual] == list(BOUNDARIES.values())
    assert {row["Tipo di servizio"] for row in individual} == {"Facilitazione individuale"}
    assert {row["Facilitatore"] for row in individual} == {"Giulia Bianchi"}
    assert {(row["Sede"], row["Provincia"]) for row in rows} == {
        ("Punto Digitale Facile Centro", "TO")
    }
    assert [row["Genere"] for row in individual[:3]] == ["F", "M", "F"]  # 13, 14, 17
    assert individual[0]["Condizione occupazionale"] == "Occupato dipendente"
    assert individual[-1]["Condizione occupazionale"] == "Pensionato"
    assert individual[0]["Data"] == "02/11/2026"
    assert individual[0]["Durata"] == "00:30"
    assert individual[-1]["Durata"] == "02:45"  # 11 × 15 minutes
    assert {row["Partecipanti"] for row in individual} == {"1"}
    assert {_codes(row["Competenze"]) for row in individual} == {"2.1, 2.2"}
    assert {row["Area DigComp"] for row in individual} == {"2. Comunicazione e collaborazione"}
    # Not collected: empty, never guessed.
    assert {row["Titolo di studio"] for row in rows} == {""}
    assert {row["Cittadinanza"] for row in rows} == {""}
    # The workshop: two present (one late) and two anonymous; the absent one not counted.
    assert group["Tipo di servizio"] == "Facilitazione di gruppo"
    assert group["Partecipanti"] == "4"
    assert [group[column] for column in PROFILE] == ["", "", ""]
    assert group["Facilitatore"] == "Equipe del punto"
    assert (group["Data"], group["Durata"]) == ("20/11/2026", "02:15")
    assert group["Competenze"] == (
        "2.3 Esercitare la cittadinanza attraverso le tecnologie digitali"
        " | 2.6 Gestire l'identità digitale"
    )
    assert not any("Rossi" in value or "Persona" in value for row in rows for value in row.values())


def _session(**extra) -> Activity:
    values = {
        "id": "s1", "kind": INDIVIDUAL, "date": "2026-03-09", "duration_min": 60,
        "themes": ("email",), "mediator_id": "m1",
        "participants": (Participant(key="k1", birth_year=1980),),
    }  # fmt: skip
    values.update(extra)
    return Activity(**values)


@pytest.mark.parametrize(("age", "band"), BOUNDARIES.items())
def test_age_bands_on_their_boundaries(age, band):
    assert italian_age_band(2026 - age, 2026) == band


def test_age_bands_by_hand_and_without_a_year_of_birth(tmp_path):
    activities = [
        _session(date="2026-01-01", participants=(Participant(key="a", birth_year=2026 - age),))
        for age in BOUNDARIES
    ]
    # Without a year, only La Coop's bands that fit in one Italian band give one.
    activities += [
        _session(participants=(Participant(key="", age_band=band),))
        for band in (
            "dix_huit_vingt_quatre", "soixante_soixante_neuf", "vingt_cinq_trente_neuf",
            "soixante_dix_plus", "moins_de_douze", "non_communique",
        )
    ]  # fmt: skip
    _written, rows = _write(activities, tmp_path)
    assert [row["Fascia d'età"] for row in rows] == [
        *BOUNDARIES.values(),
        "18–29", "55–74", "Non indicata", "Non indicata", "Non indicata", "Non indicata",
    ]  # fmt: skip


def test_durations_are_hours_and_minutes(tmp_path):
    minutes = (15, 45, 60, 90, 125, 600)
    _written, rows = _write([_session(duration_min=value) for value in minutes], tmp_path)
    assert [row["Durata"] for row in rows] == ["00:15", "00:45", "01:00", "01:30", "02:05", "10:00"]


def test_the_mapping_tables_are_applied(tmp_path):
    activities = [
        _session(
            themes=("securite_numerique", "email", "aide_aux_demarches_administratives"),
            admin_themes=("papiers_elections_citoyennete", "social_sante", "argent_impots"),
            participants=(Participant(key="", gender="feminin", social_status="scolarise"),),
        ),
        _session(
            themes=("transports_mobilite_is_no_theme", "diagnostic_numerique"),
            participants=(Participant(key="x", gender="masculin", social_status="sans_emploi"),),
        ),
        _session(
            themes=("creer_avec_le_numerique",),
            admin_themes=("transports_mobilite", "famille_scolarite"),
            participants=(Participant(key="y", social_status="non_communique"),),
        ),
        _session(admin_themes=("travail_formation", "logement")),
    ]
    _written, rows = _write(activities, tmp_path)
    first, second, third, fourth = rows
    assert _codes(first["Competenze"]) == "2.1, 2.2, 2.3, 2.6, 4.1, 4.2"
    assert first["Area DigComp"] == "2. Comunicazione e collaborazione | 4. Sicurezza"
    assert first["Ambito del servizio pubblico"] == (
        "Identità digitale (SPID/CIE) | Sanità / Fascicolo sanitario | Fisco"
    )
    assert (first["Genere"], first["Condizione occupazionale"]) == ("F", "Studente")
    assert (second["Genere"], second["Condizione occupazionale"]) == ("M", "Non occupato")
    # Never a bare "5.4": Excel would read it as the 5th of April.
    assert second["Competenze"] == "5.4 Individuare i divari di competenze digitali"
    assert second["Area DigComp"] == "5. Risolvere problemi"
    assert second["Ambito del servizio pubblico"] == ""
    assert third["Genere"] == "Preferisco non rispondere"
    assert third["Condizione occupazionale"] == ""
    assert _codes(third["Competenze"]) == "3.1, 3.2, 3.4"
    assert third["Ambito del servizio pubblico"] == "Trasporti | Istruzione"
    assert fourth["Ambito del servizio pubblico"] == "Lavoro | Welfare"


def test_every_code_has_a_mapping():
    assert set(THEME_COMPETENCES) == set(codes.THEMES.codes)
    assert set(PUBLIC_SERVICE_DOMAINS) == set(codes.ADMIN_THEMES.codes)
    used = {code for competences in THEME_COMPETENCES.values() for code in competences}
    assert used <= set(DIGCOMP_COMPETENCES)
    assert len(DIGCOMP_COMPETENCES) == 21


def test_a_group_with_one_participant_carries_their_profile(tmp_path):
    one = Activity(
        id="w1", kind=COLLECTIVE, date="2026-05-04", duration_min=90, themes=("email",),
        participants=(
            Participant(key="a", gender="feminin", birth_year=1950, social_status="retraite",
                        attendance="present"),
            Participant(key="b", attendance="absent"),
        ),
    )  # fmt: skip
    nobody = Activity(id="w2", kind=COLLECTIVE, date="2026-05-11", duration_min=90)
    _written, (row, empty) = _write([one, nobody], tmp_path)
    assert row["Partecipanti"] == "1"
    assert [row[column] for column in PROFILE] == ["F", "75+", "Pensionato"]
    assert empty["Partecipanti"] == "0"
    assert [empty[column] for column in PROFILE] == ["", "", ""]


def test_free_text_never_becomes_a_formula(tmp_path):
    _written, [row] = _write(
        [_session()], tmp_path, facilitator_of=lambda _id: '=HYPERLINK("x")', site="+Sede"
    )
    assert (row["Facilitatore"], row["Sede"]) == ('\'=HYPERLINK("x")', "'+Sede")


def test_a_stream_is_written_and_left_open():
    stream = io.BytesIO()
    assert write_italy_csv([_session(), _session(id="s2")], stream, **SITE) == 2
    assert not stream.closed
    data = stream.getvalue()
    assert b"\r\n" in data and data.count(b"\r\n") == 3
    assert len(_read(data)) == 2


def test_writing_leaves_no_temporary_file(tmp_path):
    write_italy_csv([_session()], tmp_path / "monitoraggio.csv", **SITE)
    assert [path.name for path in tmp_path.iterdir()] == ["monitoraggio.csv"]


def test_a_failure_mid_write_leaves_no_file_and_keeps_the_previous_one(tmp_path):
    def activities(count):
        for index in range(count):
            yield _session(id=f"s{index}")
        raise RuntimeError("the database went away")

    target = tmp_path / "monitoraggio.csv"
    with pytest.raises(RuntimeError):
        write_italy_csv(activities(500), target, **SITE)
    assert list(tmp_path.iterdir()) == []

    write_italy_csv([_session()], target, **SITE)
    before = target.read_bytes()
    with pytest.raises(RuntimeError):
        write_italy_csv(activities(500), target, **SITE)
    assert [path.name for path in tmp_path.iterdir()] == ["monitoraggio.csv"]
    assert target.read_bytes() == before
