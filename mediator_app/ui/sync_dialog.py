"""The Sync dialog: where this desk's bundles go (a shared folder or a WebDAV share),
this desk's card to enrol on the others, the desks enrolled here, and "Sync now".

Everything the dialog reads or writes runs on the worker, which has its own connection:
the dialog only shows what the jobs return. A sync that imports bundles changes
residents, sessions, workshops and skills, so it names those topics, and ``synced``
carries its report for the window's status.

Each tab is a page of its own module (``sync_setup``, ``sync_card``, ``sync_desks``);
the dialog holds them, the report of the last sync and "Sync now", and runs their jobs.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mediator_app.i18n import _, format_time
from mediator_app.store import Store
from mediator_app.sync.desk_sync import SyncFolders, SyncReport
from mediator_app.sync.keys import Peer
from mediator_app.sync.settings import TransportSetting
from mediator_app.ui.sync_card import CardPage
from mediator_app.ui.sync_desks import DesksPage
from mediator_app.ui.sync_jobs import (
    SYNC_TOPICS,
    DeskState,
    PeerRow,
    SyncCancelled,
    open_transport,
    read_desk_state,
    sync_job,
)
from mediator_app.ui.sync_messages import report_lines, words
from mediator_app.ui.sync_peers import ROLE_LABELS, PeerTableModel
from mediator_app.ui.sync_setup import TransportPage
from mediator_app.ui.sync_widgets import WARNING_COLOUR
from mediator_app.ui.widgets import WARNING_SIGN, scrolling
from mediator_app.ui.worker import DatabaseWorker

# The names this module has always offered, now made beside it.
__all__ = [
    "PROGRESS_DELAY_MS",
    "ROLE_LABELS",
    "SYNC_TOPICS",
    "DeskState",
    "PeerRow",
    "PeerTableModel",
    "SyncCancelled",
    "SyncDialog",
    "open_transport",
    "read_desk_state",
    "report_lines",
]

#: Wait this long before showing the progress of a sync: a quick one shows none.
PROGRESS_DELAY_MS = 400
#: The width the dialog asks for, in average characters: the peers table fits in it.
_WIDTH_CHARS = 100
#: Lines kept below the tabs for the report of the last sync.
_REPORT_LINES = 6


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
        self._cancel_sync: Callable[[], None] | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.last_report: SyncReport | None = None
        self._build(session_password)
        self._load()

    @property
    def session_password(self) -> str | None:
        return self.transport_page.session_password

    # Building -------------------------------------------------------------------------

    def _build(self, session_password: str | None) -> None:
        self.transport_page = TransportPage(self._run, session_password=session_password)
        self.transport_page.setting_saved.connect(self._show_destination)
        self.card_page = CardPage(self._run)
        self.desks_page = DesksPage(self._run)
        self.desks_page.state_read.connect(self._on_state_read)
        self.desks_page.table_fitted.connect(self._fit_to_screen)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("syncTabs")
        self.tabs.addTab(scrolling(self.transport_page), _("&Where bundles go"))
        self.tabs.addTab(scrolling(self.card_page), _("This desk's &card"))
        self.tabs.addTab(scrolling(self.desks_page), _("D&esks of the centre"))
        self._name_the_pages_widgets()

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

    def _name_the_pages_widgets(self) -> None:
        """The pages' widgets under the names the dialog always gave them: the window and
        the tests reach them here."""
        setup, card, desks = self.transport_page, self.card_page, self.desks_page
        self.folder_choice, self.webdav_choice = setup.folder_choice, setup.webdav_choice
        self.folder_path, self.choose_folder = setup.folder_path, setup.choose_folder
        self.address, self.user, self.password = setup.address, setup.user, setup.password
        self.folder_error = setup.folder_error
        self.address_error, self.user_error = setup.address_error, setup.user_error
        self.save_button, self.test_button = setup.save_button, setup.test_button
        self.transport_status, self.password_note = setup.transport_status, setup.password_note
        self.desk_name, self.fingerprint = card.desk_name, card.fingerprint
        self.fingerprint_qr = card.fingerprint_qr
        self.save_card_button, self.card_status = card.save_card_button, card.card_status
        self.peer_model, self.peer_table = desks.peer_model, desks.peer_table
        self.no_peer = desks.no_peer
        self.enrol_button, self.revoke_button = desks.enrol_button, desks.revoke_button
        self.recovery_button, self.desks_status = desks.recovery_button, desks.desks_status

    # Showing what the worker read -----------------------------------------------------

    def _load(self) -> None:
        self._run(lambda store, _progress: read_desk_state(store), self._show_state)

    def _show_state(self, state: DeskState, *, with_setting: bool = True) -> None:
        self.card_page.show_card(state)
        self.desks_page.show_peers(state.peers)
        if with_setting:
            self.transport_page.show_setting(state.setting)
        self._set_ready(True)

    def _on_state_read(self, state: DeskState) -> None:
        """A page changed the peers: show all it read again, but not the saved choice
        over what the form holds."""
        self._show_state(state, with_setting=False)

    def _show_destination(self, setting: TransportSetting | None) -> None:
        if setting is None:
            text = _("Choose where bundles go, then sync.")
        elif setting.kind == "folder":
            text = _("Bundles go to the folder %(path)s.") % {"path": setting.location}
        else:
            text = _("Bundles go to the share %(address)s.") % {"address": setting.location}
        self.destination.setText(text)

    def _fit_to_screen(self) -> None:
        """Grow to show every page, the report and the peers table whole, but never
        beyond the screen: pages scroll when the fonts are large. Never shrinks, so a
        size the mediator chose is kept."""
        metrics = self.fontMetrics()
        pages = [self.tabs.widget(index) for index in range(self.tabs.count())]
        hints = [page.widget().sizeHint() for page in pages if isinstance(page, QScrollArea)]
        peer_table = self.desks_page.peer_table
        header = peer_table.horizontalHeader()
        table_width = header.length() + peer_table.verticalScrollBar().sizeHint().width()
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
        self.transport_page.set_ready(ready)
        self.card_page.set_ready(ready)
        self.desks_page.set_ready(ready)
        self.sync_button.setEnabled(ready and self._cancel_sync is None)

    # What the pages know ----------------------------------------------------------------

    def form_setting(self) -> TransportSetting | None:
        """The choice the form shows, or ``None`` with what is missing said beside the
        fields."""
        return self.transport_page.form_setting()

    def selected_peer(self) -> Peer | None:
        return self.desks_page.selected_peer()

    # Sync now -----------------------------------------------------------------------------

    def _on_sync_now(self) -> None:
        """Save the form's choice if it changed, then exchange bundles on the worker,
        with progress that can be cancelled."""
        if self._cancel_sync is not None:
            return
        setup = self.transport_page
        setting = setup.form_setting()
        if setting is None:
            self.tabs.setCurrentIndex(0)
            self._show_report([(_("Choose where bundles go first."), True)])
            return
        typed = setup.typed_password(setting)
        password = setup.password_for(setting)
        if setting != setup.saved_setting or typed:
            # Queued first: the worker runs jobs in order, and the choice is kept even
            # if the exchange then fails.
            setup.save(
                setting,
                typed,
                announce=False,
                on_failure=lambda error: self._show_report([(words(error), True)]),
            )

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
                self._show_report([(words(error), True)])

        cancel = self._worker.run(
            sync_job(setting, password, self._folders),
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
                    f'<p style="color: {WARNING_COLOUR};">{WARNING_SIGN} {html.escape(text)}</p>'
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
                self.transport_page.show_failure(error)

        self._worker.run(job, on_success=succeeded, on_failure=failed)
