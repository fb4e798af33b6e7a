"""The desks, coordinators and recovery keys enrolled on this desk, as a table model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from mediator_app.i18n import N_, _, format_date
from mediator_app.sync.keys import Peer
from mediator_app.ui.models import ID_ROLE, RECORD_ROLE, AnyIndex, ColumnsTableModel
from mediator_app.ui.sync_jobs import PeerRow
from mediator_app.ui.sync_widgets import digits_font

ROLE_LABELS = {
    "desk": N_("Desk"),
    "coordinator": N_("Coordinator"),
    "recovery": N_("Recovery key"),
}

_REVOKED_COLOUR = "#6b6b6b"
_NO_DIGITS = "—"


class PeerTableModel(ColumnsTableModel):
    """The desks, coordinators and recovery keys enrolled here, revoked ones greyed and
    said so."""

    COLUMNS = (N_("Name"), N_("Role"), N_("Fingerprint"), N_("Enrolled on"), N_("Status"))
    FINGERPRINT_COLUMN = 2

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[PeerRow] = []

    def set_rows(self, rows: tuple[PeerRow, ...] | list[PeerRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._rows)

    def peer(self, row: int) -> Peer | None:
        return self._rows[row].peer if 0 <= row < len(self._rows) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ID_ROLE:
            return row.peer.id
        if role == RECORD_ROLE:
            return row.peer
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.FontRole and index.column() == self.FINGERPRINT_COLUMN:
            return digits_font()
        if role == Qt.ItemDataRole.ForegroundRole and row.peer.revoked:
            return QColor(_REVOKED_COLOUR)
        return None

    def _text(self, row: PeerRow, column: int) -> str:
        found = row.peer
        if column == 0:
            return found.name
        if column == 1:
            return _(ROLE_LABELS.get(found.role, found.role))
        if column == 2:
            return row.digits or _NO_DIGITS
        if column == 3:
            return _local_date(found.enrolled_at)
        if column == 4:
            if found.revoked_at is None:
                return _("Active")
            return _("Revoked on %(date)s") % {"date": _local_date(found.revoked_at)}
        return ""


def _local_date(moment: str) -> str:
    """A stored UTC time as the date it was here."""
    try:
        return format_date(datetime.fromisoformat(moment).astimezone().date())
    except ValueError:
        return moment[:10]
