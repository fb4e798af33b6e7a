"""Quick entry of a signed attendance sheet, all by keyboard.

The residents are in the order of the printed sheet. Up and Down move; one key per
state marks the highlighted resident and moves to the next: P present, A absent,
E excused, L late (then the arrival time, prefilled with the start time, and Enter);
1 to 4 do the same whatever the language; Delete clears. Each mark is saved at once on
the worker. Finish (Ctrl+Enter) records that the sheet is entered and closes.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTime,
)
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.workshop import ATTENDANCE_STATES, parse_time
from mediator_app.i18n import _, ngettext, pgettext
from mediator_app.store.workshops import OccurrenceSummary, Participant
from mediator_app.ui.workshops.context import PageContext
from mediator_app.ui.workshops.labels import ATTENDANCE_MARKERS, long_day, time_range
from mediator_app.ui.workshops.models import AttendanceEntryModel

TIME_FORMAT = "HH:mm"
ROW_HEIGHT = 28
#: Keys that work in every language: 1 to 4 in the order of the states.
DIGIT_KEYS = {
    Qt.Key.Key_1: "present",
    Qt.Key.Key_2: "absent",
    Qt.Key.Key_3: "excused",
    Qt.Key.Key_4: "late",
}
CLEAR_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)


def state_letters() -> dict[str, str]:
    """The letter of each state in the UI language (folded), e.g. ``{"p": "present"}``."""
    letters = {
        # Translators: the key that marks a participant present on the quick-entry screen.
        "present": pgettext("attendance key", "P"),
        # Translators: the key that marks a participant absent.
        "absent": pgettext("attendance key", "A"),
        # Translators: the key that marks a participant excused.
        "excused": pgettext("attendance key", "E"),
        # Translators: the key that marks a participant late.
        "late": pgettext("attendance key", "L"),
    }
    return {letter.casefold(): state for state, letter in letters.items()}


def _qtime(text: str | None) -> QTime | None:
    parsed = parse_time(text)
    return QTime(parsed.hour, parsed.minute) if parsed else None


class ArrivalTimeDelegate(QStyledItemDelegate):
    """Edits an arrival time in its cell; an empty cell starts from ``default_time``."""

    def __init__(self, default_time: str, parent: QObject | None = None):
        super().__init__(parent)
        self._default = _qtime(default_time) or QTime(0, 0)

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QTimeEdit(parent)
        editor.setDisplayFormat(TIME_FORMAT)
        editor.setAccessibleName(_("Arrival time"))
        editor.setToolTip(_("Type the arrival time, then Enter; Esc cancels."))
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QTimeEdit)
        editor.setTime(_qtime(index.data(Qt.ItemDataRole.EditRole)) or self._default)

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        assert isinstance(editor, QTimeEdit)
        model.setData(index, editor.time().toString(TIME_FORMAT), Qt.ItemDataRole.EditRole)


class AttendanceEntryDialog(QDialog):
    """Enter the marks of one signed sheet; marks are saved as they are typed."""

    def __init__(
        self,
        parent: QWidget | None,
        context: PageContext,
        summary: OccurrenceSummary,
        participants: Sequence[Participant],
    ):
        super().__init__(parent)
        self.setObjectName("attendanceEntryDialog")
        self._context = context
        self._summary = summary
        self._occurrence_id = summary.occurrence.id
        self._letters = state_letters()
        self._late_committed = False
        self.setWindowTitle(_("Enter the signed sheet"))

        heading = QLabel(summary.title)
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        details = QLabel(
            _("%(day)s, %(time)s, %(place)s")
            % {
                "day": long_day(summary.occurrence.day),
                "time": time_range(summary.occurrence),
                "place": summary.occurrence.place,
            }
        )
        details.setWordWrap(True)
        keys = QLabel(self._keys_help())
        keys.setObjectName("keysHelp")
        keys.setWordWrap(True)
        keys.setStyleSheet("background: #eef3fb; color: #10243e; padding: 6px;")

        self.model = AttendanceEntryModel(self)
        self.model.set_participants(participants)
        self.model.late_confirmed.connect(self._on_late_confirmed)
        self.table = QTableView()
        self.table.setObjectName("attendanceTable")
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Participants of the sheet"))
        self.table.setAccessibleDescription(keys.text())
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((44, 220, 180, 160)):
            self.table.setColumnWidth(column, width)
        self.delegate = ArrivalTimeDelegate(summary.occurrence.start_time, self.table)
        self.table.setItemDelegateForColumn(AttendanceEntryModel.ARRIVAL_COLUMN, self.delegate)
        # After the view's own handling: the editor is gone before the row moves on.
        self.delegate.closeEditor.connect(self._on_editor_closed)
        self.table.installEventFilter(self)
        table_label = QLabel(_("&Participants, in the order of the sheet"))
        table_label.setBuddy(self.table)
        self.progress = QLabel()
        self.progress.setObjectName("entryProgress")

        self.finish_button = QPushButton(_("&Finish: the sheet is entered"))
        self.finish_button.setToolTip(_("Ctrl+Enter"))
        self.finish_button.setAutoDefault(False)
        self.finish_button.clicked.connect(self.finish)
        close = QPushButton(_("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(close)
        buttons.addWidget(self.finish_button)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=self.finish)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(details)
        layout.addWidget(keys)
        layout.addWidget(table_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._fit_to_screen()
        self._update_progress()
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 1))
        self.table.setFocus()

    def _fit_to_screen(self) -> None:
        """Tall enough for every row when the screen allows it."""
        wanted = QSize(820, 260 + ROW_HEIGHT * (self.model.rowCount() + 1))
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            wanted = wanted.boundedTo(screen.availableGeometry().size() * 0.95)
        self.resize(wanted)

    def _keys_help(self) -> str:
        letters = {state: letter.upper() for letter, state in self._letters.items()}
        parts = [
            _("%(key)s or %(digit)s: %(state)s")
            % {
                "key": letters[state],
                "digit": number,
                "state": f"{ATTENDANCE_MARKERS[state]} {_(ATTENDANCE_STATES.label(state))}",
            }
            for number, state in enumerate(ATTENDANCE_STATES.codes, start=1)
        ]
        return (
            " · ".join(parts)
            + "\n"
            + _(
                "Up and Down move; Delete clears a mark. Late asks for the arrival time: "
                "type it, then Enter."
            )
        )

    # Keys -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            state = DIGIT_KEYS.get(Qt.Key(event.key())) or self._letters.get(
                event.text().casefold()
            )
            if state is not None:
                self.mark_current(state)
                return True
            if event.key() in CLEAR_KEYS:
                self.mark_current(None)
                return True
        return super().eventFilter(watched, event)

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def mark_current(self, state: str | None) -> None:
        """Mark the highlighted resident; ``late`` first asks for the arrival time."""
        row = self.current_row()
        if row < 0:
            return
        if state == "late":
            self._late_committed = False
            self.table.edit(self.model.index(row, AttendanceEntryModel.ARRIVAL_COLUMN))
            return
        self.model.set_mark(row, state)
        self._save(row, state, None)
        self._move_to(row + 1)

    def _on_late_confirmed(self, row: int, arrival_time: str) -> None:
        self._late_committed = True
        self._save(row, "late", arrival_time)

    def _on_editor_closed(self, _editor: QWidget, _hint: QAbstractItemDelegate.EndEditHint) -> None:
        row = self.current_row()
        self._move_to(row + 1 if self._late_committed else row)
        self._late_committed = False

    def _move_to(self, row: int) -> None:
        row = min(max(row, 0), self.model.rowCount() - 1)
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 1))

    # Saving ---------------------------------------------------------------------------

    def _save(self, row: int, state: str | None, arrival_time: str | None) -> None:
        person = self.model.participant(row)
        if person is None:
            return
        occurrence_id, resident_id = self._occurrence_id, person.resident_id
        self._update_progress()
        self._context.run_write(
            lambda store: store.workshops.set_attendance(
                occurrence_id, resident_id, state, arrival_time
            ),
            on_failure=self._on_save_failed,
        )

    def _on_save_failed(self, error: BaseException) -> None:
        self._context.explain(error)
        self.model.set_participants(self._context.store.workshops.participants(self._occurrence_id))
        self._update_progress()

    def _update_progress(self) -> None:
        total = self.model.rowCount()
        self.progress.setText(
            ngettext("%(marked)s of %(total)s marked", "%(marked)s of %(total)s marked", total)
            % {"marked": self.model.marked(), "total": total}
        )

    def finish(self) -> None:
        """Record that the sheet is entered, once the marks before it are saved."""
        missing = self.model.rowCount() - self.model.marked()
        if missing:
            answer = QMessageBox.question(
                self,
                _("Finish"),
                ngettext(
                    "%(count)s participant has no mark. Record the sheet as entered anyway?",
                    "%(count)s participants have no mark. Record the sheet as entered anyway?",
                    missing,
                )
                % {"count": missing},
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.finish_button.setEnabled(False)
        occurrence_id = self._occurrence_id
        self._context.run_write(
            lambda store: store.workshops.mark_attendance_entered(occurrence_id),
            on_success=self._on_finished,
            on_failure=self._on_finish_failed,
        )

    def _on_finished(self, _result: object) -> None:
        self._context.show_status(
            _("The attendance of “%(title)s” is entered.") % {"title": self._summary.title}
        )
        self.accept()

    def _on_finish_failed(self, error: BaseException) -> None:
        self.finish_button.setEnabled(True)
        self._context.explain(error)
