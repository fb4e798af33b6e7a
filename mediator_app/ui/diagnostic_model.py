"""The skills of a diagnostic as an item model: one row per skill under its area's title
row, with each skill's level of last time and the level set now, and the filter that
shows all skills, the skills rated before or one area.

The levels live in the model, whatever a view or the filter shows; the dialog
(``diagnostic_dialog``) only reads and sets them here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QFont

from mediator_app.domain.skills import (
    LEVEL_RANK,
    SKILL_LEVELS,
    Framework,
    SkillArea,
    SkillAssessment,
    SkillItem,
)
from mediator_app.i18n import N_, _, current_language, format_date
from mediator_app.ui.models import ID_ROLE, RECORD_ROLE, AnyIndex, ColumnsTableModel

#: The level set now on an item row (a code of ``SKILL_LEVELS``), ``None`` when skipped.
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 10
#: ``True`` on the title row of an area.
AREA_ROLE = Qt.ItemDataRole.UserRole + 11

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
