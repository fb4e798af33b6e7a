"""Support sessions: log, edit, duplicate, delete, history, today's work, follow-ups."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.domain.validation import ValidationError
from mediator_app.store import NotFoundError, open_store
from mediator_app.store.mediators import active_mediators, add_mediator, find_mediator

TODAY = date(2026, 3, 15)


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "passerelle.db")
    yield opened
    opened.close()


def add(store, first="Marie", last="Dupont") -> Resident:
    return store.residents.create(
        Resident(first_name=first, last_name=last, consent_date="2026-03-01"), today=TODAY
    )


def log(store, resident_id=None, day="2026-03-10", today=TODAY, **more) -> SupportSession:
    more.setdefault("themes", ("email",))
    return store.sessions.create(
        SupportSession(date=day, resident_id=resident_id, **more), today=today
    )


@pytest.fixture
def marie(store):
    return add(store)


# Create, get, update, delete


def test_create_stores_every_field(store, marie):
    mediator = add_mediator(store, "Awa")
    created = log(
        store,
        marie.id,
        duration_min=45,
        themes=("aide_aux_demarches_administratives", "email"),
        admin_themes=("logement", "argent_impots"),
        procedure="Demande APL",
        place_type="a_distance",
        device="telephone",
        autonomy="partiellement_autonome",
        referred=True,
        referral_to="aide_sociale",
        follow_up_needed=True,
        follow_up_date="2026-03-20",
        notes="Printed the receipt",
        mediator_id=mediator.id,
    )
    again = store.sessions.get(created.id)
    assert again == created
    assert again.themes == ("aide_aux_demarches_administratives", "email")
    assert again.admin_themes == ("logement", "argent_impots")
    assert again.referred is True
    assert again.follow_up_needed is True
    assert again.follow_up_done is False
    assert again.mediator_id == mediator.id
    assert again.created_at == again.updated_at != ""


def test_create_stores_the_normalised_session(store, marie):
    created = log(
        store,
        marie.id,
        themes=("email", "email"),
        admin_themes=("logement",),
        referral_to="autre",
        anon_gender="feminin",
    )
    assert created.themes == ("email",)
    assert created.admin_themes == ()
    assert created.referral_to is None
    assert created.anon_gender is None


def test_anonymous_visit_keeps_its_profile(store):
    created = log(
        store,
        None,
        anon_gender="feminin",
        anon_age_band="soixante_dix_plus",
        anon_social_status="retraite",
        anon_commune="Lyon",
    )
    assert created.is_anonymous
    assert (created.anon_gender, created.anon_age_band, created.anon_social_status) == (
        "feminin",
        "soixante_dix_plus",
        "retraite",
    )
    assert created.anon_commune == "Lyon"


def test_create_uses_the_stores_mediator_by_default(store, marie):
    awa = add_mediator(store, "Awa")
    store.mediator_id = awa.id
    assert log(store, marie.id).mediator_id == awa.id
    jorge = add_mediator(store, "Jorge")
    assert log(store, marie.id, mediator_id=jorge.id).mediator_id == jorge.id


def test_create_refuses_an_invalid_session(store, marie):
    with pytest.raises(ValidationError) as caught:
        log(store, marie.id, themes=(), duration_min=0)
    assert set(caught.value.problems) == {"themes", "duration_min"}
    assert store.sessions.count_for_resident(marie.id) == 0


def test_create_refuses_a_future_date(store, marie):
    with pytest.raises(ValidationError):
        log(store, marie.id, day="2026-03-16")
    assert log(store, marie.id, day="2026-03-16", today=date(2026, 3, 16)).date == "2026-03-16"


def test_create_for_an_unknown_resident_is_refused(store):
    with pytest.raises(NotFoundError):
        log(store, "missing")
    assert store.conn.execute("SELECT COUNT(*) FROM support_session").fetchone()[0] == 0


def test_get_unknown(store):
    with pytest.raises(NotFoundError):
        store.sessions.get("missing")


def test_update_saves_the_edit(store, marie):
    created = log(store, marie.id)
    updated = store.sessions.update(
        replace(created, duration_min=90, themes=("bureautique",), autonomy="autonome"),
        today=TODAY,
    )
    assert (updated.duration_min, updated.themes, updated.autonomy) == (
        90,
        ("bureautique",),
        "autonome",
    )
    assert updated.created_at == created.created_at
    assert store.sessions.get(created.id) == updated


def test_update_normalises(store, marie):
    created = log(
        store,
        marie.id,
        themes=("aide_aux_demarches_administratives",),
        admin_themes=("logement",),
        procedure="APL",
    )
    updated = store.sessions.update(replace(created, themes=("email",)), today=TODAY)
    assert updated.admin_themes == ()
    assert updated.procedure == ""


def test_update_refuses_invalid_values(store, marie):
    created = log(store, marie.id)
    with pytest.raises(ValidationError):
        store.sessions.update(replace(created, referred=True), today=TODAY)
    assert store.sessions.get(created.id) == created


def test_update_of_unknown_session(store):
    with pytest.raises(NotFoundError):
        store.sessions.update(
            SupportSession(id="missing", date="2026-03-10", themes=("email",)), today=TODAY
        )


def test_delete(store, marie):
    kept = log(store, marie.id, day="2026-03-01")
    gone = log(store, marie.id, day="2026-03-02")
    store.sessions.delete(gone.id)
    with pytest.raises(NotFoundError):
        store.sessions.get(gone.id)
    assert [s.id for s in store.sessions.for_resident(marie.id)] == [kept.id]
    with pytest.raises(NotFoundError):
        store.sessions.delete(gone.id)


# History


def test_history_is_newest_first_with_paging(store, marie):
    days = ["2026-01-10", "2026-03-01", "2025-11-20", "2026-02-14", "2026-03-12", "2025-12-24"]
    made = {day: log(store, marie.id, day=day).id for day in days}
    other = add(store, "Jean", "Durand")
    log(store, other.id, day="2026-03-13")
    newest_first = [made[day] for day in sorted(days, reverse=True)]
    assert [s.id for s in store.sessions.for_resident(marie.id)] == newest_first
    assert [s.id for s in store.sessions.for_resident(marie.id, 0, 2)] == newest_first[:2]
    assert [s.id for s in store.sessions.for_resident(marie.id, 2, 2)] == newest_first[2:4]
    assert [s.id for s in store.sessions.for_resident(marie.id, 4, 10)] == newest_first[4:]
    assert store.sessions.for_resident(marie.id, 6, 2) == []
    assert store.sessions.count_for_resident(marie.id) == 6
    assert store.sessions.count_for_resident(other.id) == 1


def test_history_on_the_same_day_puts_the_last_logged_first(store, marie):
    made = [log(store, marie.id, day="2026-03-10").id for _ in range(5)]
    assert [s.id for s in store.sessions.for_resident(marie.id)] == made[::-1]


def test_history_of_a_resident_without_sessions(store, marie):
    assert store.sessions.for_resident(marie.id) == []
    assert store.sessions.count_for_resident(marie.id) == 0


# Today's work


def test_on_day_lists_that_days_sessions_last_logged_first(store, marie):
    jean = add(store, "Jean", "Durand")
    first = log(store, marie.id, day="2026-03-10")
    log(store, marie.id, day="2026-03-09")
    second = log(store, None, day="2026-03-10", anon_gender="masculin")
    third = log(store, jean.id, day="2026-03-10")
    rows = store.sessions.on_day(date(2026, 3, 10))
    assert [row.session.id for row in rows] == [third.id, second.id, first.id]
    assert [row.resident_name for row in rows] == ["Jean Durand", "", "Marie Dupont"]
    assert store.sessions.on_day(date(2026, 3, 11)) == []


# Follow-ups


@pytest.fixture
def follow_ups(store, marie):
    jean = add(store, "Jean", "Durand")
    return {
        "jean": jean,
        "overdue": log(
            store, marie.id, day="2026-03-01", follow_up_needed=True, follow_up_date="2026-03-05"
        ),
        "due_today": log(
            store, jean.id, day="2026-03-02", follow_up_needed=True, follow_up_date="2026-03-15"
        ),
        "later": log(
            store, marie.id, day="2026-03-03", follow_up_needed=True, follow_up_date="2026-04-01"
        ),
        "done": log(
            store,
            marie.id,
            day="2026-03-04",
            follow_up_needed=True,
            follow_up_date="2026-03-06",
            follow_up_done=True,
        ),
        "none": log(store, marie.id, day="2026-03-05"),
        "anonymous": log(
            store, None, day="2026-03-06", follow_up_needed=True, follow_up_date="2026-03-10"
        ),
    }


def test_follow_ups_due_oldest_first(store, follow_ups):
    due = store.sessions.follow_ups_due(TODAY)
    assert [row.session.id for row in due] == [
        follow_ups["overdue"].id,
        follow_ups["anonymous"].id,
        follow_ups["due_today"].id,
    ]
    assert [row.resident_name for row in due] == ["Marie Dupont", "", "Jean Durand"]


def test_follow_ups_due_by_an_earlier_day(store, follow_ups):
    due = store.sessions.follow_ups_due(date(2026, 3, 5))
    assert [row.session.id for row in due] == [follow_ups["overdue"].id]
    assert store.sessions.follow_ups_due(date(2026, 3, 4)) == []


def test_follow_ups_due_for_one_resident(store, marie, follow_ups):
    due = store.sessions.follow_ups_due(date(2026, 12, 31), resident_id=marie.id)
    assert [row.session.id for row in due] == [follow_ups["overdue"].id, follow_ups["later"].id]


def test_open_follow_ups_whatever_their_date(store, marie, follow_ups):
    open_ones = store.sessions.open_follow_ups(marie.id)
    assert [s.id for s in open_ones] == [follow_ups["overdue"].id, follow_ups["later"].id]
    assert [s.id for s in store.sessions.open_follow_ups(follow_ups["jean"].id)] == [
        follow_ups["due_today"].id
    ]


def test_marking_a_follow_up_done_closes_it(store, marie, follow_ups):
    store.sessions.set_follow_up_done(follow_ups["overdue"].id)
    assert store.sessions.get(follow_ups["overdue"].id).follow_up_done is True
    assert [s.id for s in store.sessions.open_follow_ups(marie.id)] == [follow_ups["later"].id]
    assert follow_ups["overdue"].id not in [
        row.session.id for row in store.sessions.follow_ups_due(TODAY)
    ]
    store.sessions.set_follow_up_done(follow_ups["overdue"].id, done=False)
    assert len(store.sessions.open_follow_ups(marie.id)) == 2


def test_set_follow_up_done_on_unknown_session(store):
    with pytest.raises(NotFoundError):
        store.sessions.set_follow_up_done("missing")


# Duplicate


def test_duplicate_copies_to_the_given_day(store, marie):
    original = log(
        store,
        marie.id,
        day="2026-03-01",
        duration_min=60,
        themes=("aide_aux_demarches_administratives",),
        admin_themes=("logement",),
        procedure="APL",
        autonomy="entierement_accompagne",
        device="tablette",
        notes="Brought the letter",
    )
    copy = store.sessions.duplicate(original.id, on_day=TODAY)
    assert copy.id != original.id
    assert copy.date == TODAY.isoformat()
    for field in ("resident_id", "duration_min", "themes", "admin_themes", "procedure"):
        assert getattr(copy, field) == getattr(original, field)
    assert (copy.autonomy, copy.device, copy.notes) == (
        "entierement_accompagne",
        "tablette",
        "Brought the letter",
    )
    assert store.sessions.get(original.id) == original
    assert store.sessions.count_for_resident(marie.id) == 2


def test_duplicate_defaults_to_today(store, marie):
    today = date.today()
    original = log(store, marie.id, day=(today - timedelta(days=7)).isoformat(), today=today)
    copy = store.sessions.duplicate(original.id)
    assert copy.date == today.isoformat()
    assert [row.session.id for row in store.sessions.on_day(today)] == [copy.id]


def test_duplicate_reopens_the_follow_up_and_keeps_it_after_the_session(store, marie):
    original = log(
        store,
        marie.id,
        day="2026-03-01",
        follow_up_needed=True,
        follow_up_date="2026-03-05",
        follow_up_done=True,
    )
    copy = store.sessions.duplicate(original.id, on_day=TODAY)
    assert copy.follow_up_needed is True
    assert copy.follow_up_done is False
    assert copy.follow_up_date == (TODAY + timedelta(days=4)).isoformat()


def test_duplicate_keeps_the_follow_up_delay(store, marie):
    original = log(
        store, marie.id, day="2026-03-01", follow_up_needed=True, follow_up_date="2026-04-01"
    )
    copy = store.sessions.duplicate(original.id, on_day=TODAY)
    assert copy.follow_up_date == (TODAY + timedelta(days=31)).isoformat()


def test_duplicate_is_logged_by_the_mediator_making_the_copy(store, marie):
    awa, jorge = add_mediator(store, "Awa"), add_mediator(store, "Jorge")
    store.mediator_id = awa.id
    original = log(store, marie.id, day="2026-03-01")
    store.mediator_id = jorge.id
    assert store.sessions.duplicate(original.id, on_day=TODAY).mediator_id == jorge.id
    assert store.sessions.get(original.id).mediator_id == awa.id


def test_duplicate_of_an_anonymous_visit(store):
    original = log(store, None, anon_gender="feminin", anon_commune="Lyon")
    copy = store.sessions.duplicate(original.id, on_day=TODAY)
    assert copy.is_anonymous
    assert (copy.anon_gender, copy.anon_commune) == ("feminin", "Lyon")


def test_duplicate_of_unknown_session(store):
    with pytest.raises(NotFoundError):
        store.sessions.duplicate("missing", on_day=TODAY)


# Mediators


def test_mediators(store):
    awa = add_mediator(store, "Awa")
    jorge = add_mediator(store, "Jorge")
    assert active_mediators(store) == [awa, jorge]
    assert find_mediator(store, awa.id) == awa
    assert find_mediator(store, "missing") is None
    with store.write() as writer:
        writer.update("mediator", awa.id, {"active": False})
    assert active_mediators(store) == [jorge]
    assert find_mediator(store, awa.id).active is False


# Found by fuzzing (tests/test_fuzz_validators.py)


@pytest.mark.parametrize("resident_id", ["", "no-such-resident"])
def test_an_edit_giving_a_session_an_unknown_resident_is_refused(store, marie, resident_id):
    session = log(store, marie.id)
    with pytest.raises(NotFoundError):
        store.sessions.update(replace(session, resident_id=resident_id), today=TODAY)
    assert store.sessions.get(session.id).resident_id == marie.id


def test_a_copy_whose_follow_up_would_fall_after_the_calendar_is_refused(store, marie):
    session = log(store, marie.id, follow_up_needed=True, follow_up_date="2026-03-20")
    last_day = date(9999, 12, 31)
    with pytest.raises(ValidationError) as refused:
        store.sessions.duplicate(session.id, on_day=last_day)
    assert set(refused.value.problems) == {"follow_up_date"}
    assert store.sessions.count_for_resident(marie.id) == 1
