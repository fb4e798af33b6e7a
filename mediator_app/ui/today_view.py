"""Today: the sessions logged today and the follow-ups due, oldest first."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediator_app.i18n import _, format_date, format_duration, format_number, ngettext
from mediator_app.store import Store
from mediator_app.ui.models import (
    FOLLOW_UP_COLUMNS,
    TODAY_COLUMNS,
    SessionListModel,
    follow_up_cell,
    today_cell,
)

SECTION_STYLE = "font-size: 13pt; font-weight: 600;"


#: Follow-ups listed at most, the oldest first: beyond, a list is no longer read.
FOLLOW_UPS_LISTED = 200


def _table(model: SessionListModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setColumnWidth(0, 200)
    view.setColumnWidth(1, 300)
    return view


class TodayView(QWidget):
    """Today's work at this desk and the follow-ups that are due."""

    open_resident_requested = Signal(str)
    follow_up_done_requested = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("todayView")
        self._store = store
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.sessions_label = QLabel()
        self.sessions_label.setStyleSheet(SECTION_STYLE)
        self.sessions_model = SessionListModel(TODAY_COLUMNS, today_cell, self)
        self.sessions_view = _table(self.sessions_model, _("Sessions logged today"))
        self.sessions_label.setBuddy(self.sessions_view)
        self.sessions_view.activated.connect(self._on_session_activated)
        self.follow_ups_label = QLabel()
        self.follow_ups_label.setStyleSheet(SECTION_STYLE)
        self.follow_ups_model = SessionListModel(FOLLOW_UP_COLUMNS, follow_up_cell, self)
        self.follow_ups_view = _table(self.follow_ups_model, _("Follow-ups due"))
        self.follow_ups_label.setBuddy(self.follow_ups_view)
        self.follow_ups_view.activated.connect(self._on_follow_up_activated)
        self.done_button = QPushButton(_("Mark the follow-up as do&ne"))
        self.done_button.setAutoDefault(False)
        self.done_button.clicked.connect(self._on_done_clicked)
        done_row = QHBoxLayout()
        done_row.addStretch(1)
        done_row.addWidget(self.done_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.sessions_label)
        layout.addWidget(self.sessions_view, 3)
        layout.addWidget(self.follow_ups_label)
        layout.addWidget(self.follow_ups_view, 2)
        layout.addLayout(done_row)
        self.refresh()

    def refresh(self, today: date | None = None) -> None:
        day = today or date.today()
        sessions = self._store.sessions.on_day(day)
        follow_ups = self._store.sessions.follow_ups_due(day, limit=FOLLOW_UPS_LISTED)
        due = (
            len(follow_ups)
            if len(follow_ups) < FOLLOW_UPS_LISTED
            else self._store.sessions.count_follow_ups_due(day)
        )
        self.sessions_model.set_rows(sessions)
        self.follow_ups_model.set_rows(follow_ups)
        minutes = sum(entry.session.duration_min for entry in sessions)
        self.heading.setText(_("Today, %(date)s") % {"date": format_date(day, "full")})
        self.sessions_label.setText(
            ngettext(
                "%(count)s session logged today (%(time)s)",
                "%(count)s sessions logged today (%(time)s)",
                len(sessions),
            )
            % {"count": format_number(len(sessions)), "time": format_duration(minutes)}
        )
        label = ngettext("%(count)s follow-up due", "%(count)s follow-ups due", due) % {
            "count": format_number(due)
        }
        if due > len(follow_ups):
            label += " " + _("(the %(shown)s oldest are listed)") % {
                "shown": format_number(len(follow_ups))
            }
        self.follow_ups_label.setText(label)
        self.done_button.setEnabled(bool(follow_ups))

    def _on_session_activated(self, index) -> None:
        entry = self.sessions_model.entry(index.row())
        if entry is not None and entry.session.resident_id:
            self.open_resident_requested.emit(entry.session.resident_id)

    def _on_follow_up_activated(self, index) -> None:
        entry = self.follow_ups_model.entry(index.row())
        if entry is not None and entry.session.resident_id:
            self.open_resident_requested.emit(entry.session.resident_id)

    def _on_done_clicked(self) -> None:
        entry = self.follow_ups_model.entry(self.follow_ups_view.currentIndex().row())
        if entry is not None:
            self.follow_up_done_requested.emit(entry.session.id)
