"""In every language, no two controls of one dialog share an Alt+letter."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from mediator_app.i18n import LANGUAGES, set_language
from mediator_app.ui.first_run import FirstRunDialog
from mediator_app.ui.resident_dialog import ResidentDialog
from mediator_app.ui.session_dialog import SessionDialog

MNEMONIC = re.compile(r"&([^&\s])")


def _mnemonics(dialog: QWidget) -> list[str]:
    letters = []
    for widget in dialog.findChildren(QWidget):
        if (isinstance(widget, QLabel) and widget.buddy() is not None) or isinstance(
            widget, QAbstractButton
        ):
            text = widget.text()
        else:
            continue
        letters += [letter.casefold() for letter in MNEMONIC.findall(text.replace("&&", ""))]
    return letters


DIALOGS = {
    "session": lambda: SessionDialog(None, resident_id="r", resident_name="Ana"),
    "anonymous visit": lambda: SessionDialog(None, resident_id=None, resident_name=""),
    "resident": lambda: ResidentDialog(None, find_duplicates=lambda resident: []),
    "first run": lambda: FirstRunDialog(),
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("name", sorted(DIALOGS))
def test_mnemonics_are_unique_within_a_dialog(qtbot, language, name):
    set_language(language)
    dialog = DIALOGS[name]()
    qtbot.addWidget(dialog)
    letters = _mnemonics(dialog)
    assert letters, "the dialog should offer Alt+letter access"
    assert [letter for letter, count in Counter(letters).items() if count > 1] == []


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_mnemonics_are_unique_in_the_main_window(qtbot, store, tmp_path, language):
    from mediator_app.settings import Settings
    from mediator_app.ui.main_window import MainWindow
    from mediator_app.ui.worker import DatabaseWorker

    set_language(language)
    worker = DatabaseWorker(store.path)
    try:
        window = MainWindow(store, worker, Settings(tmp_path / "settings.json"))
        qtbot.addWidget(window)
        letters = _mnemonics(window)
        letters += [
            letter.casefold()
            for index in range(window.tabs.count())
            for letter in MNEMONIC.findall(window.tabs.tabText(index))
        ]
        letters += [
            letter.casefold()
            for action in window.menuBar().actions()
            for letter in MNEMONIC.findall(action.text())
        ]
        assert [letter for letter, count in Counter(letters).items() if count > 1] == []
    finally:
        worker.stop()


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_mnemonics_are_unique_in_the_settings(qtbot, tmp_path, language):
    from mediator_app.settings import Settings
    from mediator_app.ui.settings_dialog import SettingsDialog

    set_language(language)
    dialog = SettingsDialog(None, Settings(tmp_path / "settings.json"))
    qtbot.addWidget(dialog)
    letters = _mnemonics(dialog)
    assert [letter for letter, count in Counter(letters).items() if count > 1] == []
