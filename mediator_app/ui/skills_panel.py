"""The digital-skills part of a resident's file: levels per area at the first assessment
and now, a chart of the levels over time, the skills gained and the goals, with the
actions that change them (assess, set goals, mark one achieved, print the passport)."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.skills import SKILL_LEVELS, Framework, SkillGoal
from mediator_app.domain.validation import ValidationError
from mediator_app.i18n import N_, _, current_language, format_date, ngettext
from mediator_app.store import Store
from mediator_app.store.skills import Progress
from mediator_app.ui.charts import ChartSeries, ProgressLineChart
from mediator_app.ui.models import ID_ROLE, AnyIndex, ColumnsTableModel
from mediator_app.ui.widgets import WARNING_SIGN, fit_columns_to_headers

#: Beyond a handful, observations would push the levels out of sight.
MAX_OBSERVATIONS_SHOWN = 4


def skill_bar(score: float) -> str:
    """A level from 0 (not yet) to 3 (autonomous) as four boxes, filled to the level:
    readable without colour, like the passport's bar."""
    filled = round(score) + 1
    return "■" * filled + "□" * (4 - filled)


def level_labels() -> list[str]:
    """The four levels in the UI language, lowest first."""
    return [_(label) for _code, label in SKILL_LEVELS]


def progress_series(progress: Progress, language: str) -> list[ChartSeries]:
    """One line per area that was ever rated: its level on each assessment day."""
    series = []
    for area in progress.framework.areas:
        points = tuple(
            (date.fromisoformat(point.day), score)
            for point in progress.timeline
            if (score := point.scores.get(area.id)) is not None
        )
        if points:
            series.append(ChartSeries(area.title(language), points))
    return series


class GoalsModel(ColumnsTableModel):
    """A resident's goals: open ones first, nearest target first."""

    COLUMNS = (N_("Skill"), N_("Target date"), N_("Achieved on"))

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._goals: list[SkillGoal] = []
        self._labels: list[str] = []

    def set_goals(self, goals: list[SkillGoal], framework: Framework) -> None:
        language = current_language()
        known = {item.id for item in framework.items}
        self.beginResetModel()
        self._goals = sorted(goals, key=lambda goal: (goal.achieved_on is not None,
                                                      goal.target_date))  # fmt: skip
        self._labels = [
            framework.item(goal.item_id).label(language) if goal.item_id in known
            else goal.item_id
            for goal in self._goals
        ]  # fmt: skip
        self.endResetModel()

    def goal(self, row: int) -> SkillGoal | None:
        return self._goals[row] if 0 <= row < len(self._goals) else None

    def row_total(self) -> int:
        return len(self._goals)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        goal = self.goal(index.row()) if index.isValid() else None
        if goal is None:
            return None
        if role == ID_ROLE:
            return goal.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if index.column() == 0:
                return self._labels[index.row()]
            if index.column() == 1:
                return format_date(goal.target_date)
            return format_date(goal.achieved_on) if goal.achieved_on else "—"
        if role == Qt.ItemDataRole.ForegroundRole and goal.achieved_on is None:
            overdue = goal.target_date < date.today().isoformat()
            return Qt.GlobalColor.darkRed if overdue and index.column() == 1 else None
        return None


class SkillsPanel(QWidget):
    """Shows one resident's skills; asks the window to act through its signals."""

    assess_requested = Signal()
    goals_requested = Signal()
    goal_achieved_requested = Signal(str)
    goal_removal_requested = Signal(str)
    passport_requested = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("skillsPanel")
        self._store = store
        self.summary = QLabel()
        self.summary.setObjectName("residentSkills")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.chart = ProgressLineChart()
        self.chart.setObjectName("progressChart")
        self.chart.setAccessibleName(_("Digital skills over time"))

        # No mnemonics here: the window's shortcuts (in the tooltips) do the same.
        self.assess_button = QPushButton(_("Assess the skills…"))
        self.goals_button = QPushButton(_("Set goals…"))
        self.passport_button = QPushButton(_("Digital passport…"))
        for button, signal, keys in (
            (self.assess_button, self.assess_requested, "Ctrl+Shift+A"),
            (self.goals_button, self.goals_requested, "Ctrl+Shift+G"),
            (self.passport_button, self.passport_requested, "Ctrl+Shift+P"),
        ):
            button.setAutoDefault(False)
            button.setToolTip(QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText))
            button.clicked.connect(signal)

        self.goals_model = GoalsModel(self)
        self.goals = QTableView()
        self.goals.setObjectName("goalsTable")
        self.goals.setModel(self.goals_model)
        self.goals.setAccessibleName(_("Goals"))
        self.goals.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.goals.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.goals.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.goals.verticalHeader().hide()
        self.goals.setWordWrap(False)
        header = self.goals.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        fit_columns_to_headers(self.goals, (240, 110, 110))
        self.achieved_button = QPushButton(_("Mark as achieved"))
        self.achieved_button.setToolTip(_("Ctrl+K in the list of goals"))
        self.achieved_button.setAutoDefault(False)
        self.achieved_button.clicked.connect(self._on_achieved)
        self._add_goal_actions()
        self.goals.selectionModel().currentChanged.connect(self._update_goal_buttons)

        buttons = QHBoxLayout()
        buttons.addWidget(self.assess_button)
        buttons.addWidget(self.goals_button)
        buttons.addWidget(self.passport_button)
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.summary, 2)
        top.addWidget(self.chart, 3)
        goals_row = QHBoxLayout()
        goals_row.addWidget(self.goals, 1)
        goal_buttons = QVBoxLayout()
        goal_buttons.addWidget(self.achieved_button)
        goal_buttons.addStretch(1)
        goals_row.addLayout(goal_buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(top, 3)
        layout.addLayout(goals_row, 2)

    def _add_goal_actions(self) -> None:
        self.goals.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for text, shortcut, slot in (
            (_("Mark as achieved"), QKeySequence("Ctrl+K"), self._on_achieved),
            (_("Remove the goal…"), QKeySequence(QKeySequence.StandardKey.Delete),
             self._on_remove),
        ):  # fmt: skip
            action = QAction(text, self.goals)
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.goals.addAction(action)

    def show_resident(self, resident_id: str | None) -> bool:
        """Fill the panel for ``resident_id``; returns whether there is anything to show
        (an assessment, an observation or a goal)."""
        for widget in (self.assess_button, self.goals_button, self.passport_button):
            widget.setEnabled(resident_id is not None)
        if resident_id is None:
            self.summary.clear()
            self.chart.set_data([], level_labels())
            self.goals_model.set_goals([], self._store.skills.current_framework())
            self._update_goal_buttons()
            return False
        try:
            progress = self._store.skills.progress(resident_id)
        except ValidationError as error:  # an assessment of a framework not known here
            self.summary.setText(f"{WARNING_SIGN} " + error.problems["framework"].render(_))
            self.chart.set_data([], level_labels())
            return True
        goals = self._store.skills.goals(resident_id)
        self.goals_model.set_goals(goals, progress.framework)
        self._update_goal_buttons()
        self.summary.setText(self._summary_text(progress, goals))
        self.chart.set_data(progress_series(progress, current_language()), level_labels())
        return bool(progress.assessments or goals)

    def _summary_text(self, progress: Progress, goals: list[SkillGoal]) -> str:
        """Rich text: a table of levels per area (first assessment → now), then counts.
        Every text from data is escaped."""
        paragraphs = [f"<p>{escape(line)}</p>" for line in self._heading_lines(progress)]
        rows = self._area_rows(progress)
        if rows:
            paragraphs.insert(1, f"<table cellspacing='0' cellpadding='2'>{''.join(rows)}</table>")
        observed = self._observed_lines(progress)
        if observed:
            paragraphs.append(
                "<p>"
                + escape(_("Seen in sessions (observed, not assessed):"))
                + "<br>"
                + "<br>".join(f"• {escape(line)}" for line in observed)
                + "</p>"
            )
        open_goals = sum(1 for goal in goals if goal.achieved_on is None)
        if open_goals:
            paragraphs.append(
                "<p>"
                + escape(
                    ngettext("%(count)s goal to reach", "%(count)s goals to reach", open_goals)
                    % {"count": open_goals}
                )
                + "</p>"
            )
        return "".join(paragraphs)

    @staticmethod
    def _observed_lines(progress: Progress) -> list[str]:
        """What sessions showed that the assessments do not say yet (a skill never
        assessed, or seen at another level), newest first: kept apart from the levels
        assessed, as the mediator did not rate them."""
        language = current_language()
        known = {item.id for item in progress.framework.items}
        news = sorted(
            (
                observation
                for observation in progress.observed.values()
                if observation.item_id in known
                and progress.now.get(observation.item_id) != observation.level
            ),
            key=lambda observation: observation.observed_on,
            reverse=True,
        )
        return [
            _("%(skill)s: %(level)s (%(date)s)")
            % {
                "skill": progress.framework.item(observation.item_id).label(language),
                "level": _(SKILL_LEVELS.label(observation.level)),
                "date": format_date(observation.observed_on),
            }
            for observation in news[:MAX_OBSERVATIONS_SHOWN]
        ]

    @staticmethod
    def _heading_lines(progress: Progress) -> list[str]:
        if not progress.assessments:
            return [
                _(
                    "No assessment yet. Start with a diagnostic: press “Assess the skills”, "
                    "then rate each skill by keyboard."
                )
            ]
        lines = [
            ngettext(
                "Digital skills (%(count)s assessment):",
                "Digital skills (%(count)s assessments):",
                progress.assessments,
            )
            % {"count": progress.assessments}
        ]
        if progress.gained:
            lines.append(
                ngettext("%(count)s skill gained", "%(count)s skills gained", len(progress.gained))
                % {"count": len(progress.gained)}
            )
        return lines

    @staticmethod
    def _area_rows(progress: Progress) -> list[str]:
        language = current_language()
        rows = []
        for area in progress.framework.areas:
            now = progress.now_scores[area.id]
            if now is None:
                continue
            first = progress.first_scores[area.id]
            levels = skill_bar(now) if first is None else f"{skill_bar(first)} → {skill_bar(now)}"
            rows.append(
                f"<tr><td>{escape(area.title(language))}</td>"
                f"<td style='white-space: nowrap'>{levels}</td></tr>"
            )
        return rows

    def selected_goal(self) -> SkillGoal | None:
        index = self.goals.currentIndex()
        return self.goals_model.goal(index.row()) if index.isValid() else None

    def _update_goal_buttons(self, *_args: object) -> None:
        goal = self.selected_goal()
        self.achieved_button.setEnabled(goal is not None and goal.achieved_on is None)

    def _on_achieved(self) -> None:
        goal = self.selected_goal()
        if goal is not None and goal.achieved_on is None:
            self.goal_achieved_requested.emit(goal.id)

    def _on_remove(self) -> None:
        goal = self.selected_goal()
        if goal is not None:
            self.goal_removal_requested.emit(goal.id)
