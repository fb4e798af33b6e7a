"""The report's figures on a constructed set of activity records, each one checked
exactly; then a few totals on records read from a real database."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest

from mediator_app.domain.codes import (
    ADMIN_THEMES,
    AGE_BANDS,
    GENDERS,
    SOCIAL_STATUSES,
    THEMES,
)
from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.domain.workshop import AnonymousCount, Workshop, WorkshopOccurrence
from mediator_app.reports.activities import (
    COLLECTIVE,
    INDIVIDUAL,
    Activity,
    Participant,
    activities_between,
)
from mediator_app.reports.statistics import (
    DEFINITIONS,
    DURATION_BANDS,
    OTHER_COMMUNES,
    SETTINGS_FIELDS,
    Profiles,
    Statistics,
    compute_statistics,
    duration_band,
    previous_period,
)

START, END = date(2026, 11, 1), date(2026, 11, 30)
NC = "non_communique"


def zeros(codes, **counts):
    """Every code of a code list at zero, but ``counts``."""
    return {code: counts.pop(code, 0) for code in codes.codes} | counts


def session(activity_id, day, minutes, participant, **extra):
    extra.setdefault("themes", ("email",))
    extra.setdefault("place_type", "lieu_activite")
    extra.setdefault("device", "ordinateur")
    return Activity(
        id=activity_id, kind=INDIVIDUAL, date=day, duration_min=minutes,
        participants=(participant,), **extra,
    )  # fmt: skip


def workshop(activity_id, day, minutes, themes, *participants):
    return Activity(
        id=activity_id, kind=COLLECTIVE, date=day, duration_min=minutes, themes=themes,
        workshop_title="Atelier", participants=participants,
    )  # fmt: skip


ALICE_1 = Participant(
    "alice", "feminin", "vingt_cinq_trente_neuf", "en_emploi", "Arles", first_seen="2026-11-02"
)
# Alice's profile changed between her two sessions: the latest one is counted.
ALICE_2 = Participant(
    "alice", "feminin", "vingt_cinq_trente_neuf", "sans_emploi", "Salon", first_seen="2026-11-02"
)
# Bob was first helped last year: a returning resident, seen alone and in a workshop.
BOB = Participant(
    "bob", "masculin", "soixante_dix_plus", "retraite", "Grans", first_seen="2025-06-01"
)
ANONYMOUS_ARLES = Participant("", "feminin", "soixante_soixante_neuf", "retraite", "Arles")


def registered(key, attendance, **extra):
    return Participant(
        key, attendance=attendance, first_seen=extra.pop("first_seen", None), **extra
    )


WORKSHOP = workshop(
    "w1", "2026-11-10", 120, ("prendre_en_main_du_materiel", "securite_numerique"),
    Participant("bob", "masculin", "soixante_dix_plus", "retraite", "Grans",
                first_seen="2025-06-01", attendance="present"),
    registered("carol", "late", gender="feminin", age_band="quarante_cinquante_neuf",
               social_status="sans_emploi", commune=" Arles ", first_seen="2026-11-10"),
    registered("dan", "absent", first_seen="2024-01-01"),
    registered("eve", "excused"),
    registered("fay", None),
    registered("gus", "present", walk_in=True, social_status="scolarise",
               first_seen="2026-11-10"),
    registered("hal", None, registered=False),
    Participant("", "feminin", attendance="present", count=3),
    Participant("", "masculin", "douze_dix_huit", "scolarise", attendance="present", count=2),
)  # fmt: skip

ACTIVITIES = [
    # Outside the period on either side.
    session("s0", "2026-10-31", 45, ALICE_1, mediator_id="m1"),
    workshop("w9", "2026-12-01", 60, ("email",), registered("zed", "present")),
    # Inside.
    session("s1", "2026-11-02", 29, ALICE_1, mediator_id="m1", autonomy="autonome"),
    session(
        "s2", "2026-11-03", 30, BOB, mediator_id="m2",
        themes=("email", "aide_aux_demarches_administratives"),
        admin_themes=("social_sante", "logement"), place_type="domicile", device="telephone",
        autonomy="entierement_accompagne", referred=True, referral_to="administration",
    ),
    session(
        "s3", "2026-11-04", 59, ANONYMOUS_ARLES, mediator_id="m1",
        themes=("aide_aux_demarches_administratives",), admin_themes=("logement",),
        place_type="a_distance", device="telephone", referred=True, referral_to="aide_sociale",
    ),
    session(
        "s4", "2026-11-05", 60, Participant(""), mediator_id="m2",
        themes=("navigation_sur_internet",), device="tablette",
        autonomy="partiellement_autonome", referred=True,
    ),
    WORKSHOP,
    session("s5", "2026-11-20", 119, ALICE_2, mediator_id="m1", autonomy="autonome"),
    workshop("w2", "2026-11-30", 90, ("bureautique",), registered("ivy", "absent")),
]  # fmt: skip

NOBODY = Profiles(
    people=0,
    gender=zeros(GENDERS),
    age_band=zeros(AGE_BANDS),
    social_status=zeros(SOCIAL_STATUSES),
    commune={},
)

EXPECTED = {
    "residents_helped": 4,  # alice, bob, carol, gus; not the absent, excused, waiting
    "new_residents": 3,
    "returning_residents": 1,
    "anonymous_visits": 2,
    "anonymous_workshop_participants": 5,
    "individual_sessions": 5,
    "workshop_sessions": 2,
    "individual_minutes": 29 + 30 + 59 + 60 + 119,
    "workshop_minutes": 120 + 90,  # once per session, not per participant
    "activities_by_theme": zeros(
        THEMES, email=3, aide_aux_demarches_administratives=2, navigation_sur_internet=1,
        prendre_en_main_du_materiel=1, securite_numerique=1, bureautique=1,
    ),
    "minutes_by_theme": zeros(
        THEMES, email=29 + 30 + 119, aide_aux_demarches_administratives=30 + 59,
        navigation_sur_internet=60, prendre_en_main_du_materiel=120, securite_numerique=120,
        bureautique=90,
    ),
    "sessions_by_admin_theme": zeros(ADMIN_THEMES, social_sante=1, logement=2),
    "minutes_by_admin_theme": zeros(ADMIN_THEMES, social_sante=30, logement=30 + 59),
    # 29 | 30, 59 | 60, 90, 119 | 120
    "activities_by_duration_band": {
        "moins_de_30_min": 1, "30_min_a_1_h": 2, "1_h_a_2_h": 3, "2_h_et_plus": 1,
    },
    "sessions_by_autonomy": {
        "entierement_accompagne": 1, "partiellement_autonome": 1, "autonome": 2, NC: 1,
    },
    "sessions_by_place_type": {
        "lieu_activite": 3, "domicile": 1, "a_distance": 1, "autre": 0, NC: 0,
    },
    "sessions_by_device": {
        "ordinateur": 2, "telephone": 2, "tablette": 1, "autre": 0, "aucun": 0, NC: 0,
    },
    "referrals": 3,
    "referrals_by_structure": {
        "administration": 1, "mediation_numerique": 0, "operateur_ou_organisme_en_charge": 0,
        "aide_sociale": 1, "insertion_professionnelle": 0,
        "aide_aux_demarches_administratives": 0, "autre": 0, NC: 1,
    },
    "workshop_registrations": 6,  # bob, carol, dan, eve, fay; ivy
    "workshop_registered_attended": 2,  # bob, carol
    "workshop_attended": 3,  # bob, carol, gus (walk-in)
    "workshop_no_shows": 2,  # dan, ivy
    "workshop_excused": 1,
    "workshop_attendance_not_entered": 1,
    "workshop_walk_ins": 1,
    "workshop_waiting_list": 1,
    "profiles": Profiles(
        people=4,
        gender=zeros(GENDERS, feminin=2, masculin=1, non_communique=1),
        age_band=zeros(AGE_BANDS, vingt_cinq_trente_neuf=1, quarante_cinquante_neuf=1,
                       soixante_dix_plus=1, non_communique=1),
        social_status=zeros(SOCIAL_STATUSES, sans_emploi=2, retraite=1, scolarise=1),
        commune={"Arles": 1, "Grans": 1, "Salon": 1, NC: 1},
    ),
    "anonymous_visit_profiles": Profiles(
        people=2,
        gender=zeros(GENDERS, feminin=1, non_communique=1),
        age_band=zeros(AGE_BANDS, soixante_soixante_neuf=1, non_communique=1),
        social_status=zeros(SOCIAL_STATUSES, retraite=1, non_communique=1),
        commune={"Arles": 1, NC: 1},
    ),
    "anonymous_workshop_profiles": Profiles(
        people=5,
        gender=zeros(GENDERS, feminin=3, masculin=2),
        age_band=zeros(AGE_BANDS, douze_dix_huit=2, non_communique=3),
        social_status=zeros(SOCIAL_STATUSES, scolarise=2, non_communique=3),
        commune={NC: 5},
    ),
}  # fmt: skip


def figures(statistics: Statistics) -> dict:
    return {name: getattr(statistics, name) for name in EXPECTED}


def figure_fields() -> set[str]:
    return {f.name for f in fields(Statistics)} - set(SETTINGS_FIELDS)


def test_every_figure_of_the_constructed_case():
    statistics = compute_statistics(ACTIVITIES, start=START, end=END)
    assert set(EXPECTED) == figure_fields()  # no figure goes unchecked
    assert figures(statistics) == EXPECTED
    assert (statistics.start, statistics.end, statistics.progress) == (START, END, None)
    assert statistics.activities == 7
    assert statistics.minutes == 297 + 210
    assert statistics.individual_hours == pytest.approx(4.95)
    assert statistics.workshop_hours == 3.5
    assert statistics.workshop_attendance_rate == pytest.approx(2 / 6)


def test_figures_do_not_depend_on_the_order_of_the_records():
    forward = compute_statistics(ACTIVITIES, start=START, end=END)
    assert compute_statistics(reversed(ACTIVITIES), start=START, end=END) == forward


def test_workshop_registrations_add_up():
    s = compute_statistics(ACTIVITIES, start=START, end=END)
    assert s.workshop_registrations == (
        s.workshop_registered_attended + s.workshop_no_shows + s.workshop_excused
        + s.workshop_attendance_not_entered
    )  # fmt: skip
    assert s.new_residents + s.returning_residents == s.residents_helped


def test_the_top_communes_and_the_others():
    statistics = compute_statistics(ACTIVITIES, start=START, end=END, top_communes=2)
    assert statistics.profiles.commune == {"Arles": 1, "Grans": 1, OTHER_COMMUNES: 1, NC: 1}


@pytest.mark.parametrize(
    ("minutes", "band"),
    [(0, "moins_de_30_min"), (29, "moins_de_30_min"), (30, "30_min_a_1_h"),
     (59, "30_min_a_1_h"), (60, "1_h_a_2_h"), (119, "1_h_a_2_h"), (120, "2_h_et_plus"),
     (600, "2_h_et_plus")],
)  # fmt: skip
def test_duration_band_boundaries(minutes, band):
    assert duration_band(minutes) == band
    assert band in DURATION_BANDS


def test_a_mediator_filter_keeps_their_individual_sessions_only():
    statistics = compute_statistics(ACTIVITIES, start=START, end=END, mediator_id="m1")
    assert statistics.mediator_id == "m1"
    found = figures(statistics)
    assert {name: found[name] for name in (
        "individual_sessions", "workshop_sessions", "individual_minutes", "workshop_minutes",
        "residents_helped", "new_residents", "returning_residents", "anonymous_visits",
        "anonymous_workshop_participants", "workshop_registrations", "workshop_attended",
        "referrals",
    )} == {
        "individual_sessions": 3, "workshop_sessions": 0, "individual_minutes": 29 + 59 + 119,
        "workshop_minutes": 0, "residents_helped": 1, "new_residents": 1,
        "returning_residents": 0, "anonymous_visits": 1, "anonymous_workshop_participants": 0,
        "workshop_registrations": 0, "workshop_attended": 0, "referrals": 1,
    }  # fmt: skip
    assert statistics.workshop_attendance_rate is None
    assert statistics.profiles.commune == {"Salon": 1}

    other = compute_statistics(ACTIVITIES, start=START, end=END, mediator_id="m2")
    assert (other.residents_helped, other.returning_residents, other.individual_sessions) == (
        1, 1, 2,
    )  # fmt: skip
    assert compute_statistics(ACTIVITIES, start=START, end=END, mediator_id="m3").activities == 0


def test_a_theme_filter_keeps_the_activities_with_that_theme():
    email = compute_statistics(ACTIVITIES, start=START, end=END, theme="email")
    assert email.theme == "email"
    assert (email.individual_sessions, email.workshop_sessions, email.residents_helped) == (3, 0, 2)
    assert email.activities_by_theme == zeros(THEMES, email=3, aide_aux_demarches_administratives=1)
    assert email.sessions_by_admin_theme == zeros(ADMIN_THEMES, social_sante=1, logement=1)

    safety = compute_statistics(ACTIVITIES, start=START, end=END, theme="securite_numerique")
    assert (safety.individual_sessions, safety.workshop_sessions) == (0, 1)
    assert (safety.residents_helped, safety.new_residents, safety.returning_residents) == (3, 2, 1)
    assert (safety.workshop_registrations, safety.anonymous_workshop_participants) == (5, 5)
    assert safety.workshop_attendance_rate == pytest.approx(2 / 5)


def test_an_empty_period():
    statistics = compute_statistics(ACTIVITIES, start=date(2027, 1, 1), end=date(2027, 1, 31))
    found = figures(statistics)
    counts = {name: value for name, value in found.items() if isinstance(value, int)}
    assert counts == dict.fromkeys(counts, 0)
    assert found["activities_by_theme"] == zeros(THEMES)
    assert found["activities_by_duration_band"] == zeros(DURATION_BANDS)
    assert found["sessions_by_autonomy"] == {
        "entierement_accompagne": 0, "partiellement_autonome": 0, "autonome": 0, NC: 0,
    }  # fmt: skip
    for name in ("profiles", "anonymous_visit_profiles", "anonymous_workshop_profiles"):
        assert found[name] == NOBODY
    assert statistics.workshop_attendance_rate is None
    assert compute_statistics([], start=START, end=END) == compute_statistics(
        [], start=START, end=END
    )


def test_the_same_pseudonym_in_two_centres_is_two_people():
    north = session("n1", "2026-11-02", 30, Participant("same", first_seen="2026-11-02"))
    south = session("s1", "2026-11-03", 30, Participant("same", first_seen="2020-01-01"))
    centres = {"n1": "north", "s1": "south"}
    together = compute_statistics(
        [north, south], start=START, end=END, centre_of=lambda a: centres[a.id]
    )
    assert (together.residents_helped, together.new_residents, together.returning_residents) == (
        2, 1, 1,
    )  # fmt: skip
    one_centre = compute_statistics([north, south], start=START, end=END)
    assert (one_centre.residents_helped, one_centre.returning_residents) == (1, 1)


def test_new_and_returning_on_the_edges_of_the_period():
    people = [
        session("a", "2026-11-01", 30, Participant("first day", first_seen="2026-11-01")),
        session("b", "2026-11-02", 30, Participant("day before", first_seen="2026-10-31")),
        session("c", "2026-11-03", 30, Participant("unknown", first_seen=None)),
        # Two records of one person disagreeing: the earliest first help counts.
        session("d", "2026-11-04", 30, Participant("twice", first_seen="2026-01-04")),
        session("e", "2026-11-05", 30, Participant("twice", first_seen="2026-11-04")),
    ]
    statistics = compute_statistics(people, start=START, end=END)
    assert (statistics.new_residents, statistics.returning_residents) == (2, 2)


def test_the_period_must_not_end_before_it_starts():
    with pytest.raises(ValueError):
        compute_statistics([], start=END, end=START)
    with pytest.raises(ValueError):
        previous_period(END, START)


@pytest.mark.parametrize(
    ("period", "before"),
    [
        ((date(2026, 10, 1), date(2026, 12, 31)), (date(2026, 7, 1), date(2026, 9, 30))),
        ((date(2026, 1, 1), date(2026, 3, 31)), (date(2025, 10, 1), date(2025, 12, 31))),
        ((date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 2, 1), date(2026, 2, 28))),
        ((date(2026, 1, 1), date(2026, 1, 31)), (date(2025, 12, 1), date(2025, 12, 31))),
        ((date(2026, 1, 1), date(2026, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31))),
        ((date(2026, 11, 10), date(2026, 11, 19)), (date(2026, 10, 31), date(2026, 11, 9))),
        ((date(2026, 3, 2), date(2026, 3, 31)), (date(2026, 1, 31), date(2026, 3, 1))),
        ((date(2026, 11, 29), date(2026, 11, 29)), (date(2026, 11, 28), date(2026, 11, 28))),
    ],
)
def test_the_previous_period(period, before):
    assert previous_period(*period) == before


def test_every_figure_is_defined_once_in_full_sentences():
    defined = [definition.figure for definition in DEFINITIONS]
    assert len(defined) == len(set(defined))
    own = {name for name in defined if not name.startswith("progress.")}
    assert own == figure_fields() | {"workshop_attendance_rate"}
    assert {name.split(".")[1] for name in set(defined) - own} <= {
        "moved_up", "moved_up_any",
    }  # fmt: skip
    for definition in DEFINITIONS:
        assert definition.title and not definition.title.endswith(".")
        assert definition.text[0].isupper() and definition.text.endswith(".")


# Records read from a real database ---------------------------------------------------

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
TODAY = date(2026, 11, 29)


@pytest.fixture
def centre(store):
    """Hélène (with a duplicate merged into her, first helped in March), Karim, an
    anonymous visit, a workshop with a walk-in and an anonymous group, a cancelled
    workshop session, and Zoé, erased after a session and a workshop."""

    def person(first_name, last_name, **extra):
        return store.residents.create(
            Resident(first_name=first_name, last_name=last_name, **CONSENT, **extra),
            today=TODAY,
        )

    helene = person("Hélène", "Petit", gender="feminin", birth_year=1950, commune="Grans")
    twin = person("Helene", "Petit")
    karim = person("Karim", "Amrani", birth_year=2001)
    lea = person("Léa", "Martin")
    zoe = person("Zoé", "X")

    def session(resident_id, day, **extra):
        return store.sessions.create(
            SupportSession(date=day, duration_min=30, themes=("email",),
                           resident_id=resident_id, **extra),
            today=TODAY,
        )  # fmt: skip

    session(twin.id, "2026-03-02")
    session(twin.id, "2026-11-01")
    session(helene.id, "2026-11-02", referred=True, referral_to="administration")
    session(None, "2026-11-03", anon_gender="masculin", anon_age_band="soixante_dix_plus")
    session(karim.id, "2026-11-04")
    session(zoe.id, "2026-11-05")
    store.residents.merge(twin.id, helene.id)
    tablet = store.workshops.create_workshop(
        Workshop(title="Tablette", themes=("prendre_en_main_du_materiel",), capacity=4)
    )
    kept, cancelled = (
        store.workshops.create_occurrence(
            WorkshopOccurrence(workshop_id=tablet.id, date=day, start_time="14:00",
                               end_time="15:30", place="FabLab"),
        )
        for day in ("2026-11-10", "2026-11-17")
    )  # fmt: skip
    for resident in (helene, karim, zoe):
        store.workshops.register(kept.id, resident.id)
        store.workshops.register(cancelled.id, resident.id)
        store.workshops.set_attendance(cancelled.id, resident.id, "present")
    store.workshops.cancel_occurrence(cancelled.id)
    store.workshops.set_attendance(kept.id, helene.id, "present")
    store.workshops.set_attendance(kept.id, karim.id, "absent")
    store.workshops.set_attendance(kept.id, zoe.id, "late")
    store.workshops.add_walk_in(kept.id, lea.id)
    store.workshops.set_anonymous_participants(kept.id, (AnonymousCount(3, "feminin"),))
    store.residents.erase(zoe.id)
    return store


def test_figures_from_a_real_database(centre):
    records = list(activities_between(centre, START, END))
    statistics = compute_statistics(records, start=START, end=END)
    found = figures(statistics)
    assert {name: found[name] for name in (
        "residents_helped", "new_residents", "returning_residents", "anonymous_visits",
        "individual_sessions", "workshop_sessions", "individual_minutes", "workshop_minutes",
        "workshop_registrations", "workshop_registered_attended", "workshop_attended",
        "workshop_no_shows", "workshop_walk_ins", "anonymous_workshop_participants",
        "referrals",
    )} == {
        # Hélène once (her merged duplicate's session too), Karim, Léa; not Zoé.
        "residents_helped": 3, "new_residents": 2, "returning_residents": 1,
        "anonymous_visits": 1, "individual_sessions": 4, "workshop_sessions": 1,
        "individual_minutes": 120, "workshop_minutes": 90, "workshop_registrations": 2,
        "workshop_registered_attended": 1, "workshop_attended": 2, "workshop_no_shows": 1,
        "workshop_walk_ins": 1, "anonymous_workshop_participants": 3, "referrals": 1,
    }  # fmt: skip
    assert statistics.referrals_by_structure["administration"] == 1
    assert statistics.profiles.gender == zeros(GENDERS, feminin=1, non_communique=2)
    assert statistics.profiles.age_band["soixante_dix_plus"] == 1
    assert statistics.anonymous_visit_profiles.age_band["soixante_dix_plus"] == 1
    # The same figures from the records as the coordinator receives them.
    coordinator = [Activity.from_record(activity.to_record()) for activity in records]
    assert compute_statistics(coordinator, start=START, end=END) == statistics
