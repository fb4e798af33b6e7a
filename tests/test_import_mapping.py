"""Column mapping: headers in the five languages, La Coop's template as is, and a
mapping saved as JSON that still fits when the columns have moved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mediator_app.importing import mapping as mapping_module
from mediator_app.importing.errors import MappingError
from mediator_app.importing.mapping import (
    FIELDS,
    LACOOP_TEMPLATE,
    check_mapping,
    column_letter,
    guess_mapping,
    is_lacoop_template,
    load_mapping,
    mapping_from_json,
    mapping_to_json,
)

DATA = Path(__file__).parent / "data" / "import"
EXPECTED = [
    "last_name", "first_name", "birth_year", "phone", "email", "gender", "commune",
    "postcode", "notes",
]  # fmt: skip

HEADERS_BY_LANGUAGE = {
    "fr": ["NOM", "Prénom", "Date de naissance", "Téléphone", "Courriel", "Sexe", "Ville",
           "CP", "Remarques"],
    "en": ["Surname", "First name", "Year of birth", "Phone number", "E-mail address",
           "Gender", "Town", "Postcode", "Comments"],
    "es": ["Apellido(s)", "Nombre", "Fecha de nacimiento", "Teléfono", "Correo",
           "Género", "Municipio", "Código postal", "Observaciones"],
    "it": ["Cognome", "Nome", "Data di nascita", "Telefono", "Posta elettronica",
           "Genere", "Comune", "CAP", "Note"],
    "pt": ["Apelido", "Primeiro nome", "Data de nascimento", "Telemóvel", "Email",
           "Género", "Concelho", "Código postal", "Observações"],
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(HEADERS_BY_LANGUAGE))
def test_headers_of_each_language_are_recognised(language):
    guess = guess_mapping(HEADERS_BY_LANGUAGE[language])
    assert [guess.mapping.get(index) for index in range(len(EXPECTED))] == EXPECTED
    assert guess.unknown == ()
    assert guess.template is None


def test_la_coop_template_is_recognised_as_is():
    assert is_lacoop_template(LACOOP_TEMPLATE)
    assert is_lacoop_template([*LACOOP_TEMPLATE, "", None])  # trailing empty columns
    guess = guess_mapping(LACOOP_TEMPLATE)
    assert guess.template == "lacoop"
    assert {LACOOP_TEMPLATE[index]: field for index, field in guess.mapping.items()} == {
        "Nom": "last_name",
        "Prénom": "first_name",
        "Année de naissance": "birth_year",
        "Commune": "commune",
        "N° de téléphone": "phone",
        "E-mail": "email",
        "Genre": "gender",
        "Notes supplémentaires": "notes",
        "Code postal": "postcode",
    }
    assert [LACOOP_TEMPLATE[index] for index in guess.not_imported] == ["Code INSEE"]


def test_a_template_with_columns_swapped_is_guessed_not_recognised():
    headers = list(LACOOP_TEMPLATE)
    headers[0], headers[1] = headers[1], headers[0]
    guess = guess_mapping(headers)
    assert guess.template is None
    assert guess.mapping[0] == "first_name" and guess.mapping[1] == "last_name"


def test_headers_with_qualifiers_and_without_accents():
    guess = guess_mapping(
        ["NOM DU BENEFICIAIRE", "prenom", "Né(e) en", "Téléphone du domicile",
         "Commune de résidence", "Nom de la commune", "Adresse"]
    )  # fmt: skip
    assert guess.mapping == {
        0: "last_name", 1: "first_name", 2: "birth_year", 3: "phone", 4: "commune",
    }  # fmt: skip
    assert guess.unknown == (5, 6)  # ambiguous, and unknown: the mediator chooses


def test_two_surname_columns_are_both_last_name_but_not_two_genders():
    guess = guess_mapping(["Primer apellido", "Segundo apellido", "Nombre", "Sexo", "Género"])
    assert guess.mapping == {0: "last_name", 1: "last_name", 2: "first_name", 3: "gender"}
    assert guess.unknown == (4,)


def test_no_synonym_points_at_two_fields():
    seen: dict[str, str] = {}
    for field, synonyms in mapping_module._SYNONYMS.items():
        for synonym in synonyms:
            key = mapping_module._header_key(synonym)
            assert seen.setdefault(key, field) == field, synonym


def test_json_round_trip_and_the_mediators_correction():
    headers = ["Nom", "Prénom", "Infos", "Tel"]
    corrected = {**guess_mapping(headers).mapping, 2: "notes"}
    text = mapping_to_json(corrected, headers)
    document = json.loads(text)
    assert document["format"] == "passerelle-column-mapping"
    assert document["columns"][2] == {"column": "C", "header": "Infos", "field": "notes"}
    assert mapping_from_json(text, headers) == {0: "last_name", 1: "first_name", 2: "notes",
                                                3: "phone"}  # fmt: skip


def test_a_saved_mapping_follows_its_headers_when_columns_move():
    headers = ["Internal code", "Born", "Given", "Surname (family)", "Other"]
    assert load_mapping(DATA / "mapping_moved.json", headers) == {
        3: "last_name",
        2: "first_name",
        1: "birth_year",
    }


def test_a_saved_mapping_falls_back_on_column_letters():
    headers = ["Name A", "Name B", "Year"]
    assert load_mapping(DATA / "mapping_moved.json", headers) == {
        0: "last_name",
        1: "first_name",
        2: "birth_year",
    }


def test_the_short_form_by_header_or_letter():
    headers = ["Nom", "Prénom", "Zone"]
    short = '{"Prénom": "first_name", "A": "last_name", "C": "commune"}'
    assert mapping_from_json(short, headers) == {0: "last_name", 1: "first_name", 2: "commune"}


@pytest.mark.parametrize(
    "text",
    ["not json", "[1, 2]", '{"format": "other", "columns": []}', '{"A": 3}',
     '{"format": "passerelle-column-mapping", "columns": [1]}'],
)  # fmt: skip
def test_a_file_that_is_not_a_mapping_is_refused(text):
    with pytest.raises(MappingError, match="could not be read"):
        mapping_from_json(text, ["Nom"], "mine.json")


def test_check_mapping_says_what_is_wrong():
    check_mapping({0: "last_name"}, 1)
    with pytest.raises(MappingError, match="does not know: shoe_size"):
        check_mapping({0: "last_name", 1: "shoe_size"}, 2)
    with pytest.raises(MappingError, match="column C, which the file does not have"):
        check_mapping({0: "last_name", 2: "phone"}, 2)
    with pytest.raises(MappingError, match="No column is mapped to the last name"):
        check_mapping({0: "phone"}, 1)


def test_column_letters_as_spreadsheets_show_them():
    assert [column_letter(index) for index in (0, 25, 26, 27, 701, 702)] == [
        "A", "Z", "AA", "AB", "ZZ", "AAA",
    ]  # fmt: skip


def test_every_field_has_a_label():
    assert set(mapping_module.FIELD_LABELS) == set(FIELDS)


# Found by fuzzing (tests/test_fuzz_importers.py)


def test_a_mapping_file_that_is_not_text_is_refused_in_words(tmp_path):
    path = tmp_path / "mapping.json"
    path.write_bytes(b"\xff\xfe\x00\x81 not UTF-8")
    with pytest.raises(MappingError) as refused:
        load_mapping(path, ["Nom"])
    assert "mapping.json" in refused.value.render()


def test_a_mapping_nested_too_deep_is_refused_in_words():
    with pytest.raises(MappingError):
        mapping_from_json("[" * 5000 + "]" * 5000, ["Nom"], "deep.json")
