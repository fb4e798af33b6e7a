"""A catalogue entry: title, themes, level, description, default duration, capacity,
facilitators and the EU funding shown on its sheets. The caller saves it; a capacity
below the residents already registered is refused by the store and shown here."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.validation import Problem
from mediator_app.domain.workshop import (
    MAX_CAPACITY,
    MAX_DURATION_MIN,
    WORKSHOP_LEVELS,
    Workshop,
)
from mediator_app.i18n import _
from mediator_app.ui.saving_dialog import SavingDialog
from mediator_app.ui.session_dialog import code_combo
from mediator_app.ui.theme_picker import ThemePicker
from mediator_app.ui.widgets import FieldError, add_row, fit_to_screen, scrolling


class WorkshopDialog(SavingDialog):
    """Create a workshop (``workshop`` is ``None``) or edit one; ``submitted`` carries
    the normalised ``Workshop``."""

    def __init__(self, parent: QWidget | None, workshop: Workshop | None = None):
        super().__init__(parent)
        self.setObjectName("workshopDialog")
        self._original = workshop or Workshop()
        self.setWindowTitle(_("New workshop") if workshop is None else _("Edit the workshop"))
        self._build()
        self._load(self._original)
        self.title_edit.setFocus()

    def _build(self) -> None:
        form = QFormLayout()
        self.title_edit = QLineEdit()
        self.title_edit.setMinimumWidth(320)
        self.level = code_combo(WORKSHOP_LEVELS, "debutant")
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setMaximumHeight(80)
        self.duration = QSpinBox()
        self.duration.setRange(0, MAX_DURATION_MIN)
        self.duration.setSingleStep(15)
        self.duration.setSuffix(" " + _("min"))
        self.capacity = QSpinBox()
        self.capacity.setRange(0, MAX_CAPACITY)
        self.facilitators = QPlainTextEdit()
        self.facilitators.setTabChangesFocus(True)
        self.facilitators.setMaximumHeight(80)
        self.facilitators.setPlaceholderText(_("One name per line: mediators or guest speakers"))
        for label, name, widget in (
            (_("&Title"), "title", self.title_edit),
            (_("&Level"), "level", self.level),
            (_("&Description"), "description", self.description),
            (_("Default d&uration"), "default_duration_min", self.duration),
            (_("&Capacity (places)"), "capacity", self.capacity),
            (_("&Facilitators"), "facilitators", self.facilitators),
        ):
            add_row(form, label, widget)
            self.errors[name] = FieldError()
            form.addRow("", self.errors[name])

        funding = QGroupBox(_("On the attendance sheet"))
        funding_layout = QVBoxLayout(funding)
        self.eu_funded = QCheckBox(_("Co-funded by the European Union: emble&m and statement"))
        self.erasmus = QCheckBox(_("E&rasmus+ disclaimer"))
        self.eu_funded.toggled.connect(self.erasmus.setEnabled)
        self.erasmus.setEnabled(False)
        funding_layout.addWidget(self.eu_funded)
        funding_layout.addWidget(self.erasmus)

        self.themes = ThemePicker(self)
        self.theme_filter = self.themes.filter
        self.theme_model = self.themes.model
        self.theme_list = self.themes.list
        themes = QVBoxLayout()
        self.errors["themes"] = FieldError()
        themes.addWidget(self.themes, 1)
        themes.addWidget(self.errors["themes"])

        details = QVBoxLayout()
        details.addLayout(form)
        details.addWidget(funding)
        details.addWidget(self.general_error)
        details.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(details, 3)
        columns.addLayout(themes, 2)
        body = QWidget()
        body.setLayout(columns)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(body), 1)
        layout.addLayout(self.button_row(_("&Save")))
        fit_to_screen(self, body)

    def _load(self, workshop: Workshop) -> None:
        self.title_edit.setText(workshop.title)
        self.level.setCurrentIndex(max(self.level.findData(workshop.level), 0))
        self.description.setPlainText(workshop.description)
        self.duration.setValue(workshop.default_duration_min)
        self.capacity.setValue(workshop.capacity)
        self.facilitators.setPlainText("\n".join(workshop.facilitators))
        self.eu_funded.setChecked(workshop.eu_funded)
        self.erasmus.setChecked(workshop.erasmus_disclaimer)
        self.themes.set_checked(workshop.themes)

    def current_workshop(self) -> Workshop:
        """The entry as the form shows it now (not yet validated)."""
        return replace(
            self._original,
            title=self.title_edit.text(),
            themes=self.theme_model.checked,
            level=self.level.currentData(),
            description=self.description.toPlainText(),
            default_duration_min=self.duration.value(),
            capacity=self.capacity.value(),
            facilitators=tuple(self.facilitators.toPlainText().splitlines()),
            eu_funded=self.eu_funded.isChecked(),
            erasmus_disclaimer=self.eu_funded.isChecked() and self.erasmus.isChecked(),
        )

    def collect(self) -> tuple[Workshop, dict[str, Problem]]:
        workshop = self.current_workshop().normalised()
        return workshop, workshop.problems()
