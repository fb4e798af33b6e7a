"""Code lists and the age bands computed from a year of birth."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediator_app.domain.codes import (
    ADMIN_HELP_THEME,
    ADMIN_THEMES,
    AGE_BANDS,
    AUTONOMY_LEVELS,
    AUTONOMY_STARS,
    COUNTRIES,
    DEVICES,
    GENDERS,
    PLACE_TYPES,
    REFERRAL_STRUCTURES,
    SOCIAL_STATUSES,
    THEMES,
    age_band_for,
)

ALL_LISTS = [
    THEMES,
    ADMIN_THEMES,
    PLACE_TYPES,
    DEVICES,
    AUTONOMY_LEVELS,
    REFERRAL_STRUCTURES,
    GENDERS,
    SOCIAL_STATUSES,
    AGE_BANDS,
    COUNTRIES,
]


@pytest.mark.parametrize("codes", ALL_LISTS, ids=lambda codes: codes.name)
def test_codes_are_unique_and_labelled(codes):
    assert len(set(codes.codes)) == len(codes)
    for code, label in codes:
        assert code in codes
        assert codes.label(code) == label
        assert label


def test_unknown_code():
    assert "astrology" not in THEMES
    assert None not in THEMES
    with pytest.raises(KeyError):
        THEMES.label("astrology")


def test_la_coop_vocabulary():
    assert len(THEMES) == 19
    assert len(ADMIN_THEMES) == 11
    assert ADMIN_HELP_THEME in THEMES
    assert THEMES.codes[0] == "diagnostic_numerique"
    assert set(AUTONOMY_STARS) == set(AUTONOMY_LEVELS.codes)
    assert AUTONOMY_STARS["autonome"] == "★★★"


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "moins_de_douze"),
        (11, "moins_de_douze"),
        (12, "douze_dix_huit"),
        (17, "douze_dix_huit"),
        (18, "dix_huit_vingt_quatre"),
        (24, "dix_huit_vingt_quatre"),
        (25, "vingt_cinq_trente_neuf"),
        (39, "vingt_cinq_trente_neuf"),
        (40, "quarante_cinquante_neuf"),
        (59, "quarante_cinquante_neuf"),
        (60, "soixante_soixante_neuf"),
        (69, "soixante_soixante_neuf"),
        (70, "soixante_dix_plus"),
        (104, "soixante_dix_plus"),
    ],
)
def test_age_band_limits(age, band):
    assert age_band_for(2026 - age, 2026) == band


def test_age_band_without_birth_year():
    assert age_band_for(None, 2026) == "non_communique"


@given(st.integers(min_value=1900, max_value=2100), st.integers(min_value=1900, max_value=2100))
def test_age_band_is_always_a_listed_band(birth_year, on_year):
    assert age_band_for(birth_year, on_year) in AGE_BANDS
