"""La Coop's probable-duplicate rule: two of four criteria."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediator_app.domain.duplicates import DuplicateEvidence, compare, names_similar


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dupont", "Dupont"),
        ("Dupont", "DUPONT"),
        ("Hélène", "helene"),
        ("Jean-Pierre", "Jean Pierre"),
        ("Jean-Pierre", "jeanpierre"),
        ("D'Aubigné", "Daubigne"),
        ("Ben Saïd", "Bensaid"),
        ("Nguyễn", "Nguyen"),
        ("Yıldız", "Yildiz"),
        ("Ali", "ALI"),
        ("Li", "li"),
        ("محمد", "مُحَمَّد"),
    ],
)
def test_names_equal_once_folded_are_similar(a, b):
    assert names_similar(a, b)
    assert names_similar(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dupont", "Dupond"),  # substitution
        ("Martin", "Mratin"),  # swapped neighbours
        ("Benali", "Bennali"),  # insertion
        ("Bennali", "Benali"),  # deletion
        ("Marie", "Maria"),  # five letters, substitution
        ("Nguyen", "Ngyuen"),
        ("Fatima", "Fatma"),
    ],
)
def test_one_typing_slip_is_similar_for_names_of_five_letters_or_more(a, b):
    assert names_similar(a, b)
    assert names_similar(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Anne", "Anna"),
        ("Lina", "Line"),
        ("Ali", "Aly"),
        ("Lea", "Leo"),
        ("Jean", "Joan"),
        ("Mari", "Mira"),
        ("Yves", "Yvse"),
        ("Marie", "Mari"),  # the shorter one has four letters
    ],
)
def test_no_slip_is_allowed_for_short_names(a, b):
    assert not names_similar(a, b)
    assert not names_similar(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dupont", "Durand"),
        ("Martin", "Martinez"),  # two insertions
        ("Dupont", "Dpunot"),  # two swaps
        ("Marie", "Mraei"),
        ("Martin", "Mrtain"),  # a move, not a swap
        ("Bernard", "Brenadr"),
        ("abcde", "edcba"),
    ],
)
def test_two_slips_are_not_similar(a, b):
    assert not names_similar(a, b)


@pytest.mark.parametrize(("a", "b"), [("", ""), ("", "Dupont"), ("Dupont", ""), ("-", "'")])
def test_empty_names_are_never_similar(a, b):
    assert not names_similar(a, b)


def test_evidence_score_and_threshold():
    assert DuplicateEvidence(True, True, False, False).is_probable_duplicate
    assert DuplicateEvidence(False, False, True, True).is_probable_duplicate
    assert DuplicateEvidence(True, False, False, True).score == 2
    assert not DuplicateEvidence(True, False, False, False).is_probable_duplicate
    assert not DuplicateEvidence(False, False, False, False).is_probable_duplicate
    assert DuplicateEvidence(True, True, True, True).score == 4


def test_same_names_are_a_probable_duplicate():
    evidence = compare("Marie", "Dupont", "", "", "marie", "DUPONT", "", "")
    assert evidence == DuplicateEvidence(True, True, False, False)
    assert evidence.is_probable_duplicate


def test_names_with_a_slip_are_a_probable_duplicate():
    assert compare("Fatima", "Benali", "", "", "Fatma", "Bennali", "", "").is_probable_duplicate


def test_same_phone_and_email_with_other_names_is_a_probable_duplicate():
    evidence = compare(
        "Marie", "Dupont", "+33 6 12 34 56 78", "Marie@Example.org",
        "Mary", "Smith", "06.12.34.56.78", " marie@example.org ",
    )  # fmt: skip
    assert evidence == DuplicateEvidence(False, False, True, True)
    assert evidence.is_probable_duplicate


def test_last_name_and_phone_is_a_probable_duplicate():
    evidence = compare(
        "Marie", "Dupont", "0612345678", "", "Jeanne", "Dupont", "0033 6 12 34 56 78", ""
    )
    assert evidence == DuplicateEvidence(True, False, True, False)
    assert evidence.is_probable_duplicate


def test_first_name_and_email_is_a_probable_duplicate():
    evidence = compare(
        "Marie", "Dupont", "", "m@example.org", "Marie", "Durand", "", "M@EXAMPLE.ORG"
    )
    assert evidence == DuplicateEvidence(False, True, False, True)


def test_one_criterion_is_not_enough():
    assert not compare("Marie", "Dupont", "", "", "Jeanne", "Dupont", "", "").is_probable_duplicate
    assert not compare(
        "Marie", "Dupont", "0612345678", "", "Jeanne", "Durand", "0612345678", ""
    ).is_probable_duplicate
    assert not compare(
        "Marie", "Dupont", "", "a@example.org", "Jeanne", "Durand", "", "a@example.org"
    ).is_probable_duplicate


def test_empty_contacts_never_match():
    evidence = compare("Marie", "Dupont", "", "", "Jeanne", "Durand", "", "")
    assert not evidence.phone
    assert not evidence.email
    assert compare("", "", " ", " ", "", "", "", "").score == 0


def test_short_names_with_a_slip_do_not_count():
    evidence = compare("Anne", "Roux", "", "", "Anna", "Raux", "", "")
    assert evidence.score == 0


name = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèçï-' ", min_size=1, max_size=15)


@given(name, name)
def test_similarity_is_symmetric(a, b):
    assert names_similar(a, b) == names_similar(b, a)


@given(name)
def test_a_name_is_similar_to_itself_unless_empty(a):
    has_letters = any(ch.isalpha() for ch in a)
    assert names_similar(a, a) == has_letters
    assert names_similar(a, a.upper()) == has_letters


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=5, max_size=15),
    st.data(),
)
def test_any_single_substitution_keeps_long_names_similar(a, data):
    position = data.draw(st.integers(min_value=0, max_value=len(a) - 1))
    letter = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    b = a[:position] + letter + a[position + 1 :]
    assert names_similar(a, b)


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=5, max_size=15),
    st.data(),
)
def test_any_single_insertion_or_deletion_keeps_long_names_similar(a, data):
    position = data.draw(st.integers(min_value=0, max_value=len(a) - 1))
    letter = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    inserted = a[:position] + letter + a[position:]
    deleted = a[:position] + a[position + 1 :]
    assert names_similar(a, inserted)
    if len(deleted) >= 5:
        assert names_similar(a, deleted)
    else:
        assert not names_similar(a, deleted)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=5, max_size=15), st.data())
def test_any_swap_of_neighbours_keeps_long_names_similar(a, data):
    position = data.draw(st.integers(min_value=0, max_value=len(a) - 2))
    b = a[:position] + a[position + 1] + a[position] + a[position + 2 :]
    assert names_similar(a, b)


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=4),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=4),
)
def test_short_names_must_be_equal(a, b):
    assert names_similar(a, b) == (a == b)


@given(
    st.text(alphabet="abcdefghij", min_size=5, max_size=9),
    st.text(alphabet="abcdefghij", min_size=5, max_size=9),
)
def test_similar_names_are_within_one_edit(a, b):
    if names_similar(a, b):
        assert _edit_distance(a, b) <= 1 or _is_one_swap(a, b)
    else:
        assert _edit_distance(a, b) > 1 and not _is_one_swap(a, b)


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _is_one_swap(a: str, b: str) -> bool:
    return len(a) == len(b) and any(
        a[:i] + a[i + 1] + a[i] + a[i + 2 :] == b for i in range(len(a) - 1)
    )
