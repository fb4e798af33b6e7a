"""The session form: a typical session is logged in a few key presses.

Keys: type part of a theme and press Enter to tick it; Alt+1…Alt+6 pick a duration
(15…120 min); Ctrl+1…Ctrl+3 pick the autonomy level; Ctrl+Enter saves; Esc cancels.
The dialog only builds and validates a ``SupportSession``; the caller saves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.codes import (
    ADMIN_HELP_THEME,
    ADMIN_THEMES,
    AGE_BANDS,
    AUTONOMY_LEVELS,
    AUTONOMY_STARS,
    DEVICES,
    DURATION_QUICK_PICKS_MIN,
    GENDERS,
    PLACE_TYPES,
    REFERRAL_STRUCTURES,
    SOCIAL_STATUSES,
    CodeList,
)
from mediator_app.domain.session import MAX_DURATION_MIN, SupportSession
from mediator_app.domain.validation import Problem
from mediator_app.i18n import _, format_date, format_duration
from mediator_app.ui.models import CodeChoiceModel
from mediator_app.ui.theme_picker import ThemePicker
from mediator_app.ui.widgets import (
    WARNING_SIGN,
    FieldError,
    PasswordWarning,
    add_row,
    fit_to_screen,
    scrolling,
)

FOLLOW_UP_DEFAULT_DAYS = 7
NOTES_WARNING_STYLE = "background: #fff4ce; color: #3b2f00; padding: 4px; border-radius: 3px;"


@dataclass(frozen=True)
class GoalChoice:
    """An open goal of the resident, as the session form suggests it."""

    goal_id: str
    label: str
    target_date: str
    #: La Coop themes whose sessions work on this goal's skill.
    themes: frozenset[str]


def code_combo(code_list: CodeList, current: str | None, allow_empty: bool = False) -> QComboBox:
    """A combo box of a code list's labels, holding each code as item data."""
    combo = QComboBox()
    if allow_empty:
        combo.addItem(_("Not given"), None)
    for code, label in code_list:
        combo.addItem(_(label), code)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    return combo


def _checkbox_row(check: QCheckBox, field: QWidget) -> QWidget:
    """A check box and the field it enables, side by side across the whole form."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(check)
    layout.addWidget(field, 1)
    return row


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class SessionDialog(QDialog):
    """Log a new session (``session`` is ``None``) or edit one."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        resident_id: str | None,
        resident_name: str,
        session: SupportSession | None = None,
        today: date | None = None,
        goals: Sequence[GoalChoice] = (),
        procedures: Sequence[str] = (),
    ):
        super().__init__(parent)
        self._today = today or date.today()
        self._goals = tuple(goals)
        self._procedures = tuple(procedures)
        self._original = session or SupportSession(
            date=self._today.isoformat(), duration_min=0, resident_id=resident_id
        )
        self._resident_id = resident_id
        self._result: SupportSession | None = None
        self.setObjectName("sessionDialog")
        if resident_id is None:
            title = _("Anonymous visit")
        else:
            title = _("Session with %(name)s") % {"name": resident_name}
        self.setWindowTitle(title)
        self._build(title)
        self._load(self._original)
        self.theme_filter.setFocus()

    # Building -------------------------------------------------------------------------

    def _build(self, title: str) -> None:
        heading = QLabel(title)
        heading.setObjectName("dialogHeading")
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        heading.setWordWrap(True)

        columns = QHBoxLayout()
        columns.addLayout(self._build_themes_column(), 2)
        columns.addLayout(self._build_details_column(), 3)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(heading)
        if self._resident_id is None:
            body_layout.addWidget(self._build_profile_box())
        if self._goals:
            body_layout.addWidget(self._build_goals_box())
        body_layout.addLayout(columns)
        scroll = scrolling(body)

        self.other_error = FieldError()
        self.save_button = QPushButton(_("&Save"))
        self.save_button.setToolTip(_("Save the session (Ctrl+Enter)"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.accept)
        cancel = QPushButton(_("Cancel"))
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(_("Ctrl+Enter saves, Esc cancels.")))
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.other_error)
        layout.addLayout(buttons)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=self.accept)
        fit_to_screen(self, body)

    def _build_profile_box(self) -> QGroupBox:
        box = QGroupBox(_("Profile of the anonymous visitor"))
        form = QFormLayout(box)
        self.anon_gender = code_combo(GENDERS, None, allow_empty=True)
        self.anon_age_band = code_combo(AGE_BANDS, None, allow_empty=True)
        self.anon_status = code_combo(SOCIAL_STATUSES, None, allow_empty=True)
        self.anon_commune = QLineEdit()
        add_row(form, _("&Gender"), self.anon_gender)
        add_row(form, _("Age &band"), self.anon_age_band)
        add_row(form, _("S&tatus"), self.anon_status)
        add_row(form, _("Co&mmune"), self.anon_commune)
        return box

    def _build_goals_box(self) -> QGroupBox:
        """The resident's open goals: the ones this session's themes work on are
        pointed out, and each can be ticked as achieved today."""
        box = QGroupBox(_("Goals to work on"))
        box.setObjectName("sessionGoals")
        layout = QGridLayout(box)
        self.goal_checks: dict[str, QCheckBox] = {}
        self._goal_hints: dict[str, QLabel] = {}
        for row, goal in enumerate(self._goals):
            check = QCheckBox(
                _("%(skill)s (by %(date)s)")
                % {"skill": goal.label, "date": format_date(goal.target_date)}
            )
            check.setToolTip(_("Tick it when the resident reached this goal in this session"))
            hint = QLabel()
            hint.setObjectName("goalHint")
            layout.addWidget(check, row, 0)
            layout.addWidget(hint, row, 1)
            self.goal_checks[goal.goal_id] = check
            self._goal_hints[goal.goal_id] = hint
        layout.addWidget(QLabel(_("Tick a goal the resident reached today.")), len(self._goals), 0)
        layout.setColumnStretch(0, 1)
        return box

    @property
    def achieved_goal_ids(self) -> tuple[str, ...]:
        """The goals ticked as reached in this session."""
        if not self._goals:
            return ()
        return tuple(goal_id for goal_id, check in self.goal_checks.items() if check.isChecked())

    def _build_themes_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        self.themes = ThemePicker(self, minimum_width=320)
        self.theme_filter = self.themes.filter
        self.theme_model = self.themes.model
        self.theme_list = self.themes.list
        self.themes.changed.connect(self._on_themes_changed)
        self.themes_error = FieldError()

        self.admin_box = QGroupBox(_("Administrative procedure"))
        admin_layout = QVBoxLayout(self.admin_box)
        self.admin_model = CodeChoiceModel(ADMIN_THEMES, self)
        self.admin_list = QListView()
        self.admin_list.setModel(self.admin_model)
        self.admin_list.setAccessibleName(_("Administrative themes"))
        self.admin_list.setMaximumHeight(150)
        self.procedure = QLineEdit()
        self.procedure.setPlaceholderText(_("e.g. CAF – housing benefit"))
        if self._procedures:
            # The country's common procedures, found by any part of their name.
            completer = QCompleter(list(self._procedures), self.procedure)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.procedure.setCompleter(completer)
        procedure_form = QFormLayout()
        add_row(procedure_form, _("Name of the proc&edure"), self.procedure)
        admin_layout.addWidget(self.admin_list)
        admin_layout.addLayout(procedure_form)

        column.addWidget(self.themes, 1)
        column.addWidget(self.themes_error)
        column.addWidget(self.admin_box)
        return column

    def _build_details_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        form = QFormLayout()
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMaximumDate(to_qdate(self._today))
        add_row(form, _("&Date"), self.date_edit)
        self.date_error = FieldError()
        form.addRow("", self.date_error)

        duration_row = QWidget()
        duration_layout = QGridLayout(duration_row)
        duration_layout.setContentsMargins(0, 0, 0, 0)
        self.duration_buttons = QButtonGroup(self)
        self.duration_buttons.setExclusive(False)
        for position, minutes in enumerate(DURATION_QUICK_PICKS_MIN):
            button = QPushButton(format_duration(minutes))
            button.setCheckable(True)
            button.setAutoDefault(False)
            QShortcut(QKeySequence(f"Alt+{position + 1}"), self, activated=button.click)
            button.setToolTip(_("Alt+%(key)s") % {"key": position + 1})
            button.setAccessibleName(
                _("Duration %(duration)s") % {"duration": format_duration(minutes)}
            )
            self.duration_buttons.addButton(button, minutes)
            duration_layout.addWidget(button, 0, position)
        self.duration_buttons.idClicked.connect(self._on_duration_picked)
        self.duration_spin = QSpinBox()
        self.duration_spin.setRange(0, MAX_DURATION_MIN)
        self.duration_spin.setSingleStep(5)
        self.duration_spin.setSuffix(" " + _("min"))
        self.duration_spin.setSpecialValueText("—")
        self.duration_spin.valueChanged.connect(self._on_duration_changed)
        duration_layout.addWidget(QLabel(_("or")), 1, 0)
        duration_layout.addWidget(self.duration_spin, 1, 1, 1, 2)
        duration_hint = QLabel(_("Keys: Alt+1 to Alt+6"))
        duration_hint.setEnabled(False)
        duration_hint.setWordWrap(True)
        duration_layout.addWidget(duration_hint, 1, 3, 1, 3)
        add_row(form, _("D&uration"), duration_row)
        self.duration_spin.setAccessibleName(_("Duration in minutes"))
        self.duration_error = FieldError()
        form.addRow("", self.duration_error)

        autonomy_row = QWidget()
        autonomy_layout = QVBoxLayout(autonomy_row)
        autonomy_layout.setContentsMargins(0, 0, 0, 0)
        self.autonomy_buttons = QButtonGroup(self)
        self.autonomy_buttons.setExclusive(False)
        self._autonomy_codes = list(AUTONOMY_LEVELS.codes)
        for position, (code, label) in enumerate(AUTONOMY_LEVELS):
            button = QPushButton(f"{AUTONOMY_STARS[code]} {_(label)}")
            button.setCheckable(True)
            button.setAutoDefault(False)
            QShortcut(QKeySequence(f"Ctrl+{position + 1}"), self, activated=button.click)
            button.setToolTip(_("Ctrl+%(key)s") % {"key": position + 1})
            button.setAccessibleName(_(label))
            self.autonomy_buttons.addButton(button, position)
            autonomy_layout.addWidget(button)
        self.autonomy_buttons.idClicked.connect(self._on_autonomy_picked)
        add_row(form, _("Autonom&y"), autonomy_row)
        autonomy_hint = QLabel(_("Keys: Ctrl+1 to Ctrl+3; the same key again clears it"))
        autonomy_hint.setWordWrap(True)
        autonomy_hint.setEnabled(False)
        form.addRow("", autonomy_hint)

        self.place_combo = code_combo(PLACE_TYPES, "lieu_activite")
        add_row(form, _("&Place"), self.place_combo)
        self.device_combo = code_combo(DEVICES, "ordinateur")
        add_row(form, _("De&vice used"), self.device_combo)

        self.referred_check = QCheckBox(_("&Referred to another structure"))
        self.referral_combo = code_combo(REFERRAL_STRUCTURES, None)
        self.referral_combo.setAccessibleName(_("Structure"))
        self.referred_check.toggled.connect(self.referral_combo.setEnabled)
        self.referral_combo.setEnabled(False)
        form.addRow(_checkbox_row(self.referred_check, self.referral_combo))
        self.referral_error = FieldError()
        form.addRow("", self.referral_error)

        self.follow_up_check = QCheckBox(_("&Follow-up needed on"))
        self.follow_up_date = QDateEdit()
        self.follow_up_date.setCalendarPopup(True)
        self.follow_up_date.setAccessibleName(_("Follow-up date"))
        self.follow_up_date.setDate(to_qdate(self._today + timedelta(days=FOLLOW_UP_DEFAULT_DAYS)))
        self.follow_up_check.toggled.connect(self.follow_up_date.setEnabled)
        self.follow_up_date.setEnabled(False)
        form.addRow(_checkbox_row(self.follow_up_check, self.follow_up_date))
        self.follow_up_error = FieldError()
        form.addRow("", self.follow_up_error)

        notes_label = QLabel(_("&Notes"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName(_("Notes"))
        self.notes.setMaximumHeight(90)
        notes_label.setBuddy(self.notes)
        warning = QLabel(
            WARNING_SIGN
            + " "
            + _(
                "Only what helps the next session. No health, social or family "
                "circumstances; never a password."
            )
        )
        warning.setObjectName("notesWarning")
        warning.setWordWrap(True)
        warning.setStyleSheet(NOTES_WARNING_STYLE)
        self.notes_error = FieldError()

        column.addLayout(form)
        column.addWidget(notes_label)
        column.addWidget(self.notes)
        column.addWidget(warning)
        self.password_warning = PasswordWarning(self.notes)
        column.addWidget(self.password_warning)
        column.addWidget(self.notes_error)
        column.addStretch(1)
        return column

    # Loading and reading --------------------------------------------------------------

    def _load(self, session: SupportSession) -> None:
        self.date_edit.setDate(to_qdate(date.fromisoformat(session.date)))
        self.duration_spin.setValue(session.duration_min)
        self.themes.set_checked(session.themes)
        self.admin_model.set_checked(session.admin_themes)
        self.procedure.setText(session.procedure)
        for position, code in enumerate(self._autonomy_codes):
            self.autonomy_buttons.button(position).setChecked(code == session.autonomy)
        self.place_combo.setCurrentIndex(max(self.place_combo.findData(session.place_type), 0))
        self.device_combo.setCurrentIndex(max(self.device_combo.findData(session.device), 0))
        self.referred_check.setChecked(session.referred)
        if session.referral_to:
            self.referral_combo.setCurrentIndex(
                max(self.referral_combo.findData(session.referral_to), 0)
            )
        self.follow_up_check.setChecked(session.follow_up_needed)
        if session.follow_up_date:
            self.follow_up_date.setDate(to_qdate(date.fromisoformat(session.follow_up_date)))
        self.notes.setPlainText(session.notes)
        if self._resident_id is None:
            for combo, value in (
                (self.anon_gender, session.anon_gender),
                (self.anon_age_band, session.anon_age_band),
                (self.anon_status, session.anon_social_status),
            ):
                combo.setCurrentIndex(max(combo.findData(value), 0))
            self.anon_commune.setText(session.anon_commune)
        self._on_themes_changed()

    def current_session(self) -> SupportSession:
        """The session as the form shows it now (not yet validated)."""
        checked_autonomy = self.autonomy_buttons.checkedId()
        values = {
            "date": from_qdate(self.date_edit.date()).isoformat(),
            "duration_min": self.duration_spin.value(),
            "themes": self.theme_model.checked,
            "admin_themes": self.admin_model.checked,
            "procedure": self.procedure.text(),
            "autonomy": self._autonomy_codes[checked_autonomy] if checked_autonomy >= 0 else None,
            "place_type": self.place_combo.currentData(),
            "device": self.device_combo.currentData(),
            "referred": self.referred_check.isChecked(),
            "referral_to": self.referral_combo.currentData(),
            "follow_up_needed": self.follow_up_check.isChecked(),
            "follow_up_date": from_qdate(self.follow_up_date.date()).isoformat(),
            "notes": self.notes.toPlainText(),
            "resident_id": self._resident_id,
        }
        if self._resident_id is None:
            values.update(
                anon_gender=self.anon_gender.currentData(),
                anon_age_band=self.anon_age_band.currentData(),
                anon_social_status=self.anon_status.currentData(),
                anon_commune=self.anon_commune.text(),
            )
        return replace(self._original, **values)

    @property
    def result_session(self) -> SupportSession | None:
        """The validated session, once the dialog was accepted."""
        return self._result

    def accept(self) -> None:
        session = self.current_session().normalised()
        problems = session.problems(self._today)
        self._show_problems(problems)
        if problems:
            return
        self._result = session
        super().accept()

    def _show_problems(self, problems: dict[str, Problem]) -> None:
        self.date_error.show_problem(problems.get("date"))
        self.duration_error.show_problem(problems.get("duration_min"))
        self.themes_error.show_problem(problems.get("themes") or problems.get("admin_themes"))
        self.referral_error.show_problem(problems.get("referral_to"))
        self.follow_up_error.show_problem(problems.get("follow_up_date"))
        self.notes_error.show_problem(problems.get("notes"))
        shown = {"date", "duration_min", "themes", "admin_themes", "referral_to",
                 "follow_up_date", "notes"}  # fmt: skip
        # Any other problem (a profile or a list value) is said here, never silently.
        others = [problem for name, problem in problems.items() if name not in shown]
        self.other_error.show_problem(others[0] if others else None)

    # Slots -----------------------------------------------------------------------------

    def _on_themes_changed(self) -> None:
        self.admin_box.setVisible(ADMIN_HELP_THEME in self.themes.checked)
        checked = set(self.themes.checked)
        for goal in self._goals:
            worked_on = bool(goal.themes & checked)
            self._goal_hints[goal.goal_id].setText(
                "✓ " + _("this session works on it") if worked_on else ""
            )

    def _on_duration_picked(self, minutes: int) -> None:
        self.duration_spin.setValue(minutes)
        self._on_duration_changed(minutes)

    def _on_duration_changed(self, minutes: int) -> None:
        for button in self.duration_buttons.buttons():
            button.setChecked(self.duration_buttons.id(button) == minutes)

    def _on_autonomy_picked(self, position: int) -> None:
        """Keep one level at most; clicking the chosen level again clears it."""
        clicked = self.autonomy_buttons.button(position)
        for button in self.autonomy_buttons.buttons():
            if button is not clicked:
                button.setChecked(False)
