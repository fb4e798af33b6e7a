"""Validation and normalisation of residents and support sessions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediator_app.domain.codes import (
    ADMIN_HELP_THEME,
    ADMIN_THEMES,
    AGE_BANDS,
    AUTONOMY_LEVELS,
    DEVICES,
    PLACE_TYPES,
    REFERRAL_STRUCTURES,
    THEMES,
)
from mediator_app.domain.resident import (
    CONSENT_TEXT_VERSION,
    EARLIEST_BIRTH_YEAR,
    Consent,
    Resident,
)
from mediator_app.domain.session import (
    EARLIEST_SESSION_DATE,
    MAX_DURATION_MIN,
    SupportSession,
)
from mediator_app.domain.validation import Problem, ValidationError

TODAY = date(2026, 3, 15)


def resident(**changes) -> Resident:
    base = Resident(first_name="Marie", last_name="Dupont", consent_date="2026-03-01")
    return replace(base, **changes)


def session(**changes) -> SupportSession:
    base = SupportSession(date="2026-03-10", duration_min=30, themes=("email",))
    return replace(base, **changes)


# Problem and ValidationError


def test_problem_renders_its_values():
    problem = Problem("Between %(first)s and %(last)s.", {"first": 1900, "last": 2026})
    assert problem.render() == "Between 1900 and 2026."
    french = {"Between %(first)s and %(last)s.": "Entre %(first)s et %(last)s."}
    assert problem.render(french.get) == "Entre 1900 et 2026."


def test_problem_without_values_keeps_percent_signs():
    assert Problem("100% sure").render() == "100% sure"


def test_validation_error_names_every_field():
    error = ValidationError({"a": Problem("First."), "b": Problem("Second.")})
    assert set(error.problems) == {"a", "b"}
    assert "a: First." in str(error)
    assert "b: Second." in str(error)
    assert isinstance(error, ValueError)


# Resident


def test_a_complete_resident_is_valid():
    complete = resident(
        birth_year=1956,
        gender="feminin",
        social_status="retraite",
        commune="Lyon",
        postcode="69003",
        phone="+33 6 12 34 56 78",
        email="marie.dupont@example.org",
        notes="Prefers mornings.",
    )
    assert complete.problems(TODAY) == {}
    assert complete.validated(TODAY) == complete


def test_minimal_resident_is_valid():
    assert resident().problems(TODAY) == {}


@pytest.mark.parametrize(("first", "last"), [("", ""), ("  ", " \t "), ("", "   ")])
def test_resident_needs_a_name(first, last):
    problems = resident(first_name=first, last_name=last).problems(TODAY)
    assert set(problems) == {"last_name"}


@pytest.mark.parametrize(("first", "last"), [("Marie", ""), ("", "Dupont")])
def test_one_name_is_enough(first, last):
    assert resident(first_name=first, last_name=last).problems(TODAY) == {}


@pytest.mark.parametrize("year", [1899, 1, 0, -5, 2027, 3000])
def test_birth_year_out_of_range(year):
    problems = resident(birth_year=year).problems(TODAY)
    assert set(problems) == {"birth_year"}
    assert problems["birth_year"].params == {"first": EARLIEST_BIRTH_YEAR, "last": 2026}
    assert "1900" in problems["birth_year"].render()


@pytest.mark.parametrize("year", [1900, 1950, 2026, None])
def test_birth_year_limits(year):
    assert resident(birth_year=year).problems(TODAY) == {}


@given(st.integers(min_value=EARLIEST_BIRTH_YEAR, max_value=TODAY.year))
def test_any_year_between_1900_and_this_year_passes(year):
    assert "birth_year" not in resident(birth_year=year).problems(TODAY)


@given(st.integers().filter(lambda year: not EARLIEST_BIRTH_YEAR <= year <= TODAY.year))
def test_any_other_year_fails(year):
    assert "birth_year" in resident(birth_year=year).problems(TODAY)


@pytest.mark.parametrize(
    "email",
    [
        "marie",
        "marie@",
        "@example.org",
        "marie@example",
        "marie@example.o",
        "marie dupont@example.org",
        "marie@@example.org",
        "marie@example.org.",
    ],
)
def test_malformed_email(email):
    assert set(resident(email=email).problems(TODAY)) == {"email"}


@pytest.mark.parametrize(
    "email", ["marie@example.org", "m.dupont+cs@mail.example.fr", " Marie@Example.ORG "]
)
def test_good_email(email):
    assert resident(email=email).problems(TODAY) == {}


@pytest.mark.parametrize(
    "phone",
    [
        "12345",
        "abc",
        "06 12 ab 56 78",
        "+33 6 12 34 56 78 90 12 34",
        "0612345678#",
        "++",
        "(+351) 912 345 678",
    ],
)
def test_malformed_phone(phone):
    assert set(resident(phone=phone).problems(TODAY)) == {"phone"}


@pytest.mark.parametrize(
    "phone",
    [
        "06 12 34 56 78",
        "+33 6 12 34 56 78",
        "0033612345678",
        "06.12.34.56.78",
        "+351 912-345-678",
        "(06) 12 34 56 78",
        "123456",
    ],
)
def test_good_phone(phone):
    assert resident(phone=phone).problems(TODAY) == {}


@pytest.mark.parametrize(("field", "value"), [("gender", "unknown"), ("social_status", "rich")])
def test_unknown_resident_codes(field, value):
    assert set(resident(**{field: value}).problems(TODAY)) == {field}


@pytest.mark.parametrize("postcode", ["6", "69003!", "12345678901", "é1000"])
def test_malformed_postcode(postcode):
    assert set(resident(postcode=postcode).problems(TODAY)) == {"postcode"}


@pytest.mark.parametrize("postcode", ["69003", "28001", "1000-001", "00184"])
def test_good_postcode(postcode):
    assert resident(postcode=postcode).problems(TODAY) == {}


def test_resident_notes_length_limit():
    assert resident(notes="x" * 2000).problems(TODAY) == {}
    assert set(resident(notes="x" * 2001).problems(TODAY)) == {"notes"}


def test_resident_without_consent_is_refused():
    problems = resident(consent_date="").problems(TODAY)
    assert set(problems) == {"consent_date"}
    assert "anonymous" in problems["consent_date"].render()


def test_every_resident_problem_is_reported_at_once():
    bad = Resident(
        birth_year=1800,
        gender="x",
        social_status="y",
        email="nope",
        phone="12",
        postcode="!",
        notes="n" * 3000,
    )
    assert set(bad.problems(TODAY)) == {
        "last_name",
        "birth_year",
        "gender",
        "social_status",
        "email",
        "phone",
        "postcode",
        "notes",
        "consent_date",
    }
    with pytest.raises(ValidationError) as caught:
        bad.validated(TODAY)
    assert len(caught.value.problems) == 9


def test_resident_normalised_trims_and_collapses_spaces():
    messy = resident(
        first_name="  Marie   Claire ",
        last_name=" Dupont\t",
        commune="  Saint  Étienne ",
        email=" marie@example.org ",
        notes="  line one\n  line two  ",
    )
    clean = messy.normalised()
    assert clean.first_name == "Marie Claire"
    assert clean.last_name == "Dupont"
    assert clean.commune == "Saint Étienne"
    assert clean.email == "marie@example.org"
    assert clean.notes == "line one\n  line two"
    assert clean.birth_year == messy.birth_year
    assert clean.merged_into is None


def test_resident_validated_returns_the_normalised_record():
    assert resident(first_name=" Marie ").validated(TODAY).first_name == "Marie"


def test_resident_validated_refuses_blank_names_after_trimming():
    with pytest.raises(ValidationError) as caught:
        resident(first_name="   ", last_name="   ").validated(TODAY)
    assert set(caught.value.problems) == {"last_name"}


def test_resident_record_leaves_out_managed_fields():
    record = resident(id="x", created_at="c", updated_at="u", merged_into="y").to_record()
    assert not {"id", "created_at", "updated_at", "merged_into"} & set(record)
    assert record["first_name"] == "Marie"


def test_resident_from_row_turns_nulls_into_empty_text():
    row = {"first_name": None, "last_name": "Dupont", "birth_year": None, "phone": None}
    row |= {"merged_into": None, "unknown_column": 1}
    loaded = Resident.from_row(row)
    assert loaded.first_name == ""
    assert loaded.phone == ""
    assert loaded.birth_year is None
    assert loaded.merged_into is None


def test_full_name_and_age_band():
    assert resident().full_name == "Marie Dupont"
    assert resident(first_name="").full_name == "Dupont"
    assert resident(birth_year=1956).age_band(2026) == "soixante_dix_plus"
    assert resident().age_band(2026) == "non_communique"


def test_consent_fields():
    consent = Consent(collected_on=date(2026, 3, 1), collected_by="Awa", language="fr")
    assert consent.as_fields() == {
        "consent_date": "2026-03-01",
        "consent_version": CONSENT_TEXT_VERSION,
        "consent_language": "fr",
        "consent_collected_by": "Awa",
    }
    assert resident(**consent.as_fields()).problems(TODAY) == {}


# Support session


def test_a_simple_session_is_valid():
    assert session().problems(TODAY) == {}


def test_a_complete_session_is_valid():
    complete = session(
        resident_id="r1",
        themes=("email", ADMIN_HELP_THEME),
        admin_themes=("logement", "argent_impots"),
        procedure="Demande APL",
        autonomy="partiellement_autonome",
        referred=True,
        referral_to="aide_sociale",
        follow_up_needed=True,
        follow_up_date="2026-03-20",
        place_type="domicile",
        device="telephone",
    )
    assert complete.problems(TODAY) == {}
    assert complete.validated(TODAY) == complete


@pytest.mark.parametrize("day", ["", "2026-13-01", "yesterday", "15/03/2026"])
def test_session_needs_a_date(day):
    assert set(session(date=day).problems(TODAY)) == {"date"}


def test_session_in_the_future_is_refused():
    problems = session(date="2026-03-16").problems(TODAY)
    assert set(problems) == {"date"}
    assert "future" in problems["date"].render()


def test_session_today_is_fine():
    assert session(date=TODAY.isoformat()).problems(TODAY) == {}


def test_session_before_2000_is_refused():
    assert set(session(date="1999-12-31").problems(TODAY)) == {"date"}
    assert session(date=EARLIEST_SESSION_DATE.isoformat()).problems(TODAY) == {}


@pytest.mark.parametrize("minutes", [0, -15, MAX_DURATION_MIN + 1, 10_000, 30.5, "30", None])
def test_bad_duration(minutes):
    problems = session(duration_min=minutes).problems(TODAY)
    assert set(problems) == {"duration_min"}
    assert str(MAX_DURATION_MIN) in problems["duration_min"].render()


@given(st.integers(min_value=1, max_value=MAX_DURATION_MIN))
def test_any_duration_up_to_ten_hours_passes(minutes):
    assert session(duration_min=minutes).problems(TODAY) == {}


def test_session_needs_a_theme():
    assert set(session(themes=()).problems(TODAY)) == {"themes"}


def test_unknown_theme():
    assert set(session(themes=("email", "astrology")).problems(TODAY)) == {"themes"}


@given(st.lists(st.sampled_from(THEMES.codes), min_size=1, unique=True))
def test_any_known_themes_pass(themes):
    assert session(themes=tuple(themes)).problems(TODAY) == {}


def test_unknown_admin_theme():
    bad = session(themes=(ADMIN_HELP_THEME,), admin_themes=("logement", "tax_evasion"))
    assert set(bad.problems(TODAY)) == {"admin_themes"}


@pytest.mark.parametrize(
    "field", ["place_type", "device", "autonomy", "anon_gender", "anon_age_band"]
)
def test_unknown_codes(field):
    assert set(session(**{field: "nonsense"}).problems(TODAY)) == {field}


def test_unknown_anonymous_status():
    assert set(session(anon_social_status="rich").problems(TODAY)) == {"anon_social_status"}


@pytest.mark.parametrize(
    ("field", "codes"),
    [
        ("place_type", PLACE_TYPES),
        ("device", DEVICES),
        ("autonomy", AUTONOMY_LEVELS),
        ("anon_age_band", AGE_BANDS),
    ],
)
def test_every_listed_code_is_accepted(field, codes):
    for code in codes.codes:
        assert session(**{field: code}).problems(TODAY) == {}


def test_referral_needs_a_structure():
    assert set(session(referred=True).problems(TODAY)) == {"referral_to"}
    assert set(session(referred=True, referral_to="nowhere").problems(TODAY)) == {"referral_to"}
    for code in REFERRAL_STRUCTURES.codes:
        assert session(referred=True, referral_to=code).problems(TODAY) == {}


def test_follow_up_needs_a_date():
    assert set(session(follow_up_needed=True).problems(TODAY)) == {"follow_up_date"}
    bad_date = session(follow_up_needed=True, follow_up_date="soon")
    assert set(bad_date.problems(TODAY)) == {"follow_up_date"}


def test_follow_up_cannot_be_before_the_session():
    early = session(follow_up_needed=True, follow_up_date="2026-03-09")
    assert set(early.problems(TODAY)) == {"follow_up_date"}
    same_day = session(follow_up_needed=True, follow_up_date="2026-03-10")
    assert same_day.problems(TODAY) == {}
    later = session(follow_up_needed=True, follow_up_date="2026-06-01")
    assert later.problems(TODAY) == {}


def test_session_notes_length_limit():
    assert session(notes="x" * 2000).problems(TODAY) == {}
    assert set(session(notes="x" * 2001).problems(TODAY)) == {"notes"}


def test_anonymous_profile_is_checked_only_for_anonymous_visits():
    known = session(resident_id="r1", anon_gender="nonsense")
    assert known.problems(TODAY) == {}
    assert known.normalised().anon_gender is None


def test_every_session_problem_is_reported_at_once():
    bad = SupportSession(
        date="",
        duration_min=0,
        themes=(),
        admin_themes=("x",),
        place_type="x",
        device="x",
        autonomy="x",
        referred=True,
        follow_up_needed=True,
        notes="n" * 2001,
        anon_gender="x",
        anon_age_band="x",
        anon_social_status="x",
    )
    assert set(bad.problems(TODAY)) == {
        "date",
        "duration_min",
        "themes",
        "admin_themes",
        "place_type",
        "device",
        "autonomy",
        "referral_to",
        "follow_up_date",
        "notes",
        "anon_gender",
        "anon_age_band",
        "anon_social_status",
    }
    with pytest.raises(ValidationError):
        bad.validated(TODAY)


def test_normalised_clears_admin_themes_and_procedure_without_admin_help():
    plain = session(themes=("email",), admin_themes=("logement",), procedure="APL").normalised()
    assert plain.admin_themes == ()
    assert plain.procedure == ""


def test_normalised_keeps_admin_themes_with_admin_help():
    admin = session(
        themes=(ADMIN_HELP_THEME,),
        admin_themes=("logement", "logement", "justice"),
        procedure="  Demande   APL ",
    ).normalised()
    assert admin.admin_themes == ("logement", "justice")
    assert admin.procedure == "Demande APL"
    assert admin.is_admin_help


def test_invalid_admin_theme_is_not_reported_once_cleared():
    stray = session(themes=("email",), admin_themes=("not_a_code",))
    assert "admin_themes" in stray.problems(TODAY)
    assert stray.validated(TODAY).admin_themes == ()


def test_normalised_removes_repeated_themes_keeping_order():
    assert session(themes=("sante", "email", "sante")).normalised().themes == ("sante", "email")


def test_normalised_clears_referral_target_without_referral():
    assert session(referred=False, referral_to="autre").normalised().referral_to is None
    assert session(referred=True, referral_to="autre").normalised().referral_to == "autre"


def test_normalised_clears_follow_up_without_follow_up():
    cleared = session(follow_up_date="2026-04-01", follow_up_done=True).normalised()
    assert cleared.follow_up_date is None
    assert cleared.follow_up_done is False
    kept = session(follow_up_needed=True, follow_up_date="2026-04-01", follow_up_done=True)
    assert kept.normalised().follow_up_date == "2026-04-01"
    assert kept.normalised().follow_up_done is True


def test_normalised_clears_anonymous_profile_on_a_known_residents_session():
    known = session(
        resident_id="r1",
        anon_gender="feminin",
        anon_age_band="soixante_dix_plus",
        anon_social_status="retraite",
        anon_commune="Lyon",
    ).normalised()
    assert (known.anon_gender, known.anon_age_band, known.anon_social_status) == (None,) * 3
    assert known.anon_commune == ""


def test_normalised_keeps_anonymous_profile():
    anonymous = session(
        anon_gender="feminin", anon_age_band="soixante_dix_plus", anon_commune="  Saint   Fons "
    ).normalised()
    assert anonymous.is_anonymous
    assert anonymous.anon_gender == "feminin"
    assert anonymous.anon_age_band == "soixante_dix_plus"
    assert anonymous.anon_commune == "Saint Fons"


def test_normalised_trims_notes():
    assert session(notes="  printed the form  \n").normalised().notes == "printed the form"


@given(
    themes=st.lists(st.sampled_from(THEMES.codes), min_size=1),
    admin=st.lists(st.sampled_from(ADMIN_THEMES.codes)),
    referred=st.booleans(),
    follow_up=st.booleans(),
)
def test_normalised_is_idempotent_and_coherent(themes, admin, referred, follow_up):
    raw = session(
        themes=tuple(themes),
        admin_themes=tuple(admin),
        procedure=" x ",
        referred=referred,
        referral_to="autre",
        follow_up_needed=follow_up,
        follow_up_date="2026-04-01",
    )
    once = raw.normalised()
    assert once.normalised() == once
    assert len(set(once.themes)) == len(once.themes)
    if ADMIN_HELP_THEME not in themes:
        assert once.admin_themes == ()
        assert once.procedure == ""
    assert (once.referral_to is not None) == referred
    assert (once.follow_up_date is not None) == follow_up
    assert once.problems(TODAY) == {}


def test_session_record_keeps_lists_and_flags():
    record = session(themes=("email", "sante"), id="x", created_at="c").to_record()
    assert record["themes"] == ["email", "sante"]
    assert record["admin_themes"] == []
    assert record["referred"] is False
    assert not {"id", "created_at", "updated_at"} & set(record)


def test_session_from_row():
    loaded = SupportSession.from_row(
        {
            "id": "s1",
            "date": "2026-03-10",
            "duration_min": 45,
            "themes": ["email"],
            "admin_themes": None,
            "referred": 1,
            "follow_up_needed": 0,
            "follow_up_done": None,
            "procedure": None,
            "notes": None,
            "anon_commune": None,
            "created_at": None,
            "extra": "ignored",
        }
    )
    assert loaded.themes == ("email",)
    assert loaded.admin_themes == ()
    assert loaded.referred is True
    assert loaded.follow_up_needed is False
    assert loaded.follow_up_done is False
    assert loaded.procedure == ""
    assert loaded.notes == ""
    assert loaded.created_at == ""


def test_dates_are_kept_in_one_iso_spelling():
    compact = SupportSession(
        date="20260302", duration_min=30, themes=("email",), resident_id="r",
        follow_up_needed=True, follow_up_date="20260309",
    ).normalised()  # fmt: skip
    assert (compact.date, compact.follow_up_date) == ("2026-03-02", "2026-03-09")


@pytest.mark.parametrize("name", ["-", "'", "\u200b", "\u0301", "  -  "])
def test_a_name_of_only_punctuation_or_invisible_marks_is_refused(name):
    resident = Resident(first_name=name, last_name=name, consent_date="2026-01-05")
    assert "last_name" in resident.problems(date(2026, 11, 29))


def test_a_name_has_a_length_limit():
    resident = Resident(first_name="Ana", last_name="A" * 101, consent_date="2026-01-05")
    assert "last_name" in resident.problems(date(2026, 11, 29))


# Found by fuzzing (tests/test_fuzz_validators.py)


@pytest.mark.parametrize("year", [1950.5, 1950.0, float("nan"), True])
def test_a_year_of_birth_that_is_not_a_whole_number_is_refused(year):
    with pytest.raises(ValidationError) as refused:
        resident(birth_year=year).validated(TODAY)
    assert set(refused.value.problems) == {"birth_year"}


def test_a_consent_date_is_kept_in_one_spelling():
    assert resident(consent_date="20260301").validated(TODAY).consent_date == "2026-03-01"
    assert resident(consent_date="2026-W09-7").validated(TODAY).consent_date == "2026-03-01"


@pytest.mark.parametrize("written", ["0", "yesterday", "2026-02-30", "2026-13-01"])
def test_a_consent_date_that_is_not_a_date_is_refused(written):
    with pytest.raises(ValidationError) as refused:
        resident(consent_date=written).validated(TODAY)
    assert set(refused.value.problems) == {"consent_date"}
