"""Sync in the background, and its state in the window's status bar.

When a way to reach the other desks is set up, the desk syncs on its own: when the
network comes back (Qt's network information) and every few minutes, on the worker, so
the window never waits. A failure there is said in the status line, never in a pop-up:
being offline is normal, and bundles simply wait in the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtNetwork import QNetworkInformation
from PySide6.QtWidgets import QLabel, QWidget

from mediator_app.domain.validation import MessageError
from mediator_app.i18n import _, format_time, ngettext
from mediator_app.store import Store
from mediator_app.sync.desk_sync import SyncFolders, SyncSummary, sync_summary, sync_with
from mediator_app.ui.worker import DatabaseWorker

#: Every so often, even without a network change: a share may come back on its own.
AUTO_SYNC_INTERVAL_MS = 10 * 60 * 1000
#: What a sync can change, for the views to refresh.
SYNC_TOPICS = ("residents", "sessions", "workshops", "skills", "sync")


def status_text(summary: SyncSummary, error: str = "") -> str:
    """One line: when the desk last exchanged bundles, and what waits."""
    if not summary.configured:
        return _("Sync: not set up")
    parts = []
    if summary.last_exchange_at:
        moment = datetime.fromisoformat(summary.last_exchange_at).astimezone()
        parts.append(_("Synced at %(time)s") % {"time": format_time(moment)})
    else:
        parts.append(_("Never synced"))
    if summary.outgoing:
        parts.append(
            ngettext("%(count)s bundle to send", "%(count)s bundles to send", summary.outgoing)
            % {"count": summary.outgoing}
        )
    if summary.conflicts:
        parts.append(
            ngettext("%(count)s conflict", "%(count)s conflicts", summary.conflicts)
            % {"count": summary.conflicts}
        )
    if summary.refused:
        parts.append(
            ngettext("%(count)s bundle refused", "%(count)s bundles refused", summary.refused)
            % {"count": summary.refused}
        )
    if error:
        parts.append(error)
    return " · ".join(parts)


class SyncStatus(QLabel):
    """The status-bar line; a click asks for the sync dialog."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(_("Sync with the other desks: click for details"))

    def mousePressEvent(self, event) -> None:
        self.clicked.emit()
        super().mousePressEvent(event)


class AutoSync(QObject):
    """Runs a sync on the worker when the network comes back and every few minutes,
    one at a time; ``finished`` carries the report, ``failed`` the words of an error."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        store: Store,
        worker: DatabaseWorker,
        database: Path,
        parent: QObject | None = None,
        *,
        interval_ms: int = AUTO_SYNC_INTERVAL_MS,
        transport_for: Callable[[Store], object] | None = None,
    ):
        super().__init__(parent)
        self._store = store
        self._worker = worker
        self._folders = SyncFolders.beside(database)
        self._running = False
        self._transport_for = transport_for
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.sync_now)
        self.timer.start()
        network = QNetworkInformation.instance()
        if network is None and QNetworkInformation.loadDefaultBackend():
            network = QNetworkInformation.instance()
        if network is not None:
            network.reachabilityChanged.connect(self._on_reachability_changed)

    @property
    def folders(self) -> SyncFolders:
        return self._folders

    @property
    def running(self) -> bool:
        return self._running

    def summary(self) -> SyncSummary:
        return sync_summary(self._store, self._folders)

    def _on_reachability_changed(self, reachability: QNetworkInformation.Reachability) -> None:
        if reachability == QNetworkInformation.Reachability.Online:
            self.sync_now()

    def sync_now(self) -> None:
        """Start a sync unless one runs or none is set up; quietly skip when the other
        desks cannot be reached."""
        from mediator_app.sync.settings import transport_setting

        if self._running or transport_setting(self._store) is None:
            return
        self._running = True
        folders, transport_for = self._folders, self._transport_for

        def job(store: Store, _progress) -> object:
            from mediator_app.sync.settings import configured_transport

            transport = transport_for(store) if transport_for else configured_transport(store)
            if not transport.is_reachable():
                return None
            return sync_with(store, transport, folders)

        self._worker.run(job, on_success=self._done, on_failure=self._fail, topics=SYNC_TOPICS)

    def _done(self, report: object) -> None:
        self._running = False
        self.finished.emit(report)

    def _fail(self, error: BaseException) -> None:
        self._running = False
        if isinstance(error, MessageError):
            self.failed.emit(error.render(_))
        else:
            self.failed.emit(_("Sync failed: %(error)s") % {"error": error})
