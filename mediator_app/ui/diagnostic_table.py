"""The table of the diagnostic: one row per skill under its area's title, the list that
picks a level with the mouse, and the moves of the highlight from skill to skill.

The table shows a ``SkillFilterProxy`` over a ``DiagnosticModel``; it never keeps a level
itself. The highlight only stops on skills: an area's title spans its row and is stepped
over.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from mediator_app.domain.skills import SKILL_LEVELS, SkillItem
from mediator_app.i18n import _
from mediator_app.ui.diagnostic_model import (
    AREA_ROLE,
    DiagnosticModel,
    SkillFilterProxy,
    level_text,
)
from mediator_app.ui.models import RECORD_ROLE

ROW_HEIGHT = 28


class LevelDelegate(QStyledItemDelegate):
    """Picks the level of a skill with the mouse: a list of the levels and "skipped"."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:  # fmt: skip
        editor = QComboBox(parent)
        editor.setAccessibleName(_("Level"))
        editor.addItem(_("Skipped"), "")
        for code, _label in SKILL_LEVELS:
            editor.addItem(level_text(code), code)
        editor.activated.connect(lambda _row: self._commit(editor))
        return editor

    def _commit(self, editor: QComboBox) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:  # fmt: skip
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class SkillTable(QTableView):
    """A table that asks for room for every row and its columns' widths, so that
    ``fit_to_screen`` sizes the dialog to show the whole checklist when it can.

    Rows are counted in ``proxy`` (the rows shown); do not give the table another model."""

    def __init__(self, proxy: SkillFilterProxy, parent: QWidget | None = None):
        super().__init__(parent)
        self._proxy = proxy
        self.setObjectName("diagnosticTable")
        self.setModel(proxy)
        self.setAccessibleName(_("Skills and their levels"))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.delegate = LevelDelegate(self)
        self.setItemDelegateForColumn(DiagnosticModel.NOW_COLUMN, self.delegate)
        self._size_columns()
        header = self.horizontalHeader()
        header.setSectionResizeMode(DiagnosticModel.SKILL_COLUMN, QHeaderView.ResizeMode.Stretch)
        for column in (DiagnosticModel.LAST_COLUMN, DiagnosticModel.NOW_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

    def sizeHint(self) -> QSize:
        model = self.model()
        rows = model.rowCount() if model is not None else 0
        columns = model.columnCount() if model is not None else 0
        width = sum(self.columnWidth(column) for column in range(columns))
        width += self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        height = self.horizontalHeader().sizeHint().height() + ROW_HEIGHT * rows
        return QSize(width, height + 2 * self.frameWidth())

    def _size_columns(self) -> None:
        """Wide enough for the longest text of each column in the UI language."""
        metrics = self.fontMetrics()
        model = self._proxy.sourceModel()

        def widest(texts: Iterable[str], minimum: int) -> int:
            return max([minimum, *(metrics.horizontalAdvance(text) + 24 for text in texts)])

        skills = [model.index(row, 0).data() for row in range(model.rowCount())]
        skill_width = min(widest(skills, 280), 560)
        last = [model.index(row, 1).data() for row in range(model.rowCount())]
        now = [level_text(code) + " ↑" for code in SKILL_LEVELS.codes]
        header = [str(model.headerData(column, Qt.Orientation.Horizontal)) for column in range(3)]
        self.setColumnWidth(0, skill_width)
        self.setColumnWidth(1, widest([*last, header[1]], 160))
        self.setColumnWidth(2, widest([*now, header[2]], 160))

    # The highlight ---------------------------------------------------------------------

    def current_row(self) -> int:
        """The highlighted row of the proxy, ``-1`` when none is."""
        index = self.currentIndex()
        return index.row() if index.isValid() else -1

    def current_item_id(self) -> str | None:
        """The id of the highlighted skill."""
        row = self.current_row()
        if row < 0:
            return None
        item = self._proxy.index(row, 0).data(RECORD_ROLE)
        return item.id if isinstance(item, SkillItem) else None

    def is_item_row(self, row: int) -> bool:
        return not self._proxy.index(row, 0).data(AREA_ROLE)

    def next_item_row(self, row: int, step: int) -> int | None:
        """The nearest item row after ``row`` in the direction of ``step``."""
        row += step
        while 0 <= row < self._proxy.rowCount():
            if self.is_item_row(row):
                return row
            row += step
        return None

    def move_to(
        self,
        row: int | None,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        """Highlight ``row`` of the proxy and scroll it into view; nothing for ``None``."""
        if row is not None:
            index = self._proxy.index(row, DiagnosticModel.SKILL_COLUMN)
            self.setCurrentIndex(index)
            self.scrollTo(index, hint)

    def show_spans(self) -> None:
        """An area's title across the whole row."""
        self.clearSpans()
        for row in range(self._proxy.rowCount()):
            if not self.is_item_row(row):
                self.setSpan(row, 0, 1, self._proxy.columnCount())

    def _on_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        """An area's title is not a place to stop: go on to the nearest skill, in the
        direction the highlight was moving."""
        if not current.isValid() or self.is_item_row(current.row()):
            return
        step = -1 if previous.isValid() and previous.row() > current.row() else 1
        target = self.next_item_row(current.row(), step)
        if target is None:
            target = self.next_item_row(current.row(), -step)
        self.move_to(target)
