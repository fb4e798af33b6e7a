"""Erasing a resident leaves no trace of them: not in the tables, not in the search
index, not in the values of the change log; only ids, as tombstones."""

from __future__ import annotations

from datetime import date

import pytest

from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.domain.skills import SkillAssessment, SkillGoal
from mediator_app.domain.workshop import Workshop, WorkshopOccurrence

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
TODAY = date(2026, 11, 29)


def _everything_about(store, name: str) -> dict[str, str]:
    person = store.residents.create(
        Resident(first_name=name, last_name="Oubliée", phone="06 11 22 33 44", **CONSENT),
        today=TODAY,
    )
    twin = store.residents.create(
        Resident(first_name=name, last_name="Oubliee", **CONSENT), today=TODAY
    )
    session = store.sessions.create(
        SupportSession(date="2026-11-02", duration_min=30, themes=("email",),
                       resident_id=twin.id, notes=f"{name} wants a new phone"),
        today=TODAY,
    )  # fmt: skip
    store.residents.merge(twin.id, person.id)
    framework = store.skills.current_framework()
    store.skills.record_assessment(
        SkillAssessment(person.id, framework.name, framework.version, "2026-11-10",
                        {"device.connect_wifi": "with_help"}),
        today=TODAY,
    )  # fmt: skip
    store.skills.add_goal(
        SkillGoal(person.id, framework.name, framework.version, "device.connect_wifi",
                  "2026-12-20"),
        today=TODAY,
    )  # fmt: skip
    workshop = store.workshops.create_workshop(
        Workshop(title="Tablette", themes=("prendre_en_main_du_materiel",), capacity=4)
    )
    occurrence = store.workshops.create_occurrence(
        WorkshopOccurrence(workshop_id=workshop.id, date="2026-11-20", start_time="14:00",
                           end_time="16:00", place="FabLab"),
    )  # fmt: skip
    store.workshops.register(occurrence.id, person.id)
    return {"person": person.id, "twin": twin.id, "session": session.id}


def test_erasure_removes_the_resident_and_everything_about_them(store):
    ids = _everything_about(store, "Zélie")
    kept = store.residents.create(Resident(first_name="Karim", last_name="Amrani", **CONSENT))
    store.residents.erase(ids["twin"])  # the merged record's id erases the person
    for table in ("resident", "support_session", "skill_assessment", "skill_goal",
                  "registration"):  # fmt: skip
        rows = store.conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE {'id' if table == 'resident' else 'resident_id'}"
            " IN (?, ?)",
            (ids["person"], ids["twin"]),
        ).fetchone()[0]
        assert rows == 0, table
    assert store.residents.search("zelie") == []
    assert [row.id for row in store.residents.search("karim")] == [kept.id]
    log = " ".join(row[0] for row in store.conn.execute("SELECT data FROM change_log"))
    assert "Zélie" not in log and "Oubli" not in log and "06 11 22 33 44" not in log
    assert "new phone" not in log
    tombstones = {row[0] for row in store.conn.execute("SELECT row_id FROM tombstone")}
    assert {ids["person"], ids["twin"], ids["session"]} <= tombstones
    erasures = store.conn.execute("SELECT id FROM erasure").fetchall()
    assert erasures == [(ids["person"],)]
    assert store.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_failed_erasure_changes_nothing(store, monkeypatch):
    ids = _everything_about(store, "Zélie")
    before = store.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()

    def broken(*args):
        raise OSError("disk unplugged")

    monkeypatch.setattr("mediator_app.store.search.drop_resident", broken)
    with pytest.raises(OSError):
        store.residents.erase(ids["person"])
    assert store.residents.get(ids["person"]).first_name == "Zélie"
    assert store.conn.execute("SELECT COUNT(*) FROM change_log").fetchone() == before
    assert store.conn.execute("SELECT COUNT(*) FROM tombstone").fetchone() == (0,)
