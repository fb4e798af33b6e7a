"""The conflicts screen: the fields two desks changed without seeing each other's change,
and, for the one selected, every version with the desk and the time it was made.

A mediator chooses one version, or types another value for a text or number field; the
dialog only says what was chosen (``resolve_requested``). The caller settles the conflict
on the worker with ``mediator_app.sync.conflicts.resolve`` and answers with
``conflict_resolved()`` or ``resolve_failed()``, as for a ``SavingDialog``::

    dialog.resolve_requested.connect(
        lambda table, row_id, field, value: worker.run(
            lambda store, _progress: resolve(store, table, row_id, field, value),
            on_success=lambda _result: dialog.conflict_resolved(),
            on_failure=dialog.resolve_failed,
        )
    )

Keys: Up and Down choose a conflict in the list, Tab goes to its versions, where the
arrows or 1 to 9 choose a value (on a French AZERTY keyboard the unshifted top row
works too), and Ctrl+Enter keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.clock import unpack
from mediator_app.domain.codes import (
    ADMIN_THEMES,
    AGE_BANDS,
    DEVICES,
    GENDERS,
    PLACE_TYPES,
    REFERRAL_STRUCTURES,
    SOCIAL_STATUSES,
    THEMES,
    CodeList,
)
from mediator_app.domain.validation import MessageError, Problem, ValidationError
from mediator_app.domain.workshop import ATTENDANCE_STATES, WORKSHOP_LEVELS
from mediator_app.i18n import N_, _, format_date, format_duration, format_time, ngettext
from mediator_app.store import Store
from mediator_app.store.driver import sqlite3
from mediator_app.store.errors import NotFoundError
from mediator_app.sync import keys
from mediator_app.sync.conflicts import Conflict, ConflictVersion, open_conflicts
from mediator_app.ui.models import ID_ROLE, RECORD_ROLE, AnyIndex, ColumnsTableModel
from mediator_app.ui.models import autonomy_label as _autonomy_label
from mediator_app.ui.widgets import FieldError

#: Labels of the fields a mediator meets in a conflict; other fields show their name.
FIELD_LABELS: dict[str, str] = {
    # Resident
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "birth_year": N_("Year of birth"),
    "gender": N_("Gender"),
    "social_status": N_("Social status"),
    "commune": N_("Commune"),
    "postcode": N_("Postcode"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "language": N_("Preferred language"),
    "notes": N_("Notes"),
    "consent_date": N_("Date of consent"),
    # Support session
    "resident_id": N_("Resident"),
    "date": N_("Date"),
    "duration_min": N_("Duration"),
    "place_type": N_("Place"),
    "device": N_("Device"),
    "themes": N_("Themes"),
    "admin_themes": N_("Administrative themes"),
    "procedure": N_("Procedure"),
    "autonomy": N_("Autonomy"),
    "referred": N_("Referred"),
    "referral_to": N_("Referred to"),
    "follow_up_needed": N_("Follow-up needed"),
    "follow_up_date": N_("Follow-up date"),
    "follow_up_done": N_("Follow-up done"),
    "mediator_id": N_("Mediator"),
    "anon_gender": N_("Gender"),
    "anon_age_band": N_("Age band"),
    "anon_social_status": N_("Social status"),
    "anon_commune": N_("Commune"),
    # Workshop and its dates
    "title": N_("Title"),
    "level": N_("Level"),
    "description": N_("Description"),
    "default_duration_min": N_("Usual duration"),
    "capacity": N_("Capacity"),
    "facilitators": N_("Facilitators"),
    "archived": N_("Archived"),
    "workshop_id": N_("Workshop"),
    "start_time": N_("Start time"),
    "end_time": N_("End time"),
    "place": N_("Place"),
    "cancelled": N_("Cancelled"),
    "attendance_entered": N_("Attendance entered"),
    "anonymous_participants": N_("Anonymous participants"),
    # Registration, skills, mediators
    "status": N_("Registration"),
    "attendance": N_("Attendance"),
    "arrival_time": N_("Arrival time"),
    "assessed_on": N_("Assessment date"),
    "ratings": N_("Skill levels"),
    "target_date": N_("Target date"),
    "achieved_on": N_("Achieved on"),
    "name": N_("Name"),
    "active": N_("Active"),
}

#: Fields for which "Another value" offers a line of text, or a whole number.
TEXT_FIELDS = frozenset(
    {"first_name", "last_name", "commune", "postcode", "phone", "email", "notes",
     "procedure", "anon_commune", "title", "description", "place", "name"}
)  # fmt: skip
NUMBER_FIELDS = frozenset({"birth_year", "duration_min", "default_duration_min", "capacity"})

_CODE_LISTS: dict[str, CodeList] = {
    "themes": THEMES,
    "admin_themes": ADMIN_THEMES,
    "gender": GENDERS,
    "anon_gender": GENDERS,
    "social_status": SOCIAL_STATUSES,
    "anon_social_status": SOCIAL_STATUSES,
    "anon_age_band": AGE_BANDS,
    "place_type": PLACE_TYPES,
    "device": DEVICES,
    "referral_to": REFERRAL_STRUCTURES,
    "level": WORKSHOP_LEVELS,
    "attendance": ATTENDANCE_STATES,
}
_DATE_FIELDS = frozenset(
    {"date", "follow_up_date", "target_date", "achieved_on", "assessed_on", "consent_date"}
)
_DURATION_FIELDS = frozenset({"duration_min", "default_duration_min"})

#: What a row that is no longer on this desk is called, by table.
_GONE_RECORDS = {
    "resident": N_("A resident no longer on this desk"),
    "support_session": N_("A session no longer on this desk"),
    "workshop": N_("A workshop no longer on this desk"),
    "workshop_occurrence": N_("A workshop date no longer on this desk"),
    "registration": N_("A registration no longer on this desk"),
    "skill_assessment": N_("An assessment no longer on this desk"),
    "skill_goal": N_("A skill goal no longer on this desk"),
    "mediator": N_("A mediator no longer on this desk"),
}

#: Room for a description, a field and three versions of a long value.
DIALOG_SIZE = (900, 600)
#: Values longer than this are cut in the list of versions (the tooltip has them whole).
VALUE_MAX_CHARS = 90
#: The unshifted top row of a French AZERTY keyboard, where the digits need Shift.
_AZERTY_DIGITS = ("&", "é", '"', "'", "(", "-", "è", "_", "ç")
_DIGIT_KEYS = tuple(Qt.Key(Qt.Key.Key_1.value + offset) for offset in range(9))
#: The id of "Another value" in the button group (versions are 0, 1, 2…).
_OTHER_ID = 999


# --- What the screen says of a conflict ---------------------------------------------


def field_label(field: str) -> str:
    """The translated label of a field, or its name for a field not listed."""
    label = FIELD_LABELS.get(field)
    return _(label) if label else field


def describe_record(store: Store, table: str, row_id: str) -> str:
    """A description of a row a mediator recognises ("Session of 20 Nov 2026 with Hélène
    Petit"), read from ``store``; never raises for a row that is gone."""
    try:
        description = _describe(store.conn, table, row_id)
    except (sqlite3.Error, ValueError):
        description = None
    if description is not None:
        return description
    gone = _GONE_RECORDS.get(table)
    return _(gone) if gone else table


def _describe(conn: sqlite3.Connection, table: str, row_id: str) -> str | None:
    if table == "resident":
        return _resident_name(conn, row_id)
    if table == "support_session":
        row = conn.execute(
            "SELECT date, resident_id FROM support_session WHERE id = ?", (row_id,)
        ).fetchone()
        if row is None:
            return None
        day = _date_text(row[0])
        name = _resident_name(conn, row[1]) if row[1] else None
        if name is None:
            return _("Anonymous visit of %(date)s") % {"date": day}
        return _("Session of %(date)s with %(name)s") % {"date": day, "name": name}
    if table == "workshop":
        row = conn.execute("SELECT title FROM workshop WHERE id = ?", (row_id,)).fetchone()
        return row[0] if row else None
    if table == "workshop_occurrence":
        row = conn.execute(
            "SELECT w.title, o.date FROM workshop_occurrence o "
            "LEFT JOIN workshop w ON w.id = o.workshop_id WHERE o.id = ?",
            (row_id,),
        ).fetchone()
        if row is None:
            return None
        return _("%(workshop)s on %(date)s") % {
            "workshop": row[0] or _("Workshop"),
            "date": _date_text(row[1]),
        }
    if table == "registration":
        row = conn.execute(
            "SELECT r.resident_id, w.title, o.date FROM registration r "
            "LEFT JOIN workshop_occurrence o ON o.id = r.occurrence_id "
            "LEFT JOIN workshop w ON w.id = o.workshop_id WHERE r.id = ?",
            (row_id,),
        ).fetchone()
        if row is None:
            return None
        return _("Registration of %(name)s to %(workshop)s on %(date)s") % {
            "name": _resident_name(conn, row[0]) or _("a resident"),
            "workshop": row[1] or _("Workshop"),
            "date": _date_text(row[2]) if row[2] else "",
        }
    if table in ("skill_assessment", "skill_goal"):
        row = conn.execute(f"SELECT resident_id FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if row is None:
            return None
        name = _resident_name(conn, row[0]) or _("a resident")
        return _("Skills of %(name)s") % {"name": name}
    if table == "mediator":
        row = conn.execute("SELECT name FROM mediator WHERE id = ?", (row_id,)).fetchone()
        return _("Mediator %(name)s") % {"name": row[0]} if row else None
    return None


def _resident_name(conn: sqlite3.Connection, resident_id: str) -> str | None:
    row = conn.execute(
        "SELECT first_name, last_name FROM resident WHERE id = ?", (resident_id,)
    ).fetchone()
    if row is None:
        return None
    return " ".join(part for part in row if part) or _("A resident without a name")


def _date_text(value: str) -> str:
    try:
        return format_date(value)
    except (TypeError, ValueError):
        return str(value)


def describe_value(store: Store, field: str, value: Any) -> str:
    """A field's value as a mediator reads it: labels of codes, Yes or No, dates in the
    UI language, names for ids; "(empty)" for nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return _("(empty)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    code_list = _CODE_LISTS.get(field)
    if code_list is not None:
        codes = value if isinstance(value, list) else [value]
        return ", ".join(
            _(code_list.label(code)) if code in code_list else str(code) for code in codes
        )
    if field == "autonomy":
        return _autonomy_label(str(value))
    if field in _DATE_FIELDS and isinstance(value, str):
        return _date_text(value)
    if field in _DURATION_FIELDS and isinstance(value, int):
        return format_duration(value)
    if field in ("resident_id", "mediator_id", "workshop_id") and isinstance(value, str):
        return _name_of(store.conn, field, value) or value
    if field == "ratings" and isinstance(value, dict):
        rated = len(value)
        return ngettext("%(count)s skill rated", "%(count)s skills rated", rated) % {"count": rated}
    if field == "anonymous_participants" and isinstance(value, list):
        count = sum(int(entry.get("count", 0)) for entry in value if isinstance(entry, dict))
        return ngettext(
            "%(count)s anonymous participant", "%(count)s anonymous participants", count
        ) % {"count": count}
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _name_of(conn: sqlite3.Connection, field: str, row_id: str) -> str | None:
    try:
        if field == "resident_id":
            return _resident_name(conn, row_id)
        table, column = ("mediator", "name") if field == "mediator_id" else ("workshop", "title")
        row = conn.execute(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,)).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _one_line(text: str, limit: int = VALUE_MAX_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def desk_label(store: Store, desk_id: str) -> str:
    """The name of the desk that made a version: this one, an enrolled one, or "another
    desk" for one this desk does not know."""
    this_desk = store.desk
    if this_desk is not None and this_desk.id == desk_id:
        return _("%(name)s (this desk)") % {"name": this_desk.name}
    peer = keys.peer(store, desk_id)
    return peer.name if peer is not None else _("another desk")


def _version_text(store: Store, field: str, version: ConflictVersion, shown: bool) -> str:
    moment = datetime.fromtimestamp(unpack(version.hlc)[0] / 1000)
    values = {
        "value": _one_line(describe_value(store, field, version.value)),
        "desk": desk_label(store, version.desk_id),
        "date": format_date(moment.date()),
        "time": format_time(moment),
    }
    if shown:
        # Translators: a version of a field in conflict, the one the record shows now.
        return _("«%(value)s» — on %(desk)s, %(date)s at %(time)s (shown now)") % values
    # Translators: a version of a field in conflict, with the desk and time it was made.
    return _("«%(value)s» — on %(desk)s, %(date)s at %(time)s") % values


def _field_problem(
    store: Store, conflict: Conflict, value: Any, today: date | None = None
) -> Problem | None:
    """What the record's own rules say of ``value`` for the field, if the record is here."""
    today = today or date.today()
    table, row_id, field = conflict.table_name, conflict.row_id, conflict.field
    try:
        if table == "resident":
            problems = replace(store.residents.get(row_id), **{field: value}).problems(today)
        elif table == "support_session":
            problems = replace(store.sessions.get(row_id), **{field: value}).problems(today)
        elif table == "workshop":
            problems = replace(store.workshops.get_workshop(row_id), **{field: value}).problems()
        elif table == "workshop_occurrence":
            occurrence = store.workshops.get_occurrence(row_id)
            problems = replace(occurrence, **{field: value}).problems()
        else:
            return None
    except (NotFoundError, TypeError, ValueError, sqlite3.Error):
        return None
    return problems.get(field)


# --- The list of conflicts ------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    """A conflict with what the list shows of it."""

    conflict: Conflict
    record: str
    field: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.conflict.table_name, self.conflict.row_id, self.conflict.field)


class ConflictListModel(ColumnsTableModel):
    """The open conflicts, oldest first. They are few: all are read at each refresh."""

    COLUMNS = (N_("Record"), N_("Field"), N_("Versions"))

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self._store = store
        self._rows: list[ConflictRow] = []

    def refresh(self) -> None:
        """Read the open conflicts again from the store."""
        rows = [
            ConflictRow(
                conflict,
                describe_record(self._store, conflict.table_name, conflict.row_id),
                field_label(conflict.field),
            )
            for conflict in open_conflicts(self._store.conn)
        ]
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def entry(self, row: int) -> ConflictRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: tuple[str, str, str]) -> int | None:
        """The row of the conflict on ``(table, row_id, field)``, if it is still open."""
        for row, entry in enumerate(self._rows):
            if entry.key == key:
                return row
        return None

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        if role == ID_ROLE:
            return entry.conflict.row_id
        if role == RECORD_ROLE:
            return entry.conflict
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            column = index.column()
            if column == 0:
                return entry.record
            if column == 1:
                return entry.field
            if column == 2:
                return str(len(entry.conflict.versions))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


# --- The dialog -----------------------------------------------------------------------


class ConflictsDialog(QDialog):
    """Choose the value of each field in conflict. ``resolve_requested`` carries
    ``(table, row_id, field, value)``; the caller resolves on the worker and answers with
    ``conflict_resolved()`` or ``resolve_failed(error)``. The dialog never writes."""

    resolve_requested = Signal(str, str, str, object)

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("conflictsDialog")
        self._store = store
        self._busy = False
        self.setWindowTitle(_("Conflicts between desks"))

        heading = QLabel(self.windowTitle())
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        explanation = QLabel(
            _(
                "These fields were changed on two desks before either saw the other's "
                "change. Every version is kept and the record shows the latest one until "
                "you choose the right value: your choice reaches the other desks at their "
                "next sync."
            )
        )
        explanation.setWordWrap(True)

        self.model = ConflictListModel(store, self)
        self.table = QTableView()
        self.table.setObjectName("conflictList")
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Fields in conflict"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        list_label = QLabel(_("&Conflicts:"))
        list_label.setBuddy(self.table)

        self.versions_box = QGroupBox(_("&Versions"))
        self.versions_box.setObjectName("conflictVersions")
        self.versions_box.setAccessibleName(_("Versions"))
        self.versions_record = QLabel()
        self.versions_record.setObjectName("conflictRecord")
        self.versions_record.setStyleSheet("font-weight: 600;")
        self.versions_record.setWordWrap(True)
        self.versions_intro = QLabel()
        self.versions_intro.setWordWrap(True)
        self.buttons = QButtonGroup(self)
        self.buttons.idToggled.connect(self._on_choice_toggled)
        self.version_buttons: list[QRadioButton] = []
        self._versions_layout = QVBoxLayout()
        self.other_button = QRadioButton(_("A&nother value:"))
        self.other_button.setAccessibleName(_("Another value"))
        self.other_button.installEventFilter(self)
        self.buttons.addButton(self.other_button, _OTHER_ID)
        self.other_value = QLineEdit()
        self.other_value.setObjectName("otherValue")
        self.other_value.setAccessibleName(_("The other value to keep"))
        self.other_value.setEnabled(False)
        self.other_value.returnPressed.connect(self.keep)
        self.other_value.textEdited.connect(lambda _text: self.other_error.show_problem(None))
        self.other_error = FieldError()
        other_row = QHBoxLayout()
        other_row.addWidget(self.other_button)
        other_row.addWidget(self.other_value, 1)
        self.keys_hint = QLabel(
            _("The arrow keys or the numbers 1 to 9 choose a value; Ctrl+Enter keeps it.")
        )
        self.keys_hint.setStyleSheet("color: palette(placeholder-text);")
        self.keys_hint.setWordWrap(True)
        box_layout = QVBoxLayout(self.versions_box)
        box_layout.addWidget(self.versions_record)
        box_layout.addWidget(self.versions_intro)
        box_layout.addLayout(self._versions_layout)
        box_layout.addLayout(other_row)
        box_layout.addWidget(self.other_error)
        box_layout.addWidget(self.keys_hint)

        work = QWidget()
        work_layout = QVBoxLayout(work)
        work_layout.setContentsMargins(0, 0, 0, 0)
        work_layout.addWidget(explanation)
        work_layout.addWidget(list_label)
        work_layout.addWidget(self.table, 1)
        work_layout.addWidget(self.versions_box)

        self.empty_label = QLabel(_("No conflict: every desk agrees."))
        self.empty_label.setObjectName("noConflict")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("font-size: 14pt;")
        empty_detail = QLabel(
            _(
                "When two desks change the same field before they sync, the field shows "
                "here for you to choose the right value."
            )
        )
        empty_detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_detail.setWordWrap(True)
        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_label)
        empty_layout.addWidget(empty_detail)
        empty_layout.addStretch(2)
        self.pages = QStackedWidget()
        self.pages.addWidget(work)
        self.pages.addWidget(empty)

        self.general_error = FieldError()
        self.keep_button = QPushButton(_("&Keep this value"))
        self.keep_button.setObjectName("keepValue")
        self.keep_button.setToolTip(_("Ctrl+Enter"))
        self.keep_button.setAutoDefault(False)
        self.keep_button.clicked.connect(self.keep)
        self.close_button = QPushButton(_("Clo&se"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.close_button)
        button_row.addWidget(self.keep_button)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=self.keep)

        outer = QVBoxLayout(self)
        outer.addWidget(heading)
        outer.addWidget(self.pages, 1)
        outer.addWidget(self.general_error)
        outer.addLayout(button_row)
        self._fit_to_screen()
        self.reload()
        self.table.setFocus()

    # --- Public API ---------------------------------------------------------------------

    @property
    def current(self) -> ConflictRow | None:
        """The conflict selected, if any."""
        return self.model.entry(self.table.currentIndex().row())

    def reload(self, select_row: int | None = None) -> None:
        """Read the open conflicts again and select one: the one selected before if it is
        still open, else the one at ``select_row`` (the next after a resolved one)."""
        selected = self.current
        self.model.refresh()
        total = self.model.rowCount()
        self.pages.setCurrentIndex(0 if total else 1)
        if not total:
            self._show_versions(None)
            return
        row = self.model.row_of(selected.key) if selected is not None else None
        if row is None:
            row = min(max(select_row or 0, 0), total - 1)
        # The reset left no current row: selecting one shows its versions.
        self.table.selectRow(row)

    def conflict_resolved(self) -> None:
        """The caller settled the conflict: show the next one, or that none is left."""
        self._busy = False
        row = self.table.currentIndex().row()
        resolved = self.current
        if resolved is not None:
            self.table.clearSelection()
            self.table.setCurrentIndex(QModelIndex())
        self.reload(select_row=row)
        if self.model.rowCount():
            self.table.setFocus()
        else:
            self.close_button.setFocus()

    def resolve_failed(self, error: BaseException) -> None:
        """The caller could not settle the conflict: say why; the choice stays."""
        self._busy = False
        if isinstance(error, MessageError):
            reason = error.render(_)
        elif isinstance(error, ValidationError):
            reason = " ".join(problem.render(_) for problem in error.problems.values())
        else:
            reason = _("An unexpected error occurred: %(error)s") % {"error": error}
        self.general_error.show_problem(
            Problem(N_("This value was not kept: %(reason)s"), {"reason": reason})
        )
        self._update_buttons()

    def choose(self, index: int) -> None:
        """Choose the version at ``index`` (0 is the one shown now); the number after the
        last version chooses "Another value" when it is offered."""
        buttons = self._choices()
        if 0 <= index < len(buttons):
            buttons[index].setChecked(True)
            buttons[index].setFocus()

    def keep(self) -> None:
        """Ask the caller to keep the chosen value (``resolve_requested``)."""
        entry = self.current
        if self._busy or entry is None:
            return
        chosen = self.buttons.checkedId()
        if chosen == -1:
            return
        if chosen == _OTHER_ID:
            value, problem = self._typed_value(entry.conflict)
            self.other_error.show_problem(problem)
            if problem is not None:
                self.other_value.setFocus()
                return
        else:
            value = entry.conflict.versions[chosen].value
        self.general_error.show_problem(None)
        self._busy = True
        self._update_buttons()
        table, row_id, field = entry.key
        self.resolve_requested.emit(table, row_id, field, value)

    # --- Inside ---------------------------------------------------------------------------

    def _fit_to_screen(self) -> None:
        wanted = QSize(*DIALOG_SIZE)
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            wanted = wanted.boundedTo(screen.availableGeometry().size() * 0.95)
        self.resize(wanted)

    def _choices(self) -> list[QRadioButton]:
        buttons = list(self.version_buttons)
        if self.other_button.isVisibleTo(self):
            buttons.append(self.other_button)
        return buttons

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_versions(self.model.entry(current.row()))

    def _show_versions(self, entry: ConflictRow | None) -> None:
        for button in self.version_buttons:
            self.buttons.removeButton(button)
            self._versions_layout.removeWidget(button)
            button.hide()  # out of sight and of the Tab chain until it is deleted
            button.deleteLater()
        self.version_buttons = []
        self.buttons.setExclusive(False)
        self.other_button.setChecked(False)
        self.buttons.setExclusive(True)
        self.other_value.clear()
        self.other_error.show_problem(None)
        self.general_error.show_problem(None)
        self.versions_box.setEnabled(entry is not None)
        if entry is None:
            self.versions_record.clear()
            self.versions_intro.clear()
            self._update_buttons()
            return
        conflict = entry.conflict
        count = len(conflict.versions)
        self.versions_record.setText(entry.record)
        self.versions_intro.setText(
            ngettext(
                "“%(field)s” has %(count)s version. Choose the value to keep.",
                "“%(field)s” has %(count)s versions. Choose the value to keep.",
                count,
            )
            % {"field": entry.field, "count": count}
        )
        previous: QWidget = self.table
        for index, version in enumerate(conflict.versions):
            text = _version_text(self._store, conflict.field, version, shown=index == 0)
            button = QRadioButton(text.replace("&", "&&"))
            button.setObjectName(f"version{index + 1}")
            button.setAccessibleName(text)
            full_value = describe_value(self._store, conflict.field, version.value)
            button.setToolTip(full_value)
            button.setAccessibleDescription(full_value)
            button.installEventFilter(self)
            self.buttons.addButton(button, index)
            self._versions_layout.addWidget(button)
            button.show()  # at once, not when the event loop next runs: Tab finds it
            self.version_buttons.append(button)
            QWidget.setTabOrder(previous, button)
            previous = button
        offered = conflict.field in TEXT_FIELDS or conflict.field in NUMBER_FIELDS
        self.other_button.setVisible(offered)
        self.other_value.setVisible(offered)
        if conflict.field in _DURATION_FIELDS:
            placeholder = _("A number of minutes")
        elif conflict.field in NUMBER_FIELDS:
            placeholder = _("A whole number")
        else:
            placeholder = ""
        self.other_value.setPlaceholderText(placeholder)
        for widget in (self.other_button, self.other_value, self.close_button, self.keep_button):
            QWidget.setTabOrder(previous, widget)
            previous = widget
        # Tab stops once in a group of radio buttons, on the one Qt left tabbable: make
        # that the first version (the arrows and the numbers move within the group).
        for index, button in enumerate(self._choices()):
            button.setFocusPolicy(
                Qt.FocusPolicy.StrongFocus if index == 0 else Qt.FocusPolicy.ClickFocus
            )
        self._update_buttons()

    def _on_choice_toggled(self, button_id: int, checked: bool) -> None:
        if button_id == _OTHER_ID:
            self.other_value.setEnabled(checked)
            if not checked:
                self.other_error.show_problem(None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.buttons.checkedId() != -1
        self.keep_button.setEnabled(self.current is not None and chosen and not self._busy)

    def _typed_value(self, conflict: Conflict) -> tuple[Any, Problem | None]:
        """The value typed in "Another value", or what is wrong with it."""
        text = " ".join(self.other_value.text().split())
        if not text:
            return None, Problem(N_("Type the value to keep, or choose one of the versions."))
        value: Any = text
        if conflict.field in NUMBER_FIELDS:
            try:
                value = int(text.replace("\u202f", "").replace(" ", ""))
            except ValueError:
                example = next((v.value for v in conflict.versions if isinstance(v.value, int)), 45)
                return None, Problem(
                    N_("Type a whole number, for example %(example)s."), {"example": example}
                )
        return value, _field_problem(self._store, conflict, value)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On a version: 1 to 9 (or the AZERTY top row) choose; a click on "Another
        value" moves to its field."""
        if isinstance(watched, QRadioButton):
            if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                index = self._digit_of(event)
                if index is not None:
                    self.choose(index)
                    return True
            elif event.type() == QEvent.Type.MouseButtonRelease and watched is self.other_button:
                QTimer.singleShot(0, self._focus_other_value)
        return super().eventFilter(watched, event)

    def _focus_other_value(self) -> None:
        if self.other_button.isChecked():
            self.other_value.setFocus()

    @staticmethod
    def _digit_of(event: QKeyEvent) -> int | None:
        if event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return None
        key = Qt.Key(event.key())
        if key in _DIGIT_KEYS:
            return _DIGIT_KEYS.index(key)
        text = event.text()
        return _AZERTY_DIGITS.index(text) if text and text in _AZERTY_DIGITS else None
