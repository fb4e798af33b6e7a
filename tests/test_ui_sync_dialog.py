"""The Sync dialog on real desks: where bundles go, the desk's card, enrolling and
revoking desks, and "Sync now" through a shared folder and a real WebDAV server."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from mediator_app.domain.resident import Resident
from mediator_app.i18n import LANGUAGES, _, set_language
from mediator_app.store import open_store
from mediator_app.sync.keys import (
    NOT_A_CARD,
    DeskCard,
    card_for_this_desk,
    enroll,
    fingerprint,
    peer,
)
from mediator_app.sync.settings import TransportSetting, transport_setting
from mediator_app.sync.transports import TransportError
from mediator_app.ui.sync_dialog import PeerRow, PeerTableModel, SyncDialog, read_desk_state
from mediator_app.ui.worker import DatabaseWorker
from tests.ui_helpers import CONSENT, wait_idle

pytest_plugins = ("tests.webdav_server",)

YES = QMessageBox.StandardButton.Yes


class _MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop((service, username), None)


@pytest.fixture(autouse=True)
def no_system_keyring() -> Iterator[None]:
    """No test reaches the keyring of the person running them: by default none keeps
    anything, as on a computer without one."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def worker(db_path, store) -> Iterator[DatabaseWorker]:
    running = DatabaseWorker(db_path)
    yield running
    running.stop()


def open_dialog(qtbot, store, worker, db_path) -> SyncDialog:
    dialog = SyncDialog(store, worker, db_path)
    qtbot.addWidget(dialog)
    wait_idle(qtbot, worker)
    return dialog


@pytest.fixture
def dialog(qtbot, store, worker, db_path) -> SyncDialog:
    return open_dialog(qtbot, store, worker, db_path)


class OtherDesk:
    """A second desk of the centre, in its own database, enrolled both ways."""

    def __init__(self, folder: Path, first_store, name: str = "Fablab"):
        self.path = folder / f"{name.lower()}.db"
        self.store = open_store(self.path)
        self.store.ensure_desk(name=name, centre_name="Test centre", configured=True)
        enroll(self.store, card_for_this_desk(first_store))  # joins the first desk's centre
        self.card = card_for_this_desk(self.store)

    def card_file(self, folder: Path) -> Path:
        path = folder / "fablab.passerelle-card"
        path.write_bytes(self.card.to_bytes())
        return path


@pytest.fixture
def other_desk(tmp_path, store) -> Iterator[OtherDesk]:
    folder = tmp_path / "other"
    folder.mkdir()
    desk = OtherDesk(folder, store)
    yield desk
    desk.store.close()


def answer_open(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *args: (str(path), "")))


def answer_save(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(path), "")))


def answer_questions(monkeypatch, answer=YES) -> list[str]:
    asked: list[str] = []

    def question(parent, title, text, *args):
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


# -- Where bundles go ------------------------------------------------------------------


def test_saving_a_folder_setting_persists_it(qtbot, dialog, store, worker, tmp_path):
    shared = tmp_path / "Nextcloud" / "Passerelle"
    dialog.folder_choice.setChecked(True)
    dialog.folder_path.setText(str(shared))
    dialog.save_button.click()
    wait_idle(qtbot, worker)

    assert transport_setting(store) == TransportSetting("folder", str(shared))
    assert dialog.transport_status.text() == "Saved."
    assert str(shared) in dialog.destination.text()


def test_a_saved_setting_is_shown_again(qtbot, store, worker, db_path, webdav):
    from mediator_app.sync.settings import save_transport_setting

    save_transport_setting(store, TransportSetting("webdav", webdav.url, webdav.user))
    dialog = open_dialog(qtbot, store, worker, db_path)

    assert dialog.webdav_choice.isChecked()
    assert (dialog.address.text(), dialog.user.text()) == (webdav.url, webdav.user)
    assert dialog.password.text() == ""
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password


def test_a_missing_folder_is_said_beside_the_field(qtbot, dialog, store, worker):
    dialog.folder_path.setText("  ")
    dialog.save_button.click()
    wait_idle(qtbot, worker)

    assert not dialog.folder_error.isHidden()
    assert "Choose the shared folder." in dialog.folder_error.text()
    assert transport_setting(store) is None


def test_the_folder_is_chosen_in_the_system_dialog(dialog, monkeypatch, tmp_path):
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *args: str(tmp_path))
    )
    dialog.choose_folder.click()
    assert dialog.folder_path.text() == str(tmp_path)


def test_testing_a_folder_that_can_be_written(qtbot, dialog, worker, tmp_path):
    dialog.folder_path.setText(str(tmp_path / "shared"))
    dialog.test_button.click()
    wait_idle(qtbot, worker)
    assert dialog.transport_status.text() == "Connected."

    dialog.folder_path.setText(str(tmp_path / "no stick" / "Passerelle"))
    dialog.test_button.click()
    wait_idle(qtbot, worker)
    assert "check that the stick is plugged in" in dialog.transport_status.text()


def test_webdav_with_a_wrong_password_says_so(qtbot, dialog, store, worker, webdav):
    dialog.webdav_choice.setChecked(True)
    dialog.address.setText(webdav.url)
    dialog.user.setText(webdav.user)
    dialog.password.setText("not the password")
    dialog.test_button.click()
    wait_idle(qtbot, worker)

    wrong = TransportError("wrong_password").render(_)
    assert wrong in dialog.transport_status.text()

    # "Sync now" saves the choice first, then says the same in its report.
    dialog.sync_button.click()
    wait_idle(qtbot, worker)
    assert wrong in dialog.report_text()
    assert transport_setting(store) == TransportSetting("webdav", webdav.url, webdav.user)
    # This computer has no keyring: the password is kept for the session, and it is said.
    assert dialog.session_password == "not the password"
    assert not dialog.password_note.isHidden()
    assert "could not keep the password" in dialog.password_note.text()


def test_webdav_with_the_right_password_connects_and_syncs(qtbot, dialog, store, worker, webdav):
    memory = _MemoryKeyring()
    keyring.set_keyring(memory)
    dialog.webdav_choice.setChecked(True)
    dialog.address.setText(webdav.url)
    dialog.user.setText(webdav.user)
    dialog.password.setText(webdav.password)
    dialog.test_button.click()
    wait_idle(qtbot, worker)
    assert dialog.transport_status.text() == "Connected."

    dialog.save_button.click()
    wait_idle(qtbot, worker)
    assert list(memory.saved.values()) == [webdav.password]
    assert dialog.password.text() == "" and dialog.password_note.isHidden()
    assert dialog.session_password == webdav.password

    store.residents.create(Resident(first_name="Ana", last_name="Costa", **CONSENT))
    with qtbot.waitSignal(dialog.synced, timeout=10000) as signal:
        dialog.sync_button.click()
    wait_idle(qtbot, worker)
    assert signal.args[0].sent == 1
    assert [path.name for path in webdav.root.iterdir()] == [signal.args[0].written[0].name]


def test_a_server_that_is_down_is_said_in_words(qtbot, dialog, worker, webdav):
    url = webdav.url
    webdav.stop()
    dialog.webdav_choice.setChecked(True)
    dialog.address.setText(url)
    dialog.user.setText(webdav.user)
    dialog.password.setText(webdav.password)
    dialog.test_button.click()
    wait_idle(qtbot, worker)

    assert TransportError("unreachable").render(_) in dialog.transport_status.text()


def test_an_address_that_is_not_one_is_said_beside_the_field(qtbot, dialog, store, worker):
    dialog.webdav_choice.setChecked(True)
    dialog.address.setText("cloud.example.org")
    dialog.save_button.click()
    wait_idle(qtbot, worker)

    assert "is not a web address" in dialog.address_error.text()
    assert "user name" in dialog.user_error.text()
    assert transport_setting(store) is None


# -- This desk's card --------------------------------------------------------------------


def test_the_card_shows_this_desks_fingerprint(dialog, store):
    card = card_for_this_desk(store)
    assert dialog.fingerprint.text() == fingerprint(card)
    assert re.fullmatch(r"(\d{5} ){5}\d{5}", dialog.fingerprint.text())
    assert "Desk 1" in dialog.desk_name.text()


def test_saving_the_card_writes_a_card_another_desk_reads(
    qtbot, dialog, store, worker, monkeypatch, tmp_path
):
    target = tmp_path / "desk-1.passerelle-card"
    answer_save(monkeypatch, target)
    dialog.save_card_button.click()
    wait_idle(qtbot, worker)

    assert DeskCard.from_bytes(target.read_bytes()) == card_for_this_desk(store)
    assert str(target) in dialog.card_status.text()


def test_a_card_that_cannot_be_written_is_said(qtbot, dialog, worker, monkeypatch, tmp_path):
    answer_save(monkeypatch, tmp_path / "no such folder" / "card")
    dialog.save_card_button.click()
    wait_idle(qtbot, worker)

    assert "could not be written" in dialog.card_status.text()


# -- Desks of the centre -------------------------------------------------------------------


def test_enrolling_a_desk_adds_it_after_the_digits_are_compared(
    qtbot, dialog, store, worker, other_desk, monkeypatch, tmp_path, qtmodeltester
):
    answer_open(monkeypatch, other_desk.card_file(tmp_path))
    asked = answer_questions(monkeypatch)
    dialog.enrol_button.click()
    wait_idle(qtbot, worker)

    digits = fingerprint(other_desk.card)
    assert len(asked) == 1 and digits in asked[0] and "Fablab" in asked[0]
    assert "Do these digits match the ones shown on that desk?" in asked[0]
    model = dialog.peer_model
    assert model.rowCount() == 1
    assert [model.index(0, column).data() for column in range(3)] == ["Fablab", "Desk", digits]
    assert model.index(0, 4).data() == "Active"
    assert peer(store, other_desk.card.desk_id) is not None
    assert dialog.no_peer.isHidden()
    qtmodeltester.check(model)


def test_digits_that_do_not_match_enrol_nothing(
    qtbot, dialog, store, worker, other_desk, monkeypatch, tmp_path
):
    answer_open(monkeypatch, other_desk.card_file(tmp_path))
    answer_questions(monkeypatch, QMessageBox.StandardButton.No)
    dialog.enrol_button.click()
    wait_idle(qtbot, worker)

    assert dialog.peer_model.rowCount() == 0
    assert peer(store, other_desk.card.desk_id) is None


def test_a_garbage_card_is_refused_in_words(qtbot, dialog, worker, monkeypatch, tmp_path):
    garbage = tmp_path / "holiday.jpg"
    garbage.write_bytes(b"\xff\xd8\xff\xe0 not a card at all")
    answer_open(monkeypatch, garbage)
    asked = answer_questions(monkeypatch)
    dialog.enrol_button.click()
    wait_idle(qtbot, worker)

    assert asked == []
    assert _(NOT_A_CARD) in dialog.desks_status.text()
    assert dialog.peer_model.rowCount() == 0


def test_this_desks_own_card_is_refused_in_words(
    qtbot, dialog, store, worker, monkeypatch, tmp_path
):
    own = tmp_path / "own.passerelle-card"
    own.write_bytes(card_for_this_desk(store).to_bytes())
    answer_open(monkeypatch, own)
    answer_questions(monkeypatch)
    dialog.enrol_button.click()
    wait_idle(qtbot, worker)

    assert "this desk's own card" in dialog.desks_status.text()


def test_revoking_a_desk_marks_it(qtbot, store, worker, db_path, other_desk, monkeypatch):
    enroll(store, other_desk.card)
    dialog = open_dialog(qtbot, store, worker, db_path)
    assert not dialog.revoke_button.isEnabled()
    dialog.peer_table.selectRow(0)
    assert dialog.revoke_button.isEnabled()
    asked = answer_questions(monkeypatch)
    dialog.revoke_button.click()
    wait_idle(qtbot, worker)

    assert "Fablab" in asked[0]
    assert peer(store, other_desk.card.desk_id).revoked
    assert dialog.peer_model.index(0, 4).data().startswith("Revoked on ")
    dialog.peer_table.selectRow(0)
    assert not dialog.revoke_button.isEnabled()


def test_writing_the_recovery_key(qtbot, dialog, store, worker, monkeypatch, tmp_path):
    target = tmp_path / "recovery.txt"
    answer_save(monkeypatch, target)
    told: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", staticmethod(lambda parent, title, text: told.append(text))
    )
    dialog.recovery_button.click()
    wait_idle(qtbot, worker)

    assert target.read_text().startswith("# created: ")
    assert "offline, in a safe place" in told[0]
    model = dialog.peer_model
    assert [model.index(0, column).data() for column in range(3)] == [
        "recovery.txt",
        "Recovery key",
        "—",
    ]
    # A key that exists is never written over: said in words.
    dialog.recovery_button.click()
    wait_idle(qtbot, worker)
    assert "already exists" in dialog.desks_status.text()
    assert len(told) == 1


def test_the_peer_model_passes_the_model_tester(qtmodeltester, store, other_desk):
    enroll(store, other_desk.card)
    model = PeerTableModel()
    model.set_rows(read_desk_state(store).peers)
    assert isinstance(read_desk_state(store).peers[0], PeerRow)
    qtmodeltester.check(model)


# -- Sync now -------------------------------------------------------------------------------


def test_sync_now_moves_a_resident_to_the_other_desk(
    qtbot, dialog, store, worker, other_desk, tmp_path
):
    enroll(store, other_desk.card)
    (tmp_path / "Nextcloud").mkdir()
    shared = tmp_path / "Nextcloud" / "Passerelle"
    helene = store.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    topics: list[frozenset[str]] = []
    worker.changed.connect(topics.append)

    dialog.folder_path.setText(str(shared))
    with qtbot.waitSignal(dialog.synced, timeout=10000) as signal:
        dialog.sync_button.click()
    wait_idle(qtbot, worker)
    sent = signal.args[0]
    assert sent.sent == 1
    assert "1 bundle sent." in dialog.report_text()
    assert transport_setting(store) == TransportSetting("folder", str(shared))
    assert {"residents", "sessions", "workshops", "skills"} <= set().union(*topics)

    other_worker = DatabaseWorker(other_desk.path)
    try:
        other = open_dialog(qtbot, other_desk.store, other_worker, other_desk.path)
        other.folder_path.setText(str(shared))
        with qtbot.waitSignal(other.synced, timeout=10000) as signal:
            other.sync_button.click()
        wait_idle(qtbot, other_worker)
    finally:
        other_worker.stop()
    report = signal.args[0]
    [imported] = [result for result in report.imported if result.status == "applied"]
    assert other_desk.store.residents.get(helene.id).first_name == "Hélène"
    text = other.report_text()
    assert f"Bundle {imported.bundle_id[-12:]}: " in text and "applied." in text


def test_a_refused_bundle_is_shown_as_a_warning(qtbot, dialog, store, worker, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "passerelle-forged.pbundle").write_bytes(b"not a bundle")
    dialog.folder_path.setText(str(shared))
    dialog.sync_button.click()
    wait_idle(qtbot, worker)

    assert "refused" in dialog.report_text()
    assert "#a4000f" in dialog.report.text() and "⚠" in dialog.report_text()


def test_sync_now_can_be_cancelled(qtbot, dialog, store, worker, tmp_path):
    (tmp_path / "shared").mkdir()
    store.residents.create(Resident(first_name="Ana", last_name="Costa", **CONSENT))
    release = threading.Event()
    worker.run(lambda _store, _progress: release.wait(5))  # holds the worker
    dialog.folder_path.setText(str(tmp_path / "shared"))
    dialog.sync_button.click()
    assert not dialog.sync_button.isEnabled()
    dialog.progress_dialog.findChild(QPushButton).click()  # its Cancel button
    release.set()
    wait_idle(qtbot, worker)

    assert "Sync cancelled" in dialog.report_text()
    assert list((tmp_path / "shared").iterdir()) == []
    assert dialog.sync_button.isEnabled()


def test_sync_without_a_place_asks_for_one(qtbot, dialog, worker):
    dialog.tabs.setCurrentIndex(2)
    dialog.sync_button.click()
    wait_idle(qtbot, worker)

    assert dialog.tabs.currentIndex() == 0
    assert "Choose where bundles go first." in dialog.report_text()


# -- Keyboard ------------------------------------------------------------------------------

MNEMONIC = re.compile(r"&([^&\s])")


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_mnemonics_are_unique_in_the_dialog(qtbot, store, worker, db_path, language):
    set_language(language)
    dialog = open_dialog(qtbot, store, worker, db_path)
    texts = [dialog.tabs.tabText(index) for index in range(dialog.tabs.count())]
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            texts.append(widget.text())
    letters = [
        letter.casefold() for text in texts for letter in MNEMONIC.findall(text.replace("&&", ""))
    ]
    assert len(letters) >= 15
    assert [letter for letter, count in Counter(letters).items() if count > 1] == []


def test_fields_have_accessible_names(dialog):
    for field in (dialog.folder_path, dialog.address, dialog.user, dialog.password):
        assert field.accessibleName()
    assert dialog.fingerprint.accessibleName()
    assert dialog.peer_table.accessibleName()
