"""The scan of a signed sheet: attached from a file (kept in the database, so it moves
with it), and opened from a temporary copy in the system's viewer."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from mediator_app.i18n import _
from mediator_app.store.workshops import OccurrenceSummary
from mediator_app.ui.workshops.context import PageContext
from mediator_app.ui.workshops.sheet_output import safe_file_name

_EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def choose_scan(context: PageContext) -> Path | None:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    chosen, _filter = QFileDialog.getOpenFileName(
        context.parent,
        _("Attach the scan of the signed sheet"),
        folder,
        _("Scans (*.pdf *.png *.jpg *.jpeg);;All files (*)"),
    )
    return Path(chosen) if chosen else None


def attach_scan(context: PageContext, summary: OccurrenceSummary, path: Path | None = None) -> None:
    """Ask for the file (unless ``path`` is given) and keep it with the session; a file
    that is not a PDF, PNG or JPEG is refused with a message and nothing changes."""
    path = path or choose_scan(context)
    if path is None:
        return
    occurrence_id = summary.occurrence.id
    context.run_write(
        lambda store: store.workshops.attach_scan(occurrence_id, path),
        on_success=lambda _digest: context.show_status(
            _("The scan %(name)s is kept with the session.") % {"name": path.name}
        ),
    )


#: The folders of the copies opened in the system's viewer: a signed sheet names people,
#: and the copy is outside the encrypted database, so it is wiped when the app closes.
SCAN_COPY_PREFIX = "passerelle-scan-"


def remove_scan_copies(folder: Path | None = None) -> int:
    """Overwrite and delete the copies of scans opened from this app (those a crash
    left behind included); returns how many went. One still open elsewhere may stay."""
    from mediator_app.store.encryption import wipe_file

    removed = 0
    for copies in Path(folder or tempfile.gettempdir()).glob(f"{SCAN_COPY_PREFIX}*"):
        for copy in copies.iterdir():
            try:
                wipe_file(copy)
                removed += 1
            except OSError:
                continue
        with contextlib.suppress(OSError):
            copies.rmdir()
    return removed


def open_scan(context: PageContext, summary: OccurrenceSummary) -> Path | None:
    """Open a copy of the scan in the system's viewer; returns the copy's path."""
    found = context.store.workshops.scan(summary.occurrence.id)
    if found is None:
        QMessageBox.information(
            context.parent,
            _("No scan"),
            _("No scan of the signed sheet is attached to this session yet."),
        )
        return None
    name, media_type, data = found
    suffix = Path(name).suffix or _EXTENSIONS.get(media_type, "")
    folder = Path(tempfile.mkdtemp(prefix=SCAN_COPY_PREFIX))
    copy = folder / f"{safe_file_name(Path(name).stem)}{suffix}"
    copy.write_bytes(data)
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy))):
        QMessageBox.warning(
            context.parent,
            _("Scan not opened"),
            _("No program could open the scan. A copy is in %(path)s.") % {"path": copy},
        )
    return copy
