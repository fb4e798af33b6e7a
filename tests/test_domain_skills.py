"""Skills framework as data, assessments, goals and the progress read from them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from mediator_app.domain.skills import (
    AUTONOMY_TO_LEVEL,
    LEVEL_RANK,
    SKILL_LEVELS,
    Framework,
    FrameworkError,
    FrameworkRegistry,
    SkillAssessment,
    SkillGoal,
    area_scores,
    items_gained,
    latest_ratings,
    observations_from_sessions,
    progress_timeline,
)
from mediator_app.domain.validation import ValidationError
from mediator_app.paths import resources_dir

TODAY = date(2026, 11, 29)


def tiny(version: str = "1.0", **changes) -> dict:
    data = {
        "framework": "tiny",
        "version": version,
        "title": {"en": "Tiny", "fr": "Petit"},
        "areas": [
            {
                "id": "device",
                "title": {"en": "Device"},
                "items": [
                    {"id": "device.on", "digcomp": ["5.1"], "label": {"en": "Switch on"}},
                    {"id": "device.wifi", "digcomp": ["5.1"], "label": {"en": "Wi-Fi"}},
                ],
            },
            {
                "id": "mail",
                "title": {"en": "Mail", "fr": "Courriel"},
                "items": [{"id": "mail.send", "digcomp": ["2.1"], "label": {"en": "Send"}}],
            },
        ],
    }
    data.update(changes)
    return data


def test_levels_are_ordered_from_not_yet_to_autonomous():
    assert SKILL_LEVELS.codes == ("not_yet", "with_guidance", "with_help", "autonomous")
    assert [LEVEL_RANK[AUTONOMY_TO_LEVEL[code]] for code in AUTONOMY_TO_LEVEL] == [1, 2, 3]


def test_a_framework_reads_its_areas_items_and_languages():
    framework = Framework.from_json(tiny())
    assert framework.key == ("tiny", "1.0")
    assert [item.id for item in framework.items] == ["device.on", "device.wifi", "mail.send"]
    assert framework.item("mail.send").area_id == "mail"
    assert framework.areas[1].title("fr") == "Courriel"
    assert framework.areas[0].title("pt") == "Device"  # English when a language is missing
    with pytest.raises(KeyError):
        framework.item("mail.fax")


@pytest.mark.parametrize(
    "broken",
    [
        {"areas": []},
        {"title": {"fr": "Sans anglais"}},
        {"areas": [{"id": "a", "title": {"en": "A"}, "items": [
            {"id": "a.x", "digcomp": ["9.9"], "label": {"en": "X"}}]}]},
        {"areas": [{"id": "a", "title": {"en": "A"}, "items": [
            {"id": "a.x", "digcomp": ["1.1"], "label": {"en": "X"}},
            {"id": "a.x", "digcomp": ["1.1"], "label": {"en": "Y"}}]}]},
        {"areas": [{"id": "a", "title": {"en": "A"}}]},
    ],
)  # fmt: skip
def test_a_broken_framework_is_refused_with_a_reason(broken):
    with pytest.raises(FrameworkError):
        Framework.from_json(tiny(**broken))


def test_the_registry_keeps_every_version(tmp_path):
    for version in ("1.0", "1.10", "1.2"):
        (tmp_path / f"tiny-{version}.json").write_text(json.dumps(tiny(version)), "utf-8")
    registry = FrameworkRegistry.from_folder(tmp_path)
    assert registry.get("tiny", "1.2").version == "1.2"
    assert registry.latest("tiny").version == "1.10"
    with pytest.raises(ValidationError) as unknown:
        registry.get("tiny", "7.0")
    assert "does not know" in unknown.value.problems["framework"].render()


def test_the_shipped_framework_loads():
    registry = FrameworkRegistry.from_folder(resources_dir() / "frameworks")
    framework = registry.latest("passerelle-beginner")
    assert len(framework.items) >= 20
    for item in framework.items:
        assert all(item.labels.get(language) for language in ("en", "fr", "es", "it", "pt"))


def test_an_assessment_needs_a_rated_known_item_and_a_past_date():
    framework = Framework.from_json(tiny())
    good = SkillAssessment("r", "tiny", "1.0", "2026-11-20", {"device.on": "with_help"})
    assert good.validated(framework, TODAY) is good
    assert "ratings" in SkillAssessment("r", "tiny", "1.0", "2026-11-20", {}).problems(
        framework, TODAY
    )
    assert "ratings" in SkillAssessment(
        "r", "tiny", "1.0", "2026-11-20", {"mail.fax": "autonomous"}
    ).problems(framework, TODAY)
    assert "ratings" in SkillAssessment(
        "r", "tiny", "1.0", "2026-11-20", {"device.on": "expert"}
    ).problems(framework, TODAY)
    assert "assessed_on" in SkillAssessment(
        "r", "tiny", "1.0", "2026-12-25", {"device.on": "autonomous"}
    ).problems(framework, TODAY)


def test_a_goal_needs_a_known_item_and_a_date_to_come():
    framework = Framework.from_json(tiny())
    assert SkillGoal("r", "tiny", "1.0", "mail.send", "2027-01-15").problems(framework, TODAY) == {}
    assert "target_date" in SkillGoal("r", "tiny", "1.0", "mail.send", "2026-01-15").problems(
        framework, TODAY
    )
    assert "item_id" in SkillGoal("r", "tiny", "1.0", "mail.fax", "2027-01-15").problems(
        framework, TODAY
    )


def test_progress_reads_the_latest_level_of_each_item():
    framework = Framework.from_json(tiny())
    first = SkillAssessment(
        "r", "tiny", "1.0", "2026-01-10", {"device.on": "not_yet", "mail.send": "with_guidance"}
    )
    later = SkillAssessment("r", "tiny", "1.0", "2026-06-10", {"device.on": "autonomous"})
    now = latest_ratings([later, first])
    assert now == {"device.on": "autonomous", "mail.send": "with_guidance"}
    assert items_gained(first.ratings, now) == ["device.on"]
    assert area_scores(framework, first.ratings) == {"device": 0.0, "mail": 1.0}
    assert area_scores(framework, now) == {"device": 3.0, "mail": 1.0}
    assert area_scores(framework, {}) == {"device": None, "mail": None}


def test_the_timeline_carries_items_forward_one_point_per_day():
    framework = Framework.from_json(tiny())
    assessments = [
        SkillAssessment("r", "tiny", "1.0", "2026-06-10", {"device.on": "autonomous"}),
        SkillAssessment("r", "tiny", "1.0", "2026-01-10",
                        {"device.on": "not_yet", "device.wifi": "with_help"}),
        SkillAssessment("r", "tiny", "1.0", "2026-06-10", {"mail.send": "with_guidance"}),
    ]  # fmt: skip
    points = progress_timeline(framework, assessments)
    assert [point.day for point in points] == ["2026-01-10", "2026-06-10"]
    assert points[0].scores == {"device": 1.0, "mail": None}
    # Wi-Fi rated in January still counts in June; two assessments that day make one point.
    assert points[1].scores == {"device": 2.5, "mail": 1.0}
    assert progress_timeline(framework, []) == []


def test_sessions_give_observations_for_the_items_their_themes_show():
    framework = Framework.from_json(
        tiny(observed_by_themes={"email": ["mail.send"], "prendre_en_main_du_materiel": [
            "device.on", "device.wifi"]})
    )  # fmt: skip
    seen = observations_from_sessions(
        framework,
        [
            ("2026-05-01", ["email"], "partiellement_autonome"),
            ("2026-02-01", ["email", "prendre_en_main_du_materiel"], "entierement_accompagne"),
            ("2026-06-01", ["sante"], "autonome"),
            ("2026-07-01", ["email"], None),
        ],
    )
    assert {item: (o.level, o.observed_on) for item, o in seen.items()} == {
        "mail.send": ("with_help", "2026-05-01"),
        "device.on": ("with_guidance", "2026-02-01"),
        "device.wifi": ("with_guidance", "2026-02-01"),
    }


def test_a_theme_observing_an_unknown_item_is_refused():
    with pytest.raises(FrameworkError):
        Framework.from_json(tiny(observed_by_themes={"email": ["mail.fax"]}))


def test_the_shipped_framework_maps_themes_to_its_items():
    from mediator_app.domain.codes import THEMES

    framework = FrameworkRegistry.from_folder(resources_dir() / "frameworks").latest(
        "passerelle-beginner"
    )
    assert set(framework.observed_by_themes) <= set(THEMES.codes)
    assert framework.observed_items(["email"])


# Found by fuzzing (tests/test_fuzz_validators.py)


def test_assessment_and_goal_dates_are_kept_in_one_spelling():
    framework = Framework.from_json(tiny())
    assessment = SkillAssessment("r", "tiny", "1.0", "20261101", {"mail.send": "autonomous"})
    assert assessment.validated(framework, TODAY).assessed_on == "2026-11-01"
    goal = SkillGoal("r", "tiny", "1.0", "mail.send", "2026-W53-1")
    assert goal.validated(framework, TODAY).target_date == "2026-12-28"
    with pytest.raises(ValidationError):
        SkillGoal("r", "tiny", "1.0", "mail.send", "soon").validated(framework, TODAY)


def test_a_deeply_nested_framework_file_is_refused(tmp_path):
    path = tmp_path / "nested.json"
    path.write_text("[" * 5000, encoding="utf-8")
    with pytest.raises(FrameworkError):
        Framework.load(path)
