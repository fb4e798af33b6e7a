"""What the workshops screens share: the store to read, the worker to write, the window's
way of opening dialogs and of telling the mediator what happened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from mediator_app.domain.workshop import SheetOptions
from mediator_app.i18n import _
from mediator_app.store import Store
from mediator_app.ui.widgets import explain_failure
from mediator_app.ui.worker import DatabaseWorker

#: The topic of every write made by these screens.
WORKSHOPS_TOPIC = "workshops"


class JobCancelled(Exception):
    """A long job stopped because the mediator asked it to."""


@dataclass
class PageContext:
    """Services the workshops screens use; made once by the page."""

    parent: QWidget
    store: Store
    worker: DatabaseWorker
    open_dialog: Callable[[QDialog], None]
    show_status: Callable[[str], None]
    #: The printing choices of the settings, read when a sheet is made.
    sheet_options: Callable[[], SheetOptions] = SheetOptions

    def run_write(
        self,
        action: Callable[[Store], Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        topics: tuple[str, ...] = (WORKSHOPS_TOPIC,),
    ) -> Callable[[], None]:
        """Run ``action`` on the worker; a failure is explained unless ``on_failure``
        handles it. Returns the function that cancels the job."""
        return self.worker.run(
            lambda store, _progress: action(store),
            on_success=on_success,
            on_failure=on_failure or self.explain,
            topics=topics,
        )

    def explain(self, error: BaseException) -> None:
        explain(self.parent, error)


def explain(parent: QWidget | None, error: BaseException) -> None:
    """Say plainly why an action failed: a sheet that cannot be printed, a file that
    cannot be written, or what the store refused."""
    from mediator_app.reports.attendance_sheet import SheetError

    if isinstance(error, JobCancelled):
        return
    if isinstance(error, SheetError):
        QMessageBox.warning(parent, _("Not printed"), error.render(_))
    elif isinstance(error, OSError):
        QMessageBox.warning(
            parent,
            _("Not saved"),
            _("The file could not be written: %(reason)s")
            % {"reason": error.strerror or str(error)},
        )
    else:
        explain_failure(parent, error)
