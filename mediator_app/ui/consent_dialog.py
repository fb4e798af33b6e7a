"""Consent at the desk: the information text shown on screen (or read out) in the
resident's language, the printable consent form, and the consent register.

The text and the form come from ``domain/consent.py``; the register from
``store/consent_register.py``. The form is made, and printed, on a pool thread: the
window never waits for it, and no widget is touched from there.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QRunnable,
    QSize,
    QStandardPaths,
    Qt,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.consent import (
    CONSENT_FOLDER_NAME,
    ConsentTexts,
    ConsentTextVersion,
    InformationText,
    load_consent_texts,
)
from mediator_app.i18n import LANGUAGES, N_, _, format_date, ngettext
from mediator_app.paths import resources_dir
from mediator_app.store import Store
from mediator_app.store.consent_register import (
    ConsentEntry,
    counts_by_version,
    register_count,
    register_entries,
)
from mediator_app.ui.error_handler import unexpected_error_text
from mediator_app.ui.models import (
    ID_ROLE,
    RECORD_ROLE,
    AnyIndex,
    ColumnsTableModel,
    resident_display_name,
)
from mediator_app.ui.widgets import add_row, fit_columns_to_headers, fit_to_screen

if TYPE_CHECKING:
    from mediator_app.reports.consent_form import ConsentForm

#: The information text is read aloud or by the resident: larger than the interface.
TEXT_SCALE = 1.3


def installed_consent_texts() -> ConsentTexts:
    """The versions of the information text shipped with this installation (read once).
    Raises ``ConsentTextError`` when a file is broken or missing."""
    return load_consent_texts(resources_dir() / CONSENT_FOLDER_NAME)


def text_as_html(text: InformationText) -> str:
    """The text for a ``QTextBrowser``: its title, then each section's heading and
    paragraph."""
    parts = [f"<h2>{escape(text.title)}</h2>"]
    for section in text.sections:
        parts.append(f"<h3>{escape(section.heading)}</h3><p>{escape(section.text)}</p>")
    return "".join(parts)


def make_consent_form_pdf(form: ConsentForm, output: Path) -> int:
    """Write the form to ``output``; returns its pages. Runs on a pool thread."""
    from mediator_app.reports.consent_form import write_consent_form

    return write_consent_form(form, output)


def print_consent_form(form: ConsentForm, printer: QPrinter) -> int:
    """Write the form to a temporary PDF and print it; returns the pages printed. Runs
    on a pool thread; the printer must not be touched elsewhere meanwhile."""
    from mediator_app.ui.workshops.printing import print_pdf

    handle, name = tempfile.mkstemp(prefix="passerelle-consent-", suffix=".pdf")
    os.close(handle)
    temporary = Path(name)
    try:
        make_consent_form_pdf(form, temporary)
        return print_pdf(temporary, printer)
    finally:
        temporary.unlink(missing_ok=True)


class _Relay(QObject):
    """Carries a pool job's outcome back to the UI thread."""

    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay):
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as error:  # reported to the UI thread, never swallowed
            self._relay.failed.emit(error)
        else:
            self._relay.succeeded.emit(result)


class ConsentTextDialog(QDialog):
    """The current information text in a language the resident reads, to show on the
    screen or read out, with the consent form to print or save.

    ``language_shown`` is emitted with the language of the words on the screen each
    time it changes (the resident's choice may fall back to French, then English);
    ``shown_language`` holds it. An empty ``resident_name`` prints a form with blank
    lines for the name and the date.
    """

    language_shown = Signal(str)
    #: The form's job ended: the pages written or printed, or the error.
    form_done = Signal(object)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        language: str,
        centre_language: str,
        centre_name: str = "",
        resident_name: str = "",
        mediator_name: str = "",
        today: date | None = None,
        texts: ConsentTexts | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("consentTextDialog")
        self.setWindowTitle(_("Information text"))
        self._today = today or date.today()
        self._texts = texts or installed_consent_texts()
        self.version: ConsentTextVersion = self._texts.current(self._today)
        self._centre_language = centre_language
        self._centre_name = centre_name
        self._resident_name = " ".join(resident_name.split())
        self._mediator_name = mediator_name
        self._relay: _Relay | None = None
        self._describe: Callable[[Any], str] = str
        self.shown_language = ""

        explanation = QLabel(
            _(
                "Show this text to the resident or read it out, in a language they "
                "understand, before they decide. If they say no, log an anonymous "
                "visit: they are helped all the same."
            )
        )
        explanation.setWordWrap(True)
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        wanted = language if language in LANGUAGES else centre_language
        self.language.setCurrentIndex(max(self.language.findData(wanted), 0))
        form = QFormLayout()
        add_row(form, _("Language of the &text"), self.language)
        self.version_label = QLabel(
            _("Version %(version)s of the information text, in force since %(date)s.")
            % {"version": self.version.version, "date": format_date(self.version.effective)}
        )
        self.version_label.setWordWrap(True)
        self.text_view = QTextBrowser()
        self.text_view.setObjectName("consentText")
        self.text_view.setOpenLinks(False)
        self.text_view.setAccessibleName(_("Information text"))
        font = self.text_view.font()
        font.setPointSizeF(font.pointSizeF() * TEXT_SCALE)
        self.text_view.setFont(font)
        self.text_view.setMinimumSize(
            self.text_view.fontMetrics().horizontalAdvance("m" * 34),
            self.text_view.fontMetrics().lineSpacing() * 18,
        )
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()

        self.print_button = QPushButton(_("&Print the consent form…"))
        self.save_button = QPushButton(_("Save the form as P&DF…"))
        close = QPushButton(_("Close"))
        close.setDefault(True)
        self.print_button.clicked.connect(self._on_print)
        self.save_button.clicked.connect(self._on_save)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(explanation)
        body_layout.addLayout(form)
        body_layout.addWidget(self.version_label)
        body_layout.addWidget(self.text_view, 1)
        body_layout.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addWidget(body, 1)
        layout.addLayout(buttons)
        self.language.currentIndexChanged.connect(self._on_language_changed)
        self._show_text()
        fit_to_screen(self, body)
        self.language.setFocus()

    @property
    def text(self) -> InformationText:
        """The text on the screen, naming the centre."""
        return self.version.text(self.language.currentData(), self._centre_name)

    @property
    def is_busy(self) -> bool:
        return self._relay is not None

    def consent_form(self) -> ConsentForm:
        """The form as it would be printed now: the text shown beside the centre's
        language; the name and today's date when the form is for a known resident."""
        from mediator_app.reports.consent_form import ConsentForm

        return ConsentForm(
            self.version,
            resident_language=self.shown_language,
            centre_language=self._centre_language,
            centre_name=self._centre_name,
            resident_name=self._resident_name,
            mediator_name=self._mediator_name,
            day=self._today if self._resident_name else None,
        )

    def save_form(self, path: Path) -> None:
        """Write the form to ``path`` on a pool thread; ``form_done`` says how it went."""
        form = self.consent_form()
        self._start(
            lambda: (path, make_consent_form_pdf(form, path)),
            lambda result: (
                ngettext(
                    "Saved %(path)s (%(pages)s page).",
                    "Saved %(path)s (%(pages)s pages).",
                    result[1],
                )
                % {"path": result[0], "pages": result[1]}
            ),
        )

    def print_form(self, printer: QPrinter) -> None:
        """Print the form on ``printer`` from a pool thread; ``form_done`` says how it
        went."""
        form = self.consent_form()
        self._start(
            lambda: print_consent_form(form, printer),
            lambda pages: (
                ngettext(
                    "%(pages)s page sent to the printer.",
                    "%(pages)s pages sent to the printer.",
                    pages,
                )
                % {"pages": pages}
            ),
        )

    # Slots ------------------------------------------------------------------------------

    def _on_language_changed(self, _index: int) -> None:
        self._show_text()

    def _show_text(self) -> None:
        text = self.text
        self.text_view.setHtml(text_as_html(text))
        self.text_view.document().setDocumentMargin(12)
        if text.language != self.shown_language:
            self.shown_language = text.language
            self.language_shown.emit(text.language)

    def _on_save(self) -> None:
        # Imported here: the workshops package opens the resident form, which opens this.
        from mediator_app.ui.workshops.sheet_output import safe_file_name

        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = (
            _("Consent form %(name)s") % {"name": self._resident_name}
            if self._resident_name
            else _("Consent form")
        )
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the consent form"),
            str(Path(folder) / f"{safe_file_name(name)}.pdf"),
            _("PDF documents (*.pdf)"),
        )
        if chosen:
            self.save_form(Path(chosen if chosen.lower().endswith(".pdf") else f"{chosen}.pdf"))

    def _on_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print the consent form"))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_form(printer)

    def _start(self, work: Callable[[], Any], describe: Callable[[Any], str]) -> None:
        if self._relay is not None:
            return
        self._describe = describe
        # Owned by the application, not by Python: the pool thread never deletes it, and
        # it deletes itself on the UI thread once its outcome is delivered, even when
        # this dialog has been closed meanwhile.
        self._relay = _Relay(QCoreApplication.instance())
        self._relay.succeeded.connect(self._on_job_succeeded)
        self._relay.failed.connect(self._on_job_failed)
        self._relay.succeeded.connect(self._relay.deleteLater)
        self._relay.failed.connect(self._relay.deleteLater)
        for button in (self.print_button, self.save_button):
            button.setEnabled(False)
        self._show_status(_("Making the consent form…"))
        QThreadPool.globalInstance().start(_Job(work, self._relay))

    def _finish_job(self) -> None:
        self._relay = None
        for button in (self.print_button, self.save_button):
            button.setEnabled(True)

    @Slot(object)
    def _on_job_succeeded(self, result: Any) -> None:
        self._finish_job()
        self._show_status(self._describe(result))
        self.form_done.emit(result)

    @Slot(object)
    def _on_job_failed(self, error: BaseException) -> None:
        from mediator_app.ui.workshops.printing import PrintError

        self._finish_job()
        if isinstance(error, OSError):
            title = _("Not saved")
            message = _("The file could not be written: %(reason)s") % {
                "reason": error.strerror or str(error)
            }
        elif isinstance(error, PrintError):
            title = _("Not printed")
            message = _("The printer %(printer)s could not be opened.") % {"printer": error}
        else:
            title = _("Not printed")
            message = unexpected_error_text(error)
        self._show_status(message)
        QMessageBox.warning(self, title, message)
        self.form_done.emit(error)

    def _show_status(self, message: str) -> None:
        self.status.setText(message)
        self.status.show()


class ConsentRegisterModel(ColumnsTableModel):
    """The register, latest consent first, fetched a page at a time as the view
    scrolls; ``set_version`` keeps only the residents of one version of the text
    (``""``: those without one), ``None`` shows all."""

    COLUMNS = (N_("Resident"), N_("Date of consent"), N_("Version"), N_("Language"),
               N_("Collected by"), N_("Withdrawn on"), N_("Anonymised on"))  # fmt: skip
    PAGE_SIZE = 100

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self._store = store
        self._version: str | None = None
        self._rows: list[ConsentEntry] = []
        self._total = 0
        self._load()

    @property
    def version(self) -> str | None:
        return self._version

    @property
    def total(self) -> int:
        """Residents matching the filter, fetched or not yet."""
        return self._total

    def set_version(self, version: str | None) -> None:
        self._version = version
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._load()
        self.endResetModel()

    def _load(self) -> None:
        self._total = register_count(self._store, self._version)
        self._rows = register_entries(self._store, self._version, limit=self.PAGE_SIZE)

    def entry(self, row: int) -> ConsentEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_total(self) -> int:
        return len(self._rows)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = register_entries(
            self._store, self._version, offset=len(self._rows), limit=self.PAGE_SIZE
        )
        if not more:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entry(index.row())
        if entry is None:
            return None
        if role == ID_ROLE:
            return entry.resident_id
        if role == RECORD_ROLE:
            return entry
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._cell(entry, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1 and not entry.consent_date:
            return _("No consent recorded: this record should not hold identified data.")
        return None

    @staticmethod
    def _cell(entry: ConsentEntry, column: int) -> str:
        if column == 0:
            return resident_display_name(entry)
        if column == 1:
            return _date(entry.consent_date) or _("No consent recorded")
        if column == 2:
            return entry.consent_version
        if column == 3:
            return LANGUAGES.get(entry.consent_language, entry.consent_language)
        if column == 4:
            return entry.collected_by
        if column == 5:
            return _date(entry.withdrawn_date)
        if column == 6:
            return _date(entry.anonymised_at)
        return ""


def _date(value: str) -> str:
    """An ISO date (or timestamp) as the interface writes dates; empty stays empty."""
    if not value:
        return ""
    try:
        return format_date(value[:10])
    except ValueError:
        return value


class ConsentRegisterDialog(QDialog):
    """The consent register: who consented when, to which version and in which
    language, who collected it, and who withdrew. The version filter finds who
    consented under an older text; the counts say how many per version.

    It reads the store it is given; call ``refresh()`` after residents change.
    """

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        texts: ConsentTexts | None = None,
        today: date | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("consentRegisterDialog")
        self.setWindowTitle(_("Consent register"))
        self._store = store
        self._today = today or date.today()
        self._texts = texts or installed_consent_texts()
        self._current = self._texts.current(self._today).version

        heading = QLabel(self.windowTitle())
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        explanation = QLabel(
            _(
                "Each resident's consent: the date, the version and language of the "
                "information text they were shown, who collected it, and its withdrawal. "
                "Choose an earlier version to find who consented under an older text."
            )
        )
        explanation.setWordWrap(True)
        self.version_filter = QComboBox()
        self.version_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        filters = QFormLayout()
        add_row(filters, _("Text &version"), self.version_filter)
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        self.model = ConsentRegisterModel(store, self)
        self.view = QTableView()
        self.view.setObjectName("consentRegister")
        self.view.setAccessibleName(self.windowTitle())
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().hide()
        # Names are the longest cells: their column gets the room, the others their
        # header's width, and the table scrolls sideways when the window is narrow.
        self.view.setWordWrap(False)
        fit_columns_to_headers(self.view, (240, 110, 70, 90, 130, 110, 110))
        self.view.horizontalHeader().setStretchLastSection(True)

        self.text_button = QPushButton(_("Show the information &text…"))
        self.text_button.clicked.connect(self._on_show_text)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.text_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(heading)
        body_layout.addWidget(explanation)
        body_layout.addLayout(filters)
        body_layout.addWidget(self.summary)
        body_layout.addWidget(self.view, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(body, 1)
        layout.addLayout(buttons)
        self._fill_filter()
        self.version_filter.currentIndexChanged.connect(self._on_filter_changed)
        self._update_summary()
        columns_width = sum(self.view.columnWidth(c) for c in range(self.model.columnCount()))
        # Wide enough for every column, tall enough for a dozen rows, within the screen.
        fit_to_screen(
            self,
            body,
            extra=QSize(
                max(48, columns_width + 80 - body.sizeHint().width()),
                self.view.verticalHeader().defaultSectionSize() * 12,
            ),
        )
        self.version_filter.setFocus()

    def refresh(self) -> None:
        """Read the register again, keeping the chosen version when it is still there."""
        self.version_filter.blockSignals(True)
        try:
            self._fill_filter(keep=self.model.version)
        finally:
            self.version_filter.blockSignals(False)
        self.model.set_version(self.version_filter.currentData())
        self._update_summary()

    @Slot(object)
    def on_data_changed(self, topics: frozenset[str]) -> None:
        """Connect to the worker's ``changed``: residents changed, read the register
        again."""
        if "residents" in topics:
            self.refresh()

    def select_version(self, version: str | None) -> None:
        """Show the residents of ``version`` only (``None``: all)."""
        index = self._filter_index(version)
        if index >= 0:
            self.version_filter.setCurrentIndex(index)

    def _filter_index(self, version: str | None) -> int:
        for index in range(self.version_filter.count()):
            if self.version_filter.itemData(index) == version:
                return index
        return -1

    def _fill_filter(self, keep: str | None = None) -> None:
        combo = self.version_filter
        combo.clear()
        counts = counts_by_version(self._store)
        total = sum(count.residents for count in counts)
        combo.addItem(
            ngettext("All versions: %(count)s resident", "All versions: %(count)s residents", total)
            % {"count": total},
            None,
        )
        for count in counts:
            values = {"version": count.version, "count": count.residents}
            if not count.version:
                label = ngettext(
                    "No version recorded: %(count)s resident",
                    "No version recorded: %(count)s residents",
                    count.residents,
                )
            elif count.version == self._current:
                label = ngettext(
                    "%(version)s, the current text: %(count)s resident",
                    "%(version)s, the current text: %(count)s residents",
                    count.residents,
                )
            else:
                label = ngettext(
                    "%(version)s, an earlier text: %(count)s resident",
                    "%(version)s, an earlier text: %(count)s residents",
                    count.residents,
                )
            combo.addItem(label % values, count.version)
        combo.setCurrentIndex(max(self._filter_index(keep), 0))

    def _on_filter_changed(self, _index: int) -> None:
        self.model.set_version(self.version_filter.currentData())
        self._update_summary()

    def _update_summary(self) -> None:
        version = self.model.version
        counts = counts_by_version(self._store)
        withdrawn = sum(c.withdrawn for c in counts if version is None or c.version == version)
        shown = self.model.total
        text = ngettext("%(count)s resident shown.", "%(count)s residents shown.", shown) % {
            "count": shown
        }
        if withdrawn:
            text += " " + ngettext(
                "%(count)s of them withdrew their consent.",
                "%(count)s of them withdrew their consent.",
                withdrawn,
            ) % {"count": withdrawn}
        self.summary.setText(text)

    def _on_show_text(self) -> None:
        desk = self._store.desk
        language = desk.language if desk else "fr"
        dialog = ConsentTextDialog(
            self,
            language=language,
            centre_language=language,
            centre_name=desk.centre_name if desk else "",
            today=self._today,
            texts=self._texts,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.text_dialog = dialog
        dialog.open()
