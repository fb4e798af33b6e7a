"""Skills of the demo centre: a diagnostic for some residents, re-assessed months later
with levels that rise as people grow autonomous, and a few goals."""

from __future__ import annotations

import random
from datetime import date, timedelta

from mediator_app.domain.skills import LEVEL_RANK, SKILL_LEVELS, SkillAssessment, SkillGoal
from mediator_app.store.database import Store

#: About one resident in this many gets assessments, as a centre assesses some of the
#: people it helps: a 50,000-resident centre has about 10,000 assessed residents.
RESIDENTS_PER_ASSESSED = 5
#: But at least this many, when there are as many residents: enough to show progress.
ASSESSED_MINIMUM = 120
ITEMS_PER_DIAGNOSTIC = (8, 16)


def generate_assessments(
    store: Store, rng: random.Random, today: date, resident_ids: list[str]
) -> int:
    """Add assessments and goals through the store's skills API, in one transaction;
    returns the number of assessments made."""
    if not resident_ids or store.conn.execute("SELECT 1 FROM skill_assessment").fetchone():
        return 0
    framework = store.skills.current_framework()
    items = [item.id for item in framework.items]
    wanted = max(ASSESSED_MINIMUM, len(resident_ids) // RESIDENTS_PER_ASSESSED)
    chosen = rng.sample(resident_ids, k=min(wanted, len(resident_ids)))
    made = 0
    with store.write():
        for resident_id in chosen:
            first_day = today - timedelta(days=rng.randint(120, 600))
            ratings = {
                item: rng.choice(SKILL_LEVELS.codes[:3])
                for item in rng.sample(items, k=rng.randint(*ITEMS_PER_DIAGNOSTIC))
            }
            day = first_day
            for kind in ("diagnostic", "assessment", "assessment")[: rng.randint(1, 3)]:
                store.skills.record_assessment(
                    SkillAssessment(
                        resident_id, framework.name, framework.version, day.isoformat(),
                        ratings, kind=kind,
                    ),
                    today=today,
                )  # fmt: skip
                made += 1
                ratings = _progressed(rng, ratings)
                day = min(today, day + timedelta(days=rng.randint(60, 150)))
            weakest = [item for item, level in ratings.items() if level != "autonomous"]
            if weakest and rng.random() < 0.5:
                store.skills.add_goal(
                    SkillGoal(
                        resident_id, framework.name, framework.version, rng.choice(weakest),
                        (today + timedelta(days=rng.randint(14, 90))).isoformat(),
                    ),
                    today=today,
                )  # fmt: skip
    return made


def _progressed(rng: random.Random, ratings: dict[str, str]) -> dict[str, str]:
    """Each item may move up one level; none moves down."""
    codes = SKILL_LEVELS.codes
    return {
        item: codes[min(LEVEL_RANK[level] + (rng.random() < 0.45), len(codes) - 1)]
        for item, level in ratings.items()
    }
