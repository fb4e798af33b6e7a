""" "Prepare the export for the coordinator": one action, for a period, with progress.

The period offered first is the one due (the last complete quarter or month not yet
exported); the files go to a folder the mediator chooses, and the bundle is also sent
through the desk's sync when a way is set up.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediator_app.i18n import _, format_date, ngettext
from mediator_app.reports.periodic_export import (
    ExportCancelled,
    export_cadence,
    prepare_coordinator_export,
    set_export_cadence,
)
from mediator_app.store import Store
from mediator_app.ui.resident_dialog import RESIDENT_LANGUAGES
from mediator_app.ui.widgets import FieldError, add_row, explain_failure, fit_to_screen
from mediator_app.ui.worker import DatabaseWorker

PROGRESS_DELAY_MS = 400


class CoordinatorExportDialog(QDialog):
    """Choose the period, the language of the report and the folder; ``prepared``
    carries the ``PreparedExport`` once done."""

    prepared = Signal(object)

    def __init__(
        self,
        store: Store,
        worker: DatabaseWorker,
        parent: QWidget | None = None,
        *,
        due: str | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("coordinatorExportDialog")
        self.setWindowTitle(_("Prepare the export for the coordinator"))
        self._store = store
        self._worker = worker
        desk = store.ensure_desk()
        heading = QLabel(self.windowTitle())
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        explanation = QLabel(
            _(
                "One action makes what the coordinator receives for a period: the "
                "pseudonymised export (no names, contacts or notes), the statistics report "
                "and, for a French centre, La Coop's spreadsheet."
            )
        )
        explanation.setWordWrap(True)
        form = QFormLayout()
        self.period = QLineEdit(due or "")
        self.period.setPlaceholderText(_("A month (2026-11) or a quarter (2026-Q4)"))
        add_row(form, _("&Period"), self.period)
        self.period_error = FieldError()
        form.addRow("", self.period_error)
        self.cadence = QComboBox()
        self.cadence.addItem(_("Every quarter"), "quarter")
        self.cadence.addItem(_("Every month"), "month")
        self.cadence.setCurrentIndex(max(self.cadence.findData(export_cadence(store)), 0))
        self.cadence.currentIndexChanged.connect(self._on_cadence_changed)
        add_row(form, _("The centre sends its e&xport"), self.cadence)
        self.language = QComboBox()
        for code, name in RESIDENT_LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(desk.language), 0))
        add_row(form, _("&Language of the report"), self.language)
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        self.folder = QLineEdit(str(Path(documents) / "Passerelle exports"))
        choose = QPushButton(_("C&hoose…"))
        choose.setAutoDefault(False)
        choose.clicked.connect(self._on_choose)
        folder_row = QWidget()
        folder_layout = QHBoxLayout(folder_row)
        folder_layout.setContentsMargins(0, 0, 0, 0)
        folder_layout.addWidget(self.folder, 1)
        folder_layout.addWidget(choose)
        add_row(form, _("&Folder"), folder_row)
        self.folder.setAccessibleName(_("Folder"))
        from mediator_app.sync.settings import transport_setting

        self.send = QCheckBox(_("Also &send the export through the desk's sync"))
        self.send.setChecked(transport_setting(store) is not None)
        self.send.setEnabled(transport_setting(store) is not None)
        form.addRow("", self.send)
        self.history = QLabel(self._history_text(store))
        self.history.setObjectName("exportHistory")
        self.history.setWordWrap(True)
        form.addRow("", self.history)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prepare_button = QPushButton(_("&Prepare"))
        self.prepare_button.setDefault(True)
        self.prepare_button.clicked.connect(self.prepare)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.prepare_button)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(heading)
        body_layout.addWidget(explanation)
        body_layout.addLayout(form)
        body_layout.addWidget(self.result_label)
        layout = QVBoxLayout(self)
        layout.addWidget(body)
        layout.addLayout(buttons)
        fit_to_screen(self, body)

    @staticmethod
    def _history_text(store: Store) -> str:
        """The exports already prepared on this desk, latest first."""
        rows = store.conn.execute(
            "SELECT period, at, activities FROM export_log ORDER BY at DESC LIMIT 6"
        ).fetchall()
        if not rows:
            return _("No export was prepared on this desk yet.")
        lines = [_("Exports prepared on this desk:")]
        for period, at, activities in rows:
            lines.append(
                "• "
                + ngettext(
                    "%(period)s, on %(date)s: %(count)s activity",
                    "%(period)s, on %(date)s: %(count)s activities",
                    activities,
                )
                % {"period": period, "date": format_date(at[:10]), "count": activities}
            )
        return "\n".join(lines)

    def _on_cadence_changed(self, _index: int) -> None:
        """Saved at once, on the worker; it reaches the centre's other desks by sync."""
        cadence = self.cadence.currentData()
        self._worker.run(
            lambda store, _progress: set_export_cadence(store, cadence),
            on_failure=lambda error: explain_failure(self, error),
            topics=("sync",),
        )

    def _on_choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, _("Folder of the export"), self.folder.text()
        )
        if chosen:
            self.folder.setText(chosen)

    def prepare(self) -> None:
        from mediator_app.sync.coordinator import ExportError, Period

        try:
            Period.parse(self.period.text())
        except ExportError as error:
            self.period_error.setText(error.render(_))
            self.period_error.show()
            return
        self.period_error.hide()
        period, folder = self.period.text().strip(), Path(self.folder.text())
        language, send = self.language.currentData(), self.send.isChecked()
        progress_dialog = QProgressDialog(_("Preparing the export…"), _("Cancel"), 0, 0, self)
        progress_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        progress_dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        progress_dialog.setAutoClose(False)
        progress_dialog.setAutoReset(False)
        self.prepare_button.setEnabled(False)

        def job(store: Store, progress):
            from mediator_app.sync.settings import configured_transport

            sender = configured_transport(store).send if send else None
            return prepare_coordinator_export(
                store, period, folder, language=language, send=sender, progress=progress
            )

        def progressed(done: int, total: int) -> None:
            progress_dialog.setMaximum(total)
            progress_dialog.setValue(min(done, total))

        def finished(prepared) -> None:
            progress_dialog.close()
            self.prepare_button.setEnabled(True)
            lines = [
                ngettext(
                    "%(count)s file written in %(folder)s:",
                    "%(count)s files written in %(folder)s:",
                    len(prepared.files),
                )
                % {"count": len(prepared.files), "folder": prepared.folder}
            ]
            lines.extend(f"• {path.name}" for path in prepared.files)
            if prepared.sent:
                lines.append(_("The export was sent through the desk's sync."))
            self.result_label.setText("\n".join(lines))
            self.history.setText(self._history_text(self._store))
            self.prepared.emit(prepared)

        def failed(error: BaseException) -> None:
            progress_dialog.close()
            self.prepare_button.setEnabled(True)
            if isinstance(error, ExportCancelled):
                self.result_label.setText(_("Cancelled: nothing was kept."))
            else:
                explain_failure(self, error)

        cancel = self._worker.run(
            job, on_success=finished, on_failure=failed, on_progress=progressed,
            topics=("sync",),
        )  # fmt: skip
        progress_dialog.canceled.connect(lambda: cancel())
