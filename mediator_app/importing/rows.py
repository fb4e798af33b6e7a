"""One row becomes a ``Resident`` candidate, or the reasons it cannot be one.

Values are read as mediators write them: a year as a number or text; a date of birth as
31/12/1960, 1960-12-31 or 31.12.1960, as a spreadsheet date or as its serial number,
and then reduced to its year (only the year is kept); a gender as F, Femme, Mujer,
Donna, Mulher...; a postcode whose leading zero a spreadsheet dropped gets it back.
Reasons are ``Problem``s by field, like ``Resident.problems``, in plain words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from mediator_app.domain.codes import GENDERS, SOCIAL_STATUSES
from mediator_app.domain.markers import N_
from mediator_app.domain.resident import Resident
from mediator_app.domain.text import fold
from mediator_app.domain.validation import Problem
from mediator_app.importing.mapping import JOINED_FIELDS
from mediator_app.importing.reading import CellValue, SheetRow

#: Day 0 of spreadsheet date serials (Excel's 1900 system, as LibreOffice reads it too).
SERIAL_EPOCH = date(1899, 12, 30)
#: Numbers from here on in a date-of-birth column are date serials, not years.
_FIRST_SERIAL = 10_000
_LAST_SERIAL = 2_958_465  # 9999-12-31
#: Countries whose postcodes have five digits, leading zero included.
_FIVE_DIGIT_POSTCODES = frozenset({"FR", "ES", "IT"})

_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
#: A time of day that may follow a date written by a program: it is ignored.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?\S*)?"
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})" + _TIME + "$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})" + _TIME + "$")
_SHORT_YEAR = re.compile(r"^(?:\d{1,2}[/.\-]\d{1,2}[/.\-])?\d{2}$")
_SERIAL = re.compile(r"^(\d{5,7})(?:[.,]\d+)?$")
_WORDS = re.compile(r"[^0-9a-z]+")

_GENDERS = {
    "feminin": (
        "f", "fem", "femme", "feminin", "feminine", "female", "woman", "w", "mme",
        "madame", "mlle", "mademoiselle", "fille", "mujer", "femenino", "femenina",
        "sra", "senora", "donna", "femmina", "femminile", "sig ra", "signora", "mulher",
        "feminino", "senhora",
    ),
    "masculin": (
        "m", "h", "masc", "homme", "masculin", "male", "man", "mr", "monsieur",
        "garcon", "hombre", "masculino", "varon", "sr", "senor", "uomo", "maschio",
        "maschile", "sig", "signore", "homem", "senhor",
    ),
    "non_communique": (
        "nc", "n c", "non communique", "non renseigne", "inconnu", "autre", "non binaire",
        "ne se prononce pas", "not given", "unknown", "other", "non binary",
        "prefer not to say", "x", "otro", "no binario", "desconocido", "altro",
        "non binario", "sconosciuto", "outro", "nao binario", "desconhecido",
    ),
}  # fmt: skip
_STATUSES = {
    "scolarise": (
        "scolarise", "scolarisee", "eleve", "etudiant", "etudiante", "student", "pupil",
        "in education", "estudiante", "alumno", "alumna", "studente", "studentessa",
        "estudante", "aluno", "aluna",
    ),
    "sans_emploi": (
        "sans emploi", "chomeur", "chomeuse", "demandeur emploi", "demandeuse emploi",
        "chomage", "unemployed", "not in work", "jobseeker", "job seeker", "desempleado",
        "desempleada", "parado", "parada", "disoccupato", "disoccupata", "inoccupato",
        "desempregado", "desempregada",
    ),
    "en_emploi": (
        "en emploi", "salarie", "salariee", "actif", "active", "employe", "employee",
        "employed", "in work", "working", "empleado", "empleada", "ocupado", "occupato",
        "occupata", "lavoratore", "lavoratrice", "empregado", "empregada",
    ),
    "retraite": (
        "retraite", "retraitee", "retired", "pensioner", "jubilado", "jubilada",
        "pensionista", "pensionato", "pensionata", "reformado", "reformada",
        "aposentado", "aposentada",
    ),
    "non_communique": ("nc", "non communique", "non renseigne", "not given", "unknown"),
}  # fmt: skip


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_key(word): code for code, words in table.items() for word in words}


def _key(text: str) -> str:
    return " ".join(word for word in _WORDS.split(fold(text)) if word)


def _with_our_labels(words: dict[str, str], code_list) -> dict[str, str]:
    """Our own labels of the codes, in every language, are understood too: a list a
    desk wrote (in Spanish, say) imports back on any desk."""
    from mediator_app.i18n import PARTNER_LANGUAGES, translations_for

    for language in PARTNER_LANGUAGES:
        gettext = translations_for(language).gettext
        for code, label in code_list:
            words.setdefault(_key(gettext(label)), code)
    return words


_GENDER_BY_WORD = _with_our_labels(_lookup(_GENDERS), GENDERS)
_STATUS_BY_WORD = _with_our_labels(_lookup(_STATUSES), SOCIAL_STATUSES)
_STATUS_BY_WORD.update({_key(word): word for word in _STATUSES})  # the codes themselves
#: Where a single letter means something else: in Spain, H is hombre and M is mujer.
_GENDER_LETTERS_BY_COUNTRY = {"ES": {"h": "masculin", "m": "feminin"}}


@dataclass(frozen=True)
class RowCandidate:
    """What one row would become: a resident (without consent yet), the problems that
    stop it, by field, and whether a full date of birth was reduced to its year."""

    number: int
    resident: Resident
    problems: Mapping[str, Problem] = field(default_factory=dict)
    birth_date_reduced: bool = False

    @property
    def valid(self) -> bool:
        return not self.problems


def candidate_from_row(
    row: SheetRow, mapping: Mapping[int, str], *, today: date, country: str = ""
) -> RowCandidate:
    """The resident a row describes under ``mapping``, checked as ``Resident.problems``
    checks a record typed at the desk (consent aside: the import records it for all)."""
    values: dict[str, list[CellValue]] = {}
    for index, target in mapping.items():
        value = row.cell(index)
        if value is not None and value != "":
            values.setdefault(target, []).append(value)
    problems: dict[str, Problem] = {}
    fields: dict[str, Any] = {}
    for name in ("last_name", "first_name", "commune", "phone", "email", "notes"):
        texts = [_text(value) for value in values.get(name, ())]
        texts = [text for text in texts if text]
        if texts:
            joined = ("\n" if name == "notes" else " ").join(texts)
            fields[name] = joined if name in JOINED_FIELDS else texts[0]
    if "postcode" in values:
        fields["postcode"] = _postcode(values["postcode"][0], country)
    reduced = False
    if "birth_year" in values:
        year, problem, reduced = birth_year_of(values["birth_year"][0], today)
        if problem is not None:
            problems["birth_year"] = problem
        fields["birth_year"] = year
    genders = {**_GENDER_BY_WORD, **_GENDER_LETTERS_BY_COUNTRY.get(country.upper(), {})}
    for name, words in (("gender", genders), ("social_status", _STATUS_BY_WORD)):
        if name in values:
            code, problem = _coded(name, values[name][0], words)
            if problem is not None:
                problems[name] = problem
            else:
                fields[name] = code
    resident = Resident(**fields).normalised()
    for name, problem in resident.problems(today).items():
        if name != "consent_date":
            problems.setdefault(name, problem)
    return RowCandidate(row.number, resident, problems, reduced and "birth_year" not in problems)


def birth_year_of(value: CellValue, today: date) -> tuple[int | None, Problem | None, bool]:
    """``(year, problem, reduced)`` for a year or a date of birth as a cell holds it;
    ``reduced`` is true when a full date was given and only its year is kept."""
    if isinstance(value, datetime):
        return _year_of_date(value.date(), _shown(value.date()), today)
    if isinstance(value, date):
        return _year_of_date(value, _shown(value), today)
    if isinstance(value, int):  # of any size: a spreadsheet keeps a long run of digits
        return _year_of_number(value, str(value), today)
    if isinstance(value, float):
        if value.is_integer():
            return _year_of_number(int(value), str(int(value)), today)
        return None, _unreadable_date(str(value)), False
    text = str(value).strip()
    if match := _YEAR.match(text):
        return int(match.group(1)), None, False
    if match := _DAY_FIRST.match(text):
        day, month, year = (int(part) for part in match.groups())
        found = _date(year, month, day) or _date(year, day, month)  # also US order
        if found is None:
            return None, _impossible_date(text), False
        return _year_of_date(found, text, today)
    if match := _YEAR_FIRST.match(text):
        year, month, day = (int(part) for part in match.groups())
        found = _date(year, month, day)
        if found is None:
            return None, _impossible_date(text), False
        return _year_of_date(found, text, today)
    if match := _SERIAL.match(text):
        return _year_of_number(int(match.group(1)), text, today)
    if _SHORT_YEAR.match(text):
        return (
            None,
            Problem(
                N_("The year of birth in %(value)s has two digits: write it with four (1958)."),
                {"value": text},
            ),
            False,
        )
    return None, _unreadable_date(text), False


def _year_of_number(
    number: int, shown: str, today: date
) -> tuple[int | None, Problem | None, bool]:
    if _FIRST_SERIAL <= number <= _LAST_SERIAL:
        day = SERIAL_EPOCH + timedelta(days=number)
        return _year_of_date(day, _shown(day), today)
    if 100 <= number < _FIRST_SERIAL:
        return number, None, False  # a year; Resident checks its range
    if 0 <= number < 100:
        return (
            None,
            Problem(
                N_("The year of birth in %(value)s has two digits: write it with four (1958)."),
                {"value": shown},
            ),
            False,
        )
    return None, _unreadable_date(shown), False


def _year_of_date(day: date, shown: str, today: date) -> tuple[int | None, Problem | None, bool]:
    if day > today:
        return (
            None,
            Problem(N_("The date of birth %(value)s is in the future."), {"value": shown}),
            False,
        )
    return day.year, None, True


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _shown(day: date) -> str:
    return day.isoformat()


def _impossible_date(text: str) -> Problem:
    return Problem(N_("The date of birth %(value)s does not exist."), {"value": text})


def _unreadable_date(text: str) -> Problem:
    return Problem(
        N_(
            "The date of birth %(value)s is not understood: write a year (1958) or a date "
            "(31/12/1958)."
        ),
        {"value": text},
    )


def _coded(name: str, value: CellValue, words: dict[str, str]) -> tuple[str | None, Problem | None]:
    text = _text(value)
    code = words.get(_key(text))
    if code is not None:
        return code, None
    if name == "gender":
        message = N_("The gender %(value)s is not understood: write F, M, or leave it empty.")
    else:
        message = N_(
            "The status %(value)s is not understood: write in education, not in work, "
            "in work or retired, or leave it empty."
        )
    return None, Problem(message, {"value": text})


def _text(value: CellValue) -> str:
    """A cell as text: whole numbers without ``.0`` (a phone number a spreadsheet
    turned into a number), dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _postcode(value: CellValue, country: str) -> str:
    """The postcode, with the leading zeros a spreadsheet drops put back where
    postcodes have five digits (01000 Bourg-en-Bresse, 00118 Roma, 08001 Barcelona)."""
    text = _text(value)
    if country.upper() in _FIVE_DIGIT_POSTCODES and text.isdigit() and 3 <= len(text) < 5:
        return text.zfill(5)
    return text
