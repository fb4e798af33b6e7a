"""Item models of the main lists. Rows are fetched lazily, a page at a time, and kept in
a small cache, so a list of 50,000 residents scrolls without loading them all."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from mediator_app.domain.codes import AUTONOMY_LEVELS, AUTONOMY_STARS, THEMES, CodeList
from mediator_app.domain.session import SupportSession
from mediator_app.domain.text import fold
from mediator_app.i18n import N_, _, format_date, format_duration
from mediator_app.store import Store
from mediator_app.store.sessions import SessionWithResident

#: The id of the record a row shows.
ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: The whole record a row shows.
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex

#: What a screen shows in place of the name of a resident whose identity was dropped
#: (``store/retention.py``): their record and figures stay, their name does not.
ANONYMISED_RESIDENT = N_("Anonymised resident")


class _PersonRow(Protocol):
    id: str
    first_name: str
    last_name: str
    birth_year: int | None
    commune: str
    last_activity: str | None


class _Named(Protocol):
    first_name: str
    last_name: str


def resident_display_name(person: _Named) -> str:
    """A resident's name as screens show it: first and last name, or "Anonymised
    resident" (translated) for a record that has no name left."""
    full_name = " ".join(part for part in (person.first_name, person.last_name) if part)
    return full_name or _(ANONYMISED_RESIDENT)


def theme_labels(codes: Sequence[str], code_list: CodeList = THEMES) -> str:
    return ", ".join(_(code_list.label(code)) for code in codes if code in code_list)


def autonomy_label(code: str | None) -> str:
    """Stars and words; a code this version does not know (from a newer desk) as is."""
    if not code:
        return ""
    if code not in AUTONOMY_LEVELS:
        return code
    return f"{AUTONOMY_STARS[code]} {_(AUTONOMY_LEVELS.label(code))}"


class _PageCache:
    """Pages of rows fetched on demand; the least recently used are dropped."""

    def __init__(self, fetch: Callable[[int, int], list[Any]], page_size: int, pages_kept: int):
        self._fetch = fetch
        self._page_size = page_size
        self._pages_kept = pages_kept
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()

    def row(self, index: int) -> Any:
        page_number, offset = divmod(index, self._page_size)
        page = self._pages.get(page_number)
        if page is None:
            page = self._fetch(page_number * self._page_size, self._page_size)
            self._pages[page_number] = page
            if len(self._pages) > self._pages_kept:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_number)
        return page[offset] if offset < len(page) else None

    def clear(self) -> None:
        self._pages.clear()


class ColumnsTableModel(QAbstractTableModel):
    """A flat table whose columns are named by ``COLUMNS`` (message ids, translated when
    shown); subclasses say how many rows there are and what each cell holds."""

    COLUMNS: tuple[str, ...] = ()

    def row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_total()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # fmt: skip
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.COLUMNS)
        ):
            return _(self.COLUMNS[section])
        return None


class ResidentListModel(ColumnsTableModel):
    """All residents in alphabetical order, or the best matches of a search."""

    COLUMNS = (N_("Last name"), N_("First name"), N_("Born"), N_("Commune"),
               N_("Last visit"))  # fmt: skip
    #: Rows per fetch: about two screens, so that a scroll step stays under a frame.
    PAGE_SIZE = 60
    #: Best matches shown for a search; beyond them, typing more letters narrows.
    SEARCH_LIMIT = 200

    def __init__(self, store: Store, parent: Any = None):
        super().__init__(parent)
        self._store = store
        self._query = ""
        self._hits: list[_PersonRow] | None = None
        self._total = 0
        self._pages = _PageCache(store.residents.page, self.PAGE_SIZE, pages_kept=40)
        self._load()

    @property
    def query(self) -> str:
        return self._query

    @property
    def is_search(self) -> bool:
        return self._hits is not None

    def set_query(self, text: str) -> None:
        self._query = text
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._load()
        self.endResetModel()

    def _load(self) -> None:
        self._pages.clear()
        if self._query.strip():
            hits = self._store.residents.search(self._query, self.SEARCH_LIMIT + 1)
            self.truncated = len(hits) > self.SEARCH_LIMIT
            self._hits = hits[: self.SEARCH_LIMIT]
            self._total = len(self._hits)
        else:
            self._hits = None
            self.truncated = False
            self._total = self._store.residents.count()

    def resident_id(self, row: int) -> str | None:
        record = self._record(row)
        return record.id if record else None

    def row_of(self, resident_id: str) -> int | None:
        """The row showing ``resident_id`` in a search result; ``None`` if not shown."""
        for row, hit in enumerate(self._hits or ()):
            if hit.id == resident_id:
                return row
        return None

    def _record(self, row: int) -> _PersonRow | None:
        if not 0 <= row < self._total:
            return None
        if self._hits is not None:
            return self._hits[row]
        return self._pages.row(row)

    def row_total(self) -> int:
        return self._total

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._record(index.row())
        if record is None:
            return None
        if role == ID_ROLE:
            return record.id
        if role == RECORD_ROLE:
            return record
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            column = index.column()
            if column == 0:
                if not (record.last_name or record.first_name):
                    return _(ANONYMISED_RESIDENT)
                return record.last_name
            if column == 1:
                return record.first_name
            if column == 2:
                return "" if record.birth_year is None else str(record.birth_year)
            if column == 3:
                return record.commune
            if column == 4:
                return format_date(record.last_activity) if record.last_activity else ""
        return None


class SessionHistoryModel(ColumnsTableModel):
    """One resident's sessions, newest first, fetched a page at a time."""

    COLUMNS = (N_("Date"), N_("Themes"), N_("Duration"), N_("Autonomy"), N_("Follow-up"))
    PAGE_SIZE = 50

    def __init__(self, store: Store, parent: Any = None):
        super().__init__(parent)
        self._store = store
        self._resident_id: str | None = None
        self._total = 0
        self._pages = _PageCache(self._fetch, self.PAGE_SIZE, pages_kept=10)

    def set_resident(self, resident_id: str | None) -> None:
        self._resident_id = resident_id
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._total = (
            self._store.sessions.count_for_resident(self._resident_id) if self._resident_id else 0
        )
        self.endResetModel()

    def _fetch(self, offset: int, limit: int) -> list[SupportSession]:
        if self._resident_id is None:
            return []
        return self._store.sessions.for_resident(self._resident_id, offset, limit)

    def session(self, row: int) -> SupportSession | None:
        return self._pages.row(row) if 0 <= row < self._total else None

    def row_total(self) -> int:
        return self._total

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        session = self.session(index.row())
        if session is None:
            return None
        if role == ID_ROLE:
            return session.id
        if role == RECORD_ROLE:
            return session
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return _session_cell(session, index.column())
        return None


def _session_cell(session: SupportSession, column: int) -> str:
    if column == 0:
        return format_date(session.date)
    if column == 1:
        text = theme_labels(session.themes)
        return f"{text} – {session.procedure}" if session.procedure else text
    if column == 2:
        return format_duration(session.duration_min)
    if column == 3:
        return autonomy_label(session.autonomy)
    if column == 4:
        if not session.follow_up_needed:
            return ""
        due = format_date(session.follow_up_date) if session.follow_up_date else ""
        return _("Done") if session.follow_up_done else _("Follow-up on %(date)s") % {"date": due}
    return ""


class SessionListModel(ColumnsTableModel):
    """A short list of sessions with their residents' names (today's work, follow-ups)."""

    def __init__(self, columns: Sequence[str], cell: Callable[[SessionWithResident, int], str],
                 parent: Any = None):  # fmt: skip
        super().__init__(parent)
        self.COLUMNS = tuple(columns)
        self._cell = cell
        self._rows: list[SessionWithResident] = []

    def set_rows(self, rows: list[SessionWithResident]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def entry(self, row: int) -> SessionWithResident | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        if role == ID_ROLE:
            return entry.session.id
        if role == RECORD_ROLE:
            return entry
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return self._cell(entry, index.column())
        return None


def today_cell(entry: SessionWithResident, column: int) -> str:
    session = entry.session
    if column == 0:
        return _resident_of(entry)
    return _session_cell(session, column)


def _resident_of(entry: SessionWithResident) -> str:
    if entry.resident_name:
        return entry.resident_name
    if entry.session.resident_id is not None:
        return _(ANONYMISED_RESIDENT)
    return _("Anonymous visit")


TODAY_COLUMNS = (N_("Resident"), N_("Themes"), N_("Duration"), N_("Autonomy"), N_("Follow-up"))


def follow_up_cell(entry: SessionWithResident, column: int) -> str:
    session = entry.session
    if column == 0:
        return format_date(session.follow_up_date) if session.follow_up_date else ""
    if column == 1:
        return _resident_of(entry)
    if column == 2:
        return theme_labels(session.themes)
    if column == 3:
        return format_date(session.date)
    return ""


FOLLOW_UP_COLUMNS = (N_("Due date"), N_("Resident"), N_("Themes"), N_("Session date"))


class CodeChoiceModel(QAbstractListModel):
    """A checkable list of codes (themes, administrative themes) shown by their labels."""

    def __init__(self, code_list: CodeList, parent: Any = None):
        super().__init__(parent)
        self._code_list = code_list
        self._checked: list[str] = []

    @property
    def checked(self) -> tuple[str, ...]:
        """The checked codes, in the order they were checked."""
        return tuple(self._checked)

    def set_checked(self, codes: Sequence[str]) -> None:
        self._checked = [code for code in dict.fromkeys(codes) if code in self._code_list]
        if self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))

    def toggle(self, row: int) -> None:
        code = self._code_list.codes[row]
        if code in self._checked:
            self._checked.remove(code)
        else:
            self._checked.append(code)
        self.dataChanged.emit(self.index(row), self.index(row))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._code_list)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._code_list):
            return None
        code, label = self._code_list.items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _(label)
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if code in self._checked else Qt.CheckState.Unchecked
        if role == ID_ROLE:
            return code
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        code = self._code_list.codes[index.row()]
        wanted = Qt.CheckState(value) == Qt.CheckState.Checked
        if wanted != (code in self._checked):
            self.toggle(index.row())
        return True


class FoldedFilterProxy(QSortFilterProxyModel):
    """Keeps rows whose label contains every typed word, accents and case ignored."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._words: list[str] = []

    def set_filter_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        label = fold(str(model.data(model.index(source_row, 0, source_parent)) or ""))
        return all(word in label for word in self._words)
