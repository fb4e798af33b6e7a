"""Consent at the desk, driven as a mediator would: the information text shown in the
resident's language, the form saved and printed, the consent recorded with the version
in force and the language shown, and the register filtered by version."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel, QMessageBox, QWidget

from mediator_app.domain.consent import (
    CONSENT_FOLDER_NAME,
    ConsentTexts,
    ConsentTextVersion,
    load_consent_texts,
)
from mediator_app.domain.resident import Consent, Resident
from mediator_app.i18n import LANGUAGES, set_language
from mediator_app.paths import resources_dir
from mediator_app.ui.consent_dialog import (
    ConsentRegisterDialog,
    ConsentRegisterModel,
    ConsentTextDialog,
)
from mediator_app.ui.resident_dialog import ResidentDialog

TODAY = date(2026, 11, 29)
SHIPPED_FILE = resources_dir() / CONSENT_FOLDER_NAME / "2026-1.json"
SHIPPED = load_consent_texts(resources_dir() / CONSENT_FOLDER_NAME)


@pytest.fixture
def texts() -> ConsentTexts:
    """The shipped 2026-1 and a later 2026-7 in force since July: the current one."""
    data = json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))
    later = copy.deepcopy(data)
    later["version"], later["effective"] = "2026-7", "2026-07-01"
    later["texts"]["pt"]["title"] = "Os seus dados (texto de julho)"
    return ConsentTexts([ConsentTextVersion.from_data(data), ConsentTextVersion.from_data(later)])


def _text_dialog(qtbot, texts, **kwargs) -> ConsentTextDialog:
    values = {"language": "pt", "centre_language": "fr", "centre_name": "Centre social",
              "today": TODAY, "texts": texts, **kwargs}  # fmt: skip
    dialog = ConsentTextDialog(None, **values)
    qtbot.addWidget(dialog)
    return dialog


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


# The information text ---------------------------------------------------------------------


def test_the_current_text_is_shown_in_the_residents_language(qtbot, texts):
    dialog = _text_dialog(qtbot, texts)
    assert dialog.version.version == "2026-7"
    assert dialog.shown_language == "pt"
    shown = dialog.text_view.toPlainText()
    assert "Os seus dados (texto de julho)" in shown
    assert "Responsável pelos seus dados: Centre social." in shown
    assert "2026-7" in dialog.version_label.text()


def test_choosing_another_language_shows_it_and_says_so(qtbot, texts):
    dialog = _text_dialog(qtbot, texts)
    with qtbot.waitSignal(dialog.language_shown) as shown:
        dialog.language.setCurrentIndex(dialog.language.findData("es"))
    assert shown.args == ["es"]
    assert dialog.shown_language == "es"
    assert "Sus datos: qué anotamos y por qué" in dialog.text_view.toPlainText()


def test_a_language_without_a_text_opens_in_the_centres(qtbot, texts):
    dialog = _text_dialog(qtbot, texts, language="de", centre_language="it")
    assert dialog.shown_language == "it"


def test_the_form_is_saved_with_the_name_and_both_languages(qtbot, texts, tmp_path, monkeypatch):
    target = tmp_path / "form"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(target), ""))
    )
    dialog = _text_dialog(qtbot, texts, resident_name="  Maria   da Conceição ",
                          mediator_name="Nadia Belkacem")  # fmt: skip
    with qtbot.waitSignal(dialog.form_done, timeout=10000) as done:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "form.pdf"
    assert done.args[0] == (saved, 2)
    text = _pdf_text(saved)
    assert "Maria da Conceição" in text
    assert "29/11/2026" in text
    assert "Os seus dados (texto de julho)" in text
    assert "Vos informations" in text
    assert "versão 2026-7" in text
    assert str(saved) in dialog.status.text()
    assert dialog.save_button.isEnabled()


def test_a_blank_form_has_no_name_and_no_date(qtbot, texts, tmp_path):
    dialog = _text_dialog(qtbot, texts, language="fr")
    with qtbot.waitSignal(dialog.form_done, timeout=10000):
        dialog.save_form(tmp_path / "blank.pdf")
    text = _pdf_text(tmp_path / "blank.pdf")
    assert "29/11/2026" not in text
    assert "Nom et prénom" in text
    assert "Texte d'information, version 2026-7" in text


def test_the_form_is_printed(qtbot, texts, tmp_path):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    dialog = _text_dialog(qtbot, texts)
    with qtbot.waitSignal(dialog.form_done, timeout=20000) as done:
        dialog.print_form(printer)
    assert done.args == [2]
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 2
    assert "2 pages" in dialog.status.text()


def test_a_form_that_cannot_be_written_is_explained(qtbot, texts, tmp_path, monkeypatch):
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: warned.append(a[2])))
    dialog = _text_dialog(qtbot, texts)
    with qtbot.waitSignal(dialog.form_done, timeout=10000) as done:
        dialog.save_form(tmp_path / "missing" / "form.pdf")
    assert isinstance(done.args[0], OSError)
    assert warned and "could not be written" in warned[0]
    assert dialog.print_button.isEnabled()


def test_closing_the_dialog_while_the_form_is_made_is_safe(qtbot, texts, tmp_path):
    import shiboken6

    dialog = ConsentTextDialog(None, language="fr", centre_language="fr", today=TODAY,
                               texts=texts)  # fmt: skip
    dialog.save_form(tmp_path / "late.pdf")
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=5000)
    qtbot.waitUntil((tmp_path / "late.pdf").exists, timeout=10000)
    qtbot.wait(100)  # the outcome arrives with nobody to receive it
    # The form was still written whole, though nobody was left to say so.
    qtbot.waitUntil(lambda: (tmp_path / "late.pdf").read_bytes().rstrip().endswith(b"%%EOF"))


# The resident form records the version and the language shown ---------------------------------


def _resident_dialog(qtbot, texts, resident=None) -> ResidentDialog:
    dialog = ResidentDialog(
        None, find_duplicates=lambda resident: [], resident=resident,
        collected_by="Nadia Belkacem", language="fr", centre_name="Centre social",
        today=TODAY, texts=texts,
    )  # fmt: skip
    qtbot.addWidget(dialog)
    return dialog


def test_consent_records_the_current_version_and_the_language_shown(qtbot, texts):
    dialog = _resident_dialog(qtbot, texts)
    dialog.first_name.setText("Maria")
    dialog.last_name.setText("Conceição")
    qtbot.mouseClick(dialog.show_text_button, Qt.MouseButton.LeftButton)
    shown = dialog.consent_text_dialog
    assert shown is not None
    # No preferred language yet: the text opens in the one chosen for it (the centre's).
    assert shown.shown_language == "fr"
    shown.language.setCurrentIndex(shown.language.findData("pt"))
    assert dialog.consent_language.currentData() == "pt"
    assert shown.consent_form().resident_name == "Maria Conceição"
    shown.accept()
    dialog.consent_check.setChecked(True)
    dialog.accept()
    saved = dialog.result_resident
    assert saved is not None
    assert saved.consent_version == "2026-7"
    assert saved.consent_language == "pt"
    assert saved.consent_date == "2026-11-29"
    assert saved.consent_collected_by == "Nadia Belkacem"


def test_the_text_opens_in_the_residents_preferred_language(qtbot, texts):
    dialog = _resident_dialog(qtbot, texts)
    dialog.language.setCurrentIndex(dialog.language.findData("it"))
    dialog.show_text_button.click()
    assert dialog.consent_text_dialog.shown_language == "it"
    assert dialog.consent_language.currentData() == "it"


def test_without_consent_nothing_identified_is_saved(qtbot, texts):
    dialog = _resident_dialog(qtbot, texts)
    dialog.last_name.setText("Conceição")
    dialog.accept()
    assert dialog.result_resident is None
    assert "anonymous visit" in dialog.errors["consent_date"].text()


def _consented(version: str) -> Resident:
    consent = Consent(date(2026, 2, 1), "Marc", "es", text_version=version)
    return Resident(first_name="Ana", last_name="Ruiz", id="r1", **consent.as_fields())


def test_an_existing_consent_is_kept_as_recorded(qtbot, texts):
    dialog = _resident_dialog(qtbot, texts, _consented("2026-7"))
    assert dialog.renew_check.isHidden()
    dialog.consent_language.setCurrentIndex(dialog.consent_language.findData("fr"))
    dialog.accept()
    saved = dialog.result_resident
    assert (saved.consent_date, saved.consent_version, saved.consent_language) == (
        "2026-02-01", "2026-7", "es",
    )  # fmt: skip


def test_consent_under_an_older_text_can_be_renewed(qtbot, texts):
    dialog = _resident_dialog(qtbot, texts, _consented("2026-1"))
    assert not dialog.renew_check.isHidden()
    assert "2026-7" in dialog.consent_details.text()
    dialog.accept()
    assert dialog.result_resident.consent_version == "2026-1"  # not ticked: unchanged

    renewing = _resident_dialog(qtbot, texts, _consented("2026-1"))
    renewing.show_text_button.click()
    renewing.consent_text_dialog.accept()
    renewing.renew_check.setChecked(True)
    renewing.accept()
    saved = renewing.result_resident
    assert (saved.consent_date, saved.consent_version, saved.consent_collected_by) == (
        "2026-11-29", "2026-7", "Nadia Belkacem",
    )  # fmt: skip
    assert saved.consent_language == "es"  # the text opened in the language on record


def test_after_a_withdrawal_only_a_new_consent_keeps_identified_data(qtbot, texts):
    from dataclasses import replace

    withdrawn = replace(_consented("2026-7"), consent_withdrawn_date="2026-06-01")
    dialog = _resident_dialog(qtbot, texts, withdrawn)
    assert not dialog.consent_check.isChecked()
    assert "withdrawn" in dialog.consent_details.text()
    dialog.accept()
    assert dialog.result_resident is None  # no consent, nothing saved
    dialog.consent_check.setChecked(True)
    dialog.accept()
    saved = dialog.result_resident
    assert (saved.consent_date, saved.consent_version, saved.consent_collected_by) == (
        "2026-11-29", "2026-7", "Nadia Belkacem",
    )  # fmt: skip


def test_the_shipped_texts_are_used_by_default(qtbot):
    dialog = ResidentDialog(None, find_duplicates=lambda resident: [], today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.consent_version == SHIPPED.current(TODAY).version
    assert dialog.show_text_button.isEnabled()


# The register --------------------------------------------------------------------------------


def _resident(store, first, day, version, language="fr", by="Nadia"):
    consent = Consent(date.fromisoformat(day), by, language, text_version=version)
    return store.residents.create(
        Resident(first_name=first, last_name="Martin", **consent.as_fields()), today=TODAY
    )


@pytest.fixture
def register_store(store):
    _resident(store, "Ana", "2026-02-01", "2026-1", "pt", "Marc")
    _resident(store, "Bea", "2026-08-01", "2026-7")
    withdrawn = _resident(store, "Carla", "2026-09-01", "2026-7")
    with store.write() as writer:
        writer.update(
            "resident", withdrawn.id,
            {"first_name": "", "last_name": "", "consent_withdrawn_date": "2026-10-01",
             "anonymised_at": "2026-10-01T09:00:00Z"},
        )  # fmt: skip
    return store


def test_the_register_model_passes_the_model_tester(qtmodeltester, register_store):
    model = ConsentRegisterModel(register_store)
    qtmodeltester.check(model)
    model.set_version("2026-1")
    qtmodeltester.check(model)


def test_the_register_lists_every_consent(qtbot, texts, register_store):
    dialog = ConsentRegisterDialog(register_store, texts=texts, today=TODAY)
    qtbot.addWidget(dialog)
    model = dialog.model
    rows = [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]  # fmt: skip
    assert [row[0] for row in rows] == ["Anonymised resident", "Bea Martin", "Ana Martin"]
    assert rows[2][2:5] == ["2026-1", "Português", "Marc"]
    assert rows[0][5] and rows[0][6]  # withdrawn and anonymised, with their dates
    assert rows[1][5] == rows[1][6] == ""
    assert "3 residents shown" in dialog.summary.text()
    assert "1 of them withdrew" in dialog.summary.text()


def test_the_version_filter_finds_who_consented_under_an_older_text(qtbot, texts, register_store):
    dialog = ConsentRegisterDialog(register_store, texts=texts, today=TODAY)
    qtbot.addWidget(dialog)
    labels = [dialog.version_filter.itemText(i) for i in range(dialog.version_filter.count())]
    assert labels == [
        "All versions: 3 residents",
        "2026-1, an earlier text: 1 resident",
        "2026-7, the current text: 2 residents",
    ]
    dialog.select_version("2026-1")
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 0).data() == "Ana Martin"
    assert "1 resident shown" in dialog.summary.text()
    assert "withdrew" not in dialog.summary.text()
    # A new consent under the old text shows on refresh, the filter kept.
    _resident(register_store, "Dora", "2026-03-01", "2026-1")
    dialog.refresh()
    assert dialog.version_filter.currentData() == "2026-1"
    assert dialog.model.rowCount() == 2
    assert dialog.version_filter.currentText() == "2026-1, an earlier text: 2 residents"


def test_the_register_follows_changes_to_residents(qtbot, texts, register_store):
    dialog = ConsentRegisterDialog(register_store, texts=texts, today=TODAY)
    qtbot.addWidget(dialog)
    _resident(register_store, "Dora", "2026-11-01", "2026-7")
    dialog.on_data_changed(frozenset({"workshops"}))
    assert dialog.model.rowCount() == 3
    dialog.on_data_changed(frozenset({"residents"}))
    assert dialog.model.rowCount() == 4
    assert dialog.model.index(0, 0).data() == "Dora Martin"


def test_the_register_is_fetched_a_page_at_a_time(qtbot, store, monkeypatch):
    for number in range(7):
        _resident(store, f"P{number}", f"2026-02-{10 + number:02d}", "2026-1")
    monkeypatch.setattr(ConsentRegisterModel, "PAGE_SIZE", 3)
    model = ConsentRegisterModel(store)
    assert (model.rowCount(), model.total) == (3, 7)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 7
    assert model.index(0, 0).data() == "P6 Martin"


def test_the_register_opens_a_blank_form_in_the_centres_language(qtbot, texts, store):
    store.configure_desk(name="Desk 1", centre_name="Centro Aurora", country="IT",
                         language="it")  # fmt: skip
    dialog = ConsentRegisterDialog(store, texts=texts, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.text_button.click()
    shown = dialog.text_dialog
    assert shown.shown_language == "it"
    assert "Centro Aurora" in shown.text_view.toPlainText()
    assert shown.consent_form().resident_name == ""
    assert shown.consent_form().day is None
    shown.accept()


# Mnemonics ---------------------------------------------------------------------------------

MNEMONIC = re.compile(r"&([^&\s])")


def _mnemonics(dialog: QWidget) -> list[str]:
    letters = []
    for widget in dialog.findChildren(QWidget):
        if (isinstance(widget, QLabel) and widget.buddy() is not None) or isinstance(
            widget, QAbstractButton
        ):
            text = widget.text().replace("&&", "")
            letters += [letter.casefold() for letter in MNEMONIC.findall(text)]
    return letters


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_mnemonics_are_unique_in_the_consent_dialogs(qtbot, texts, store, language):
    set_language(language)
    for dialog in (
        _text_dialog(qtbot, texts),
        ConsentRegisterDialog(store, texts=texts, today=TODAY),
    ):
        qtbot.addWidget(dialog)
        letters = _mnemonics(dialog)
        assert letters
        assert [letter for letter, count in Counter(letters).items() if count > 1] == []
