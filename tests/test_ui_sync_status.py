"""Sync in the background and its line in the status bar."""

from __future__ import annotations

from PySide6.QtNetwork import QNetworkInformation

from mediator_app.domain.resident import Resident
from mediator_app.sync.desk_sync import SyncSummary
from mediator_app.sync.settings import TransportSetting, save_transport_setting
from mediator_app.ui.sync_status import AutoSync, status_text
from mediator_app.ui.worker import DatabaseWorker
from tests.ui_helpers import CONSENT, wait_idle


def test_the_status_line_says_what_waits():
    assert status_text(SyncSummary(False, None, 0, 0, 0)) == "Sync: not set up"
    assert status_text(SyncSummary(True, None, 2, 1, 0)) == (
        "Never synced · 2 bundles to send · 1 conflict"
    )
    line = status_text(SyncSummary(True, "2026-11-29T09:15:00+00:00", 0, 0, 3), "offline")
    assert line.startswith("Synced at ") and line.endswith("3 bundles refused · offline")


def test_a_background_sync_writes_and_sends_the_desks_bundle(store, db_path, qtbot, tmp_path):
    shared = tmp_path / "Syncthing"
    shared.mkdir()
    save_transport_setting(store, TransportSetting("folder", str(shared)))
    store.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    worker = DatabaseWorker(db_path)
    try:
        auto = AutoSync(store, worker, db_path, interval_ms=3_600_000)
        with qtbot.waitSignal(auto.finished, timeout=10_000) as done:
            auto.sync_now()
        assert done.args[0].sent == 1
        assert len(list(shared.glob("*.pbundle"))) == 1
        assert auto.summary().outgoing == 0
        assert auto.summary().last_exchange_at is not None
    finally:
        worker.stop()


def test_a_missing_stick_is_not_an_error(store, db_path, qtbot, tmp_path):
    save_transport_setting(store, TransportSetting("folder", str(tmp_path / "stick" / "P")))
    worker = DatabaseWorker(db_path)
    try:
        auto = AutoSync(store, worker, db_path, interval_ms=3_600_000)
        with qtbot.assertNotEmitted(auto.failed), qtbot.waitSignal(auto.finished) as done:
            auto.sync_now()
        assert done.args == [None]
        assert not auto.running
    finally:
        worker.stop()


def test_the_network_coming_back_starts_a_sync(store, db_path, qtbot, tmp_path):
    shared = tmp_path / "Nextcloud"
    shared.mkdir()
    save_transport_setting(store, TransportSetting("folder", str(shared)))
    worker = DatabaseWorker(db_path)
    try:
        auto = AutoSync(store, worker, db_path, interval_ms=3_600_000)
        with qtbot.waitSignal(auto.finished):
            auto._on_reachability_changed(QNetworkInformation.Reachability.Online)
        with qtbot.assertNotEmitted(auto.finished, wait=200):
            auto._on_reachability_changed(QNetworkInformation.Reachability.Disconnected)
    finally:
        wait_idle(qtbot, worker)
        worker.stop()


def test_without_a_way_set_up_nothing_runs(store, db_path, qtbot):
    worker = DatabaseWorker(db_path)
    try:
        auto = AutoSync(store, worker, db_path, interval_ms=3_600_000)
        auto.sync_now()
        assert not auto.running and not worker.busy
        assert status_text(auto.summary()) == "Sync: not set up"
    finally:
        worker.stop()


def test_the_window_opens_the_sync_dialog_when_nothing_is_set_up(desk, qtbot):
    from mediator_app.ui.sync_dialog import SyncDialog

    window, _store, _worker, _helene = desk
    window.actions_by_name["sync_now"].trigger()
    assert isinstance(window.active_dialog, SyncDialog)
    window.active_dialog.reject()


def test_a_conflict_is_settled_from_the_window(desk, qtbot, tmp_path):
    """Two desks edit one field apart; the window's conflicts screen settles it on the
    worker."""
    from dataclasses import replace

    from mediator_app.store import open_store
    from mediator_app.sync.conflicts import open_conflicts
    from mediator_app.sync.desk_sync import SyncFolders, export_bundle, import_files
    from mediator_app.sync.keys import card_for_this_desk, enroll
    from mediator_app.ui.conflicts_dialog import ConflictsDialog

    window, store, worker, helene = desk
    other = open_store(tmp_path / "fablab.db")
    other.ensure_desk(name="Fablab")
    enroll(other, card_for_this_desk(store))
    enroll(store, card_for_this_desk(other))
    import_files(other, [export_bundle(store, tmp_path / "a")], SyncFolders(tmp_path / "o"))
    store.residents.update(replace(store.residents.get(helene.id), commune="Lyon"))
    other.residents.update(replace(other.residents.get(helene.id), commune="Grans"))
    import_files(store, [export_bundle(other, tmp_path / "b")], SyncFolders(tmp_path / "s"))
    other.close()
    assert len(open_conflicts(store.conn)) == 1

    window.actions_by_name["conflicts"].trigger()
    dialog = window.active_dialog
    assert isinstance(dialog, ConflictsDialog)
    dialog.table.setCurrentIndex(dialog.model.index(0, 0))
    choices = [button.text() for button in dialog.version_buttons]
    dialog.choose(next(i for i, text in enumerate(choices) if "Lyon" in text))
    dialog.keep()
    wait_idle(qtbot, worker)
    assert open_conflicts(store.conn) == []
    assert store.residents.get(helene.id).commune == "Lyon"
