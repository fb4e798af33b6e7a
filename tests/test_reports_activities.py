"""Activities as reports count them: individual sessions and anonymous visits one by
one, a workshop session once with its participants, residents by pseudonym only."""

from __future__ import annotations

from datetime import date

import pytest

from mediator_app.reports.activities import (
    COLLECTIVE,
    INDIVIDUAL,
    Activity,
    NoPseudonymKey,
    activities_between,
    pseudonym,
    pseudonym_key,
)
from mediator_app.store import open_store

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
TODAY = date(2026, 11, 29)


@pytest.fixture
def centre(activity_centre):
    return activity_centre


def test_activities_of_a_period(centre):
    store, helene, karim = centre
    found = list(activities_between(store, date(2026, 11, 1), date(2026, 11, 30)))
    individual = [a for a in found if a.kind == INDIVIDUAL]
    collective = [a for a in found if a.kind == COLLECTIVE]
    assert [a.date for a in individual] == ["2026-11-02", "2026-11-03", "2026-11-04"]
    assert [a.anonymous_visit for a in individual] == [False, True, False]
    [workshop] = collective  # the cancelled session is not an activity
    assert (workshop.duration_min, workshop.workshop_title) == (90, "Tablette")
    key = pseudonym_key(store)
    people = {p.key: p for p in workshop.participants if p.key}
    assert people[pseudonym(key, helene.id)].attendance == "present"
    assert people[pseudonym(key, karim.id)].attendance == "absent"
    [group] = [p for p in workshop.participants if not p.key]
    assert (group.count, group.gender, group.took_part) == (3, "feminin", True)
    first = individual[0].participants[0]
    assert first.key == pseudonym(key, helene.id)
    # The merged duplicate's March session makes Hélène a returning resident.
    assert first.first_seen == "2026-03-02"
    assert (first.age_band, first.social_status, first.commune) == (
        "soixante_dix_plus", "retraite", "Grans",
    )  # fmt: skip
    assert individual[0].referral_to == "administration"
    assert individual[2].participants[0].first_seen == "2026-11-04"


def test_records_carry_no_name_id_or_year_of_birth(centre):
    store, helene, _karim = centre
    records = [a.to_record() for a in activities_between(store, date(2026, 1, 1), TODAY)]
    text = repr(records)
    for secret in ("Hélène", "Helene", "Petit", "Karim", "Amrani", helene.id, "1950"):
        assert secret not in text
    assert Activity.from_record(records[0]).participants[0].birth_year is None


def test_the_pseudonym_is_stable_and_keyed(centre, tmp_path):
    store, helene, _karim = centre
    key = pseudonym_key(store)
    assert pseudonym_key(store) == key
    assert pseudonym(key, helene.id) != pseudonym(b"another centre", helene.id)
    assert len(pseudonym(key, helene.id)) == 32


def test_a_joining_desk_waits_for_the_centres_key(tmp_path, store):
    from mediator_app.sync.keys import card_for_this_desk, enroll

    other = open_store(tmp_path / "other.db")
    try:
        enroll(other, card_for_this_desk(store))
        with pytest.raises(NoPseudonymKey):
            pseudonym_key(other)
    finally:
        other.close()
