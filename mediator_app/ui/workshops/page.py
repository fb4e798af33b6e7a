"""The Workshops tab: the week, the upcoming sessions, the sheets still to enter and the
catalogue on the left; the chosen session on the right, with what can be done with it.

Reads use the window's store; every write goes through the worker, and the page
refreshes when the worker says workshops changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.workshop import SheetOptions, Workshop, WorkshopOccurrence
from mediator_app.i18n import _, format_date, ngettext
from mediator_app.store import NotFoundError, Store
from mediator_app.store.mediators import find_mediator
from mediator_app.store.workshops import OccurrenceSummary
from mediator_app.ui.models import ID_ROLE
from mediator_app.ui.worker import DatabaseWorker
from mediator_app.ui.workshops import registration, scans, sheet_output
from mediator_app.ui.workshops.actions import create_page_actions
from mediator_app.ui.workshops.anonymous_dialog import AnonymousCountsDialog
from mediator_app.ui.workshops.attendance_entry import AttendanceEntryDialog
from mediator_app.ui.workshops.context import PageContext
from mediator_app.ui.workshops.models import (
    CatalogueModel,
    OccurrenceListModel,
    SheetsToEnterModel,
    WeekModel,
)
from mediator_app.ui.workshops.occurrence_dialog import OccurrenceDialog, OccurrencePlan
from mediator_app.ui.workshops.occurrence_panel import OccurrencePanel, action_button
from mediator_app.ui.workshops.tables import FIT, STRETCH, list_table
from mediator_app.ui.workshops.workshop_dialog import WorkshopDialog

WEEK_TAB, UPCOMING_TAB, TO_ENTER_TAB, CATALOGUE_TAB = range(4)
UPCOMING_LIMIT = 50


def _alive(widget: QWidget) -> bool:
    """The dialog was not closed and deleted while its record was being saved."""
    return shiboken6.isValid(widget)


class WorkshopsPage(QWidget):
    """The workshops of the centre and their sessions."""

    status_message = Signal(str)
    reveal_requested = Signal()
    #: A dialog was opened (window-modal, deleted once closed).
    dialog_opened = Signal(QDialog)

    def __init__(
        self,
        store: Store,
        worker: DatabaseWorker,
        *,
        today: Callable[[], date] = date.today,
        sheet_options: Callable[[], SheetOptions] = SheetOptions,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("workshopsPage")
        self._store = store
        self._today = today
        self._occurrence_id: str | None = None
        self.context = PageContext(
            self, store, worker, self._open_dialog, self.status_message.emit, sheet_options
        )
        self.actions_by_name = create_page_actions(self)
        self._build()
        self.this_week()

    # Building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.lists = QTabWidget()
        self.lists.setObjectName("workshopLists")
        self.lists.addTab(self._build_week_tab(), _("Wee&k"))
        self.upcoming_model = OccurrenceListModel(self, self._today)
        self.upcoming_view = list_table(
            self.upcoming_model, _("Upcoming sessions"), (FIT, FIT, STRETCH, 100, FIT, FIT)
        )
        self.lists.addTab(
            self._list_tab(
                self.upcoming_view,
                _("The next sessions, cancelled ones left out."),
            ),
            _("&Upcoming"),
        )
        self.to_enter_model = SheetsToEnterModel(self, self._today)
        self.to_enter_view = list_table(
            self.to_enter_model, _("Sheets not yet entered"), (FIT, FIT, STRETCH, 100, FIT)
        )
        self.to_enter_view.activated.connect(lambda _index: self.enter_sheet())
        self.lists.addTab(
            self._list_tab(
                self.to_enter_view,
                _(
                    "Past sessions whose attendance is not entered or whose signed sheet "
                    "is not scanned. Enter opens the quick entry."
                ),
            ),
            _("Sheets to e&nter"),
        )
        self.lists.addTab(self._build_catalogue_tab(), _("&Catalogue"))
        self.lists.currentChanged.connect(self._on_list_tab_changed)
        for view in (self.week_view, self.upcoming_view, self.to_enter_view):
            view.selectionModel().currentRowChanged.connect(self._on_current_occurrence_changed)
        for view in (self.week_view, self.upcoming_view):
            view.activated.connect(lambda _index: self.panel.table.setFocus())

        self.panel = OccurrencePanel(self.actions_by_name, self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.lists)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([680, 680])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _build_week_tab(self) -> QWidget:
        self.week_model = WeekModel(self, self._today)
        self.week_view = list_table(
            self.week_model, _("Sessions of the week"), (FIT, FIT, STRETCH, 100, FIT, FIT)
        )
        self.week_label = QLabel()
        self.week_label.setObjectName("weekLabel")
        self.week_label.setStyleSheet("font-weight: 600;")
        self.week_label.setBuddy(self.week_view)
        navigation = QHBoxLayout()
        previous_week = self.actions_by_name["previous_week"]
        previous_week.setIconText("◀ " + previous_week.iconText())
        next_week = self.actions_by_name["next_week"]
        next_week.setIconText(next_week.iconText() + " ▶")
        for name in ("previous_week", "this_week", "next_week"):
            button = action_button(self.actions_by_name[name])
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            navigation.addWidget(button)
        navigation.addStretch(1)
        bulk = QHBoxLayout()
        bulk.addWidget(action_button(self.actions_by_name["print_week"]))
        bulk.addWidget(action_button(self.actions_by_name["save_week"]))
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(navigation)
        layout.addWidget(self.week_label)
        layout.addWidget(self.week_view, 1)
        layout.addLayout(bulk)
        return tab

    def _list_tab(self, view: QTableView, explanation: str) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        label = QLabel(explanation)
        label.setWordWrap(True)
        label.setBuddy(view)
        layout.addWidget(label)
        layout.addWidget(view, 1)
        return tab

    def _build_catalogue_tab(self) -> QWidget:
        self.catalogue_model = CatalogueModel(self)
        self.catalogue_view = list_table(
            self.catalogue_model, _("Catalogue of workshops"), (STRETCH, FIT, 160, FIT, FIT, FIT)
        )
        self.catalogue_view.activated.connect(lambda _index: self.edit_workshop())
        self.catalogue_view.selectionModel().currentRowChanged.connect(
            lambda *_args: self._update_actions()
        )
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.catalogue_view.selectionModel().currentRowChanged.connect(self._show_description)
        buttons = QHBoxLayout()
        for name in ("new_workshop", "edit_workshop", "schedule"):
            buttons.addWidget(action_button(self.actions_by_name[name]))
        tab = QWidget()
        layout = QVBoxLayout(tab)
        label = QLabel(_("Workshops the centre runs; Enter edits the highlighted one."))
        label.setWordWrap(True)
        label.setBuddy(self.catalogue_view)
        layout.addWidget(label)
        layout.addWidget(self.catalogue_view, 1)
        layout.addWidget(self.description)
        layout.addLayout(buttons)
        return tab

    def _open_dialog(self, dialog: QDialog) -> None:
        """Show a dialog window-modal without blocking; it is deleted once closed."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.dialog_opened.emit(dialog)

    # Reading --------------------------------------------------------------------------

    @property
    def current_summary(self) -> OccurrenceSummary | None:
        return self.panel.summary

    def refresh(self) -> None:
        """Read everything again, keeping the chosen session and workshop."""
        today = self._today()
        workshop = self.selected_workshop()
        self.catalogue_model.set_rows(self._store.workshops.catalogue())
        row = self.catalogue_model.row_of(workshop.id) if workshop else None
        if row is None and self.catalogue_model.rowCount():
            row = 0
        if row is not None:
            self.catalogue_view.setCurrentIndex(self.catalogue_model.index(row, 0))
        self._load_week()
        self.upcoming_model.set_rows(self._store.workshops.upcoming(today, UPCOMING_LIMIT))
        to_enter = self._store.workshops.sheets_not_entered(today)
        self.to_enter_model.set_rows(to_enter)
        self.lists.setTabText(
            TO_ENTER_TAB,
            _("Sheets to e&nter (%(count)s)") % {"count": len(to_enter)}
            if to_enter
            else _("Sheets to e&nter"),
        )
        for view in (self.week_view, self.upcoming_view, self.to_enter_view):
            self._select(view, self._occurrence_id)
        self.show_occurrence(self._occurrence_id)

    def _load_week(self) -> None:
        first = self.week_model.first_day
        self.week_model.set_week(
            first, self._store.workshops.between(first, first + timedelta(days=6))
        )
        self.week_label.setText(
            _("Week from %(first)s to %(last)s")
            % {"first": format_date(first), "last": format_date(self.week_model.last_day)}
        )

    def _select(self, view: QTableView, occurrence_id: str | None) -> None:
        model = view.model()
        row = model.row_of(occurrence_id) if occurrence_id else None
        view.blockSignals(True)
        view.selectionModel().blockSignals(True)
        view.setCurrentIndex(model.index(row, 0) if row is not None else QModelIndex())
        view.selectionModel().blockSignals(False)
        view.blockSignals(False)

    def show_occurrence(self, occurrence_id: str | None) -> None:
        """Show a session in the panel (``None`` for none)."""
        summary = None
        if occurrence_id:
            try:
                summary = self._store.workshops.summary(occurrence_id)
            except NotFoundError:
                summary = None
        self._occurrence_id = summary.occurrence.id if summary else None
        workshop = participants = position = None
        if summary is not None:
            occurrence = summary.occurrence
            workshop = self._store.workshops.get_workshop(occurrence.workshop_id)
            participants = self._store.workshops.participants(occurrence.id)
            position = self._series_position(occurrence)
        self.panel.show_occurrence(summary, workshop, participants or (), position, self._today())
        self._update_actions()

    def _series_position(self, occurrence: WorkshopOccurrence) -> tuple[int, int] | None:
        if not occurrence.series_id:
            return None
        ids = [o.id for o in self._store.workshops.series(occurrence.series_id)]
        return (ids.index(occurrence.id) + 1, len(ids)) if occurrence.id in ids else None

    def selected_workshop(self) -> Workshop | None:
        """The workshop highlighted in the catalogue."""
        index = self.catalogue_view.currentIndex()
        return self.catalogue_model.workshop(index.row()) if index.isValid() else None

    def _workshop_in_view(self) -> Workshop | None:
        """The catalogue's highlighted workshop on the catalogue tab, otherwise the
        workshop of the session shown."""
        summary = self.current_summary
        if self.lists.currentIndex() != CATALOGUE_TAB and summary is not None:
            return self._store.workshops.get_workshop(summary.occurrence.workshop_id)
        return self.selected_workshop()

    def _update_actions(self) -> None:
        summary = self.current_summary
        has = summary is not None
        open_session = has and not summary.occurrence.cancelled
        in_series = has and bool(summary.occurrence.series_id)
        enabled = {
            "edit_workshop": self._workshop_in_view() is not None,
            "schedule": self.catalogue_model.rowCount() > 0,
            "move": open_session,
            "cancel_occurrence": has,
            "register": open_session,
            "register_series": open_session and in_series,
            "unregister": has and self.panel.model.rowCount() > 0,
            "walk_in": open_session,
            "anonymous": open_session,
            "enter_sheet": open_session,
            "attach_scan": open_session,
            "open_scan": has and bool(summary.occurrence.scan_sha256),
            "print_sheet": open_session,
            "save_sheet": open_session,
            "series_sheets": in_series,
            "print_series": in_series,
            "save_series": in_series,
            "print_week": bool(self._week_ids()),
            "save_week": bool(self._week_ids()),
        }
        for name, value in enabled.items():
            self.actions_by_name[name].setEnabled(bool(value))
        cancel = self.actions_by_name["cancel_occurrence"]
        text = (
            _("Restore the &cancelled session…")
            if has and summary.occurrence.cancelled
            else _("&Cancel the session…")
        )
        cancel.setText(text)
        cancel.setIconText(text.replace("&", ""))

    def _week_ids(self) -> list[str]:
        return [s.occurrence.id for s in self.week_model.summaries() if not s.occurrence.cancelled]

    def _known_places(self) -> list[str]:
        summaries = self.week_model.summaries() + [
            self.upcoming_model.summary(row) for row in range(self.upcoming_model.rowCount())
        ]
        return sorted({s.occurrence.place for s in summaries if s is not None})

    # Slots ----------------------------------------------------------------------------

    def _on_current_occurrence_changed(self, current, _previous) -> None:
        occurrence_id = current.data(ID_ROLE) if current.isValid() else None
        if occurrence_id:
            self.show_occurrence(occurrence_id)

    def _on_list_tab_changed(self, index: int) -> None:
        view = {
            WEEK_TAB: self.week_view,
            UPCOMING_TAB: self.upcoming_view,
            TO_ENTER_TAB: self.to_enter_view,
        }.get(index)
        if view is not None:
            current = view.currentIndex()
            if current.isValid() and current.data(ID_ROLE):
                self.show_occurrence(current.data(ID_ROLE))
        self._update_actions()

    def _show_description(self, *_args: object) -> None:
        workshop = self.selected_workshop()
        self.description.setText(workshop.description if workshop else "")

    def focus_main_list(self) -> None:
        view = {
            WEEK_TAB: self.week_view,
            UPCOMING_TAB: self.upcoming_view,
            TO_ENTER_TAB: self.to_enter_view,
            CATALOGUE_TAB: self.catalogue_view,
        }[self.lists.currentIndex()]
        view.setFocus()
        if not view.currentIndex().isValid() and view.model().rowCount():
            view.setCurrentIndex(view.model().index(0, 0))

    def select_occurrence(self, occurrence: WorkshopOccurrence) -> None:
        """Show the week of ``occurrence`` with it highlighted."""
        self._occurrence_id = occurrence.id
        self.week_model.first_day = occurrence.day - timedelta(days=occurrence.day.weekday())
        self.lists.setCurrentIndex(WEEK_TAB)
        self.refresh()

    # The week -------------------------------------------------------------------------

    def previous_week(self) -> None:
        self._go_to_week(self.week_model.first_day - timedelta(weeks=1))

    def next_week(self) -> None:
        self._go_to_week(self.week_model.first_day + timedelta(weeks=1))

    def this_week(self) -> None:
        today = self._today()
        self._go_to_week(today - timedelta(days=today.weekday()))

    def _go_to_week(self, monday: date) -> None:
        self.week_model.first_day = monday
        self.refresh()
        if self.lists.currentIndex() != WEEK_TAB:
            self.lists.setCurrentIndex(WEEK_TAB)

    # The catalogue --------------------------------------------------------------------

    def new_workshop(self) -> None:
        self.reveal_requested.emit()
        self._workshop_dialog(None)

    def edit_workshop(self) -> None:
        workshop = self._workshop_in_view()
        if workshop is not None:
            self.reveal_requested.emit()
            self._workshop_dialog(workshop)

    def _workshop_dialog(self, workshop: Workshop | None) -> None:
        dialog = WorkshopDialog(self, workshop)
        dialog.submitted.connect(lambda record: self._save_workshop(dialog, record))
        self.context.open_dialog(dialog)

    def _save_workshop(self, dialog: WorkshopDialog, record: Workshop) -> None:
        def saved(result: object) -> None:
            assert isinstance(result, Workshop)
            if _alive(dialog):
                dialog.saved(result)
            self.status_message.emit(
                _("The workshop “%(title)s” is saved.") % {"title": result.title}
            )
            row = self.catalogue_model.row_of(result.id)
            if row is not None:
                self.catalogue_view.setCurrentIndex(self.catalogue_model.index(row, 0))

        self.context.run_write(
            lambda store: (
                store.workshops.update_workshop(record)
                if record.id
                else store.workshops.create_workshop(record)
            ),
            on_success=saved,
            on_failure=lambda error: dialog.refused(error) if _alive(dialog) else None,
        )

    # Sessions -------------------------------------------------------------------------

    def schedule(self) -> None:
        workshops = self._store.workshops.catalogue()
        if not workshops:
            self.status_message.emit(_("Create a workshop in the catalogue first."))
            return
        self.reveal_requested.emit()
        chosen = self._workshop_in_view()
        week = self.week_model.first_day
        today = self._today()
        day = today if week <= today <= week + timedelta(days=6) else week
        dialog = OccurrenceDialog(
            self,
            workshops=workshops,
            workshop_id=chosen.id if chosen else None,
            day=day,
            places=self._known_places(),
        )
        dialog.submitted.connect(lambda plan: self._save_plan(dialog, plan))
        self.context.open_dialog(dialog)

    def move(self) -> None:
        summary = self.current_summary
        if summary is None:
            return
        self.reveal_requested.emit()
        dialog = OccurrenceDialog(
            self,
            workshops=self._store.workshops.catalogue(include_archived=True),
            occurrence=summary.occurrence,
            places=self._known_places(),
        )
        dialog.submitted.connect(lambda plan: self._save_plan(dialog, plan))
        self.context.open_dialog(dialog)

    def _save_plan(self, dialog: OccurrenceDialog, plan: OccurrencePlan) -> None:
        def save(store: Store) -> list[WorkshopOccurrence]:
            occurrence = plan.occurrence
            if plan.is_move:
                return [
                    store.workshops.move_occurrence(
                        occurrence.id,
                        day=occurrence.day,
                        start_time=occurrence.start_time,
                        end_time=occurrence.end_time,
                        place=occurrence.place,
                    )
                ]
            if plan.is_series:
                return store.workshops.create_series(
                    occurrence, plan.count, plan.every_weeks, plan.skip
                )
            return [store.workshops.create_occurrence(occurrence)]

        def saved(result: object) -> None:
            made = list(result) if isinstance(result, list) else []
            if _alive(dialog):
                dialog.saved(made)
            if plan.is_move:
                message = _("The session is moved.")
            else:
                message = ngettext(
                    "%(count)s session is scheduled.",
                    "%(count)s sessions are scheduled.",
                    len(made),
                ) % {"count": len(made)}
            self.status_message.emit(message)
            if made:
                self.select_occurrence(made[0])

        self.context.run_write(
            save,
            on_success=saved,
            on_failure=lambda error: dialog.refused(error) if _alive(dialog) else None,
        )

    def cancel_occurrence(self) -> None:
        summary = self.current_summary
        if summary is None:
            return
        occurrence = summary.occurrence
        values = {"title": summary.title, "date": format_date(occurrence.day, "full")}
        if occurrence.cancelled:
            question = _("Hold “%(title)s” on %(date)s again?") % values
        else:
            question = (
                _(
                    "Cancel “%(title)s” on %(date)s? Registrations are kept; tell the "
                    "residents. Its sheet will not be asked for."
                )
                % values
            )
        answer = QMessageBox.question(self, _("Cancel the session"), question)
        if answer != QMessageBox.StandardButton.Yes:
            return
        cancelled = not occurrence.cancelled
        self.context.run_write(
            lambda store: store.workshops.cancel_occurrence(occurrence.id, cancelled),
            on_success=lambda _result: self.status_message.emit(
                _("The session is cancelled.") if cancelled else _("The session is held again.")
            ),
        )

    # Participants ---------------------------------------------------------------------

    def _collector(self) -> tuple[str, str]:
        desk = self._store.desk
        mediator = (
            find_mediator(self._store, desk.mediator_id) if desk and desk.mediator_id else None
        )
        return (mediator.name if mediator else "", desk.language if desk else "fr")

    def _pick_resident(
        self,
        title: str,
        pick_text: str,
        then: Callable[[registration.ResidentPickerDialog], None],
        allow_new: bool = False,
    ) -> None:
        summary = self.current_summary
        if summary is None:
            return
        self.reveal_requested.emit()
        collected_by, language = self._collector()
        dialog = registration.ResidentPickerDialog(
            self,
            self._store,
            title=title,
            heading=registration.occurrence_heading(summary),
            pick_text=pick_text,
            allow_new=allow_new,
            collected_by=collected_by,
            language=language,
        )
        dialog.accepted.connect(lambda: then(dialog))
        self.context.open_dialog(dialog)

    def register(self) -> None:
        summary = self.current_summary

        def chosen(dialog: registration.ResidentPickerDialog) -> None:
            if dialog.chosen_id and summary is not None:
                registration.register(self.context, summary, dialog.chosen_id)

        self._pick_resident(_("Register a resident"), _("&Register"), chosen)

    def register_series(self) -> None:
        summary = self.current_summary

        def chosen(dialog: registration.ResidentPickerDialog) -> None:
            if dialog.chosen_id and summary is not None:
                registration.register_series(self.context, summary, dialog.chosen_id)

        self._pick_resident(
            _("Register to the whole series"), _("&Register to every session"), chosen
        )

    def unregister(self) -> None:
        summary = self.current_summary
        participant = self.panel.selected_participant()
        if summary is not None and participant is not None:
            registration.unregister(self.context, summary, participant)

    def walk_in(self) -> None:
        summary = self.current_summary

        def chosen(dialog: registration.ResidentPickerDialog) -> None:
            if summary is not None and (dialog.chosen_id or dialog.new_resident):
                registration.add_walk_in(
                    self.context, summary, dialog.chosen_id, dialog.new_resident
                )

        self._pick_resident(_("Add a walk-in"), _("&Add as present"), chosen, allow_new=True)

    def anonymous(self) -> None:
        summary = self.current_summary
        if summary is None:
            return
        self.reveal_requested.emit()
        dialog = AnonymousCountsDialog(
            self,
            registration.occurrence_heading(summary),
            summary.occurrence.anonymous_participants,
        )
        occurrence_id = summary.occurrence.id

        def save(groups: object) -> None:
            assert isinstance(groups, tuple)
            self.context.run_write(
                lambda store: store.workshops.set_anonymous_participants(occurrence_id, groups),
                on_success=lambda _result: dialog.saved() if _alive(dialog) else None,
                on_failure=lambda error: dialog.refused(error) if _alive(dialog) else None,
            )

        dialog.submitted.connect(save)
        self.context.open_dialog(dialog)

    # The sheet ------------------------------------------------------------------------

    def enter_sheet(self) -> None:
        index = self.to_enter_view.currentIndex()
        if self.lists.currentIndex() == TO_ENTER_TAB and index.isValid():
            self.show_occurrence(index.data(ID_ROLE))
        summary = self.current_summary
        if summary is None or summary.occurrence.cancelled:
            return
        self.reveal_requested.emit()
        participants = self._store.workshops.participants(summary.occurrence.id)
        dialog = AttendanceEntryDialog(self, self.context, summary, participants)
        self.context.open_dialog(dialog)

    def attach_scan(self) -> None:
        if self.current_summary is not None:
            scans.attach_scan(self.context, self.current_summary)

    def open_scan(self) -> None:
        if self.current_summary is not None:
            scans.open_scan(self.context, self.current_summary)

    def _series_ids(self) -> list[str]:
        summary = self.current_summary
        if summary is None or not summary.occurrence.series_id:
            return []
        return [
            o.id
            for o in self._store.workshops.series(summary.occurrence.series_id)
            if not o.cancelled
        ]

    def _sheet_name(self, summary: OccurrenceSummary) -> str:
        return _("Attendance sheet %(date)s %(title)s") % {
            "date": summary.occurrence.date,
            "title": summary.title,
        }

    def print_sheet(self) -> None:
        if self.current_summary is not None:
            self.print_occurrences([self.current_summary.occurrence.id])

    def save_sheet(self) -> None:
        summary = self.current_summary
        if summary is not None:
            sheet_output.save_sheets(
                self.context, [summary.occurrence.id], self._sheet_name(summary)
            )

    def print_series(self) -> None:
        self.print_occurrences(self._series_ids())

    def save_series(self) -> None:
        summary = self.current_summary
        if summary is not None:
            name = _("Attendance sheets of the series %(title)s") % {"title": summary.title}
            sheet_output.save_sheets(self.context, self._series_ids(), name)

    def print_week(self) -> None:
        self.print_occurrences(self._week_ids())

    def save_week(self) -> None:
        name = _("Attendance sheets of the week of %(date)s") % {
            "date": self.week_model.first_day.isoformat()
        }
        sheet_output.save_sheets(self.context, self._week_ids(), name)

    def print_occurrences(self, occurrence_ids: Sequence[str], printer=None) -> None:
        """Print the sheets of ``occurrence_ids``, through the system print dialog unless
        a ``printer`` is given."""
        sheet_output.print_sheets(self.context, occurrence_ids, printer)
