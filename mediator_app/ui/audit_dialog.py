"""The audit trail viewer: who opened, printed, exported, changed or erased which
resident's file, and when, most recent first. For the desk's administrators: the window
opens it with ``open_audit_trail(window, store, can_read=..., open_dialog=...)``, which
refuses in plain words when ``can_read`` is false.

The list reads a page of entries at a time as it scrolls (``canFetchMore`` and
``fetchMore`` through the cursor of ``store.audit.trail_page``), so a desk holding
hundreds of thousands of entries opens it as fast as an empty one. Filters: part of a
resident's name (searched as it is typed, once typing pauses), a mediator, a period.
Reads only: nothing in the trail can be changed from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from babel import dates as babel_dates
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediator_app.i18n import N_, _, babel_locale, format_date, ngettext
from mediator_app.store import Store, audit
from mediator_app.ui.conflicts_dialog import field_label
from mediator_app.ui.models import RECORD_ROLE, AnyIndex, ColumnsTableModel
from mediator_app.ui.widgets import add_row, fit_columns_to_headers

#: Typing in the name box searches once it pauses this long.
SEARCH_DELAY_MS = 300
#: Residents whose names match at most: typing more letters narrows.
NAME_MATCHES = 50
DIALOG_SIZE = (1000, 620)


@dataclass(frozen=True)
class PeriodChoice:
    label: str
    #: How many days back from today, today included; ``None``: any time.
    days: int | None

    def since(self, today: date) -> date | None:
        return None if self.days is None else today - timedelta(days=self.days - 1)


PERIODS = (
    PeriodChoice(N_("Any time"), None),
    PeriodChoice(N_("Today"), 1),
    PeriodChoice(N_("The last 7 days"), 7),
    PeriodChoice(N_("The last 30 days"), 30),
    PeriodChoice(N_("The last 12 months"), 365),
)


def open_audit_trail(
    parent: QWidget | None,
    store: Store,
    *,
    can_read: bool,
    open_dialog: Callable[[QDialog], None] | None = None,
) -> AuditDialog | None:
    """Open the viewer over ``parent`` if ``can_read`` (the mediator is an
    administrator of this desk); otherwise say why not and return ``None``.
    ``open_dialog`` shows it (the window's own way); by default it opens window-modal
    and is deleted once closed."""
    if not can_read:
        QMessageBox.information(
            parent,
            _("Audit trail"),
            _("Only an administrator of this desk can read the audit trail."),
        )
        return None
    dialog = AuditDialog(store, parent)
    if open_dialog is not None:
        open_dialog(dialog)
    else:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
    return dialog


# The list ------------------------------------------------------------------------------


def resident_text(entry: audit.TrailEntry) -> str:
    """The resident's name, or what they became: never an erased resident's id."""
    if entry.resident_state == audit.PRESENT and entry.resident:
        return entry.resident
    label = audit.RESIDENT_STATE_LABELS.get(entry.resident_state)
    return _(label) if label else "—"


def details_text(entry: audit.TrailEntry) -> str:
    """The fields a change set (a creation sets them all: not listed), or the
    detail of an event."""
    if entry.detail:
        label = audit.DETAIL_LABELS.get(entry.detail)
        return _(label) if label else entry.detail
    if entry.action == audit.CHANGE:
        return ", ".join(field_label(name) for name in entry.fields)
    return ""


def moment_text(moment: datetime) -> str:
    """Local date and time to the second, as the UI language writes them."""
    local = moment.astimezone()
    seconds = babel_dates.format_time(local, format="medium", locale=babel_locale())
    return f"{format_date(local.date())} {seconds}"


class AuditTrailModel(ColumnsTableModel):
    """The entries of a ``TrailQuery``, most recent first, a page at a time."""

    COLUMNS = (N_("When"), N_("Mediator"), N_("Resident"), N_("Action"), N_("What"),
               N_("Details"))  # fmt: skip
    WHEN, MEDIATOR, RESIDENT, ACTION, WHAT, DETAILS = range(6)
    #: Entries per read: a few screens.
    PAGE_SIZE = 200

    def __init__(self, store: Store, parent: Any = None, *, page_size: int = PAGE_SIZE):
        super().__init__(parent)
        self._store = store
        self._page_size = page_size
        self._query: audit.TrailQuery | None = audit.TrailQuery()
        self._entries: list[audit.TrailEntry] = []
        self._next: audit.TrailCursor | None = None
        #: While rows go in, a view asking for more waits for its next call.
        self._inserting = False
        self._load_first_page()

    @property
    def query(self) -> audit.TrailQuery | None:
        return self._query

    def set_query(self, query: audit.TrailQuery | None) -> None:
        """Show the entries of ``query`` from the most recent; ``None`` shows none (a
        name that matches nobody)."""
        self.beginResetModel()
        self._query = query
        self._load_first_page()
        self.endResetModel()

    def refresh(self) -> None:
        self.set_query(self._query)

    def _load_first_page(self) -> None:
        self._entries, self._next = [], None
        if self._query is not None:
            page = audit.trail_page(self._store, self._query, limit=self._page_size)
            self._entries, self._next = page.entries, page.next

    def has_more(self) -> bool:
        return self._next is not None

    def entry(self, row: int) -> audit.TrailEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_total(self) -> int:
        return len(self._entries)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._next is not None and not self._inserting

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or self._query is None:
            return
        page = audit.trail_page(self._store, self._query, limit=self._page_size, after=self._next)
        self._next = page.next
        if not page.entries:
            return
        first = len(self._entries)
        self._inserting = True
        try:
            self.beginInsertRows(QModelIndex(), first, first + len(page.entries) - 1)
            self._entries.extend(page.entries)
            self.endInsertRows()
        finally:
            self._inserting = False

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entry(index.row())
        if entry is None:
            return None
        if role == RECORD_ROLE:
            return entry
        column = index.column()
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return self._text(entry, column)
        if (
            role == Qt.ItemDataRole.FontRole
            and column == self.RESIDENT
            and entry.resident_state != audit.PRESENT
        ):
            font = QFont()
            font.setItalic(True)  # what is left of a person, not a name
            return font
        return None

    def _text(self, entry: audit.TrailEntry, column: int) -> str:
        if column == self.WHEN:
            return moment_text(entry.at)
        if column == self.MEDIATOR:
            return entry.mediator or "—"
        if column == self.RESIDENT:
            return resident_text(entry)
        if column == self.ACTION:
            return _(audit.ACTION_LABELS.get(entry.action, entry.action))
        if column == self.WHAT:
            return _(audit.SUBJECT_LABELS.get(entry.subject, entry.subject))
        if column == self.DETAILS:
            return details_text(entry)
        return ""


# The dialog ----------------------------------------------------------------------------


class AuditDialog(QDialog):
    """The filters, the list and how much of it is shown."""

    def __init__(self, store: Store, parent: QWidget | None = None, *, today: date | None = None):
        super().__init__(parent)
        self.setObjectName("auditDialog")
        self.setWindowTitle(_("Audit trail"))
        self._store = store
        self._today = today

        intro = QLabel(
            _(
                "Who opened, printed, exported, changed or erased a resident's file, and "
                "when, most recent first. Nothing here can be changed. An erased resident "
                "stays as a fact, without a name."
            )
        )
        intro.setWordWrap(True)

        self.name = QLineEdit()
        self.name.setObjectName("auditResident")
        self.name.setPlaceholderText(_("Every resident: type part of a name"))
        self.name.setClearButtonEnabled(True)
        self.mediator = QComboBox()
        self.mediator.setObjectName("auditMediator")
        self.mediator.addItem(_("Every mediator"), None)
        for mediator_id, name in store.conn.execute(
            "SELECT id, name FROM mediator ORDER BY name"
        ).fetchall():
            self.mediator.addItem(name, mediator_id)
        self.period = QComboBox()
        self.period.setObjectName("auditPeriod")
        for choice in PERIODS:
            self.period.addItem(_(choice.label))
        filters = QFormLayout()
        add_row(filters, _("&Resident"), self.name)
        add_row(filters, _("&Mediator"), self.mediator)
        add_row(filters, _("&Period"), self.period)

        self.model = AuditTrailModel(store, self)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Audit trail"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        fit_columns_to_headers(self.table, (150, 140, 170, 110, 230))

        self.status = QLabel()
        self.status.setObjectName("auditStatus")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(*DIALOG_SIZE)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.name.textChanged.connect(self._on_name_changed)
        self.mediator.currentIndexChanged.connect(self.apply_filters)
        self.period.currentIndexChanged.connect(self.apply_filters)
        self.model.modelReset.connect(self._show_status)
        self.model.rowsInserted.connect(self._show_status)
        self._show_status()

    def _on_name_changed(self, _text: str) -> None:
        self._search_timer.start()

    def current_query(self) -> audit.TrailQuery | None:
        """The query the filters make; ``None`` when the name matches nobody."""
        resident_ids: tuple[str, ...] | None = None
        text = self.name.text().strip()
        if text:
            hits = self._store.residents.search(text, limit=NAME_MATCHES)
            if not hits:
                return None
            resident_ids = tuple(hit.id for hit in hits)
        today = self._today or date.today()
        return audit.TrailQuery(
            resident_ids=resident_ids,
            mediator_id=self.mediator.currentData(),
            since=PERIODS[max(self.period.currentIndex(), 0)].since(today),
        )

    def apply_filters(self) -> None:
        """Read the list again for the filters as they are now."""
        self._search_timer.stop()
        self.model.set_query(self.current_query())
        if self.model.rowCount():
            self.table.scrollToTop()

    def _show_status(self, *_args: object) -> None:
        count = self.model.rowCount()
        if self.model.query is None:
            text = _("No resident's name matches %(text)s.") % {"text": self.name.text().strip()}
        elif not count:
            text = _("Nothing matches these filters.")
        else:
            text = ngettext(
                "%(count)s entry shown, most recent first.",
                "%(count)s entries shown, most recent first.",
                count,
            ) % {"count": count}
            if self.model.has_more():
                text += " " + _("Scroll down for earlier entries.")
        self.status.setText(text)
