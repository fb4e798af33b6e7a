"""Item models of the workshops screens: the catalogue, lists of sessions, the week,
participants, quick entry of a signed sheet, a resident's workshops, the dates of a
series and the anonymous counts.

Lists of sessions are short (a week, the next fifty, the sheets still to enter): they are
read whole and replaced with ``set_rows``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from mediator_app.domain.codes import AGE_BANDS, GENDERS, SOCIAL_STATUSES
from mediator_app.domain.workshop import (
    REGISTERED,
    WAITING,
    AnonymousCount,
    Workshop,
)
from mediator_app.i18n import N_, _, format_date, format_duration
from mediator_app.store.workshops import AttendedWorkshop, OccurrenceSummary, Participant
from mediator_app.ui.models import (
    ID_ROLE,
    RECORD_ROLE,
    AnyIndex,
    ColumnsTableModel,
    theme_labels,
)
from mediator_app.ui.workshops.labels import (
    attendance_label,
    clock,
    counts_text,
    level_label,
    missing_parts,
    places_text,
    registration_label,
    sheet_state,
    short_day,
    status_label,
    time_range,
)

_TEXT_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.ToolTipRole,
)
#: Soft backgrounds that repeat what the text already says.
_ATTENDANCE_COLOURS = {
    "present": "#e3f4e1",
    "late": "#fff4ce",
    "absent": "#fbe3e4",
    "excused": "#e8eaf6",
}
_MUTED = "#5f5f5f"


class _Table(ColumnsTableModel):
    """A read-only table over a list of rows, with translated column titles."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def entry(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        if role == RECORD_ROLE:
            return entry
        if role == ID_ROLE:
            return self.row_id(entry)
        if role in _TEXT_ROLES:
            return self.cell(entry, index.row(), index.column())
        return self.extra(entry, index.row(), index.column(), role)

    def row_id(self, entry: Any) -> str | None:
        return getattr(entry, "id", None)

    def cell(self, entry: Any, row: int, column: int) -> str:
        raise NotImplementedError

    def extra(self, entry: Any, row: int, column: int, role: int) -> Any:
        return None


class CatalogueModel(_Table):
    """The workshops of the catalogue, by title."""

    COLUMNS = (N_("Workshop"), N_("Level"), N_("Themes"), N_("Duration"), N_("Places"),
               N_("Funding"))  # fmt: skip

    def workshop(self, row: int) -> Workshop | None:
        return self.entry(row)

    def row_of(self, workshop_id: str) -> int | None:
        for row, workshop in enumerate(self._rows):
            if workshop.id == workshop_id:
                return row
        return None

    def cell(self, entry: Workshop, row: int, column: int) -> str:
        if column == 0:
            return entry.title
        if column == 1:
            return level_label(entry.level)
        if column == 2:
            return theme_labels(entry.themes)
        if column == 3:
            return format_duration(entry.default_duration_min)
        if column == 4:
            return str(entry.capacity)
        if column == 5:
            return _("EU-funded") if entry.eu_funded else ""
        return ""


class OccurrenceListModel(_Table):
    """Sessions with their workshop and numbers: the upcoming ones."""

    COLUMNS = (N_("Date"), N_("Time"), N_("Workshop"), N_("Place"), N_("Places"),
               N_("Sheet"))  # fmt: skip

    def __init__(self, parent: Any = None, today: Callable[[], date] = date.today):
        super().__init__(parent)
        self._today = today

    def summary(self, row: int) -> OccurrenceSummary | None:
        return self.entry(row)

    def row_of(self, occurrence_id: str) -> int | None:
        for row, summary in enumerate(self._rows):
            if summary is not None and summary.occurrence.id == occurrence_id:
                return row
        return None

    def row_id(self, entry: OccurrenceSummary | None) -> str | None:
        return entry.occurrence.id if entry is not None else None

    def cell(self, entry: OccurrenceSummary, row: int, column: int) -> str:
        occurrence = entry.occurrence
        if column == 0:
            return format_date(occurrence.date)
        if column == 1:
            return time_range(occurrence)
        if column == 2:
            return entry.title
        if column == 3:
            return occurrence.place
        if column == 4:
            return places_text(entry)
        if column == 5:
            return sheet_state(occurrence, self._today())
        return ""

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == 4:
            summary = self.entry(index.row())
            return counts_text(summary) if summary is not None else None
        return super().data(index, role)

    def extra(self, entry: OccurrenceSummary, row: int, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and entry.occurrence.cancelled:
            return QColor(_MUTED)
        return None


class SheetsToEnterModel(OccurrenceListModel):
    """Past sessions whose attendance or scan is missing, the oldest first."""

    COLUMNS = (N_("Date"), N_("Time"), N_("Workshop"), N_("Place"), N_("Missing"))

    def cell(self, entry: OccurrenceSummary, row: int, column: int) -> str:
        if column == 4:
            return missing_parts(entry.occurrence)
        return super().cell(entry, row, column)


class WeekModel(OccurrenceListModel):
    """Seven days from a Monday: one row per session, grouped by day; a day without a
    session has one row that says so."""

    COLUMNS = (N_("Day"), N_("Time"), N_("Workshop"), N_("Place"), N_("Places"), N_("Sheet"))

    def __init__(self, parent: Any = None, today: Callable[[], date] = date.today):
        super().__init__(parent, today)
        self._days: list[date] = []
        self.first_day = today() - timedelta(days=today().weekday())

    def set_week(self, first_day: date, summaries: Sequence[OccurrenceSummary]) -> None:
        """Show the week that starts on ``first_day`` with its sessions (in time order)."""
        self.first_day = first_day
        rows: list[OccurrenceSummary | None] = []
        days: list[date] = []
        for offset in range(7):
            day = first_day + timedelta(days=offset)
            of_the_day = [s for s in summaries if s.occurrence.day == day]
            for summary in of_the_day or [None]:
                rows.append(summary)
                days.append(day)
        self.beginResetModel()
        self._rows = rows
        self._days = days
        self.endResetModel()

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=6)

    def day(self, row: int) -> date | None:
        return self._days[row] if 0 <= row < len(self._days) else None

    def summaries(self) -> list[OccurrenceSummary]:
        return [summary for summary in self._rows if summary is not None]

    def _opens_day(self, row: int) -> bool:
        return row == 0 or self._days[row - 1] != self._days[row]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = index.row(), index.column()
        if column == 0 and role in _TEXT_ROLES:
            day = self._days[row]
            label = short_day(day)
            if day == self._today():
                label = _("%(day)s (today)") % {"day": label}
            # The day is written on its first row only, but always read out.
            if role == Qt.ItemDataRole.DisplayRole and not self._opens_day(row):
                return ""
            return label
        if column == 0 and role == Qt.ItemDataRole.FontRole and self._opens_day(row):
            font = QFont()
            font.setBold(True)
            return font
        if self._rows[row] is None:
            if role in _TEXT_ROLES and column == 2:
                return _("No session")
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(_MUTED)
            if role in _TEXT_ROLES:
                return ""
            return None
        return super().data(index, role)


class ParticipantsModel(_Table):
    """The registrations of one session: registered residents in the order of the sheet,
    then the waiting list in order of request."""

    COLUMNS = (N_("Last name"), N_("First name"), N_("Registration"), N_("Attendance"))

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._positions: dict[str, int] = {}

    def set_rows(self, rows: Sequence[Participant]) -> None:
        waiting = [person.resident_id for person in rows if person.status == WAITING]
        self.beginResetModel()
        self._rows = list(rows)
        self._positions = {resident_id: n for n, resident_id in enumerate(waiting, start=1)}
        self.endResetModel()

    def participant(self, row: int) -> Participant | None:
        return self.entry(row)

    def row_of(self, resident_id: str) -> int | None:
        for row, person in enumerate(self._rows):
            if person.resident_id == resident_id:
                return row
        return None

    def row_id(self, entry: Participant) -> str:
        return entry.resident_id

    def cell(self, entry: Participant, row: int, column: int) -> str:
        if column == 0:
            return entry.last_name
        if column == 1:
            return entry.first_name
        if column == 2:
            return registration_label(entry, self._positions.get(entry.resident_id))
        if column == 3:
            if entry.status != REGISTERED:
                return ""
            return attendance_label(entry.attendance, entry.arrival_time)
        return ""

    def extra(self, entry: Participant, row: int, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and column == 3 and entry.attendance:
            return QColor(_ATTENDANCE_COLOURS.get(entry.attendance, "#ffffff"))
        if role == Qt.ItemDataRole.ForegroundRole and entry.status == WAITING:
            return QColor(_MUTED)
        return None


class AttendanceEntryModel(_Table):
    """The residents of a printed sheet, in its order, with their marks.

    The arrival time of a late resident is edited in place; a confirmed edit is asked
    for with ``late_confirmed`` and shown at once (the caller saves it).
    """

    COLUMNS = (N_("No."), N_("Last name"), N_("First name"), N_("Attendance"), N_("Arrival"))
    ARRIVAL_COLUMN = 4
    late_confirmed = Signal(int, str)

    def set_participants(self, participants: Sequence[Participant]) -> None:
        self.set_rows([person for person in participants if person.status == REGISTERED])

    def participant(self, row: int) -> Participant | None:
        return self.entry(row)

    def marked(self) -> int:
        return sum(1 for person in self._rows if person.attendance)

    def set_mark(self, row: int, state: str | None, arrival_time: str | None = None) -> None:
        """Show a mark at once; ``arrival_time`` counts for ``late`` only."""
        person = self._rows[row]
        self._rows[row] = replace(
            person, attendance=state, arrival_time=arrival_time if state == "late" else None
        )
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def row_id(self, entry: Participant) -> str:
        return entry.resident_id

    def cell(self, entry: Participant, row: int, column: int) -> str:
        if column == 0:
            return str(row + 1)
        if column == 1:
            return entry.last_name
        if column == 2:
            return entry.first_name
        if column == 3:
            return attendance_label(entry.attendance)
        if column == self.ARRIVAL_COLUMN:
            return clock(entry.arrival_time) if entry.arrival_time else ""
        return ""

    def extra(self, entry: Participant, row: int, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.EditRole and column == self.ARRIVAL_COLUMN:
            return entry.arrival_time or ""
        if role == Qt.ItemDataRole.BackgroundRole and column == 3 and entry.attendance:
            return QColor(_ATTENDANCE_COLOURS.get(entry.attendance, "#ffffff"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.ARRIVAL_COLUMN:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or role != Qt.ItemDataRole.EditRole
            or index.column() != self.ARRIVAL_COLUMN
            or not isinstance(value, str)
            or not value
        ):
            return False
        self.set_mark(index.row(), "late", value)
        self.late_confirmed.emit(index.row(), value)
        return True


class WorkshopHistoryModel(_Table):
    """A resident's workshops, newest first."""

    COLUMNS = (N_("Date"), N_("Workshop"), N_("Registration"), N_("Attendance"))

    def row_id(self, entry: AttendedWorkshop) -> str:
        return entry.occurrence_id

    def cell(self, entry: AttendedWorkshop, row: int, column: int) -> str:
        if column == 0:
            return format_date(entry.date)
        if column == 1:
            return entry.title
        if column == 2:
            return _("Walk-in") if entry.walk_in else status_label(entry.status)
        if column == 3:
            if entry.status != REGISTERED:
                return ""
            return attendance_label(entry.attendance, entry.arrival_time)
        return ""


class AnonymousCountsModel(_Table):
    """Participants who gave no name, counted by profile."""

    COLUMNS = (N_("Count"), N_("Gender"), N_("Age band"), N_("Status"))

    def counts(self) -> tuple[AnonymousCount, ...]:
        return tuple(self._rows)

    def add(self, group: AnonymousCount) -> None:
        """Add a group, or add to the count of the group with the same profile."""
        for row, known in enumerate(self._rows):
            if (known.gender, known.age_band, known.social_status) == (
                group.gender,
                group.age_band,
                group.social_status,
            ):
                self._rows[row] = replace(known, count=known.count + group.count)
                self.dataChanged.emit(self.index(row, 0), self.index(row, 0))
                return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(group)
        self.endInsertRows()

    def remove(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def total(self) -> int:
        return sum(group.count for group in self._rows)

    def row_id(self, entry: AnonymousCount) -> None:
        return None

    def cell(self, entry: AnonymousCount, row: int, column: int) -> str:
        if column == 0:
            return str(entry.count)
        for position, (value, codes) in enumerate(
            (
                (entry.gender, GENDERS),
                (entry.age_band, AGE_BANDS),
                (entry.social_status, SOCIAL_STATUSES),
            ),
            start=1,
        ):
            if column == position:
                return _(codes.label(value)) if value in codes else value
        return ""

    def extra(self, entry: AnonymousCount, row: int, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class SeriesDatesModel(QAbstractListModel):
    """The dates of a series being planned; a checked date is skipped (a holiday) and
    the series goes on one step further, so it keeps its number of sessions."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._first = date.today()
        self._count = 1
        self._step = timedelta(weeks=1)
        self._dates: list[date] = []
        self._skipped: set[date] = set()

    @property
    def skipped(self) -> tuple[date, ...]:
        return tuple(sorted(self._skipped))

    def plan(self, first: date, count: int, every_weeks: int) -> None:
        """Show the dates of ``count`` sessions from ``first``, every ``every_weeks``
        weeks, keeping the skipped dates that are still in the series."""
        self._first, self._count = first, max(count, 1)
        self._step = timedelta(weeks=every_weeks)
        self.beginResetModel()
        self._dates = self._planned(self._skipped)
        self._skipped &= set(self._dates)
        self.endResetModel()

    def _planned(self, skipped: set[date]) -> list[date]:
        dates: list[date] = []
        day, held = self._first, 0
        while held < self._count:
            dates.append(day)
            held += day not in skipped
            day += self._step
        return dates

    def held_dates(self) -> list[date]:
        return [day for day in self._dates if day not in self._skipped]

    def toggle(self, row: int) -> None:
        """Skip the date of ``row``, or hold it again; the series grows or shrinks at its
        end to keep its number of sessions."""
        day = self._dates[row]
        self._skipped ^= {day}
        self.dataChanged.emit(self.index(row), self.index(row))
        wanted = self._planned(self._skipped)
        if len(wanted) > len(self._dates):
            self.beginInsertRows(QModelIndex(), len(self._dates), len(wanted) - 1)
            self._dates = wanted
            self.endInsertRows()
        elif len(wanted) < len(self._dates):
            self.beginRemoveRows(QModelIndex(), len(wanted), len(self._dates) - 1)
            self._dates = wanted
            self.endRemoveRows()
        self._skipped &= set(self._dates)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._dates)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._dates):
            return None
        day = self._dates[index.row()]
        skipped = day in self._skipped
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = format_date(day, "full")
            return _("%(date)s – skipped") % {"date": text} if skipped else text
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if skipped else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and skipped:
            return QColor(_MUTED)
        if role == ID_ROLE:
            return day.isoformat()
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        wanted = Qt.CheckState(value) == Qt.CheckState.Checked
        if wanted != (self._dates[index.row()] in self._skipped):
            self.toggle(index.row())
        return True
