"""The workshops screens driven as a mediator would: a series planned, residents
registered over capacity, a signed sheet entered by keyboard and its scan attached,
sheets printed and saved."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import shiboken6
from pypdf import PdfReader
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QDesktopServices, QImage, QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLabel,
    QMessageBox,
    QWidget,
)

from mediator_app.domain.resident import Resident
from mediator_app.domain.workshop import AnonymousCount, Workshop, WorkshopOccurrence
from mediator_app.i18n import set_language
from mediator_app.settings import Settings
from mediator_app.store.mediators import add_mediator
from mediator_app.ui.main_window import WORKSHOPS_TAB, MainWindow
from mediator_app.ui.resident_dialog import ResidentDialog
from mediator_app.ui.resident_file import WORKSHOPS_SECTION
from mediator_app.ui.worker import DatabaseWorker
from mediator_app.ui.workshops.anonymous_dialog import AnonymousCountsDialog
from mediator_app.ui.workshops.attendance_entry import AttendanceEntryDialog
from mediator_app.ui.workshops.models import (
    AnonymousCountsModel,
    AttendanceEntryModel,
    CatalogueModel,
    OccurrenceListModel,
    ParticipantsModel,
    SeriesDatesModel,
    SheetsToEnterModel,
    WeekModel,
    WorkshopHistoryModel,
)
from mediator_app.ui.workshops.occurrence_dialog import OccurrenceDialog
from mediator_app.ui.workshops.page import TO_ENTER_TAB
from mediator_app.ui.workshops.printing import print_pdf
from mediator_app.ui.workshops.registration import ResidentPickerDialog
from mediator_app.ui.workshops.scans import remove_scan_copies
from mediator_app.ui.workshops.workshop_dialog import WorkshopDialog

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
TODAY = date.today()
MONDAY = TODAY - timedelta(days=TODAY.weekday())
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def desk(store, db_path, qtbot, tmp_path):
    mediator = add_mediator(store, "Nadia Belkacem")
    store.configure_desk(
        name="Desk 1", centre_name="Centre social", country="FR", language="fr",
        mediator_id=mediator.id,
    )  # fmt: skip
    worker = DatabaseWorker(db_path, mediator.id)
    window = MainWindow(store, worker, Settings(tmp_path / "settings.json"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    yield window, store, worker
    worker.stop()


def _resident(store, first: str, last: str) -> Resident:
    return store.residents.create(Resident(first_name=first, last_name=last, **CONSENT))


def _workshop(store, **values) -> Workshop:
    fields = {"title": "Smartphone : premiers pas", "themes": ("prendre_en_main_du_materiel",),
              "capacity": 10, "facilitators": ("Nadia Belkacem",)}  # fmt: skip
    return store.workshops.create_workshop(Workshop(**{**fields, **values}))


def _occurrence(store, workshop, day: date, place: str = "FabLab", **values):
    return store.workshops.create_occurrence(
        WorkshopOccurrence(workshop_id=workshop.id, date=day.isoformat(), place=place, **values)
    )


def _wait_idle(qtbot, worker) -> None:
    qtbot.waitUntil(lambda: not worker.busy, timeout=10000)


def _active_dialog(qtbot, window):
    """The dialog the window opened, once it has the keyboard."""
    dialog = window.active_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    return dialog


def _key(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Press a key where the keyboard is, as the mediator would."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _focus(qtbot, widget: QWidget) -> None:
    """Give ``widget`` the keyboard, its window first (a closed dialog may leave the
    offscreen platform without an active window)."""
    window = widget.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=3000)


def _closed(dialog: QWidget) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def _show(window, occurrence) -> None:
    window.workshops_page.select_occurrence(occurrence)
    window.tabs.setCurrentIndex(WORKSHOPS_TAB)


# Models ------------------------------------------------------------------------------


def test_every_model_passes_the_model_tester(qtmodeltester, store):
    workshop = _workshop(store, capacity=2)
    ana, ben, chloe = (
        _resident(store, "Ana", "Ødegård"),
        _resident(store, "Ben", "Ben Saïd"),
        _resident(store, "Chloé", "D'Aubigné"),
    )
    past = _occurrence(store, workshop, TODAY - timedelta(days=7))
    coming = _occurrence(store, workshop, MONDAY + timedelta(days=2), start_time="09:00",
                         end_time="10:00")  # fmt: skip
    for person in (ana, ben, chloe):
        store.workshops.register(past.id, person.id)
        store.workshops.register(coming.id, person.id)
    store.workshops.set_attendance(past.id, ben.id, "late", "14:20")

    catalogue = CatalogueModel()
    catalogue.set_rows(store.workshops.catalogue())
    upcoming = OccurrenceListModel()
    upcoming.set_rows(store.workshops.upcoming(TODAY))
    to_enter = SheetsToEnterModel()
    to_enter.set_rows(store.workshops.sheets_not_entered(TODAY))
    week = WeekModel()
    week.set_week(MONDAY, store.workshops.between(MONDAY, MONDAY + timedelta(days=6)))
    participants = ParticipantsModel()
    participants.set_rows(store.workshops.participants(past.id))
    entry = AttendanceEntryModel()
    entry.set_participants(store.workshops.participants(past.id))
    history = WorkshopHistoryModel()
    history.set_rows(store.workshops.history(ben.id))
    anonymous = AnonymousCountsModel()
    anonymous.set_rows((AnonymousCount(2, "feminin"),))
    anonymous.add(AnonymousCount(1, "masculin", "soixante_dix_plus"))
    dates = SeriesDatesModel()
    dates.plan(TODAY, 5, 2)
    for model in (catalogue, upcoming, to_enter, week, participants, entry, history,
                  anonymous, dates):  # fmt: skip
        qtmodeltester.check(model)

    assert week.rowCount() >= 7  # a row for each day at least
    assert participants.rowCount() == 3
    assert [participants.index(row, 2).data() for row in range(3)] == [
        "Registered", "Registered", "Waiting list, no. 1"
    ]  # fmt: skip
    ben_row = participants.row_of(ben.id)
    assert participants.index(ben_row, 3).data() == "◷ Late (arrived 14:20)"
    assert entry.rowCount() == 2  # the waiting list is not on the sheet
    assert history.index(0, 3).data() == "· Not marked"
    assert anonymous.total() == 3
    assert participants.data(QModelIndex()) is None


def test_skipping_a_date_keeps_the_number_of_sessions():
    model = SeriesDatesModel()
    model.plan(date(2026, 3, 3), 4, 1)
    assert model.rowCount() == 4
    model.setData(model.index(1), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.skipped == (date(2026, 3, 10),)
    assert model.held_dates() == [date(2026, 3, 3), date(2026, 3, 17), date(2026, 3, 24),
                                  date(2026, 3, 31)]  # fmt: skip
    assert "skipped" in model.index(1).data()
    model.toggle(1)
    assert model.rowCount() == 4 and model.skipped == ()


# The catalogue and sessions -----------------------------------------------------------


def test_a_workshop_is_created_from_the_dialog(desk, qtbot):
    window, store, worker = desk
    window.workshops_page.new_workshop()
    dialog = _active_dialog(qtbot, window)
    assert isinstance(dialog, WorkshopDialog)
    assert QApplication.focusWidget() is dialog.title_edit
    qtbot.keyClicks(dialog.title_edit, "Demarches en ligne")  # QTest types ASCII only
    dialog.title_edit.setText(dialog.title_edit.text() + " : CAF et impôts")
    dialog.theme_filter.setFocus()
    qtbot.keyClicks(dialog.theme_filter, "online proc")
    _key(qtbot, Qt.Key.Key_Return)
    dialog.facilitators.setPlainText("Nadia Belkacem\n  Jean Dupont \n\n")
    dialog.eu_funded.setChecked(True)
    _key(qtbot, Qt.Key.Key_Return, CTRL)
    _wait_idle(qtbot, worker)
    [saved] = store.workshops.catalogue()
    assert saved.title == "Demarches en ligne : CAF et impôts"
    assert saved.themes == ("aide_aux_demarches_administratives",)
    assert saved.facilitators == ("Nadia Belkacem", "Jean Dupont")
    assert saved.eu_funded and not saved.erasmus_disclaimer
    assert _closed(dialog)
    assert window.workshops_page.catalogue_model.rowCount() == 1


def test_a_workshop_without_theme_is_refused_inline(desk, qtbot):
    window, store, _worker = desk
    window.workshops_page.new_workshop()
    dialog = _active_dialog(qtbot, window)
    qtbot.keyClicks(dialog.title_edit, "Atelier")
    _key(qtbot, Qt.Key.Key_Return, CTRL)
    assert dialog.isVisible()
    assert dialog.errors["themes"].isVisibleTo(dialog)
    assert store.workshops.catalogue() == []


def test_creating_a_weekly_series_through_the_dialog(desk, qtbot):
    window, store, worker = desk
    workshop = _workshop(store, default_duration_min=90)
    page = window.workshops_page
    page.refresh()
    first = MONDAY + timedelta(weeks=1, days=1)
    page.schedule()
    dialog = _active_dialog(qtbot, window)
    assert isinstance(dialog, OccurrenceDialog)
    assert dialog.workshop_combo.currentData() == workshop.id
    dialog.date_edit.setDate(first)
    dialog.start_edit.setFocus()
    qtbot.keyClicks(dialog.start_edit, "0930")
    assert dialog.end_edit.time().toString("HH:mm") == "11:00"  # the default duration
    qtbot.keyClicks(dialog.place, "FabLab, salle Ada")
    dialog.repeat.setCurrentIndex(dialog.repeat.findData(1))
    dialog.count.setValue(4)
    # Skip the second date (a holiday) with the keyboard: the series keeps 4 sessions.
    dialog.dates_view.setFocus()
    dialog.dates_view.setCurrentIndex(dialog.dates_model.index(1))
    _key(qtbot, Qt.Key.Key_Space)
    assert dialog.dates_model.skipped == (first + timedelta(weeks=1),)
    assert "4 sessions" in dialog.series_summary.text()
    _key(qtbot, Qt.Key.Key_Return, CTRL)
    _wait_idle(qtbot, worker)

    assert _closed(dialog)
    [summary] = store.workshops.between(first, first)
    series = store.workshops.series(summary.occurrence.series_id)
    weeks = (0, 2, 3, 4)
    assert [o.day for o in series] == [first + timedelta(weeks=n) for n in weeks]
    assert {(o.start_time, o.end_time, o.place) for o in series} == {
        ("09:30", "11:00", "FabLab, salle Ada")
    }
    # The page shows the week of the first session, with it chosen.
    assert page.week_model.first_day == first - timedelta(days=first.weekday())
    assert page.current_summary.occurrence.id == series[0].id
    assert "4 sessions are scheduled" in window.statusBar().currentMessage()


def test_an_end_before_the_start_is_shown_inline_and_nothing_saved(desk, qtbot):
    window, store, _worker = desk
    _workshop(store)
    window.workshops_page.refresh()
    window.workshops_page.schedule()
    dialog = _active_dialog(qtbot, window)
    dialog.place.setText("Salle 2")
    dialog.start_edit.setTime(dialog.start_edit.time().fromString("15:00", "HH:mm"))
    dialog.end_edit.setTime(dialog.end_edit.time().fromString("14:00", "HH:mm"))
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.errors["end_time"].isVisibleTo(dialog)
    assert "end after it starts" in dialog.errors["end_time"].text()
    assert store.workshops.upcoming(TODAY - timedelta(days=1)) == []


def test_a_room_already_taken_is_shown_inline_and_nothing_saved(desk, qtbot):
    window, store, worker = desk
    workshop = _workshop(store)
    day = MONDAY + timedelta(weeks=1)
    _occurrence(store, workshop, day, place="FabLab", start_time="14:00", end_time="16:00")
    window.workshops_page.refresh()
    window.workshops_page.schedule()
    dialog = _active_dialog(qtbot, window)
    dialog.date_edit.setDate(day)
    dialog.start_edit.setTime(dialog.start_edit.time().fromString("15:00", "HH:mm"))
    dialog.place.setText("fablab")
    dialog.repeat.setCurrentIndex(dialog.repeat.findData(1))
    dialog.count.setValue(3)
    dialog.accept()
    _wait_idle(qtbot, worker)
    assert dialog.isVisible()
    assert dialog.errors["place"].isVisibleTo(dialog)
    assert "already taken" in dialog.errors["place"].text()
    assert dialog.save_button.isEnabled()
    assert len(store.workshops.between(day, day + timedelta(weeks=3))) == 1


def test_a_capacity_below_the_registered_residents_is_refused_inline(desk, qtbot):
    window, store, worker = desk
    workshop = _workshop(store, capacity=3)
    occurrence = _occurrence(store, workshop, MONDAY + timedelta(weeks=1))
    for name in ("Ana", "Ben", "Chloé"):
        store.workshops.register(occurrence.id, _resident(store, name, "Martin").id)
    page = window.workshops_page
    page.refresh()
    page.lists.setCurrentIndex(page.lists.count() - 1)
    page.edit_workshop()
    dialog = _active_dialog(qtbot, window)
    dialog.capacity.setValue(2)
    dialog.accept()
    _wait_idle(qtbot, worker)
    assert dialog.isVisible()
    assert dialog.errors["capacity"].isVisibleTo(dialog)
    assert "3 residents are already registered" in dialog.errors["capacity"].text()
    assert store.workshops.get_workshop(workshop.id).capacity == 3


def test_move_and_cancel_a_session(desk, qtbot, monkeypatch):
    window, store, worker = desk
    workshop = _workshop(store)
    occurrence = _occurrence(store, workshop, MONDAY + timedelta(weeks=1))
    _show(window, occurrence)
    page = window.workshops_page
    page.move()
    dialog = _active_dialog(qtbot, window)
    dialog.place.setText("Salle 3")
    dialog.end_edit.setTime(dialog.end_edit.time().fromString("17:30", "HH:mm"))
    dialog.accept()
    _wait_idle(qtbot, worker)
    moved = store.workshops.get_occurrence(occurrence.id)
    assert (moved.place, moved.end_time) == ("Salle 3", "17:30")

    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args: next(answers)))
    page.cancel_occurrence()
    _wait_idle(qtbot, worker)
    assert not store.workshops.get_occurrence(occurrence.id).cancelled
    page.cancel_occurrence()
    _wait_idle(qtbot, worker)
    assert store.workshops.get_occurrence(occurrence.id).cancelled
    assert page.panel.cancelled.isVisibleTo(page.panel)
    assert not page.actions_by_name["register"].isEnabled()
    assert page.actions_by_name["cancel_occurrence"].text().startswith("Restore")


def test_weeks_are_browsed_with_the_keyboard(desk, qtbot):
    window, store, _worker = desk
    workshop = _workshop(store)
    _occurrence(store, workshop, MONDAY + timedelta(weeks=1, days=2))
    window.show_workshops()
    page = window.workshops_page
    assert window.tabs.currentIndex() == WORKSHOPS_TAB
    assert page.week_model.first_day == MONDAY
    _key(qtbot, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert page.week_model.first_day == MONDAY + timedelta(weeks=1)
    assert len(page.week_model.summaries()) == 1
    _key(qtbot, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    _key(qtbot, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert page.week_model.first_day == MONDAY - timedelta(weeks=1)
    _key(qtbot, Qt.Key.Key_Home, Qt.KeyboardModifier.AltModifier)
    assert page.week_model.first_day == MONDAY


# Registrations ------------------------------------------------------------------------


def _register_by_name(qtbot, window, worker, typed: str) -> None:
    window.workshops_page.register()
    dialog = _active_dialog(qtbot, window)
    assert isinstance(dialog, ResidentPickerDialog)
    assert QApplication.focusWidget() is dialog.search_box
    qtbot.keyClicks(dialog.search_box, typed)
    _key(qtbot, Qt.Key.Key_Return)
    _wait_idle(qtbot, worker)


def test_over_capacity_goes_to_the_waiting_list_and_moves_up(desk, qtbot, monkeypatch):
    window, store, worker = desk
    workshop = _workshop(store, capacity=2)
    occurrence = _occurrence(store, workshop, MONDAY + timedelta(weeks=1))
    helene = _resident(store, "Hélène", "D'Aubigné")
    karim = _resident(store, "Karim", "Ben Saïd")
    thi = _resident(store, "Thị", "Nguyễn")
    _show(window, occurrence)
    for typed in ("daubigne", "bensaid", "nguyen"):
        _register_by_name(qtbot, window, worker, typed)
    statuses = {p.resident_id: p.status for p in store.workshops.participants(occurrence.id)}
    assert statuses == {helene.id: "registered", karim.id: "registered", thi.id: "waiting"}
    assert "waiting list" in window.statusBar().currentMessage()
    panel = window.workshops_page.panel
    assert "2 of 2 places taken" in panel.counts.text()
    assert "1 on the waiting list" in panel.counts.text()

    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *args: QMessageBox.StandardButton.Yes)
    )
    _focus(qtbot, panel.table)
    panel.table.setCurrentIndex(panel.model.index(panel.model.row_of(helene.id), 0))
    _key(qtbot, Qt.Key.Key_Delete)
    _wait_idle(qtbot, worker)
    statuses = {p.resident_id: p.status for p in store.workshops.participants(occurrence.id)}
    assert statuses == {karim.id: "registered", thi.id: "registered"}
    assert "Thị Nguyễn got a place" in window.statusBar().currentMessage()
    assert panel.model.rowCount() == 2


def test_register_to_the_whole_series(desk, qtbot):
    window, store, worker = desk
    workshop = _workshop(store, capacity=5)
    series = store.workshops.create_series(
        WorkshopOccurrence(workshop_id=workshop.id, date=(MONDAY + timedelta(weeks=1)).isoformat(),
                           place="FabLab"), 3)  # fmt: skip
    helene = _resident(store, "Hélène", "D'Aubigné")
    _show(window, series[0])
    window.workshops_page.register_series()
    dialog = _active_dialog(qtbot, window)
    qtbot.keyClicks(dialog.search_box, "helene")
    _key(qtbot, Qt.Key.Key_Return)
    _wait_idle(qtbot, worker)
    for occurrence in series:
        [person] = store.workshops.participants(occurrence.id)
        assert (person.resident_id, person.status) == (helene.id, "registered")
    assert "3 sessions of the series" in window.statusBar().currentMessage()


def test_a_walk_in_is_created_inline_and_marked_present(desk, qtbot):
    window, store, worker = desk
    workshop = _workshop(store)
    occurrence = _occurrence(store, workshop, TODAY)
    _resident(store, "Karim", "Ben Saïd")
    _show(window, occurrence)
    window.workshops_page.walk_in()
    picker = _active_dialog(qtbot, window)
    qtbot.keyClicks(picker.search_box, "Aicha El Amrani")
    picker._flush_search()
    assert picker.model.rowCount() == 0
    _key(qtbot, Qt.Key.Key_Return)  # nobody found: the resident form opens
    qtbot.waitUntil(lambda: picker.resident_dialog is not None, timeout=3000)
    form = picker.resident_dialog
    assert isinstance(form, ResidentDialog)
    assert (form.first_name.text(), form.last_name.text()) == ("Aicha", "El Amrani")
    form.first_name.setText("Aïcha")
    form.consent_check.setChecked(True)
    form.accept()
    _wait_idle(qtbot, worker)
    [person] = store.workshops.participants(occurrence.id)
    assert (person.first_name, person.last_name) == ("Aïcha", "El Amrani")
    assert person.walk_in and person.attendance == "present"
    assert "added as a walk-in" in window.statusBar().currentMessage()


def test_anonymous_participants_are_counted_by_profile(desk, qtbot):
    window, store, worker = desk
    occurrence = _occurrence(store, _workshop(store), TODAY)
    _show(window, occurrence)
    window.workshops_page.anonymous()
    dialog = _active_dialog(qtbot, window)
    assert isinstance(dialog, AnonymousCountsDialog)
    dialog.count.setValue(3)
    dialog.gender.setCurrentIndex(dialog.gender.findData("feminin"))
    dialog.age_band.setCurrentIndex(dialog.age_band.findData("soixante_dix_plus"))
    dialog.add_button.click()
    dialog.count.setValue(1)
    dialog.gender.setCurrentIndex(dialog.gender.findData("non_communique"))
    dialog.age_band.setCurrentIndex(dialog.age_band.findData("non_communique"))
    dialog.add_button.click()
    dialog.count.setValue(2)
    dialog.add_button.click()  # the same profile again: added to its row
    assert dialog.model.rowCount() == 2
    assert dialog.total.text() == "6 anonymous participants"
    _key(qtbot, Qt.Key.Key_Return, CTRL)
    _wait_idle(qtbot, worker)
    saved = store.workshops.get_occurrence(occurrence.id).anonymous_participants
    assert saved == (
        AnonymousCount(3, "feminin", "soixante_dix_plus"),
        AnonymousCount(3, "non_communique", "non_communique"),
    )
    assert "6 anonymous participants" in window.workshops_page.panel.counts.text()


# The signed sheet ---------------------------------------------------------------------


@pytest.fixture
def past_session(desk):
    window, store, worker = desk
    workshop = _workshop(store)
    occurrence = _occurrence(store, workshop, TODAY - timedelta(days=2), start_time="14:00",
                             end_time="16:00")  # fmt: skip
    people = [
        _resident(store, first, last)
        for first, last in (("Ana", "Ødegård"), ("Karim", "Ben Saïd"), ("Hélène", "D'Aubigné"),
                            ("Thị", "Nguyễn"))
    ]  # fmt: skip
    for person in people:
        store.workshops.register(occurrence.id, person.id)
    order = [p.resident_id for p in store.workshops.participants(occurrence.id)]
    return window, store, worker, occurrence, order


def _png(path: Path) -> Path:
    image = QImage(40, 60, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    assert image.save(str(path))
    return path


def test_the_quick_entry_screen_works_by_keyboard_alone(past_session, qtbot, tmp_path,
                                                        monkeypatch):  # fmt: skip
    window, store, worker, occurrence, order = past_session
    page = window.workshops_page
    window.show_workshops()
    page.lists.setCurrentIndex(TO_ENTER_TAB)
    _focus(qtbot, page.to_enter_view)
    page.to_enter_view.setCurrentIndex(page.to_enter_model.index(0, 0))
    assert page.to_enter_model.summary(0).occurrence.id == occurrence.id
    _key(qtbot, Qt.Key.Key_Return)
    dialog = _active_dialog(qtbot, window)
    assert isinstance(dialog, AttendanceEntryDialog)
    assert QApplication.focusWidget() is dialog.table
    # The order of the printed sheet: last name, then first name.
    assert [dialog.model.participant(row).last_name for row in range(4)] == [
        "Ben Saïd", "D'Aubigné", "Nguyễn", "Ødegård"
    ]  # fmt: skip

    _key(qtbot, Qt.Key.Key_P)  # Ben Saïd present, on to the next
    _key(qtbot, Qt.Key.Key_A)  # D'Aubigné absent
    _key(qtbot, Qt.Key.Key_L)  # Nguyễn late: the arrival time, from the start time
    editor = QApplication.focusWidget()
    assert editor.time().toString("HH:mm") == "14:00"
    qtbot.keyClicks(editor, "1420")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.table, timeout=3000)
    assert dialog.current_row() == 3
    _key(qtbot, Qt.Key.Key_Up)  # back to Nguyễn, then down again
    assert dialog.current_row() == 2
    _key(qtbot, Qt.Key.Key_Down)
    _key(qtbot, Qt.Key.Key_E)  # Ødegård excused
    _key(qtbot, Qt.Key.Key_Up)
    _key(qtbot, Qt.Key.Key_Up)
    _key(qtbot, Qt.Key.Key_Up)
    _key(qtbot, Qt.Key.Key_Delete)  # Ben Saïd cleared...
    _key(qtbot, Qt.Key.Key_Up)
    _key(qtbot, Qt.Key.Key_1)  # ...and present again, with the language-free key
    assert dialog.progress.text() == "4 of 4 marked"
    _key(qtbot, Qt.Key.Key_Return, CTRL)
    _wait_idle(qtbot, worker)

    assert _closed(dialog)
    marks = {
        p.resident_id: (p.attendance, p.arrival_time)
        for p in store.workshops.participants(occurrence.id)
    }
    assert [marks[resident_id] for resident_id in order] == [
        ("present", None), ("absent", None), ("late", "14:20"), ("excused", None)
    ]  # fmt: skip
    assert store.workshops.get_occurrence(occurrence.id).attendance_entered
    # The scan is still missing: the sheet stays in the list until it is attached.
    assert [s.occurrence.id for s in store.workshops.sheets_not_entered(TODAY)] == [occurrence.id]
    scan = _png(tmp_path / "feuille signée.png")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *args: (str(scan), "")))
    page.attach_scan()
    _wait_idle(qtbot, worker)
    assert store.workshops.sheets_not_entered(TODAY) == []
    assert page.to_enter_model.rowCount() == 0
    assert store.workshops.scan(occurrence.id)[0] == "feuille signée.png"
    assert "✔ Attendance entered" in page.panel.sheet_state.text()


def test_a_late_mark_is_not_saved_when_the_time_is_cancelled(past_session, qtbot):
    window, store, worker, occurrence, _order = past_session
    _show(window, occurrence)
    window.workshops_page.enter_sheet()
    dialog = _active_dialog(qtbot, window)
    _key(qtbot, Qt.Key.Key_4)
    _key(qtbot, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert QApplication.focusWidget() is dialog.table
    assert dialog.current_row() == 0
    _wait_idle(qtbot, worker)
    assert all(p.attendance is None for p in store.workshops.participants(occurrence.id))


def test_attaching_a_file_that_is_not_a_scan_says_so_and_changes_nothing(
    past_session, qtbot, tmp_path, monkeypatch
):
    window, store, worker, occurrence, _order = past_session
    _show(window, occurrence)
    not_a_scan = tmp_path / "notes.txt"
    not_a_scan.write_text("Liste des présents", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args: (str(not_a_scan), ""))
    )
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda parent, title, text: shown.append(text))
    )
    window.workshops_page.attach_scan()
    _wait_idle(qtbot, worker)
    assert len(shown) == 1
    assert "Nothing was saved" in shown[0] and "notes.txt is not a PDF, PNG or JPEG" in shown[0]
    assert store.workshops.scan(occurrence.id) is None
    assert store.workshops.get_occurrence(occurrence.id).scan_name == ""


def test_the_scan_opens_from_a_copy(past_session, qtbot, tmp_path, monkeypatch):
    window, store, _worker, occurrence, _order = past_session
    store.workshops.attach_scan(occurrence.id, _png(tmp_path / "scan.png"))
    _show(window, occurrence)
    opened = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True)
    )
    assert window.workshops_page.actions_by_name["open_scan"].isEnabled()
    window.workshops_page.open_scan()
    [url] = opened
    copy = Path(url.toLocalFile())
    assert copy.name == "scan.png" and copy.read_bytes() == (tmp_path / "scan.png").read_bytes()
    # The copy is outside the encrypted database: the app wipes it when it closes.
    assert remove_scan_copies(copy.parent.parent) >= 1
    assert not copy.exists() and not copy.parent.exists()


# Printing -----------------------------------------------------------------------------


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    return printer


def _three_page_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=A4)
    for number in range(3):
        canvas.drawString(72, 720, f"Page {number + 1} – Hélène D'Aubigné")
        canvas.showPage()
    canvas.save()
    return path


def test_print_pdf_paints_every_page_on_the_printer(qtbot, tmp_path):
    source = _three_page_pdf(tmp_path / "source.pdf")
    printed = tmp_path / "printed.pdf"
    reports: list[tuple[int, int]] = []
    pages = print_pdf(source, _pdf_printer(printed),
                      lambda done, total: reports.append((done, total)) or True)  # fmt: skip
    assert pages == 3
    assert len(PdfReader(printed).pages) == 3
    assert reports[-1] == (3, 3)


def test_bulk_printing_a_series_runs_on_the_worker(desk, qtbot, tmp_path):
    from mediator_app.reports.attendance_sheet import write_sheets
    from mediator_app.reports.sheets import sheet_for_occurrence

    window, store, worker = desk
    workshop = _workshop(store, capacity=60, title="Découvrir Internet – séance collective")
    series = store.workshops.create_series(
        WorkshopOccurrence(workshop_id=workshop.id, date=(MONDAY + timedelta(weeks=1)).isoformat(),
                           place="FabLab"), 3)  # fmt: skip
    for number in range(45):
        resident = _resident(store, f"Élodie {number}", "Lefèvre-Ødegård")
        store.workshops.register(series[0].id, resident.id)
    expected = write_sheets(
        [sheet_for_occurrence(store, o.id) for o in series], tmp_path / "expected.pdf"
    )
    assert expected > 3  # the first sheet takes more than one page

    _show(window, series[0])
    printed = tmp_path / "printed.pdf"
    window.workshops_page.print_occurrences(
        window.workshops_page._series_ids(), _pdf_printer(printed)
    )
    assert worker.busy  # the window is free while the worker prints
    _wait_idle(qtbot, worker)
    assert len(PdfReader(printed).pages) == expected
    assert f"{expected} pages sent to the printer" in window.statusBar().currentMessage()


def test_the_sheet_is_saved_as_a_pdf(past_session, qtbot, tmp_path, monkeypatch):
    window, _store, worker, occurrence, _order = past_session
    _show(window, occurrence)
    target = tmp_path / "feuille"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(target), ""))
    )
    window.workshops_page.save_sheet()
    _wait_idle(qtbot, worker)
    saved = tmp_path / "feuille.pdf"
    text = "".join(page.extract_text() for page in PdfReader(saved).pages)
    assert "Ødegård" in text and "D'Aubigné" in text
    assert "Saved" in window.statusBar().currentMessage()


# The resident's file ------------------------------------------------------------------


def test_the_resident_file_shows_the_workshops(past_session, qtbot):
    window, store, _worker, occurrence, order = past_session
    store.workshops.set_attendance(occurrence.id, order[0], "present")
    window.open_resident(order[0])
    file = window.resident_file
    assert file.sections.tabText(WORKSHOPS_SECTION) == "Workshops (1)"
    file.sections.setCurrentIndex(WORKSHOPS_SECTION)
    assert file.workshops.isVisibleTo(file)
    assert file.workshops_model.rowCount() == 1
    assert file.workshops_model.index(0, 1).data() == "Smartphone : premiers pas"
    assert file.workshops_model.index(0, 3).data() == "✔ Present"
    assert file.workshops_label.text() == "1 workshop, newest first"
    # Enter on a line shows the session in the workshops tab.
    _focus(qtbot, file.workshops)
    file.workshops.setCurrentIndex(file.workshops_model.index(0, 0))
    _key(qtbot, Qt.Key.Key_Return)
    assert window.tabs.currentIndex() == WORKSHOPS_TAB
    assert window.workshops_page.current_summary.occurrence.id == occurrence.id


def test_a_resident_without_workshops_shows_no_workshop_list(desk):
    window, store, _worker = desk
    resident = _resident(store, "Karim", "Ben Saïd")
    window.open_resident(resident.id)
    sections = window.resident_file.sections
    assert sections.tabText(WORKSHOPS_SECTION) == "Workshops (0)"
    assert not sections.isTabEnabled(WORKSHOPS_SECTION)


# Every dialog: labels, accessible names, mnemonics --------------------------------------

MNEMONIC = re.compile(r"&([^&\s])")


def _mnemonics(dialog: QWidget) -> list[str]:
    letters = []
    for widget in dialog.findChildren(QWidget):
        if (isinstance(widget, QLabel) and widget.buddy() is not None) or isinstance(
            widget, QAbstractButton
        ):
            letters += [
                letter.casefold() for letter in MNEMONIC.findall(widget.text().replace("&&", ""))
            ]
    return letters


def _summary(store):
    workshop = _workshop(store)
    occurrence = _occurrence(store, workshop, TODAY)
    return store.workshops.summary(occurrence.id), workshop


DIALOGS = {
    "workshop": lambda store, context: WorkshopDialog(None),
    "schedule": lambda store, context: OccurrenceDialog(
        None, workshops=store.workshops.catalogue()
    ),
    "move": lambda store, context: OccurrenceDialog(
        None, workshops=store.workshops.catalogue(), occurrence=_summary(store)[0].occurrence
    ),
    "register": lambda store, context: ResidentPickerDialog(
        None, store, title="", heading="", pick_text="&Register"
    ),
    "walk-in": lambda store, context: ResidentPickerDialog(
        None, store, title="", heading="", pick_text="&Add as present", allow_new=True
    ),
    "anonymous": lambda store, context: AnonymousCountsDialog(None, "Atelier"),
    "quick entry": lambda store, context: AttendanceEntryDialog(
        None, context, _summary(store)[0], ()
    ),
}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", sorted(DIALOGS))
def test_dialogs_have_unique_mnemonics_and_named_controls(desk, qtbot, language, name):
    window, store, _worker = desk
    _workshop(store, title="Autre atelier")
    set_language(language)
    dialog = DIALOGS[name](store, window.workshops_page.context)
    qtbot.addWidget(dialog)
    letters = _mnemonics(dialog)
    assert letters, "the dialog should offer Alt+letter access"
    assert [letter for letter, count in Counter(letters).items() if count > 1] == []
    from PySide6.QtWidgets import (
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QHeaderView,
        QLineEdit,
        QPlainTextEdit,
    )

    controls = [
        control
        for kind in (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QAbstractItemView)
        for control in dialog.findChildren(kind)
    ]
    for control in controls:
        if control.window() is not dialog or isinstance(control, QHeaderView):
            continue  # popups of combo boxes and completers, headers of tables
        if isinstance(control.parent(), QAbstractSpinBox):
            continue  # the spin box's own line edit
        assert control.accessibleName(), f"{type(control).__name__} has no accessible name"


def test_the_window_keeps_unique_mnemonics_with_the_workshops_tab(desk):
    window, *_ = desk
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
    menu = next(a.menu() for a in window.menuBar().actions() if "orkshops" in a.text())
    menu_letters = [
        letter.casefold() for action in menu.actions() for letter in MNEMONIC.findall(action.text())
    ]
    assert [letter for letter, count in Counter(menu_letters).items() if count > 1] == []


def test_actions_that_need_a_session_wait_for_one(desk):
    """A page with nothing chosen offers nothing that needs a session."""
    window, *_ = desk
    page = window.workshops_page
    for name in ("register", "print_sheet", "enter_sheet", "open_scan", "move"):
        assert not page.actions_by_name[name].isEnabled()
