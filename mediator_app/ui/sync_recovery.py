"""Writing the centre's recovery key: a key kept offline, with which any bundle of the
centre made from then on can be opened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from mediator_app.i18n import _
from mediator_app.store import Store
from mediator_app.sync.keys import write_recovery_key
from mediator_app.ui.sync_jobs import DeskState, RunJob, read_desk_state


def ask_and_write_recovery_key(
    parent: QWidget,
    run: RunJob,
    *,
    on_written: Callable[[DeskState, str], None],
    on_failure: Callable[[BaseException], None],
) -> None:
    """Ask where to write the recovery key, write it on the worker, then tell the
    mediator how to keep it. ``on_written`` gets the desk's state read again (the key is
    among the peers now) and a line saying where the key is, before that is told."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    chosen, _filter = QFileDialog.getSaveFileName(
        parent,
        _("Write the recovery key"),
        str(Path(folder) / "passerelle-recovery-key.txt"),
        _("Key files (*.txt);;All files (*)"),
    )
    if not chosen:
        return
    path = Path(chosen)

    def write(store: Store, _progress: Any) -> DeskState:
        write_recovery_key(store, path)
        return read_desk_state(store)

    def written(state: DeskState) -> None:
        on_written(state, _("The recovery key is written to %(path)s.") % {"path": path})
        QMessageBox.information(
            parent,
            _("Recovery key"),
            _(
                "The recovery key is written to %(path)s.\n\nKeep it offline, in a safe "
                "place, and not on this computer: whoever holds it can open every "
                "bundle of the centre made from now on."
            )
            % {"path": path},
        )

    run(write, written, on_failure)
