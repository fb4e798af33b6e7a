"""Assessments and goals in a real database, through the one write path."""

from __future__ import annotations

from datetime import date

import pytest

from mediator_app.domain.resident import Resident
from mediator_app.domain.skills import Framework, FrameworkRegistry, SkillAssessment, SkillGoal
from mediator_app.domain.validation import ValidationError
from mediator_app.store.errors import NotFoundError
from mediator_app.store.skills import Skills
from tests.test_domain_skills import tiny

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
TODAY = date(2026, 11, 29)


@pytest.fixture
def skills(store):
    registry = FrameworkRegistry(
        [Framework.from_json(tiny("1.0")), Framework.from_json(tiny("2.0"))]
    )
    helene = store.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    return store, Skills(store, registry), helene


def log_size(store) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]


def test_assessments_over_time_give_progress(skills):
    store, service, helene = skills
    service.record_assessment(
        SkillAssessment(helene.id, "tiny", "1.0", "2026-02-01",
                        {"device.on": "not_yet", "mail.send": "with_guidance"}),
        today=TODAY,
    )  # fmt: skip
    service.record_assessment(
        SkillAssessment(helene.id, "tiny", "2.0", "2026-09-01", {"device.on": "autonomous"}),
        today=TODAY,
    )
    progress = service.progress(helene.id, "tiny")
    assert progress.assessments == 2
    assert progress.framework.version == "2.0"
    assert progress.first_scores == {"device": 0.0, "mail": 1.0}
    assert progress.now_scores == {"device": 3.0, "mail": 1.0}
    assert progress.gained == ["device.on"]
    assert [(point.day, point.scores) for point in progress.timeline] == [
        ("2026-02-01", {"device": 0.0, "mail": 1.0}),
        ("2026-09-01", {"device": 3.0, "mail": 1.0}),
    ]
    entry = store.conn.execute(
        "SELECT op, data FROM change_log WHERE table_name = 'skill_assessment' LIMIT 1"
    ).fetchone()
    assert entry[0] == "insert" and '"ratings":{"device.on":"not_yet"' in entry[1]


def test_an_empty_assessment_saves_nothing(skills):
    store, service, helene = skills
    before = log_size(store)
    with pytest.raises(ValidationError):
        service.record_assessment(
            SkillAssessment(helene.id, "tiny", "1.0", "2026-02-01", {}), today=TODAY
        )
    assert log_size(store) == before


def test_an_unknown_framework_version_is_named_not_misread(skills):
    store, service, helene = skills
    with pytest.raises(ValidationError) as raised:
        service.record_assessment(
            SkillAssessment(helene.id, "tiny", "9.0", "2026-02-01", {"device.on": "not_yet"}),
            today=TODAY,
        )
    assert "tiny 9.0" in raised.value.problems["framework"].render()
    # An assessment written by a newer desk, with a version this one does not know:
    with store.write() as writer:
        writer.insert(
            "skill_assessment",
            {"resident_id": helene.id, "framework": "tiny", "framework_version": "9.0",
             "assessed_on": "2026-03-01", "kind": "assessment",
             "ratings": {"device.on": "autonomous"}, "mediator_id": None},
        )  # fmt: skip
    with pytest.raises(ValidationError):
        service.progress(helene.id, "tiny")


def test_goals_are_set_listed_and_achieved(skills):
    store, service, helene = skills
    goal = service.add_goal(SkillGoal(helene.id, "tiny", "1.0", "mail.send", "2027-01-15"), TODAY)
    assert [g.item_id for g in service.goals(helene.id, open_only=True)] == ["mail.send"]
    service.mark_goal_achieved(goal.id, on=TODAY)
    assert service.goals(helene.id, open_only=True) == []
    assert service.goals(helene.id)[0].achieved_on == TODAY.isoformat()
    before = log_size(store)
    with pytest.raises(ValidationError):
        service.add_goal(SkillGoal(helene.id, "tiny", "1.0", "mail.send", "2025-01-15"), TODAY)
    assert log_size(store) == before


def test_a_goal_is_removed_through_the_change_log(skills):
    store, service, helene = skills
    goal = service.add_goal(SkillGoal(helene.id, "tiny", "1.0", "mail.send", "2027-01-15"), TODAY)
    service.remove_goal(goal.id)
    assert service.goals(helene.id) == []
    entry = store.conn.execute(
        "SELECT op, row_id FROM change_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert entry == ("delete", goal.id)
    with pytest.raises(NotFoundError):
        service.remove_goal(goal.id)


def test_a_merge_moves_assessments_and_goals_to_the_file_kept(skills):
    store, service, helene = skills
    twin = store.residents.create(Resident(first_name="Helene", last_name="Petit", **CONSENT))
    service.record_assessment(
        SkillAssessment(twin.id, "tiny", "1.0", "2026-02-01", {"device.on": "not_yet"}),
        today=TODAY,
    )
    service.record_assessment(
        SkillAssessment(helene.id, "tiny", "1.0", "2026-06-01", {"device.on": "autonomous"}),
        today=TODAY,
    )
    service.add_goal(SkillGoal(twin.id, "tiny", "1.0", "mail.send", "2027-01-15"), TODAY)
    store.residents.merge(twin.id, helene.id)
    progress = service.progress(helene.id, "tiny")
    assert progress.assessments == 2
    assert progress.first == {"device.on": "not_yet"} and progress.gained == ["device.on"]
    assert [goal.item_id for goal in service.goals(helene.id)] == ["mail.send"]
    assert service.assessments(twin.id) == [] and service.goals(twin.id) == []


def test_the_shipped_framework_is_the_stores_default(store):
    framework = store.skills.current_framework()
    assert framework.name == "passerelle-beginner"


def test_session_autonomy_shows_as_observed_not_assessed(store):
    from mediator_app.domain.session import SupportSession

    helene = store.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    store.sessions.create(
        SupportSession(
            date="2026-11-20", duration_min=30, themes=("email",), resident_id=helene.id,
            autonomy="autonome",
        ),
        today=TODAY,
    )  # fmt: skip
    progress = store.skills.progress(helene.id)
    assert progress.assessments == 0 and progress.now == {}
    observed = progress.observed["messages.write_send_email"]
    assert (observed.level, observed.observed_on) == ("autonomous", "2026-11-20")
