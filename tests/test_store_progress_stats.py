"""Centre-wide progress over a period, on constructed cases in a real database."""

from __future__ import annotations

from datetime import date

import pytest

from mediator_app.domain.resident import Resident
from mediator_app.domain.skills import Framework, FrameworkRegistry, SkillAssessment
from mediator_app.domain.validation import ValidationError
from mediator_app.store.progress_stats import CentreProgress
from mediator_app.store.skills import Skills
from tests.test_domain_skills import tiny

CONSENT = {"consent_date": "2025-01-05", "consent_version": "2026-1"}
TODAY = date(2026, 11, 29)
START, END = date(2026, 1, 1), date(2026, 6, 30)
NOBODY = {"not_yet": 0, "with_guidance": 0, "with_help": 0, "autonomous": 0}

V1 = Framework.from_json(tiny("1.0"))
# Version 2.0 drops device.wifi and adds mail.attach.
V2 = Framework.from_json(
    tiny(
        "2.0",
        areas=[
            {
                "id": "device",
                "title": {"en": "Device"},
                "items": [{"id": "device.on", "digcomp": ["5.1"], "label": {"en": "Switch on"}}],
            },
            {
                "id": "mail",
                "title": {"en": "Mail"},
                "items": [
                    {"id": "mail.send", "digcomp": ["2.1"], "label": {"en": "Send"}},
                    {"id": "mail.attach", "digcomp": ["2.1"], "label": {"en": "Attach"}},
                ],
            },
        ],
    )
)


@pytest.fixture
def service(store) -> Skills:
    return Skills(store, FrameworkRegistry([V1]))


def resident(store, first_name: str) -> str:
    return store.residents.create(
        Resident(first_name=first_name, last_name="Martin", **CONSENT), today=TODAY
    ).id


def rate(service: Skills, resident_id: str, day: str, version: str = "1.0", **ratings) -> None:
    """Record an assessment; item ids are given with ``_`` for ``.`` (device_on)."""
    service.record_assessment(
        SkillAssessment(
            resident_id, "tiny", version, day,
            {item.replace("_", ".", 1): level for item, level in ratings.items()},
        ),
        today=TODAY,
    )  # fmt: skip


def figures(service: Skills, start: date = START, end: date = END) -> CentreProgress:
    return service.centre_progress(start, end, "tiny")


def test_a_resident_who_moved_up_in_one_area_only(store, service):
    anna = resident(store, "Anna")
    rate(service, anna, "2025-10-01", device_on="not_yet", mail_send="with_help")
    rate(service, anna, "2026-03-01", device_on="with_guidance", mail_send="with_help")
    found = figures(service)
    assert found.moved_up == {"device": 1, "mail": 0}
    assert (found.moved_up_any, found.assessed) == (1, 1)
    assert (found.framework, found.version, found.start, found.end) == ("tiny", "1.0", START, END)


def test_an_item_that_went_down_is_not_a_move_up(store, service):
    bruno = resident(store, "Bruno")
    rate(service, bruno, "2025-10-01", device_on="with_help", device_wifi="with_guidance")
    rate(service, bruno, "2026-03-01", device_on="with_guidance")
    # Rated twice in the period at the same level: no move either.
    rate(service, bruno, "2026-02-01", mail_send="with_help")
    rate(service, bruno, "2026-04-01", mail_send="with_help")
    found = figures(service)
    assert found.moved_up == {"device": 0, "mail": 0}
    assert (found.moved_up_any, found.assessed) == (0, 1)


def test_the_baseline_is_before_the_period_or_else_its_first_rating_in_it(store, service):
    # Only rated inside the period: its first rating there is the baseline.
    chloe = resident(store, "Chloé")
    rate(service, chloe, "2026-02-01", device_on="not_yet")
    rate(service, chloe, "2026-05-01", device_on="with_help")
    # Autonomous the day before the period: rising within the period is no move up.
    david = resident(store, "David")
    rate(service, david, "2025-12-31", device_on="autonomous")
    rate(service, david, "2026-01-01", device_on="not_yet")
    rate(service, david, "2026-05-01", device_on="with_help")
    # A rating on the first day belongs to the period, and one on the last day counts.
    emma = resident(store, "Emma")
    rate(service, emma, "2026-01-01", device_on="not_yet")
    rate(service, emma, "2026-06-30", device_on="with_guidance")
    found = figures(service)
    assert found.moved_up == {"device": 2, "mail": 0}
    assert (found.moved_up_any, found.assessed) == (2, 3)


def test_assessments_after_the_end_are_ignored(store, service):
    farid = resident(store, "Farid")
    rate(service, farid, "2026-02-01", device_on="not_yet")
    rate(service, farid, "2026-08-01", device_on="autonomous")
    gina = resident(store, "Gina")
    rate(service, gina, "2026-09-01", mail_send="autonomous")
    found = figures(service)
    assert found.moved_up == {"device": 0, "mail": 0}
    assert (found.moved_up_any, found.assessed) == (0, 1)
    assert found.distribution == {"device": {**NOBODY, "not_yet": 1}, "mail": NOBODY}
    later = figures(service, end=date(2026, 9, 30))
    assert later.moved_up == {"device": 1, "mail": 0}
    assert later.assessed == 2
    assert later.distribution == {
        "device": {**NOBODY, "autonomous": 1},
        "mail": {**NOBODY, "autonomous": 1},
    }


def test_assessments_before_the_period_count_in_the_distribution_only(store, service):
    hugo = resident(store, "Hugo")
    rate(service, hugo, "2025-03-01", device_on="not_yet")
    rate(service, hugo, "2025-09-01", device_on="autonomous")
    found = figures(service)
    assert (found.moved_up_any, found.assessed) == (0, 0)
    assert found.distribution["device"] == {**NOBODY, "autonomous": 1}


def test_an_area_level_is_the_mean_rank_rounded_half_up(store, service):
    for name, on, wifi in (
        ("Inès", "with_guidance", "with_help"),  # mean 1.5: with help
        ("Jules", "not_yet", "with_guidance"),  # mean 0.5: with guidance
        ("Kenza", "with_help", "autonomous"),  # mean 2.5: autonomous
        ("Léo", "not_yet", "not_yet"),  # mean 0: not yet
    ):
        rate(service, resident(store, name), "2026-02-01", device_on=on, device_wifi=wifi)
    # Carried forward from before the period, with one item re-rated in it: mean 1.
    maya = resident(store, "Maya")
    rate(service, maya, "2025-05-01", device_on="with_guidance", device_wifi="autonomous")
    rate(service, maya, "2026-03-01", device_wifi="with_guidance", mail_send="with_help")
    found = figures(service)
    assert found.distribution == {
        "device": {"not_yet": 1, "with_guidance": 2, "with_help": 1, "autonomous": 1},
        # Residents with no rated item of an area are not counted in it.
        "mail": {**NOBODY, "with_help": 1},
    }


def test_older_versions_count_through_the_items_the_latest_shares(store):
    service = Skills(store, FrameworkRegistry([V2, V1]))
    nadia = resident(store, "Nadia")
    rate(service, nadia, "2025-11-01", device_on="not_yet", device_wifi="not_yet",
         mail_send="with_guidance")  # fmt: skip
    rate(service, nadia, "2026-03-01", version="2.0", device_on="with_help",
         mail_attach="autonomous")  # fmt: skip
    # device.wifi is not in 2.0: its rise is ignored, but the assessments were made.
    oscar = resident(store, "Oscar")
    rate(service, oscar, "2026-02-01", device_wifi="not_yet")
    rate(service, oscar, "2026-04-01", device_wifi="autonomous")
    found = figures(service)
    assert found.version == "2.0"
    assert found.moved_up == {"device": 1, "mail": 0}
    assert (found.moved_up_any, found.assessed) == (1, 2)
    assert found.distribution == {
        "device": {**NOBODY, "with_help": 1},
        "mail": {**NOBODY, "with_help": 1},  # mean of 1 and 3
    }


def test_an_unknown_version_is_refused_not_misread(store, service):
    pablo = resident(store, "Pablo")
    rate(service, pablo, "2026-02-01", device_on="not_yet")
    # Written by a newer desk, with a version this one does not know:
    with store.write() as writer:
        writer.insert(
            "skill_assessment",
            {"resident_id": pablo, "framework": "tiny", "framework_version": "9.0",
             "assessed_on": "2026-05-01", "kind": "assessment",
             "ratings": {"device.on": "autonomous"}, "mediator_id": None},
        )  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        figures(service)
    assert "tiny 9.0" in raised.value.problems["framework"].render()
    # A period that ends before it does not read it.
    assert figures(service, end=date(2026, 4, 30)).assessed == 1


def test_a_merged_resident_is_counted_once(store, service):
    quentin, remi = resident(store, "Quentin"), resident(store, "Rémi")
    for person in (quentin, remi):
        rate(service, person, "2026-02-01", device_on="not_yet")
        rate(service, person, "2026-05-01", device_on="with_help")
    assert (figures(service).moved_up_any, figures(service).assessed) == (2, 2)
    store.residents.merge(quentin, remi)
    found = figures(service)
    assert (found.moved_up_any, found.assessed) == (1, 1)
    assert sum(found.distribution["device"].values()) == 1


def test_the_figures_are_read_with_one_query(store, service):
    for name in ("Sarah", "Théo", "Ugo"):
        person = resident(store, name)
        rate(service, person, "2025-10-01", device_on="not_yet")
        rate(service, person, "2026-03-01", device_on="with_guidance")
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        found = figures(service)
    finally:
        store.conn.set_trace_callback(None)
    assert found.moved_up_any == 3
    assert len([s for s in statements if "skill_assessment" in s]) == 1


def test_the_store_reads_the_shipped_framework_by_default(store):
    found = store.skills.centre_progress(START, END)
    framework = store.skills.current_framework()
    assert found.framework == framework.name and found.version == framework.version
    assert list(found.moved_up) == [area.id for area in framework.areas]
    assert found.moved_up_any == found.assessed == 0
    assert all(counts == NOBODY for counts in found.distribution.values())
    with pytest.raises(ValueError):
        store.skills.centre_progress(END, START)
