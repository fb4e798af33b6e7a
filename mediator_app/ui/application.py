"""Starting the desktop app: language, database (demo or not), first run, main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from mediator_app import APP_NAME, paths
from mediator_app.i18n import DEFAULT_LANGUAGE, _, babel_locale, set_language
from mediator_app.settings import Settings
from mediator_app.store import Store, StoreError, open_store
from mediator_app.store.accounts import accounts, create_account, has_accounts, verify
from mediator_app.store.database import is_encrypted
from mediator_app.store.encryption import encrypt_database, encrypt_desk
from mediator_app.store.keyring import Keyring, keyring_path, read_keyring
from mediator_app.store.mediators import add_mediator
from mediator_app.ui.error_handler import install_error_handler
from mediator_app.ui.first_run import FirstRunDialog
from mediator_app.ui.lock import DeskLock
from mediator_app.ui.main_window import MainWindow
from mediator_app.ui.unlock_dialog import UnlockDialog, unlock_title
from mediator_app.ui.worker import DatabaseWorker

DEMO_RESIDENTS = 400
DEMO_SESSIONS = 3000

#: Qt ships no ``qtbase_pt``: Portuguese falls back to Brazilian Portuguese.
log = logging.getLogger(__name__)
_QT_CATALOGUE_FALLBACKS = {"pt": "pt_BR"}


def apply_language(app: QApplication, language: str) -> str:
    """Use ``language`` for our catalogue, Qt's own strings and Qt's locale."""
    language = set_language(language)
    for translator in app.findChildren(QTranslator):
        app.removeTranslator(translator)
        translator.deleteLater()
    qt_translator = QTranslator(app)
    catalogue = f"qtbase_{_QT_CATALOGUE_FALLBACKS.get(language, language)}"
    if qt_translator.load(catalogue, QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_translator)
    QLocale.setDefault(QLocale(str(babel_locale(language))))
    return language


def make_application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "passerelle.svg")))
    return app


class DeskApp:
    """The running app: one store for reads, one worker for writes, one window."""

    def __init__(self, app: QApplication, store: Store, settings: Settings):
        self.app = app
        self.store = store
        self.settings = settings
        self.worker = DatabaseWorker(store.path, store.mediator_id, key=store.key)
        self.window: MainWindow | None = None
        self.lock = DeskLock(app, store, _idle_minutes(settings))
        self.lock.unlocked.connect(self.worker.set_mediator)

    def show_window(self) -> MainWindow:
        self.window = MainWindow(self.store, self.worker, self.settings)
        self.window.language_change_requested.connect(self.change_language)
        self.window.lock_requested.connect(self.lock.lock)
        self.window.encryption_requested.connect(self.encrypt)
        self.window.restore_requested.connect(self.restore)
        self.window.settings_changed.connect(
            lambda: self.lock.set_idle_minutes(_idle_minutes(self.settings))
        )
        self.window.show()
        return self.window

    def _close_database(self) -> Path | None:
        """Close the window, the worker and the store: the file may then be replaced."""
        path = self.store.path
        if path is None:
            return None
        if self.window is not None:  # nothing may read the old connection any more
            self.window.close()
            self.window.deleteLater()
            self.window = None
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.worker.stop()
        self.store.close()
        return path

    def _reopen(self, path: Path, key: bytes | None, mediator_id: str | None) -> None:
        self.store = open_store(path, key=key)
        if mediator_id is not None:
            self.store.mediator_id = mediator_id
        self.worker = DatabaseWorker(path, self.store.mediator_id, key=key)
        self.lock.set_store(self.store)
        self.show_window()

    def restore(self, backup: Path) -> None:
        """Put ``backup`` in place of the database (the current one kept aside) and
        reopen; a refused backup changes nothing and the database opens again."""
        key, mediator_id = self.store.key, self.store.mediator_id
        path = self._close_database()
        if path is None:
            return
        from mediator_app.store.backups import restore

        problem = None
        try:
            kept = restore(path, backup, key=key)
        except StoreError as error:
            problem = error.render(_)
        except OSError as error:
            problem = error.strerror or str(error)
        self._reopen(path, key, mediator_id)
        if problem is not None:
            QMessageBox.critical(self.window, APP_NAME, problem)
        else:
            message = _("The backup %(name)s is back in place.") % {"name": backup.name}
            if kept is not None:
                message += " " + _("The database it replaced is kept as %(name)s.") % {
                    "name": kept.name
                }
            QMessageBox.information(self.window, APP_NAME, message)

    def encrypt(self, mediator_id: str, passphrase: str) -> None:
        """Encrypt the clear database for this mediator, then reopen it with its key in a
        new window; on refusal, the database stays as it was and opens again."""
        path = self._close_database()
        if path is None:
            return
        key, problem = None, None
        try:
            key = encrypt_desk(path, mediator_id, passphrase)
        except StoreError as error:
            problem = error.render(_)
        except OSError as error:
            problem = error.strerror or str(error)
        self._reopen(path, key, mediator_id if key is not None else None)
        if problem is not None:
            QMessageBox.critical(self.window, APP_NAME, problem)
        else:
            QMessageBox.information(
                self.window,
                APP_NAME,
                _(
                    "The database and its backups are encrypted. Keep a recovery key for "
                    "the centre."
                ),
            )

    def change_language(self, language: str) -> None:
        """Rebuild the window in the new language; nothing is lost since every write is
        already saved."""
        self.settings["language"] = language
        self.settings.save()
        apply_language(self.app, language)
        old = self.window
        self.show_window()
        if old is not None:
            old.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            old.close()

    def stop(self) -> None:
        from mediator_app.ui.workshops.scans import remove_scan_copies

        self.lock.stop()
        self.worker.stop()
        remove_scan_copies()
        self.store.close()
        self._back_up("close")

    def _back_up(self, reason: str) -> None:
        """An automatic backup beside the database (at most one an hour on close, one a
        day at start), the oldest removed past ten. A failure is logged, never blocks."""
        from datetime import timedelta

        from mediator_app.store.backups import backup_if_due

        if self.store.path is None:
            return
        every = timedelta(hours=1) if reason == "close" else timedelta(days=1)
        try:
            backup_if_due(self.store.path, every=every, reason=reason, key=self.store.key)
        except StoreError:
            log.exception("automatic backup failed")


def _idle_minutes(settings: Settings) -> int:
    return int(settings["lock_after_minutes"])


def open_database(path: Path) -> Store | None:
    """Open the database at start: an encrypted one with a mediator's passphrase (or
    the recovery key), a clear one with accounts after its mediator's passphrase.
    ``None`` when it stays closed (the reason was shown)."""
    key, mediator_id = None, None
    if is_encrypted(path) and keyring_path(path).exists():
        try:
            ring = read_keyring(path)
        except StoreError as error:
            QMessageBox.critical(None, APP_NAME, error.render(_))
            return None
        dialog = UnlockDialog(
            ring.mediators,
            lambda person, passphrase: _unwrap_or_none(ring, person, passphrase),
            recovery=ring.unlock_with_recovery,
            title=unlock_title(),
            explanation=_(
                "The residents' data on this desk is encrypted. Choose your name and type "
                "your passphrase."
            ),
        )
        if not dialog.exec():
            return None
        key, mediator_id = dialog.result_value, dialog.unlocked_by
    store = open_or_offer_restore(path, key)
    if store is None:
        return None
    if key is None and has_accounts(store):
        people = [(a.mediator_id, a.name) for a in accounts(store)]
        dialog = UnlockDialog(
            people,
            lambda person, passphrase: person if verify(store, person, passphrase) else None,
            title=unlock_title(),
            explanation=_("Choose your name and type your passphrase."),
            current=store.mediator_id,
        )
        if not dialog.exec():
            store.close()
            return None
        mediator_id = dialog.unlocked_by
    if mediator_id is not None:
        store.mediator_id = mediator_id
    return store


def _unwrap_or_none(ring: Keyring, mediator_id: str, passphrase: str) -> bytes | None:
    try:
        return ring.unlock(passphrase, mediator_id)[0]
    except StoreError:
        return None


def open_or_offer_restore(path: Path, key: bytes | None = None) -> Store | None:
    """Open the database; when it is damaged and a backup exists, offer to put the latest
    backup in its place (the damaged file is kept aside). ``None`` when it stays closed."""
    from mediator_app.store.backups import backup_folder, latest_backup, restore
    from mediator_app.store.errors import DatabaseUnreadableError

    try:
        return open_store(path, key=key)
    except DatabaseUnreadableError as error:
        backup = latest_backup(backup_folder(path))
        if backup is None:
            QMessageBox.critical(None, APP_NAME, error.render(_))
            return None
        answer = QMessageBox.question(
            None,
            APP_NAME,
            error.render(_)
            + "\n\n"
            + _(
                "Put the latest backup (%(name)s) in its place? The damaged file is kept "
                "aside, and what was written since the backup is not in it."
            )
            % {"name": backup.name},
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        try:
            restore(path, backup, key=key)
            return open_store(path, key=key)
        except StoreError as failure:
            QMessageBox.critical(None, APP_NAME, failure.render(_))
            return None
    except StoreError as error:
        QMessageBox.critical(None, APP_NAME, error.render(_))
        return None


def run_gui(
    database: Path | None, settings: Settings, *, demo: bool = False, language: str | None = None
) -> int:
    app = make_application()
    errors = install_error_handler(app)  # and the log, which holds no personal data
    try:
        return _run(app, database, settings, demo=demo, language=language)
    finally:
        errors.uninstall()


def _run(
    app: QApplication,
    database: Path | None,
    settings: Settings,
    *,
    demo: bool,
    language: str | None,
) -> int:
    apply_language(app, language or settings["language"] or DEFAULT_LANGUAGE)
    path = database or Path(settings["last_database"] or paths.default_database_path())
    if demo and not path.exists() and not _make_demo_database(path):
        return 1
    store = open_database(path)
    if store is None:
        return 1
    configured = _ensure_configured(store, settings)
    if configured is None:
        store.close()
        return 0
    store = configured
    if not demo:
        settings["last_database"] = str(path)
        settings.save()
    desk_app = DeskApp(app, store, settings)
    desk_app._back_up("daily")
    desk_app.show_window()
    try:
        return app.exec()
    finally:
        desk_app.stop()


def _ensure_configured(store: Store, settings: Settings) -> Store | None:
    """Run the first-run dialog if this desk was never set up: the desk, its first
    mediator as admin, and the database encrypted with their passphrase. Returns the
    store to go on with (reopened once encrypted), ``None`` if cancelled."""
    desk = store.ensure_desk()
    if desk.configured:
        return store
    dialog = FirstRunDialog(country=desk.country)
    if not dialog.exec() or dialog.result_setup is None:
        return None
    setup = dialog.result_setup
    with store.write():  # the mediator and the desk are set up together, or not at all
        mediator = add_mediator(store, setup.mediator_name)
        store.configure_desk(
            name=setup.desk_name,
            centre_name=setup.centre_name,
            country=setup.country,
            language=setup.language,
            mediator_id=mediator.id,
        )
        create_account(store, mediator.id, setup.passphrase, "admin")
    # The desk's signing key and encryption identity are made now, at first run: its card
    # can be given to the other desks straight away.
    from mediator_app.sync.keys import desk_keys

    desk_keys(store)
    if store.path is not None and store.key is None:
        path = store.path
        store.close()
        key = encrypt_database(
            path, mediator_id=mediator.id, name=mediator.name, passphrase=setup.passphrase
        )
        store = open_store(path, key=key)
    settings["language"] = setup.language
    settings.save()
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_language(app, setup.language)
    return store


def _make_demo_database(path: Path) -> bool:
    """Make the demo database in the background, with progress shown; ``False`` when
    it could not be made (the message was shown)."""
    from mediator_app.demo import generate_demo

    partial = path.with_name(path.name + ".part")
    partial.unlink(missing_ok=True)
    progress_dialog = QProgressDialog(_("Preparing the demo centre…"), _("Cancel"), 0, 100)
    progress_dialog.setWindowTitle(APP_NAME)
    progress_dialog.setMinimumDuration(300)
    worker = DatabaseWorker(partial)
    loop = QEventLoop()
    outcome: dict[str, object] = {}

    def on_progress(done: int, total: int) -> None:
        progress_dialog.setValue(int(100 * done / max(total, 1)))

    def finish(key: str, value: object) -> None:
        outcome[key] = value
        loop.quit()

    cancel = worker.run(
        lambda store, progress: generate_demo(
            store, residents=DEMO_RESIDENTS, sessions=DEMO_SESSIONS, progress=progress
        ),
        on_success=lambda summary: finish("summary", summary),
        on_failure=lambda error: finish("error", error),
        on_progress=on_progress,
    )
    progress_dialog.canceled.connect(cancel)
    loop.exec()
    worker.stop()
    cancelled = progress_dialog.wasCanceled()
    # Closing a progress dialog counts as cancelling it: ask first, then close.
    progress_dialog.canceled.disconnect(cancel)
    progress_dialog.close()
    if "error" in outcome or cancelled:
        partial.unlink(missing_ok=True)
        if "error" in outcome:
            QMessageBox.critical(
                None,
                APP_NAME,
                _("The demo centre could not be prepared: %(error)s") % {"error": outcome["error"]},
            )
        return False
    partial.replace(path)
    return True
