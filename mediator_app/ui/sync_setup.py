"""The "Where bundles go" page of the Sync dialog: a shared folder or a WebDAV share,
checked beside its fields, saved and tested on the worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.validation import Problem
from mediator_app.i18n import N_, _
from mediator_app.store import Store
from mediator_app.sync.settings import TransportSetting
from mediator_app.sync.transports import TransportError, WebDavTransport
from mediator_app.ui.sync_jobs import RunJob, close_transport, open_transport, save_transport_job
from mediator_app.ui.sync_messages import words
from mediator_app.ui.sync_widgets import (
    add_checked_row,
    indented,
    show_status,
    status_label,
    wrapped,
)
from mediator_app.ui.widgets import FieldError, add_row

_FOLDER_UNREACHABLE = N_(
    "The folder %(path)s cannot be reached or written. If it is on a USB stick, check "
    "that the stick is plugged in."
)


class TransportPage(QWidget):
    """Where this desk's bundles go, as a form: the choice saved on the worker, and the
    share's password typed in this session.

    ``setting_saved`` carries the setting now saved (``None`` for none), whether it was
    just saved or read from the store. ``run`` runs the page's jobs on the worker.
    """

    setting_saved = Signal(object)

    def __init__(
        self,
        run: RunJob,
        parent: QWidget | None = None,
        *,
        session_password: str | None = None,
    ):
        super().__init__(parent)
        self._run = run
        self._saved: TransportSetting | None = None
        self._session_password = session_password
        self._session_key: tuple[str, str] | None = None
        self._build()

    @property
    def saved_setting(self) -> TransportSetting | None:
        return self._saved

    @property
    def session_password(self) -> str | None:
        return self._session_password

    def _build(self) -> None:
        intro = wrapped(
            _(
                "The desks of the centre exchange their changes as encrypted files, "
                "through a place they all reach. Choose the same place on every desk."
            )
        )
        self.folder_choice = QRadioButton(
            _("A shared &folder (USB stick, Nextcloud or Syncthing folder)")
        )
        self.webdav_choice = QRadioButton(_("A Web&DAV share (Nextcloud)"))
        self._choices = QButtonGroup(self)
        self._choices.addButton(self.folder_choice)
        self._choices.addButton(self.webdav_choice)
        self.folder_choice.setChecked(True)
        self._choices.buttonToggled.connect(self._on_choice_toggled)

        self.folder_path = QLineEdit()
        self.folder_path.setObjectName("folderPath")
        self.choose_folder = QPushButton(_("C&hoose…"))
        self.choose_folder.setAutoDefault(False)
        self.choose_folder.clicked.connect(self._on_choose_folder)
        folder_row = QWidget()
        folder_row_layout = QHBoxLayout(folder_row)
        folder_row_layout.setContentsMargins(0, 0, 0, 0)
        folder_row_layout.addWidget(self.folder_path, 1)
        folder_row_layout.addWidget(self.choose_folder)
        self.folder_error = FieldError()
        folder_form = QFormLayout()
        add_checked_row(
            folder_form, _("Folder &path"), self.folder_path, folder_row, self.folder_error
        )

        self.address = QLineEdit()
        self.address.setObjectName("webdavAddress")
        self.address.setPlaceholderText("https://cloud.example.org/remote.php/dav/files/…")
        self.user = QLineEdit()
        self.user.setObjectName("webdavUser")
        self.password = QLineEdit()
        self.password.setObjectName("webdavPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.address_error = FieldError()
        self.user_error = FieldError()
        webdav_form = QFormLayout()
        add_checked_row(webdav_form, _("&Address"), self.address, self.address, self.address_error)
        add_checked_row(webdav_form, _("&User name"), self.user, self.user, self.user_error)
        add_row(webdav_form, _("Passw&ord"), self.password)
        self._webdav_fields = (self.address, self.user, self.password)

        self.save_button = QPushButton(_("&Save this choice"))
        self.save_button.setObjectName("saveTransport")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self._on_save)
        self.test_button = QPushButton(_("&Test the connection"))
        self.test_button.setObjectName("testConnection")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self._on_test)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        self.transport_status = status_label()
        self.password_note = status_label()

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.folder_choice)
        layout.addLayout(indented(folder_form))
        layout.addWidget(self.webdav_choice)
        layout.addLayout(indented(webdav_form))
        layout.addLayout(buttons)
        layout.addWidget(self.transport_status)
        layout.addWidget(self.password_note)
        layout.addStretch(1)
        self._on_choice_toggled()

    def set_ready(self, ready: bool) -> None:
        """Let the buttons act once the worker has read the desk."""
        self.save_button.setEnabled(ready)
        self.test_button.setEnabled(ready)

    def show_setting(self, setting: TransportSetting | None) -> None:
        """Show ``setting``, read from the store, as the saved choice."""
        self._saved = setting
        if setting is not None and setting.kind == "webdav":
            self.webdav_choice.setChecked(True)
            self.address.setText(setting.location)
            self.user.setText(setting.user)
            self.password.setPlaceholderText(_("Leave empty to keep the saved password"))
        elif setting is not None:
            self.folder_choice.setChecked(True)
            self.folder_path.setText(setting.location)
        self.setting_saved.emit(setting)

    def _on_choice_toggled(self, *_args: object) -> None:
        folder = self.folder_choice.isChecked()
        self.folder_path.setEnabled(folder)
        self.choose_folder.setEnabled(folder)
        for field in self._webdav_fields:
            field.setEnabled(not folder)

    def _on_choose_folder(self) -> None:
        start = self.folder_path.text().strip() or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.HomeLocation
        )
        chosen = QFileDialog.getExistingDirectory(
            self.window(), _("Choose the shared folder"), start
        )
        if chosen:
            self.folder_path.setText(chosen)

    def form_setting(self) -> TransportSetting | None:
        """The choice the form shows, or ``None`` with what is missing said beside the
        fields."""
        for error in (self.folder_error, self.address_error, self.user_error):
            error.show_problem(None)
        if self.folder_choice.isChecked():
            path = self.folder_path.text().strip()
            if not path:
                self.folder_error.show_problem(Problem(N_("Choose the shared folder.")))
                return None
            return TransportSetting("folder", path)
        address, user = self.address.text().strip(), self.user.text().strip()
        problems = False
        if not address:
            self.address_error.show_problem(Problem(N_("Type the address of the share.")))
            problems = True
        else:
            try:
                WebDavTransport(address, user)
            except TransportError as error:
                self.address_error.show_problem(Problem(error.message, error.params))
                problems = True
        if not user:
            self.user_error.show_problem(Problem(N_("Type the user name of the share.")))
            problems = True
        return None if problems else TransportSetting("webdav", address, user)

    def typed_password(self, setting: TransportSetting) -> str:
        """The password typed in the form for ``setting`` (empty for a folder)."""
        return self.password.text() if setting.kind == "webdav" else ""

    def password_for(self, setting: TransportSetting) -> str | None:
        """The typed password, or the one typed earlier in this session for the same
        share; ``None`` lets the transport read the keyring."""
        if setting.kind != "webdav":
            return None
        typed = self.password.text()
        if typed:
            return typed
        if self._session_key in (None, (setting.location, setting.user)):
            return self._session_password
        return None

    def save(
        self,
        setting: TransportSetting,
        password: str,
        *,
        announce: bool,
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """Queue saving ``setting`` and a typed ``password`` on the worker; ``announce``
        says "Saved." on the page once done."""
        self._run(
            save_transport_job(setting, password),
            lambda kept: self._on_saved(setting, password, kept, announce=announce),
            on_failure,
        )

    def _on_save(self) -> None:
        setting = self.form_setting()
        if setting is None:
            return
        password = self.typed_password(setting)
        self.transport_status.clear()
        self.save(setting, password, announce=True, on_failure=self.show_failure)

    def _on_saved(
        self, setting: TransportSetting, password: str, kept: bool | None, *, announce: bool
    ) -> None:
        self._saved = setting
        self.setting_saved.emit(setting)
        if password:
            self._session_password = password
            self._session_key = (setting.location, setting.user)
            self.password.clear()
            self.password.setPlaceholderText(_("Leave empty to keep the saved password"))
        if kept is False:
            show_status(
                self.password_note,
                _(
                    "The system could not keep the password: Passerelle remembers it until "
                    "it is closed, and will ask for it again next time."
                ),
                warning=True,
            )
        elif kept:
            self.password_note.hide()
        if announce:
            show_status(self.transport_status, _("Saved."))

    def show_failure(self, error: BaseException) -> None:
        """``error`` in words under the page's buttons."""
        show_status(self.transport_status, words(error), warning=True)

    def _on_test(self) -> None:
        setting = self.form_setting()
        if setting is None:
            return
        password = self.password_for(setting)
        show_status(self.transport_status, _("Testing the connection…"))
        self.test_button.setEnabled(False)

        def test(store: Store, _progress: Any) -> bool:
            transport = open_transport(setting, password)
            try:
                return transport.is_reachable()
            finally:
                close_transport(transport)

        def tested(reachable: bool) -> None:
            self.test_button.setEnabled(True)
            if reachable:
                show_status(self.transport_status, _("Connected."))
            elif setting.kind == "folder":
                show_status(
                    self.transport_status,
                    _(_FOLDER_UNREACHABLE) % {"path": setting.location},
                    warning=True,
                )
            else:
                self.show_failure(TransportError("unreachable"))

        def failed(error: BaseException) -> None:
            self.test_button.setEnabled(True)
            self.show_failure(error)

        self._run(test, tested, failed)
