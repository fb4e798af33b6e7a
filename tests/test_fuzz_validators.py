"""Every write API fed hostile input: arbitrary text (control characters, NUL, RTL,
huge), dates (any text, ISO spellings, out-of-range years, date objects) and numbers
(negative, huge, NaN, floats where whole numbers are expected). Each call either saves
the record as it reads back (the normalised input, in the one form the store keeps) or
refuses it with the app's own error and a message, and then no table has changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mediator_app.domain.codes import (
    ADMIN_THEMES,
    AGE_BANDS,
    AUTONOMY_LEVELS,
    DEVICES,
    GENDERS,
    PLACE_TYPES,
    REFERRAL_STRUCTURES,
    SOCIAL_STATUSES,
    THEMES,
)
from mediator_app.domain.resident import Consent, Resident
from mediator_app.domain.session import SupportSession
from mediator_app.domain.skills import SKILL_LEVELS, SkillAssessment, SkillGoal
from mediator_app.domain.workshop import (
    ATTENDANCE_STATES,
    WORKSHOP_LEVELS,
    AnonymousCount,
    Workshop,
    WorkshopOccurrence,
)
from mediator_app.importing.apply import check_consent
from mediator_app.store import open_store
from mediator_app.store.mediators import add_mediator
from mediator_app.sync.coordinator import Period
from tests.fuzz_helpers import (
    FUZZ,
    REFUSED,
    Template,
    assert_clock_time,
    assert_explained,
    assert_iso_date,
    date_texts,
    examples,
    hostile_codes,
    is_whole_number,
    mostly_valid,
    names,
    numbers,
    saved_or_refused,
    texts,
    time_texts,
)

TODAY = date(2026, 11, 29)
CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}

#: Stand-ins the strategies draw, replaced in the test by the ids of ``Centre``.
RESIDENT, OTHER_RESIDENT = "<resident>", "<other resident>"
OCCURRENCE, GOAL = "<occurrence>", "<goal>"


class Centre:
    """A desk with Hélène, a workshop with an occurrence to come, and the skills
    framework in use; ``fresh()`` opens a copy of it for one example."""

    def __init__(self, template, residents, workshop_id, occurrence_id, framework):
        self.fresh = template.copy
        self.resident_id, self.other_resident_id = residents
        self.workshop_id = workshop_id
        self.occurrence_id = occurrence_id
        self.framework, self.version = framework.name, framework.version
        self.items = tuple(item.id for item in framework.items)

    def real(self, value):
        """``value`` with the stand-ins replaced by real ids."""
        stand_ins = {
            RESIDENT: self.resident_id,
            OTHER_RESIDENT: self.other_resident_id,
            OCCURRENCE: self.occurrence_id,
        }
        return stand_ins.get(value, value)

    def item(self, value):
        """An item of the framework for ``<item n>``, else ``value``."""
        return self.items[ITEMS.index(value)] if value in ITEMS else value

    def __repr__(self) -> str:
        return "Centre(Hélène, a workshop, an occurrence)"


@pytest.fixture
def centre(db_path) -> Centre:
    store = open_store(db_path)
    try:
        store.ensure_desk(name="Desk 1", centre_name="Test centre", configured=True)
        resident = store.residents.create(
            Resident(first_name="Hélène", last_name="Petit", **CONSENT), today=TODAY
        )
        karim = store.residents.create(
            Resident(first_name="Karim", last_name="Amrani", **CONSENT), today=TODAY
        )
        workshop = store.workshops.create_workshop(
            Workshop(title="Tablette", themes=("prendre_en_main_du_materiel",), capacity=3)
        )
        occurrence = store.workshops.create_occurrence(
            WorkshopOccurrence(workshop_id=workshop.id, date="2030-01-10", place="FabLab")
        )
        store.workshops.register(occurrence.id, resident.id)
        framework = store.skills.current_framework()
    finally:
        store.close()
    residents = (resident.id, karim.id)
    return Centre(Template(db_path), residents, workshop.id, occurrence.id, framework)


ids = st.sampled_from([RESIDENT, OCCURRENCE]) | texts


# Residents ------------------------------------------------------------------------------


def _known(code_list) -> st.SearchStrategy:
    return st.sampled_from([code for code, _label in code_list])


valid_days = st.dates(min_value=date(2000, 1, 1), max_value=TODAY).map(date.isoformat)

residents = mostly_valid(
    Resident,
    valid={
        "first_name": names,
        "last_name": names,
        "birth_year": st.none() | st.integers(1900, TODAY.year),
        "gender": _known(GENDERS),
        "social_status": _known(SOCIAL_STATUSES),
        "commune": st.sampled_from(["", "Grans", "Saint-Étienne"]),
        "postcode": st.sampled_from(["", "13450", "2A004", "1000-001"]),
        "phone": st.sampled_from(["", "+33 6 12 34 56 78", "06.12.34.56.78"]),
        "email": st.sampled_from(["", "helene@example.org"]),
        "language": st.sampled_from(["", "fr", "ar"]),
        "notes": st.sampled_from(["", "Aime le café."]),
        "consent_date": valid_days,
        "consent_version": st.just("2026-1"),
        "consent_language": st.just("fr"),
        "consent_collected_by": st.just("Nadia"),
    },
    hostile={
        "first_name": texts,
        "last_name": texts,
        "birth_year": numbers,
        "gender": hostile_codes(GENDERS),
        "social_status": hostile_codes(SOCIAL_STATUSES),
        "commune": texts,
        "postcode": texts,
        "phone": texts,
        "email": texts,
        "language": texts,
        "notes": texts,
        "consent_date": date_texts,
        "consent_version": texts,
        "consent_language": texts,
        "consent_collected_by": texts,
    },
)


def _check_saved_resident(saved: Resident, given_resident: Resident) -> None:
    expected = given_resident.normalised()
    assert saved.to_record() == expected.to_record()
    assert saved.birth_year is None or is_whole_number(saved.birth_year)
    assert 1900 <= (saved.birth_year or 1900) <= TODAY.year
    assert_iso_date(saved.consent_date)


#: Inputs fuzzing found, kept so that every run tries them.
HELENE = Resident(first_name="Hélène", last_name="Petit", consent_date="2026-01-05")
RESIDENT_FINDS = (
    replace(HELENE, birth_year=1950.5),
    replace(HELENE, birth_year=1950.0),
    replace(HELENE, consent_date="20260105"),
    replace(HELENE, consent_date="0"),
)


@FUZZ
@given(resident=residents)
@examples("resident", RESIDENT_FINDS)
def test_a_new_resident_is_saved_as_normalised_or_refused(centre, resident):
    with centre.fresh() as store:
        saved = saved_or_refused(store.conn, lambda: store.residents.create(resident, today=TODAY))
        if saved is not REFUSED:
            _check_saved_resident(saved, resident)


@FUZZ
@given(resident=residents)
@examples("resident", RESIDENT_FINDS)
def test_an_edited_resident_is_saved_as_normalised_or_refused(centre, resident):
    with centre.fresh() as store:
        edited = replace(resident, id=centre.resident_id)
        saved = saved_or_refused(store.conn, lambda: store.residents.update(edited, today=TODAY))
        if saved is not REFUSED:
            _check_saved_resident(saved, edited)


# Support sessions -------------------------------------------------------------------------

sessions = mostly_valid(
    SupportSession,
    valid={
        "date": valid_days,
        "duration_min": st.integers(1, 600),
        "themes": st.lists(_known(THEMES), min_size=1, max_size=3).map(tuple),
        "resident_id": st.sampled_from([None, RESIDENT]),
        "place_type": _known(PLACE_TYPES),
        "device": _known(DEVICES),
        "admin_themes": st.lists(_known(ADMIN_THEMES), max_size=2).map(tuple),
        "procedure": st.sampled_from(["", "CAF"]),
        "autonomy": st.none() | _known(AUTONOMY_LEVELS),
        "referred": st.booleans(),
        "referral_to": _known(REFERRAL_STRUCTURES),
        "follow_up_needed": st.booleans(),
        "follow_up_date": st.just("2026-12-15"),
        "follow_up_done": st.booleans(),
        "notes": st.sampled_from(["", "Carte Vitale."]),
        "anon_gender": st.none() | _known(GENDERS),
        "anon_age_band": st.none() | _known(AGE_BANDS),
        "anon_social_status": st.none() | _known(SOCIAL_STATUSES),
        "anon_commune": st.sampled_from(["", "Grans"]),
    },
    hostile={
        "date": date_texts,
        "duration_min": numbers,
        "themes": st.lists(hostile_codes(THEMES), max_size=3).map(tuple),
        "resident_id": texts,
        "place_type": hostile_codes(PLACE_TYPES),
        "device": hostile_codes(DEVICES),
        "admin_themes": st.lists(hostile_codes(ADMIN_THEMES), min_size=1, max_size=2).map(tuple),
        "procedure": texts,
        "autonomy": hostile_codes(AUTONOMY_LEVELS),
        "referral_to": st.none() | hostile_codes(REFERRAL_STRUCTURES),
        "follow_up_date": st.none() | date_texts,
        "notes": texts,
        "anon_gender": hostile_codes(GENDERS),
        "anon_age_band": hostile_codes(AGE_BANDS),
        "anon_social_status": hostile_codes(SOCIAL_STATUSES),
        "anon_commune": texts,
    },
)


def _check_saved_session(saved: SupportSession, given_session: SupportSession) -> None:
    expected = given_session.normalised()
    record, wanted = saved.to_record(), expected.to_record()
    record.pop("mediator_id"), wanted.pop("mediator_id")
    assert record == wanted
    assert is_whole_number(saved.duration_min)
    assert_iso_date(saved.date)
    if saved.follow_up_date is not None:
        assert_iso_date(saved.follow_up_date)


@FUZZ
@given(session=sessions)
def test_a_support_session_is_saved_as_normalised_or_refused(centre, session):
    with centre.fresh() as store:
        session = replace(session, resident_id=centre.real(session.resident_id))
        saved = saved_or_refused(store.conn, lambda: store.sessions.create(session, today=TODAY))
        if saved is not REFUSED:
            _check_saved_session(saved, session)


@FUZZ
@given(session=sessions, on_day=st.dates())
@example(session=SupportSession(date="2026-11-02", themes=("email",), resident_id=""), on_day=TODAY)
@example(session=SupportSession(date="2026-11-02", themes=("email",)), on_day=date.max)
def test_an_edited_or_repeated_session_is_saved_or_refused(centre, session, on_day):
    with centre.fresh() as store:
        original = store.sessions.create(
            SupportSession(
                date="2026-11-02", themes=("email",), resident_id=centre.resident_id,
                follow_up_needed=True, follow_up_date="2026-11-20",
            ),
            today=TODAY,
        )  # fmt: skip
        edited = replace(session, id=original.id, resident_id=centre.real(session.resident_id))
        saved = saved_or_refused(store.conn, lambda: store.sessions.update(edited, today=TODAY))
        if saved is not REFUSED:
            _check_saved_session(saved, edited)
        copy = saved_or_refused(store.conn, lambda: store.sessions.duplicate(original.id, on_day))
        if copy is not REFUSED:
            assert copy.date == on_day.isoformat()
            _check_saved_session(copy, replace(copy, id=""))


# Workshops, occurrences, series --------------------------------------------------------

workshops = mostly_valid(
    Workshop,
    valid={
        "title": st.sampled_from(["Tablette", "Premiers pas sur Internet"]),
        "themes": st.lists(_known(THEMES), min_size=1, max_size=3).map(tuple),
        "level": _known(WORKSHOP_LEVELS),
        "description": st.sampled_from(["", "Apporter sa tablette."]),
        "default_duration_min": st.integers(1, 600),
        "capacity": st.integers(3, 500),
        "facilitators": st.lists(names, max_size=2).map(tuple),
        "eu_funded": st.booleans(),
        "erasmus_disclaimer": st.booleans(),
        "archived": st.booleans(),
    },
    hostile={
        "title": texts,
        "themes": st.lists(hostile_codes(THEMES), max_size=3).map(tuple),
        "level": hostile_codes(WORKSHOP_LEVELS),
        "description": texts,
        "default_duration_min": numbers,
        "capacity": numbers,
        "facilitators": st.lists(texts, max_size=3).map(tuple),
    },
)


def _check_saved_workshop(saved: Workshop, given_workshop: Workshop) -> None:
    record, wanted = saved.to_record(), given_workshop.normalised().to_record()
    assert record == wanted
    assert is_whole_number(saved.capacity)
    assert is_whole_number(saved.default_duration_min)


TABLETTE = Workshop(title="Tablette", themes=("prendre_en_main_du_materiel",))


@FUZZ
@given(workshop=workshops)
@examples(
    "workshop", [replace(TABLETTE, capacity=2.5), replace(TABLETTE, default_duration_min=90.0)]
)
def test_a_workshop_is_saved_as_normalised_or_refused(centre, workshop):
    with centre.fresh() as store:
        saved = saved_or_refused(store.conn, lambda: store.workshops.create_workshop(workshop))
        if saved is not REFUSED:
            _check_saved_workshop(saved, workshop)
        edited = replace(workshop, id=centre.workshop_id)
        saved = saved_or_refused(store.conn, lambda: store.workshops.update_workshop(edited))
        if saved is not REFUSED:
            _check_saved_workshop(saved, edited)


anonymous_groups = st.lists(
    mostly_valid(
        AnonymousCount,
        valid={
            "count": st.integers(1, 20),
            "gender": _known(GENDERS),
            "age_band": _known(AGE_BANDS),
            "social_status": _known(SOCIAL_STATUSES),
        },
        hostile={
            "count": numbers,
            "gender": hostile_codes(GENDERS),
            "age_band": hostile_codes(AGE_BANDS),
            "social_status": hostile_codes(SOCIAL_STATUSES),
        },
        most_hostile=1,
    ),
    max_size=3,
).map(tuple)

occurrences = mostly_valid(
    WorkshopOccurrence,
    valid={
        "workshop_id": st.just("<workshop>"),
        "date": st.dates(min_value=date(2000, 1, 1)).map(date.isoformat),
        "start_time": st.sampled_from(["09:30", "14:00"]),
        "end_time": st.sampled_from(["16:00", "17:30"]),
        "place": st.sampled_from(["FabLab", "Salle 2", "Médiathèque"]),
        "cancelled": st.booleans(),
        "anonymous_participants": anonymous_groups,
    },
    hostile={
        "workshop_id": texts,
        "date": date_texts,
        "start_time": time_texts,
        "end_time": time_texts,
        "place": texts,
    },
)


def _check_saved_occurrence(saved: WorkshopOccurrence, given: WorkshopOccurrence) -> None:
    record, wanted = saved.to_record(), given.normalised().to_record()
    record.pop("series_id"), wanted.pop("series_id")
    assert record == wanted
    assert_iso_date(saved.date)
    assert_clock_time(saved.start_time)
    assert_clock_time(saved.end_time)
    assert all(is_whole_number(group.count) for group in saved.anonymous_participants)


FABLAB = WorkshopOccurrence(workshop_id="<workshop>", date="2031-03-04", place="FabLab")


@FUZZ
@given(
    occurrence=occurrences,
    count=st.integers(1, 8) | numbers,
    every_weeks=st.sampled_from([1, 2]) | numbers,
)
@example(occurrence=replace(FABLAB, start_time="14:00\n"), count=2, every_weeks=1)
@example(occurrence=replace(FABLAB, start_time="1٤:00"), count=2, every_weeks=1)
@example(
    occurrence=replace(FABLAB, anonymous_participants=(AnonymousCount(2.5),)),
    count=2,
    every_weeks=1,
)
@example(occurrence=FABLAB, count=2.5, every_weeks=1)
@example(occurrence=replace(FABLAB, date="9999-12-20"), count=3, every_weeks=2)
def test_an_occurrence_or_a_series_is_saved_as_normalised_or_refused(
    centre, occurrence, count, every_weeks
):
    if occurrence.workshop_id == "<workshop>":
        occurrence = replace(occurrence, workshop_id=centre.workshop_id)
    with centre.fresh() as store:
        saved = saved_or_refused(store.conn, lambda: store.workshops.create_occurrence(occurrence))
        if saved is not REFUSED:
            _check_saved_occurrence(saved, occurrence)
    with centre.fresh() as store:  # the series on a desk of its own: its room is free
        made = saved_or_refused(
            store.conn, lambda: store.workshops.create_series(occurrence, count, every_weeks)
        )
        if made is not REFUSED:
            assert len(made) == count
            days = [date.fromisoformat(one.date) for one in made]
            assert days == sorted(days)
            for one in made:
                _check_saved_occurrence(one, replace(occurrence, date=one.date))


future_days = st.dates(min_value=TODAY, max_value=date(2040, 1, 1))
past_days = st.dates(min_value=date(2000, 1, 1), max_value=TODAY)


@FUZZ
@given(
    move=mostly_valid(
        dict,
        valid={
            "day": st.dates(min_value=date(2000, 1, 1)),
            "start_time": st.sampled_from(["09:30", "14:00"]),
            "end_time": st.sampled_from(["16:00", "17:30"]),
            "place": st.sampled_from(["FabLab", "Salle 2"]),
        },
        hostile={
            "day": st.dates(),
            "start_time": time_texts,
            "end_time": time_texts,
            "place": texts,
        },
    )
)
@example(move={"day": TODAY, "start_time": "00:00\n", "end_time": "09:30", "place": "FabLab"})
def test_a_moved_occurrence_is_saved_or_refused(centre, move):
    with centre.fresh() as store:
        moved = saved_or_refused(
            store.conn, lambda: store.workshops.move_occurrence(centre.occurrence_id, **move)
        )
        if moved is not REFUSED:
            assert moved.date == move["day"].isoformat()
            assert (moved.start_time, moved.end_time) == (move["start_time"], move["end_time"])
            assert_clock_time(moved.start_time)
            assert_clock_time(moved.end_time)
            assert moved.place == " ".join(move["place"].split())


# Registrations, attendance, scans ------------------------------------------------------


@FUZZ
@given(
    action=st.sampled_from(["register", "unregister", "attendance", "walk_in", "anonymous"]),
    call=mostly_valid(
        dict,
        valid={
            "occurrence_id": st.just(OCCURRENCE),
            "resident_id": st.sampled_from([RESIDENT, OTHER_RESIDENT]),
            "state": st.none() | _known(ATTENDANCE_STATES),
            "arrival": st.none() | st.sampled_from(["14:20", "09:45"]),
            "groups": anonymous_groups,
        },
        hostile={
            "occurrence_id": ids,
            "resident_id": ids,
            "state": hostile_codes(ATTENDANCE_STATES),
            "arrival": time_texts,
        },
        most_hostile=1,
    ),
)
@example(
    action="attendance",
    call={
        "occurrence_id": OCCURRENCE,
        "resident_id": RESIDENT,
        "state": "late",
        "arrival": "14:20\n",
        "groups": (),
    },
)
def test_registrations_and_attendance_are_saved_or_refused(centre, action, call):
    occurrence_id = centre.real(call["occurrence_id"])
    resident_id = centre.real(call["resident_id"])
    state, arrival, groups = call["state"], call["arrival"], call["groups"]
    with centre.fresh() as store:
        workshops = store.workshops
        writes = {
            "register": lambda: workshops.register(occurrence_id, resident_id),
            "unregister": lambda: workshops.unregister(occurrence_id, resident_id),
            "attendance": lambda: workshops.set_attendance(
                occurrence_id, resident_id, state, arrival
            ),
            "walk_in": lambda: workshops.add_walk_in(occurrence_id, resident_id),
            "anonymous": lambda: workshops.set_anonymous_participants(occurrence_id, groups),
        }
        result = saved_or_refused(store.conn, writes[action])
        if result is REFUSED:
            return
        if action == "anonymous":
            saved = workshops.get_occurrence(occurrence_id)
            assert saved.anonymous_participants == groups
            assert all(is_whole_number(group.count) for group in groups)
            return
        people = {person.resident_id: person for person in workshops.participants(
            occurrence_id, include_unregistered=True
        )}  # fmt: skip
        person = people[resident_id]
        if action == "register":
            assert result == person.status
        if action == "attendance":
            assert person.attendance == state
            assert person.arrival_time == (arrival if state == "late" else None)
            if person.arrival_time is not None:
                assert_clock_time(person.arrival_time)


@FUZZ
@given(
    name=texts,
    data=st.binary(max_size=64)
    | st.builds(bytes.__add__, st.sampled_from([b"%PDF-", b"\x89PNG\r\n\x1a\n"]), st.binary()),
)
def test_a_scan_is_kept_or_refused(centre, name, data):
    with centre.fresh() as store:
        digest = saved_or_refused(
            store.conn, lambda: store.workshops.attach_scan_data(centre.occurrence_id, name, data)
        )
        if digest is not REFUSED:
            assert store.workshops.scan(centre.occurrence_id)[::2] == (name, data)


# Skills ---------------------------------------------------------------------------------

#: Stands for the first items of the framework in use.
ITEMS = ("<item 0>", "<item 1>", "<item 2>")


@FUZZ
@given(
    call=mostly_valid(
        dict,
        valid={
            "known_framework": st.just(True),
            "resident_id": st.just(RESIDENT),
            "assessed_on": past_days.map(date.isoformat) | past_days.map("{:%Y%m%d}".format),
            "ratings": st.dictionaries(st.sampled_from(ITEMS), _known(SKILL_LEVELS), min_size=1),
            "kind": st.just("assessment"),
        },
        hostile={
            "known_framework": st.just(False),
            "resident_id": texts,
            "assessed_on": date_texts,
            "ratings": st.dictionaries(
                st.sampled_from(ITEMS) | texts, hostile_codes(SKILL_LEVELS), max_size=3
            ),
            "kind": texts,
        },
        most_hostile=2,
    ),
    framework=texts,
    version=texts,
)
@example(
    call={
        "known_framework": True,
        "resident_id": RESIDENT,
        "assessed_on": "20261101",
        "ratings": {"<item 0>": "autonomous"},
        "kind": "assessment",
    },
    framework="",
    version="",
)
def test_a_skill_assessment_is_saved_or_refused(centre, call, framework, version):
    if call["known_framework"]:
        framework, version = centre.framework, centre.version
    ratings = {centre.item(item): level for item, level in call["ratings"].items()}
    assessment = SkillAssessment(
        resident_id=centre.real(call["resident_id"]), framework=framework,
        framework_version=version, assessed_on=call["assessed_on"], ratings=ratings,
        kind=call["kind"],
    )  # fmt: skip
    with centre.fresh() as store:
        saved = saved_or_refused(
            store.conn, lambda: store.skills.record_assessment(assessment, today=TODAY)
        )
        if saved is REFUSED:
            return
        [read] = [a for a in store.skills.assessments(centre.resident_id) if a.id == saved.id]
        assert read == saved
        assert dict(read.ratings) == ratings
        assert_iso_date(read.assessed_on)
        assert date.fromisoformat(read.assessed_on) == date.fromisoformat(call["assessed_on"])


@FUZZ
@given(
    call=mostly_valid(
        dict,
        valid={
            "item": st.sampled_from(ITEMS),
            "resident_id": st.just(RESIDENT),
            "target_date": future_days.map(date.isoformat) | future_days.map("{:%Y%m%d}".format),
            "goal_id": st.just(GOAL),
            "achieved_on": st.none() | past_days,
            "remove": st.booleans(),
        },
        hostile={
            "item": texts,
            "resident_id": texts,
            "target_date": date_texts,
            "goal_id": texts,
            "achieved_on": st.dates(),
        },
        most_hostile=2,
    )
)
@example(
    call={
        "item": "<item 0>",
        "resident_id": RESIDENT,
        "target_date": "2026-W52-1",
        "goal_id": GOAL,
        "achieved_on": TODAY,
        "remove": False,
    }
)
def test_a_skill_goal_is_saved_or_refused(centre, call):
    goal = SkillGoal(
        resident_id=centre.real(call["resident_id"]), framework=centre.framework,
        framework_version=centre.version, item_id=centre.item(call["item"]),
        target_date=call["target_date"],
    )  # fmt: skip
    with centre.fresh() as store:
        saved = saved_or_refused(store.conn, lambda: store.skills.add_goal(goal, today=TODAY))
        goal_id = call["goal_id"]
        if saved is not REFUSED:
            [read] = [g for g in store.skills.goals(centre.resident_id) if g.id == saved.id]
            assert_iso_date(read.target_date)
            assert date.fromisoformat(read.target_date) == date.fromisoformat(goal.target_date)
            assert read.item_id == goal.item_id
            goal_id = saved.id if goal_id == GOAL else goal_id
        if call["remove"]:
            saved_or_refused(store.conn, lambda: store.skills.remove_goal(goal_id))
            return
        done = saved_or_refused(
            store.conn, lambda: store.skills.mark_goal_achieved(goal_id, on=call["achieved_on"])
        )
        if done is not REFUSED:
            [read] = [g for g in store.skills.goals(centre.resident_id) if g.id == goal_id]
            assert_iso_date(read.achieved_on)


# Mediators, consent, periods ----------------------------------------------------------


@FUZZ
@given(name=texts | names)
def test_a_mediator_is_saved_or_refused(centre, name):
    with centre.fresh() as store:
        mediator = saved_or_refused(store.conn, lambda: add_mediator(store, name))
        if mediator is not REFUSED:
            assert mediator.name == " ".join(name.split())
            (stored,) = store.conn.execute(
                "SELECT name FROM mediator WHERE id = ?", (mediator.id,)
            ).fetchone()
            assert stored == mediator.name


@FUZZ
@given(
    collected_on=st.dates(),
    collected_by=texts | names,
    language=texts,
    version=texts | st.just("1"),
)
def test_a_consent_statement_is_accepted_or_refused_with_a_message(
    collected_on, collected_by, language, version
):
    consent = Consent(collected_on, collected_by, language, version)
    try:
        assert check_consent(consent, TODAY) is consent
    except Exception as error:
        assert_explained(error)
        return
    assert collected_on <= TODAY
    assert collected_by.strip() and version.strip()


@FUZZ
@given(
    text=texts
    | st.from_regex(r"\d{4}-(0[1-9]|1[0-2]|Q[1-4])", fullmatch=True)
    | st.sampled_from(["0000-Q1", "9999-Q4", "2026-11", " 2026-Q4 ", "2026-Q5"])
)
@examples("text", ["0000-01", "٢٠٢٦-11"])
def test_a_period_is_read_or_refused_with_a_message(text):
    try:
        period = Period.parse(text)
    except Exception as error:
        assert_explained(error)
        return
    assert period.label == text.strip()
    assert period.label.isascii()
    assert period.start <= period.end
