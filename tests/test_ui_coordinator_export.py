"""Preparing the coordinator's export from the window: one action, with progress."""

from __future__ import annotations

from mediator_app.store import open_store
from mediator_app.sync.keys import card_for_this_desk, enroll
from mediator_app.ui.coordinator_export_dialog import CoordinatorExportDialog
from tests.ui_helpers import wait_idle


def _coordinator(tmp_path):
    coordinator = open_store(tmp_path / "coordinator.db")
    coordinator.become_coordinator()
    return coordinator


def test_the_export_is_prepared_in_one_action(desk, qtbot, tmp_path):
    window, store, worker, _helene = desk
    coordinator = _coordinator(tmp_path)
    enroll(store, card_for_this_desk(coordinator))
    window.actions_by_name["prepare_export"].trigger()
    dialog = window.active_dialog
    assert isinstance(dialog, CoordinatorExportDialog)
    assert dialog.period.text()  # the period due is offered
    dialog.period.setText("2026-Q4")
    dialog.folder.setText(str(tmp_path / "exports"))
    with qtbot.waitSignal(dialog.prepared, timeout=10_000) as done:
        dialog.prepare_button.click()
    wait_idle(qtbot, worker)
    suffixes = sorted(path.suffix for path in done.args[0].files)
    assert suffixes == [".pbundle", ".pdf", ".xlsx"]
    assert all(path.exists() for path in done.args[0].files)
    assert "3 files written" in dialog.result_label.text()
    assert "2026-Q4, on" in dialog.history.text()
    coordinator.close()


def test_a_wrong_period_is_said_beside_the_field(desk, qtbot, tmp_path):
    window, store, worker, _helene = desk
    dialog = CoordinatorExportDialog(store, worker, window)
    qtbot.addWidget(dialog)
    assert "No export was prepared" in dialog.history.text()
    dialog.period.setText("last quarter")
    dialog.prepare_button.click()
    assert "is not a period" in dialog.period_error.text()
    assert not worker.busy
