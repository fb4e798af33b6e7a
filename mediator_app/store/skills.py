"""Skill assessments and goals of residents, and their progress over time."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from mediator_app.domain.skills import (
    Framework,
    FrameworkRegistry,
    Observation,
    ProgressPoint,
    SkillAssessment,
    SkillGoal,
    area_scores,
    items_gained,
    latest_ratings,
    observations_from_sessions,
    progress_timeline,
)
from mediator_app.paths import resources_dir
from mediator_app.store.errors import NotFoundError

if TYPE_CHECKING:
    from mediator_app.store.database import Store
    from mediator_app.store.progress_stats import CentreProgress

DEFAULT_FRAMEWORK = "passerelle-beginner"


@dataclass(frozen=True)
class Progress:
    """A resident's skills read from every assessment of one framework."""

    framework: Framework
    first: dict[str, str]
    now: dict[str, str]
    first_scores: dict[str, float | None]
    now_scores: dict[str, float | None]
    gained: list[str]
    assessments: int
    #: Levels seen in support sessions (their autonomy), shown as observed, not assessed.
    observed: dict[str, Observation]
    #: The levels per area on each assessment day, oldest first.
    timeline: list[ProgressPoint] = field(default_factory=list)


class Skills:
    """Assessments and goals of a store's residents."""

    def __init__(self, store: Store, registry: FrameworkRegistry | None = None):
        self._store = store
        self._registry = registry

    @property
    def registry(self) -> FrameworkRegistry:
        if self._registry is None:
            self._registry = FrameworkRegistry.from_folder(resources_dir() / "frameworks")
        return self._registry

    def current_framework(self) -> Framework:
        return self.registry.latest(DEFAULT_FRAMEWORK)

    def record_assessment(
        self, assessment: SkillAssessment, today: date | None = None
    ) -> SkillAssessment:
        """Validate and save an assessment; nothing is saved when it is not right."""
        framework = self.registry.get(assessment.framework, assessment.framework_version)
        valid = assessment.validated(framework, today or date.today())
        resident_id = self._store.residents.shown(valid.resident_id)
        with self._store.write() as writer:
            assessment_id = writer.insert(
                "skill_assessment",
                {
                    "resident_id": resident_id,
                    "framework": valid.framework,
                    "framework_version": valid.framework_version,
                    "assessed_on": valid.assessed_on,
                    "kind": valid.kind,
                    "ratings": dict(valid.ratings),
                    "mediator_id": valid.mediator_id or self._store.mediator_id,
                },
            )
        return replace(valid, id=assessment_id, resident_id=resident_id)

    def assessments(self, resident_id: str, framework: str | None = None) -> list[SkillAssessment]:
        """A resident's assessments, oldest first."""
        condition, params = "WHERE resident_id = ?", [resident_id]
        if framework is not None:
            condition += " AND framework = ?"
            params.append(framework)
        rows = self._store.conn.execute(
            "SELECT id, resident_id, framework, framework_version, assessed_on, ratings, kind, "
            f"mediator_id FROM skill_assessment {condition} ORDER BY assessed_on, created_at",
            params,
        ).fetchall()
        return [
            SkillAssessment(
                resident_id=row[1],
                framework=row[2],
                framework_version=row[3],
                assessed_on=row[4],
                ratings=json.loads(row[5]),
                kind=row[6],
                mediator_id=row[7],
                id=row[0],
            )
            for row in rows
        ]

    def progress(self, resident_id: str, framework_name: str = DEFAULT_FRAMEWORK) -> Progress:
        """Levels per area at the first assessment and now, and the items gained. Reads
        assessments of every known version of the framework; an unknown version is
        refused with a clear message rather than misread."""
        found = self.assessments(resident_id, framework_name)
        for assessment in found:
            self.registry.get(assessment.framework, assessment.framework_version)
        framework = self.registry.latest(framework_name)
        first = dict(found[0].ratings) if found else {}
        now = latest_ratings(found)
        sessions = [
            (row[0], json.loads(row[1]), row[2])
            for row in self._store.conn.execute(
                "SELECT date, themes, autonomy FROM support_session "
                "WHERE resident_id = ? AND autonomy IS NOT NULL",
                (resident_id,),
            )
        ]
        return Progress(
            framework=framework,
            first=first,
            now=now,
            first_scores=area_scores(framework, first),
            now_scores=area_scores(framework, now),
            gained=items_gained(first, now),
            assessments=len(found),
            observed=observations_from_sessions(framework, sessions),
            timeline=progress_timeline(framework, found),
        )

    def centre_progress(
        self, start: date, end: date, framework_name: str = DEFAULT_FRAMEWORK
    ) -> CentreProgress:
        """The centre's progress over ``start``..``end`` (both included), as defined on
        ``CentreProgress``; an unknown framework version is refused, as in ``progress``."""
        # Imported here: progress_stats imports this module.
        from mediator_app.store.progress_stats import centre_progress

        return centre_progress(self._store.conn, self.registry, start, end, framework_name)

    def add_goal(self, goal: SkillGoal, today: date | None = None) -> SkillGoal:
        framework = self.registry.get(goal.framework, goal.framework_version)
        goal = goal.validated(framework, today or date.today())
        resident_id = self._store.residents.shown(goal.resident_id)
        with self._store.write() as writer:
            goal_id = writer.insert(
                "skill_goal",
                {
                    "resident_id": resident_id,
                    "framework": goal.framework,
                    "framework_version": goal.framework_version,
                    "item_id": goal.item_id,
                    "target_date": goal.target_date,
                    "achieved_on": None,
                },
            )
        return replace(goal, id=goal_id, resident_id=resident_id)

    def mark_goal_achieved(self, goal_id: str, on: date | None = None) -> None:
        if not self._store.conn.execute(
            "SELECT 1 FROM skill_goal WHERE id = ?", (goal_id,)
        ).fetchone():
            raise NotFoundError(id=goal_id)
        with self._store.write() as writer:
            writer.update("skill_goal", goal_id, {"achieved_on": (on or date.today()).isoformat()})

    def remove_goal(self, goal_id: str) -> None:
        """Remove a goal set by mistake or given up; its skill's ratings stay."""
        if not self._store.conn.execute(
            "SELECT 1 FROM skill_goal WHERE id = ?", (goal_id,)
        ).fetchone():
            raise NotFoundError(id=goal_id)
        with self._store.write() as writer:
            writer.delete("skill_goal", goal_id)

    def goals(self, resident_id: str, open_only: bool = False) -> list[SkillGoal]:
        """A resident's goals, the nearest target first."""
        condition = " AND achieved_on IS NULL" if open_only else ""
        rows = self._store.conn.execute(
            "SELECT id, resident_id, framework, framework_version, item_id, target_date, "
            f"achieved_on FROM skill_goal WHERE resident_id = ?{condition} "
            "ORDER BY target_date",
            (resident_id,),
        ).fetchall()
        return [SkillGoal(*row[1:], id=row[0]) for row in rows]
