"""Collective workshops (ateliers): the catalogue entry, its occurrences and series, and
the rules of registration, waiting list and attendance."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, time, timedelta
from typing import Any

from mediator_app.domain.codes import AGE_BANDS, GENDERS, SOCIAL_STATUSES, THEMES, CodeList
from mediator_app.domain.markers import N_
from mediator_app.domain.text import clean_line, clean_text
from mediator_app.domain.validation import Problem, ValidationError, is_whole_number

WORKSHOP_LEVELS = CodeList(
    "workshop_level",
    (
        ("debutant", N_("Beginner")),
        ("intermediaire", N_("Intermediate")),
        ("avance", N_("Advanced")),
    ),
)

ATTENDANCE_STATES = CodeList(
    "attendance",
    (
        ("present", N_("Present")),
        ("absent", N_("Absent")),
        ("excused", N_("Excused")),
        ("late", N_("Late")),
    ),
)
#: States that count as having taken part (and as activity for the resident).
ATTENDED_STATES = ("present", "late")

REGISTERED, WAITING, UNREGISTERED = "registered", "waiting", "unregistered"

MAX_CAPACITY = 500
#: Empty rows printed at the end of a sheet for walk-ins.
DEFAULT_BLANK_ROWS = 5


@dataclass(frozen=True)
class SheetOptions:
    """How the centre prints its attendance sheets: the language (``None``: the
    centre's), the blank rows for walk-ins, the logos (image files)."""

    language: str | None = None
    blank_rows: int = DEFAULT_BLANK_ROWS
    logos: tuple[str, ...] = ()


MAX_DURATION_MIN = 600
MAX_SERIES_LENGTH = 60
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def parse_time(text: str | None) -> time | None:
    """``"09:30"`` as a time; ``None`` for anything else."""
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        return None
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class Workshop:
    """An entry of the workshop catalogue."""

    title: str = ""
    themes: tuple[str, ...] = ()
    level: str = "debutant"
    description: str = ""
    default_duration_min: int = 120
    capacity: int = 10
    facilitators: tuple[str, ...] = ()
    eu_funded: bool = False
    erasmus_disclaimer: bool = False
    archived: bool = False
    id: str = ""
    created_at: str = ""
    updated_at: str = ""

    MANAGED_FIELDS = frozenset({"id", "created_at", "updated_at"})
    LIST_FIELDS = ("themes", "facilitators")
    FLAG_FIELDS = ("eu_funded", "erasmus_disclaimer", "archived")

    def normalised(self) -> Workshop:
        return replace(
            self,
            title=clean_line(self.title),
            themes=tuple(dict.fromkeys(self.themes)),
            description=clean_text(self.description),
            facilitators=tuple(
                dict.fromkeys(" ".join(name.split()) for name in self.facilitators if name.strip())
            ),
        )

    def problems(self, registered: int = 0) -> dict[str, Problem]:
        """What stops this entry from being saved; ``registered`` is the largest number of
        residents already registered to one of its occurrences."""
        found: dict[str, Problem] = {}
        if not self.title.strip():
            found["title"] = Problem(N_("Enter the workshop's title."))
        if not self.themes:
            found["themes"] = Problem(N_("Choose at least one theme."))
        elif any(theme not in THEMES for theme in self.themes):
            found["themes"] = Problem(N_("Choose themes from the list."))
        if self.level not in WORKSHOP_LEVELS:
            found["level"] = Problem(N_("Choose a level from the list."))
        if not (
            is_whole_number(self.default_duration_min)
            and 0 < self.default_duration_min <= MAX_DURATION_MIN
        ):
            found["default_duration_min"] = Problem(
                N_("The duration must be between 1 and %(max)s minutes."),
                {"max": MAX_DURATION_MIN},
            )
        if not (is_whole_number(self.capacity) and 0 < self.capacity <= MAX_CAPACITY):
            found["capacity"] = Problem(
                N_("The capacity must be between 1 and %(max)s places."), {"max": MAX_CAPACITY}
            )
        elif self.capacity < registered:
            found["capacity"] = Problem(
                N_(
                    "%(registered)s residents are already registered to one session: the "
                    "capacity cannot be lower. Unregister someone first."
                ),
                {"registered": registered},
            )
        return found

    def validated(self, registered: int = 0) -> Workshop:
        workshop = self.normalised()
        problems = workshop.problems(registered)
        if problems:
            raise ValidationError(problems)
        return workshop

    def to_record(self) -> dict[str, Any]:
        return {
            f.name: list(value) if f.name in self.LIST_FIELDS else value
            for f in fields(self)
            if f.name not in self.MANAGED_FIELDS
            for value in (getattr(self, f.name),)
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Workshop:
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in row.items() if key in known}
        for name in cls.LIST_FIELDS:
            values[name] = tuple(values.get(name) or ())
        for name in cls.FLAG_FIELDS:
            values[name] = bool(values.get(name))
        return cls(**values)


@dataclass(frozen=True)
class AnonymousCount:
    """Participants who gave no name, counted by profile (as La Coop's collective report)."""

    count: int
    gender: str = "non_communique"
    age_band: str = "non_communique"
    social_status: str = "non_communique"

    def problems(self) -> list[Problem]:
        found = []
        if not (is_whole_number(self.count) and 0 < self.count <= MAX_CAPACITY):
            found.append(Problem(N_("Count at least one anonymous participant.")))
        for value, codes in (
            (self.gender, GENDERS),
            (self.age_band, AGE_BANDS),
            (self.social_status, SOCIAL_STATUSES),
        ):
            if value not in codes:
                found.append(Problem(N_("Choose a value from the list.")))
        return found


@dataclass(frozen=True)
class WorkshopOccurrence:
    """One session of a workshop, on one day, in one place."""

    workshop_id: str = ""
    date: str = ""
    start_time: str = "14:00"
    end_time: str = "16:00"
    place: str = ""
    series_id: str | None = None
    cancelled: bool = False
    attendance_entered: bool = False
    anonymous_participants: tuple[AnonymousCount, ...] = ()
    scan_sha256: str = ""
    scan_name: str = ""
    id: str = ""
    created_at: str = ""
    updated_at: str = ""

    MANAGED_FIELDS = frozenset({"id", "created_at", "updated_at"})
    FLAG_FIELDS = ("cancelled", "attendance_entered")

    @property
    def day(self) -> date:
        return date.fromisoformat(self.date)

    @property
    def start(self) -> time:
        parsed = parse_time(self.start_time)
        assert parsed is not None
        return parsed

    @property
    def end(self) -> time:
        parsed = parse_time(self.end_time)
        assert parsed is not None
        return parsed

    @property
    def spans_the_day(self) -> bool:
        """Morning and afternoon: the sheet then has a signature per half-day."""
        return self.start < time(12, 0) and self.end > time(13, 0)

    @property
    def anonymous_total(self) -> int:
        return sum(group.count for group in self.anonymous_participants)

    def normalised(self) -> WorkshopOccurrence:
        try:
            iso_date = date.fromisoformat(self.date).isoformat()
        except ValueError:
            iso_date = self.date
        return replace(self, date=iso_date, place=" ".join(self.place.split()))

    def problems(self) -> dict[str, Problem]:
        found: dict[str, Problem] = {}
        try:
            date.fromisoformat(self.date)
        except ValueError:
            found["date"] = Problem(N_("Enter the date of the session."))
        start, end = parse_time(self.start_time), parse_time(self.end_time)
        if start is None:
            found["start_time"] = Problem(N_("Write the start time as 14:00."))
        if end is None:
            found["end_time"] = Problem(N_("Write the end time as 16:00."))
        if start is not None and end is not None and end <= start:
            found["end_time"] = Problem(N_("The session must end after it starts."))
        if not self.place.strip():
            found["place"] = Problem(N_("Enter the place (the room) of the session."))
        for group in self.anonymous_participants:
            for problem in group.problems():
                found["anonymous_participants"] = problem
        return found

    def validated(self) -> WorkshopOccurrence:
        occurrence = self.normalised()
        problems = occurrence.problems()
        if problems:
            raise ValidationError(problems)
        return occurrence

    def overlaps(self, other: WorkshopOccurrence) -> bool:
        """The same room at the same time (cancelled sessions free their room)."""
        return (
            not self.cancelled
            and not other.cancelled
            and self.id != other.id
            and self.date == other.date
            and self.place.casefold() == other.place.casefold()
            and self.start < other.end
            and other.start < self.end
        )

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for f in fields(self):
            if f.name in self.MANAGED_FIELDS:
                continue
            value = getattr(self, f.name)
            if f.name == "anonymous_participants":
                value = [group.__dict__ for group in value]
            record[f.name] = value
        return record

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> WorkshopOccurrence:
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in row.items() if key in known}
        values["anonymous_participants"] = tuple(
            AnonymousCount(**group) for group in values.get("anonymous_participants") or ()
        )
        for name in cls.FLAG_FIELDS:
            values[name] = bool(values.get(name))
        for name in ("scan_sha256", "scan_name", "created_at", "updated_at"):
            values[name] = values.get(name) or ""
        return cls(**values)


def series_dates(
    first: date, count: int, every_weeks: int = 1, skip: Iterable[date] = ()
) -> list[date]:
    """``count`` dates from ``first``, every ``every_weeks`` weeks, stepping over the dates
    in ``skip`` (holidays): skipped dates do not count towards ``count``."""
    if not (is_whole_number(count) and 1 <= count <= MAX_SERIES_LENGTH):
        raise ValidationError(
            {
                "count": Problem(
                    N_("A series has between 1 and %(max)s sessions."),
                    {"max": MAX_SERIES_LENGTH},
                )
            }
        )
    if every_weeks not in (1, 2):
        raise ValidationError(
            {"every_weeks": Problem(N_("A series is weekly or every two weeks."))}
        )
    skipped = set(skip)
    dates: list[date] = []
    day = first
    while True:
        if day not in skipped:
            dates.append(day)
        if len(dates) == count:
            return dates
        try:
            day += timedelta(weeks=every_weeks)
        except OverflowError:  # past 9999-12-31: a first date mistyped
            raise ValidationError(
                {
                    "date": Problem(
                        N_("This series would end after the year 9999: check its first date.")
                    )
                }
            ) from None


# Registration rules ----------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """A resident's place (or wait) for one occurrence, as the rules see it."""

    resident_id: str
    status: str
    requested_at: str
    walk_in: bool = False


def status_for_new_registration(seats: Sequence[Seat], capacity: int) -> str:
    """Registered while places remain, otherwise on the waiting list. Walk-ins came on
    the day: they do not take a place booked in advance."""
    taken = sum(1 for seat in seats if seat.status == REGISTERED and not seat.walk_in)
    return REGISTERED if taken < capacity else WAITING


def promotions(seats: Sequence[Seat], capacity: int) -> list[str]:
    """Residents of the waiting list who get a place, first come first served, once places
    have freed (an unregistration or a larger capacity)."""
    taken = sum(1 for seat in seats if seat.status == REGISTERED and not seat.walk_in)
    waiting = sorted(
        (seat for seat in seats if seat.status == WAITING),
        key=lambda seat: (seat.requested_at, seat.resident_id),
    )
    return [seat.resident_id for seat in waiting[: max(capacity - taken, 0)]]
