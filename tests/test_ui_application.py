"""Starting the app: first run, language switch, the screenshot command."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from mediator_app.i18n import current_language
from mediator_app.settings import Settings
from mediator_app.store import open_store
from mediator_app.store.accounts import accounts
from mediator_app.store.database import is_encrypted
from mediator_app.store.keyring import read_keyring
from mediator_app.store.mediators import find_mediator
from mediator_app.ui.application import DeskApp, _ensure_configured, apply_language
from mediator_app.ui.first_run import FirstRunDialog
from mediator_app.ui.screenshots import save_screenshots


def test_first_run_refuses_empty_fields(qtbot):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.centre.setText("   ")
    dialog.mediator.clear()
    dialog.accept()
    assert dialog.result_setup is None
    assert dialog.errors["centre"].isVisibleTo(dialog)
    assert dialog.errors["mediator"].isVisibleTo(dialog)


def test_first_run_configures_the_desk_and_its_mediator(qtbot, db_path, tmp_path, monkeypatch):
    store = open_store(db_path)
    settings = Settings(tmp_path / "settings.json")

    def fill_and_accept(dialog: FirstRunDialog) -> int:
        dialog.centre.setText("Centre social Les Canourgues")
        dialog.desk.setText("Accueil 2")
        dialog.mediator.setText("Inès Moreau")
        dialog.passphrase.setText("le pont des arts 9")
        dialog.confirmation.setText("le pont des arts 9")
        dialog.country.setCurrentIndex(dialog.country.findData("PT"))
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(FirstRunDialog, "exec", fill_and_accept)
    store = _ensure_configured(store, settings)
    desk = store.desk
    assert desk.configured and desk.centre_name == "Centre social Les Canourgues"
    assert desk.name == "Accueil 2" and desk.country == "PT" and desk.language == "en"
    assert find_mediator(store, desk.mediator_id).name == "Inès Moreau"
    assert Settings(tmp_path / "settings.json")["language"] == "en"
    # The desk's keys are made at first run, ready for its card.
    assert store.conn.execute("SELECT COUNT(*) FROM desk_secret").fetchone() == (1,)
    # The first mediator is the desk's admin, and the database is encrypted with their
    # passphrase from the start.
    (account,) = accounts(store)
    assert account.name == "Inès Moreau" and account.is_admin
    assert store.key is not None and is_encrypted(db_path)
    assert read_keyring(db_path).unlock("le pont des arts 9") == (store.key, desk.mediator_id)
    assert b"Canourgues" not in db_path.read_bytes()
    # Once configured, the dialog is not shown again.
    monkeypatch.setattr(FirstRunDialog, "exec", lambda dialog: 0)
    assert _ensure_configured(store, settings) is store
    store.close()


def test_first_run_refuses_a_short_or_mistyped_passphrase(qtbot):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.centre.setText("Centre social")
    dialog.mediator.setText("Inès")
    dialog.passphrase.setText("court")
    dialog.accept()
    assert dialog.result_setup is None and dialog.errors["passphrase"].isVisibleTo(dialog)
    dialog.passphrase.setText("une longue phrase")
    dialog.confirmation.setText("une longue phrasE")
    dialog.accept()
    assert dialog.result_setup is None and dialog.errors["confirmation"].isVisibleTo(dialog)
    assert not dialog.errors["passphrase"].isVisibleTo(dialog)
    dialog.confirmation.setText("une longue phrase")
    dialog.accept()
    assert dialog.result_setup is not None
    assert dialog.result_setup.passphrase == "une longue phrase"


def test_cancelled_first_run_leaves_the_desk_unconfigured(qtbot, db_path, tmp_path, monkeypatch):
    store = open_store(db_path)
    monkeypatch.setattr(FirstRunDialog, "exec", lambda dialog: 0)
    assert _ensure_configured(store, Settings(tmp_path / "settings.json")) is None
    assert not store.desk.configured
    store.close()


def test_language_switch_rebuilds_the_window(qtbot, store, tmp_path):
    app = QApplication.instance()
    settings = Settings(tmp_path / "settings.json")
    apply_language(app, "en")
    desk_app = DeskApp(app, store, settings)
    try:
        first = desk_app.show_window()  # closed and deleted by the switch itself
        assert first.tabs.tabText(1) == "&Today"
        desk_app.change_language("fr")
        second = desk_app.window
        qtbot.addWidget(second)
        assert second is not first
        assert current_language() == "fr"
        assert Settings(tmp_path / "settings.json")["language"] == "fr"
        assert second.tabs.tabText(1).replace("&", "") == "Aujourd'hui"
        assert second.search_box.placeholderText() != first.search_box.placeholderText()
    finally:
        desk_app.worker.stop()


def test_screenshot_command_renders_every_screen(qtbot, tmp_path):
    from mediator_app.demo import generate_demo

    database = tmp_path / "demo.db"
    store = open_store(database)
    generate_demo(store, residents=40, sessions=300, seed=3)
    store.close()
    out = tmp_path / "shots"
    assert save_screenshots(database, out, "en") == 0
    names = sorted(path.name for path in out.glob("*.png"))
    assert names == [
        "01-residents.png",
        "02-search-and-file.png",
        "03-session.png",
        "04-anonymous-visit.png",
        "05-new-resident-duplicates.png",
        "06-today.png",
        "07-first-run.png",
        "08-workshops.png",
        "09-attendance-entry.png",
        "10-skills.png",
        "11-reassessment.png",
        "12-goals.png",
        "13-passport.png",
        "14-statistics.png",
    ]
    for name in ("01-residents.png", "10-skills.png", "14-statistics.png"):
        main_screen = QImage(str(out / name))
        assert (main_screen.width(), main_screen.height()) == (1366, 768)
        assert not _is_blank(main_screen)


def _is_blank(image: QImage) -> bool:
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)
    }
    return len(colours) < 3


def test_project_paths_point_at_the_checkout():
    from mediator_app import paths

    assert (paths.resources_dir().parent / "mediator_app").is_dir()
    assert paths.catalogue_dir().name == "i18n"
    assert Path(paths.default_database_path()).name == "passerelle.db"


def test_the_application_has_its_icon(qtbot):
    from mediator_app.ui.application import make_application

    icon = make_application().windowIcon()
    assert not icon.isNull()
    assert not icon.pixmap(32, 32).toImage().isNull()


def test_the_demo_database_is_made_on_first_use(qtbot, tmp_path, monkeypatch):
    from mediator_app.ui import application

    monkeypatch.setattr(application, "DEMO_RESIDENTS", 30)
    monkeypatch.setattr(application, "DEMO_SESSIONS", 200)
    path = tmp_path / "demo.db"
    assert application._make_demo_database(path)
    assert not path.with_name("demo.db.part").exists()
    store = open_store(path)
    try:
        assert store.residents.count() >= 28
        assert store.desk.configured
    finally:
        store.close()


def test_run_gui_opens_the_demo_and_closes_cleanly(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QTimer

    from mediator_app.ui import application

    monkeypatch.setattr(application, "DEMO_RESIDENTS", 30)
    monkeypatch.setattr(application, "DEMO_SESSIONS", 200)
    shown = []

    def look_and_close() -> None:
        """Once the main window is up (the demo is made first), note it and close it."""
        windows = [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget.objectName() == "mainWindow" and widget.isVisible()
        ]
        if not windows:
            QTimer.singleShot(100, look_and_close)
            return
        shown.append((windows[0].objectName(), windows[0].windowTitle()))
        windows[0].close()

    QTimer.singleShot(100, look_and_close)
    settings = Settings(tmp_path / "settings.json")
    real_install = application.install_error_handler
    monkeypatch.setattr(
        application, "install_error_handler", lambda app: real_install(app, tmp_path / "log")
    )
    hook = sys.excepthook
    code = application.run_gui(tmp_path / "demo.db", settings, demo=True, language="fr")
    assert code == 0
    assert sys.excepthook is hook  # the app's error handler is taken away with it
    assert shown == [("mainWindow", "Passerelle – Centre social AAGESC – Les Canourgues")]


def test_closing_the_app_makes_a_backup_beside_the_database(qtbot, db_path, tmp_path):
    from mediator_app.store.backups import backup_folder, list_backups

    store = open_store(db_path)
    store.ensure_desk(name="Desk 1", configured=True)
    desk_app = DeskApp(QApplication.instance(), store, Settings(tmp_path / "settings.json"))
    desk_app._back_up("daily")
    qtbot.addWidget(desk_app.show_window())
    desk_app.window.close()
    desk_app.stop()
    made = [info.reason for info in list_backups(backup_folder(db_path))]
    # The daily one at start; on close, none: the last is less than an hour old.
    assert made == ["daily"]


def test_closing_makes_a_backup_when_none_is_recent(qtbot, db_path, tmp_path):
    from mediator_app.store.backups import backup_folder, list_backups

    store = open_store(db_path)
    store.ensure_desk(name="Desk 1", configured=True)
    desk_app = DeskApp(QApplication.instance(), store, Settings(tmp_path / "settings.json"))
    qtbot.addWidget(desk_app.show_window())
    desk_app.window.close()
    desk_app.stop()
    assert [info.reason for info in list_backups(backup_folder(db_path))] == ["close"]


def test_a_damaged_database_is_replaced_by_the_latest_backup_if_asked(qtbot, db_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from mediator_app.domain.resident import Resident
    from mediator_app.store.backups import backup_folder, make_backup
    from mediator_app.ui.application import open_or_offer_restore

    store = open_store(db_path)
    store.residents.create(
        Resident(first_name="Hélène", last_name="Petit", consent_date="2026-01-05",
                 consent_version="2026-1"),
    )  # fmt: skip
    make_backup(store, backup_folder(db_path))
    store.close()
    for leftover in db_path.parent.glob(db_path.name + "-*"):
        leftover.unlink()
    db_path.write_bytes(b"this is not a database any more" * 100)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    assert open_or_offer_restore(db_path) is None
    assert db_path.read_bytes().startswith(b"this is not")
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    restored = open_or_offer_restore(db_path)
    assert restored is not None
    assert [r.first_name for r in restored.residents.search("helene")] == ["Hélène"]
    restored.close()
    assert list(db_path.parent.glob(db_path.name + ".before-restore-*"))
