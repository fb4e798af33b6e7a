"""The skills diagnostic and re-assessment: a mediator rates each skill of the framework
with a resident, all by keyboard.

One row per skill, grouped under its area. On the highlighted skill: 1 to 4 set a level
(not yet, with guidance, with help when needed, autonomous) and move to the next skill;
0, Space or Delete skip it (no level) and move on; ``=`` keeps the level of last time
and moves on; Enter moves on without a change; Up and Down move. On a French AZERTY
keyboard the unshifted keys of the top row (& é " ' and à) work as 1 to 4 and 0.
Ctrl+Enter or Ctrl+S saves; Esc asks before dropping levels that are set.

The dialog never writes: it checks the assessment and hands it to its caller, which
saves it (``skills_actions``); a refused assessment is explained in the dialog, which
stays open.

The parts live beside it: the skills and their levels in ``diagnostic_model``, the keys
in ``diagnostic_keys``, the table, its level list and the moves of its highlight in
``diagnostic_table``. The dialog builds the screen, wires them, and checks and hands
over the assessment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.skills import SKILL_LEVELS, SkillAssessment
from mediator_app.domain.validation import Problem, ValidationError
from mediator_app.i18n import _, current_language, format_date, ngettext
from mediator_app.store import Store
from mediator_app.ui.diagnostic_keys import (
    AZERTY_TEXTS,
    LEVEL_KEYS,
    NEXT,
    OTHER_KEYS,
    PREVIOUS,
    SAME_AS_LAST,
    SKIP,
    LevelKeys,
)
from mediator_app.ui.diagnostic_model import (
    AREA_ROLE,
    LEVEL_ROLE,
    DiagnosticModel,
    LastRating,
    SkillFilterProxy,
    last_ratings,
    level_bar,
    level_text,
)
from mediator_app.ui.diagnostic_table import ROW_HEIGHT, LevelDelegate, SkillTable
from mediator_app.ui.session_dialog import from_qdate, to_qdate
from mediator_app.ui.widgets import FieldError, explain_failure, fit_to_screen

# The names this module has always offered, now made beside it.
__all__ = [
    "AREA_ROLE",
    "AZERTY_TEXTS",
    "LEVEL_KEYS",
    "LEVEL_ROLE",
    "NEXT",
    "OTHER_KEYS",
    "PREVIOUS",
    "ROW_HEIGHT",
    "SAME_AS_LAST",
    "SKIP",
    "DiagnosticDialog",
    "DiagnosticModel",
    "LastRating",
    "LevelDelegate",
    "SkillFilterProxy",
    "last_ratings",
    "level_bar",
    "level_text",
]


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
        self.table.show_spans()
        self.table.move_to(self.table.next_item_row(-1, 1))
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

    def _build_table(self) -> SkillTable:
        self.table = SkillTable(self.proxy)
        self.delegate = self.table.delegate
        # A first diagnostic has nothing to show there.
        self.table.setColumnHidden(DiagnosticModel.LAST_COLUMN, not self.model.has_rated_before())
        self._keys = LevelKeys(self.table, self)
        self._keys.triggered.connect(self.apply)
        return self.table

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

    # The highlighted skill -------------------------------------------------------------

    def apply(self, action: str) -> None:
        """Do on the highlighted skill what a key does: set a level (its code), ``SKIP``,
        ``SAME_AS_LAST``, or move (``NEXT``, ``PREVIOUS``). Setting moves on."""
        row = self.table.current_row()
        if row < 0:
            return
        if action == PREVIOUS:
            self.table.move_to(self.table.next_item_row(row, -1))
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
        self.table.move_to(self.table.next_item_row(row, 1))

    def current_item_id(self) -> str | None:
        """The id of the highlighted skill."""
        return self.table.current_item_id()

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
        self.table.show_spans()
        # The scroll range follows the new rows at once, so the highlight can be shown.
        self.table.updateGeometries()
        source_row = self.model.row_of(item_id) if item_id else None
        shown = (
            self.proxy.mapFromSource(self.model.index(source_row, 0))
            if source_row is not None
            else QModelIndex()
        )
        self.table.move_to(
            shown.row() if shown.isValid() else self.table.next_item_row(-1, 1),
            QAbstractItemView.ScrollHint.PositionAtCenter,
        )
