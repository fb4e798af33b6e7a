"""The first-run dialog: who and where this desk is."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediator_app import APP_NAME
from mediator_app.domain.codes import COUNTRIES
from mediator_app.domain.validation import Problem
from mediator_app.i18n import LANGUAGES, N_, _, current_language
from mediator_app.ui.passphrase_fields import PassphraseFields
from mediator_app.ui.session_dialog import code_combo
from mediator_app.ui.widgets import FieldError, add_row


@dataclass(frozen=True)
class DeskSetup:
    centre_name: str
    desk_name: str
    mediator_name: str
    country: str
    language: str
    #: The first mediator's passphrase: it opens the desk and encrypts its data.
    passphrase: str = ""


class FirstRunDialog(QDialog):
    """Asks for the centre, the desk, the mediator, the country and the language, and
    the mediator's passphrase, which encrypts the desk's data from the start."""

    def __init__(self, parent: QWidget | None = None, *, country: str = "FR"):
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.setWindowTitle(_("Welcome to %(app)s") % {"app": APP_NAME})
        self.result_setup: DeskSetup | None = None
        intro = QLabel(
            _(
                "Before the first resident, tell %(app)s where it works. You can change "
                "the language later in the settings."
            )
            % {"app": APP_NAME}
        )
        intro.setWordWrap(True)
        self.centre = QLineEdit()
        self.centre.setPlaceholderText(_("e.g. Centre social Les Canourgues"))
        self.desk = QLineEdit(socket.gethostname())
        self.mediator = QLineEdit()
        passphrase_note = QLabel(
            _(
                "Your passphrase opens this desk and encrypts the residents' data on it. "
                "You will be its admin. Nobody can find a lost passphrase: keep a recovery "
                "key for the centre (File, Sync)."
            )
        )
        passphrase_note.setWordWrap(True)
        self.country = code_combo(COUNTRIES, country)
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(current_language()), 0))
        form = QFormLayout()
        self.errors = {name: FieldError() for name in ("centre", "desk", "mediator")}
        add_row(form, _("&Centre"), self.centre)
        form.addRow("", self.errors["centre"])
        add_row(form, _("&Desk name"), self.desk)
        form.addRow("", self.errors["desk"])
        add_row(form, _("&Your name (mediator)"), self.mediator)
        form.addRow("", self.errors["mediator"])
        self.fields = PassphraseFields(form)
        self.passphrase, self.confirmation = self.fields.passphrase, self.fields.confirmation
        self.errors.update(self.fields.errors)
        form.addRow("", passphrase_note)
        add_row(form, _("C&ountry"), self.country)
        add_row(form, _("&Language"), self.language)
        start = QPushButton(_("&Start"))
        start.setDefault(True)
        start.clicked.connect(self.accept)
        cancel = QPushButton(_("Cancel"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(start)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.resize(600, 480)
        self.centre.setFocus()

    def accept(self) -> None:
        values = {
            "centre": " ".join(self.centre.text().split()),
            "desk": " ".join(self.desk.text().split()),
            "mediator": " ".join(self.mediator.text().split()),
        }
        messages = {
            "centre": N_("Enter the name of the centre."),
            "desk": N_("Enter a name for this desk."),
            "mediator": N_("Enter your name."),
        }
        missing = False
        for name, value in values.items():
            problem = None if value else Problem(messages[name])
            self.errors[name].show_problem(problem)
            missing = missing or problem is not None
        if not self.fields.check():
            missing = True
        if missing:
            return
        self.result_setup = DeskSetup(
            centre_name=values["centre"],
            desk_name=values["desk"],
            mediator_name=values["mediator"],
            country=self.country.currentData(),
            language=self.language.currentData(),
            passphrase=self.passphrase.text(),
        )
        super().accept()
