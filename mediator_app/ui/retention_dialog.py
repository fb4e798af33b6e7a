""" "Retention review…": the residents not seen for the centre's retention period, what
anonymising or erasing them would change (a dry run, for the checked residents or the
one selected), then doing it after a confirmation.

The period is a centre setting: changed here, it is saved at once and reaches the other
desks by sync. Every read and write runs on the ``DatabaseWorker``, long ones behind a
progress dialog that can cancel them (nothing is then written); the dialog only shows
results. The sentences come from ``retention_text``, as on the command line.

``withdraw_consent_interactively`` records a resident's withdrawal of consent, after a
confirmation with the day it was withdrawn, and anonymises them.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QSize, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mediator_app import retention_text as text
from mediator_app.domain.text import fold
from mediator_app.domain.validation import MessageError
from mediator_app.i18n import N_, _, format_date, format_number, ngettext
from mediator_app.settings import Settings
from mediator_app.store import Store
from mediator_app.store.retention import (
    MAX_RETENTION_MONTHS,
    MIN_RETENTION_MONTHS,
    REASON_RETENTION,
    DueResident,
    RetentionCancelled,
    RetentionPreview,
    RetentionResult,
    anonymise,
    due_for_review,
    erase_due,
    preview,
    retention_months,
    set_retention_months,
    withdraw_consent,
)
from mediator_app.ui.models import (
    ID_ROLE,
    RECORD_ROLE,
    AnyIndex,
    ColumnsTableModel,
    resident_display_name,
)
from mediator_app.ui.progress_job import run_with_progress
from mediator_app.ui.session_dialog import from_qdate, to_qdate
from mediator_app.ui.widgets import (
    add_row,
    explain_failure,
    remember_geometry,
    restore_geometry,
)
from mediator_app.ui.worker import DatabaseWorker

#: What the sort proxy orders a column by: folded names, ISO dates, numbers.
SORT_ROLE = Qt.ItemDataRole.UserRole + 30
#: A change of the period or of the checked rows waits this long for the next one.
SETTLE_MS = 250
#: Residents the preview describes one by one; beyond them it counts.
PREVIEW_DETAILED = 100
PREFERRED_SIZE = QSize(1120, 700)
WITHDRAW_MIN_WIDTH = 520
GEOMETRY_KEY = "retention_dialog"
#: What a change made here asks the other views to refresh.
TOPICS = ("residents", "sessions", "workshops")


class DueResidentsModel(ColumnsTableModel):
    """The residents due for review, each with a check box; the checked ones are those
    an action applies to."""

    COLUMNS = (N_("Resident"), N_("Last contact"), N_("Months"))

    checked_changed = Signal()

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[DueResident] = []
        self._by_id: dict[str, DueResident] = {}
        self._checked: set[str] = set()

    def set_rows(self, rows: Iterable[DueResident]) -> None:
        """Show ``rows``; residents still listed stay checked."""
        self.beginResetModel()
        self._rows = list(rows)
        self._by_id = {row.id: row for row in self._rows}
        self._checked &= self._by_id.keys()
        self.endResetModel()
        self.checked_changed.emit()

    def row_total(self) -> int:
        return len(self._rows)

    def resident(self, row: int) -> DueResident | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def find(self, resident_id: str) -> DueResident | None:
        return self._by_id.get(resident_id)

    def checked_ids(self) -> list[str]:
        """The checked residents, in the order of the list (oldest contact first)."""
        return [row.id for row in self._rows if row.id in self._checked]

    def set_all_checked(self, checked: bool) -> None:
        self._checked = {row.id for row in self._rows} if checked else set()
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )
        self.checked_changed.emit()

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        resident = self._rows[index.row()]
        column = index.column()
        if role == ID_ROLE:
            return resident.id
        if role == RECORD_ROLE:
            return resident
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            checked = resident.id in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            if column == 0:
                return resident_display_name(resident)
            if column == 1:
                return format_date(resident.last_contact)
            if column == 2:
                return format_number(resident.months_since)
        if role == SORT_ROLE:
            if column == 0:
                return fold(f"{resident.last_name} {resident.first_name}")
            if column == 1:
                return resident.last_contact
            if column == 2:
                return resident.months_since
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or index.column() != 0
            or role != Qt.ItemDataRole.CheckStateRole
            or not 0 <= index.row() < len(self._rows)
        ):
            return False
        resident_id = self._rows[index.row()].id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._checked.add(resident_id)
        else:
            self._checked.discard(resident_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()
        return True


class RetentionDialog(QDialog):
    """The retention review. ``store`` is only read for the period shown first; every
    other read and write runs on ``worker``. ``acted`` carries the ``RetentionResult``
    of each action done; ``today`` is the day of the review (tests pass a fixed one)."""

    acted = Signal(object)
    #: Emitted once the list of residents due is shown (after each reload).
    loaded = Signal()
    #: Emitted once the preview panel shows what was asked for.
    previewed = Signal()

    def __init__(
        self,
        store: Store,
        worker: DatabaseWorker,
        parent: QWidget | None = None,
        *,
        settings: Settings | None = None,
        today: date | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("retentionDialog")
        self.setWindowTitle(_("Retention review"))
        self._worker = worker
        self._settings = settings
        self._today = today or date.today()
        self._busy = False
        self._common: frozenset[str] | None = None
        self._previews: dict[str, RetentionPreview] = {}
        self._load_generation = 0
        self._preview_generation = 0
        self.progress_dialog: QProgressDialog | None = None

        heading = QLabel(self.windowTitle())
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        explanation = _wrapped(
            _(
                "A resident's profile is kept for a period after their last contact. Past "
                "it, anonymise them: the name, contact details and notes go; the age band, "
                "gender, social status and commune stay for the statistics. Or erase them "
                "entirely. Either way their sessions and workshop attendance still count, "
                "so the figures behind the signed attendance sheets do not change."
            )
        )
        self.months = QSpinBox()
        self.months.setRange(MIN_RETENTION_MONTHS, MAX_RETENTION_MONTHS)
        self.months.setValue(retention_months(store))
        self.months.setMaximumWidth(self.months.sizeHint().width() + 24)
        self._months_timer = QTimer(self)
        self._months_timer.setSingleShot(True)
        self._months_timer.setInterval(SETTLE_MS)
        self._months_timer.timeout.connect(self._save_months)
        self.months.valueChanged.connect(lambda _value: self._months_timer.start())
        months_label = QLabel(_("&Months after the last contact"))
        months_label.setBuddy(self.months)
        self.months.setAccessibleName(months_label.text().replace("&", ""))
        period_row = QHBoxLayout()
        period_row.addWidget(months_label)
        period_row.addWidget(self.months)
        period_row.addStretch(1)
        self.period_label = _wrapped()
        self.period_label.setObjectName("retentionPeriod")

        self.model = DueResidentsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("dueResidents")
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(_("Residents due for review"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._preview_soon()
        )
        self.model.checked_changed.connect(self._on_checked_changed)
        self.count_label = _wrapped()
        self.count_label.setObjectName("dueCount")
        self.check_all = QPushButton(_("&Check all"))
        self.check_all.clicked.connect(lambda: self.model.set_all_checked(True))
        self.uncheck_all = QPushButton(_("&Uncheck all"))
        self.uncheck_all.clicked.connect(lambda: self.model.set_all_checked(False))
        checks = QHBoxLayout()
        checks.addWidget(self.check_all)
        checks.addWidget(self.uncheck_all)
        checks.addStretch(1)
        list_side = QWidget()
        list_layout = QVBoxLayout(list_side)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.count_label)
        list_layout.addWidget(self.table, 1)
        list_layout.addLayout(checks)

        self.preview_box = QGroupBox(_("What would change (nothing is written yet)"))
        self.preview_text = QTextBrowser()
        self.preview_text.setObjectName("retentionPreview")
        self.preview_text.setOpenLinks(False)
        self.preview_text.setAccessibleName(self.preview_box.title())
        preview_layout = QVBoxLayout(self.preview_box)
        preview_layout.addWidget(self.preview_text)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(list_side)
        splitter.addWidget(self.preview_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.splitter = splitter
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(SETTLE_MS)
        self._preview_timer.timeout.connect(self.refresh_preview)

        self.result_label = _wrapped()
        self.result_label.setObjectName("retentionResult")
        self.result_label.setStyleSheet("font-weight: 600;")
        self.result_label.hide()
        self.anonymise_button = QPushButton(_("&Anonymise…"))
        self.anonymise_button.clicked.connect(self.anonymise_checked)
        self.erase_button = QPushButton(_("&Erase…"))
        self.erase_button.clicked.connect(self.erase_checked)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.anonymise_button, self.erase_button, self.close_button):
            buttons.addWidget(button)
        for button in self.findChildren(QPushButton):
            # Enter belongs to the list; an action is chosen by its own key.
            button.setAutoDefault(False)
            button.setDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addLayout(period_row)
        layout.addWidget(self.period_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.result_label)
        layout.addLayout(buttons)
        self._fit_to_screen()
        splitter.setSizes([self.width() * 3 // 5, self.width() * 2 // 5])
        if settings is not None:
            restore_geometry(self, settings, GEOMETRY_KEY)
        self._update_buttons()
        self.table.setFocus()
        self.reload()

    # The list -------------------------------------------------------------------------

    def reload(self) -> None:
        """List who is due with the period shown, on the worker."""
        months, today = self.months.value(), self._today
        self.period_label.setText(text.period_line(months, today))
        self._load_generation += 1
        generation = self._load_generation
        known = self._common

        def job(store: Store, _progress: Callable[[int, int], bool]) -> tuple:
            from mediator_app.store.retention import common_procedures

            common = known if known is not None else common_procedures(store)
            return due_for_review(store, today, months), common

        def loaded(result: tuple[list[DueResident], frozenset[str]]) -> None:
            if generation != self._load_generation or not self._alive():
                return
            due, self._common = result
            self.model.set_rows(due)
            self.count_label.setText(text.due_count_line(len(due)))
            if due and not self.table.currentIndex().isValid():
                self.table.setCurrentIndex(self.proxy.index(0, 0))
            self.refresh_preview()
            self.loaded.emit()

        self._worker.run(job, on_success=loaded, on_failure=self._failed)

    def _save_months(self) -> None:
        """The period is a centre setting: saved at once, then the list follows it."""
        months = self.months.value()
        self._worker.run(
            lambda store, _progress: set_retention_months(store, months),
            on_failure=self._failed,
            topics=("sync",),
        )
        self.reload()

    # The preview ----------------------------------------------------------------------

    def described_ids(self) -> list[str]:
        """Whom the preview describes: the checked residents, or the one selected."""
        checked = self.model.checked_ids()
        if checked:
            return checked
        current = self.proxy.mapToSource(self.table.currentIndex())
        resident = self.model.resident(current.row()) if current.isValid() else None
        return [resident.id] if resident else []

    def _preview_soon(self) -> None:
        self._preview_timer.start()

    def refresh_preview(self) -> None:
        """Describe what would change for ``described_ids``; previews not known yet are
        worked out on the worker (reads only)."""
        self._preview_timer.stop()
        ids = self.described_ids()
        self._preview_generation += 1
        generation = self._preview_generation
        missing = [rid for rid in ids[:PREVIEW_DETAILED] if rid not in self._previews]
        if not missing:
            self._show_preview(ids)
            return
        common = self._common

        def job(store: Store, _progress: Callable[[int, int], bool]) -> list[RetentionPreview]:
            return preview(store, missing, common=common)

        def done(found: list[RetentionPreview]) -> None:
            if not self._alive():
                return
            self._previews.update((item.resident_id, item) for item in found)
            if generation == self._preview_generation:
                self._show_preview(ids)

        self._worker.run(job, on_success=done, on_failure=self._failed)

    def _show_preview(self, ids: list[str]) -> None:
        if not ids:
            hint = (
                _("Select a resident, or check those to act on, to see what would change.")
                if self.model.row_total()
                else text.due_count_line(0)
            )
            self.preview_text.setHtml(_paragraph(hint))
            self.previewed.emit()
            return
        parts: list[str] = []
        if len(ids) > 1:
            parts.append(
                _paragraph(
                    ngettext(
                        "%(count)s resident checked.", "%(count)s residents checked.", len(ids)
                    )
                    % {"count": format_number(len(ids))},
                    bold=True,
                )
            )
        for resident_id in ids[:PREVIEW_DETAILED]:
            found = self._previews.get(resident_id)
            if found is None:
                continue
            due = self.model.find(resident_id)
            title = resident_display_name(found)
            if due is not None:
                title = _("%(name)s, last contact on %(date)s") % {
                    "name": title,
                    "date": format_date(due.last_contact),
                }
            parts.append(_paragraph(title, bold=True))
            parts.append(_listed(_("If anonymised:"), text.anonymise_lines(found)))
            parts.append(_listed(_("If erased:"), text.erase_lines(found)))
        if len(ids) > PREVIEW_DETAILED:
            left = len(ids) - PREVIEW_DETAILED
            parts.append(
                _paragraph(
                    ngettext(
                        "…and %(count)s more resident, not described here.",
                        "…and %(count)s more residents, not described here.",
                        left,
                    )
                    % {"count": format_number(left)}
                )
            )
        self.preview_text.setHtml("".join(parts))
        self.previewed.emit()

    def _on_checked_changed(self) -> None:
        self._update_buttons()
        self._preview_soon()

    # Acting ---------------------------------------------------------------------------

    def anonymise_checked(self) -> None:
        ids = self.model.checked_ids()
        if not ids or self._busy:
            return
        question = ngettext(
            "Anonymise %(count)s resident? Their name, contact details and notes are "
            "removed, on every desk of the centre; their anonymous figures stay. This "
            "cannot be undone.",
            "Anonymise %(count)s residents? Their names, contact details and notes are "
            "removed, on every desk of the centre; their anonymous figures stay. This "
            "cannot be undone.",
            len(ids),
        ) % {"count": format_number(len(ids))}
        if not self._confirm(_("Anonymise"), question):
            return
        months, today = self.months.value(), self._today
        self._act(
            lambda store, progress: anonymise(
                store, ids, REASON_RETENTION, today=today, months=months, progress=progress
            ),
            label=_("Anonymising the residents…"),
            describe=text.anonymised_line,
        )

    def erase_checked(self) -> None:
        ids = self.model.checked_ids()
        if not ids or self._busy:
            return
        question = ngettext(
            "Erase %(count)s resident? Their record and everything about them are erased, "
            "on every desk of the centre; their sessions and workshop attendance stay as "
            "anonymous figures. This cannot be undone.",
            "Erase %(count)s residents? Their records and everything about them are "
            "erased, on every desk of the centre; their sessions and workshop attendance "
            "stay as anonymous figures. This cannot be undone.",
            len(ids),
        ) % {"count": format_number(len(ids))}
        if not self._confirm(_("Erase"), question):
            return
        months, today = self.months.value(), self._today
        self._act(
            lambda store, progress: erase_due(store, ids, today, months, progress=progress),
            label=_("Erasing the residents…"),
            describe=text.erased_line,
        )

    def _confirm(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(
            self,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _act(
        self,
        job: Callable[[Store, Callable[[int, int], bool]], RetentionResult],
        *,
        label: str,
        describe: Callable[[RetentionResult], str],
    ) -> None:
        """Run an action on the worker behind a progress dialog that can cancel it."""
        self._busy = True
        self._update_buttons()

        def finished() -> None:
            self._busy = False
            self.progress_dialog = None
            self._update_buttons()

        def succeeded(result: RetentionResult) -> None:
            for resident_id in result.done:
                self._previews.pop(resident_id, None)
            self._say(describe(result))
            self.acted.emit(result)
            self.reload()

        def failed(error: BaseException) -> None:
            if isinstance(error, RetentionCancelled):
                self._say(error.render(_))
            else:
                explain_failure(self, error)

        self.progress_dialog, _cancel = run_with_progress(
            self, self._worker, job, label=label, on_success=succeeded, on_failure=failed,
            on_finished=finished, topics=TOPICS,
        )  # fmt: skip

    # Helpers --------------------------------------------------------------------------

    def _say(self, message: str) -> None:
        self.result_label.setText(message)
        self.result_label.show()

    def _failed(self, error: BaseException) -> None:
        if self._alive():
            explain_failure(self, error)

    def _update_buttons(self) -> None:
        has_checked = bool(self.model.checked_ids())
        for button in (self.anonymise_button, self.erase_button):
            button.setEnabled(has_checked and not self._busy)
        listed = bool(self.model.row_total())
        for widget in (self.check_all, self.uncheck_all):
            widget.setEnabled(listed and not self._busy)
        self.months.setEnabled(not self._busy)

    def _alive(self) -> bool:
        from shiboken6 import Shiboken

        return Shiboken.isValid(self)

    def _fit_to_screen(self) -> None:
        wanted = PREFERRED_SIZE
        screen = self.screen()
        if screen is not None:
            wanted = wanted.boundedTo(screen.availableGeometry().size() * 0.95)
        self.resize(wanted)

    def done(self, result: int) -> None:
        if self._settings is not None:
            remember_geometry(self, self._settings, GEOMETRY_KEY)
        if self._months_timer.isActive():
            self._months_timer.stop()
            self._save_months()
        super().done(result)


# Withdrawal of consent ----------------------------------------------------------------


class WithdrawConsentDialog(QDialog):
    """Asks for the day consent was withdrawn and says what follows."""

    def __init__(self, parent: QWidget | None, name: str, today: date):
        super().__init__(parent)
        self.setObjectName("withdrawConsentDialog")
        self.setWindowTitle(_("Withdrawal of consent"))
        explanation = _wrapped(
            _(
                "%(name)s withdraws their consent. Their record is anonymised at once, on "
                "every desk of the centre: the name, contact details and notes are removed; "
                "the age band, gender, social status and commune stay for the statistics. "
                "This cannot be undone."
            )
            % {"name": name}
        )
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMaximumDate(to_qdate(today))
        self.date_edit.setDate(to_qdate(today))
        form = QFormLayout()
        add_row(form, _("&Day consent was withdrawn"), self.date_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Withdraw consent and anonymise"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(WITHDRAW_MIN_WIDTH)
        self.date_edit.setFocus()

    @property
    def day(self) -> date:
        return from_qdate(self.date_edit.date())


def withdraw_consent_interactively(
    parent: QWidget | None,
    store: Store,
    resident_id: str,
    *,
    worker: DatabaseWorker | None = None,
    on_done: Callable[[], None] | None = None,
    today: date | None = None,
) -> bool:
    """Ask for the day, then record the withdrawal and anonymise the resident in one
    transaction (``store.retention.withdraw_consent``). With ``worker`` the write runs
    on it (topics "residents" and "sessions") and ``on_done`` is called once it is
    written; without, it runs here. Returns False when the mediator cancelled."""
    today = today or date.today()
    resident = store.residents.get(store.residents.shown(resident_id))
    dialog = WithdrawConsentDialog(parent, resident_display_name(resident), today)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    day, target = dialog.day, resident.id

    def done(_result: Any = None) -> None:
        if on_done is not None:
            on_done()

    if worker is None:
        try:
            withdraw_consent(store, target, day, today=today)
        except MessageError as error:  # said to the mediator: nothing was saved
            explain_failure(parent, error)
            return False
        done()
        return True
    worker.run(
        lambda worker_store, _progress: withdraw_consent(worker_store, target, day, today=today),
        on_success=done,
        on_failure=lambda error: explain_failure(parent, error),
        topics=("residents", "sessions"),
    )
    return True


def _paragraph(content: str, *, bold: bool = False) -> str:
    escaped = html.escape(content)
    return f"<p><b>{escaped}</b></p>" if bold else f"<p>{escaped}</p>"


def _listed(title: str, lines: list[str]) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return (
        f"<p style='margin-bottom: 0'>{html.escape(title)}</p>"
        f"<ul style='margin-top: 0; -qt-list-indent: 1'>{items}</ul>"
    )


def _wrapped(content: str = "") -> QLabel:
    label = QLabel(content)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
