"""The Sync dialog: where this desk's bundles go (a shared folder or a WebDAV share),
this desk's card to enrol on the others, the desks enrolled here, and "Sync now".

Everything the dialog reads or writes runs on the worker, which has its own connection:
the dialog only shows what the jobs return. A sync that imports bundles changes
residents, sessions, workshops and skills, so it names those topics, and ``synced``
carries its report for the window's status.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QSize, QStandardPaths, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPixmap,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.validation import MessageError, Problem
from mediator_app.i18n import N_, _, format_date, format_time, ngettext
from mediator_app.store import Store
from mediator_app.sync.desk_sync import SyncFolders, SyncReport, describe, sync_with
from mediator_app.sync.keys import (
    DeskCard,
    Peer,
    card_for_this_desk,
    enroll,
    fingerprint,
    fingerprint_qr_text,
    peers,
    revoke,
    write_recovery_key,
)
from mediator_app.sync.settings import TransportSetting, save_transport_setting, transport_setting
from mediator_app.sync.transports import (
    FolderTransport,
    Transport,
    TransportError,
    WebDavTransport,
    store_password,
)
from mediator_app.ui.models import ID_ROLE, RECORD_ROLE, AnyIndex, ColumnsTableModel
from mediator_app.ui.qr import qr_image
from mediator_app.ui.widgets import WARNING_SIGN, FieldError, add_row, scrolling
from mediator_app.ui.worker import DatabaseWorker

#: A sync imports other desks' changes: every view of the data may have to refresh.
SYNC_TOPICS = ("residents", "sessions", "workshops", "skills")
#: Wait this long before showing the progress of a sync: a quick one shows none.
PROGRESS_DELAY_MS = 400
#: A card is a few hundred bytes: read no more than this of a file chosen by mistake.
_CARD_READ_LIMIT_BYTES = 64 * 1024 + 1
_WARNING_COLOUR = "#a4000f"
_REVOKED_COLOUR = "#6b6b6b"
#: The width the dialog asks for, in average characters: the peers table fits in it.
_WIDTH_CHARS = 100
#: Lines kept below the tabs for the report of the last sync.
_REPORT_LINES = 6
_NO_DIGITS = "—"

ROLE_LABELS = {
    "desk": N_("Desk"),
    "coordinator": N_("Coordinator"),
    "recovery": N_("Recovery key"),
}

_CARD_UNREADABLE = N_("The file %(path)s cannot be read (%(reason)s).")
_CARD_UNWRITABLE = N_("The card could not be written to %(path)s (%(reason)s).")
_FOLDER_UNREACHABLE = N_(
    "The folder %(path)s cannot be reached or written. If it is on a USB stick, check "
    "that the stick is plugged in."
)


class SyncCancelled(Exception):
    """The mediator stopped a sync; what was already exchanged is kept."""


class _FileError(MessageError):
    """A card file that cannot be read or written, in words."""


# --- What the worker reads ------------------------------------------------------------


@dataclass(frozen=True)
class PeerRow:
    """An enrolled peer and the digits of its card (empty for a recovery key)."""

    peer: Peer
    digits: str


@dataclass(frozen=True)
class DeskState:
    """What the dialog shows, read in one job on the worker."""

    setting: TransportSetting | None
    card: DeskCard
    digits: str
    #: The digits for a QR code: a phone on the other desk can compare them.
    card_qr_text: str
    centre_name: str
    peers: tuple[PeerRow, ...]


def read_desk_state(store: Store) -> DeskState:
    """This desk's way to the others, its card and the peers enrolled here, revoked ones
    included. Runs on the worker (the desk's keys are made on the first call)."""
    card = card_for_this_desk(store)
    return DeskState(
        setting=transport_setting(store),
        card=card,
        digits=fingerprint(card),
        card_qr_text=fingerprint_qr_text(card),
        centre_name=store.ensure_desk().centre_name,
        peers=tuple(_peer_row(found) for found in peers(store, include_revoked=True)),
    )


def _peer_row(found: Peer) -> PeerRow:
    if found.role == "recovery":
        return PeerRow(found, "")
    card = DeskCard(
        desk_id=found.id,
        centre_id=found.centre_id,
        role=found.role,
        name=found.name,
        signing_key=found.signing_key,
        age_recipient=found.age_recipient,
    )
    return PeerRow(found, fingerprint(card))


def open_transport(setting: TransportSetting, password: str | None) -> Transport:
    """The transport ``setting`` names; a share without ``password`` reads it from the
    system's keyring when first used."""
    if setting.kind == "folder":
        return FolderTransport(Path(setting.location))
    return WebDavTransport(setting.location, setting.user, password)


def _close(transport: Transport) -> None:
    if isinstance(transport, WebDavTransport):
        transport.close()


def report_lines(report: SyncReport) -> list[tuple[str, bool]]:
    """The lines that tell what a sync did, each with whether it is a warning (a
    refused bundle)."""
    lines = [
        (
            ngettext("%(count)s bundle sent.", "%(count)s bundles sent.", report.sent)
            % {"count": report.sent},
            False,
        )
    ]
    if not report.imported:
        lines.append((_("Nothing new came from the other desks."), False))
    lines += [(describe(result), result.status == "refused") for result in report.imported]
    return lines


def _local_date(moment: str) -> str:
    """A stored UTC time as the date it was here."""
    try:
        return format_date(datetime.fromisoformat(moment).astimezone().date())
    except ValueError:
        return moment[:10]


def _words(error: BaseException) -> str:
    if isinstance(error, MessageError):
        return error.render(_)
    return _("An unexpected error occurred: %(error)s") % {"error": error}


# --- The peers table --------------------------------------------------------------------


class PeerTableModel(ColumnsTableModel):
    """The desks, coordinators and recovery keys enrolled here, revoked ones greyed and
    said so."""

    COLUMNS = (N_("Name"), N_("Role"), N_("Fingerprint"), N_("Enrolled on"), N_("Status"))
    FINGERPRINT_COLUMN = 2

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[PeerRow] = []

    def set_rows(self, rows: tuple[PeerRow, ...] | list[PeerRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._rows)

    def peer(self, row: int) -> Peer | None:
        return self._rows[row].peer if 0 <= row < len(self._rows) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ID_ROLE:
            return row.peer.id
        if role == RECORD_ROLE:
            return row.peer
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.FontRole and index.column() == self.FINGERPRINT_COLUMN:
            return _digits_font()
        if role == Qt.ItemDataRole.ForegroundRole and row.peer.revoked:
            return QColor(_REVOKED_COLOUR)
        return None

    def _text(self, row: PeerRow, column: int) -> str:
        found = row.peer
        if column == 0:
            return found.name
        if column == 1:
            return _(ROLE_LABELS.get(found.role, found.role))
        if column == 2:
            return row.digits or _NO_DIGITS
        if column == 3:
            return _local_date(found.enrolled_at)
        if column == 4:
            if found.revoked_at is None:
                return _("Active")
            return _("Revoked on %(date)s") % {"date": _local_date(found.revoked_at)}
        return ""


# --- The dialog ---------------------------------------------------------------------------


class SyncDialog(QDialog):
    """How this desk reaches the others, its card, the enrolled desks, and "Sync now".

    ``synced`` carries the :class:`SyncReport` of each sync that went through.
    ``session_password`` is the share's password typed in this session (``None`` if
    none was): the system's keyring may not have kept it, so the window passes it to
    later syncs. Do not use ``store`` from here: the dialog works through ``worker``.
    """

    synced = Signal(object)

    def __init__(
        self,
        store: Store,
        worker: DatabaseWorker,
        database_path: Path,
        parent: QWidget | None = None,
        *,
        session_password: str | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("syncDialog")
        self.setWindowTitle(_("Sync with the other desks"))
        self._store = store  # the window's connection: never used from the dialog
        self._worker = worker
        self._folders = SyncFolders.beside(Path(database_path))
        self._saved: TransportSetting | None = None
        self._session_password = session_password
        self._session_key: tuple[str, str] | None = None
        self._card: DeskCard | None = None
        self._cancel_sync: Callable[[], None] | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.last_report: SyncReport | None = None
        self._build()
        self._load()

    @property
    def session_password(self) -> str | None:
        return self._session_password

    # Building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setObjectName("syncTabs")
        self.tabs.addTab(scrolling(self._build_transport_page()), _("&Where bundles go"))
        self.tabs.addTab(scrolling(self._build_card_page()), _("This desk's &card"))
        self.tabs.addTab(scrolling(self._build_desks_page()), _("D&esks of the centre"))

        self.report = QLabel()
        self.report.setObjectName("syncReport")
        self.report.setTextFormat(Qt.TextFormat.RichText)
        self.report.setWordWrap(True)
        self.report.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.report_box = QGroupBox(_("Last sync"))
        report_layout = QVBoxLayout(self.report_box)
        report_scroll = scrolling(self.report)
        report_scroll.setMaximumHeight(self.fontMetrics().height() * (_REPORT_LINES + 1))
        report_layout.addWidget(report_scroll)
        self.report_box.hide()

        self.destination = QLabel()
        self.destination.setWordWrap(True)
        self.sync_button = QPushButton(_("S&ync now"))
        self.sync_button.setObjectName("syncNow")
        self.sync_button.setAutoDefault(False)
        self.sync_button.clicked.connect(self._on_sync_now)
        close = QPushButton(_("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.destination, 1)
        bottom.addWidget(self.sync_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.report_box)
        layout.addLayout(bottom)
        self._set_ready(False)
        self._fit_to_screen()

    def _build_transport_page(self) -> QWidget:
        intro = _wrapped(
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
        _add_checked_row(
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
        _add_checked_row(webdav_form, _("&Address"), self.address, self.address, self.address_error)
        _add_checked_row(webdav_form, _("&User name"), self.user, self.user, self.user_error)
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
        self.transport_status = _status_label()
        self.password_note = _status_label()

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.folder_choice)
        layout.addLayout(_indented(folder_form))
        layout.addWidget(self.webdav_choice)
        layout.addLayout(_indented(webdav_form))
        layout.addLayout(buttons)
        layout.addWidget(self.transport_status)
        layout.addWidget(self.password_note)
        layout.addStretch(1)
        self._on_choice_toggled()
        return page

    def _build_card_page(self) -> QWidget:
        intro = _wrapped(
            _(
                "Give this card to the other desks of the centre to enrol it there, and "
                "compare these digits by eye with the ones they show."
            )
        )
        self.desk_name = QLabel()
        self.desk_name.setObjectName("deskName")
        self.desk_name.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.desk_name.setWordWrap(True)
        self.desk_name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption = QLabel(_("Fingerprint of this desk's card:"))
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("deskFingerprint")
        digits_font = _digits_font(1.7)
        digits_font.setWeight(QFont.Weight.DemiBold)
        self.fingerprint.setFont(digits_font)
        self.fingerprint.setWordWrap(True)
        self.fingerprint.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.fingerprint.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.fingerprint.setAccessibleName(_("Fingerprint of this desk's card"))
        self.fingerprint_qr = QLabel()
        self.fingerprint_qr.setObjectName("fingerprintQr")
        self.fingerprint_qr.setAccessibleName(_("The fingerprint as a QR code"))
        self.save_card_button = QPushButton(_("Sa&ve the card…"))
        self.save_card_button.setObjectName("saveCard")
        self.save_card_button.setAutoDefault(False)
        self.save_card_button.clicked.connect(self._on_save_card)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_card_button)
        buttons.addStretch(1)
        self.card_status = _status_label()

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(self.desk_name)
        layout.addWidget(caption)
        fingerprint_row = QHBoxLayout()
        fingerprint_row.addWidget(self.fingerprint, 1)
        fingerprint_row.addWidget(self.fingerprint_qr)
        layout.addLayout(fingerprint_row)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        layout.addWidget(self.card_status)
        layout.addStretch(1)
        return page

    def _build_desks_page(self) -> QWidget:
        intro = _wrapped(
            _(
                "Bundles go only to the desks enrolled here. Enrol the card of each other "
                "desk of the centre; revoke a desk that was lost or given away."
            )
        )
        self.peer_model = PeerTableModel(self)
        self.peer_table = QTableView()
        self.peer_table.setObjectName("peerTable")
        self.peer_table.setModel(self.peer_model)
        self.peer_table.setAccessibleName(_("Desks enrolled here"))
        self.peer_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.peer_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.peer_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.peer_table.setTabKeyNavigation(False)
        self.peer_table.verticalHeader().hide()
        self.peer_table.horizontalHeader().setStretchLastSection(True)
        self.peer_table.setMinimumHeight(self.fontMetrics().height() * 8)
        self.peer_table.selectionModel().selectionChanged.connect(self._on_peer_selected)
        self.no_peer = _wrapped(
            _("No other desk is enrolled yet: enrol the card of each desk of the centre.")
        )
        self.no_peer.hide()

        self.enrol_button = QPushButton(_("E&nrol a desk…"))
        self.enrol_button.setObjectName("enrolDesk")
        self.enrol_button.setAutoDefault(False)
        self.enrol_button.clicked.connect(self._on_enrol)
        self.revoke_button = QPushButton(_("&Revoke…"))
        self.revoke_button.setObjectName("revokeDesk")
        self.revoke_button.setAutoDefault(False)
        self.revoke_button.clicked.connect(self._on_revoke)
        self.recovery_button = QPushButton(_("Write the recovery &key…"))
        self.recovery_button.setObjectName("writeRecoveryKey")
        self.recovery_button.setAutoDefault(False)
        self.recovery_button.setToolTip(
            _("A key the centre keeps offline: with it, any bundle can be opened.")
        )
        self.recovery_button.clicked.connect(self._on_write_recovery_key)
        buttons = QHBoxLayout()
        buttons.addWidget(self.enrol_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        buttons.addWidget(self.recovery_button)
        self.desks_status = _status_label()

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.peer_table, 1)
        layout.addWidget(self.no_peer)
        layout.addLayout(buttons)
        layout.addWidget(self.desks_status)
        return page

    # Showing what the worker read -----------------------------------------------------

    def _load(self) -> None:
        self._run(lambda store, _progress: read_desk_state(store), self._show_state)

    def _show_state(self, state: DeskState, *, with_setting: bool = True) -> None:
        self._card = state.card
        if state.centre_name:
            self.desk_name.setText(
                _("%(desk)s, at %(centre)s")
                % {"desk": state.card.name, "centre": state.centre_name}
            )
        else:
            self.desk_name.setText(state.card.name)
        self.fingerprint.setText(state.digits)
        self.fingerprint_qr.setPixmap(QPixmap.fromImage(qr_image(state.card_qr_text)))
        self._show_peers(state.peers)
        if with_setting:
            self._saved = state.setting
            self._show_setting(state.setting)
        self._set_ready(True)

    def _show_setting(self, setting: TransportSetting | None) -> None:
        if setting is not None and setting.kind == "webdav":
            self.webdav_choice.setChecked(True)
            self.address.setText(setting.location)
            self.user.setText(setting.user)
            self.password.setPlaceholderText(_("Leave empty to keep the saved password"))
        elif setting is not None:
            self.folder_choice.setChecked(True)
            self.folder_path.setText(setting.location)
        self._show_destination()

    def _show_destination(self) -> None:
        setting = self._saved
        if setting is None:
            text = _("Choose where bundles go, then sync.")
        elif setting.kind == "folder":
            text = _("Bundles go to the folder %(path)s.") % {"path": setting.location}
        else:
            text = _("Bundles go to the share %(address)s.") % {"address": setting.location}
        self.destination.setText(text)

    def _show_peers(self, rows: tuple[PeerRow, ...]) -> None:
        self.peer_model.set_rows(rows)
        self.peer_table.resizeColumnsToContents()
        self._fit_to_screen()
        self.no_peer.setVisible(not rows)
        self._on_peer_selected()

    def _fit_to_screen(self) -> None:
        """Grow to show every page, the report and the peers table whole, but never
        beyond the screen: pages scroll when the fonts are large. Never shrinks, so a
        size the mediator chose is kept."""
        metrics = self.fontMetrics()
        pages = [self.tabs.widget(index) for index in range(self.tabs.count())]
        hints = [page.widget().sizeHint() for page in pages if isinstance(page, QScrollArea)]
        header = self.peer_table.horizontalHeader()
        table_width = header.length() + self.peer_table.verticalScrollBar().sizeHint().width()
        width = max(
            [hint.width() for hint in hints]
            + [metrics.averageCharWidth() * _WIDTH_CHARS, table_width + 2 * metrics.height()]
        )
        height = (
            max(hint.height() for hint in hints)
            + self.tabs.tabBar().sizeHint().height()
            + metrics.height() * (_REPORT_LINES + 4)
            + self.sync_button.sizeHint().height()
        )
        wanted = QSize(width + 48, height + 48).expandedTo(self.size())
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            wanted = wanted.boundedTo(screen.availableGeometry().size() * 0.95)
        self.resize(wanted)

    def _set_ready(self, ready: bool) -> None:
        for button in (
            self.save_button,
            self.test_button,
            self.save_card_button,
            self.enrol_button,
            self.recovery_button,
        ):
            button.setEnabled(ready)
        self.sync_button.setEnabled(ready and self._cancel_sync is None)
        self._on_peer_selected()

    # Where bundles go -------------------------------------------------------------------

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
        chosen = QFileDialog.getExistingDirectory(self, _("Choose the shared folder"), start)
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

    def _password_for(self, setting: TransportSetting) -> str | None:
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

    def _on_save(self) -> None:
        setting = self.form_setting()
        if setting is None:
            return
        password = self.password.text() if setting.kind == "webdav" else ""
        self.transport_status.clear()
        self._run(
            _save_job(setting, password),
            lambda kept: self._on_saved(setting, password, kept, announce=True),
            self._show_transport_failure,
        )

    def _on_saved(
        self, setting: TransportSetting, password: str, kept: bool | None, *, announce: bool
    ) -> None:
        self._saved = setting
        self._show_destination()
        if password:
            self._session_password = password
            self._session_key = (setting.location, setting.user)
            self.password.clear()
            self.password.setPlaceholderText(_("Leave empty to keep the saved password"))
        if kept is False:
            _show_status(
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
            _show_status(self.transport_status, _("Saved."))

    def _show_transport_failure(self, error: BaseException) -> None:
        _show_status(self.transport_status, _words(error), warning=True)

    def _on_test(self) -> None:
        setting = self.form_setting()
        if setting is None:
            return
        password = self._password_for(setting)
        _show_status(self.transport_status, _("Testing the connection…"))
        self.test_button.setEnabled(False)

        def test(store: Store, _progress: Any) -> bool:
            transport = open_transport(setting, password)
            try:
                return transport.is_reachable()
            finally:
                _close(transport)

        def tested(reachable: bool) -> None:
            self.test_button.setEnabled(True)
            if reachable:
                _show_status(self.transport_status, _("Connected."))
            elif setting.kind == "folder":
                _show_status(
                    self.transport_status,
                    _(_FOLDER_UNREACHABLE) % {"path": setting.location},
                    warning=True,
                )
            else:
                self._show_transport_failure(TransportError("unreachable"))

        def failed(error: BaseException) -> None:
            self.test_button.setEnabled(True)
            self._show_transport_failure(error)

        self._run(test, tested, failed)

    # This desk's card -------------------------------------------------------------------

    def _on_save_card(self) -> None:
        name = self._card.name if self._card is not None else "desk"
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = Path(folder) / f"{_safe_name(name)}.passerelle-card"
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save this desk's card"),
            str(suggested),
            _("Desk cards (*.passerelle-card);;All files (*)"),
        )
        if not chosen:
            return
        path = Path(chosen)

        def write(store: Store, _progress: Any) -> Path:
            card = card_for_this_desk(store)
            try:
                path.write_bytes(card.to_bytes())
            except OSError as error:
                raise _FileError(
                    _CARD_UNWRITABLE, path=str(path), reason=error.strerror or str(error)
                ) from error
            return path

        self._run(
            write,
            lambda written: _show_status(
                self.card_status,
                _("The card is saved in %(path)s. Give it to the other desks.") % {"path": written},
            ),
            lambda error: _show_status(self.card_status, _words(error), warning=True),
        )

    # The desks of the centre ------------------------------------------------------------

    def selected_peer(self) -> Peer | None:
        rows = self.peer_table.selectionModel().selectedRows()
        return self.peer_model.peer(rows[0].row()) if rows else None

    def _on_peer_selected(self, *_args: object) -> None:
        chosen = self.selected_peer()
        self.revoke_button.setEnabled(
            self.enrol_button.isEnabled() and chosen is not None and not chosen.revoked
        )

    def _on_enrol(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose the card of the desk to enrol"),
            "",
            _("Desk cards (*.passerelle-card);;All files (*)"),
        )
        if not chosen:
            return
        path = Path(chosen)
        try:
            with path.open("rb") as file:
                card = DeskCard.from_bytes(file.read(_CARD_READ_LIMIT_BYTES))
        except OSError as error:
            self._show_desks_failure(
                _FileError(_CARD_UNREADABLE, path=str(path), reason=error.strerror or str(error))
            )
            return
        except MessageError as error:
            self._show_desks_failure(error)
            return
        answer = QMessageBox.question(
            self,
            _("Enrol a desk"),
            _(
                "The card of “%(name)s” shows this fingerprint:\n\n%(digits)s\n\n"
                "Do these digits match the ones shown on that desk?"
            )
            % {"name": card.name, "digits": fingerprint(card)},
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            _show_status(
                self.desks_status,
                _("Not enrolled: the digits must match before a desk is enrolled."),
            )
            return

        def enrol(store: Store, _progress: Any) -> DeskState:
            enroll(store, card)
            return read_desk_state(store)

        def enrolled(state: DeskState) -> None:
            self._show_state(state, with_setting=False)
            _show_status(self.desks_status, _("“%(name)s” is enrolled.") % {"name": card.name})

        self._run(enrol, enrolled, self._show_desks_failure)

    def _on_revoke(self) -> None:
        chosen = self.selected_peer()
        if chosen is None or chosen.revoked:
            return
        if chosen.role == "recovery":
            question = _(
                "Revoke the recovery key “%(name)s”? Bundles made from now on will no "
                "longer be encrypted to it. This cannot be undone."
            )
        else:
            question = _(
                "Revoke “%(name)s”? It will receive no more bundles from this desk, and the "
                "bundles it sends from now on will be refused. This cannot be undone."
            )
        answer = QMessageBox.question(
            self,
            _("Revoke"),
            question % {"name": chosen.name},
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        peer_id, name = chosen.id, chosen.name

        def revoke_peer(store: Store, _progress: Any) -> DeskState:
            revoke(store, peer_id)
            return read_desk_state(store)

        def revoked(state: DeskState) -> None:
            self._show_state(state, with_setting=False)
            _show_status(self.desks_status, _("“%(name)s” is revoked.") % {"name": name})

        self._run(revoke_peer, revoked, self._show_desks_failure)

    def _on_write_recovery_key(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Write the recovery key"),
            str(Path(folder) / "passerelle-recovery-key.txt"),
            _("Key files (*.txt);;All files (*)"),
        )
        if not chosen:
            return
        path = Path(chosen)

        def write(store: Store, _progress: Any) -> DeskState:
            write_recovery_key(store, path)
            return read_desk_state(store)

        def written(state: DeskState) -> None:
            self._show_state(state, with_setting=False)
            _show_status(
                self.desks_status, _("The recovery key is written to %(path)s.") % {"path": path}
            )
            QMessageBox.information(
                self,
                _("Recovery key"),
                _(
                    "The recovery key is written to %(path)s.\n\nKeep it offline, in a safe "
                    "place, and not on this computer: whoever holds it can open every "
                    "bundle of the centre made from now on."
                )
                % {"path": path},
            )

        self._run(write, written, self._show_desks_failure)

    def _show_desks_failure(self, error: BaseException) -> None:
        _show_status(self.desks_status, _words(error), warning=True)

    # Sync now -----------------------------------------------------------------------------

    def _on_sync_now(self) -> None:
        """Save the form's choice if it changed, then exchange bundles on the worker,
        with progress that can be cancelled."""
        if self._cancel_sync is not None:
            return
        setting = self.form_setting()
        if setting is None:
            self.tabs.setCurrentIndex(0)
            self._show_report([(_("Choose where bundles go first."), True)])
            return
        typed = self.password.text() if setting.kind == "webdav" else ""
        password = self._password_for(setting)
        if setting != self._saved or typed:
            # Queued first: the worker runs jobs in order, and the choice is kept even
            # if the exchange then fails.
            self._run(
                _save_job(setting, typed),
                lambda kept: self._on_saved(setting, typed, kept, announce=False),
                lambda error: self._show_report([(_words(error), True)]),
            )
        folders = self._folders

        def sync(store: Store, progress: Callable[[int, int], bool]) -> SyncReport:
            def keep_going(done: int, total: int) -> bool:
                if not progress(done, total):
                    raise SyncCancelled
                return True

            keep_going(0, 1)
            transport = open_transport(setting, password)
            try:
                return sync_with(store, transport, folders, keep_going)
            finally:
                _close(transport)

        dialog = QProgressDialog(
            _("Exchanging bundles with the other desks…"), _("Cancel"), 0, 0, self
        )
        dialog.setWindowTitle(_("Sync"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        self.progress_dialog = dialog
        self.sync_button.setEnabled(False)

        def progressed(done: int, total: int) -> None:
            if shiboken6.isValid(dialog):
                dialog.setMaximum(max(total, 1))
                dialog.setValue(min(done, total))

        def finished() -> None:
            self._cancel_sync = None
            self.progress_dialog = None
            if shiboken6.isValid(dialog):
                dialog.close()
                dialog.deleteLater()
            self.sync_button.setEnabled(True)

        def succeeded(report: SyncReport) -> None:
            if not shiboken6.isValid(self):
                return
            finished()
            self.last_report = report
            self._show_report(report_lines(report))
            self.synced.emit(report)

        def failed(error: BaseException) -> None:
            if not shiboken6.isValid(self):
                return
            finished()
            if isinstance(error, SyncCancelled):
                line = _(
                    "Sync cancelled. What was already exchanged is kept; the rest goes next time."
                )
                self._show_report([(line, False)])
            else:
                self._show_report([(_words(error), True)])

        cancel = self._worker.run(
            sync,
            on_success=succeeded,
            on_failure=failed,
            on_progress=progressed,
            topics=SYNC_TOPICS,
        )
        self._cancel_sync = cancel
        # Not ``connect(cancel)`` bound to a shared object: see sheet_output.
        dialog.canceled.connect(lambda: cancel())

    def _show_report(self, lines: list[tuple[str, bool]]) -> None:
        stamp = _("Sync of %(time)s") % {"time": format_time(datetime.now())}
        parts = [f"<p><b>{html.escape(stamp)}</b></p>"]
        for text, warning in lines:
            if warning:
                parts.append(
                    f'<p style="color: {_WARNING_COLOUR};">{WARNING_SIGN} {html.escape(text)}</p>'
                )
            else:
                parts.append(f"<p>{html.escape(text)}</p>")
        self.report.setText("".join(parts))
        self.report_box.show()

    def report_text(self) -> str:
        """The report as plain text, as a screen reader would read it."""
        document = QTextDocument()
        document.setHtml(self.report.text())
        return document.toPlainText()

    def done(self, result: int) -> None:
        if self._cancel_sync is not None:
            self._cancel_sync()  # the job stops at its next step; its result is dropped
        super().done(result)

    # Running jobs -------------------------------------------------------------------------

    def _run(
        self,
        job: Callable[[Store, Callable[[int, int], bool]], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``job`` on the worker; its result reaches the dialog only while it lives."""

        def succeeded(result: Any) -> None:
            if shiboken6.isValid(self):
                on_success(result)

        def failed(error: BaseException) -> None:
            if not shiboken6.isValid(self):
                return
            if on_failure is not None:
                on_failure(error)
            else:
                _show_status(self.transport_status, _words(error), warning=True)

        self._worker.run(job, on_success=succeeded, on_failure=failed)


def _save_job(
    setting: TransportSetting, password: str
) -> Callable[[Store, Callable[[int, int], bool]], bool | None]:
    """Save ``setting`` and, for a share, give a typed password to the keyring: the job
    returns whether the keyring kept it (``None`` when no password was typed)."""

    def save(store: Store, _progress: Callable[[int, int], bool]) -> bool | None:
        save_transport_setting(store, setting)
        if setting.kind == "webdav" and password:
            return store_password(setting.location, setting.user, password)
        return None

    return save


def _add_checked_row(
    form: QFormLayout, label_text: str, field: QWidget, shown: QWidget, error: FieldError
) -> None:
    """``add_row`` for a field with its problem right under it: ``shown`` is the field
    or a row holding it."""
    cell = QWidget()
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(shown)
    column.addWidget(error)
    label = add_row(form, label_text, cell)
    label.setBuddy(field)
    cell.setAccessibleName("")
    field.setAccessibleName(label_text.replace("&", ""))


def _digits_font(scale: float = 1.0) -> QFont:
    """A fixed-width font as large as the interface's, times ``scale``: digits compared
    by eye line up."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(QGuiApplication.font().pointSizeF() * scale)
    return font


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _status_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def _show_status(label: QLabel, text: str, *, warning: bool = False) -> None:
    """``text`` in ``label``; a warning carries a sign, not colour alone."""
    label.setText(f"{WARNING_SIGN} {text}" if warning else text)
    label.setStyleSheet(f"color: {_WARNING_COLOUR};" if warning else "")
    label.show()


def _indented(layout: QFormLayout) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addSpacing(24)
    row.addLayout(layout, 1)
    return row


def _safe_name(text: str) -> str:
    kept = "".join(
        character if character.isalnum() or character in " -_" else " " for character in text
    )
    return "-".join(kept.split())[:60] or "desk"
