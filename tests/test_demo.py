"""The demonstration centre: sizes, reproducibility, validity, variety, the change log
and cancellation."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from mediator_app.demo import DemoSummary, generate_demo
from mediator_app.demo import generator as demo_generator
from mediator_app.domain.codes import AUTONOMY_LEVELS
from mediator_app.domain.resident import CONSENT_TEXT_VERSION, Resident
from mediator_app.domain.session import SupportSession
from mediator_app.domain.text import fold, name_words
from mediator_app.store import Store, open_store
from mediator_app.store.mediators import active_mediators

TODAY = date(2026, 11, 27)  # a Friday
RESIDENTS = 150
SESSIONS = 1200


def _generate(path: Path, **options: Any) -> tuple[Store, DemoSummary]:
    store = open_store(path)
    options.setdefault("residents", RESIDENTS)
    options.setdefault("sessions", SESSIONS)
    options.setdefault("today", TODAY)
    return store, generate_demo(store, **options)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, DemoSummary]]:
    store, summary = _generate(tmp_path_factory.mktemp("demo") / "demo.db", seed=7)
    yield store, summary
    store.close()


def _rows(store: Store, sql: str) -> list[dict[str, Any]]:
    cursor = store.conn.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _residents(store: Store) -> list[Resident]:
    return [Resident.from_row(row) for row in _rows(store, "SELECT * FROM resident")]


def _sessions(store: Store) -> list[SupportSession]:
    sessions = []
    for row in _rows(store, "SELECT * FROM support_session"):
        row["themes"] = json.loads(row["themes"])
        row["admin_themes"] = json.loads(row["admin_themes"])
        sessions.append(SupportSession.from_row(row))
    return sessions


def _content(store: Store) -> list[Any]:
    """Everything generated, in writing order, without ids and timestamps: a session's
    resident and mediator are given by their names."""
    skipped = {"id", "created_at", "updated_at", "resident_id", "mediator_id"}
    mediators = [row[0] for row in store.conn.execute("SELECT name FROM mediator ORDER BY rowid")]
    residents = [
        {key: value for key, value in row.items() if key not in skipped}
        for row in _rows(store, "SELECT * FROM resident ORDER BY rowid")
    ]
    sessions = [
        {key: value for key, value in row.items() if key not in skipped}
        for row in _rows(
            store,
            "SELECT s.*, r.first_name AS resident_first, r.last_name AS resident_last, "
            "r.birth_year AS resident_birth_year, m.name AS mediator "
            "FROM support_session s LEFT JOIN resident r ON r.id = s.resident_id "
            "JOIN mediator m ON m.id = s.mediator_id ORDER BY s.rowid",
        )
    ]
    return [mediators, residents, sessions]


def _count(store: Store, sql: str) -> int:
    return store.conn.execute(sql).fetchone()[0]


def test_counts_match_the_request(demo: tuple[Store, DemoSummary]) -> None:
    store, summary = demo
    anonymous = _count(store, "SELECT COUNT(*) FROM support_session WHERE resident_id IS NULL")
    assert summary.residents == RESIDENTS == _count(store, "SELECT COUNT(*) FROM resident")
    assert summary.sessions == SESSIONS == _count(store, "SELECT COUNT(*) FROM support_session")
    assert summary.anonymous_visits == anonymous == round(SESSIONS * 0.08)
    assert 3 <= summary.mediators <= 4
    assert summary.mediators == _count(store, "SELECT COUNT(*) FROM mediator")
    desk = store.desk
    assert desk is not None and desk.configured
    assert (desk.name, desk.centre_name, desk.country, desk.language) == (
        "Accueil 1",
        "Centre social AAGESC – Les Canourgues",
        "FR",
        "fr",
    )
    (first_mediator,) = store.conn.execute(
        "SELECT id FROM mediator ORDER BY rowid LIMIT 1"
    ).fetchone()
    assert desk.mediator_id == first_mediator


def test_the_same_seed_gives_the_same_content(tmp_path: Path) -> None:
    first, _ = _generate(tmp_path / "a.db", seed=3)
    second, _ = _generate(tmp_path / "b.db", seed=3)
    ids = {row[0] for row in first.conn.execute("SELECT id FROM resident")}
    assert not ids & {row[0] for row in second.conn.execute("SELECT id FROM resident")}
    assert _content(first) == _content(second)


def test_another_seed_gives_other_content(tmp_path: Path) -> None:
    first, _ = _generate(tmp_path / "a.db", seed=3)
    second, _ = _generate(tmp_path / "b.db", seed=4)
    assert _content(first) != _content(second)
    names_of = [
        {(r.first_name, r.last_name) for r in _residents(store)} for store in (first, second)
    ]
    assert names_of[0] != names_of[1]


def test_another_day_moves_the_dates(tmp_path: Path) -> None:
    store, _ = _generate(tmp_path / "a.db", seed=3, today=TODAY + timedelta(days=7))
    assert max(session.date for session in _sessions(store)) == "2026-12-04"


def test_every_resident_is_valid_as_stored(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    mediator_names = {mediator.name for mediator in active_mediators(store)}
    first_visits = dict(
        store.conn.execute(
            "SELECT resident_id, MIN(date) FROM support_session "
            "WHERE resident_id IS NOT NULL GROUP BY resident_id"
        ).fetchall()
    )
    residents = _residents(store)
    assert residents
    for resident in residents:
        assert resident.validated(TODAY) == resident, resident
        assert resident.consent_version == CONSENT_TEXT_VERSION
        assert resident.consent_language == "fr"
        assert resident.consent_collected_by in mediator_names
        assert resident.consent_date <= first_visits.get(resident.id, TODAY.isoformat())


def test_every_session_is_valid_as_stored(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    mediator_ids = {mediator.id for mediator in active_mediators(store)}
    earliest = (TODAY - timedelta(days=730)).isoformat()
    sessions = _sessions(store)
    assert len(sessions) == SESSIONS
    for session in sessions:
        assert session.validated(TODAY) == session, session
        assert session.mediator_id in mediator_ids
        assert earliest <= session.date <= TODAY.isoformat()
        assert 1 <= len(session.themes) <= 2
        day = date.fromisoformat(session.date)
        assert day == TODAY or day.weekday() < 5, session.date


def test_sessions_look_like_a_desk_s_activity(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    sessions = _sessions(store)
    admin = [s for s in sessions if s.is_admin_help]
    assert len(admin) > len(sessions) // 4
    assert all(s.admin_themes and s.procedure for s in admin)
    assert {s.duration_min for s in sessions} >= {15, 30, 45, 60, 90, 120}
    assert any(s.duration_min not in (15, 30, 45, 60, 90, 120) for s in sessions)
    places = [s.place_type for s in sessions]
    assert places.count("lieu_activite") > len(places) // 2
    assert any(s.referred and s.referral_to for s in sessions)
    assert any(s.notes for s in sessions)
    recent = sum(1 for s in sessions if s.date >= (TODAY - timedelta(days=182)).isoformat())
    oldest = sum(1 for s in sessions if s.date < (TODAY - timedelta(days=548)).isoformat())
    assert recent > oldest


def test_names_carry_accents_particles_and_long_forms(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    full_names = [r.full_name for r in _residents(store)]
    assert sum(1 for name in full_names if fold(name) != name.lower()) > len(full_names) // 5
    assert any("'" in name for name in full_names)
    assert any("-" in name for name in full_names)
    particles = {"ben", "el", "ait", "ould", "da", "dos", "de", "del", "di", "le", "lo", "der"}
    assert any(particles & set(name_words(name)[1:]) for name in full_names)
    assert any(len(name) >= 35 for name in full_names)


def test_anonymous_visits_keep_a_profile_only(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    sessions = _sessions(store)
    anonymous = [s for s in sessions if s.is_anonymous]
    assert anonymous
    assert sum(1 for s in anonymous if s.anon_age_band and s.anon_gender) > len(anonymous) // 2
    assert any(s.anon_commune for s in anonymous)
    for session in sessions:
        if not session.is_anonymous:
            assert session.anon_gender is session.anon_age_band is None
            assert session.anon_commune == ""


def test_today_has_sessions_and_follow_ups_are_due(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    assert len(store.sessions.on_day(TODAY)) >= 6
    due = [item.session for item in store.sessions.follow_ups_due(TODAY)]
    assert any(s.follow_up_date == TODAY.isoformat() for s in due)
    assert any(s.follow_up_date < TODAY.isoformat() for s in due)
    sessions = _sessions(store)
    assert any(s.follow_up_done for s in sessions)
    assert any(s.follow_up_date and s.follow_up_date > TODAY.isoformat() for s in sessions)


def test_today_has_sessions_even_on_a_sunday(tmp_path: Path) -> None:
    sunday = date(2026, 11, 29)
    store, _ = _generate(tmp_path / "a.db", residents=30, sessions=120, today=sunday)
    assert len(store.sessions.on_day(sunday)) >= 6
    other_days = {s.date for s in _sessions(store)} - {sunday.isoformat()}
    assert all(date.fromisoformat(day).weekday() < 5 for day in other_days)


def test_some_residents_have_long_histories(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    (longest,) = store.conn.execute(
        "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM support_session "
        "WHERE resident_id IS NOT NULL GROUP BY resident_id)"
    ).fetchone()
    assert longest >= 100


def test_autonomy_grows_over_a_resident_s_history(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    level = {code: rank for rank, code in enumerate(AUTONOMY_LEVELS.codes)}
    early = late = 0.0
    residents = 0
    for (resident_id,) in store.conn.execute(
        "SELECT resident_id FROM support_session WHERE resident_id IS NOT NULL "
        "GROUP BY resident_id HAVING COUNT(*) >= 10"
    ).fetchall():
        history = store.sessions.for_resident(resident_id, limit=1000)[::-1]
        ranks = [level[s.autonomy] for s in history if s.autonomy]
        third = len(ranks) // 3
        early += sum(ranks[:third]) / third
        late += sum(ranks[-third:]) / third
        residents += 1
    # Levels run from 0 to 2: on average, regulars gain a good part of a level.
    assert residents >= 10
    assert (late - early) / residents >= 0.2


def test_planted_duplicates_are_found(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    slips = 0
    for resident in _residents(store):
        for duplicate in store.residents.probable_duplicates(resident):
            other = duplicate.resident
            if (other.first_name, other.last_name) != (resident.first_name, resident.last_name):
                slips += 1
    # Each planted pair is seen from both sides.
    assert slips >= 2 * (RESIDENTS // 80)


def test_the_change_log_has_one_insert_per_row(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    # Workshops are written as at a desk: registrations, then attendance, then scans.
    assert (
        _count(
            store,
            "SELECT COUNT(*) FROM change_log WHERE op != 'insert' AND table_name IN "
            "('mediator', 'resident', 'support_session')",
        )
        == 0
    )
    for table in ("mediator", "resident", "support_session", "workshop", "registration"):
        rows = _count(store, f"SELECT COUNT(*) FROM {table}")
        logged = store.conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT row_id) FROM change_log WHERE table_name = ? "
            "AND op = 'insert'",
            (table,),
        ).fetchone()
        assert logged == (rows, rows), table
        (unlogged,) = store.conn.execute(
            f"SELECT COUNT(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM change_log c "
            "WHERE c.table_name = ? AND c.row_id = t.id AND c.op = 'insert')",
            (table,),
        ).fetchone()
        assert unlogged == 0, table


def test_the_search_index_follows_the_residents(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    assert store.residents.count() == RESIDENTS
    resident = next(r for r in _residents(store) if fold(r.last_name) != r.last_name.lower())
    hits = store.residents.search(fold(resident.last_name))
    assert resident.id in {hit.id for hit in hits}


def test_progress_is_reported_up_to_the_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    _generate(tmp_path / "a.db", residents=40, sessions=300, progress=lambda *c: calls.append(c))
    assert calls[0] == (0, 340)
    assert calls[-1] == (340, 340)
    done = [call[0] for call in calls]
    assert done == sorted(done)


def test_progress_returning_false_keeps_whole_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_generator, "BATCH_ROWS", 100)
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < 200

    store, summary = _generate(tmp_path / "a.db", residents=50, sessions=450, progress=progress)
    assert calls == [(0, 500), (100, 500), (200, 500)]
    residents = _count(store, "SELECT COUNT(*) FROM resident")
    sessions = _count(store, "SELECT COUNT(*) FROM support_session")
    assert residents + sessions == 200
    assert (summary.residents, summary.sessions) == (residents, sessions)
    mediators = _count(store, "SELECT COUNT(*) FROM mediator")
    assert _count(store, "SELECT COUNT(*) FROM change_log") == 200 + mediators
    orphans = _count(
        store,
        "SELECT COUNT(*) FROM support_session s WHERE resident_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM resident r WHERE r.id = s.resident_id)",
    )
    assert orphans == 0


def test_progress_returning_false_at_once_changes_nothing(tmp_path: Path) -> None:
    store, summary = _generate(tmp_path / "a.db", progress=lambda done, total: False)
    assert summary == DemoSummary(0, 0, 0, 0)
    assert store.desk is None
    assert _count(store, "SELECT COUNT(*) FROM change_log") == 0


def test_a_second_run_reuses_the_mediators(tmp_path: Path) -> None:
    store, first = _generate(tmp_path / "a.db", residents=20, sessions=60)
    _, second = _generate(tmp_path / "a.db", residents=20, sessions=60)
    assert first.mediators >= 3 and second.mediators == 0
    assert _count(store, "SELECT COUNT(*) FROM resident") == 40


def test_small_and_empty_requests(tmp_path: Path) -> None:
    store, summary = _generate(tmp_path / "a.db", residents=0, sessions=10)
    assert summary == DemoSummary(0, 10, 10, summary.mediators)
    store, summary = _generate(tmp_path / "b.db", residents=5, sessions=0)
    assert (summary.residents, summary.sessions) == (5, 0)
    assert all(r.validated(TODAY) == r for r in _residents(store))
    store, summary = _generate(tmp_path / "c.db", residents=30, sessions=10)
    assert _count(store, "SELECT COUNT(*) FROM support_session") == 10
    with pytest.raises(ValueError):
        generate_demo(store, residents=-1)


def test_the_demo_package_does_not_import_qt() -> None:
    code = "import sys, mediator_app.demo; sys.exit('PySide6' in sys.modules)"
    root = Path(__file__).resolve().parent.parent
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


def test_the_demo_has_workshops_past_and_upcoming(demo: tuple[Store, DemoSummary]) -> None:
    store, summary = demo
    assert summary.workshop_occurrences == _count(store, "SELECT COUNT(*) FROM workshop_occurrence")
    today = TODAY
    assert store.workshops.upcoming(today)
    assert store.workshops.sheets_not_entered(today)
    past = store.workshops.between(today - timedelta(weeks=8), today - timedelta(days=1))
    assert any(item.attended for item in past)
    assert any(item.waiting for item in store.workshops.upcoming(today, limit=500))
    assert _count(store, "SELECT COUNT(*) FROM attachment") == 1


def test_the_demo_has_skills_that_progress(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    assessed = [
        row[0]
        for row in store.conn.execute(
            "SELECT resident_id FROM skill_assessment GROUP BY resident_id HAVING COUNT(*) > 1"
        )
    ]
    assert assessed
    progressed = [store.skills.progress(resident_id) for resident_id in assessed]
    assert any(progress.gained for progress in progressed)
    for progress in progressed:
        for area, score in progress.now_scores.items():
            first = progress.first_scores[area]
            assert score is None or first is None or score >= first
    assert _count(store, "SELECT COUNT(*) FROM skill_goal") > 0
