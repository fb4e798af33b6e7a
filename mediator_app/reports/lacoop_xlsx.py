"""The activity spreadsheet in La Coop de la médiation numérique's layout (REFERENCE §1).

One sheet, "Activités", with La Coop's 27 export columns in their order and one row per
activity: an individual session (a resident or an anonymous visit) or a workshop session,
which is one row whose "Participants" is the number of people who took part (named
participants present or late, plus the anonymous ones). A French centre hands the file
over as it is, so the headers and every label are La Coop's French texts whatever the
language of the interface.

Labels come from the French catalogue (our message ids are English), except where La Coop
words a value differently from our catalogue: ``_LACOOP_WORDING`` then gives La Coop's
exact text, as its own export writes it.

What the file leaves out on purpose: names and pseudonyms (the records carry none), the
free-text name of an administrative procedure (it may hold personal details: "Nom de la
démarche administrative" lists the administrative themes instead), "Tags" (we have none)
and "ID CRA" (La Coop numbers the activities it receives).

Dates are real dates and the two timestamps real date-times, so the sheet sorts and
filters; the store keeps timestamps in UTC and Excel has no time zones, so "Enregistré le"
and "Dernière modification le" are UTC times written without a zone.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from mediator_app.domain.codes import (
    ADMIN_THEMES,
    AGE_BANDS,
    AUTONOMY_LEVELS,
    DEVICES,
    GENDERS,
    PLACE_TYPES,
    REFERRAL_STRUCTURES,
    SOCIAL_STATUSES,
    THEMES,
    CodeList,
)
from mediator_app.domain.workshop import WORKSHOP_LEVELS
from mediator_app.i18n import translations_for
from mediator_app.reports.activities import COLLECTIVE, Activity

SHEET_NAME = "Activités"

#: La Coop's activity export columns, in its order (REFERENCE §1).
LACOOP_COLUMNS: tuple[str, ...] = (
    "Date",
    "Enregistré le",
    "Dernière modification le",
    "Type",
    "Participants",
    "Canaux d'accompagnement",
    "Nom du lieu",
    "Adresse",
    "Commune",
    "Code postal",
    "Code Insee",
    "Durée (min)",
    "Nom de l'atelier",
    "Matériel numérique utilisé",
    "Thématique(s) d'accompagnement",
    "Tags",
    "Nom de la démarche administrative",
    "Niveau d'autonomie (ou de l'atelier)",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    "Commune du bénéficiaire",
    "Code postal du bénéficiaire",
    "Code Insee du bénéficiaire",
    "Genre du bénéficiaire",
    "Tranche d'âge du bénéficiaire",
    "Statut du bénéficiaire",
    "ID CRA",
)

#: The activity types as La Coop labels them in its export.
ACTIVITY_TYPE_LABELS = {
    "individuel": "Accompagnement individuel",
    "collectif": "Atelier collectif",
}
YES, NO = "Oui", "Non"

#: Several values in one cell (themes, administrative themes).
LIST_SEPARATOR = ", "

#: La Coop's exact wording where it differs from our French catalogue, keyed by
#: ``(code list name, code)``; every other label is the catalogue's French translation.
#: Taken from the label tables of La Coop's source (inclusion-numerique/
#: coop-mediation-numerique: type-lieu, materiel, autonomie, structures-redirection,
#: genre, tranche-age, statut-social), with its typographic apostrophes.
_LACOOP_WORDING: dict[tuple[str, str], str] = {
    ("place_type", "lieu_activite"): "Lieu d’activité",
    ("place_type", "a_distance"): "À distance",
    ("device", "autre"): "Autre",
    ("autonomy", "entierement_accompagne"): "Avec guidage",
    ("autonomy", "partiellement_autonome"): "Autonome avec guidage en cas de besoin",
    ("referral", "administration"): "Administration (mairie, préfecture…)",
    ("referral", "mediation_numerique"): "Autre structure de médiation numérique",
    ("referral", "operateur_ou_organisme_en_charge"): (
        "Opérateur ou organisme en charge de la démarche administrative"
    ),
    ("referral", "aide_sociale"): (
        "Structure d’aide sociale (maison des solidarités, centre social…)"
    ),
    ("referral", "insertion_professionnelle"): (
        "Structure d’insertion professionnelle (France Travail, mission locale, "
        "chambre de commerce…)"
    ),
    ("referral", "aide_aux_demarches_administratives"): (
        "Structure d’aide aux démarches administratives (France Services…)"
    ),
    ("referral", "autre"): "Autre",
    ("gender", "feminin"): "Féminin",
    ("gender", "masculin"): "Masculin",
    ("age_band", "douze_dix_huit"): "12 - 17 ans",
    ("age_band", "dix_huit_vingt_quatre"): "18 - 24 ans",
    ("age_band", "vingt_cinq_trente_neuf"): "25 - 39 ans",
    ("age_band", "quarante_cinquante_neuf"): "40 - 59 ans",
    ("age_band", "soixante_soixante_neuf"): "60 - 69 ans",
    ("social_status", "non_communique"): "Non communiqué ou hétérogène",
}

#: Workshops have no place type of their own: they are held at the centre.
_WORKSHOP_PLACE_TYPE = "lieu_activite"

_DATE_FORMAT = "DD/MM/YYYY"
_DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
_MIN_WIDTH, _MAX_WIDTH = 8, 60
#: Usual widths of free-text columns, in characters.
_FREE_TEXT_WIDTH, _LIST_WIDTH, _COMMUNE_WIDTH = 30, 40, 20


def lacoop_label(code_list: CodeList, code: str | None) -> str:
    """La Coop's French label of ``code``: its own wording where ours differs, else our
    French catalogue's; "" for no code, and the code itself for one the list does not
    know (a value from a newer version, still meaningful to La Coop)."""
    if not code:
        return ""
    wording = _LACOOP_WORDING.get((code_list.name, code))
    if wording is not None:
        return wording
    try:
        message_id = code_list.label(code)
    except KeyError:
        return code
    return translations_for("fr").gettext(message_id)


@dataclass(frozen=True)
class _Centre:
    """Where activities "at the centre" take place: La Coop's "lieu d'activité"."""

    name: str
    address: str
    commune: str
    postcode: str
    insee: str


def write_lacoop_xlsx(
    activities: Iterable[Activity],
    output: Path | BinaryIO,
    *,
    centre_name: str,
    place_address: str = "",
    commune: str = "",
    postcode: str = "",
    insee: str = "",
) -> int:
    """Write ``activities`` as La Coop's activity spreadsheet; returns the rows written
    (one per activity, header excluded).

    The centre's name and address fill the place columns of activities held at the
    centre (every workshop, and sessions whose place type is ``lieu_activite``); La Coop
    has no column for the room. Rows are streamed (openpyxl's write-only mode), so a
    year of a large centre fits in little memory. Given a path, the file is written
    atomically: a failure leaves no file, or the previous one untouched. Given a binary
    stream, the caller owns it and it is left open.
    """
    centre = _Centre(centre_name, place_address, commune, postcode, insee)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_NAME)
    # Write-only: the view and the column widths go before the first row.
    sheet.freeze_panes = "A2"
    for index, width in enumerate(_column_widths(centre), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    try:
        sheet.append([_cell(sheet, title, font=bold) for title in LACOOP_COLUMNS])
        rows = 0
        for activity in activities:
            sheet.append([_cell(sheet, value) for value in _row(activity, centre)])
            rows += 1
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(LACOOP_COLUMNS))}{rows + 1}"
        if isinstance(output, Path):
            _save_atomically(workbook, output)
        else:
            workbook.save(output)
    except BaseException:
        _discard(sheet)
        raise
    return rows


def _row(activity: Activity, centre: _Centre) -> list[Any]:
    """The 27 cells of one activity, in ``LACOOP_COLUMNS`` order."""
    workshop = activity.kind == COLLECTIVE
    place_type = activity.place_type or (_WORKSHOP_PLACE_TYPE if workshop else "")
    at_centre = place_type == "lieu_activite"
    if workshop:
        level = lacoop_label(WORKSHOP_LEVELS, activity.workshop_level)
        profile: list[Any] = [""] * 6
        referred = referral = ""
    else:
        level = lacoop_label(AUTONOMY_LEVELS, activity.autonomy)
        person = activity.participants[0] if activity.participants else None
        profile = (
            [
                person.commune,
                person.postcode,
                "",  # we keep no INSEE code for residents
                lacoop_label(GENDERS, person.gender),
                lacoop_label(AGE_BANDS, person.age_band),
                lacoop_label(SOCIAL_STATUSES, person.social_status),
            ]
            if person is not None
            else [""] * 6
        )
        referred = YES if activity.referred else NO
        referral = lacoop_label(REFERRAL_STRUCTURES, activity.referral_to)
    return [
        _day(activity.date),
        _utc_moment(activity.created_at),
        _utc_moment(activity.updated_at),
        ACTIVITY_TYPE_LABELS.get(activity.kind, activity.kind),
        _people_who_took_part(activity),
        lacoop_label(PLACE_TYPES, place_type),
        centre.name if at_centre else "",
        centre.address if at_centre else "",
        centre.commune if at_centre else "",
        centre.postcode if at_centre else "",
        centre.insee if at_centre else "",
        activity.duration_min,
        activity.workshop_title,
        lacoop_label(DEVICES, activity.device),
        LIST_SEPARATOR.join(lacoop_label(THEMES, code) for code in activity.themes),
        "",  # Tags: we have none
        LIST_SEPARATOR.join(lacoop_label(ADMIN_THEMES, code) for code in activity.admin_themes),
        level,
        referred,
        referral,
        *profile,
        "",  # ID CRA: La Coop numbers the activities it receives
    ]


def _people_who_took_part(activity: Activity) -> int:
    """An individual session counts its one person; a workshop, those present or late
    and its anonymous participants (registered absentees and the waiting list do not)."""
    if activity.kind == COLLECTIVE:
        return sum(person.count for person in activity.participants if person.took_part)
    return sum(person.count for person in activity.participants)


def _cell(sheet: Any, value: Any, *, font: Font | None = None) -> Any:
    """What to append for ``value``: ``None`` for nothing, the value itself for a number,
    a styled cell for a date, a heading, or a text Excel would take for a formula (it
    stays text); control characters XLSX cannot hold are removed."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not value:
            return None
        if font is None and not value.startswith("="):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        if font is not None:
            cell.font = font
        return cell
    if isinstance(value, date):  # a datetime is a date too
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = _DATETIME_FORMAT if isinstance(value, datetime) else _DATE_FORMAT
        return cell
    return value


def _column_widths(centre: _Centre) -> list[float]:
    """Each column's width, known before any row: the longest of its heading and of the
    values it can hold (labels, the centre's place), a usual width for free text."""
    french = {
        code_list.name: [lacoop_label(code_list, code) for code in code_list.codes]
        for code_list in (
            PLACE_TYPES, DEVICES, AUTONOMY_LEVELS, WORKSHOP_LEVELS, REFERRAL_STRUCTURES,
            GENDERS, AGE_BANDS, SOCIAL_STATUSES,
        )
    }  # fmt: skip
    candidates: dict[str, list[str]] = {
        "Date": ["00/00/0000"],
        "Enregistré le": ["00/00/0000 00:00"],
        "Dernière modification le": ["00/00/0000 00:00"],
        "Type": list(ACTIVITY_TYPE_LABELS.values()),
        "Canaux d'accompagnement": french["place_type"],
        "Nom du lieu": [centre.name],
        "Adresse": [centre.address],
        "Commune": [centre.commune],
        "Code postal": [centre.postcode],
        "Code Insee": [centre.insee],
        "Nom de l'atelier": ["x" * _FREE_TEXT_WIDTH],
        "Matériel numérique utilisé": french["device"],
        "Thématique(s) d'accompagnement": ["x" * _LIST_WIDTH],
        "Nom de la démarche administrative": ["x" * _LIST_WIDTH],
        "Niveau d'autonomie (ou de l'atelier)": french["autonomy"] + french["workshop_level"],
        "Structure de redirection": french["referral"],
        "Commune du bénéficiaire": ["x" * _COMMUNE_WIDTH],
        "Genre du bénéficiaire": french["gender"],
        "Tranche d'âge du bénéficiaire": french["age_band"],
        "Statut du bénéficiaire": french["social_status"],
    }
    return [
        min(
            _MAX_WIDTH,
            max(_MIN_WIDTH, *(len(text) for text in [title, *candidates.get(title, [])])) + 2,
        )
        for title in LACOOP_COLUMNS
    ]


def _day(text: str) -> date | str:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


def _utc_moment(text: str) -> datetime | None:
    """A stored ISO timestamp as a UTC date-time without zone, to the second."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _discard(sheet: Any) -> None:
    """Remove the temporary file a write-only sheet streams its rows to, now rather than
    when the process ends (openpyxl removes it itself only once the workbook is saved)."""
    with contextlib.suppress(Exception):
        sheet.close()
    writer = getattr(sheet, "_writer", None)
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.cleanup()


def _save_atomically(workbook: Workbook, path: Path) -> None:
    """Save to a temporary file beside ``path``, flushed to disk, then rename it over
    ``path``; on any failure the temporary file is removed and ``path`` untouched."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            workbook.save(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
