"""The "Desks of the centre" page of the Sync dialog: the desks enrolled here, enrolling
one from its card once the digits match, revoking one, and the recovery key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.validation import MessageError
from mediator_app.i18n import N_, _
from mediator_app.store import Store
from mediator_app.sync.keys import DeskCard, Peer, enroll, fingerprint, revoke
from mediator_app.ui.sync_jobs import DeskState, PeerRow, RunJob, read_desk_state
from mediator_app.ui.sync_messages import FileError, words
from mediator_app.ui.sync_peers import PeerTableModel
from mediator_app.ui.sync_recovery import ask_and_write_recovery_key
from mediator_app.ui.sync_widgets import show_status, status_label, wrapped

#: A card is a few hundred bytes: read no more than this of a file chosen by mistake.
_CARD_READ_LIMIT_BYTES = 64 * 1024 + 1
_CARD_UNREADABLE = N_("The file %(path)s cannot be read (%(reason)s).")


class DesksPage(QWidget):
    """The desks, coordinators and recovery keys enrolled here, and what changes them.

    ``state_read`` carries the :class:`DeskState` read again after a change, for the
    whole dialog to show. ``table_fitted`` says the table's columns were fitted to new
    rows, so the dialog may grow to show it whole. ``run`` runs the page's jobs on the
    worker.
    """

    state_read = Signal(object)
    table_fitted = Signal()

    def __init__(self, run: RunJob, parent: QWidget | None = None):
        super().__init__(parent)
        self._run = run
        self._build()

    def _build(self) -> None:
        intro = wrapped(
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
        self.no_peer = wrapped(
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
        self.desks_status = status_label()

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.peer_table, 1)
        layout.addWidget(self.no_peer)
        layout.addLayout(buttons)
        layout.addWidget(self.desks_status)

    def set_ready(self, ready: bool) -> None:
        """Let the buttons act once the worker has read the desk."""
        self.enrol_button.setEnabled(ready)
        self.recovery_button.setEnabled(ready)
        self._on_peer_selected()

    def show_peers(self, rows: tuple[PeerRow, ...]) -> None:
        self.peer_model.set_rows(rows)
        self.peer_table.resizeColumnsToContents()
        self.table_fitted.emit()
        self.no_peer.setVisible(not rows)
        self._on_peer_selected()

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
            self.window(),
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
            self._show_failure(
                FileError(_CARD_UNREADABLE, path=str(path), reason=error.strerror or str(error))
            )
            return
        except MessageError as error:
            self._show_failure(error)
            return
        answer = QMessageBox.question(
            self.window(),
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
            show_status(
                self.desks_status,
                _("Not enrolled: the digits must match before a desk is enrolled."),
            )
            return

        def enrol(store: Store, _progress: Any) -> DeskState:
            enroll(store, card)
            return read_desk_state(store)

        def enrolled(state: DeskState) -> None:
            self._show_change(state, _("“%(name)s” is enrolled.") % {"name": card.name})

        self._run(enrol, enrolled, self._show_failure)

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
            self.window(),
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
            self._show_change(state, _("“%(name)s” is revoked.") % {"name": name})

        self._run(revoke_peer, revoked, self._show_failure)

    def _on_write_recovery_key(self) -> None:
        ask_and_write_recovery_key(
            self.window(), self._run, on_written=self._show_change, on_failure=self._show_failure
        )

    def _show_change(self, state: DeskState, line: str) -> None:
        """The state read after a change, then ``line`` saying what changed."""
        self.state_read.emit(state)
        show_status(self.desks_status, line)

    def _show_failure(self, error: BaseException) -> None:
        show_status(self.desks_status, words(error), warning=True)
