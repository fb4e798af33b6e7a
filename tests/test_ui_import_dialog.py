"""Importing residents from the window: a file, its columns, the preview and consent,
the import and its undo; by keyboard, with nothing written before the last step."""

from __future__ import annotations

import re
import threading
import time
import zipfile
from collections import Counter
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)

from mediator_app.domain.duplicates import DuplicateEvidence
from mediator_app.domain.resident import Resident
from mediator_app.importing.apply import Action, ImportResult
from mediator_app.importing.mapping import LACOOP_TEMPLATE, load_mapping
from mediator_app.importing.plan import ImportPlan, Match, Outcome, PlannedRow
from mediator_app.ui.import_dialog import (
    STEP_COLUMNS,
    STEP_FILE,
    STEP_PREVIEW,
    ChoiceTable,
    ColumnMappingModel,
    ImportDialog,
    OutcomeFilterProxy,
    PreviewModel,
)
from tests.ui_helpers import wait_idle

TODAY = date(2026, 6, 15)
#: French headers; Hélène is on the desk already, Zoé's e-mail has no @.
CENTRE_CSV = (
    "Nom;Prénom;Année de naissance;Téléphone;E-mail;Commune\n"
    "D'Aubigné;Hélène;1951;;;Saint-Étienne\n"
    "Lefèvre;Jérôme;12/03/1958;06 12 34 56 78;;Besançon\n"
    "Diallo;Fatoumata;1990;;fatou@example.org;Lyon\n"
    "Cœur;Zoé;1985;;zoe.example.org;Lyon\n"
)
GUESSED = {0: "last_name", 1: "first_name", 2: "birth_year", 3: "phone", 4: "email",
           5: "commune"}  # fmt: skip
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def centre_csv(tmp_path):
    path = tmp_path / "centre.csv"
    path.write_text(CENTRE_CSV, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _no_blocking_boxes(monkeypatch):
    """A warning box would wait for a click that never comes: record it instead."""
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda parent, title, text: warnings.append(text))
    )
    return warnings


def _answer(monkeypatch, answer: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(parent, title, text, *args):
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def _open(qtbot, desk, path=None) -> ImportDialog:
    window, store, worker, _helene = desk
    dialog = ImportDialog(store, worker, window, path=path, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    wait_idle(qtbot, worker)
    return dialog


def _press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _to_preview(qtbot, desk, path) -> ImportDialog:
    dialog = _open(qtbot, desk, path)
    dialog.go_next()
    dialog.go_next()
    wait_idle(qtbot, desk[2])
    assert dialog.pages.currentIndex() == STEP_PREVIEW
    return dialog


def _names(store) -> set[str]:
    return {row.last_name for row in store.residents.page(0, 100)}


def _block_worker(worker) -> threading.Event:
    """Keep the worker busy until the event is set, so a job queued meanwhile can be
    cancelled before it starts."""
    release = threading.Event()
    worker.run(lambda _store, _progress: release.wait(5))
    return release


def _cancel_progress(qtbot, dialog: ImportDialog) -> None:
    progress = dialog.progress_dialog
    assert progress is not None
    cancel = next(
        button for button in progress.findChildren(QPushButton) if button.text() == "Cancel"
    )
    cancel.click()


def test_a_french_spreadsheet_is_imported_by_keyboard_then_undone(
    desk, qtbot, centre_csv, monkeypatch
):
    _window, store, worker, _helene = desk
    dialog = _open(qtbot, desk)
    assert dialog.pages.currentIndex() == STEP_FILE
    assert not dialog.next_button.isEnabled()

    # Step 1: the path typed, Enter reads it on the worker.
    dialog.path_edit.setFocus()
    qtbot.keyClicks(dialog.path_edit, str(centre_csv))
    _press(qtbot, Qt.Key.Key_Return)
    wait_idle(qtbot, worker)
    status = dialog.file_status.text()
    assert "Read centre.csv: a text file in UTF-8, columns separated by semicolons." in status
    assert "4 rows under the headers, which are on row 1." in status
    assert dialog.next_button.isEnabled()

    # Step 2: the columns, guessed from the French headers.
    _press(qtbot, Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == STEP_COLUMNS, timeout=2000)
    assert dialog.mapping() == GUESSED
    model = dialog.mapping_model
    assert model.index(1, 1).data() == "Prénom"
    assert model.index(1, ColumnMappingModel.FIELD_COLUMN).data().startswith("First name")
    assert "Hélène · Jérôme · Fatoumata" in model.index(1, 2).data()
    assert not dialog.template_label.isVisibleTo(dialog)

    # Step 3: the preview, with every row's outcome.
    _press(qtbot, Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == STEP_PREVIEW, timeout=5000)
    assert dialog.counts_label.text() == (
        "4 rows: 2 new residents, 1 probable duplicate, 1 invalid row."
    )
    assert "reduced to its year" in dialog.reduced_label.text()
    preview = dialog.preview_model
    assert preview.index(0, PreviewModel.OUTCOME_COLUMN).data() == "Probable duplicate"
    assert (
        "may be Hélène D'Aubigné, born in 1951"
        in preview.index(0, PreviewModel.DETAILS_COLUMN).data()
    )
    assert "It will be skipped." in preview.index(0, PreviewModel.DETAILS_COLUMN).data()
    assert "Invalid" in preview.index(3, PreviewModel.OUTCOME_COLUMN).data()
    assert "column E (E-mail)" in preview.index(3, PreviewModel.DETAILS_COLUMN).data()

    # The invalid row blocks the import, and it is said why.
    assert not dialog.import_button.isEnabled()
    assert "1 row is invalid" in dialog.blocked_label.text()
    _press(qtbot, Qt.Key.Key_V, ALT)
    qtbot.waitUntil(dialog.skip_invalid.isChecked, timeout=2000)
    # Then the consent: the desk's mediator is offered, the box must be ticked.
    assert dialog.consent_by.text() == "Nadia Belkacem"
    assert not dialog.import_button.isEnabled()
    assert "consent" in dialog.blocked_label.text()
    _press(qtbot, Qt.Key.Key_P, ALT)
    qtbot.waitUntil(dialog.consent_given.isChecked, timeout=2000)
    assert dialog.import_button.isEnabled()
    assert not dialog.blocked_label.isVisibleTo(dialog)

    with qtbot.waitSignal(dialog.imported, timeout=10_000) as imported:
        _press(qtbot, Qt.Key.Key_I, ALT)
        qtbot.waitUntil(lambda: worker.busy or dialog.result is not None, timeout=2000)
    wait_idle(qtbot, worker)
    result = imported.args[0]
    assert isinstance(result, ImportResult)
    assert (result.created, result.merged, result.skipped, result.invalid_skipped) == (2, 0, 1, 1)
    assert _names(store) >= {"Lefèvre", "Diallo"}
    assert "Cœur" not in _names(store)
    jerome = store.residents.get(result.created_ids[0])
    assert (jerome.first_name, jerome.birth_year) == ("Jérôme", 1958)
    assert jerome.consent_date == TODAY.isoformat()
    assert jerome.consent_collected_by == "Nadia Belkacem"
    assert f"Import {result.import_id} done: 2 residents created" in dialog.result_label.text()
    assert dialog.undo_button.isVisible() and dialog.undo_button.isEnabled()
    assert not dialog.import_button.isEnabled() and not dialog.back_button.isEnabled()

    # Undo, after a confirmation.
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.undone, timeout=10_000):
        _press(qtbot, Qt.Key.Key_U, ALT)
    wait_idle(qtbot, worker)
    assert "The 2 residents it created are erased" in asked[0]
    assert not {"Lefèvre", "Diallo"} & _names(store)
    assert store.residents.count() == 3
    assert "undone: 2 residents erased" in dialog.result_label.text()
    assert not dialog.undo_button.isEnabled()


def test_the_undo_waits_for_a_yes(desk, qtbot, centre_csv, monkeypatch):
    _window, store, worker, _helene = desk
    dialog = _to_preview(qtbot, desk, centre_csv)
    dialog.skip_invalid.setChecked(True)
    dialog.consent_given.setChecked(True)
    dialog.import_button.click()
    wait_idle(qtbot, worker)
    _answer(monkeypatch, QMessageBox.StandardButton.No)
    dialog.undo_button.click()
    wait_idle(qtbot, worker)
    assert store.residents.count() == 5
    assert dialog.undo_button.isEnabled()


def test_changing_a_columns_field_changes_the_preview(desk, qtbot, centre_csv):
    dialog = _to_preview(qtbot, desk, centre_csv)
    assert dialog.plan.counts.invalid == 1

    _press(qtbot, Qt.Key.Key_B, ALT)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == STEP_COLUMNS, timeout=2000)
    table = dialog.mapping_table
    table.setCurrentIndex(dialog.mapping_model.index(4, 0))  # E-mail
    _press(qtbot, Qt.Key.Key_F2)
    assert table.state() == ChoiceTable.State.EditingState
    _press(qtbot, Qt.Key.Key_Home)  # the first choice: not imported
    _press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != ChoiceTable.State.EditingState, timeout=2000)
    assert 4 not in dialog.mapping()
    assert (
        dialog.mapping_model.index(4, ColumnMappingModel.FIELD_COLUMN)
        .data()
        .startswith("not imported")
    )

    _press(qtbot, Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == STEP_PREVIEW, timeout=5000)
    assert dialog.counts_label.text() == (
        "4 rows: 3 new residents, 1 probable duplicate, 0 invalid rows."
    )
    assert dialog.plan.mapping == {k: v for k, v in GUESSED.items() if k != 4}


def test_without_the_consent_box_import_is_disabled(desk, qtbot, tmp_path):
    path = tmp_path / "clean.csv"
    path.write_text("Nom;Prénom\nDiallo;Fatoumata\n", encoding="utf-8")
    dialog = _to_preview(qtbot, desk, path)
    assert not dialog.skip_invalid.isEnabled()  # nothing to skip
    assert not dialog.import_button.isEnabled()
    assert "Imported residents need their consent recorded" in dialog.blocked_label.text()
    dialog.consent_given.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.consent_by.clear()
    assert not dialog.import_button.isEnabled()
    assert "Say who collected the consent" in dialog.blocked_label.text()
    # The date of consent cannot be in the future.
    assert dialog.consent_date.maximumDate().toPython() == TODAY


def test_an_invalid_row_blocks_the_import_until_invalid_rows_are_skipped(desk, qtbot, centre_csv):
    _window, store, worker, _helene = desk
    dialog = _to_preview(qtbot, desk, centre_csv)
    dialog.consent_given.setChecked(True)
    assert not dialog.import_button.isEnabled()
    assert dialog.blocked_label.text() == (
        "⚠ 1 row is invalid: correct it in the file and choose the file again, or skip "
        "the invalid rows."
    )
    dialog.start_import()  # refused while blocked
    wait_idle(qtbot, worker)
    assert store.residents.count() == 3
    dialog.skip_invalid.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.skip_invalid.setChecked(False)
    assert not dialog.import_button.isEnabled()


def test_probable_duplicates_can_be_merged_or_kept(desk, qtbot, centre_csv):
    _window, store, worker, helene = desk
    dialog = _to_preview(qtbot, desk, centre_csv)
    dialog.skip_invalid.setChecked(True)
    dialog.consent_given.setChecked(True)
    model = dialog.preview_model

    # Keep both, by keyboard: F2 on the duplicate's row opens its list.
    dialog.preview_table.setCurrentIndex(dialog.preview_proxy.index(0, 0))
    _press(qtbot, Qt.Key.Key_F2)
    _press(qtbot, Qt.Key.Key_Down)
    _press(qtbot, Qt.Key.Key_Return)
    table = dialog.preview_table
    qtbot.waitUntil(lambda: table.state() != ChoiceTable.State.EditingState, timeout=2000)
    assert model.decision(2) is Action.CREATE
    assert "It will be imported as well." in model.index(0, PreviewModel.DETAILS_COLUMN).data()

    # Merge, from the menu of the selected rows.
    dialog.preview_table.selectRow(0)
    menu = dialog.decision_menu()
    merge = next(action for action in menu.actions() if "Merge" in action.text())
    merge.trigger()
    assert model.decision(2) is Action.MERGE
    assert model.index(0, PreviewModel.DECISION_COLUMN).data().startswith("Merge")

    with qtbot.waitSignal(dialog.imported, timeout=10_000) as imported:
        dialog.import_button.click()
    wait_idle(qtbot, worker)
    assert imported.args[0].merged == 1
    assert store.residents.get(helene.id).commune == "Saint-Étienne"
    assert store.residents.count() == 5


def test_the_menu_key_offers_the_decisions_of_the_selected_rows(
    desk, qtbot, centre_csv, monkeypatch
):
    shown: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, *args: shown.append(menu))
    dialog = _to_preview(qtbot, desk, centre_csv)
    table = dialog.preview_table
    table.setCurrentIndex(dialog.preview_proxy.index(0, 0))
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(0, 0), QPoint(0, 0))
    QApplication.sendEvent(table, event)
    assert len(shown) == 1
    labels = [action.text() for action in shown[0].actions()]
    assert labels == ["&Skip", "&Keep both", "&Merge into the existing record"]
    assert all(action.isEnabled() for action in shown[0].actions())
    shown[0].actions()[1].trigger()
    assert dialog.preview_model.decisions() == {2: Action.CREATE}
    # On a row that duplicates no one, there is nothing to decide.
    dialog.preview_table.selectRow(1)
    assert not any(action.isEnabled() for action in dialog.decision_menu().actions())


def test_a_workbook_is_read_from_its_residents_sheet(desk, qtbot, tmp_path):
    import openpyxl

    path = tmp_path / "centro.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notas"
    sheet = workbook.create_sheet("Beneficiarios")
    sheet.append(["Apellido", "Nombre", "Fecha de nacimiento", "Correo electrónico"])
    sheet.append(["García", "Lucía", date(1979, 4, 2), "lucia@example.org"])
    workbook.save(path)
    dialog = _open(qtbot, desk, path)
    assert "Read centro.xlsx: the sheet Beneficiarios." in dialog.file_status.text()
    dialog.go_next()
    assert dialog.mapping() == {0: "last_name", 1: "first_name", 2: "birth_year", 3: "email"}
    assert dialog.mapping_model.index(2, 2).data() == "2 Apr 1979"


def test_every_duplicate_can_be_decided_at_once(desk, qtbot, centre_csv):
    dialog = _to_preview(qtbot, desk, centre_csv)
    dialog.every_duplicate.setCurrentIndex(dialog.every_duplicate.findData("create"))
    dialog.every_duplicate.activated.emit(dialog.every_duplicate.currentIndex())
    assert dialog.preview_model.decisions() == {2: Action.CREATE}


def test_the_filter_shows_one_outcome(desk, qtbot, centre_csv):
    dialog = _to_preview(qtbot, desk, centre_csv)
    proxy = dialog.preview_proxy
    assert proxy.rowCount() == 4
    dialog.filter.setCurrentIndex(dialog.filter.findData(Outcome.INVALID.value))
    assert proxy.rowCount() == 1
    assert proxy.index(0, PreviewModel.NAME_COLUMN).data() == "Zoé Cœur"
    # The current row's whole explanation, which its cell may cut, is said below.
    assert dialog.row_details.text().startswith("Row 5, column E (E-mail): ")
    dialog.filter.setCurrentIndex(dialog.filter.findData(Outcome.DUPLICATE.value))
    assert [proxy.index(row, 0).data() for row in range(proxy.rowCount())] == ["2"]


def test_an_ods_file_is_refused_with_a_way_out(desk, qtbot, tmp_path):
    path = tmp_path / "residents.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    dialog = _open(qtbot, desk, path)
    assert "Save the file as XLSX" in dialog.file_error.text()
    assert dialog.file_error.text().startswith("⚠")
    assert not dialog.next_button.isEnabled()
    assert dialog.table is None


def test_a_missing_file_is_said_in_words(desk, qtbot, tmp_path):
    dialog = _open(qtbot, desk, tmp_path / "gone.csv")
    assert "The file gone.csv could not be opened" in dialog.file_error.text()


def test_cancelling_the_preview_writes_nothing(desk, qtbot, centre_csv):
    _window, store, worker, _helene = desk
    dialog = _open(qtbot, desk, centre_csv)
    dialog.go_next()
    release = _block_worker(worker)
    dialog.go_next()
    assert not dialog.next_button.isEnabled()  # busy
    _cancel_progress(qtbot, dialog)
    release.set()
    wait_idle(qtbot, worker)
    assert dialog.pages.currentIndex() == STEP_COLUMNS
    assert dialog.plan is None
    assert dialog.mapping_status.text() == "Preview cancelled: nothing was written."
    assert dialog.next_button.isEnabled()
    assert store.residents.count() == 3
    assert store.conn.execute("SELECT COUNT(*) FROM import_log").fetchone() == (0,)


def test_cancelling_the_import_writes_nothing(desk, qtbot, centre_csv):
    _window, store, worker, _helene = desk
    dialog = _to_preview(qtbot, desk, centre_csv)
    dialog.skip_invalid.setChecked(True)
    dialog.consent_given.setChecked(True)
    release = _block_worker(worker)
    dialog.import_button.click()
    _cancel_progress(qtbot, dialog)
    release.set()
    wait_idle(qtbot, worker)
    assert dialog.result is None
    assert dialog.result_label.text() == "Import cancelled: nothing was written."
    assert dialog.import_button.isEnabled()
    assert store.residents.count() == 3
    assert store.conn.execute("SELECT COUNT(*) FROM import_log").fetchone() == (0,)


def test_la_coops_template_is_recognised(desk, qtbot, tmp_path):
    path = tmp_path / "lacoop.csv"
    path.write_text(";".join(LACOOP_TEMPLATE) + "\nDiallo;Fatoumata;1990\n", encoding="utf-8")
    dialog = _open(qtbot, desk, path)
    dialog.go_next()
    assert dialog.template_label.isVisibleTo(dialog)
    assert dialog.template_label.text() == "This is La Coop's beneficiary template."
    assert 8 not in dialog.mapping()  # Code INSEE


def test_a_mapping_without_names_is_refused_inline(desk, qtbot, centre_csv):
    dialog = _open(qtbot, desk, centre_csv)
    dialog.go_next()
    model = dialog.mapping_model
    for row in (0, 1):
        assert model.setData(model.index(row, ColumnMappingModel.FIELD_COLUMN), "")
    assert "No column is mapped to the last name" in dialog.mapping_error.text()
    assert not dialog.next_button.isEnabled()
    model.setData(model.index(0, ColumnMappingModel.FIELD_COLUMN), "last_name")
    assert not dialog.mapping_error.isVisibleTo(dialog)
    assert dialog.next_button.isEnabled()


def test_a_mapping_is_saved_and_opened_again(desk, qtbot, centre_csv, tmp_path, monkeypatch):
    dialog = _open(qtbot, desk, centre_csv)
    dialog.go_next()
    target = tmp_path / "mapping.json"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(target), ""))
    )
    dialog.save_mapping_button.click()
    assert load_mapping(target, dialog.table.headers) == GUESSED
    assert "Mapping written to" in dialog.mapping_status.text()

    dialog.mapping_model.set_mapping({0: "last_name"})
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args: (str(target), ""))
    )
    dialog.load_mapping_button.click()
    assert dialog.mapping() == GUESSED


def test_mnemonics_are_unique_in_the_dialog(desk, qtbot):
    dialog = _open(qtbot, desk)
    letters = []
    for widget in dialog.findChildren(QWidget):
        if (isinstance(widget, QLabel) and widget.buddy() is not None) or isinstance(
            widget, QAbstractButton
        ):
            letters += re.findall(r"&([^&\s])", widget.text().replace("&&", ""))
    letters = [letter.casefold() for letter in letters]
    assert len(letters) >= 15
    assert [letter for letter, count in Counter(letters).items() if count > 1] == []
    assert dialog.preview_table.accessibleName() == "Rows of the file"
    assert dialog.consent_date.accessibleName() == "Date of consent"


def _synthetic_plan(rows: int) -> ImportPlan:
    evidence = DuplicateEvidence(True, True, False, False)
    planned = []
    for number in range(2, rows + 2):
        resident = Resident(first_name=f"Prénom {number}", last_name="Martin", birth_year=1970)
        if number % 10 == 0:
            match = Match(evidence, row_number=number - 1, name="Someone", birth_year=1970)
            planned.append(PlannedRow(number, resident, Outcome.DUPLICATE, matches=(match,)))
        else:
            planned.append(PlannedRow(number, resident, Outcome.NEW))
    return ImportPlan("big.csv", ("Nom", "Prénom"), {0: "last_name", 1: "first_name"},
                      tuple(planned))  # fmt: skip


def test_twenty_thousand_rows_are_shown_lazily(qtbot, monkeypatch):
    model = PreviewModel()
    proxy = OutcomeFilterProxy()
    proxy.setSourceModel(model)
    view = ChoiceTable(PreviewModel.DECISION_COLUMN)
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.resize(1000, 600)
    view.show()
    qtbot.waitExposed(view)
    started = time.monotonic()
    model.set_plan(_synthetic_plan(20_000))
    assert proxy.rowCount() == 20_000
    cells = Counter()
    original = PreviewModel._cell

    def counted(self, planned, column, role):
        cells[planned.number] += 1
        return original(self, planned, column, role)

    monkeypatch.setattr(PreviewModel, "_cell", counted)
    view.scrollToBottom()
    view.grab()
    proxy.set_outcome(Outcome.DUPLICATE)
    assert proxy.rowCount() == 2_000
    view.scrollToBottom()
    view.grab()
    assert time.monotonic() - started < 5
    assert 0 < len(cells) < 200  # only the rows on screen were asked for
    model.set_every_decision(Action.MERGE)
    assert set(model.decisions().values()) == {Action.MERGE}


def test_the_models_pass_the_model_tester(desk, qtbot, qtmodeltester, centre_csv):
    dialog = _to_preview(qtbot, desk, centre_csv)
    qtmodeltester.check(dialog.mapping_model)
    qtmodeltester.check(dialog.preview_model)
    qtmodeltester.check(dialog.preview_proxy)


def test_the_window_opens_the_import_from_its_file_menu(desk, qtbot):
    from mediator_app.ui.import_dialog import ImportDialog

    window, _store, _worker, _helene = desk
    window.actions_by_name["import_residents"].trigger()
    assert isinstance(window.active_dialog, ImportDialog)
    window.active_dialog.reject()
