"""From the store to printed attendance sheets: what one occurrence's sheet holds, and the
occurrences of a series or a week gathered for one bulk print."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from mediator_app.domain.workshop import DEFAULT_BLANK_ROWS, REGISTERED
from mediator_app.reports.attendance_sheet import AttendanceSheet, SheetParticipant
from mediator_app.store import Store


def sheet_for_occurrence(
    store: Store,
    occurrence_id: str,
    *,
    language: str | None = None,
    blank_rows: int = DEFAULT_BLANK_ROWS,
    logos: Sequence[Path] = (),
) -> AttendanceSheet:
    """The sheet of one occurrence: its registered residents (not the waiting list), in
    the centre's language unless another is asked for."""
    occurrence = store.workshops.get_occurrence(occurrence_id)
    workshop = store.workshops.get_workshop(occurrence.workshop_id)
    desk = store.ensure_desk()
    participants = tuple(
        SheetParticipant(last_name=person.last_name, first_name=person.first_name)
        for person in store.workshops.participants(occurrence_id)
        if person.status == REGISTERED
    )
    return AttendanceSheet(
        organisation=desk.centre_name,
        title=workshop.title,
        occurrence_id=occurrence.id,
        day=occurrence.day,
        start=occurrence.start,
        end=occurrence.end,
        place=occurrence.place,
        facilitators=workshop.facilitators,
        participants=participants,
        logos=tuple(logos),
        blank_rows=blank_rows,
        eu_funded=workshop.eu_funded,
        erasmus_disclaimer=workshop.erasmus_disclaimer,
        language=language or desk.language,
    )


def series_occurrence_ids(store: Store, series_id: str) -> list[str]:
    """The sessions of a series that take place (cancelled ones have no sheet)."""
    return [o.id for o in store.workshops.series(series_id) if not o.cancelled]


def week_occurrence_ids(store: Store, any_day: date) -> list[str]:
    """The sessions of the week (Monday to Sunday) holding ``any_day``, in time order."""
    monday = any_day - timedelta(days=any_day.weekday())
    return [
        summary.occurrence.id
        for summary in store.workshops.between(monday, monday + timedelta(days=6))
        if not summary.occurrence.cancelled
    ]


def next_occurrence_id(store: Store, today: date) -> str | None:
    """The next session to take place, from ``today`` on."""
    upcoming = store.workshops.upcoming(today, limit=1)
    return upcoming[0].occurrence.id if upcoming else None
