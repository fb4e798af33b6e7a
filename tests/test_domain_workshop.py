"""Workshop rules: validation, series dates, rooms, registration and the waiting list."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediator_app.domain.validation import ValidationError
from mediator_app.domain.workshop import (
    REGISTERED,
    UNREGISTERED,
    WAITING,
    AnonymousCount,
    Seat,
    Workshop,
    WorkshopOccurrence,
    parse_time,
    promotions,
    series_dates,
    status_for_new_registration,
)


def workshop(**changes) -> Workshop:
    values = {"title": "Découvrir la tablette", "themes": ("prendre_en_main_du_materiel",)}
    return Workshop(**{**values, **changes})


def occurrence(**changes) -> WorkshopOccurrence:
    values = {
        "workshop_id": "w",
        "date": "2026-12-01",
        "start_time": "14:00",
        "end_time": "16:00",
        "place": "FabLab",
        "id": "o1",
    }
    return WorkshopOccurrence(**{**values, **changes})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"themes": ()}, "themes"),
        ({"themes": ("cooking",)}, "themes"),
        ({"level": "expert"}, "level"),
        ({"default_duration_min": 0}, "default_duration_min"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 501}, "capacity"),
    ],
)
def test_workshop_problems_name_the_field(changes, field):
    assert field in workshop(**changes).problems()


def test_capacity_cannot_drop_below_the_registered():
    problems = workshop(capacity=5).problems(registered=6)
    assert "6 residents are already registered" in problems["capacity"].render()
    assert workshop(capacity=6).problems(registered=6) == {}


def test_workshop_normalised_tidies_names():
    tidy = workshop(
        title="  Tablette   débutants ", facilitators=(" Awa  Diop", "", "Awa Diop")
    ).normalised()
    assert tidy.title == "Tablette débutants"
    assert tidy.facilitators == ("Awa Diop",)


def test_workshop_record_round_trip():
    original = workshop(facilitators=("Awa",), eu_funded=True, id="w1")
    record = original.to_record()
    assert record["themes"] == ["prendre_en_main_du_materiel"]
    assert Workshop.from_row({**record, "id": "w1", "eu_funded": 1}) == original


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": "1er décembre"}, "date"),
        ({"start_time": "9h"}, "start_time"),
        ({"end_time": "25:00"}, "end_time"),
        ({"start_time": "16:00", "end_time": "14:00"}, "end_time"),
        ({"start_time": "14:00", "end_time": "14:00"}, "end_time"),
        ({"place": " "}, "place"),
        ({"anonymous_participants": (AnonymousCount(0),)}, "anonymous_participants"),
        ({"anonymous_participants": (AnonymousCount(2, gender="x"),)}, "anonymous_participants"),
    ],
)
def test_occurrence_problems_name_the_field(changes, field):
    assert field in occurrence(**changes).problems()


def test_parse_time_accepts_only_hours_and_minutes():
    assert parse_time("09:05").hour == 9
    assert parse_time("9:05") is None
    assert parse_time("24:00") is None
    assert parse_time(None) is None


def test_a_day_long_occurrence_spans_morning_and_afternoon():
    assert occurrence(start_time="09:00", end_time="16:00").spans_the_day
    assert not occurrence(start_time="14:00", end_time="16:00").spans_the_day
    assert not occurrence(start_time="09:00", end_time="12:00").spans_the_day


def test_overlap_needs_the_same_room_day_and_time():
    base = occurrence()
    assert base.overlaps(occurrence(id="o2", start_time="15:00", end_time="17:00", place="fablab"))
    assert not base.overlaps(occurrence(id="o2", start_time="16:00", end_time="17:00"))
    assert not base.overlaps(occurrence(id="o2", place="Salle 2"))
    assert not base.overlaps(occurrence(id="o2", date="2026-12-02"))
    assert not base.overlaps(occurrence(id="o2", cancelled=True))
    assert not base.overlaps(base)


def test_series_steps_over_skipped_dates_and_keeps_its_length():
    dates = series_dates(date(2026, 12, 1), 4, skip=[date(2026, 12, 22)])
    assert dates == [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15), date(2026, 12, 29)]
    assert series_dates(date(2026, 12, 1), 3, every_weeks=2)[-1] == date(2026, 12, 29)


@pytest.mark.parametrize(("count", "every"), [(0, 1), (61, 1), (3, 3)])
def test_series_refuses_odd_requests(count, every):
    with pytest.raises(ValidationError):
        series_dates(date(2026, 12, 1), count, every_weeks=every)


@given(st.integers(1, 60), st.sampled_from([1, 2]), st.sets(st.integers(0, 40), max_size=10))
def test_series_always_has_its_count_and_never_a_skipped_date(count, every, skipped_weeks):
    first = date(2027, 1, 4)
    skipped = {date.fromordinal(first.toordinal() + 7 * week) for week in skipped_weeks}
    dates = series_dates(first, count, every, skipped)
    assert len(dates) == count
    assert not skipped.intersection(dates)
    assert dates == sorted(set(dates))


def seats(*spec: tuple[str, str, str, bool]) -> list[Seat]:
    return [Seat(*entry) for entry in spec]


def test_new_registration_waits_once_full_and_walk_ins_take_no_place():
    booked = seats(("a", REGISTERED, "1", False), ("b", REGISTERED, "2", False))
    assert status_for_new_registration(booked, capacity=2) == WAITING
    assert status_for_new_registration(booked, capacity=3) == REGISTERED
    with_walk_in = seats(("a", REGISTERED, "1", False), ("w", REGISTERED, "2", True))
    assert status_for_new_registration(with_walk_in, capacity=2) == REGISTERED


def test_waiting_list_moves_up_first_come_first_served():
    state = seats(
        ("a", REGISTERED, "1", False),
        ("late", WAITING, "5", False),
        ("early", WAITING, "3", False),
        ("gone", UNREGISTERED, "2", False),
    )
    assert promotions(state, capacity=2) == ["early"]
    assert promotions(state, capacity=3) == ["early", "late"]
    assert promotions(state, capacity=1) == []


# Found by fuzzing (tests/test_fuzz_validators.py)


@pytest.mark.parametrize("text", ["14:00\n", "1٤:00", "14:0٠", "１４:００"])
def test_a_time_is_written_with_ascii_digits_and_nothing_after(text):
    assert parse_time(text) is None
    occurrence = WorkshopOccurrence(
        workshop_id="w", date="2026-11-30", start_time=text, place="FabLab"
    )
    with pytest.raises(ValidationError) as refused:
        occurrence.validated()
    assert set(refused.value.problems) == {"start_time"}


@pytest.mark.parametrize("field", ["capacity", "default_duration_min"])
@pytest.mark.parametrize("number", [2.5, 12.0, float("nan")])
def test_a_capacity_or_duration_that_is_not_a_whole_number_is_refused(field, number):
    with pytest.raises(ValidationError) as refused:
        workshop(**{field: number}).validated()
    assert set(refused.value.problems) == {field}


def test_anonymous_participants_are_counted_in_whole_numbers():
    assert AnonymousCount(2.5).problems()
    assert not AnonymousCount(2).problems()


def test_a_series_has_a_whole_number_of_sessions():
    with pytest.raises(ValidationError) as refused:
        series_dates(date(2026, 11, 30), 2.5)
    assert set(refused.value.problems) == {"count"}


def test_a_series_that_would_end_after_the_calendar_is_refused():
    assert series_dates(date(9999, 12, 20), 2) == [date(9999, 12, 20), date(9999, 12, 27)]
    with pytest.raises(ValidationError) as refused:
        series_dates(date(9999, 12, 20), 3, every_weeks=2)
    assert set(refused.value.problems) == {"date"}
