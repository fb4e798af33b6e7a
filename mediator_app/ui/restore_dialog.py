"""Choosing a backup to put in place of the database, from the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediator_app.i18n import N_, _, format_date, format_number, format_time
from mediator_app.store.backups import BackupInfo, list_backups

#: Why a backup was made, as its file name says.
REASONS = {
    "daily": N_("daily, at start"),
    "close": N_("on closing"),
    "manual": N_("made by hand"),
    "after_erasure": N_("after an erasure"),
}

Index = QModelIndex | QPersistentModelIndex


class BackupListModel(QAbstractTableModel):
    """The backups of a folder, newest first: when, why, size."""

    def __init__(self, backups: list[BackupInfo], parent=None):
        super().__init__(parent)
        self._backups = backups
        self._headers = (_("Made on"), _("Why"), _("Size"))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._backups)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        backup = self._backups[index.row()]
        if index.column() == 0:
            moment = backup.made_at.astimezone()
            return f"{format_date(moment.date())} {format_time(moment)}"
        if index.column() == 1:
            reason = REASONS.get(backup.reason)
            return _(reason) if reason else backup.reason
        return _("%(size)s MB") % {"size": format_number(round(backup.size / 1e6, 1))}

    def backup(self, row: int) -> BackupInfo:
        return self._backups[row]


class RestoreDialog(QDialog):
    """Lists the database's backups; ``chosen`` is the file to restore once accepted."""

    def __init__(self, parent: QWidget | None, folder: Path):
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle(_("Restore a backup"))
        self.chosen: Path | None = None
        intro = QLabel(
            _(
                "The backup chosen takes the place of the database. What was written since "
                "that backup is not in it; the database of now is kept aside, beside it, "
                "and is not deleted."
            )
        )
        intro.setWordWrap(True)
        self.model = BackupListModel(list_backups(folder), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda _index: self.accept())
        if self.model.rowCount():
            self.table.selectRow(0)
        empty = QLabel(_("There is no backup in %(folder)s yet.") % {"folder": folder})
        empty.setVisible(self.model.rowCount() == 0)
        other = QPushButton(_("Another &file…"))
        other.clicked.connect(self._choose_file)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton(
            _("&Restore"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setEnabled(self.model.rowCount() > 0)
        buttons.addButton(other, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(empty)
        layout.addWidget(buttons)
        self.resize(560, 400)

    def _choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Restore a backup"), "", _("Passerelle databases (*.db);;All files (*)")
        )
        if name:
            self.chosen = Path(name)
            super().accept()

    def accept(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        self.chosen = self.model.backup(rows[0].row()).path
        super().accept()
