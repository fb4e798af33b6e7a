"""A form whose record is saved by the caller on the worker. The form stays open until
the store accepts the record; what the store refuses (a room already taken, a capacity
below the residents registered) is shown beside the field, and nothing is saved."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from mediator_app.domain.validation import Problem, ValidationError
from mediator_app.i18n import _
from mediator_app.ui.widgets import FieldError, explain_failure


class SavingDialog(QDialog):
    """Subclasses fill ``errors`` (field name → ``FieldError``) and implement
    ``collect()``; the caller connects ``submitted`` and answers with ``saved()`` or
    ``refused()``."""

    submitted = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.errors: dict[str, FieldError] = {}
        self.general_error = FieldError()
        self.result_value: Any = None
        self._saving = False

    def collect(self) -> tuple[Any, dict[str, Problem]]:
        """The record the form describes, and what is wrong with it."""
        raise NotImplementedError

    def button_row(self, save_text: str) -> QHBoxLayout:
        """Hint, Cancel and Save; Ctrl+Enter saves, Esc cancels."""
        self.save_button = QPushButton(save_text)
        self.save_button.setToolTip(_("Ctrl+Enter"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.accept)
        cancel = QPushButton(_("Cancel"))
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Ctrl+Enter saves, Esc cancels.")))
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(self.save_button)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=self.accept)
        return row

    def accept(self) -> None:
        if self._saving:
            return
        request, problems = self.collect()
        self.show_problems(problems)
        if problems:
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.submitted.emit(request)

    def saved(self, result: Any = None) -> None:
        """The store kept the record: close."""
        self._saving = False
        self.result_value = result
        super().accept()

    def refused(self, error: BaseException) -> None:
        """The store refused the record: say why beside the fields, stay open."""
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self.show_problems(error.problems)
        else:
            explain_failure(self, error)

    def show_problems(self, problems: dict[str, Problem]) -> None:
        for name, label in self.errors.items():
            label.show_problem(problems.get(name))
        others = [problem for name, problem in problems.items() if name not in self.errors]
        self.general_error.show_problem(others[0] if others else None)
