"""La Coop's activity spreadsheet, read back with openpyxl: its 27 columns in order, one
row per activity, La Coop's French labels whatever the interface language, real dates,
no resident's name, and a file that is either whole or absent."""

from __future__ import annotations

import io
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from mediator_app.domain import codes
from mediator_app.domain.workshop import (
    WORKSHOP_LEVELS,
)
from mediator_app.i18n import set_language, translations_for
from mediator_app.reports.activities import (
    COLLECTIVE,
    INDIVIDUAL,
    Activity,
    Participant,
    activities_between,
    pseudonym,
    pseudonym_key,
)
from mediator_app.reports.lacoop_xlsx import lacoop_label, write_lacoop_xlsx

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
TODAY = date(2026, 11, 29)
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
CENTRE = {
    "centre_name": "Espace numérique de Grans",
    "place_address": "2 place Jean Jaurès",
    "commune": "Grans",
    "postcode": "13450",
    "insee": "13044",
}

#: Written out here, not imported: the file must match La Coop's layout (REFERENCE §1).
LACOOP_HEADERS = [
    "Date", "Enregistré le", "Dernière modification le", "Type", "Participants",
    "Canaux d'accompagnement", "Nom du lieu", "Adresse", "Commune", "Code postal",
    "Code Insee", "Durée (min)", "Nom de l'atelier", "Matériel numérique utilisé",
    "Thématique(s) d'accompagnement", "Tags", "Nom de la démarche administrative",
    "Niveau d'autonomie (ou de l'atelier)", "Bénéficiaire réorienté",
    "Structure de redirection", "Commune du bénéficiaire", "Code postal du bénéficiaire",
    "Code Insee du bénéficiaire", "Genre du bénéficiaire", "Tranche d'âge du bénéficiaire",
    "Statut du bénéficiaire", "ID CRA",
]  # fmt: skip
BENEFICIARY_COLUMNS = LACOOP_HEADERS[20:26]


def _read(path_or_stream) -> tuple[openpyxl.Workbook, list[dict[str, object]]]:
    book = openpyxl.load_workbook(path_or_stream)
    sheet = book["Activités"]
    rows = list(sheet.iter_rows(values_only=True))
    return book, [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def centre(activity_centre):
    return activity_centre


@pytest.fixture
def exported(centre, tmp_path):
    """November's activities written while the interface speaks English."""
    store, helene, karim = centre
    set_language("en")
    path = tmp_path / "activites.xlsx"
    written = write_lacoop_xlsx(activities_between(store, *NOVEMBER), path, **CENTRE)
    return path, written, store, helene, karim


def test_the_sheet_has_la_coops_columns_in_order_and_one_row_per_activity(exported):
    path, written, *_ = exported
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Activités"]
    sheet = book["Activités"]
    header = [cell.value for cell in sheet[1]]
    assert header == LACOOP_HEADERS
    assert len(header) == 27
    # Hélène, the anonymous visit, Karim and the workshop: the cancelled session is not
    # an activity, and the erased resident's session went with them.
    assert written == sheet.max_row - 1
    _book, rows = _read(path)
    assert [row["Type"] for row in rows] == [
        "Accompagnement individuel",
        "Accompagnement individuel",
        "Accompagnement individuel",
        "Atelier collectif",
    ]
    assert [row["Date"].date() for row in rows] == [
        date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 10),
    ]  # fmt: skip


def test_a_workshop_is_one_row_with_its_participants_and_no_beneficiary(exported):
    path, *_ = exported
    _book, rows = _read(path)
    [workshop] = [row for row in rows if row["Type"] == "Atelier collectif"]
    # Hélène present and three anonymous participants; Karim was absent.
    assert workshop["Participants"] == 4
    assert workshop["Nom de l'atelier"] == "Tablette"
    assert workshop["Durée (min)"] == 90
    assert workshop["Thématique(s) d'accompagnement"] == "Prendre en main du matériel"
    assert workshop["Niveau d'autonomie (ou de l'atelier)"] == "Débutant"
    assert workshop["Canaux d'accompagnement"] == "Lieu d’activité"
    assert workshop["Nom du lieu"] == CENTRE["centre_name"]
    assert workshop["Code Insee"] == CENTRE["insee"]
    assert [workshop[column] for column in BENEFICIARY_COLUMNS] == [None] * 6
    assert workshop["Bénéficiaire réorienté"] is None
    assert workshop["Matériel numérique utilisé"] is None


def test_individual_rows_carry_the_profile_in_la_coops_french(exported):
    path, *_ = exported
    _book, rows = _read(path)
    helene, anonymous, karim = rows[:3]
    assert helene["Participants"] == 1
    assert helene["Canaux d'accompagnement"] == "Lieu d’activité"
    assert (helene["Nom du lieu"], helene["Adresse"], helene["Commune"]) == (
        CENTRE["centre_name"], CENTRE["place_address"], "Grans",
    )  # fmt: skip
    assert helene["Code postal"] == "13450"  # text, so that 01000 keeps its zero
    assert helene["Matériel numérique utilisé"] == "Ordinateur"
    assert helene["Thématique(s) d'accompagnement"] == "E-mail"
    assert helene["Bénéficiaire réorienté"] == "Oui"
    assert helene["Structure de redirection"] == "Administration (mairie, préfecture…)"
    assert [helene[column] for column in BENEFICIARY_COLUMNS] == [
        "Grans", "13450", None, "Féminin", "70 ans et plus", "Retraité",
    ]  # fmt: skip
    # The anonymous visit: its profile only.
    assert [anonymous[column] for column in BENEFICIARY_COLUMNS] == [
        None, None, None, "Masculin", "70 ans et plus", "Non communiqué ou hétérogène",
    ]  # fmt: skip
    assert anonymous["Bénéficiaire réorienté"] == "Non"
    assert karim["Tranche d'âge du bénéficiaire"] == "25 - 39 ans"
    assert karim["Genre du bénéficiaire"] == "Non communiqué"
    for row in rows:
        assert row["Tags"] is None
        assert row["ID CRA"] is None


def test_dates_are_real_dates_and_timestamps_real_date_times(exported):
    path, *_ = exported
    sheet = openpyxl.load_workbook(path)["Activités"]
    day, created, updated = (sheet.cell(row=2, column=column) for column in (1, 2, 3))
    assert day.is_date and day.value == datetime(2026, 11, 2)
    assert day.number_format == "DD/MM/YYYY"
    for moment in (created, updated):
        assert moment.is_date and isinstance(moment.value, datetime)
        assert moment.value.tzinfo is None  # UTC, written without a zone
        assert moment.number_format == "DD/MM/YYYY HH:MM"
        now = datetime.now(UTC).replace(tzinfo=None)
        assert abs((moment.value - now).total_seconds()) < 3600
    duration = sheet.cell(row=2, column=12)
    assert duration.data_type == "n" and duration.value == 30


def test_the_sheet_is_ready_to_filter(exported):
    path, written, *_ = exported
    sheet = openpyxl.load_workbook(path)["Activités"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:AA{written + 1}"
    assert all(cell.font.bold for cell in sheet[1])
    widths = [sheet.column_dimensions[letter].width for letter in ("A", "F", "O", "T")]
    assert all(8 <= width <= 60 for width in widths)
    # The referral structure is long: its column is wider than the date's.
    assert sheet.column_dimensions["T"].width > sheet.column_dimensions["A"].width


def test_no_resident_is_named_anywhere_in_the_workbook(exported):
    path, _written, store, helene, karim = exported
    key = pseudonym_key(store)
    secrets = [
        "Hélène", "Helene", "Petit", "Karim", "Amrani", "Zoé", "1950", "2001",
        helene.id, karim.id, pseudonym(key, helene.id), pseudonym(key, karim.id),
    ]  # fmt: skip
    book = openpyxl.load_workbook(path)
    cells = [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    assert cells
    for secret in secrets:
        assert not [text for text in cells if secret in text], secret


def _by_hand(**extra) -> Activity:
    values = {
        "id": "s1",
        "kind": INDIVIDUAL,
        "date": "2026-06-15",
        "duration_min": 45,
        "themes": ("email", "aide_aux_demarches_administratives"),
        "admin_themes": ("social_sante", "argent_impots"),
        "place_type": "a_distance",
        "device": "telephone",
        "autonomy": "partiellement_autonome",
        "participants": (
            Participant(key="k1", gender="feminin", age_band="douze_dix_huit",
                        social_status="scolarise", commune="Istres", postcode="13800"),
        ),
        "created_at": "2026-06-15T08:30:05.123+00:00",
        "updated_at": "2026-06-16T22:15:00.000+02:00",
    }  # fmt: skip
    values.update(extra)
    return Activity(**values)


def test_activities_made_by_hand_and_labels_french_whatever_the_language(tmp_path):
    set_language("en")
    stream = io.BytesIO()
    workshop = Activity(
        id="w1", kind=COLLECTIVE, date="2026-06-20", duration_min=120,
        themes=("securite_numerique",), workshop_title="=HYPERLINK(\"x\")",
        workshop_level="avance",
        participants=(
            Participant(key="a", attendance="present"),
            Participant(key="b", attendance="late", walk_in=True),
            Participant(key="c", attendance="excused"),
            Participant(key="d", attendance=None, registered=False),
            Participant(key="", attendance="present", count=2),
        ),
    )  # fmt: skip
    assert write_lacoop_xlsx([_by_hand(), workshop], stream, centre_name="Centre") == 2
    assert not stream.closed
    stream.seek(0)
    _book, (session, group) = _read(stream)
    assert session["Canaux d'accompagnement"] == "À distance"
    # Away from the centre: the centre's name and address do not describe the place.
    assert (session["Nom du lieu"], session["Commune"]) == (None, None)
    assert session["Matériel numérique utilisé"] == "Téléphone"
    assert session["Thématique(s) d'accompagnement"] == (
        "E-mail, Aide aux démarches administratives"
    )
    assert session["Nom de la démarche administrative"] == "Social - Santé, Argent - Impôts"
    assert session["Niveau d'autonomie (ou de l'atelier)"] == (
        "Autonome avec guidage en cas de besoin"
    )
    assert session["Tranche d'âge du bénéficiaire"] == "12 - 17 ans"
    assert session["Statut du bénéficiaire"] == "Scolarisé"
    assert session["Enregistré le"] == datetime(2026, 6, 15, 8, 30, 5)
    assert session["Dernière modification le"] == datetime(2026, 6, 16, 20, 15)
    # Present, late (a walk-in) and two anonymous: the excused and the waiting list not.
    assert group["Participants"] == 4
    assert group["Nom de l'atelier"] == '=HYPERLINK("x")'  # text, never a formula
    assert group["Niveau d'autonomie (ou de l'atelier)"] == "Avancé"
    assert group["Thématique(s) d'accompagnement"] == "Prévention en sécurité numérique"


def test_the_same_file_whatever_the_interface_language(tmp_path):
    rows = {}
    for language in ("en", "fr"):
        set_language(language)
        path = tmp_path / f"{language}.xlsx"
        write_lacoop_xlsx([_by_hand()], path, centre_name="Centre")
        rows[language] = _read(path)[1]
    assert rows["en"] == rows["fr"]


#: Labels that are the same words in English and French.
_SAME_IN_BOTH = {"E-mail", "Justice", "Associations", "France Services"}


@pytest.mark.parametrize(
    "code_list",
    [
        codes.THEMES, codes.ADMIN_THEMES, codes.PLACE_TYPES, codes.DEVICES,
        codes.AUTONOMY_LEVELS, codes.REFERRAL_STRUCTURES, codes.GENDERS,
        codes.SOCIAL_STATUSES, codes.AGE_BANDS, WORKSHOP_LEVELS,
    ],
    ids=lambda code_list: code_list.name,
)  # fmt: skip
def test_every_code_has_a_french_label(code_list):
    """The French catalogue translates every label the sheet uses, or La Coop's own
    wording replaces it: no English message id reaches the file."""
    french = translations_for("fr")
    for code, message_id in code_list:
        label = lacoop_label(code_list, code)
        assert label, code
        if message_id not in _SAME_IN_BOTH:
            assert label != message_id, f"{code_list.name}.{code} is not translated"
        assert french.gettext(message_id) != message_id or message_id in _SAME_IN_BOTH


def test_the_themes_are_la_coops_words():
    """REFERENCE §1 gives La Coop's theme labels: the catalogue's French must match."""
    assert lacoop_label(codes.THEMES, "entrepreneuriat") == "Accompagner un professionnel"
    assert lacoop_label(codes.THEMES, "securite_numerique") == "Prévention en sécurité numérique"
    assert lacoop_label(codes.ADMIN_THEMES, "travail_formation") == (
        "Travail - Formation - Entreprise"
    )
    assert lacoop_label(codes.THEMES, "a_code_from_a_newer_version") == (
        "a_code_from_a_newer_version"
    )


def test_writing_leaves_no_temporary_file(tmp_path, system_temp):
    target = tmp_path / "activites.xlsx"
    write_lacoop_xlsx([_by_hand()], target, centre_name="Centre")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["activites.xlsx", "system-temp"]
    assert list(system_temp.iterdir()) == []


@pytest.fixture
def system_temp(tmp_path, monkeypatch) -> Path:
    """The system's temporary folder, where openpyxl streams the rows of a sheet."""
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_failure_while_reading_the_activities_leaves_no_file(tmp_path, system_temp):
    def activities():
        yield _by_hand()
        raise RuntimeError("the database went away")

    target = tmp_path / "activites.xlsx"
    with pytest.raises(RuntimeError):
        write_lacoop_xlsx(activities(), target, centre_name="Centre")
    assert [path.name for path in tmp_path.iterdir()] == ["system-temp"]
    assert list(system_temp.iterdir()) == []


def test_a_failure_while_saving_leaves_no_file_and_keeps_the_previous_one(
    tmp_path: Path, system_temp, monkeypatch
):
    tmp_path = tmp_path / "exports"
    tmp_path.mkdir()
    target = tmp_path / "activites.xlsx"
    write_lacoop_xlsx([_by_hand()], target, centre_name="Centre")
    before = target.read_bytes()

    def broken_save(self, stream):
        stream.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        write_lacoop_xlsx([_by_hand(), _by_hand(id="s2")], target, centre_name="Centre")
    assert [path.name for path in tmp_path.iterdir()] == ["activites.xlsx"]
    assert target.read_bytes() == before
    other = tmp_path / "other.xlsx"
    with pytest.raises(OSError):
        write_lacoop_xlsx([_by_hand()], other, centre_name="Centre")
    assert not other.exists()
    assert [path.name for path in tmp_path.iterdir()] == ["activites.xlsx"]
    assert list(system_temp.iterdir()) == []
