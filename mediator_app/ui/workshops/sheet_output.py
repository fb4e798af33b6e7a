"""Attendance sheets out of the app: saved as a PDF, or printed through the system print
dialog; one session, a whole series or a week in one document.

The PDF is made on the worker, with progress that can be cancelled, and printing runs
there too, so the window never freezes; the result comes back by signal.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QProgressDialog

from mediator_app.domain.workshop import SheetOptions
from mediator_app.i18n import _, ngettext
from mediator_app.store import Store
from mediator_app.ui.workshops.context import JobCancelled, PageContext
from mediator_app.ui.workshops.printing import print_pdf

#: ``(done, total) -> keep_going``, as the worker's progress callback.
Progress = Callable[[int, int], bool]
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
#: Wait this long before showing progress: short jobs show none.
PROGRESS_DELAY_MS = 400


def safe_file_name(text: str) -> str:
    """``text`` without the characters file systems refuse."""
    return " ".join(_UNSAFE_IN_FILE_NAMES.sub(" ", text).split())[:120] or "sheet"


def write_sheets_pdf(
    store: Store,
    progress: Progress,
    occurrence_ids: Sequence[str],
    output: Path,
    options: SheetOptions,
) -> int:
    """Build the sheet of each occurrence and write them into one PDF; returns its
    number of pages. Runs on the worker."""
    from mediator_app.reports.attendance_sheet import write_sheets
    from mediator_app.reports.sheets import sheet_for_occurrence

    steps = len(occurrence_ids) + 1
    sheets = []
    for done, occurrence_id in enumerate(occurrence_ids):
        if not progress(done, steps):
            raise JobCancelled
        sheets.append(
            sheet_for_occurrence(
                store,
                occurrence_id,
                language=options.language,
                blank_rows=options.blank_rows,
                logos=tuple(Path(logo) for logo in options.logos),
            )
        )
    pages = write_sheets(sheets, output)
    progress(steps, steps)
    return pages


def print_sheets_job(
    store: Store,
    progress: Progress,
    occurrence_ids: Sequence[str],
    printer: QPrinter,
    options: SheetOptions,
) -> int:
    """Build the sheets into a temporary PDF and print it; returns the pages printed.
    Runs on the worker."""
    handle, name = tempfile.mkstemp(prefix="passerelle-sheets-", suffix=".pdf")
    os.close(handle)
    temporary = Path(name)
    steps = len(occurrence_ids) + 1
    try:
        write_sheets_pdf(store, progress, occurrence_ids, temporary, options)
        return print_pdf(
            temporary,
            printer,
            lambda done, total: progress(steps + done, steps + total),
        )
    finally:
        temporary.unlink(missing_ok=True)


def _run_with_progress(
    context: PageContext,
    label: str,
    job: Callable[[Store, Progress], Any],
    on_success: Callable[[Any], None],
) -> QProgressDialog:
    dialog = QProgressDialog(label, _("Cancel"), 0, 0, context.parent)
    dialog.setWindowTitle(_("Attendance sheets"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(PROGRESS_DELAY_MS)

    def progressed(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(min(done, total))

    def succeeded(result: Any) -> None:
        dialog.close()
        dialog.deleteLater()
        on_success(result)

    def failed(error: BaseException) -> None:
        dialog.close()
        dialog.deleteLater()
        if isinstance(error, JobCancelled):
            context.show_status(_("Cancelled: nothing was printed or saved."))
        else:
            context.explain(error)

    cancel = context.worker.run(
        job, on_success=succeeded, on_failure=failed, on_progress=progressed
    )
    # Not ``connect(cancel)``: that bound method's object is shared with the worker
    # thread, and the connection would then be undone from there when it is freed.
    dialog.canceled.connect(lambda: cancel())
    return dialog


def save_sheets(
    context: PageContext,
    occurrence_ids: Sequence[str],
    suggested_name: str,
    path: Path | None = None,
) -> None:
    """Ask where to save (unless ``path`` is given), then write the PDF on the worker."""
    if not occurrence_ids:
        context.show_status(_("There is no session to print."))
        return
    if path is None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        chosen, _filter = QFileDialog.getSaveFileName(
            context.parent,
            _("Save the attendance sheets"),
            str(Path(folder) / f"{safe_file_name(suggested_name)}.pdf"),
            _("PDF documents (*.pdf)"),
        )
        if not chosen:
            return
        path = Path(chosen if chosen.lower().endswith(".pdf") else f"{chosen}.pdf")
    target = path
    ids = tuple(occurrence_ids)
    options = context.sheet_options()

    def saved(result: Any) -> None:
        written, pages = result
        context.show_status(
            ngettext("Saved %(path)s (%(pages)s page).", "Saved %(path)s (%(pages)s pages).", pages)
            % {"path": written, "pages": pages}
        )

    _run_with_progress(
        context,
        _("Making the attendance sheets…"),
        lambda store, progress: (target, write_sheets_pdf(store, progress, ids, target, options)),
        saved,
    )


def print_sheets(
    context: PageContext, occurrence_ids: Sequence[str], printer: QPrinter | None = None
) -> None:
    """Ask for a printer through the system dialog (unless ``printer`` is given), then
    make and print the sheets on the worker."""
    if not occurrence_ids:
        context.show_status(_("There is no session to print."))
        return
    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        dialog = QPrintDialog(printer, context.parent)
        dialog.setWindowTitle(_("Print the attendance sheets"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
    chosen = printer
    ids = tuple(occurrence_ids)
    options = context.sheet_options()

    def printed(pages: Any) -> None:
        context.show_status(
            ngettext(
                "%(pages)s page sent to the printer.", "%(pages)s pages sent to the printer.", pages
            )
            % {"pages": pages}
        )

    _run_with_progress(
        context,
        _("Printing the attendance sheets…"),
        lambda store, progress: print_sheets_job(store, progress, ids, chosen, options),
        printed,
    )
