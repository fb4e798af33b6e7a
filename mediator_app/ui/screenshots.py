"""``passerelle screenshot``: render each main screen offscreen to a PNG, to look at the
app without a display (and for the README)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from mediator_app.i18n import DEFAULT_LANGUAGE, _

SCREEN_WIDTH, SCREEN_HEIGHT = 1366, 768


def save_screenshots(database: Path, out_dir: Path, language: str | None) -> int:
    """Save one PNG per screen into ``out_dir``; prints each path. Returns an exit code.

    Screens are drawn on an offscreen 1366×768 laptop screen, the smallest the centres use.
    """
    from mediator_app.paths import resources_dir

    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
        laptop = resources_dir() / "offscreen-laptop.json"
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={laptop}"
    from PySide6.QtWidgets import QApplication, QDialog, QWidget

    from mediator_app.settings import Settings
    from mediator_app.store import StoreError, open_store
    from mediator_app.ui.application import apply_language, make_application
    from mediator_app.ui.first_run import FirstRunDialog
    from mediator_app.ui.main_window import MainWindow
    from mediator_app.ui.resident_dialog import ResidentDialog
    from mediator_app.ui.session_dialog import SessionDialog
    from mediator_app.ui.worker import DatabaseWorker

    app = make_application()
    try:
        store = open_store(database)
    except StoreError as error:
        sys.stderr.write(_("Error: %(message)s") % {"message": error.render(_)} + "\n")
        return 2
    desk = store.ensure_desk()
    apply_language(app, language or desk.language or DEFAULT_LANGUAGE)
    out_dir.mkdir(parents=True, exist_ok=True)
    worker = DatabaseWorker(database)
    window = MainWindow(store, worker, Settings(None))
    window.resize(SCREEN_WIDTH, SCREEN_HEIGHT)
    window.show()
    saved: list[Path] = []

    def grab(name: str, widget: QWidget) -> None:
        app.processEvents()
        path = out_dir / f"{name}.png"
        widget.grab().save(str(path))
        saved.append(path)

    def grab_dialog(name: str, dialog: QDialog, prepare: Callable[[], None] | None = None) -> None:
        dialog.show()
        if prepare:
            prepare()
        grab(name, dialog)
        dialog.close()

    grab("01-residents", window)
    first = store.residents.page(0, 1)
    query = _sample_query(store)
    if query:
        window.search_box.setText(query)
        window._run_search()
        window._on_search_return()
        grab("02-search-and-file", window)
    resident = window.resident_file.resident
    if first or resident:
        grab_dialog(
            "03-session",
            SessionDialog(
                window,
                resident_id=resident.id if resident else first[0].id,
                resident_name=resident.full_name if resident else first[0].first_name,
            ),
            prepare=None,
        )
    grab_dialog("04-anonymous-visit", SessionDialog(window, resident_id=None, resident_name=""))
    resident_dialog = ResidentDialog(
        window, find_duplicates=store.residents.probable_duplicates, collected_by="—"
    )
    if resident is not None:
        resident_dialog.first_name.setText(resident.first_name)
        resident_dialog.last_name.setText(resident.last_name)
        resident_dialog.consent_check.setChecked(True)
        grab_dialog("05-new-resident-duplicates", resident_dialog, resident_dialog.accept)
    else:
        grab_dialog("05-new-resident", resident_dialog, resident_dialog.accept)
    window.show_today()
    grab("06-today", window)
    grab_dialog("07-first-run", FirstRunDialog())
    window.show_workshops()
    upcoming = store.workshops.upcoming(date.today(), limit=1)
    if upcoming:
        window.show_workshop_occurrence(upcoming[0].occurrence.id)
    grab("08-workshops", window)
    to_enter = store.workshops.sheets_not_entered(date.today())
    if to_enter:
        window.show_workshop_occurrence(to_enter[-1].occurrence.id)
        window.workshops_page.enter_sheet()
        if window.active_dialog is not None:
            grab_dialog("09-attendance-entry", window.active_dialog)
    _grab_progress(store, window, grab, grab_dialog)
    window.close()
    worker.stop()
    store.close()
    for path in saved:
        print(path)
    QApplication.processEvents()
    return 0


def _grab_progress(store, window, grab, grab_dialog) -> None:
    """The skills of the most assessed resident, the dialogs that change them, and the
    centre's progress."""
    from PySide6.QtWidgets import QApplication

    from mediator_app.ui.diagnostic_dialog import DiagnosticDialog
    from mediator_app.ui.goals_dialog import GoalsDialog
    from mediator_app.ui.passport_dialog import PassportDialog

    row = store.conn.execute(
        "SELECT resident_id FROM skill_assessment GROUP BY resident_id "
        "ORDER BY COUNT(*) DESC, resident_id LIMIT 1"
    ).fetchone()
    if row is not None:
        resident = store.residents.get(row[0])
        window.open_resident(resident.id)
        window.resident_file.show_skills()
        grab("10-skills", window)
        diagnostic = DiagnosticDialog(store, resident.id, window)
        diagnostic.show()
        for level in ("with_help", "autonomous", "with_help"):
            diagnostic.apply(level)
        grab("11-reassessment", diagnostic)
        diagnostic.done(0)  # closed without the question about levels not saved
        grab_dialog("12-goals", GoalsDialog(window, store, resident.id))
        grab_dialog(
            "13-passport",
            PassportDialog(
                window,
                first_name=resident.first_name,
                language=resident.language,
                centre_language=store.ensure_desk().language,
            ),
        )
    window.show_statistics()
    while window.statistics_page.progress is None:
        QApplication.processEvents()
    grab("14-statistics", window)


def _sample_query(store) -> str:
    """A few letters of a resident with a long history, typed without accents."""
    from mediator_app.domain.text import name_words

    row = store.conn.execute(
        "SELECT r.last_name FROM support_session s JOIN resident r ON r.id = s.resident_id "
        "GROUP BY s.resident_id ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return ""
    words = name_words(row[0])
    return words[-1][:5] if words else ""
