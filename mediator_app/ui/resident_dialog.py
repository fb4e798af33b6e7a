"""The resident form: minimal data, consent first, probable duplicates shown before a new
record is saved. The dialog validates; the caller saves.

Consent is recorded with the version of the information text in force and the language
it was shown in: "Show the information text…" opens it (and the form to print) in the
resident's language, and the language shown becomes the one recorded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.codes import GENDERS, SOCIAL_STATUSES
from mediator_app.domain.consent import ConsentTextError, ConsentTexts
from mediator_app.domain.resident import CONSENT_TEXT_VERSION, NAME_MAX_CHARS, Consent, Resident
from mediator_app.domain.validation import Problem
from mediator_app.i18n import N_, _, format_date
from mediator_app.store.residents import ProbableDuplicate
from mediator_app.ui.consent_dialog import ConsentTextDialog, installed_consent_texts
from mediator_app.ui.session_dialog import NOTES_WARNING_STYLE, code_combo
from mediator_app.ui.widgets import (
    WARNING_SIGN,
    FieldError,
    PasswordWarning,
    add_row,
    fit_to_screen,
    scrolling,
)

#: Languages a resident may prefer for printed documents.
RESIDENT_LANGUAGES = {"fr": "Français", "en": "English", "es": "Español",
                      "it": "Italiano", "pt": "Português"}  # fmt: skip


class ResidentDialog(QDialog):
    """Create a resident (``resident`` is ``None``) or edit one.

    ``find_duplicates`` returns the probable duplicates of a record; for a new resident
    they are shown before saving. After ``exec()``, either ``result_resident`` holds the
    validated record, or ``open_existing_id`` the duplicate the mediator chose to open.

    ``language`` is the centre's; ``centre_name`` is printed on the consent form and
    named in the information text. ``texts`` are the installed versions of the text
    unless given.
    """

    def __init__(
        self,
        parent: QWidget | None,
        *,
        find_duplicates,
        resident: Resident | None = None,
        collected_by: str = "",
        language: str = "fr",
        centre_name: str = "",
        today: date | None = None,
        texts: ConsentTexts | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("residentDialog")
        self._today = today or date.today()
        self._find_duplicates = find_duplicates
        self._original = resident or Resident()
        self._is_new = resident is None
        self._collected_by = collected_by
        self._language = language
        self._centre_name = centre_name
        self._texts = texts
        if self._texts is None:
            try:
                self._texts = installed_consent_texts()
            except ConsentTextError:
                self._texts = None  # a broken installation: the version id still records
        #: The version of the information text recorded with a consent given now.
        self.consent_version = (
            self._texts.current(self._today).version if self._texts else CONSENT_TEXT_VERSION
        )
        self.consent_text_dialog: ConsentTextDialog | None = None
        self._duplicates_acknowledged = False
        self.result_resident: Resident | None = None
        self.open_existing_id: str | None = None
        self.setWindowTitle(_("New resident") if self._is_new else _("Edit the resident's file"))
        self._build()
        self._load(self._original)
        self.first_name.setFocus()

    def _build(self) -> None:
        form = QFormLayout()
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.birth_year = QLineEdit()
        self.birth_year.setMaxLength(4)
        self.first_name.setMaxLength(NAME_MAX_CHARS)
        self.last_name.setMaxLength(NAME_MAX_CHARS)
        self.birth_year.setPlaceholderText(_("e.g. 1958 (the year only)"))
        self.gender = code_combo(GENDERS, "non_communique")
        self.status = code_combo(SOCIAL_STATUSES, "non_communique")
        self.commune = QLineEdit()
        self.postcode = QLineEdit()
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.language = QComboBox()
        self.language.addItem(_("No preference"), "")
        for code, name in RESIDENT_LANGUAGES.items():
            self.language.addItem(name, code)
        self.errors: dict[str, FieldError] = {}
        for label, name, widget in (
            (_("&First name"), "first_name", self.first_name),
            (_("&Last name"), "last_name", self.last_name),
            (_("&Year of birth"), "birth_year", self.birth_year),
            (_("&Gender"), "gender", self.gender),
            (_("S&tatus"), "social_status", self.status),
            (_("Co&mmune"), "commune", self.commune),
            (_("Post&code"), "postcode", self.postcode),
            (_("&Phone"), "phone", self.phone),
            (_("&E-mail"), "email", self.email),
            (_("Preferred langu&age"), "language", self.language),
        ):
            add_row(form, label, widget)
            widget.setMinimumWidth(280)
            self.errors[name] = FieldError()
            form.addRow("", self.errors[name])

        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(70)
        add_row(form, _("&Notes"), self.notes)
        warning = QLabel(
            WARNING_SIGN
            + " "
            + _(
                "No health, social or family circumstances in notes; never a password "
                "or a login of an online service."
            )
        )
        warning.setWordWrap(True)
        warning.setStyleSheet(NOTES_WARNING_STYLE)
        form.addRow("", warning)
        self.password_warning = PasswordWarning(self.notes)
        form.addRow("", self.password_warning)
        self.errors["notes"] = FieldError()
        form.addRow("", self.errors["notes"])

        consent_box = QGroupBox(_("Consent"))
        consent_box.setMinimumWidth(380)
        consent_layout = QVBoxLayout(consent_box)
        consent_text = QLabel(
            _(
                "The resident has been given the information text (version %(version)s) "
                "and agrees that these details are kept to help them."
            )
            % {"version": self.consent_version}
        )
        consent_text.setWordWrap(True)
        self.show_text_button = QPushButton(_("S&how the information text…"))
        self.show_text_button.setAutoDefault(False)
        self.show_text_button.setEnabled(self._texts is not None)
        self.show_text_button.clicked.connect(self._on_show_text)
        self.consent_check = QCheckBox(_("Consent g&iven"))
        self.consent_check.setAccessibleDescription(consent_text.text())
        self.renew_check = QCheckBox(_("Consent &renewed with the current text"))
        self.renew_check.hide()
        consent_layout.addWidget(consent_text)
        consent_layout.addWidget(self.show_text_button, 0, Qt.AlignmentFlag.AlignLeft)
        consent_layout.addWidget(self.consent_check)
        consent_layout.addWidget(self.renew_check)
        self.consent_language = QComboBox()
        for code, name in RESIDENT_LANGUAGES.items():
            self.consent_language.addItem(name, code)
        consent_form = QFormLayout()
        add_row(consent_form, _("Language of the te&xt shown"), self.consent_language)
        consent_layout.addLayout(consent_form)
        self.consent_details = QLabel()
        self.consent_details.setWordWrap(True)
        consent_layout.addWidget(self.consent_details)
        self.errors["consent_date"] = FieldError()
        consent_layout.addWidget(self.errors["consent_date"])

        self.duplicates_box = QGroupBox(_("This resident may already be known"))
        duplicates_layout = QVBoxLayout(self.duplicates_box)
        duplicates_layout.addWidget(QLabel(_("Check these records before creating a new one:")))
        self.duplicates_list = QListWidget()
        self.duplicates_list.setAccessibleName(_("Probable duplicates"))
        self.duplicates_list.itemActivated.connect(self._on_duplicate_activated)
        duplicates_layout.addWidget(self.duplicates_list)
        duplicate_buttons = QHBoxLayout()
        self.open_duplicate_button = QPushButton(_("&Open the selected resident"))
        self.open_duplicate_button.setAutoDefault(False)
        self.open_duplicate_button.clicked.connect(self._on_open_duplicate)
        self.save_anyway_button = QPushButton(_("Save as a ne&w resident anyway"))
        self.save_anyway_button.setAutoDefault(False)
        self.save_anyway_button.clicked.connect(self._on_save_anyway)
        duplicate_buttons.addWidget(self.open_duplicate_button)
        duplicate_buttons.addWidget(self.save_anyway_button)
        duplicates_layout.addLayout(duplicate_buttons)
        self.duplicates_box.hide()

        self.save_button = QPushButton(_("&Save"))
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
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=self.accept)

        columns = QHBoxLayout()
        columns.addLayout(form, 1)
        side = QVBoxLayout()
        side.addWidget(consent_box)
        side.addWidget(self.duplicates_box)
        side.addStretch(1)
        columns.addLayout(side, 1)
        self._body = QWidget()
        self._body.setLayout(columns)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(self._body), 1)
        layout.addLayout(buttons)
        fit_to_screen(self, self._body)

    def _load(self, resident: Resident) -> None:
        self.first_name.setText(resident.first_name)
        self.last_name.setText(resident.last_name)
        self.birth_year.setText("" if resident.birth_year is None else str(resident.birth_year))
        for combo, value in (
            (self.gender, resident.gender),
            (self.status, resident.social_status),
            (self.language, resident.language),
        ):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        self.commune.setText(resident.commune)
        self.postcode.setText(resident.postcode)
        self.phone.setText(resident.phone)
        self.email.setText(resident.email)
        self.notes.setPlainText(resident.notes)
        self.consent_check.setChecked(_consent_stands(resident))
        language = resident.consent_language or self._language
        self.consent_language.setCurrentIndex(max(self.consent_language.findData(language), 0))
        if resident.consent_withdrawn_date:
            # Nothing identified is kept without consent: only a new one allows it.
            self.consent_details.setText(
                _(
                    "Consent withdrawn on %(date)s. Keep these details only if the resident "
                    "consents again: show them the information text."
                )
                % {"date": format_date(resident.consent_withdrawn_date)}
            )
        elif resident.consent_date:
            details = _("Recorded on %(date)s by %(who)s (text version %(version)s).") % {
                "date": format_date(resident.consent_date),
                "who": resident.consent_collected_by or "—",
                "version": resident.consent_version or "—",
            }
            if resident.consent_version != self.consent_version:
                details += " " + _(
                    "The current text is version %(version)s: show it to the resident, "
                    "and tick below if they agree again."
                ) % {"version": self.consent_version}
                self.renew_check.show()
            self.consent_details.setText(details)

    def current_resident(self) -> Resident:
        """The record as the form shows it now (not yet validated)."""
        year_text = self.birth_year.text().strip()
        consent_fields: dict[str, str] = {}
        renewed = self.renew_check.isVisibleTo(self) and self.renew_check.isChecked()
        if self.consent_check.isChecked() and (not _consent_stands(self._original) or renewed):
            consent_fields = Consent(
                collected_on=self._today,
                collected_by=self._collected_by,
                language=self.consent_language.currentData(),
                text_version=self.consent_version,
            ).as_fields()
        elif not self.consent_check.isChecked():
            consent_fields = {"consent_date": ""}
        return replace(
            self._original,
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            birth_year=int(year_text) if _is_year(year_text) else None,
            gender=self.gender.currentData(),
            social_status=self.status.currentData(),
            commune=self.commune.text(),
            postcode=self.postcode.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            language=self.language.currentData(),
            notes=self.notes.toPlainText(),
            **consent_fields,
        )

    def accept(self) -> None:
        resident = self.current_resident().normalised()
        problems = resident.problems(self._today)
        year_text = self.birth_year.text().strip()
        if year_text and not _is_year(year_text):
            problems["birth_year"] = Problem(N_("Write the year of birth in four digits."))
        self._show_problems(problems)
        if problems:
            return
        if self._is_new and not self._duplicates_acknowledged:
            duplicates = self._find_duplicates(resident)
            if duplicates:
                self._show_duplicates(duplicates)
                return
        self.result_resident = resident
        super().accept()

    def _show_problems(self, problems: dict[str, Problem]) -> None:
        for name, label in self.errors.items():
            label.show_problem(problems.get(name))
        if "first_name" not in problems and "last_name" in problems:
            self.errors["first_name"].show_problem(None)

    def _show_duplicates(self, duplicates: list[ProbableDuplicate]) -> None:
        self.duplicates_list.clear()
        for duplicate in duplicates:
            candidate = duplicate.resident
            year = f" ({candidate.birth_year})" if candidate.birth_year else ""
            reasons = [
                reason
                for matched, reason in (
                    (duplicate.evidence.last_name, _("last name")),
                    (duplicate.evidence.first_name, _("first name")),
                    (duplicate.evidence.phone, _("phone")),
                    (duplicate.evidence.email, _("e-mail")),
                )
                if matched
            ]
            item = QListWidgetItem(
                _("%(name)s%(year)s – matching: %(reasons)s")
                % {"name": candidate.full_name, "year": year, "reasons": ", ".join(reasons)}
            )
            item.setData(Qt.ItemDataRole.UserRole, candidate.id)
            self.duplicates_list.addItem(item)
        self.duplicates_list.setCurrentRow(0)
        self.duplicates_box.show()
        fit_to_screen(self, self._body)
        self.duplicates_list.setFocus()

    def _on_duplicate_activated(self, item: QListWidgetItem) -> None:
        self.open_existing_id = item.data(Qt.ItemDataRole.UserRole)
        self.done(QDialog.DialogCode.Accepted)

    def _on_open_duplicate(self) -> None:
        item = self.duplicates_list.currentItem()
        if item is not None:
            self._on_duplicate_activated(item)

    def _on_save_anyway(self) -> None:
        self._duplicates_acknowledged = True
        self.accept()

    def _on_show_text(self) -> None:
        """The information text in the resident's language (their preferred one, else
        the one chosen for the text); the language it is shown in is recorded."""
        if self._texts is None:
            return
        resident_name = " ".join(
            part.strip() for part in (self.first_name.text(), self.last_name.text()) if part.strip()
        )
        dialog = ConsentTextDialog(
            self,
            language=self.language.currentData() or self.consent_language.currentData(),
            centre_language=self._language,
            centre_name=self._centre_name,
            resident_name=resident_name,
            mediator_name=self._collected_by,
            today=self._today,
            texts=self._texts,
        )
        dialog.language_shown.connect(self._on_consent_text_language)
        self._on_consent_text_language(dialog.shown_language)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(self._forget_consent_text_dialog)
        self.consent_text_dialog = dialog
        dialog.open()

    def _on_consent_text_language(self, language: str) -> None:
        index = self.consent_language.findData(language)
        if index >= 0:
            self.consent_language.setCurrentIndex(index)

    def _forget_consent_text_dialog(self) -> None:
        self.consent_text_dialog = None


def _consent_stands(resident: Resident) -> bool:
    """The resident consented and has not withdrawn."""
    return bool(resident.consent_date) and not resident.consent_withdrawn_date


def _is_year(text: str) -> bool:
    """Four ASCII digits: ``isdigit`` alone lets ``²`` through (a key of French keyboards)."""
    return len(text) == 4 and text.isascii() and text.isdigit()
