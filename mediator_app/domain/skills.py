"""Digital skills over time: a framework of observable items (mapped to DigComp), the
assessments that rate them, the goals a resident works towards, and the progress read
from them.

A framework is data (``resources/frameworks/*.json``), identified by its name and
version; every assessment keeps both, so a new framework or version never changes what
an old assessment meant.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from mediator_app.domain.codes import CodeList
from mediator_app.domain.markers import N_
from mediator_app.domain.validation import Problem, ValidationError, parse_day

SKILL_LEVELS = CodeList(
    "skill_level",
    (
        ("not_yet", N_("Not yet")),
        ("with_guidance", N_("With guidance")),
        ("with_help", N_("With help when needed")),
        ("autonomous", N_("Autonomous")),
    ),
)
#: A level's rank: progress is a higher rank on a later assessment.
LEVEL_RANK = {code: rank for rank, code in enumerate(SKILL_LEVELS.codes)}

#: La Coop's autonomy of a session, read as a skill level (an observation).
AUTONOMY_TO_LEVEL = {
    "entierement_accompagne": "with_guidance",
    "partiellement_autonome": "with_help",
    "autonome": "autonomous",
}

DIGCOMP_COMPETENCES = frozenset(
    f"{area}.{number}"
    for area, count in ((1, 3), (2, 6), (3, 4), (4, 4), (5, 4))
    for number in range(1, count + 1)
)
FRAMEWORK_LANGUAGES = ("en", "fr", "es", "it", "pt")


class FrameworkError(ValueError):
    """A framework file that cannot be used: what is wrong, for the person who wrote it."""


@dataclass(frozen=True)
class SkillItem:
    id: str
    area_id: str
    digcomp: tuple[str, ...]
    labels: Mapping[str, str]

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["en"]


@dataclass(frozen=True)
class SkillArea:
    id: str
    titles: Mapping[str, str]
    items: tuple[SkillItem, ...]

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles["en"]


@dataclass(frozen=True)
class Framework:
    """A versioned checklist of skills, grouped in areas."""

    name: str
    version: str
    titles: Mapping[str, str]
    areas: tuple[SkillArea, ...]
    _items: Mapping[str, SkillItem] = field(default_factory=dict, repr=False, compare=False)
    #: The items a session of each La Coop theme lets a mediator observe.
    observed_by_themes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def observed_items(self, themes: Iterable[str]) -> list[str]:
        """The items a session on ``themes`` shows, each once."""
        found: dict[str, None] = {}
        for theme in themes:
            found.update(dict.fromkeys(self.observed_by_themes.get(theme, ())))
        return list(found)

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.version)

    @property
    def items(self) -> tuple[SkillItem, ...]:
        return tuple(item for area in self.areas for item in area.items)

    def item(self, item_id: str) -> SkillItem:
        try:
            return self._items[item_id]
        except KeyError:
            raise KeyError(f"{item_id!r} is not an item of {self.name} {self.version}") from None

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles["en"]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Framework:
        """Build and check a framework; raises ``FrameworkError`` saying what is wrong."""
        try:
            areas = tuple(
                SkillArea(
                    id=area["id"],
                    titles=_languages(area["title"], f"area {area['id']}"),
                    items=tuple(
                        SkillItem(
                            id=item["id"],
                            area_id=area["id"],
                            digcomp=tuple(item["digcomp"]),
                            labels=_languages(item["label"], f"item {item['id']}"),
                        )
                        for item in area["items"]
                    ),
                )
                for area in data["areas"]
            )
            name, version = str(data["framework"]), str(data["version"])
            titles = _languages(data["title"], "the framework")
        except (KeyError, TypeError) as error:
            raise FrameworkError(f"missing or malformed entry: {error}") from error
        items: dict[str, SkillItem] = {}
        for item in (item for area in areas for item in area.items):
            if item.id in items:
                raise FrameworkError(f"item {item.id} appears twice")
            unknown = set(item.digcomp) - DIGCOMP_COMPETENCES
            if not item.digcomp or unknown:
                raise FrameworkError(f"item {item.id}: DigComp competences {sorted(unknown)}")
            items[item.id] = item
        if not items:
            raise FrameworkError("a framework needs at least one item")
        observed = {
            str(theme): tuple(item_ids)
            for theme, item_ids in dict(data.get("observed_by_themes", {})).items()
        }
        for theme, item_ids in observed.items():
            unknown = set(item_ids) - items.keys()
            if unknown:
                raise FrameworkError(f"theme {theme} observes unknown items {sorted(unknown)}")
        return cls(name, version, titles, areas, items, observed)

    @classmethod
    def load(cls, path: Path) -> Framework:
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, RecursionError) as error:
            raise FrameworkError(f"{path.name}: {error}") from error


def _languages(texts: Any, owner: str) -> dict[str, str]:
    if not isinstance(texts, dict) or not texts.get("en"):
        raise FrameworkError(f"{owner} needs at least an English text")
    return {language: str(texts[language]) for language in texts}


class FrameworkRegistry:
    """Every framework version this installation knows, by name and version."""

    def __init__(self, frameworks: Iterable[Framework]):
        self._by_key = {framework.key: framework for framework in frameworks}

    @classmethod
    def from_folder(cls, folder: Path) -> FrameworkRegistry:
        return cls(Framework.load(path) for path in sorted(folder.glob("*.json")))

    def get(self, name: str, version: str) -> Framework:
        """The framework an assessment refers to; ``ValidationError`` if unknown."""
        try:
            return self._by_key[(name, version)]
        except KeyError:
            raise ValidationError(
                {
                    "framework": Problem(
                        N_(
                            "This assessment uses the skills framework %(name)s %(version)s, "
                            "which this version of Passerelle does not know. Install the "
                            "version that brings it."
                        ),
                        {"name": name, "version": version},
                    )
                }
            ) from None

    def latest(self, name: str) -> Framework:
        versions = [framework for key, framework in self._by_key.items() if key[0] == name]
        if not versions:
            raise KeyError(name)
        return max(versions, key=lambda framework: _version_key(framework.version))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


@dataclass(frozen=True)
class SkillAssessment:
    """What a mediator observed of a resident's skills on one day; items left out were
    skipped."""

    resident_id: str
    framework: str
    framework_version: str
    assessed_on: str
    ratings: Mapping[str, str]
    kind: str = "assessment"
    mediator_id: str | None = None
    id: str = ""

    def problems(self, framework: Framework, today: date) -> dict[str, Problem]:
        found: dict[str, Problem] = {}
        if not self.ratings:
            found["ratings"] = Problem(N_("Set at least one skill before saving."))
        for item_id, level in self.ratings.items():
            if item_id not in {item.id for item in framework.items}:
                found["ratings"] = Problem(
                    N_("%(item)s is not a skill of this framework."), {"item": item_id}
                )
            elif level not in SKILL_LEVELS:
                found["ratings"] = Problem(N_("Choose a level from the list."))
        assessed_on = parse_day(self.assessed_on)
        if assessed_on is None:
            found["assessed_on"] = Problem(N_("Enter the date of the assessment."))
        elif assessed_on > today:
            found["assessed_on"] = Problem(N_("An assessment cannot be in the future."))
        return found

    def validated(self, framework: Framework, today: date) -> SkillAssessment:
        """The assessment, its date written ``2026-11-29``; raises ``ValidationError``."""
        problems = self.problems(framework, today)
        if problems:
            raise ValidationError(problems)
        assessed_on = _iso(self.assessed_on)
        return self if assessed_on == self.assessed_on else replace(self, assessed_on=assessed_on)


@dataclass(frozen=True)
class SkillGoal:
    """A skill a resident works towards, by a date."""

    resident_id: str
    framework: str
    framework_version: str
    item_id: str
    target_date: str
    achieved_on: str | None = None
    id: str = ""

    def problems(self, framework: Framework, today: date) -> dict[str, Problem]:
        found: dict[str, Problem] = {}
        if self.item_id not in {item.id for item in framework.items}:
            found["item_id"] = Problem(N_("Choose a skill from the list."))
        target_date = parse_day(self.target_date)
        if target_date is None:
            found["target_date"] = Problem(N_("Enter the target date."))
        elif target_date < today:
            found["target_date"] = Problem(N_("The target date cannot be in the past."))
        return found

    def validated(self, framework: Framework, today: date) -> SkillGoal:
        """The goal, its target date written ``2026-11-29``; raises ``ValidationError``."""
        problems = self.problems(framework, today)
        if problems:
            raise ValidationError(problems)
        return replace(self, target_date=_iso(self.target_date))


def _iso(text: str) -> str:
    """A valid date in the one spelling the store compares: ``2026-11-29``."""
    day = parse_day(text)
    assert day is not None, "validated before"
    return day.isoformat()


@dataclass(frozen=True)
class Observation:
    """A level seen during a support session (its autonomy), not assessed."""

    item_id: str
    level: str
    observed_on: str


def observations_from_sessions(
    framework: Framework, sessions: Iterable[tuple[str, Sequence[str], str | None]]
) -> dict[str, Observation]:
    """Each item's latest observation from ``(date, themes, autonomy)`` of sessions."""
    seen: dict[str, Observation] = {}
    for day, themes, autonomy in sorted(sessions, key=lambda session: session[0]):
        level = AUTONOMY_TO_LEVEL.get(autonomy or "")
        if level is None:
            continue
        for item_id in framework.observed_items(themes):
            seen[item_id] = Observation(item_id, level, day)
    return seen


def latest_ratings(assessments: Sequence[SkillAssessment]) -> dict[str, str]:
    """Each item's most recent level, assessments taken in date order."""
    ratings: dict[str, str] = {}
    for assessment in sorted(assessments, key=lambda a: a.assessed_on):
        ratings.update(assessment.ratings)
    return ratings


def area_scores(framework: Framework, ratings: Mapping[str, str]) -> dict[str, float | None]:
    """Each area's mean rank (0 = not yet … 3 = autonomous) over its rated items;
    ``None`` for an area with no rated item."""
    scores: dict[str, float | None] = {}
    for area in framework.areas:
        ranks = [LEVEL_RANK[ratings[item.id]] for item in area.items if item.id in ratings]
        scores[area.id] = sum(ranks) / len(ranks) if ranks else None
    return scores


def items_gained(first: Mapping[str, str], now: Mapping[str, str]) -> list[str]:
    """Items whose level rose since the first assessment."""
    return [
        item_id
        for item_id, level in now.items()
        if item_id in first and LEVEL_RANK[level] > LEVEL_RANK[first[item_id]]
    ]


@dataclass(frozen=True)
class ProgressPoint:
    """The levels per area as known on one assessment day: every rating up to that day,
    each item at its latest level."""

    day: str
    scores: Mapping[str, float | None]


def progress_timeline(
    framework: Framework, assessments: Sequence[SkillAssessment]
) -> list[ProgressPoint]:
    """One point per assessment day, oldest first: what a chart of progress draws. Items
    are carried forward, so re-assessing a few items does not hide the others."""
    known: dict[str, str] = {}
    points: dict[str, ProgressPoint] = {}
    for assessment in sorted(assessments, key=lambda a: a.assessed_on):
        known.update(assessment.ratings)
        points[assessment.assessed_on] = ProgressPoint(
            assessment.assessed_on, area_scores(framework, known)
        )
    return list(points.values())
