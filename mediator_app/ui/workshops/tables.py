"""Read-only lists of the workshops screens: whole rows selected, one at a time, with
columns fitted to their contents or stretched over the free width."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

#: How a column is sized: to its contents, stretched over the free width (never
#: narrower than about twenty characters), or a starting width in pixels.
FIT, STRETCH = -1, 0
STRETCH_FLOOR_CHARACTERS = 20


class _StretchWithFloor(QObject):
    """Gives one column the width the others leave, but never so little that its text
    cannot be read: then the table scrolls sideways (large fonts, narrow windows)."""

    def __init__(self, view: QTableView, column: int):
        super().__init__(view)
        self._view = view
        self._column = column
        self._floor = view.fontMetrics().averageCharWidth() * STRETCH_FLOOR_CHARACTERS
        view.viewport().installEventFilter(self)
        view.horizontalHeader().sectionResized.connect(self._on_section_resized)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if column != self._column:
            self.fit()

    def fit(self) -> None:
        header = self._view.horizontalHeader()
        others = sum(
            header.sectionSize(column) for column in range(header.count()) if column != self._column
        )
        wanted = max(self._floor, self._view.viewport().width() - others)
        if header.sectionSize(self._column) != wanted:
            header.resizeSection(self._column, wanted)


def list_table(model: QAbstractItemModel, name: str, columns: tuple[int, ...]) -> QTableView:
    """A read-only list of rows; ``columns`` gives each column's sizing (``FIT``,
    ``STRETCH`` or a starting width in pixels). The lists are short, so fitting a column
    to its contents reads every row."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(24)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    for column, sizing in enumerate(columns):
        if sizing == FIT:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        elif sizing == STRETCH:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            _StretchWithFloor(view, column)
        else:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            view.setColumnWidth(column, sizing)
    return view
