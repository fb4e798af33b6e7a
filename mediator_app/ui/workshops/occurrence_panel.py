"""One session at a glance: its workshop, day, time and place, its numbers, the state of
its sheet, the participants, and the buttons of what can be done with it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.workshop import Workshop
from mediator_app.i18n import _, ngettext
from mediator_app.store.workshops import OccurrenceSummary, Participant
from mediator_app.ui.widgets import scrolling
from mediator_app.ui.workshops.labels import (
    CANCELLED_MARKER,
    DONE_MARKER,
    PENDING_MARKER,
    counts_text,
    long_day,
    time_range,
)
from mediator_app.ui.workshops.models import ParticipantsModel

HEADING_STYLE = "font-size: 16pt; font-weight: 600;"
SECTION_STYLE = "font-weight: 600;"
CANCELLED_STYLE = "background: #fbe3e4; color: #5c0009; padding: 4px; border-radius: 3px;"

#: The buttons under the participants, by row: a title and the names of the actions.
BUTTON_ROWS = (
    ("participants", ("register", "register_series", "unregister", "walk_in", "anonymous")),
    ("sheet", ("print_sheet", "save_sheet", "series_sheets", "enter_sheet", "attach_scan",
               "open_scan")),
    ("session", ("move", "cancel_occurrence")),
)  # fmt: skip


MAX_BUTTON_COLUMNS = 3


def action_button(action: QAction) -> QToolButton:
    button = QToolButton()
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


class OccurrencePanel(QWidget):
    """Shows one session; its buttons trigger the page's actions."""

    def __init__(self, actions: Mapping[str, QAction], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("occurrencePanel")
        self._summary: OccurrenceSummary | None = None
        self.heading = QLabel()
        self.heading.setObjectName("occurrenceTitle")
        self.heading.setStyleSheet(HEADING_STYLE)
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.cancelled = QLabel(f"{CANCELLED_MARKER} " + _("This session is cancelled."))
        self.cancelled.setStyleSheet(CANCELLED_STYLE)
        self.counts = QLabel()
        self.counts.setObjectName("occurrenceCounts")
        self.counts.setWordWrap(True)
        self.sheet_state = QLabel()
        self.sheet_state.setObjectName("sheetState")
        self.sheet_state.setWordWrap(True)
        self.facilitators = QLabel()
        self.facilitators.setWordWrap(True)

        self.participants_label = QLabel(_("Participants"))
        self.participants_label.setStyleSheet(SECTION_STYLE)
        self.model = ParticipantsModel(self)
        self.table = QTableView()
        self.table.setObjectName("participants")
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Participants"))
        self.participants_label.setBuddy(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((200, 130, 130)):
            self.table.setColumnWidth(column, width)
        self.table.addAction(actions["unregister"])

        series_menu = QMenu(self)
        series_menu.addAction(actions["print_series"])
        series_menu.addAction(actions["save_series"])
        actions["series_sheets"].setMenu(series_menu)

        self.buttons: dict[str, QToolButton] = {}
        self._group_titles: list[tuple[QLabel, tuple[str, ...]]] = []
        titles = {
            "participants": _("Participants:"),
            "sheet": _("Sheet:"),
            "session": _("Session:"),
        }
        for group, names in BUTTON_ROWS:
            title = QLabel(titles[group])
            title.setStyleSheet(SECTION_STYLE)
            self._group_titles.append((title, names))
            for name in names:
                button = action_button(actions[name])
                if name == "series_sheets":
                    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
                self.buttons[name] = button
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(4)
        self._columns = 0
        self._lay_out_buttons(MAX_BUTTON_COLUMNS)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        layout.addWidget(self.cancelled)
        layout.addWidget(self.counts)
        layout.addWidget(self.sheet_state)
        layout.addWidget(self.facilitators)
        layout.addWidget(self.participants_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.grid)
        self.table.setMinimumHeight(6 * 24 + 30)
        # With large fonts the panel scrolls rather than pushing the window off screen.
        outer = QVBoxLayout(self)
        outer.addWidget(scrolling(body))
        self.show_occurrence(None, None, (), None)

    def _lay_out_buttons(self, columns: int) -> None:
        """Put the buttons in ``columns`` columns under their group titles."""
        if columns == self._columns:
            return
        self._columns = columns
        while self.grid.count():
            self.grid.takeAt(0)
        row = 0
        for title, names in self._group_titles:
            self.grid.addWidget(title, row, 0, 1, columns)
            row += 1
            for position, name in enumerate(names):
                self.grid.addWidget(
                    self.buttons[name], row + position // columns, position % columns
                )
            row += (len(names) + columns - 1) // columns
        for column in range(MAX_BUTTON_COLUMNS):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fewer button columns when the panel is narrow (large fonts), so that it
        scrolls up and down only."""
        widest = max(button.sizeHint().width() for button in self.buttons.values())
        spacing = self.grid.horizontalSpacing()
        available = event.size().width() - 40
        columns = MAX_BUTTON_COLUMNS
        while columns > 1 and columns * widest + (columns - 1) * spacing > available:
            columns -= 1
        self._lay_out_buttons(columns)
        super().resizeEvent(event)

    @property
    def summary(self) -> OccurrenceSummary | None:
        return self._summary

    def selected_participant(self) -> Participant | None:
        index = self.table.currentIndex()
        return self.model.participant(index.row()) if index.isValid() else None

    def show_occurrence(
        self,
        summary: OccurrenceSummary | None,
        workshop: Workshop | None,
        participants: Sequence[Participant],
        series_position: tuple[int, int] | None,
        today: date | None = None,
    ) -> None:
        """Show ``summary`` (``None`` for none) with its participants; the highlighted
        participant stays highlighted when still there."""
        selected = self.selected_participant()
        self._summary = summary
        self.model.set_rows(participants)
        if summary is None:
            self.heading.setText(_("No session chosen"))
            self.details.setText(
                _("Choose a session in the week or in the list of upcoming sessions.")
            )
            for label in (self.cancelled, self.counts, self.sheet_state, self.facilitators):
                label.hide()
            return
        occurrence = summary.occurrence
        self.heading.setText(summary.title)
        parts = [long_day(occurrence.day), time_range(occurrence), occurrence.place]
        if series_position is not None:
            parts.append(
                _("session %(number)s of %(count)s of a series")
                % {"number": series_position[0], "count": series_position[1]}
            )
        self.details.setText(" · ".join(parts))
        self.details.show()
        self.cancelled.setVisible(occurrence.cancelled)
        self.counts.setText(counts_text(summary))
        self.counts.show()
        self._show_sheet_state(summary, today or date.today())
        names = workshop.facilitators if workshop else ()
        self.facilitators.setText(
            ngettext("Facilitator: %(names)s", "Facilitators: %(names)s", len(names))
            % {"names": ", ".join(names)}
        )
        self.facilitators.setVisible(bool(names))
        count = len(participants)
        self.participants_label.setText(
            ngettext("%(count)s participant", "%(count)s participants", count) % {"count": count}
        )
        row = self.model.row_of(selected.resident_id) if selected else None
        if row is None and count:
            row = 0
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _show_sheet_state(self, summary: OccurrenceSummary, today: date) -> None:
        occurrence = summary.occurrence
        if occurrence.cancelled or occurrence.day >= today:
            self.sheet_state.hide()
            return
        attendance = (
            f"{DONE_MARKER} " + _("Attendance entered")
            if occurrence.attendance_entered
            else f"{PENDING_MARKER} " + _("Attendance not entered yet")
        )
        scan = (
            f"{DONE_MARKER} " + _("Scan attached: %(name)s") % {"name": occurrence.scan_name}
            if occurrence.scan_sha256
            else f"{PENDING_MARKER} " + _("No scan of the signed sheet yet")
        )
        self.sheet_state.setText(f"{attendance} · {scan}")
        self.sheet_state.show()
