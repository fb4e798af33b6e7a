"""The unlock dialog: at start for an encrypted database, and on the lock screen.

A mediator picks their name and types their passphrase. At start, the centre's
recovery key file opens the database too, for when every passphrase is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediator_app import APP_NAME
from mediator_app.domain.validation import MessageError
from mediator_app.i18n import _
from mediator_app.ui.widgets import add_row

T = TypeVar("T")

#: Checks a passphrase for a mediator id: what the unlock gives, or None when wrong.
PassphraseCheck = Callable[[str, str], "T | None"]
#: Opens with the text of a recovery key file, or raises a MessageError.
RecoveryCheck = Callable[[str], "T"]


class UnlockDialog(QDialog, Generic[T]):
    """Asks who is there and their passphrase; ``result_value`` holds what ``check``
    gave for the right one."""

    def __init__(
        self,
        people: list[tuple[str, str]],
        check: Callable[[str, str], T | None],
        *,
        title: str,
        explanation: str,
        recovery: Callable[[str], T] | None = None,
        current: str | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.setWindowTitle(title)
        self._check = check
        self._recovery = recovery
        self.result_value: T | None = None
        self.unlocked_by: str | None = None
        intro = QLabel(explanation)
        intro.setWordWrap(True)
        self.person = QComboBox()
        for mediator_id, name in people:
            self.person.addItem(name, mediator_id)
        if current is not None:
            self.person.setCurrentIndex(max(self.person.findData(current), 0))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = QLabel()
        self.problem.setObjectName("fieldError")
        self.problem.setWordWrap(True)
        self.problem.hide()
        form = QFormLayout()
        add_row(form, _("&Mediator"), self.person)
        add_row(form, _("&Passphrase"), self.passphrase)
        unlock = QPushButton(_("&Unlock"))
        unlock.setDefault(True)
        unlock.clicked.connect(self._try_passphrase)
        buttons = QHBoxLayout()
        if recovery is not None:
            use_recovery = QPushButton(_("Use the &recovery key…"))
            use_recovery.clicked.connect(self._try_recovery)
            buttons.addWidget(use_recovery)
        buttons.addStretch(1)
        quit_button = QPushButton(_("&Quit"))
        quit_button.clicked.connect(self.reject)
        buttons.addWidget(quit_button)
        buttons.addWidget(unlock)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.resize(480, 220)
        self.passphrase.setFocus()

    def _try_passphrase(self) -> None:
        mediator_id = self.person.currentData()
        if mediator_id is None:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:  # a deliberate fraction of a second: the passphrase hash is slow by design
            value = self._check(mediator_id, self.passphrase.text())
        finally:
            QGuiApplication.restoreOverrideCursor()
        if value is None:
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            self._show_problem(_("This passphrase is not right. Try again."))
            return
        self.result_value, self.unlocked_by = value, mediator_id
        self.accept()

    def _try_recovery(self) -> None:
        assert self._recovery is not None
        name, _filter = QFileDialog.getOpenFileName(
            self, _("The centre's recovery key"), str(Path.home())
        )
        if not name:
            return
        try:
            text = Path(name).read_text(encoding="utf-8", errors="replace")
            self.result_value = self._recovery(text)
        except MessageError as error:
            self._show_problem(error.render(_))
            return
        except OSError as error:
            self._show_problem(error.strerror or str(error))
            return
        self.unlocked_by = None
        self.accept()

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()


def unlock_title() -> str:
    return _("%(app)s is locked") % {"app": APP_NAME}
