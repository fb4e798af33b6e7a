"""What the tests of the window share: waiting for the worker, finding the dialog the
window opened."""

from __future__ import annotations

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}


def wait_idle(qtbot, worker) -> None:
    qtbot.waitUntil(lambda: not worker.busy, timeout=5000)


def active_dialog(qtbot, window):
    """The dialog the window opened, once it has the keyboard (as the mediator sees it)."""
    dialog = window.active_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    return dialog
