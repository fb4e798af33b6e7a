"""A period's figures with the previous period beside them, for a centre or, at the
coordinator's, for one centre, one country or all: what the Statistics screen and the
report show.

The key figures are listed once here, as (definition, value) pairs, so the screen and the
documents show the same ones in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from mediator_app.domain.markers import N_
from mediator_app.reports.activities import Activity, ActivityReader
from mediator_app.reports.statistics import Statistics, compute_statistics, previous_period
from mediator_app.store import Store


@dataclass(frozen=True)
class PeriodReport:
    current: Statistics
    previous: Statistics


def centre_report(
    store: Store,
    start: date,
    end: date,
    *,
    mediator_id: str | None = None,
    theme: str | None = None,
    seen: Callable[[Activity], None] | None = None,
) -> PeriodReport:
    """The centre's figures for ``start``..``end`` and for the period just before, with
    the inclusion progress of each. ``seen``, when given, is shown every activity read
    (the report's trend line counts months in the same pass)."""
    before_start, before_end = previous_period(start, end)
    reader = ActivityReader(store)  # what both periods share is read once

    def read(first: date, last: date) -> Iterator[Activity]:
        for activity in reader.between(first, last):
            if seen is not None:
                seen(activity)
            yield activity

    def figures(first: date, last: date) -> Statistics:
        found = compute_statistics(
            read(first, last),
            start=first,
            end=last,
            mediator_id=mediator_id,
            theme=theme,
        )
        return replace(found, progress=store.skills.centre_progress(first, last))

    return PeriodReport(figures(start, end), figures(before_start, before_end))


def coordinator_report(
    store: Store,
    start: date,
    end: date,
    *,
    centre_id: str | None = None,
    country: str | None = None,
    theme: str | None = None,
) -> PeriodReport:
    """The same figures from the centres' exports held by the coordinator: a person is
    counted once per centre (pseudonyms are per centre)."""
    from mediator_app.sync.coordinator import coordinator_activities

    before_start, before_end = previous_period(start, end)

    def figures(first: date, last: date) -> Statistics:
        centres: dict[int, str] = {}

        def tagged():
            for centre, activity in coordinator_activities(
                store, first, last, centre_id=centre_id, country=country
            ):
                centres[id(activity)] = centre
                yield activity

        found = compute_statistics(
            tagged(), start=first, end=last, theme=theme, centre_of=lambda a: centres[id(a)]
        )
        progress = coordinator_progress(store, first, last, centre_id=centre_id, country=country)
        return replace(found, progress=progress)

    return PeriodReport(figures(start, end), figures(before_start, before_end))


def coordinator_progress(
    store: Store,
    start: date,
    end: date,
    *,
    centre_id: str | None = None,
    country: str | None = None,
):
    """The centres' inclusion progress over the exports whose period lies within
    ``start``..``end``: residents who moved up are added over centres and periods (a
    resident moving up in two periods counts in each); the levels are each centre's at
    the end of its latest period. ``None`` when no export lies within."""
    import json

    from mediator_app.store.progress_stats import CentreProgress

    conditions = ["e.start >= ?", "e.end <= ?"]
    params: list[str] = [start.isoformat(), end.isoformat()]
    if centre_id:
        conditions.append("e.centre_id = ?")
        params.append(centre_id)
    if country:
        conditions.append("e.country = ?")
        params.append(country)
    rows = store.conn.execute(
        "SELECT e.centre_id, e.end, p.record FROM coord_progress p JOIN coord_export e "
        "ON e.centre_id = p.centre_id AND e.period = p.period "
        f"WHERE {' AND '.join(conditions)} ORDER BY e.centre_id, e.end",
        params,
    ).fetchall()
    if not rows:
        return None
    moved_up: dict[str, int] = {}
    moved_any = assessed = 0
    latest: dict[str, dict] = {}
    for centre, _end, text in rows:
        record = json.loads(text)
        for area, count in record["moved_up"].items():
            moved_up[area] = moved_up.get(area, 0) + count
        moved_any += record["moved_up_any"]
        assessed += record["assessed"]
        latest[centre] = record
    distribution: dict[str, dict[str, int]] = {}
    for record in latest.values():
        for area, levels in record["distribution"].items():
            into = distribution.setdefault(area, {})
            for level, count in levels.items():
                into[level] = into.get(level, 0) + count
    first = json.loads(rows[0][2])
    return CentreProgress(
        framework=first["framework"],
        version=first["version"],
        start=start,
        end=end,
        moved_up=moved_up,
        moved_up_any=moved_any,
        assessed=assessed,
        distribution=distribution,
    )


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: Callable[[Statistics], float | None]
    #: "count", "hours" or "rate": how the value is written.
    kind: str = "count"


KEY_FIGURES = (
    KeyFigure(N_("Residents helped"), lambda s: s.residents_helped),
    KeyFigure(N_("New residents"), lambda s: s.new_residents),
    KeyFigure(N_("Returning residents"), lambda s: s.returning_residents),
    KeyFigure(N_("Anonymous visits"), lambda s: s.anonymous_visits),
    KeyFigure(N_("Individual sessions"), lambda s: s.individual_sessions),
    KeyFigure(N_("Workshop sessions"), lambda s: s.workshop_sessions),
    KeyFigure(N_("Hours of individual help"), lambda s: s.individual_hours, "hours"),
    KeyFigure(N_("Hours of workshops"), lambda s: s.workshop_hours, "hours"),
    KeyFigure(N_("Workshop registrations"), lambda s: s.workshop_registrations),
    KeyFigure(N_("Workshop attendance rate"), lambda s: s.workshop_attendance_rate, "rate"),
    KeyFigure(N_("Walk-ins"), lambda s: s.workshop_walk_ins),
    KeyFigure(N_("Referrals"), lambda s: s.referrals),
    KeyFigure(
        N_("Residents who moved up a level"),
        lambda s: s.progress.moved_up_any if s.progress is not None else None,
    ),
)


def change_ratio(current: float | None, previous: float | None) -> float | None:
    """The change from ``previous`` to ``current`` as a ratio (0.12 for +12 %); ``None``
    when it means nothing (no previous value, or none to compare)."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous
