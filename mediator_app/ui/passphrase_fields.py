"""A new passphrase typed twice, with the problems shown under each field: the same in
the first run, the accounts and the encryption dialogs."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit

from mediator_app.domain.validation import ValidationError
from mediator_app.i18n import _
from mediator_app.store.accounts import check_passphrase
from mediator_app.ui.widgets import FieldError, add_row


class PassphraseFields:
    """The two fields and their problem lines, added to ``form`` in that order."""

    def __init__(self, form: QFormLayout, *, confirmed: bool = True):
        self.passphrase = self._hidden_line()
        self.confirmation = self._hidden_line()
        self.errors = {name: FieldError() for name in ("passphrase", "confirmation")}
        self._confirmed = confirmed
        add_row(form, _("&Passphrase"), self.passphrase)
        form.addRow("", self.errors["passphrase"])
        if confirmed:
            add_row(form, _("&Repeat the passphrase"), self.confirmation)
            form.addRow("", self.errors["confirmation"])

    def check(self) -> bool:
        """Whether the passphrase is long enough (and typed the same twice); shows
        what is wrong under its field, and clears what is no longer wrong."""
        confirmation = self.confirmation.text() if self._confirmed else None
        try:
            check_passphrase(self.passphrase.text(), confirmation)
        except ValidationError as error:
            for name, label in self.errors.items():
                label.show_problem(error.problems.get(name))
            return False
        for label in self.errors.values():
            label.show_problem(None)
        return True

    @staticmethod
    def _hidden_line() -> QLineEdit:
        line = QLineEdit()
        line.setEchoMode(QLineEdit.EchoMode.Password)
        return line
