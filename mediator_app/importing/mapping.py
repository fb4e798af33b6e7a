"""Which column holds which field: guessed from the headers, confirmed by the mediator.

A mapping is a plain ``dict`` from a column's index (0 for the first column) to the
name of a ``Resident`` field in ``FIELDS``; a column left out is not imported. Headers are
compared folded (no accents, no case, no punctuation, no small words such as *de* or
*du*, no *du bénéficiaire*), in French, English, Spanish, Italian and Portuguese. La
Coop's beneficiary template is recognised as is (``LACOOP_TEMPLATE``).

A mapping is saved as JSON with each column's header, so that the next month's file,
whose columns may have moved, is mapped by its headers first and by position only for
headers it does not have.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediator_app.domain.markers import N_
from mediator_app.domain.text import fold
from mediator_app.importing.errors import MappingError

#: The fields a column can be mapped to, in the order the mapping step shows them.
FIELDS = (
    "last_name",
    "first_name",
    "birth_year",
    "gender",
    "social_status",
    "commune",
    "postcode",
    "phone",
    "email",
    "notes",
)

FIELD_LABELS = {
    "last_name": N_("Last name"),
    "first_name": N_("First name"),
    "birth_year": N_("Year or date of birth"),
    "gender": N_("Gender"),
    "social_status": N_("Status"),
    "commune": N_("Commune"),
    "postcode": N_("Postcode"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "notes": N_("Notes"),
}

#: Fields whose values from several columns are joined (two surnames, several notes
#: columns); for the others the first non-empty column counts.
JOINED_FIELDS = frozenset({"last_name", "first_name", "notes"})
#: Fields a guess may give to several columns: Spanish surnames come in two columns,
#: phones and notes in several.
REPEATABLE_FIELDS = frozenset({"last_name", "phone", "email", "notes"})
NAME_FIELDS = frozenset({"last_name", "first_name"})

#: La Coop de la médiation numérique's beneficiary import template (REFERENCE §1).
LACOOP_TEMPLATE = (
    "Nom",
    "Prénom",
    "Année de naissance",
    "Commune",
    "N° de téléphone",
    "E-mail",
    "Genre",
    "Notes supplémentaires",
    "Code INSEE",
    "Code postal",
)
_LACOOP_FIELDS = (
    "last_name", "first_name", "birth_year", "commune", "phone", "email", "gender",
    "notes", None, "postcode",
)  # fmt: skip

MAPPING_FORMAT = "passerelle-column-mapping"
MAPPING_VERSION = 1
_NOT_A_MAPPING = N_(
    "The column mapping file %(name)s could not be read: it is not a mapping saved by Passerelle."
)

#: Words a header may carry that say nothing of its field: articles and prepositions
#: of the five languages, "n°", and who the column is about.
_FILLER_WORDS = frozenset(
    (
        "a", "al", "and", "da", "das", "de", "del", "della", "dello", "di", "do", "dos",
        "du", "d", "e", "el", "en", "et", "il", "l", "la", "las", "le", "les", "lo", "los",
        "of", "the", "y", "n", "no", "nr", "nro", "num", "numero", "numeros", "nb",
        "beneficiaire", "beneficiaires", "usager", "usagere", "usagers", "resident",
        "residente", "residents", "personne", "personnes", "participant", "participante",
        "participants", "beneficiario", "beneficiaria", "beneficiarios", "beneficiari",
        "utente", "utenti", "partecipante",
    )
)  # fmt: skip

#: Headers of each field; compared as ``_header_key`` leaves them.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "last_name": (
        "nom", "noms", "nom famille", "last name", "lastname", "surname", "family name",
        "apellido", "apellidos", "primer apellido", "segundo apellido", "apellido 1",
        "apellido 2", "cognome", "cognomi", "apelido", "apelidos", "sobrenome",
        "ultimo nome",
    ),
    "first_name": (
        "prenom", "prenoms", "first name", "firstname", "given name", "given names",
        "forename", "nombre", "nombres", "nome", "nome proprio", "primeiro nome",
        "primer nombre",
    ),
    "birth_year": (
        "annee naissance", "naissance", "date naissance", "ne en", "nee en",
        "ddn", "birth year", "year birth", "yob", "birth date", "date birth", "dob",
        "ano nacimiento", "fecha nacimiento", "nacimiento", "anno nascita",
        "data nascita", "nascita", "ano nascimento", "data nascimento", "nascimento",
    ),
    "gender": (
        "genre", "sexe", "civilite", "gender", "sex", "genero", "sexo", "genere",
        "sesso",
    ),
    "social_status": (
        "statut", "statut social", "situation", "situation professionnelle", "status",
        "social status", "employment status", "situacion", "situacion laboral",
        "situazione", "condizione", "condizione professionale", "situazione lavorativa",
        "situacao", "situacao profissional", "estatuto",
    ),
    "commune": (
        "commune", "ville", "localite", "commune residence", "city", "town",
        "municipality", "municipio", "ciudad", "localidad", "poblacion", "comune",
        "citta", "localita", "concelho", "cidade", "localidade",
    ),
    "postcode": (
        "code postal", "cp", "postcode", "post code", "postal code", "zip", "zip code",
        "codigo postal", "cod postal", "cap", "c a p", "codice postale",
    ),
    "phone": (
        "telephone", "tel", "portable", "mobile", "telephone portable",
        "telephone mobile", "telephone fixe", "phone", "phone number",
        "telephone number", "mobile phone", "cell", "cell phone", "telefono", "movil",
        "telefono movil", "celular", "cellulare", "telefono cellulare", "telefone",
        "telemovel",
    ),
    "email": (
        "e mail", "email", "mail", "courriel", "adresse e mail", "adresse mail",
        "adresse electronique", "email address", "e mail address", "correo",
        "correo electronico", "correo e", "posta elettronica", "indirizzo email",
        "indirizzo e mail", "endereco email", "endereco e mail", "endereco eletronico",
        "endereco electronico",
    ),
    "notes": (
        "notes", "note", "notes supplementaires", "remarques", "remarque", "commentaire",
        "commentaires", "observations", "observation", "comments", "comment", "remarks",
        "notas", "nota", "observaciones", "comentarios", "osservazioni", "commenti",
        "observacoes",
    ),
}  # fmt: skip

#: Headers recognised but not imported: Passerelle keeps commune and postcode, not the
#: INSEE code of La Coop's template.
_KNOWN_NOT_IMPORTED = ("code insee", "insee", "code commune")

_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def _header_key(header: object) -> str:
    """A header folded for comparison: ``"N° de téléphone"`` gives ``"telephone"``."""
    if header is None:
        return ""
    words = _NOT_ALPHANUMERIC.split(fold(str(header)))
    return " ".join(word for word in words if word and word not in _FILLER_WORDS)


_FIELD_BY_KEY: dict[str, str] = {
    _header_key(synonym): field for field, synonyms in _SYNONYMS.items() for synonym in synonyms
}
_IGNORED_KEYS = frozenset(_header_key(header) for header in _KNOWN_NOT_IMPORTED)


@dataclass(frozen=True)
class MappingGuess:
    """What the headers told: the mapping, whether they are La Coop's template, the
    columns recognised but not imported, and those not recognised."""

    mapping: dict[int, str]
    template: str | None = None
    not_imported: tuple[int, ...] = ()
    unknown: tuple[int, ...] = ()


def _field_for(header: object) -> tuple[str | None, bool, bool]:
    """``(field, exact, known)`` for one header: ``exact`` when the whole header is a
    synonym, ``known`` when the header was recognised, even as not imported."""
    key = _header_key(header)
    if not key:
        return None, False, False
    if key in _IGNORED_KEYS:
        return None, True, True
    if key in _FIELD_BY_KEY:
        return _FIELD_BY_KEY[key], True, True
    # "Téléphone du domicile", "Ville de résidence": the longest synonym whose words
    # all appear in the header, when only one field has such a synonym.
    words = set(key.split())
    best_length, best_fields = 0, set()
    for synonym, field in _FIELD_BY_KEY.items():
        synonym_words = synonym.split()
        if set(synonym_words) <= words:
            if len(synonym_words) > best_length:
                best_length, best_fields = len(synonym_words), {field}
            elif len(synonym_words) == best_length:
                best_fields.add(field)
    if len(best_fields) == 1:
        return best_fields.pop(), False, True
    return None, False, False


def is_lacoop_template(headers: Sequence[object]) -> bool:
    """True when the headers are La Coop's beneficiary template, in its order (accents,
    case and trailing empty columns aside)."""
    cells = [fold(" ".join(str(header or "").split())) for header in headers]
    while cells and not cells[-1]:
        cells.pop()
    return cells == [fold(header) for header in LACOOP_TEMPLATE]


def guess_mapping(headers: Sequence[object]) -> MappingGuess:
    """The mapping the headers suggest; the mediator confirms or corrects it."""
    if is_lacoop_template(headers):
        mapping = {index: field for index, field in enumerate(_LACOOP_FIELDS) if field}
        not_imported = tuple(index for index, field in enumerate(_LACOOP_FIELDS) if not field)
        return MappingGuess(mapping, "lacoop", not_imported, ())
    mapping: dict[int, str] = {}
    exact_fields: dict[str, bool] = {}
    not_imported: list[int] = []
    unknown: list[int] = []
    for index, header in enumerate(headers):
        field, exact, known = _field_for(header)
        if field is None:
            if known:
                not_imported.append(index)
            elif _header_key(header):
                unknown.append(index)
            continue
        if field in exact_fields and not (
            field in REPEATABLE_FIELDS and exact and exact_fields[field]
        ):
            unknown.append(index)
            continue
        exact_fields[field] = exact_fields.get(field, True) and exact
        mapping[index] = field
    return MappingGuess(mapping, None, tuple(not_imported), tuple(unknown))


def header_score(cells: Iterable[object]) -> int:
    """How many cells of a row read as headers of known fields: the header row of a
    sheet is the one that scores most among its first rows."""
    return sum(1 for cell in cells if isinstance(cell, str) and _field_for(cell)[2])


def check_mapping(mapping: Mapping[int, str], column_count: int) -> None:
    """Raise ``MappingError`` unless ``mapping`` can be used on a table of
    ``column_count`` columns and maps at least one name."""
    for index, field in mapping.items():
        if field not in FIELDS:
            raise MappingError(
                N_("The column mapping names a field Passerelle does not know: %(field)s."),
                field=field,
            )
        if not 0 <= index < column_count:
            raise MappingError(
                N_("The column mapping refers to column %(column)s, which the file does not have."),
                column=column_letter(index),
            )
    if not NAME_FIELDS & set(mapping.values()):
        raise MappingError(
            N_("No column is mapped to the last name or the first name: map at least one of them.")
        )


def column_letter(index: int) -> str:
    """The letter a spreadsheet shows for a column: ``0`` is A, ``26`` is AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _column_index(letters: str) -> int | None:
    if not letters or not letters.isalpha() or not letters.isascii():
        return None
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def mapping_to_json(mapping: Mapping[int, str], headers: Sequence[object]) -> str:
    """The mapping as JSON, each column with its letter and header (so that a file
    whose columns moved is still mapped right)."""
    columns = [
        {
            "column": column_letter(index),
            "header": "" if index >= len(headers) or headers[index] is None
            else str(headers[index]),
            "field": mapping.get(index),
        }
        for index in range(max(len(headers), max(mapping, default=-1) + 1))
    ]  # fmt: skip
    document = {"format": MAPPING_FORMAT, "version": MAPPING_VERSION, "columns": columns}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def mapping_from_json(text: str, headers: Sequence[object], name: str = "") -> dict[int, str]:
    """The mapping a JSON document describes, fitted to ``headers``: each entry goes to
    the column with the same header, else to its column letter. Also reads the short
    form ``{"A": "last_name", "Prénom": "first_name"}``. Raises ``MappingError``."""
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError):  # nested past Python's stack
        document = None
    entries = _entries(document)
    if entries is None:
        raise MappingError(_NOT_A_MAPPING, name=name)
    by_header = {_header_key(header): index for index, header in enumerate(headers)
                 if _header_key(header)}  # fmt: skip
    mapping: dict[int, str] = {}
    taken: set[int] = set()
    pending: list[tuple[int | None, str | None]] = []
    for header, position, field in entries:
        index = by_header.get(_header_key(header)) if header else None
        if index is not None and index not in taken:
            taken.add(index)
            if field:
                mapping[index] = field
        else:
            pending.append((position, field))
    for position, field in pending:
        if position is not None and position not in taken and field:
            taken.add(position)
            mapping[position] = field
    return mapping


def _entries(document: Any) -> list[tuple[str, int | None, str | None]] | None:
    """``(header, column index, field)`` of each entry of a mapping document."""
    if not isinstance(document, dict):
        return None
    if "columns" in document:
        if document.get("format") != MAPPING_FORMAT or not isinstance(document["columns"], list):
            return None
        entries = []
        for column in document["columns"]:
            if not isinstance(column, dict):
                return None
            field = column.get("field")
            position = column.get("index")
            if not isinstance(position, int):
                position = _column_index(str(column.get("column", "")))
            if field is not None and not isinstance(field, str):
                return None
            entries.append((str(column.get("header") or ""), position, field))
        return entries
    entries = []
    for key, field in document.items():
        if field is not None and not isinstance(field, str):
            return None
        # A key is a header, or a column letter when no header matches it.
        position = _column_index(key) if len(key) <= 3 else None
        entries.append((key, position, field))
    return entries


def save_mapping(path: Path, mapping: Mapping[int, str], headers: Sequence[object]) -> None:
    path.write_text(mapping_to_json(mapping, headers), encoding="utf-8")


def load_mapping(path: Path, headers: Sequence[object]) -> dict[int, str]:
    """The mapping saved in ``path``, fitted to ``headers``; ``MappingError`` for a file
    that is not one (not even text), ``OSError`` when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise MappingError(_NOT_A_MAPPING, name=path.name) from error
    return mapping_from_json(text, headers, path.name)
