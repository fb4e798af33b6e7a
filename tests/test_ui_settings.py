"""The settings dialog: interface language and how attendance sheets are printed."""

from __future__ import annotations

from mediator_app.settings import Settings, sheet_options
from mediator_app.ui.settings_dialog import SettingsDialog


def test_sheet_choices_are_saved_and_read_back(qtbot, tmp_path):
    path = tmp_path / "settings.json"
    dialog = SettingsDialog(None, Settings(path))
    qtbot.addWidget(dialog)
    dialog.sheet_language.setCurrentIndex(dialog.sheet_language.findData("pt"))
    dialog.blank_rows.setValue(8)
    logo = tmp_path / "logo centre.png"
    dialog.set_logos([str(logo)])
    assert "logo centre.png" in dialog.logos_label.text()
    dialog.apply()
    options = sheet_options(Settings(path))
    assert (options.language, options.blank_rows, options.logos) == ("pt", 8, (str(logo),))


def test_the_centre_language_and_no_logo_by_default(qtbot, tmp_path):
    dialog = SettingsDialog(None, Settings(tmp_path / "settings.json"))
    qtbot.addWidget(dialog)
    dialog.apply()
    options = sheet_options(Settings(tmp_path / "settings.json"))
    assert options.language is None
    assert options.blank_rows == 5
    assert options.logos == ()


def test_sheets_are_made_with_the_chosen_options(store, tmp_path):
    from datetime import date, timedelta

    from pypdf import PdfReader

    from mediator_app.domain.workshop import SheetOptions, Workshop, WorkshopOccurrence
    from mediator_app.ui.workshops.sheet_output import write_sheets_pdf

    workshop = store.workshops.create_workshop(
        Workshop(title="Créer sa boîte mail", themes=("email",))
    )
    occurrence = store.workshops.create_occurrence(
        WorkshopOccurrence(
            workshop_id=workshop.id,
            date=(date.today() + timedelta(days=3)).isoformat(),
            place="FabLab",
        )
    )
    output = tmp_path / "sheet.pdf"
    options = SheetOptions(language="en", blank_rows=3)
    pages = write_sheets_pdf(store, lambda done, total: True, [occurrence.id], output, options)
    text = PdfReader(output).pages[0].extract_text()
    assert pages == 1
    assert "Attendance sheet" in text
    lines = text.splitlines()
    numbered = lines[lines.index("Signature", lines.index("No.")) + 1 : lines.index("page 1 / 1")]
    assert numbered == ["1", "2", "3"]  # no participant yet: the three blank rows
