"""Every screen, in every language, shows no English message id that its catalogue
translates: a text left in English means a string that does not go through gettext at
the right time (built once at import, or never marked)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTableView,
    QTabWidget,
    QWidget,
)

from mediator_app import i18n
from mediator_app.paths import catalogue_dir

TRANSLATED = sorted(set(i18n.LANGUAGES) - {i18n.SOURCE_LANGUAGE})
_MNEMONIC = re.compile(r"&(?=[^&])")


def english_left(language: str) -> set[str]:
    """English message ids whose translation in ``language`` differs: on a screen in
    that language, one of them is a string left untranslated."""
    with (catalogue_dir() / language / "LC_MESSAGES" / "passerelle.po").open("rb") as handle:
        catalog = read_po(handle)
    found = set()
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        translated = message.string
        if translated and _clean(translated) != _clean(message.id):
            found.add(_clean(message.id))
    return found


def _clean(text: str) -> str:
    return _MNEMONIC.sub("", text).replace("&&", "&").strip()


def visible_texts(root: QWidget) -> set[str]:
    """The texts a person sees in ``root`` and its children: labels, buttons, group
    titles, tabs, placeholders, table headers, the window title and menus."""
    texts = {root.windowTitle()}
    for label in root.findChildren(QLabel):
        texts.add(label.text())
    for button in root.findChildren(QAbstractButton):
        texts.add(button.text())
        texts.add(button.toolTip())
    for box in root.findChildren(QGroupBox):
        texts.add(box.title())
    for tabs in root.findChildren(QTabWidget):
        texts.update(tabs.tabText(index) for index in range(tabs.count()))
    for field in root.findChildren(QLineEdit):
        texts.add(field.placeholderText())
    for view in root.findChildren(QTableView):
        model, header = view.model(), view.horizontalHeader()
        if model is not None:
            for column in range(header.count()):
                texts.add(str(model.headerData(column, Qt.Orientation.Horizontal) or ""))
    menu_bar = getattr(root, "menuBar", None)
    if menu_bar is not None:
        for action in menu_bar().actions():
            texts.add(action.text())
            for item in action.menu().actions() if action.menu() else []:
                texts.add(item.text())
    return {_clean(text) for text in texts if text}


@pytest.fixture
def demo_database(tmp_path_factory) -> Path:
    from mediator_app.demo import generate_demo
    from mediator_app.store import open_store

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = open_store(path)
    generate_demo(store, residents=40, sessions=300, seed=3)
    store.close()
    return path


def _screens(window, store):
    """Open each main screen and dialog in turn; yields (name, widget) while shown."""
    from mediator_app.ui.conflicts_dialog import ConflictsDialog
    from mediator_app.ui.coordinator_export_dialog import CoordinatorExportDialog
    from mediator_app.ui.diagnostic_dialog import DiagnosticDialog
    from mediator_app.ui.goals_dialog import GoalsDialog
    from mediator_app.ui.import_dialog import ImportDialog
    from mediator_app.ui.passport_dialog import PassportDialog
    from mediator_app.ui.resident_dialog import ResidentDialog
    from mediator_app.ui.session_dialog import SessionDialog
    from mediator_app.ui.settings_dialog import SettingsDialog

    resident = store.residents.page(0, 1)[0]
    window.open_resident(resident.id)
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        for section in range(window.resident_file.sections.count()):
            window.resident_file.sections.setCurrentIndex(section)
            QApplication.processEvents()
            yield f"main window, tab {tab}, section {section}", window
    dialogs = [
        SessionDialog(window, resident_id=resident.id, resident_name="X"),
        SessionDialog(window, resident_id=None, resident_name=""),
        ResidentDialog(window, find_duplicates=lambda record: [], collected_by="—"),
        SettingsDialog(window, window._settings),
        DiagnosticDialog(store, resident.id, window),
        GoalsDialog(window, store, resident.id),
        PassportDialog(window, first_name="X", language="fr", centre_language="fr"),
        ConflictsDialog(store, window),
        CoordinatorExportDialog(store, window._worker, window),
        ImportDialog(store, window._worker, window),
    ]
    for dialog in dialogs:
        dialog.show()
        QApplication.processEvents()
        yield type(dialog).__name__, dialog
        dialog.done(0)


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_screen_shows_an_english_text_its_catalogue_translates(
    demo_database, qtbot, tmp_path, language
):
    from mediator_app.settings import Settings
    from mediator_app.store import open_store
    from mediator_app.ui.application import apply_language
    from mediator_app.ui.main_window import MainWindow
    from mediator_app.ui.worker import DatabaseWorker

    # As the app does: our catalogue, Qt's own strings (Cancel, OK) and Qt's locale.
    apply_language(QApplication.instance(), language)
    left_in_english = english_left(language)
    store = open_store(demo_database)
    worker = DatabaseWorker(demo_database)
    try:
        window = MainWindow(store, worker, Settings(tmp_path / "settings.json"))
        qtbot.addWidget(window)
        window.show()
        found = {}
        for name, screen in _screens(window, store):
            for text in visible_texts(screen) & left_in_english:
                found.setdefault(text, name)
        assert found == {}
    finally:
        qtbot.waitUntil(lambda: not worker.busy, timeout=5000)
        worker.stop()
        store.close()
        apply_language(QApplication.instance(), i18n.SOURCE_LANGUAGE)
