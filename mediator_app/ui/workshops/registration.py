"""Registering residents to a session or a whole series, unregistering (the waiting list
moves up), and walk-ins: an existing resident, or one created on the spot."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.resident import Resident
from mediator_app.domain.workshop import REGISTERED
from mediator_app.i18n import _, format_number, ngettext
from mediator_app.store import Store
from mediator_app.store.workshops import OccurrenceSummary, Participant
from mediator_app.ui.models import ID_ROLE, ResidentListModel
from mediator_app.ui.resident_dialog import ResidentDialog
from mediator_app.ui.widgets import fit_columns_to_headers
from mediator_app.ui.workshops.context import PageContext
from mediator_app.ui.workshops.labels import short_day, time_range

SEARCH_DEBOUNCE_MS = 120


def occurrence_heading(summary: OccurrenceSummary) -> str:
    return _("%(title)s, %(day)s, %(time)s") % {
        "title": summary.title,
        "day": short_day(summary.occurrence.day),
        "time": time_range(summary.occurrence),
    }


class ResidentPickerDialog(QDialog):
    """Find a resident by typing part of a name; Enter picks the highlighted one.

    With ``allow_new`` a resident can also be created on the spot. Once accepted,
    ``chosen_id`` holds the resident picked, or ``new_resident`` the validated record
    of a resident to create (the caller saves it).
    """

    def __init__(
        self,
        parent: QWidget | None,
        store: Store,
        *,
        title: str,
        heading: str,
        pick_text: str,
        allow_new: bool = False,
        collected_by: str = "",
        language: str = "fr",
    ):
        super().__init__(parent)
        self.setObjectName("residentPicker")
        self.setWindowTitle(title)
        self._store = store
        self._collected_by = collected_by
        self._language = language
        self.chosen_id: str | None = None
        self.new_resident: Resident | None = None
        self.resident_dialog: ResidentDialog | None = None

        heading_label = QLabel(heading)
        heading_label.setWordWrap(True)
        heading_label.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(_("Type part of a name"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.installEventFilter(self)
        search_label = QLabel(_("&Find"))
        search_label.setBuddy(self.search_box)
        self.search_box.setAccessibleName(_("Find a resident"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._timer.timeout.connect(self._run_search)
        self.search_box.textEdited.connect(lambda _text: self._timer.start())
        self.search_box.returnPressed.connect(self._pick_highlighted)

        self.model = ResidentListModel(store, self)
        self.results = QTableView()
        self.results.setModel(self.model)
        self.results.setAccessibleName(_("Residents"))
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().hide()
        self.results.setWordWrap(False)
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.results.horizontalHeader().setStretchLastSection(True)
        fit_columns_to_headers(self.results, (150, 120, 60, 120))
        self.results.activated.connect(lambda _index: self._pick_highlighted())
        self.count_label = QLabel()

        self.pick_button = QPushButton(pick_text)
        self.pick_button.setAutoDefault(False)
        self.pick_button.clicked.connect(self._pick_highlighted)
        cancel = QPushButton(_("Cancel"))
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        self.new_button: QPushButton | None = None
        if allow_new:
            self.new_button = QPushButton(_("&New resident…"))
            self.new_button.setAutoDefault(False)
            self.new_button.clicked.connect(self.create_resident)
            buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.pick_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading_label)
        layout.addWidget(search_label)
        layout.addWidget(self.search_box)
        layout.addWidget(self.count_label)
        layout.addWidget(self.results, 1)
        layout.addLayout(buttons)
        self.resize(620, 520)
        self._run_search()
        self.search_box.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the search box moves into the results."""
        if (
            watched is self.search_box
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
        ):
            self._flush_search()
            self.results.setFocus()
            return True
        return super().eventFilter(watched, event)

    def _flush_search(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._run_search()

    def _run_search(self) -> None:
        self.model.set_query(self.search_box.text())
        count = self.model.rowCount()
        if self.model.is_search:
            text = ngettext("%(count)s resident found", "%(count)s residents found", count)
        else:
            text = ngettext("%(count)s resident", "%(count)s residents", count)
        self.count_label.setText(text % {"count": format_number(count)})
        if count:
            self.results.setCurrentIndex(self.model.index(0, 0))

    def _pick_highlighted(self) -> None:
        self._flush_search()
        index = self.results.currentIndex()
        resident_id = index.data(ID_ROLE) if index.isValid() else self.model.resident_id(0)
        if resident_id:
            self.chosen_id = resident_id
            self.accept()
        elif self.new_button is not None and self.search_box.text().strip():
            self.create_resident()

    def create_resident(self) -> None:
        """Open the resident form, prefilled with the typed name."""
        typed = self.search_box.text().split()
        dialog = ResidentDialog(
            self,
            find_duplicates=self._store.residents.probable_duplicates,
            collected_by=self._collected_by,
            language=self._language,
        )
        dialog.first_name.setText(" ".join(typed[:1]) if len(typed) > 1 else "")
        dialog.last_name.setText(" ".join(typed[1:]) if len(typed) > 1 else " ".join(typed))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._on_resident_dialog_accepted(dialog))
        self.resident_dialog = dialog
        dialog.finished.connect(lambda _result: setattr(self, "resident_dialog", None))
        dialog.open()

    def _on_resident_dialog_accepted(self, dialog: ResidentDialog) -> None:
        if dialog.open_existing_id:
            self.chosen_id = dialog.open_existing_id
        elif dialog.result_resident is not None:
            self.new_resident = dialog.result_resident
        else:
            return
        self.accept()


# Writes -------------------------------------------------------------------------------


def register(context: PageContext, summary: OccurrenceSummary, resident_id: str) -> None:
    occurrence_id = summary.occurrence.id
    name = context.store.residents.get(resident_id).full_name

    def done(status: object) -> None:
        if status == REGISTERED:
            context.show_status(_("%(name)s is registered.") % {"name": name})
        else:
            context.show_status(
                _("The session is full: %(name)s is on the waiting list.") % {"name": name}
            )

    context.run_write(
        lambda store: store.workshops.register(occurrence_id, resident_id), on_success=done
    )


def register_series(context: PageContext, summary: OccurrenceSummary, resident_id: str) -> None:
    series_id = summary.occurrence.series_id
    if not series_id:
        return
    from_day = max(summary.occurrence.day, date.today())
    name = context.store.residents.get(resident_id).full_name

    def done(outcomes: object) -> None:
        statuses = list(outcomes.values()) if isinstance(outcomes, dict) else []
        registered = statuses.count(REGISTERED)
        waiting = len(statuses) - registered
        message = ngettext(
            "%(name)s is registered to %(count)s session of the series.",
            "%(name)s is registered to %(count)s sessions of the series.",
            registered,
        ) % {"name": name, "count": registered}
        if waiting:
            message += " " + ngettext(
                "On the waiting list for %(count)s session.",
                "On the waiting list for %(count)s sessions.",
                waiting,
            ) % {"count": waiting}
        context.show_status(message)

    context.run_write(
        lambda store: store.workshops.register_series(series_id, resident_id, from_day),
        on_success=done,
    )


def unregister(context: PageContext, summary: OccurrenceSummary, participant: Participant) -> None:
    """Ask, then free the place; say who got it from the waiting list."""
    answer = QMessageBox.question(
        context.parent,
        _("Unregister"),
        _(
            "Unregister %(name)s from this session? The first person on the waiting "
            "list gets the place."
        )
        % {"name": participant.full_name},
    )
    if answer != QMessageBox.StandardButton.Yes:
        return
    occurrence_id = summary.occurrence.id
    resident_id = participant.resident_id

    def done(promoted: object) -> None:
        names = [context.store.residents.get(rid).full_name for rid in promoted or ()]
        message = _("%(name)s is unregistered.") % {"name": participant.full_name}
        if names:
            message += " " + ngettext(
                "%(names)s got a place from the waiting list.",
                "%(names)s got places from the waiting list.",
                len(names),
            ) % {"names": ", ".join(names)}
        context.show_status(message)

    context.run_write(
        lambda store: store.workshops.unregister(occurrence_id, resident_id), on_success=done
    )


def add_walk_in(
    context: PageContext,
    summary: OccurrenceSummary,
    resident_id: str | None,
    new_resident: Resident | None,
) -> None:
    """A walk-in: an existing resident, or a new one created and added in one step."""
    occurrence_id = summary.occurrence.id

    def save(store: Store) -> str:
        with store.write():
            if new_resident is not None:
                wanted = store.residents.create(new_resident).id
            else:
                assert resident_id is not None
                wanted = resident_id
            store.workshops.add_walk_in(occurrence_id, wanted)
        return store.residents.get(wanted).full_name

    context.run_write(
        save,
        on_success=lambda name: context.show_status(
            _("%(name)s was added as a walk-in, present.") % {"name": name}
        ),
        topics=("workshops", "residents"),
    )
