"""The skills diagnostic and re-assessment: a mediator rates each skill of the framework
with a resident, all by keyboard.

One row per skill, grouped under its area. On the highlighted skill: 1 to 4 set a level
(not yet, with guidance, with help when needed, autonomous) and move to the next skill;
0, Space or Delete skip it (no level) and move on; ``=`` keeps the level of last time
and moves on; Enter moves on without a change; Up and Down move. On a French AZERTY
keyboard the unshifted keys of the top row (& é " ' and à) work as 1 to 4 and 0.
Ctrl+Enter or Ctrl+S saves; Esc asks before dropping levels that are set.

The dialog saves the assessment itself (``store.skills.record_assessment``); a refused
assessment is explained in the dialog, which stays open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.skills import (
    LEVEL_RANK,
    SKILL_LEVELS,
    Framework,
    SkillArea,
    SkillAssessment,
    SkillItem,
)
from mediator_app.domain.validation import Problem, ValidationError
from mediator_app.i18n import N_, _, current_language, format_date, ngettext
from mediator_app.store import Store
from mediator_app.ui.models import ID_ROLE, RECORD_ROLE, AnyIndex, ColumnsTableModel
from mediator_app.ui.session_dialog import from_qdate, to_qdate
from mediator_app.ui.widgets import FieldError, explain_failure, fit_to_screen

ROW_HEIGHT = 28
#: The level set now on an item row (a code of ``SKILL_LEVELS``), ``None`` when skipped.
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 10
#: ``True`` on the title row of an area.
AREA_ROLE = Qt.ItemDataRole.UserRole + 11

#: What a key does on the highlighted skill: a level code, or one of these.
SKIP = "skip"
SAME_AS_LAST = "same"
NEXT = "next"
PREVIOUS = "previous"

#: Keys that work in every language: 1 to 4 in the order of the levels.
LEVEL_KEYS = {
    Qt.Key.Key_1: SKILL_LEVELS.codes[0],
    Qt.Key.Key_2: SKILL_LEVELS.codes[1],
    Qt.Key.Key_3: SKILL_LEVELS.codes[2],
    Qt.Key.Key_4: SKILL_LEVELS.codes[3],
}
#: The unshifted top row of a French or Belgian AZERTY keyboard, where digits need Shift.
AZERTY_TEXTS = {
    "&": SKILL_LEVELS.codes[0],
    "é": SKILL_LEVELS.codes[1],
    '"': SKILL_LEVELS.codes[2],
    "'": SKILL_LEVELS.codes[3],
    "à": SKIP,
}
OTHER_KEYS = {
    Qt.Key.Key_0: SKIP,
    Qt.Key.Key_Space: SKIP,
    Qt.Key.Key_Delete: SKIP,
    Qt.Key.Key_Backspace: SKIP,
    Qt.Key.Key_Equal: SAME_AS_LAST,
    Qt.Key.Key_Return: NEXT,
    Qt.Key.Key_Enter: NEXT,
    Qt.Key.Key_Down: NEXT,
    Qt.Key.Key_Up: PREVIOUS,
}

#: Soft backgrounds that repeat what the text already says.
_LEVEL_COLOURS = {
    "not_yet": "#fbe3e4",
    "with_guidance": "#fff4ce",
    "with_help": "#e8eaf6",
    "autonomous": "#e3f4e1",
}
_AREA_BACKGROUND = "#e6ebf1"
_AREA_FOREGROUND = "#10243e"
_MUTED = "#4a4a4a"
_TEXT_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.ToolTipRole,
)


@dataclass(frozen=True)
class LastRating:
    """An item's most recent level and the day it was assessed."""

    level: str
    assessed_on: str


def last_ratings(assessments: Iterable[SkillAssessment]) -> dict[str, LastRating]:
    """Each item's most recent level with its date, assessments taken in date order."""
    found: dict[str, LastRating] = {}
    for assessment in sorted(assessments, key=lambda a: a.assessed_on):
        for item_id, level in assessment.ratings.items():
            found[item_id] = LastRating(level, assessment.assessed_on)
    return found


def level_bar(level: str) -> str:
    """Four boxes filled to the level, readable without colour: ``■■□□``."""
    filled = LEVEL_RANK[level] + 1
    return "■" * filled + "□" * (4 - filled)


def level_text(level: str | None) -> str:
    """A level as the table shows it: its bar and its name; a code this version does not
    know (from a newer desk) as is; nothing when skipped."""
    if not level:
        return ""
    if level not in SKILL_LEVELS:
        return level
    return f"{level_bar(level)} {_(SKILL_LEVELS.label(level))}"


def _trend(level: str, last: LastRating | None) -> str:
    if last is None or last.level not in LEVEL_RANK:
        return ""
    change = LEVEL_RANK[level] - LEVEL_RANK[last.level]
    return " ↑" if change > 0 else " ↓" if change < 0 else ""


class DiagnosticModel(ColumnsTableModel):
    """The items of a framework under their areas' title rows, with each item's level
    of last time and the level set now. Levels are kept here, whatever a view shows."""

    COLUMNS = (N_("Skill"), N_("Last time"), N_("Now"))
    SKILL_COLUMN, LAST_COLUMN, NOW_COLUMN = 0, 1, 2
    #: The number of levels set changed.
    levels_changed = Signal()

    def __init__(
        self,
        framework: Framework,
        last: Mapping[str, LastRating],
        item_ids: Iterable[str] | None = None,
        parent: Any = None,
    ):
        """``item_ids`` limits the rows to these items (in the framework's order); ids
        the framework does not have are left out."""
        super().__init__(parent)
        self._language = current_language()
        self._last = dict(last)
        self._levels: dict[str, str] = {}
        wanted = None if item_ids is None else set(item_ids)
        self._rows: list[SkillArea | SkillItem] = []
        for area in framework.areas:
            items = [item for item in area.items if wanted is None or item.id in wanted]
            if items:
                self._rows.append(area)
                self._rows.extend(items)
        self._items = [row for row in self._rows if isinstance(row, SkillItem)]

    # Reading ---------------------------------------------------------------------------

    def row_total(self) -> int:
        return len(self._rows)

    def entry(self, row: int) -> SkillArea | SkillItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def item(self, row: int) -> SkillItem | None:
        """The item of an item row; ``None`` on an area's title row."""
        entry = self.entry(row)
        return entry if isinstance(entry, SkillItem) else None

    def areas(self) -> list[SkillArea]:
        return [row for row in self._rows if isinstance(row, SkillArea)]

    def item_total(self) -> int:
        return len(self._items)

    def set_count(self) -> int:
        return len(self._levels)

    def has_rated_before(self) -> bool:
        return any(item.id in self._last for item in self._items)

    def last(self, item_id: str) -> LastRating | None:
        return self._last.get(item_id)

    def level(self, item_id: str) -> str | None:
        return self._levels.get(item_id)

    def ratings(self) -> dict[str, str]:
        """The levels set, in the framework's order; skipped items are left out."""
        return {item.id: self._levels[item.id] for item in self._items if item.id in self._levels}

    def row_of(self, item_id: str) -> int | None:
        for row, entry in enumerate(self._rows):
            if isinstance(entry, SkillItem) and entry.id == item_id:
                return row
        return None

    def in_scope(self, row: int, scope: str) -> bool:
        """Whether ``row`` shows under ``scope``: ``"all"``, ``"rated"`` (items with a
        level of last time) or an area id. An area's title shows with any of its items."""
        entry = self._rows[row]
        if isinstance(entry, SkillArea):
            return any(self._item_in_scope(item, scope) for item in self._items
                       if item.area_id == entry.id)  # fmt: skip
        return self._item_in_scope(entry, scope)

    def _item_in_scope(self, item: SkillItem, scope: str) -> bool:
        if scope == SkillFilterProxy.ALL:
            return True
        if scope == SkillFilterProxy.RATED_BEFORE:
            return item.id in self._last
        return item.area_id == scope

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        column = index.column()
        if role == RECORD_ROLE:
            return entry
        if role == ID_ROLE:
            return entry.id
        if role == AREA_ROLE:
            return isinstance(entry, SkillArea)
        if isinstance(entry, SkillArea):
            return self._area_data(entry, column, role)
        if role in _TEXT_ROLES:
            return self._cell(entry, column, role)
        if role == LEVEL_ROLE:
            return self._levels.get(entry.id)
        if role == Qt.ItemDataRole.EditRole and column == self.NOW_COLUMN:
            return self._levels.get(entry.id, "")
        if role == Qt.ItemDataRole.BackgroundRole and column == self.NOW_COLUMN:
            level = self._levels.get(entry.id)
            return QColor(_LEVEL_COLOURS[level]) if level in _LEVEL_COLOURS else None
        if role == Qt.ItemDataRole.ForegroundRole and column == self.LAST_COLUMN:
            return QColor(_MUTED)
        return None

    def _area_data(self, area: SkillArea, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return area.title(self._language) if column == self.SKILL_COLUMN else ""
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(_AREA_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(_AREA_FOREGROUND)
        return None

    def _cell(self, item: SkillItem, column: int, role: int) -> str:
        if column == self.SKILL_COLUMN:
            return item.label(self._language)
        if column == self.LAST_COLUMN:
            last = self._last.get(item.id)
            if last is None:
                return "" if role == Qt.ItemDataRole.DisplayRole else _("Not rated before")
            return _("%(level)s (%(date)s)") % {
                "level": level_text(last.level),
                "date": format_date(last.assessed_on),
            }
        if column == self.NOW_COLUMN:
            level = self._levels.get(item.id)
            if level is None:
                return "" if role == Qt.ItemDataRole.DisplayRole else _("Skipped")
            return level_text(level) + _trend(level, self._last.get(item.id))
        return ""

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return Qt.ItemFlag.NoItemFlags
        if isinstance(entry, SkillArea):
            return Qt.ItemFlag.ItemIsEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.NOW_COLUMN:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    # Writing ---------------------------------------------------------------------------

    def set_level(self, row: int, level: str | None) -> bool:
        """Set (or, with ``None``, clear) the level of an item row; ``False`` on an
        area's title row or for an unknown level."""
        item = self.item(row)
        if item is None or (level is not None and level not in SKILL_LEVELS):
            return False
        if level is None:
            self._levels.pop(item.id, None)
        else:
            self._levels[item.id] = level
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
        self.levels_changed.emit()
        return True

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or role != Qt.ItemDataRole.EditRole
            or index.column() != self.NOW_COLUMN
        ):
            return False
        return self.set_level(index.row(), value or None)


class SkillFilterProxy(QSortFilterProxyModel):
    """Shows all skills, the skills rated before, or the skills of one area; hiding a
    row never drops its level (the levels live in the source model)."""

    ALL = "all"
    RATED_BEFORE = "rated"

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._scope = self.ALL

    @property
    def scope(self) -> str:
        return self._scope

    def set_scope(self, scope: str) -> None:
        """``ALL``, ``RATED_BEFORE`` or an area id."""
        self.beginFilterChange()
        self._scope = scope
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        if source_parent.isValid() or not isinstance(model, DiagnosticModel):
            return False
        return model.in_scope(source_row, self._scope)


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


class _SkillTable(QTableView):
    """A table that asks for room for every row and its columns' widths, so that
    ``fit_to_screen`` sizes the dialog to show the whole checklist when it can."""

    def sizeHint(self) -> QSize:
        model = self.model()
        rows = model.rowCount() if model is not None else 0
        columns = model.columnCount() if model is not None else 0
        width = sum(self.columnWidth(column) for column in range(columns))
        width += self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        height = self.horizontalHeader().sizeHint().height() + ROW_HEIGHT * rows
        return QSize(width, height + 2 * self.frameWidth())


class DiagnosticDialog(QDialog):
    """Rate a resident's skills: the initial diagnostic if they were never assessed, a
    re-assessment otherwise. ``items`` limits the skills shown (an area, the goals);
    ``today`` is the latest date allowed (tests pass a fixed day).

    The dialog reads the store but never writes: ``submitted`` carries the checked
    assessment, and the caller answers with ``saved()`` or ``refused()``."""

    submitted = Signal(object)

    def __init__(
        self,
        store: Store,
        resident_id: str,
        parent: QWidget | None = None,
        *,
        items: Sequence[str] | None = None,
        today: date | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("diagnosticDialog")
        self._store = store
        self._today = today or date.today()
        self._saved: SkillAssessment | None = None
        self._saving = False
        self._resident_id = store.residents.shown(resident_id)
        resident = store.residents.get(self._resident_id)
        self._framework = store.skills.current_framework()
        previous = store.skills.assessments(self._resident_id)
        self._kind = "assessment" if previous else "diagnostic"
        last = last_ratings(a for a in previous if a.framework == self._framework.name)
        self._last_assessed_on = max((a.assessed_on for a in previous), default=None)

        if self._kind == "diagnostic":
            title = _("Initial diagnostic — %(name)s") % {"name": resident.full_name}
        else:
            title = _("Re-assessment — %(name)s") % {"name": resident.full_name}
        self.setWindowTitle(title)

        self.model = DiagnosticModel(self._framework, last, items, self)
        self.model.levels_changed.connect(self._on_levels_changed)
        self.proxy = SkillFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build(title)
        self._update_counter()
        self._show_spans()
        self._move_to(self._next_item_row(-1, 1))
        self.table.setFocus()

    # Building -------------------------------------------------------------------------

    def _build(self, title: str) -> None:
        heading = QLabel(title)
        heading.setObjectName("dialogHeading")
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        heading.setWordWrap(True)
        details = QLabel(self._details_text())
        details.setWordWrap(True)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(heading)
        body_layout.addWidget(details)
        body_layout.addLayout(self._build_controls())
        self.date_error = FieldError()
        body_layout.addWidget(self.date_error)
        table_label = QLabel(_("S&kills"))
        body_layout.addWidget(table_label)
        body_layout.addWidget(self._build_table(), 1)
        table_label.setBuddy(self.table)
        self.ratings_error = FieldError()
        body_layout.addWidget(self.ratings_error)
        body_layout.addLayout(self._build_level_buttons())
        self.keys_help = QLabel(self._keys_help())
        self.keys_help.setObjectName("keysHelp")
        self.keys_help.setWordWrap(True)
        self.keys_help.setStyleSheet("background: #eef3fb; color: #10243e; padding: 6px;")
        self.table.setAccessibleDescription(self.keys_help.text())
        body_layout.addWidget(self.keys_help)

        self.other_error = FieldError()
        self.counter = QLabel()
        self.counter.setObjectName("diagnosticCounter")
        self.save_button = QPushButton(_("&Save"))
        self.save_button.setToolTip(_("Save the levels set (Ctrl+Enter)"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.accept)
        cancel = QPushButton(_("Cancel"))
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.counter, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(body, 1)
        layout.addWidget(self.other_error)
        layout.addLayout(buttons)
        for sequence in (QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter"),
                         QKeySequence(QKeySequence.StandardKey.Save)):  # fmt: skip
            QShortcut(sequence, self, activated=self.accept)
        fit_to_screen(self, body)

    def _details_text(self) -> str:
        framework = self._framework.title(current_language())
        if self._last_assessed_on is None:
            return _("%(framework)s. This is the first assessment of these skills.") % {
                "framework": framework
            }
        return _("%(framework)s. Last assessment on %(date)s.") % {
            "framework": framework,
            "date": format_date(self._last_assessed_on),
        }

    def _build_controls(self) -> QHBoxLayout:
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMaximumDate(to_qdate(self._today))
        self.date_edit.setDate(to_qdate(self._today))
        date_label = QLabel(_("&Date"))
        date_label.setBuddy(self.date_edit)
        self.date_edit.setAccessibleName(_("Date of the assessment"))

        self.filter_combo = QComboBox()
        self.filter_combo.addItem(_("All skills"), SkillFilterProxy.ALL)
        if self.model.has_rated_before():
            self.filter_combo.addItem(_("Skills rated before"), SkillFilterProxy.RATED_BEFORE)
        areas = self.model.areas()
        if len(areas) > 1:
            language = current_language()
            for area in areas:
                self.filter_combo.addItem(
                    _("Area: %(area)s") % {"area": area.title(language)}, area.id
                )
        self.filter_combo.currentIndexChanged.connect(self._on_filter_changed)
        filter_label = QLabel(_("Sh&ow"))
        filter_label.setBuddy(self.filter_combo)
        self.filter_combo.setAccessibleName(_("Skills shown"))

        row = QHBoxLayout()
        row.addWidget(date_label)
        row.addWidget(self.date_edit)
        row.addSpacing(24)
        row.addWidget(filter_label)
        row.addWidget(self.filter_combo)
        row.addStretch(1)
        return row

    def _build_table(self) -> QTableView:
        self.table = _SkillTable()
        self.table.setObjectName("diagnosticTable")
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(_("Skills and their levels"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.delegate = LevelDelegate(self.table)
        self.table.setItemDelegateForColumn(DiagnosticModel.NOW_COLUMN, self.delegate)
        self._size_columns()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DiagnosticModel.SKILL_COLUMN, QHeaderView.ResizeMode.Stretch)
        for column in (DiagnosticModel.LAST_COLUMN, DiagnosticModel.NOW_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        # A first diagnostic has nothing to show there.
        self.table.setColumnHidden(DiagnosticModel.LAST_COLUMN, not self.model.has_rated_before())
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.table.installEventFilter(self)
        return self.table

    def _size_columns(self) -> None:
        """Wide enough for the longest text of each column in the UI language."""
        metrics = self.table.fontMetrics()
        bold = QFont(self.table.font())
        bold.setBold(True)
        model = self.model

        def widest(texts: Iterable[str], minimum: int) -> int:
            return max([minimum, *(metrics.horizontalAdvance(text) + 24 for text in texts)])

        skills = [model.index(row, 0).data() for row in range(model.rowCount())]
        skill_width = min(widest(skills, 280), 560)
        last = [model.index(row, 1).data() for row in range(model.rowCount())]
        now = [level_text(code) + " ↑" for code in SKILL_LEVELS.codes]
        header = [str(model.headerData(column, Qt.Orientation.Horizontal)) for column in range(3)]
        self.table.setColumnWidth(0, skill_width)
        self.table.setColumnWidth(1, widest([*last, header[1]], 160))
        self.table.setColumnWidth(2, widest([*now, header[2]], 160))

    def _build_level_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.level_buttons: dict[str, QPushButton] = {}
        for number, code in enumerate(SKILL_LEVELS.codes, start=1):
            button = self._action_button(
                _("%(key)s: %(level)s") % {"key": number, "level": level_text(code)},
                _("Set this level on the highlighted skill (key %(key)s)") % {"key": number},
            )
            button.setAccessibleName(_(SKILL_LEVELS.label(code)))
            button.clicked.connect(lambda _checked=False, level=code: self.apply(level))
            self.level_buttons[code] = button
            row.addWidget(button)
        row.addSpacing(12)
        self.skip_button = self._action_button(
            _("0: Skip"), _("No level for the highlighted skill (key 0, Space or Delete)")
        )
        self.skip_button.clicked.connect(lambda: self.apply(SKIP))
        row.addWidget(self.skip_button)
        self.same_button = self._action_button(
            _("=: Same as last time"), _("Keep the level of last time (key =)")
        )
        self.same_button.clicked.connect(lambda: self.apply(SAME_AS_LAST))
        self.same_button.setVisible(self.model.has_rated_before())
        row.addWidget(self.same_button)
        row.addStretch(1)
        return row

    def _action_button(self, text: str, tip: str) -> QPushButton:
        """A button that acts on the highlighted row and leaves the keyboard there."""
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def _keys_help(self) -> str:
        return _(
            "Keys on the highlighted skill: 1 to 4 set its level and move to the next "
            "skill; 0, Space or Delete skip it; = keeps the level of last time; Enter "
            "moves on without a change. Up and Down move; double-click a level to choose "
            "it with the mouse. Ctrl+Enter saves; Esc closes."
        )

    # Properties ------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        """``"diagnostic"`` for a resident never assessed, ``"assessment"`` otherwise."""
        return self._kind

    @property
    def saved_assessment(self) -> SkillAssessment | None:
        """The assessment as saved, once the dialog was accepted."""
        return self._saved

    def current_assessment(self) -> SkillAssessment:
        """The assessment as the dialog shows it now (not yet validated)."""
        return SkillAssessment(
            resident_id=self._resident_id,
            framework=self._framework.name,
            framework_version=self._framework.version,
            assessed_on=from_qdate(self.date_edit.date()).isoformat(),
            ratings=self.model.ratings(),
            kind=self._kind,
        )

    # Keys and rows ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            and self.table.state() != QAbstractItemView.State.EditingState
        ):
            action = self._key_action(event)
            if action is not None:
                self.apply(action)
                return True
        return super().eventFilter(watched, event)

    @staticmethod
    def _key_action(event: QKeyEvent) -> str | None:
        key = Qt.Key(event.key())
        text = event.text()
        if key in LEVEL_KEYS:
            return LEVEL_KEYS[key]
        if key in OTHER_KEYS:
            return OTHER_KEYS[key]
        if text == "=":
            return SAME_AS_LAST
        return AZERTY_TEXTS.get(text)

    def apply(self, action: str) -> None:
        """Do on the highlighted skill what a key does: set a level (its code), ``SKIP``,
        ``SAME_AS_LAST``, or move (``NEXT``, ``PREVIOUS``). Setting moves on."""
        row = self._current_row()
        if row < 0:
            return
        if action == PREVIOUS:
            self._move_to(self._next_item_row(row, -1))
            return
        if action != NEXT:
            source_row = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            item = self.model.item(source_row)
            if item is None:
                return
            if action == SKIP:
                self.model.set_level(source_row, None)
            elif action == SAME_AS_LAST:
                last = self.model.last(item.id)
                if last is not None and last.level in SKILL_LEVELS:
                    self.model.set_level(source_row, last.level)
            else:
                self.model.set_level(source_row, action)
        self._move_to(self._next_item_row(row, 1))

    def current_item_id(self) -> str | None:
        """The id of the highlighted skill."""
        row = self._current_row()
        if row < 0:
            return None
        item = self.proxy.index(row, 0).data(RECORD_ROLE)
        return item.id if isinstance(item, SkillItem) else None

    def _current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def _is_item_row(self, row: int) -> bool:
        return not self.proxy.index(row, 0).data(AREA_ROLE)

    def _next_item_row(self, row: int, step: int) -> int | None:
        """The nearest item row after ``row`` in the direction of ``step``."""
        row += step
        while 0 <= row < self.proxy.rowCount():
            if self._is_item_row(row):
                return row
            row += step
        return None

    def _move_to(
        self,
        row: int | None,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        if row is not None:
            index = self.proxy.index(row, DiagnosticModel.SKILL_COLUMN)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index, hint)

    def _show_spans(self) -> None:
        """An area's title across the whole row."""
        self.table.clearSpans()
        for row in range(self.proxy.rowCount()):
            if not self._is_item_row(row):
                self.table.setSpan(row, 0, 1, self.proxy.columnCount())

    # Saving and closing ----------------------------------------------------------------

    def accept(self) -> None:
        """Check the levels set, then hand the assessment to the caller (``submitted``);
        the dialog closes once the caller says it was saved."""
        if self._saved is not None:
            super().accept()
            return
        if self._saving:
            return
        assessment = self.current_assessment()
        problems = assessment.problems(self._framework, self._today)
        self._show_problems(problems)
        if problems:
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.submitted.emit(assessment)

    def saved(self, assessment: SkillAssessment) -> None:
        """The store kept the assessment: close."""
        self._saving = False
        self._saved = assessment
        super().accept()

    def refused(self, error: BaseException) -> None:
        """The store refused the assessment: say why, keep every level set."""
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self._show_problems(error.problems)
        else:
            explain_failure(self, error)

    def _show_problems(self, problems: Mapping[str, Problem]) -> None:
        self.ratings_error.show_problem(problems.get("ratings"))
        self.date_error.show_problem(problems.get("assessed_on"))
        others = [problem for name, problem in problems.items()
                  if name not in ("ratings", "assessed_on")]  # fmt: skip
        self.other_error.show_problem(others[0] if others else None)
        self.table.setFocus()

    def reject(self) -> None:
        """Close; levels set and not saved are dropped only once the mediator agrees."""
        count = self.model.set_count()
        if self._saved is None and count:
            answer = QMessageBox.question(
                self,
                _("Close without saving?"),
                ngettext(
                    "%(count)s skill has a level that is not saved. Close without saving it?",
                    "%(count)s skills have a level that is not saved. Close without saving them?",
                    count,
                )
                % {"count": count},
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    # Slots -----------------------------------------------------------------------------

    def _on_levels_changed(self) -> None:
        self._update_counter()
        if self.model.set_count():
            self.ratings_error.show_problem(None)

    def _update_counter(self) -> None:
        total = self.model.item_total()
        self.counter.setText(
            ngettext("%(count)s of %(total)s skill set", "%(count)s of %(total)s skills set", total)
            % {"count": self.model.set_count(), "total": total}
        )

    def _on_filter_changed(self, _position: int) -> None:
        """Show other rows; the highlighted skill stays highlighted when still shown."""
        item_id = self.current_item_id()
        self.proxy.set_scope(self.filter_combo.currentData())
        self._show_spans()
        # The scroll range follows the new rows at once, so the highlight can be shown.
        self.table.updateGeometries()
        source_row = self.model.row_of(item_id) if item_id else None
        shown = (
            self.proxy.mapFromSource(self.model.index(source_row, 0))
            if source_row is not None
            else QModelIndex()
        )
        self._move_to(
            shown.row() if shown.isValid() else self._next_item_row(-1, 1),
            QAbstractItemView.ScrollHint.PositionAtCenter,
        )

    def _on_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        """An area's title is not a place to stop: go on to the nearest skill, in the
        direction the highlight was moving."""
        if not current.isValid() or self._is_item_row(current.row()):
            return
        step = -1 if previous.isValid() and previous.row() > current.row() else 1
        target = self._next_item_row(current.row(), step)
        if target is None:
            target = self._next_item_row(current.row(), -step)
        self._move_to(target)
