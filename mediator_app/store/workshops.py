"""Workshops: the catalogue, occurrences and series, registrations with a waiting list,
attendance, walk-ins, scanned sheets, and the sheets still to enter."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mediator_app.domain.ids import link_id, new_id
from mediator_app.domain.markers import N_
from mediator_app.domain.text import sort_key
from mediator_app.domain.validation import Problem, ValidationError
from mediator_app.domain.workshop import (
    ATTENDANCE_STATES,
    REGISTERED,
    UNREGISTERED,
    WAITING,
    AnonymousCount,
    Seat,
    Workshop,
    WorkshopOccurrence,
    parse_time,
    promotions,
    series_dates,
    status_for_new_registration,
)
from mediator_app.store.changes import ChangeWriter, utc_now
from mediator_app.store.errors import NotFoundError, StoreError

if TYPE_CHECKING:
    from mediator_app.store.database import Store

#: Largest scan accepted: a phone photo or a multi-page PDF of a sheet.
MAX_SCAN_BYTES = 25 * 1024 * 1024
_SCAN_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_WORKSHOP_COLUMNS = ", ".join(f.name for f in fields(Workshop))
_OCCURRENCE_COLUMNS = ", ".join(f"o.{f.name}" for f in fields(WorkshopOccurrence))


@dataclass(frozen=True)
class Participant:
    """A resident's registration to an occurrence, with what the lists show."""

    resident_id: str
    first_name: str
    last_name: str
    status: str
    requested_at: str
    attendance: str | None
    arrival_time: str | None
    walk_in: bool

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True)
class OccurrenceSummary:
    """An occurrence with its workshop's title and its numbers, for lists and the week."""

    occurrence: WorkshopOccurrence
    title: str
    capacity: int
    registered: int
    waiting: int
    attended: int


@dataclass(frozen=True)
class AttendedWorkshop:
    """A line of a resident's workshop history."""

    occurrence_id: str
    date: str
    title: str
    status: str
    attendance: str | None
    arrival_time: str | None = None
    walk_in: bool = False


class Workshops:
    """The workshops of a store. Methods that write open their own transaction, or join
    the caller's ``store.write()``."""

    def __init__(self, store: Store):
        self._store = store

    # The catalogue ------------------------------------------------------------------

    def create_workshop(self, workshop: Workshop) -> Workshop:
        valid = workshop.validated()
        with self._store.write() as writer:
            workshop_id = writer.insert("workshop", valid.to_record())
        return self.get_workshop(workshop_id)

    def update_workshop(self, workshop: Workshop) -> Workshop:
        """Save an edited entry; the capacity cannot drop below the residents already
        registered to one of its occurrences still to come."""
        self.get_workshop(workshop.id)
        valid = workshop.validated(registered=self._most_registered(workshop.id))
        with self._store.write() as writer:
            writer.update("workshop", valid.id, valid.to_record())
            # A larger capacity gives places to the waiting lists of sessions to come.
            for (occurrence_id,) in self._store.conn.execute(
                "SELECT id FROM workshop_occurrence WHERE workshop_id = ? AND date >= ?",
                (valid.id, date.today().isoformat()),
            ).fetchall():
                self._promote(writer, occurrence_id, valid.capacity)
        return self.get_workshop(valid.id)

    def get_workshop(self, workshop_id: str) -> Workshop:
        cursor = self._store.conn.execute(
            f"SELECT {_WORKSHOP_COLUMNS} FROM workshop WHERE id = ?", (workshop_id,)
        )
        row = cursor.fetchone()
        if row is None:
            raise NotFoundError(id=workshop_id)
        return _workshop_from(cursor.description, row)

    def catalogue(self, include_archived: bool = False) -> list[Workshop]:
        """The workshops, by title."""
        condition = "" if include_archived else "WHERE archived = 0"
        cursor = self._store.conn.execute(
            f"SELECT {_WORKSHOP_COLUMNS} FROM workshop {condition} ORDER BY title COLLATE NOCASE"
        )
        return [_workshop_from(cursor.description, row) for row in cursor.fetchall()]

    # Occurrences and series ---------------------------------------------------------

    def create_occurrence(self, occurrence: WorkshopOccurrence) -> WorkshopOccurrence:
        valid = occurrence.validated()
        self.get_workshop(valid.workshop_id)
        with self._store.write() as writer:
            self._check_room_free(valid)
            occurrence_id = writer.insert("workshop_occurrence", valid.to_record())
        return self.get_occurrence(occurrence_id)

    def create_series(
        self,
        template: WorkshopOccurrence,
        count: int,
        every_weeks: int = 1,
        skip: tuple[date, ...] = (),
    ) -> list[WorkshopOccurrence]:
        """``count`` occurrences like ``template`` (its date is the first), weekly or every
        two weeks, stepping over the dates in ``skip``; all or none are saved."""
        valid = template.validated()
        self.get_workshop(valid.workshop_id)
        series_id = new_id()
        made: list[str] = []
        with self._store.write() as writer:
            for day in series_dates(valid.day, count, every_weeks, skip):
                occurrence = replace(valid, date=day.isoformat(), series_id=series_id)
                self._check_room_free(occurrence)
                made.append(writer.insert("workshop_occurrence", occurrence.to_record()))
        return [self.get_occurrence(occurrence_id) for occurrence_id in made]

    def move_occurrence(
        self, occurrence_id: str, *, day: date, start_time: str, end_time: str, place: str
    ) -> WorkshopOccurrence:
        current = self.get_occurrence(occurrence_id)
        moved = replace(
            current, date=day.isoformat(), start_time=start_time, end_time=end_time, place=place
        ).validated()
        with self._store.write() as writer:
            self._check_room_free(moved)
            writer.update("workshop_occurrence", occurrence_id, moved.to_record())
        return self.get_occurrence(occurrence_id)

    def cancel_occurrence(self, occurrence_id: str, cancelled: bool = True) -> None:
        occurrence = self.get_occurrence(occurrence_id)
        with self._store.write() as writer:
            if not cancelled:
                self._check_room_free(replace(occurrence, cancelled=False))
            writer.update("workshop_occurrence", occurrence_id, {"cancelled": cancelled})

    def get_occurrence(self, occurrence_id: str) -> WorkshopOccurrence:
        rows = self._occurrences("WHERE o.id = ?", (occurrence_id,))
        if not rows:
            raise NotFoundError(id=occurrence_id)
        return rows[0]

    def series(self, series_id: str) -> list[WorkshopOccurrence]:
        return self._occurrences("WHERE o.series_id = ? ORDER BY o.date", (series_id,))

    def between(self, first: date, last: date) -> list[OccurrenceSummary]:
        """Occurrences from ``first`` to ``last`` included (a week), in time order."""
        return self._summaries(
            "WHERE o.date BETWEEN ? AND ? ORDER BY o.date, o.start_time",
            (first.isoformat(), last.isoformat()),
        )

    def upcoming(self, from_day: date, limit: int = 50) -> list[OccurrenceSummary]:
        return self._summaries(
            "WHERE o.date >= ? AND o.cancelled = 0 ORDER BY o.date, o.start_time LIMIT ?",
            (from_day.isoformat(), limit),
        )

    def summary(self, occurrence_id: str) -> OccurrenceSummary:
        rows = self._summaries("WHERE o.id = ?", (occurrence_id,))
        if not rows:
            raise NotFoundError(id=occurrence_id)
        return rows[0]

    def sheets_not_entered(self, today: date) -> list[OccurrenceSummary]:
        """Past sessions, not cancelled, whose attendance was not entered or whose signed
        sheet was not scanned: the oldest first."""
        return self._summaries(
            "WHERE o.date < ? AND o.cancelled = 0 "
            "AND (o.attendance_entered = 0 OR o.scan_sha256 = '') "
            "ORDER BY o.date, o.start_time",
            (today.isoformat(),),
        )

    # Registrations ------------------------------------------------------------------

    def register(self, occurrence_id: str, resident_id: str) -> str:
        """Register a resident; returns ``registered``, or ``waiting`` when full."""
        occurrence = self.get_occurrence(occurrence_id)
        capacity = self.get_workshop(occurrence.workshop_id).capacity
        resident_id = self._store.residents.shown(resident_id)
        with self._store.write() as writer:
            return self._register(writer, occurrence.id, resident_id, capacity)

    def register_series(self, series_id: str, resident_id: str, from_day: date) -> dict[str, str]:
        """Register a resident to every session of a series from ``from_day`` on; returns
        each occurrence's outcome."""
        occurrences = [o for o in self.series(series_id) if o.day >= from_day and not o.cancelled]
        if not occurrences:
            raise StoreError(N_("This series has no session left to register to."))
        capacity = self.get_workshop(occurrences[0].workshop_id).capacity
        resident_id = self._store.residents.shown(resident_id)
        with self._store.write() as writer:
            return {
                occurrence.id: self._register(writer, occurrence.id, resident_id, capacity)
                for occurrence in occurrences
            }

    def unregister(self, occurrence_id: str, resident_id: str) -> list[str]:
        """Free a resident's place; the waiting list moves up. Returns who got a place."""
        occurrence = self.get_occurrence(occurrence_id)
        capacity = self.get_workshop(occurrence.workshop_id).capacity
        registration_id = link_id(occurrence_id, resident_id)
        with self._store.write() as writer:
            self._existing_registration(registration_id)
            writer.update("registration", registration_id, {"status": UNREGISTERED})
            return self._promote(writer, occurrence_id, capacity)

    def participants(
        self, occurrence_id: str, include_unregistered: bool = False
    ) -> list[Participant]:
        """Registrations of an occurrence: registered residents in the order of the sheet
        (last name, then first name), then the waiting list in order of request."""
        condition = "" if include_unregistered else "AND g.status != 'unregistered'"
        rows = self._store.conn.execute(
            "SELECT g.resident_id, r.first_name, r.last_name, g.status, g.requested_at, "
            "g.attendance, g.arrival_time, g.walk_in FROM registration g "
            "JOIN resident r ON r.id = g.resident_id "
            f"WHERE g.occurrence_id = ? {condition}",
            (occurrence_id,),
        ).fetchall()
        people = [Participant(*row[:7], walk_in=bool(row[7])) for row in rows]
        order = {REGISTERED: 0, WAITING: 1, UNREGISTERED: 2}
        return sorted(
            people,
            key=lambda person: (
                order[person.status],
                person.requested_at if person.status == WAITING else "",
                sort_key(person.last_name, person.first_name),
            ),
        )

    # Attendance ---------------------------------------------------------------------

    def set_attendance(
        self,
        occurrence_id: str,
        resident_id: str,
        state: str | None,
        arrival_time: str | None = None,
    ) -> None:
        """Mark one participant present, absent, excused or late (with the arrival time),
        or clear the mark with ``None``."""
        if state is not None and state not in ATTENDANCE_STATES:
            raise ValidationError({"attendance": Problem(N_("Choose a state from the list."))})
        if state == "late" and arrival_time is not None and parse_time(arrival_time) is None:
            raise ValidationError({"arrival_time": Problem(N_("Write the arrival time as 14:20."))})
        registration_id = link_id(occurrence_id, resident_id)
        with self._store.write() as writer:
            self._existing_registration(registration_id)
            writer.update(
                "registration",
                registration_id,
                {"attendance": state, "arrival_time": arrival_time if state == "late" else None},
            )

    def add_walk_in(self, occurrence_id: str, resident_id: str) -> None:
        """A resident who came without registering: present, and no booked place taken."""
        self.get_occurrence(occurrence_id)
        resident_id = self._store.residents.shown(resident_id)
        registration_id = link_id(occurrence_id, resident_id)
        values = {"status": REGISTERED, "attendance": "present", "walk_in": True}
        with self._store.write() as writer:
            if self._registration_exists(registration_id):
                writer.update("registration", registration_id, values)
            else:
                writer.insert(
                    "registration",
                    {
                        "id": registration_id,
                        "occurrence_id": occurrence_id,
                        "resident_id": resident_id,
                        "requested_at": utc_now(),
                        "arrival_time": None,
                        **values,
                    },
                )

    def set_anonymous_participants(
        self, occurrence_id: str, groups: tuple[AnonymousCount, ...]
    ) -> None:
        """Count the participants who gave no name, by profile."""
        occurrence = replace(self.get_occurrence(occurrence_id), anonymous_participants=groups)
        occurrence.validated()
        with self._store.write() as writer:
            writer.update(
                "workshop_occurrence",
                occurrence_id,
                {"anonymous_participants": [group.__dict__ for group in groups]},
            )

    def mark_attendance_entered(self, occurrence_id: str, entered: bool = True) -> None:
        self.get_occurrence(occurrence_id)
        with self._store.write() as writer:
            writer.update("workshop_occurrence", occurrence_id, {"attendance_entered": entered})

    def history(self, resident_id: str) -> list[AttendedWorkshop]:
        """A resident's workshops, newest first."""
        rows = self._store.conn.execute(
            "SELECT o.id, o.date, w.title, g.status, g.attendance, g.arrival_time, g.walk_in "
            "FROM registration g "
            "JOIN workshop_occurrence o ON o.id = g.occurrence_id "
            "JOIN workshop w ON w.id = o.workshop_id "
            "WHERE g.resident_id = ? AND g.status != 'unregistered' "
            "ORDER BY o.date DESC, o.start_time DESC",
            (resident_id,),
        ).fetchall()
        return [AttendedWorkshop(*row[:6], walk_in=bool(row[6])) for row in rows]

    # Scanned sheets -----------------------------------------------------------------

    def attach_scan(self, occurrence_id: str, path: Path) -> str:
        """Keep the scan of a signed sheet (PDF, PNG or JPEG) in the database, with its
        occurrence; returns its SHA-256. A file of another kind is refused unchanged."""
        self.get_occurrence(occurrence_id)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise StoreError(
                N_("The file %(name)s could not be read: %(reason)s"),
                name=path.name,
                reason=error.strerror or str(error),
            ) from error
        return self.attach_scan_data(occurrence_id, path.name, data)

    def attach_scan_data(self, occurrence_id: str, name: str, data: bytes) -> str:
        """``attach_scan`` for bytes already read, named ``name``."""
        self.get_occurrence(occurrence_id)
        if len(data) > MAX_SCAN_BYTES:
            raise StoreError(
                N_("The file %(name)s is too large for a scan (at most %(size)s MB)."),
                name=name,
                size=MAX_SCAN_BYTES // (1024 * 1024),
            )
        media_type = next(
            (kind for signature, kind in _SCAN_SIGNATURES if data.startswith(signature)), None
        )
        if media_type is None:
            raise StoreError(
                N_("The file %(name)s is not a PDF, PNG or JPEG: scan the sheet again."),
                name=name,
            )
        digest = hashlib.sha256(data).hexdigest()
        with self._store.write() as writer:
            self._store.conn.execute(
                "INSERT OR IGNORE INTO attachment (sha256, media_type, size, data, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (digest, media_type, len(data), data, utc_now()),
            )
            writer.update(
                "workshop_occurrence",
                occurrence_id,
                {"scan_sha256": digest, "scan_name": name},
            )
        return digest

    def scan(self, occurrence_id: str) -> tuple[str, str, bytes] | None:
        """The scan of an occurrence's sheet: ``(name, media type, bytes)``, or ``None``."""
        occurrence = self.get_occurrence(occurrence_id)
        if not occurrence.scan_sha256:
            return None
        row = self._store.conn.execute(
            "SELECT media_type, data FROM attachment WHERE sha256 = ?",
            (occurrence.scan_sha256,),
        ).fetchone()
        if row is None:
            return None
        return occurrence.scan_name, row[0], bytes(row[1])

    # Internals ----------------------------------------------------------------------

    def _register(
        self, writer: ChangeWriter, occurrence_id: str, resident_id: str, capacity: int
    ) -> str:
        registration_id = link_id(occurrence_id, resident_id)
        existing = self._registration_status(registration_id)
        if existing in (REGISTERED, WAITING):
            return existing
        status = status_for_new_registration(self._seats(occurrence_id), capacity)
        values = {
            "status": status,
            "requested_at": utc_now(),
            "attendance": None,
            "arrival_time": None,
            "walk_in": False,
        }
        if existing is None:
            writer.insert(
                "registration",
                {
                    "id": registration_id,
                    "occurrence_id": occurrence_id,
                    "resident_id": resident_id,
                    **values,
                },
            )
        else:
            writer.update("registration", registration_id, values)
        return status

    def _promote(self, writer: ChangeWriter, occurrence_id: str, capacity: int) -> list[str]:
        promoted = promotions(self._seats(occurrence_id), capacity)
        for resident_id in promoted:
            writer.update(
                "registration", link_id(occurrence_id, resident_id), {"status": REGISTERED}
            )
        return promoted

    def _seats(self, occurrence_id: str) -> list[Seat]:
        rows = self._store.conn.execute(
            "SELECT resident_id, status, requested_at, walk_in FROM registration "
            "WHERE occurrence_id = ?",
            (occurrence_id,),
        ).fetchall()
        return [Seat(row[0], row[1], row[2], bool(row[3])) for row in rows]

    def _most_registered(self, workshop_id: str) -> int:
        (most,) = self._store.conn.execute(
            "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM registration g "
            "JOIN workshop_occurrence o ON o.id = g.occurrence_id "
            "WHERE o.workshop_id = ? AND o.date >= ? AND g.status = 'registered' "
            "AND g.walk_in = 0 GROUP BY g.occurrence_id)",
            (workshop_id, date.today().isoformat()),
        ).fetchone()
        return most

    def _registration_status(self, registration_id: str) -> str | None:
        row = self._store.conn.execute(
            "SELECT status FROM registration WHERE id = ?", (registration_id,)
        ).fetchone()
        return row[0] if row else None

    def _registration_exists(self, registration_id: str) -> bool:
        return self._registration_status(registration_id) is not None

    def _existing_registration(self, registration_id: str) -> None:
        if not self._registration_exists(registration_id):
            raise StoreError(N_("This resident is not registered to this session."))

    def _check_room_free(self, occurrence: WorkshopOccurrence) -> None:
        for other in self._occurrences("WHERE o.date = ? AND o.cancelled = 0", (occurrence.date,)):
            if occurrence.overlaps(other):
                title = self.get_workshop(other.workshop_id).title
                raise ValidationError(
                    {
                        "place": Problem(
                            N_(
                                "%(place)s is already taken on %(date)s from %(start)s to "
                                "%(end)s by “%(title)s”."
                            ),
                            {
                                "place": other.place,
                                "date": other.date,
                                "start": other.start_time,
                                "end": other.end_time,
                                "title": title,
                            },
                        )
                    }
                )

    def _occurrences(self, where: str, params: Any) -> list[WorkshopOccurrence]:
        cursor = self._store.conn.execute(
            f"SELECT {_OCCURRENCE_COLUMNS} FROM workshop_occurrence o {where}", params
        )
        names = [column[0] for column in cursor.description]
        found = []
        for row in cursor.fetchall():
            record = dict(zip(names, row, strict=True))
            record["anonymous_participants"] = json.loads(record["anonymous_participants"])
            found.append(WorkshopOccurrence.from_row(record))
        return found

    def _summaries(self, where: str, params: Any) -> list[OccurrenceSummary]:
        cursor = self._store.conn.execute(
            f"SELECT {_OCCURRENCE_COLUMNS}, w.title, w.capacity, "
            "(SELECT COUNT(*) FROM registration g WHERE g.occurrence_id = o.id "
            " AND g.status = 'registered') AS registered, "
            "(SELECT COUNT(*) FROM registration g WHERE g.occurrence_id = o.id "
            " AND g.status = 'waiting') AS waiting, "
            "(SELECT COUNT(*) FROM registration g WHERE g.occurrence_id = o.id "
            " AND g.attendance IN ('present', 'late')) AS attended "
            f"FROM workshop_occurrence o JOIN workshop w ON w.id = o.workshop_id {where}",
            params,
        )
        names = [column[0] for column in cursor.description]
        found = []
        for row in cursor.fetchall():
            record = dict(zip(names, row, strict=True))
            record["anonymous_participants"] = json.loads(record["anonymous_participants"])
            occurrence = WorkshopOccurrence.from_row(record)
            found.append(
                OccurrenceSummary(
                    occurrence,
                    record["title"],
                    record["capacity"],
                    record["registered"],
                    record["waiting"],
                    record["attended"] + occurrence.anonymous_total,
                )
            )
        return found


def _workshop_from(description: Any, row: tuple[Any, ...]) -> Workshop:
    record = dict(zip([column[0] for column in description], row, strict=True))
    for name in Workshop.LIST_FIELDS:
        record[name] = json.loads(record[name] or "[]")
    return Workshop.from_row(record)
