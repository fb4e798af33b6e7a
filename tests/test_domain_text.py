"""Folding of names and contacts: what search and the duplicate rule compare."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediator_app.domain.text import (
    fold,
    joined_name,
    name_words,
    normalise_email,
    normalise_phone,
    search_terms,
    sort_key,
)


@pytest.mark.parametrize("spelling", ["helene", "HÉLÈNE", "Hélène", "HELENE", "hélène", "HeLèNe"])
def test_helene_spellings_fold_alike(spelling):
    assert fold(spelling) == "helene"
    assert name_words(spelling) == ["helene"]


def test_fold_keeps_spaces_and_punctuation():
    assert fold("Hélène D'Aubigné") == "helene d'aubigne"
    assert fold("Jean-Pierre") == "jean-pierre"


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Yıldız", "yildiz"),
        ("İsmail", "ismail"),
        ("Đặng", "dang"),
        ("đinh", "dinh"),
        ("Œuvrard", "oeuvrard"),
        ("cœur", "coeur"),
        ("Weiß", "weiss"),
        ("STRAẞE", "strasse"),
        ("Søren", "soren"),
        ("ØSTERGAARD", "ostergaard"),
        ("Łukasz", "lukasz"),
        ("Michał", "michal"),
        ("Nguyễn", "nguyen"),
        ("Şahin", "sahin"),
        ("Müller", "muller"),
        ("Peña", "pena"),
        ("François", "francois"),
        ("João", "joao"),
        ("Æsa", "aesa"),
    ],
)
def test_letters_that_sqlite_cannot_fold_are_folded(name, folded):
    assert fold(name) == folded


def test_arabic_script_passes_through_without_its_vowel_marks():
    assert fold("محمد") == "محمد"
    assert fold("مُحَمَّد") == "محمد"
    assert name_words("فاطمة الزهراء") == ["فاطمة", "الزهراء"]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("D'Aubigné", ["d", "aubigne"]),
        ("D’Aubigné", ["d", "aubigne"]),
        ("Ben Saïd", ["ben", "said"]),
        ("Jean-Pierre", ["jean", "pierre"]),
        ("  Marie   Claire  ", ["marie", "claire"]),
        ("D'Aubigné-Ben Saïd", ["d", "aubigne", "ben", "said"]),
        ("le_blanc", ["le", "blanc"]),
        ("O'Neil (junior)", ["o", "neil", "junior"]),
        ("", []),
        (" - ' ", []),
    ],
)
def test_name_words_split_on_every_separator(name, words):
    assert name_words(name) == words


@pytest.mark.parametrize(
    ("name", "joined"),
    [
        ("D'Aubigné", "daubigne"),
        ("d'aubigne", "daubigne"),
        ("Ben Saïd", "bensaid"),
        ("BENSAID", "bensaid"),
        ("Jean-Pierre", "jeanpierre"),
        ("Jean Pierre", "jeanpierre"),
        ("", ""),
    ],
)
def test_joined_name_drops_separators(name, joined):
    assert joined_name(name) == joined


def test_search_terms_index_words_and_joined_form():
    assert search_terms("Hélène", "D'Aubigné") == ["helene", "d", "aubigne", "daubigne"]
    assert search_terms("Karim", "Ben Saïd") == ["karim", "ben", "said", "bensaid"]
    assert search_terms("Văn An", "Nguyễn") == ["van", "an", "vanan", "nguyen"]


def test_search_terms_have_no_duplicates_and_skip_empty_names():
    assert search_terms("Martin", "Martin") == ["martin"]
    assert search_terms("", "Dupont") == ["dupont"]
    assert search_terms(None, "Dupont") == ["dupont"]  # type: ignore[arg-type]
    assert search_terms("", "") == []


def test_search_terms_of_arabic_names():
    assert search_terms("محمد", "العلي") == ["محمد", "العلي"]


@pytest.mark.parametrize(
    "spelling",
    [
        "+33 6 12 34 56 78",
        "+33612345678",
        "0033 6 12 34 56 78",
        "0033612345678",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        " 06 12 34 56 78 ",
        "+33 (0)6 12 34 56 78",
    ],
)
def test_french_phone_spellings_meet(spelling):
    assert normalise_phone(spelling) == "0612345678"


@pytest.mark.parametrize(
    ("spelling", "normalised"),
    [
        ("+34 612 34 56 78", "612345678"),
        ("0034 612 345 678", "612345678"),
        ("+39 06 1234 5678", "0612345678"),
        ("+351 912 345 678", "912345678"),
        ("00351912345678", "912345678"),
        ("+44 20 7946 0000", "442079460000"),
        ("0044 20 7946 0000", "442079460000"),
    ],
)
def test_partner_country_codes(spelling, normalised):
    assert normalise_phone(spelling) == normalised


@pytest.mark.parametrize("empty", ["", None])
def test_empty_phone(empty):
    assert normalise_phone(empty) == ""


@pytest.mark.parametrize(
    "spelling",
    ["marie.dupont@example.org", "Marie.Dupont@Example.ORG", "  MARIE.DUPONT@EXAMPLE.ORG  "],
)
def test_email_normalisation(spelling):
    assert normalise_email(spelling) == "marie.dupont@example.org"


@pytest.mark.parametrize("empty", ["", None, "   "])
def test_empty_email(empty):
    assert normalise_email(empty) == ""


def test_sort_key_orders_by_last_name_then_first_name_ignoring_accents():
    names = [
        ("Zola", "Élodie"),
        ("Martinez", "Ana"),
        ("Martin", "Zoé"),
        ("martin", "Adam"),
        ("Álvarez", "Bruno"),
        ("Alvarez", "Ana"),
    ]
    ordered = sorted(names, key=lambda name: sort_key(*name))
    assert ordered == [
        ("Alvarez", "Ana"),
        ("Álvarez", "Bruno"),
        ("martin", "Adam"),
        ("Martin", "Zoé"),
        ("Martinez", "Ana"),
        ("Zola", "Élodie"),
    ]


names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    max_size=30,
)


@given(names)
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(names)
def test_fold_leaves_no_combining_marks_or_capitals(text):
    folded = fold(text)
    assert not any(unicodedata.combining(ch) for ch in folded)
    assert folded == folded.casefold()


@given(names)
def test_joined_name_is_the_concatenated_words(text):
    assert joined_name(text) == "".join(name_words(text))
    assert joined_name(joined_name(text)) == joined_name(text)


@given(names)
def test_every_word_of_a_name_is_a_search_term(text):
    terms = search_terms(text)
    assert set(name_words(text)) <= set(terms)
    assert len(terms) == len(set(terms))


latin_names = st.text(
    alphabet=st.characters(min_codepoint=0x41, max_codepoint=0x17F, categories=("Lu", "Ll")),
    max_size=20,
)

#: Letters of the partnership's and residents' Latin-script languages.
LETTERS = (
    "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿñáíóúãõòìœæßøåłąćęńśźżčďěňřšťůžğışđ"
    "ăơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
)
european_names = st.lists(st.sampled_from(LETTERS + LETTERS.upper() + "İẞ"), max_size=20).map(
    "".join
)


@given(latin_names)
def test_case_never_matters_for_latin_names(text):
    assert fold(text.upper()) == fold(text.lower())


@given(european_names)
def test_european_and_vietnamese_letters_fold_to_ascii(text):
    assert fold(text).isascii()
    assert fold(text) == fold(text.lower())


@given(st.from_regex(r"\A(\+33|0033|0)[1-9]\d{8}\Z"))
def test_any_french_number_reaches_its_national_form(number):
    national = normalise_phone(number)
    assert len(national) == 10
    assert national.startswith("0")
    assert national[1:] == number[-9:]


def test_apostrophes_typed_as_letters_or_accents_separate_words():
    for apostrophe in ("\u02bc", "\u02bb", "`", "\u00b4", "\u2032", "\u2019", "'"):
        assert search_terms("D" + apostrophe + "Aubigné") == ["d", "aubigne", "daubigne"]


def test_control_characters_pasted_into_a_value_are_dropped():
    from mediator_app.domain.text import clean_line, clean_text

    assert clean_line("  Zo\x00é\x07  Du\x1bpont\x7f ") == "Zoé Dupont"
    # Free texts keep their line breaks and tabs; nothing else of the C0 range.
    assert clean_text("\x08Rendez-vous\tCAF\nmardi\x00 ") == "Rendez-vous\tCAF\nmardi"


def test_a_resident_saved_with_control_characters_is_found_by_name(tmp_path):
    from mediator_app.domain.resident import Resident
    from mediator_app.store import open_store

    store = open_store(tmp_path / "passerelle.db")
    created = store.residents.create(
        Resident(first_name="Zo\x00é", last_name="Du\x1bpont", consent_date="2026-01-05")
    )
    assert (created.first_name, created.last_name) == ("Zoé", "Dupont")
    assert [hit.id for hit in store.residents.search("dupont")] == [created.id]
    store.close()
