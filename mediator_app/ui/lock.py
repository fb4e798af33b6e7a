"""Locking the desk: after some idle minutes or on demand, every window is hidden until a
mediator types their passphrase. Nothing is lost: open forms come back as they were."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from mediator_app.i18n import _
from mediator_app.store import Store
from mediator_app.store.accounts import accounts, has_accounts, verify
from mediator_app.ui.unlock_dialog import UnlockDialog, unlock_title

DEFAULT_IDLE_MINUTES = 10

#: What counts as someone at the desk.
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class DeskLock(QObject):
    """Watches the app's input; locks after ``idle_minutes`` without any (0: never)."""

    #: The mediator who unlocked: later changes are theirs.
    unlocked = Signal(str)

    def __init__(self, app: QApplication, store: Store, idle_minutes: int = DEFAULT_IDLE_MINUTES):
        super().__init__(app)
        self._app = app
        self._store = store
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.lock)
        self.is_locked = False
        self.dialog: UnlockDialog | None = None
        self.set_idle_minutes(idle_minutes)
        app.installEventFilter(self)

    def stop(self) -> None:
        """Stop watching: the app is closing this desk."""
        self._timer.stop()
        self._app.removeEventFilter(self)
        self.deleteLater()

    def set_store(self, store: Store) -> None:
        """The store reopened (encrypted): accounts are checked against it from now."""
        self._store = store

    def set_idle_minutes(self, minutes: int) -> None:
        self._idle_ms = max(0, int(minutes)) * 60_000
        self._restart()

    @property
    def available(self) -> bool:
        """Locking needs at least one account to unlock with."""
        return has_accounts(self._store)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and not self.is_locked:
            self._restart()
        return False

    def lock(self) -> bool:
        """Hide every window and ask for a passphrase; returns once unlocked, or False
        at once when there is nobody to unlock with. Quitting from the lock ends the app."""
        if self.is_locked or not self.available:
            return False
        self.is_locked = True
        hidden = [w for w in self._app.topLevelWidgets() if w.isVisible()]
        for widget in hidden:
            widget.hide()
        try:
            unlocked_by = self._ask()
        finally:
            self.is_locked = False
        if unlocked_by is None:
            self._app.quit()
            return True
        for widget in hidden:
            widget.show()
        self._store.mediator_id = unlocked_by
        self.unlocked.emit(unlocked_by)
        self._restart()
        return True

    def _ask(self) -> str | None:
        people = [(a.mediator_id, a.name) for a in accounts(self._store)]
        self.dialog = UnlockDialog(
            people,
            lambda mediator_id, passphrase: (
                mediator_id if verify(self._store, mediator_id, passphrase) else None
            ),
            title=unlock_title(),
            explanation=_(
                "The desk was locked to protect the residents' data. Type your passphrase "
                "to go on where you were."
            ),
            current=self._store.mediator_id,
        )
        try:
            return self.dialog.unlocked_by if self.dialog.exec() else None
        finally:
            self.dialog.deleteLater()
            self.dialog = None

    def _restart(self) -> None:
        if self._idle_ms:
            self._timer.start(self._idle_ms)
        else:
            self._timer.stop()
