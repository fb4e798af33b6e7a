"""Mediators and passphrases (for admins), and the request to encrypt a clear database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediator_app import APP_NAME
from mediator_app.domain.validation import MessageError, ValidationError
from mediator_app.i18n import _
from mediator_app.store import Store
from mediator_app.store.accounts import (
    Role,
    accounts,
    create_account,
    find_account,
    has_accounts,
    remove_account,
)
from mediator_app.store.mediators import active_mediators, add_mediator
from mediator_app.ui.passphrase_fields import PassphraseFields
from mediator_app.ui.widgets import add_row

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def role_label(role: str | None) -> str:
    return {"admin": _("Admin"), "mediator": _("Mediator")}.get(role or "", _("No access"))


def is_admin_or_open(store: Store) -> bool:
    """Whether the current mediator may manage the desk: an admin, or anyone on a desk
    that has no accounts yet (the demo)."""
    if not has_accounts(store):
        return True
    account = find_account(store, store.mediator_id)
    return account is not None and account.is_admin


class PassphraseDialog(QDialog):
    """A new passphrase, typed twice, and optionally a role."""

    def __init__(self, parent: QWidget | None, name: str, *, role: Role | None = None):
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle(_("Passphrase of %(name)s") % {"name": name})
        self.role = QComboBox()
        for value in ("mediator", "admin"):
            self.role.addItem(role_label(value), value)
        self.role.setCurrentIndex(max(self.role.findData(role or "mediator"), 0))
        form = QFormLayout()
        self.fields = PassphraseFields(form)
        self.passphrase, self.confirmation = self.fields.passphrase, self.fields.confirmation
        self.errors = self.fields.errors
        add_row(form, _("R&ole"), self.role)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @property
    def chosen_role(self) -> Role:
        return self.role.currentData()

    def accept(self) -> None:
        if self.fields.check():
            super().accept()


class AccountsDialog(QDialog):
    """Who can open this desk, with which role; an admin gives and takes access."""

    def __init__(self, parent: QWidget | None, store: Store):
        super().__init__(parent)
        self.setObjectName("accountsDialog")
        self.setWindowTitle(_("Mediators and passphrases"))
        self._store = store
        intro = QLabel(
            _(
                "Each mediator opens the desk with their own passphrase. An admin manages "
                "the mediators and the settings. Taking away an access never re-encrypts "
                "the data: that passphrase simply opens nothing any more."
            )
        )
        intro.setWordWrap(True)
        self.model = QStandardItemModel(0, 2, self)
        self.model.setHorizontalHeaderLabels([_("Mediator"), _("Access")])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.problem = QLabel()
        self.problem.setObjectName("fieldError")
        self.problem.setWordWrap(True)
        self.problem.hide()
        add = QPushButton(_("&Add a mediator…"))
        add.clicked.connect(self.add_mediator)
        self.set_passphrase = QPushButton(_("&Set a passphrase…"))
        self.set_passphrase.clicked.connect(self.change_passphrase)
        self.remove = QPushButton(_("&Take the access away"))
        self.remove.clicked.connect(self.take_access_away)
        close = QPushButton(_("&Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (add, self.set_passphrase, self.remove):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.resize(620, 420)
        self.refresh()

    def refresh(self) -> None:
        roles = {account.mediator_id: account.role for account in accounts(self._store)}
        self.model.removeRows(0, self.model.rowCount())
        for mediator in active_mediators(self._store):
            name = QStandardItem(mediator.name)
            name.setData(mediator.id, ID_ROLE)
            self.model.appendRow([name, QStandardItem(role_label(roles.get(mediator.id)))])
        if self.model.rowCount():
            self.table.selectRow(0)

    def selected(self) -> tuple[str, str] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.model.item(rows[0].row(), 0)
        return item.data(ID_ROLE), item.text()

    def select(self, mediator_id: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.item(row, 0).data(ID_ROLE) == mediator_id:
                self.table.selectRow(row)

    def add_mediator(self) -> None:
        name, ok = QInputDialog.getText(self, _("Add a mediator"), _("Name of the mediator:"))
        if not ok:
            return
        try:
            mediator = add_mediator(self._store, name)
        except ValidationError as error:
            self._show_problem(next(iter(error.problems.values())).render(_))
            return
        self.refresh()
        self.select(mediator.id)
        self.change_passphrase()

    def change_passphrase(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        mediator_id, name = chosen
        account = find_account(self._store, mediator_id)
        first = not has_accounts(self._store)
        dialog = PassphraseDialog(
            self, name, role="admin" if first else (account.role if account else None)
        )
        if not dialog.exec():
            return
        try:
            create_account(self._store, mediator_id, dialog.passphrase.text(), dialog.chosen_role)
        except (MessageError, OSError) as error:
            self._show_problem(_message(error))
            return
        self.refresh()
        self.select(mediator_id)

    def take_access_away(self) -> None:
        chosen = self.selected()
        if chosen is None or find_account(self._store, chosen[0]) is None:
            return
        mediator_id, name = chosen
        answer = QMessageBox.question(
            self,
            APP_NAME,
            _("Take away the access of %(name)s to this desk?") % {"name": name},
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            remove_account(self._store, mediator_id)
        except (MessageError, OSError) as error:
            self._show_problem(_message(error))
            return
        self.refresh()

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()


class EncryptDialog(QDialog):
    """Asks the current mediator's passphrase before encrypting a clear database."""

    def __init__(self, parent: QWidget | None, store: Store):
        super().__init__(parent)
        self.setObjectName("encryptDialog")
        self.setWindowTitle(_("Encrypt the database"))
        self._needs_new = not has_accounts(store)
        intro = QLabel(
            _(
                "Once encrypted, the database and its backups open only with a mediator's "
                "passphrase or the centre's recovery key: a lost or stolen laptop reveals "
                "nothing. The window opens again when it is done."
            )
        )
        intro.setWordWrap(True)
        self.person = QComboBox()
        people = (
            [(m.id, m.name) for m in active_mediators(store)]
            if self._needs_new
            else [(a.mediator_id, a.name) for a in accounts(store)]
        )
        for mediator_id, name in people:
            self.person.addItem(name, mediator_id)
        self.person.setCurrentIndex(max(self.person.findData(store.mediator_id), 0))
        form = QFormLayout()
        add_row(form, _("&Mediator"), self.person)
        # A new admin's passphrase is typed twice; an account's own is checked on saving.
        self.fields = PassphraseFields(form, confirmed=self._needs_new)
        self.passphrase, self.confirmation = self.fields.passphrase, self.fields.confirmation
        self.errors = self.fields.errors
        if self._needs_new:
            note = QLabel(_("This mediator becomes the desk's admin."))
            note.setWordWrap(True)
            form.addRow("", note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        encrypt = buttons.addButton(_("&Encrypt"), QDialogButtonBox.ButtonRole.AcceptRole)
        encrypt.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, 280)

    @property
    def mediator_id(self) -> str | None:
        return self.person.currentData()

    def accept(self) -> None:
        if self.mediator_id is None:
            return
        if self._needs_new and not self.fields.check():
            return
        super().accept()


def _message(error: Exception) -> str:
    if isinstance(error, MessageError):
        return error.render(_)
    return getattr(error, "strerror", None) or str(error)
