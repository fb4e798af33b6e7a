"""A job on the database worker behind a progress dialog that can cancel it, for a
dialog that may be closed while the job runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import Shiboken

from mediator_app.i18n import _
from mediator_app.store import Store
from mediator_app.ui.worker import DatabaseWorker

#: Jobs shorter than this never show their progress dialog.
PROGRESS_DELAY_MS = 400

Job = Callable[[Store, Callable[[int, int], bool]], Any]


def run_with_progress(
    owner: QWidget,
    worker: DatabaseWorker,
    job: Job,
    *,
    label: str,
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
    on_finished: Callable[[], None],
    topics: Iterable[str] = (),
) -> tuple[QProgressDialog, Callable[[], None]]:
    """Run ``job`` on ``worker``; returns the progress dialog and the job's cancel.

    Once the job is over, the progress dialog goes, ``on_finished`` is called, then
    ``on_success`` or ``on_failure``; none of them when ``owner`` was deleted meanwhile.
    """
    progress = QProgressDialog(label, _("Cancel"), 0, 0, owner)
    progress.setWindowTitle(owner.windowTitle())
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(PROGRESS_DELAY_MS)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    finished = False

    def finish() -> bool:
        nonlocal finished
        finished = True
        if not Shiboken.isValid(owner):
            return False
        progress.close()
        progress.deleteLater()
        on_finished()
        return True

    def progressed(done: int, total: int) -> None:
        if not finished and Shiboken.isValid(owner):
            progress.setMaximum(max(total, 1))
            progress.setValue(min(done, total))

    def succeeded(result: Any) -> None:
        if finish():
            on_success(result)

    def failed(error: BaseException) -> None:
        if finish():
            on_failure(error)

    cancel = worker.run(
        job, on_success=succeeded, on_failure=failed, on_progress=progressed, topics=topics
    )
    progress.canceled.connect(lambda: None if finished else cancel())
    return progress, cancel
