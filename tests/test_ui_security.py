"""Opening, locking and encrypting the desk from the window: passphrases, the lock
screen, accounts, and encrypting a clear database in place."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from mediator_app.domain.resident import Resident
from mediator_app.settings import Settings
from mediator_app.store import open_store
from mediator_app.store.accounts import (
    LastAdminError,
    accounts,
    create_account,
    create_first_admin,
    find_account,
    remove_account,
    verify,
)
from mediator_app.store.database import is_encrypted
from mediator_app.store.encryption import encrypt_desk
from mediator_app.store.keyring import read_keyring
from mediator_app.store.mediators import add_mediator
from mediator_app.ui.accounts_dialog import AccountsDialog, PassphraseDialog
from mediator_app.ui.application import DeskApp, open_database
from mediator_app.ui.lock import DeskLock
from mediator_app.ui.unlock_dialog import UnlockDialog
from tests.ui_helpers import CONSENT

PASSPHRASE = "la clé des champs"


def _answer_unlock(monkeypatch, passphrase: str, person: str | None = None, seen=None):
    """Make the unlock dialog type ``passphrase`` (for ``person``) when shown."""

    def exec_(dialog: UnlockDialog) -> int:
        if seen is not None:
            seen.append(dialog)
        if person is not None:
            dialog.person.setCurrentIndex(dialog.person.findData(person))
        dialog.passphrase.setText(passphrase)
        dialog._try_passphrase()
        return dialog.result()

    monkeypatch.setattr(UnlockDialog, "exec", exec_)


def test_accounts_keep_one_admin_and_check_passphrases(store):
    admin = create_first_admin(store, "Amina Haddad", PASSPHRASE)
    louis = add_mediator(store, "Louis Martin")
    create_account(store, louis.id, "pluie du nord 3")
    assert [(a.name, a.role) for a in accounts(store)] == [
        ("Amina Haddad", "admin"),
        ("Louis Martin", "mediator"),
    ]
    assert verify(store, louis.id, "pluie du nord 3")
    assert not verify(store, louis.id, PASSPHRASE)
    stored = store.conn.execute("SELECT passphrase_hash FROM mediator_account").fetchall()
    assert all(row[0].startswith("$argon2id$") for row in stored)
    try:
        remove_account(store, admin.mediator_id)
    except LastAdminError:
        pass
    else:
        raise AssertionError("the last admin was removed")
    assert find_account(store, admin.mediator_id).is_admin


def test_an_encrypted_desk_opens_with_the_right_passphrase_only(qtbot, db_path, monkeypatch):
    store = open_store(db_path)
    store.ensure_desk(configured=True)
    amina = add_mediator(store, "Amina Haddad")
    store.close()
    encrypt_desk(db_path, amina.id, PASSPHRASE)
    shown: list[UnlockDialog] = []
    _answer_unlock(monkeypatch, "pas la bonne", seen=shown)
    assert open_database(db_path) is None
    assert shown[0].problem.isVisibleTo(shown[0])  # said, not silently refused
    _answer_unlock(monkeypatch, PASSPHRASE)
    opened = open_database(db_path)
    assert opened is not None and opened.key is not None
    assert opened.mediator_id == amina.id
    opened.close()


def test_a_clear_desk_with_accounts_asks_who_is_there(qtbot, db_path, monkeypatch):
    store = open_store(db_path)
    store.ensure_desk(configured=True)
    create_first_admin(store, "Amina Haddad", PASSPHRASE)
    louis = add_mediator(store, "Louis Martin")
    create_account(store, louis.id, "pluie du nord 3")
    store.close()
    _answer_unlock(monkeypatch, "pluie du nord 3", person=louis.id)
    opened = open_database(db_path)
    assert opened is not None and opened.mediator_id == louis.id
    opened.close()


def test_the_lock_hides_every_window_until_a_passphrase_and_keeps_the_work(
    qtbot, desk, monkeypatch
):
    window, store, _worker, _helene = desk
    create_first_admin(store, "Amina Haddad", PASSPHRASE)
    louis = add_mediator(store, "Louis Martin")
    create_account(store, louis.id, "pluie du nord 3")
    window.show()
    window.search_box.setText("Aubign")  # work in progress
    lock = DeskLock(QApplication.instance(), store, idle_minutes=10)
    seen_hidden = []

    def exec_(dialog: UnlockDialog) -> int:
        seen_hidden.append(window.isVisible())
        dialog.person.setCurrentIndex(dialog.person.findData(louis.id))
        dialog.passphrase.setText("wrong one!")
        dialog._try_passphrase()
        assert dialog.problem.isVisibleTo(dialog) and dialog.result() == 0
        dialog.passphrase.setText("pluie du nord 3")
        dialog._try_passphrase()
        return dialog.result()

    monkeypatch.setattr(UnlockDialog, "exec", exec_)
    unlocked = []
    lock.unlocked.connect(unlocked.append)
    try:
        assert lock.lock()
        assert seen_hidden == [False]
        assert window.isVisible() and window.search_box.text() == "Aubign"
        assert store.mediator_id == louis.id and unlocked == [louis.id]
    finally:
        lock.stop()


def test_the_desk_locks_when_idle_and_input_postpones_it(qtbot, desk, monkeypatch):
    window, store, _worker, _helene = desk
    create_first_admin(store, "Amina Haddad", PASSPHRASE)
    lock = DeskLock(QApplication.instance(), store, idle_minutes=5)
    try:
        assert lock._timer.isActive() and lock._timer.interval() == 5 * 60_000
        lock._timer.start(60_000)  # as if four minutes had gone by
        QApplication.sendEvent(
            window, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
        )
        assert lock._timer.remainingTime() > 4 * 60_000  # a key press starts it again
        shown: list[UnlockDialog] = []
        _answer_unlock(monkeypatch, PASSPHRASE, seen=shown)
        lock._timer.timeout.emit()  # the idle time is over
        assert len(shown) == 1 and not lock.is_locked  # asked, and unlocked
        lock.set_idle_minutes(0)
        assert not lock._timer.isActive()  # "never"
    finally:
        lock.stop()


def test_no_lock_without_accounts(qtbot, desk, monkeypatch):
    window, store, _worker, _helene = desk
    lock = DeskLock(QApplication.instance(), store)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: told.append(args[2]))
    try:
        assert not lock.lock()
        window.lock_desk()
        assert told and "passphrase" in told[0]
    finally:
        lock.stop()


def test_an_admin_gives_and_takes_away_access(qtbot, store, monkeypatch):
    amina = add_mediator(store, "Amina Haddad")
    louis = add_mediator(store, "Louis Martin")
    dialog = AccountsDialog(None, store)
    qtbot.addWidget(dialog)

    def type_passphrase(role: str, text: str):
        def exec_(passphrase_dialog: PassphraseDialog) -> int:
            passphrase_dialog.passphrase.setText(text)
            passphrase_dialog.confirmation.setText(text)
            passphrase_dialog.role.setCurrentIndex(passphrase_dialog.role.findData(role))
            passphrase_dialog.accept()
            return passphrase_dialog.result()

        monkeypatch.setattr(PassphraseDialog, "exec", exec_)

    dialog.select(amina.id)
    type_passphrase("admin", PASSPHRASE)
    dialog.change_passphrase()
    dialog.select(louis.id)
    type_passphrase("mediator", "pluie du nord 3")
    dialog.change_passphrase()
    roles = [dialog.model.item(row, 1).text() for row in range(dialog.model.rowCount())]
    assert roles == ["Admin", "Mediator"]
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    dialog.select(amina.id)
    dialog.take_access_away()  # the last admin: refused, and said
    assert dialog.problem.isVisibleTo(dialog) and find_account(store, amina.id)
    dialog.select(louis.id)
    dialog.take_access_away()
    assert find_account(store, louis.id) is None


def test_encrypting_from_the_window_reopens_the_desk_encrypted(
    qtbot, store, db_path, tmp_path, monkeypatch
):
    store.residents.create(Resident(first_name="Zoé", last_name="Quintanilla", **CONSENT))
    amina = add_mediator(store, "Amina Haddad")
    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)
    desk_app = DeskApp(QApplication.instance(), store, Settings(tmp_path / "settings.json"))
    try:
        first = desk_app.show_window()
        desk_app.encrypt(amina.id, PASSPHRASE)
        assert desk_app.window is not first
        assert desk_app.store.key is not None and is_encrypted(db_path)
        assert b"Quintanilla" not in db_path.read_bytes()
        assert read_keyring(db_path).unlock(PASSPHRASE)[1] == amina.id
        assert find_account(desk_app.store, amina.id).is_admin
        assert desk_app.store.residents.search("quintan")
    finally:
        if desk_app.window is not None:
            desk_app.window.close()
            desk_app.window.deleteLater()
        desk_app.stop()


def test_a_backup_is_restored_from_the_window_and_the_desk_reopens(
    qtbot, store, db_path, tmp_path, monkeypatch
):
    from mediator_app.store.backups import backup_folder, make_backup
    from mediator_app.ui.restore_dialog import RestoreDialog

    kept = store.residents.create(Resident(first_name="Zoé", last_name="Quintanilla", **CONSENT))
    make_backup(store, backup_folder(db_path))
    store.residents.update(replace(kept, last_name="Written after the backup"))
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: told.append(args[2]))
    desk_app = DeskApp(QApplication.instance(), store, Settings(tmp_path / "settings.json"))
    try:
        window = desk_app.show_window()

        def exec_(dialog: RestoreDialog) -> int:
            assert dialog.model.rowCount() == 1
            dialog.accept()  # the newest, selected at first
            return dialog.result()

        monkeypatch.setattr(RestoreDialog, "exec", exec_)
        window.restore_backup()
        assert desk_app.window is not window
        assert desk_app.store.residents.get(kept.id).last_name == "Quintanilla"
        assert told and "kept as" in told[0]
        assert list(db_path.parent.glob("passerelle.db.before-restore-*"))
    finally:
        desk_app.window.close()
        desk_app.window.deleteLater()
        desk_app.stop()


def test_only_an_admin_opens_the_settings_and_a_clear_desk_is_encrypted_from_them(
    qtbot, desk, monkeypatch
):
    from mediator_app.ui.settings_dialog import SettingsDialog

    window, store, _worker, _helene = desk
    admin = create_first_admin(store, "Amina Haddad", PASSPHRASE)
    louis = add_mediator(store, "Louis Martin")
    create_account(store, louis.id, "pluie du nord 3")
    told, shown, asked = [], [], []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: told.append(args[2]))

    def exec_(dialog: SettingsDialog) -> int:
        shown.append(dialog)
        dialog._ask_encryption()  # the button "Encrypt the database…"
        return dialog.result()

    monkeypatch.setattr(SettingsDialog, "exec", exec_)
    monkeypatch.setattr(type(window), "encrypt_database", lambda self: asked.append(True))
    store.mediator_id = louis.id
    window.open_settings()
    assert shown == [] and told == ["Only an admin of this desk can do this."]
    store.mediator_id = admin.mediator_id
    window.open_settings()
    assert len(shown) == 1 and asked == [True]


def test_everything_held_about_a_resident_is_saved_from_the_window(qtbot, desk, tmp_path):
    import json

    from pypdf import PdfReader

    from mediator_app.store import audit
    from tests.ui_helpers import wait_idle

    window, store, worker, helene = desk
    window.open_resident(helene.id)
    window.save_access_report(tmp_path / "dossier.json")
    wait_idle(qtbot, worker)
    data = json.loads((tmp_path / "dossier.json").read_text(encoding="utf-8"))
    assert "D'Aubigné" in json.dumps(data, ensure_ascii=False)
    window.save_access_report(tmp_path / "dossier.pdf")
    wait_idle(qtbot, worker)
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "dossier.pdf").pages)
    assert "Aubign" in text
    actions = [entry.action for entry in audit.trail(store, helene.id)]
    assert audit.EXPORT in actions and audit.PRINT in actions
