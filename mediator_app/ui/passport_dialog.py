"""Printing a resident's digital passport: the language (the resident's by default) and
the mediator's line of encouragement are chosen here; the PDF is made on the worker,
then saved or sent to the printer."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mediator_app.i18n import _
from mediator_app.store import Store
from mediator_app.ui.resident_dialog import RESIDENT_LANGUAGES
from mediator_app.ui.widgets import add_row, fit_to_screen
from mediator_app.ui.workshops.sheet_output import safe_file_name

#: Room for one sentence; the passport prints it in large type.
ENCOURAGEMENT_MAX_CHARS = 160


def write_passport_pdf(
    store: Store, resident_id: str, language: str, encouragement: str, output: Path
) -> int:
    """Build the passport and write it to ``output``; returns its pages. Runs on the
    worker. Once written, the audit trail records it as printed."""
    from mediator_app.reports.passport import write_passport
    from mediator_app.reports.passports import passport_for_resident
    from mediator_app.store import audit

    passport = passport_for_resident(
        store, resident_id, language=language, encouragement=encouragement
    )
    pages = write_passport(passport, output)
    audit.record(store, audit.PRINT, store.residents.shown(resident_id), audit.PASSPORT)
    return pages


def print_passport_job(
    store: Store, resident_id: str, language: str, encouragement: str, printer: QPrinter
) -> int:
    """Write the passport to a temporary PDF and print it; returns the pages printed."""
    from mediator_app.ui.workshops.printing import print_pdf

    handle, name = tempfile.mkstemp(prefix="passerelle-passport-", suffix=".pdf")
    os.close(handle)
    temporary = Path(name)
    try:
        write_passport_pdf(store, resident_id, language, encouragement, temporary)
        return print_pdf(temporary, printer)
    finally:
        temporary.unlink(missing_ok=True)


class PassportDialog(QDialog):
    """Choose the language and the encouragement, then where it goes: once accepted,
    ``chosen_path`` or ``chosen_printer`` tells the window what to do."""

    def __init__(
        self, parent: QWidget | None, *, first_name: str, language: str, centre_language: str
    ):
        super().__init__(parent)
        self.setObjectName("passportDialog")
        self.setWindowTitle(_("Digital passport of %(name)s") % {"name": first_name})
        self._first_name = first_name
        self.chosen_path: Path | None = None
        self.chosen_printer: QPrinter | None = None

        heading = QLabel(self.windowTitle())
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        heading.setWordWrap(True)
        explanation = QLabel(
            _(
                "The passport shows the first name only, the skills achieved and in "
                "progress, and the next steps. Print it in the language the resident reads."
            )
        )
        explanation.setWordWrap(True)
        form = QFormLayout()
        self.language = QComboBox()
        for code, name in RESIDENT_LANGUAGES.items():
            self.language.addItem(name, code)
        wanted = language if language in RESIDENT_LANGUAGES else centre_language
        self.language.setCurrentIndex(max(self.language.findData(wanted), 0))
        add_row(form, _("&Language of the passport"), self.language)
        self.encouragement = QLineEdit()
        self.encouragement.setMaxLength(ENCOURAGEMENT_MAX_CHARS)
        self.encouragement.setMinimumWidth(
            self.encouragement.fontMetrics().horizontalAdvance("m" * 32)
        )
        self.encouragement.setPlaceholderText(
            _("e.g. Well done! Next time: your first video call.")
        )
        add_row(form, _("&Encouragement (optional)"), self.encouragement)
        note = QLabel(_("Write it in the passport's language: it is printed as typed."))
        note.setWordWrap(True)
        note.setEnabled(False)
        form.addRow("", note)

        self.save_button = QPushButton(_("&Save as PDF…"))
        self.print_button = QPushButton(_("&Print…"))
        self.print_button.setDefault(True)
        close = QPushButton(_("Close"))
        self.save_button.clicked.connect(self._on_save)
        self.print_button.clicked.connect(self._on_print)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(heading)
        body_layout.addWidget(explanation)
        body_layout.addLayout(form)
        layout = QVBoxLayout(self)
        layout.addWidget(body)
        layout.addStretch(1)
        layout.addLayout(buttons)
        fit_to_screen(self, body)
        self.encouragement.setFocus()

    @property
    def chosen_language(self) -> str:
        return self.language.currentData()

    @property
    def encouragement_text(self) -> str:
        return " ".join(self.encouragement.text().split())

    def _on_save(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = safe_file_name(_("Digital passport %(name)s") % {"name": self._first_name})
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the digital passport"),
            str(Path(folder) / f"{suggested}.pdf"),
            _("PDF documents (*.pdf)"),
        )
        if chosen:
            self.chosen_path = Path(chosen if chosen.lower().endswith(".pdf") else f"{chosen}.pdf")
            self.accept()

    def _on_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print the digital passport"))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.chosen_printer = printer
            self.accept()
