"""Schedule a session of a workshop, or a series (weekly or every two weeks, N sessions,
skipping chosen dates); or move one session. The caller saves; an end before the start
is refused here, a room already taken by the store, both beside the field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from PySide6.QtCore import QStringListModel, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListView,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.validation import Problem, ValidationError
from mediator_app.domain.workshop import (
    MAX_SERIES_LENGTH,
    Workshop,
    WorkshopOccurrence,
    parse_time,
    series_dates,
)
from mediator_app.i18n import N_, _, format_date, ngettext
from mediator_app.ui.saving_dialog import SavingDialog
from mediator_app.ui.session_dialog import from_qdate, to_qdate
from mediator_app.ui.widgets import FieldError, add_row, fit_to_screen, scrolling
from mediator_app.ui.workshops.models import SeriesDatesModel

TIME_FORMAT = "HH:mm"
DEFAULT_START = QTime(14, 0)
#: Repeat choices: weeks between sessions, 0 for a single session.
ONCE, WEEKLY, FORTNIGHTLY = 0, 1, 2


@dataclass(frozen=True)
class OccurrencePlan:
    """What the dialog asks to save: one session (``count`` 1), a series whose first
    session is ``occurrence``, or a move of ``occurrence`` (its ``id`` is set)."""

    occurrence: WorkshopOccurrence
    count: int = 1
    every_weeks: int = 1
    skip: tuple[date, ...] = ()

    @property
    def is_move(self) -> bool:
        return bool(self.occurrence.id)

    @property
    def is_series(self) -> bool:
        return not self.is_move and self.count > 1


def _qtime(text: str) -> QTime:
    parsed = parse_time(text)
    return QTime(parsed.hour, parsed.minute) if parsed else DEFAULT_START


class OccurrenceDialog(SavingDialog):
    """``occurrence`` ``None`` schedules; otherwise the dialog moves that session."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        workshops: Sequence[Workshop],
        workshop_id: str | None = None,
        occurrence: WorkshopOccurrence | None = None,
        day: date | None = None,
        places: Sequence[str] = (),
    ):
        super().__init__(parent)
        self.setObjectName("occurrenceDialog")
        self._workshops = {workshop.id: workshop for workshop in workshops}
        self._original = occurrence
        self._duration_min = 120
        self.setWindowTitle(
            _("Schedule a session") if occurrence is None else _("Move the session")
        )
        self._build(workshops, places)
        if occurrence is None:
            index = self.workshop_combo.findData(workshop_id)
            self.workshop_combo.setCurrentIndex(max(index, 0))
            self.date_edit.setDate(to_qdate(day or date.today()))
            self.start_edit.setTime(DEFAULT_START)
            self._on_workshop_changed()
        else:
            self.date_edit.setDate(to_qdate(occurrence.day))
            self.start_edit.setTime(_qtime(occurrence.start_time))
            self.end_edit.setTime(_qtime(occurrence.end_time))
            self.place.setText(occurrence.place)
            self._on_end_changed()
        self._replan()
        (self.workshop_combo if occurrence is None else self.date_edit).setFocus()

    # Building -------------------------------------------------------------------------

    def _build(self, workshops: Sequence[Workshop], places: Sequence[str]) -> None:
        form = QFormLayout()
        self.workshop_combo = QComboBox()
        for workshop in workshops:
            self.workshop_combo.addItem(workshop.title, workshop.id)
        self.workshop_combo.currentIndexChanged.connect(self._on_workshop_changed)
        if self._original is None:
            add_row(form, _("&Workshop"), self.workshop_combo)
        else:
            self.workshop_combo.hide()
            workshop = self._workshops.get(self._original.workshop_id)
            title = QLabel(workshop.title if workshop else "")
            title.setWordWrap(True)
            title.setStyleSheet("font-weight: 600;")
            form.addRow(_("Workshop"), title)
        self.errors["workshop_id"] = FieldError()
        form.addRow("", self.errors["workshop_id"])

        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.dateChanged.connect(self._replan)
        self.start_edit = QTimeEdit()
        self.start_edit.setDisplayFormat(TIME_FORMAT)
        self.start_edit.timeChanged.connect(self._on_start_changed)
        self.end_edit = QTimeEdit()
        self.end_edit.setDisplayFormat(TIME_FORMAT)
        self.end_edit.timeChanged.connect(self._on_end_changed)
        self.place = QLineEdit()
        self.place.setPlaceholderText(_("e.g. FabLab, room 2"))
        if places:
            completer = QCompleter(QStringListModel(list(places), self), self)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.place.setCompleter(completer)
        for label, name, widget in (
            (_("&Date"), "date", self.date_edit),
            (_("&From"), "start_time", self.start_edit),
            (_("T&o"), "end_time", self.end_edit),
            (_("&Place"), "place", self.place),
        ):
            add_row(form, label, widget)
            self.errors[name] = FieldError()
            form.addRow("", self.errors[name])

        layout_body = QVBoxLayout()
        layout_body.addLayout(form)
        self.series_box = QGroupBox(_("Series"))
        series_form = QFormLayout(self.series_box)
        self.repeat = QComboBox()
        self.repeat.addItem(_("Once"), ONCE)
        self.repeat.addItem(_("Every week"), WEEKLY)
        self.repeat.addItem(_("Every two weeks"), FORTNIGHTLY)
        self.repeat.currentIndexChanged.connect(self._replan)
        self.count = QSpinBox()
        self.count.setRange(2, MAX_SERIES_LENGTH)
        self.count.setValue(10)
        self.count.valueChanged.connect(self._replan)
        add_row(series_form, _("&Repeat"), self.repeat)
        add_row(series_form, _("&Number of sessions"), self.count)
        self.errors["count"] = FieldError()
        series_form.addRow("", self.errors["count"])
        skip_label = QLabel(_("Dates to s&kip (holidays): tick them"))
        skip_label.setWordWrap(True)
        self.dates_model = SeriesDatesModel(self)
        self.dates_model.rowsInserted.connect(self._on_dates_changed)
        self.dates_model.rowsRemoved.connect(self._on_dates_changed)
        self.dates_view = QListView()
        self.dates_view.setModel(self.dates_model)
        self.dates_view.setAccessibleName(_("Dates of the series; a ticked date is skipped"))
        self.dates_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.dates_view.setMinimumHeight(150)
        skip_label.setBuddy(self.dates_view)
        self.series_summary = QLabel()
        self.series_summary.setWordWrap(True)
        series_form.addRow(skip_label)
        series_form.addRow(self.dates_view)
        series_form.addRow(self.series_summary)
        self.errors["every_weeks"] = FieldError()
        series_form.addRow(self.errors["every_weeks"])
        if self._original is not None:
            self.series_box.hide()
        layout_body.addWidget(self.series_box)
        layout_body.addWidget(self.general_error)
        layout_body.addStretch(1)

        body = QWidget()
        body.setLayout(layout_body)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(body), 1)
        layout.addLayout(self.button_row(_("&Save")))
        fit_to_screen(self, body)

    # Reading --------------------------------------------------------------------------

    @property
    def every_weeks(self) -> int:
        return int(self.repeat.currentData())

    def current_occurrence(self) -> WorkshopOccurrence:
        values = {
            "date": from_qdate(self.date_edit.date()).isoformat(),
            "start_time": self.start_edit.time().toString(TIME_FORMAT),
            "end_time": self.end_edit.time().toString(TIME_FORMAT),
            "place": self.place.text(),
        }
        if self._original is not None:
            return replace(self._original, **values)
        return WorkshopOccurrence(workshop_id=self.workshop_combo.currentData() or "", **values)

    def current_plan(self) -> OccurrencePlan:
        occurrence = self.current_occurrence().normalised()
        if self._original is not None or self.every_weeks == ONCE:
            return OccurrencePlan(occurrence)
        return OccurrencePlan(
            occurrence,
            count=self.count.value(),
            every_weeks=self.every_weeks,
            skip=self.dates_model.skipped,
        )

    def collect(self) -> tuple[OccurrencePlan, dict[str, Problem]]:
        plan = self.current_plan()
        problems = plan.occurrence.problems()
        if not plan.occurrence.workshop_id:
            problems["workshop_id"] = Problem(N_("Create a workshop in the catalogue first."))
        if plan.is_series:
            try:
                series_dates(plan.occurrence.day, plan.count, plan.every_weeks, plan.skip)
            except ValidationError as error:
                problems.update(error.problems)
        return plan, problems

    # Slots ----------------------------------------------------------------------------

    def _on_workshop_changed(self, *_args: object) -> None:
        workshop = self._workshops.get(self.workshop_combo.currentData())
        if workshop is not None and self._original is None:
            self._duration_min = workshop.default_duration_min
            self._on_start_changed()

    def _on_start_changed(self, *_args: object) -> None:
        """The end follows the start, keeping the session's length."""
        start = self.start_edit.time()
        end = start.addSecs(self._duration_min * 60)
        if end < start:
            end = QTime(23, 59)
        self.end_edit.blockSignals(True)
        self.end_edit.setTime(end)
        self.end_edit.blockSignals(False)

    def _on_end_changed(self, *_args: object) -> None:
        minutes = self.start_edit.time().secsTo(self.end_edit.time()) // 60
        if minutes > 0:
            self._duration_min = minutes

    def _replan(self, *_args: object) -> None:
        series = self.every_weeks != ONCE
        self.count.setEnabled(series)
        self.dates_view.setEnabled(series)
        first = from_qdate(self.date_edit.date())
        self.dates_model.plan(first, self.count.value() if series else 1, max(self.every_weeks, 1))
        self._on_dates_changed()

    def _on_dates_changed(self, *_args: object) -> None:
        held = self.dates_model.held_dates()
        if self.every_weeks == ONCE or not held:
            self.series_summary.setText(_("One session."))
            return
        self.series_summary.setText(
            ngettext(
                "%(count)s session, from %(first)s to %(last)s.",
                "%(count)s sessions, from %(first)s to %(last)s.",
                len(held),
            )
            % {
                "count": len(held),
                "first": format_date(held[0]),
                "last": format_date(held[-1]),
            }
        )
