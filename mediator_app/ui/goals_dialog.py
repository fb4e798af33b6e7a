"""Setting a resident's goals: tick the skills to work on, choose a target date.

The dialog only builds the goals; the caller saves them on the worker (``submitted``)
and answers with ``saved()`` or ``refused()``. ``open_goal_choices`` gives the session
form what it needs to suggest open goals when the next session is logged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.skills import SKILL_LEVELS, Framework, SkillGoal, SkillItem
from mediator_app.domain.validation import Problem
from mediator_app.i18n import N_, _, current_language, format_date, ngettext
from mediator_app.store import Store
from mediator_app.ui.models import ID_ROLE, FoldedFilterProxy
from mediator_app.ui.saving_dialog import SavingDialog
from mediator_app.ui.session_dialog import GoalChoice, from_qdate, to_qdate
from mediator_app.ui.widgets import FieldError, add_row, fit_to_screen

AnyIndex = QModelIndex | QPersistentModelIndex
DEFAULT_TARGET_DAYS = 30


def open_goal_choices(store: Store, resident_id: str) -> list[GoalChoice]:
    """The resident's open goals, nearest target first, labelled in the UI language;
    goals of a skill the current framework no longer has are left out."""
    framework = store.skills.current_framework()
    known = {item.id for item in framework.items}
    language = current_language()
    return [
        GoalChoice(
            goal.id,
            framework.item(goal.item_id).label(language),
            goal.target_date,
            themes_observing(framework, goal.item_id),
        )
        for goal in store.skills.goals(resident_id, open_only=True)
        if goal.item_id in known
    ]


def themes_observing(framework: Framework, item_id: str) -> frozenset[str]:
    return frozenset(
        theme for theme, items in framework.observed_by_themes.items() if item_id in items
    )


class SkillChoiceModel(QAbstractListModel):
    """The framework's skills, each shown with its area and the resident's latest level,
    checkable."""

    def __init__(
        self,
        framework: Framework,
        levels: Mapping[str, str],
        excluded: frozenset[str] = frozenset(),
        parent: Any = None,
    ):
        super().__init__(parent)
        language = current_language()
        self._items: list[SkillItem] = [item for item in framework.items if item.id not in excluded]
        areas = {area.id: area.title(language) for area in framework.areas}
        self._labels = []
        for item in self._items:
            level = levels.get(item.id)
            label = f"{areas[item.area_id]} – {item.label(language)}"
            if level:
                label += f" ({_(SKILL_LEVELS.label(level))})"
            self._labels.append(label)
        self._checked: list[str] = []

    @property
    def checked(self) -> tuple[str, ...]:
        return tuple(self._checked)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item_id = self._items[index.row()].id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._labels[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if item_id in self._checked else Qt.CheckState.Unchecked
        if role == ID_ROLE:
            return item_id
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        wanted = Qt.CheckState(value) == Qt.CheckState.Checked
        if wanted != (self._items[index.row()].id in self._checked):
            self.toggle(index.row())
        return True

    def toggle(self, row: int) -> None:
        item_id = self._items[row].id
        if item_id in self._checked:
            self._checked.remove(item_id)
        else:
            self._checked.append(item_id)
        self.dataChanged.emit(self.index(row), self.index(row))


class GoalsDialog(SavingDialog):
    """Pick skills to work on by a date; ``submitted`` carries the list of goals."""

    def __init__(
        self,
        parent: QWidget | None,
        store: Store,
        resident_id: str,
        *,
        today: date | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("goalsDialog")
        self._today = today or date.today()
        self._resident_id = resident_id
        self._framework = store.skills.current_framework()
        resident = store.residents.get(resident_id)
        open_goals = store.skills.goals(resident_id, open_only=True)
        levels = store.skills.progress(resident_id).now
        self.setWindowTitle(_("Goals of %(name)s") % {"name": resident.full_name})

        heading = QLabel(self.windowTitle())
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        heading.setWordWrap(True)
        explanation = QLabel(
            _(
                "Tick the skills %(name)s wants to work on, then choose by when. The goals "
                "show in the file and are suggested when the next session is logged."
            )
            % {"name": resident.first_name}
        )
        explanation.setWordWrap(True)
        self.current_goals = QLabel(self._describe_open_goals(open_goals))
        self.current_goals.setWordWrap(True)
        self.current_goals.setVisible(bool(open_goals))

        self.filter = QLineEdit()
        self.filter.setPlaceholderText(_("Type to find a skill, Enter to tick it"))
        self.model = SkillChoiceModel(
            self._framework, levels, frozenset(goal.item_id for goal in open_goals), self
        )
        self.proxy = FoldedFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.list = QListView()
        self.list.setObjectName("goalSkills")
        self.list.setModel(self.proxy)
        self.list.setAccessibleName(_("Skills"))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setMinimumHeight(260)
        # Wide enough for the longest skill with its area: a clipped skill is unreadable.
        self.list.setMinimumWidth(self.list.sizeHintForColumn(0) + 40)
        self.filter.textChanged.connect(self.proxy.set_filter_text)
        self.filter.returnPressed.connect(self._on_filter_return)
        self.list.activated.connect(lambda index: self._toggle(index))
        self.model.dataChanged.connect(self._update_summary)
        self.summary = QLabel()
        self.errors["item_id"] = FieldError()

        form = QFormLayout()
        skills_label = add_row(form, _("&Skills"), self.filter)
        skills_label.setBuddy(self.filter)
        self.target_date = QDateEdit()
        self.target_date.setCalendarPopup(True)
        self.target_date.setMinimumDate(to_qdate(self._today))
        self.target_date.setDate(to_qdate(self._today + timedelta(days=DEFAULT_TARGET_DAYS)))
        self.errors["target_date"] = FieldError()

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addWidget(self.current_goals)
        layout.addLayout(form)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.errors["item_id"])
        date_form = QFormLayout()
        add_row(date_form, _("&Target date"), self.target_date)
        date_form.addRow("", self.errors["target_date"])
        layout.addLayout(date_form)
        outer = QVBoxLayout(self)
        outer.addWidget(body, 1)
        outer.addWidget(self.general_error)
        outer.addLayout(self.button_row(_("&Save the goals")))
        self._update_summary()
        fit_to_screen(self, body)
        self.filter.setFocus()

    def _describe_open_goals(self, goals: Sequence[SkillGoal]) -> str:
        language = current_language()
        known = {item.id for item in self._framework.items}
        lines = [_("Goals already set:")]
        for goal in goals:
            skill = (
                self._framework.item(goal.item_id).label(language)
                if goal.item_id in known
                else goal.item_id
            )
            lines.append(
                "• "
                + _("%(skill)s, by %(date)s")
                % {"skill": skill, "date": format_date(goal.target_date)}
            )
        return "\n".join(lines)

    def _toggle(self, proxy_index: QModelIndex) -> None:
        if proxy_index.isValid():
            self.model.toggle(self.proxy.mapToSource(proxy_index).row())

    def _on_filter_return(self) -> None:
        """Enter in the filter ticks the first skill shown, then clears the filter."""
        current = self.list.currentIndex()
        self._toggle(current if current.isValid() else self.proxy.index(0, 0))
        self.filter.clear()

    def _update_summary(self, *_args: object) -> None:
        count = len(self.model.checked)
        self.summary.setText(
            ngettext("%(count)s skill ticked", "%(count)s skills ticked", count) % {"count": count}
        )

    def collect(self) -> tuple[list[SkillGoal], dict[str, Problem]]:
        target = from_qdate(self.target_date.date()).isoformat()
        goals = [
            SkillGoal(
                self._resident_id,
                self._framework.name,
                self._framework.version,
                item_id,
                target,
            )
            for item_id in self.model.checked
        ]
        problems: dict[str, Problem] = {}
        if not goals:
            problems["item_id"] = Problem(N_("Tick at least one skill to work on."))
        for goal in goals:
            problems.update(goal.problems(self._framework, self._today))
        return goals, problems
