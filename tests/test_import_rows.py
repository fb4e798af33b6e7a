"""One row becomes a resident candidate or the reasons it cannot: dates reduced to a
year, genders in five languages, plain-words reasons; any cell at all either makes a
valid candidate or gives reasons, never an error."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediator_app.domain.resident import NAME_MAX_CHARS
from mediator_app.importing.reading import SheetRow
from mediator_app.importing.rows import birth_year_of, candidate_from_row

TODAY = date(2026, 6, 15)
MAPPING = {
    0: "last_name", 1: "first_name", 2: "birth_year", 3: "gender", 4: "phone", 5: "email",
    6: "commune", 7: "postcode", 8: "notes", 9: "notes", 10: "social_status",
}  # fmt: skip


def _candidate(*cells, country="FR"):
    return candidate_from_row(SheetRow(7, tuple(cells)), MAPPING, today=TODAY, country=country)


@pytest.mark.parametrize(
    ("value", "year", "reduced"),
    [
        ("1958", 1958, False),
        (1958, 1958, False),
        (1958.0, 1958, False),
        ("1958.0", 1958, False),
        ("12/03/1958", 1958, True),
        ("2/3/1958", 1958, True),
        ("12.03.1958", 1958, True),
        ("12-03-1958", 1958, True),
        ("1958-03-12", 1958, True),
        ("1958/03/12", 1958, True),
        ("1958-03-12 00:00:00", 1958, True),
        ("03/31/1958", 1958, True),  # month first, as an American spreadsheet writes it
        (datetime(1958, 3, 12), 1958, True),
        (date(1958, 3, 12), 1958, True),
        (21_256, 1958, True),  # the spreadsheet serial of 1958-03-12
        ("21256", 1958, True),
    ],
)
def test_years_and_dates_of_birth(value, year, reduced):
    assert birth_year_of(value, TODAY) == (year, None, reduced)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2030-01-01", "The date of birth 2030-01-01 is in the future."),
        ("2026-12-01", "The date of birth 2026-12-01 is in the future."),
        (datetime(2027, 1, 1), "The date of birth 2027-01-01 is in the future."),
        (46_500, "The date of birth 2027-04-23 is in the future."),  # a serial
        ("31/02/1980", "The date of birth 31/02/1980 does not exist."),
        ("12/03/58", "The year of birth in 12/03/58 has two digits: write it with four"),
        ("58", "The year of birth in 58 has two digits"),
        ("vers 1960", "The date of birth vers 1960 is not understood"),
    ],
)
def test_dates_that_cannot_be_kept_say_why(value, reason):
    year, problem, _reduced = birth_year_of(value, TODAY)
    assert year is None
    assert problem is not None and problem.render().startswith(reason)


def test_a_full_row_with_accents_and_apostrophes():
    candidate = _candidate(
        "D'Aubigné", " Hélène  Marie ", "14/07/1951", "Femme", 612345678.0, "helene@example.org",
        "Saint-Étienne", 1000, "vient le lundi", "parle espagnol", "Retraitée",
    )  # fmt: skip
    assert candidate.valid, candidate.problems
    resident = candidate.resident
    assert (resident.last_name, resident.first_name) == ("D'Aubigné", "Hélène Marie")
    assert resident.birth_year == 1951 and candidate.birth_date_reduced
    assert resident.gender == "feminin"
    assert resident.social_status == "retraite"
    assert resident.phone == "612345678"
    assert resident.postcode == "01000"  # the zero a spreadsheet dropped
    assert resident.notes == "vient le lundi\nparle espagnol"
    assert resident.consent_date == ""  # the import records consent for everyone


@pytest.mark.parametrize(
    ("last", "first"),
    [("العلي", "محمد"), ("Nguyễn", "Thị Thu"), ("O’Brien", "Seán"), ("Yıldız", "Ayşe")],
)
def test_names_of_every_script_are_kept_as_written(last, first):
    candidate = _candidate(last, first)
    assert candidate.valid
    assert (candidate.resident.last_name, candidate.resident.first_name) == (last, first)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("F", "feminin"), ("Femme", "feminin"), ("féminin", "feminin"), ("Mme", "feminin"),
        ("Mujer", "feminin"), ("Donna", "feminin"), ("Mulher", "feminin"),
        ("female", "feminin"), ("M", "masculin"), ("H", "masculin"), ("Homme", "masculin"),
        ("M.", "masculin"), ("Hombre", "masculin"), ("Uomo", "masculin"),
        ("Homem", "masculin"), ("Male", "masculin"), ("NC", "non_communique"),
        ("Non binaire", "non_communique"), ("", "non_communique"),
    ],
)  # fmt: skip
def test_genders_in_five_languages(written, code):
    candidate = _candidate("Dupont", "Camille", None, written)
    assert candidate.valid
    assert candidate.resident.gender == code


@pytest.mark.parametrize("country", ["IT", "ES", "FR"])
def test_postcodes_get_back_their_leading_zeros_where_they_have_five_digits(country):
    assert _candidate("Rossi", "Anna", None, None, None, None, None, "118", country=country)\
        .resident.postcode == "00118"  # fmt: skip


def test_portuguese_postcodes_are_left_as_written():
    assert _candidate("Silva", "Ana", None, None, None, None, None, "1000-001", country="PT")\
        .resident.postcode == "1000-001"  # fmt: skip


@pytest.mark.parametrize(
    ("cells", "field", "reason"),
    [
        ((None, None, "1958"), "last_name", "Enter a last name or a first name."),
        (("  ", "", None), "last_name", "Enter a last name or a first name."),
        (("X" * (NAME_MAX_CHARS + 1), "Jean"), "last_name", "A name is limited to 100"),
        (("Dupont", "Jean", "1850"), "birth_year", "The year of birth must be between 1900"),
        (("Dupont", "Jean", "2099"), "birth_year", "The year of birth must be between 1900"),
        (("Dupont", "Jean", None, "Z"), "gender", "The gender Z is not understood"),
        (("Dupont", "Jean", None, None, None, "jean.example.org"), "email",
         "This e-mail address is not complete"),
        (("Dupont", "Jean", None, None, "06 12"), "phone", "This phone number is not valid"),
        (("Dupont", "Jean", None, None, None, None, None, None, None, None, "Astronaute"),
         "social_status", "The status Astronaute is not understood"),
    ],
)  # fmt: skip
def test_invalid_rows_say_why_by_field(cells, field, reason):
    candidate = _candidate(*cells)
    assert not candidate.valid
    assert candidate.problems[field].render().startswith(reason)
    assert "consent_date" not in candidate.problems


cells = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(cells, max_size=12))
def test_any_row_gives_a_candidate_or_reasons(row):
    candidate = candidate_from_row(SheetRow(2, tuple(row)), MAPPING, today=TODAY, country="FR")
    if candidate.valid:
        assert not {
            name: problem
            for name, problem in candidate.resident.problems(TODAY).items()
            if name != "consent_date"
        }
    else:
        assert all(problem.render() for problem in candidate.problems.values())


def test_our_own_labels_in_every_language_import_back():
    from mediator_app.domain.codes import GENDERS, SOCIAL_STATUSES
    from mediator_app.i18n import translations_for
    from mediator_app.importing.rows import _GENDER_BY_WORD, _STATUS_BY_WORD, _key

    for language in ("fr", "es", "it", "pt"):
        gettext = translations_for(language).gettext
        for code, label in SOCIAL_STATUSES:
            assert _STATUS_BY_WORD[_key(gettext(label))] == code, (language, label)
        for code, label in GENDERS:
            assert _GENDER_BY_WORD.get(_key(gettext(label)), code) == code, (language, label)


def test_in_spain_m_is_a_woman_and_h_a_man():
    mapping = {0: "last_name", 1: "gender"}
    for country, letter, code in (("ES", "M", "feminin"), ("ES", "H", "masculin"),
                                  ("FR", "M", "masculin"), ("FR", "F", "feminin")):  # fmt: skip
        row = SheetRow(number=2, cells=("García", letter))
        found = candidate_from_row(row, mapping, today=date(2026, 11, 29), country=country)
        assert found.resident.gender == code, (country, letter)


# Found by fuzzing (tests/test_fuzz_importers.py)


@pytest.mark.parametrize("number", [10**400, -(10**400), 2**64])
def test_a_number_too_long_for_a_float_is_not_a_year(number):
    # An XLSX cell keeps a long run of digits as a whole number of any size.
    year, problem, reduced = birth_year_of(number, TODAY)
    assert (year, reduced) == (None, False)
    assert "not understood" in problem.render()
