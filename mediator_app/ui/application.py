"""Starting the desktop app: language, database (demo or not), first run, main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from mediator_app import APP_NAME, paths
from mediator_app.i18n import DEFAULT_LANGUAGE, _, babel_locale, set_language
from mediator_app.settings import Settings
from mediator_app.store import Store, StoreError, open_store
from mediator_app.store.mediators import add_mediator
from mediator_app.ui.first_run import FirstRunDialog
from mediator_app.ui.main_window import MainWindow
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
        desk = store.desk
        self.worker = DatabaseWorker(store.path, desk.mediator_id if desk else None)
        self.window: MainWindow | None = None

    def show_window(self) -> MainWindow:
        self.window = MainWindow(self.store, self.worker, self.settings)
        self.window.language_change_requested.connect(self.change_language)
        self.window.show()
        return self.window

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
        self.worker.stop()
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
            backup_if_due(self.store.path, every=every, reason=reason)
        except StoreError:
            log.exception("automatic backup failed")


def open_or_offer_restore(path: Path) -> Store | None:
    """Open the database; when it is damaged and a backup exists, offer to put the latest
    backup in its place (the damaged file is kept aside). ``None`` when it stays closed."""
    from mediator_app.store.backups import backup_folder, latest_backup, restore
    from mediator_app.store.errors import DatabaseUnreadableError

    try:
        return open_store(path)
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
            restore(path, backup)
            return open_store(path)
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
    apply_language(app, language or settings["language"] or DEFAULT_LANGUAGE)
    path = database or Path(settings["last_database"] or paths.default_database_path())
    if demo and not path.exists() and not _make_demo_database(path):
        return 1
    store = open_or_offer_restore(path)
    if store is None:
        return 1
    if not _ensure_configured(store, settings):
        store.close()
        return 0
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


def _ensure_configured(store: Store, settings: Settings) -> bool:
    """Run the first-run dialog if this desk was never set up; ``False`` if cancelled."""
    desk = store.ensure_desk()
    if desk.configured:
        return True
    dialog = FirstRunDialog(country=desk.country)
    if not dialog.exec() or dialog.result_setup is None:
        return False
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
    # The desk's signing key and encryption identity are made now, at first run: its card
    # can be given to the other desks straight away.
    from mediator_app.sync.keys import desk_keys

    desk_keys(store)
    settings["language"] = setup.language
    settings.save()
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_language(app, setup.language)
    return True


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
