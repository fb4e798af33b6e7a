"""Centre-wide inclusion progress over a period: who moved up a level, in which areas,
and where residents stand at the end of the period.

Read with one query over the assessments of one framework name, ordered by resident and
date; each row's ratings are parsed once. Assessments of every version of the framework
are read, through the items they share with its latest version.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter

from mediator_app.domain.skills import LEVEL_RANK, SKILL_LEVELS, FrameworkRegistry, area_scores
from mediator_app.store.driver import sqlite3
from mediator_app.store.skills import DEFAULT_FRAMEWORK

# Merged residents are pointers to the record they were merged into: their rows are
# left out, so that nobody is counted twice.
_ASSESSMENTS_SQL = (
    "SELECT a.resident_id, a.framework_version, a.assessed_on, a.ratings "
    "FROM skill_assessment AS a JOIN resident AS r ON r.id = a.resident_id "
    "WHERE a.framework = ? AND a.assessed_on <= ? AND r.merged_into IS NULL "
    "ORDER BY a.resident_id, a.assessed_on, a.created_at"
)


@dataclass(frozen=True)
class CentreProgress:
    """The centre's inclusion progress for one framework over ``start``..``end``.

    Definitions (each figure is defined here and nowhere else):

    - An item's *rating at a date* is its level in the latest assessment on or before
      that date that rates it; assessments of one day are taken in the order they were
      saved. Levels rank from 0 (not yet) to 3 (autonomous).
    - ``moved_up[area]``: the residents who moved up at least one level in the area
      during the period. A resident moved up in an area when at least one item of the
      area has, in its rating at ``end``, a higher rank than its baseline. An item's
      baseline is its latest rating strictly before ``start``; an item first rated
      inside the period has its first rating in the period as baseline. So a resident
      whose ratings all fall in the period moved up when a later assessment in the
      period raised an item; an item that went down, or was rated only once, is not a
      move up.
    - ``moved_up_any``: the distinct residents who moved up in at least one area.
    - ``assessed``: the residents with at least one assessment of this framework dated
      inside the period (``start`` and ``end`` included).
    - ``distribution[area][level]``: the residents at each level in the area at
      ``end``. A resident's level in an area is the level whose rank is nearest the mean
      rank of the area's rated items (each at its rating at ``end``), a mean halfway
      between two levels going to the higher one (rank = floor(mean + 0.5)). Residents
      with no rated item in the area are not counted in it.

    Areas and items are those of the framework's latest version (``version``); ratings
    saved under an older version count for the items it shares with the latest one,
    other items are ignored. Residents merged into another record are left out.
    """

    framework: str
    #: The version whose areas and items the figures use: the latest one known.
    version: str
    start: date
    end: date
    moved_up: dict[str, int]
    moved_up_any: int
    assessed: int
    distribution: dict[str, dict[str, int]]


def centre_progress(
    conn: sqlite3.Connection,
    registry: FrameworkRegistry,
    start: date,
    end: date,
    framework_name: str = DEFAULT_FRAMEWORK,
) -> CentreProgress:
    """The figures of ``CentreProgress`` (see its definitions) for ``start``..``end``.

    Raises the registry's ``ValidationError`` when an assessment read (any dated on or
    before ``end``) uses a version of the framework this installation does not know:
    its ratings cannot be read, and figures without them would be wrong. Raises
    ``KeyError`` for a framework name the registry does not know, and ``ValueError``
    when ``start`` is after ``end``.
    """
    if start > end:
        raise ValueError(f"the period starts ({start}) after it ends ({end})")
    framework = registry.latest(framework_name)
    area_of = {item.id: area.id for area in framework.areas for item in area.items}
    codes = SKILL_LEVELS.codes
    first_day, last_day = start.isoformat(), end.isoformat()
    moved_up = {area.id: 0 for area in framework.areas}
    distribution = {area.id: dict.fromkeys(codes, 0) for area in framework.areas}
    moved_up_any = assessed = 0
    known_versions: set[str] = set()

    rows = conn.execute(_ASSESSMENTS_SQL, (framework_name, last_day))
    for _resident_id, assessments in groupby(rows, key=itemgetter(0)):
        baseline: dict[str, str] = {}
        now: dict[str, str] = {}
        assessed_in_period = False
        for _, version, assessed_on, ratings_json in assessments:
            if version not in known_versions:
                registry.get(framework_name, version)  # refuses an unknown version
                known_versions.add(version)
            ratings = json.loads(ratings_json)
            now.update(ratings)
            if assessed_on < first_day:
                baseline.update(ratings)
            else:
                # Rows come in date order: every rating before the period is in already.
                assessed_in_period = True
                for item_id, level in ratings.items():
                    baseline.setdefault(item_id, level)
        if assessed_in_period:
            assessed += 1
            areas_up = {
                area_of[item_id]
                for item_id, level in now.items()
                if item_id in area_of and LEVEL_RANK[level] > LEVEL_RANK[baseline[item_id]]
            }
            for area_id in areas_up:
                moved_up[area_id] += 1
            moved_up_any += bool(areas_up)
        for area_id, score in area_scores(framework, now).items():
            if score is not None:
                distribution[area_id][codes[math.floor(score + 0.5)]] += 1

    return CentreProgress(
        framework=framework_name,
        version=framework.version,
        start=start,
        end=end,
        moved_up=moved_up,
        moved_up_any=moved_up_any,
        assessed=assessed,
        distribution=distribution,
    )
