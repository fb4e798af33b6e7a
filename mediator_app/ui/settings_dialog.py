"""Settings a mediator changes at the desk: the language of the interface."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from mediator_app.i18n import LANGUAGES, _, current_language
from mediator_app.settings import Settings
from mediator_app.ui.widgets import add_row


class SettingsDialog(QDialog):
    """Choose the interface language; the window is rebuilt in it when accepted."""

    def __init__(self, parent: QWidget | None, settings: Settings):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings"))
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(current_language()), 0))
        form = QFormLayout()
        add_row(form, _("&Language of the interface"), self.language)
        note = QLabel(_("Screens switch to the new language as soon as you confirm."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self._settings = settings

    @property
    def chosen_language(self) -> str:
        return self.language.currentData()
