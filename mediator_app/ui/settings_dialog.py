"""Settings a mediator changes at the desk: the language of the interface, when the desk
locks itself, and how the attendance sheets are printed (their language, blank rows for
walk-ins, logos)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mediator_app.i18n import LANGUAGES, _, current_language
from mediator_app.settings import REGISTRY, Settings
from mediator_app.ui.resident_dialog import RESIDENT_LANGUAGES
from mediator_app.ui.widgets import add_row

MAX_BLANK_ROWS = REGISTRY["sheet_blank_rows"].limits[1]
MAX_LOCK_MINUTES = REGISTRY["lock_after_minutes"].limits[1]


class SettingsDialog(QDialog):
    """Edit the settings; ``apply()`` stores the choices once the dialog is accepted.
    A new interface language rebuilds the window."""

    def __init__(
        self, parent: QWidget | None, settings: Settings, *, encrypted: bool | None = None
    ):
        """``encrypted`` tells whether the open database is encrypted (``None``: no
        database to tell about); a clear one can be encrypted from here."""
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings"))
        self._settings = settings
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(current_language()), 0))
        form = QFormLayout()
        add_row(form, _("&Language of the interface"), self.language)
        note = QLabel(_("Screens switch to the new language as soon as you confirm."))
        note.setWordWrap(True)

        self.lock_after = QSpinBox()
        self.lock_after.setRange(0, MAX_LOCK_MINUTES)
        self.lock_after.setSuffix(_(" min"))
        self.lock_after.setSpecialValueText(_("Never"))
        self.lock_after.setValue(settings["lock_after_minutes"])
        add_row(form, _("Loc&k the desk after"), self.lock_after)
        #: Set when the mediator asked to encrypt the database, done once this closes.
        self.encryption_asked = False
        if encrypted is not None:
            form.addRow(_("Database"), self._encryption_row(encrypted))

        sheets = QGroupBox(_("Attendance sheets"))
        sheets_form = QFormLayout(sheets)
        self.sheet_language = QComboBox()
        self.sheet_language.addItem(_("The centre's language"), "")
        for code, name in RESIDENT_LANGUAGES.items():
            self.sheet_language.addItem(name, code)
        self.sheet_language.setCurrentIndex(
            max(self.sheet_language.findData(settings["sheet_language"]), 0)
        )
        add_row(sheets_form, _("Language of the &sheets"), self.sheet_language)
        self.blank_rows = QSpinBox()
        self.blank_rows.setRange(0, MAX_BLANK_ROWS)
        self.blank_rows.setValue(settings["sheet_blank_rows"])
        add_row(sheets_form, _("&Blank rows for walk-ins"), self.blank_rows)
        self._logos = [str(path) for path in settings["sheet_logos"]]
        self.logos_label = QLabel()
        self.logos_label.setWordWrap(True)
        choose = QPushButton(_("&Choose the logos…"))
        choose.setAutoDefault(False)
        choose.clicked.connect(self._on_choose_logos)
        clear = QPushButton(_("&No logo"))
        clear.setAutoDefault(False)
        clear.clicked.connect(self._on_clear_logos)
        logo_row = QWidget()
        logo_layout = QHBoxLayout(logo_row)
        logo_layout.setContentsMargins(0, 0, 0, 0)
        logo_layout.addWidget(self.logos_label, 1)
        logo_layout.addWidget(choose)
        logo_layout.addWidget(clear)
        logos_title = QLabel(_("Logos"))
        sheets_form.addRow(logos_title, logo_row)
        self._show_logos()

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(sheets)
        layout.addWidget(buttons)

    def _encryption_row(self, encrypted: bool) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        if encrypted:
            layout.addWidget(QLabel(_("Encrypted: it opens only with a passphrase.")), 1)
            return row
        layout.addWidget(QLabel(_("Not encrypted")), 1)
        encrypt = QPushButton(_("&Encrypt the database…"))
        encrypt.setAutoDefault(False)
        encrypt.clicked.connect(self._ask_encryption)
        layout.addWidget(encrypt)
        return row

    def _ask_encryption(self) -> None:
        self.encryption_asked = True
        self.reject()

    @property
    def chosen_language(self) -> str:
        return self.language.currentData()

    @property
    def logos(self) -> list[str]:
        return list(self._logos)

    def apply(self) -> None:
        """Store the sheet choices (the interface language is applied by the window)."""
        self._settings["sheet_language"] = self.sheet_language.currentData()
        self._settings["sheet_blank_rows"] = self.blank_rows.value()
        self._settings["sheet_logos"] = list(self._logos)
        self._settings["lock_after_minutes"] = self.lock_after.value()
        self._settings.save()

    def set_logos(self, paths: list[str]) -> None:
        self._logos = list(paths)
        self._show_logos()

    def _show_logos(self) -> None:
        names = ", ".join(Path(path).name for path in self._logos)
        self.logos_label.setText(names or _("No logo"))

    def _on_choose_logos(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileNames(
            self, _("Choose the logos"), "", _("Images (*.png *.jpg *.jpeg)")
        )
        if chosen:
            self.set_logos(chosen)

    def _on_clear_logos(self) -> None:
        self.set_logos([])
