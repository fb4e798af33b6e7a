"""The main window driven by the keyboard, as a mediator at the desk would."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.ui.main_window import TODAY_TAB
from mediator_app.ui.resident_dialog import ResidentDialog
from mediator_app.ui.session_dialog import SessionDialog
from tests.ui_helpers import CONSENT
from tests.ui_helpers import active_dialog as _active_dialog
from tests.ui_helpers import wait_idle as _wait_idle


class KeyCounter:
    """Sends key presses to the focused widget and counts the actions (not the typing)."""

    def __init__(self, qtbot):
        self._qtbot = qtbot
        self.actions = 0

    def type(self, text: str) -> None:
        self._qtbot.keyClicks(QApplication.focusWidget(), text)

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.actions += 1
        self._qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def test_search_box_has_focus_at_start(desk):
    window, *_ = desk
    assert QApplication.focusWidget() is window.search_box


def test_typing_without_accents_finds_and_enter_opens_the_file(desk, qtbot):
    window, _store, _worker, helene = desk
    qtbot.keyClicks(window.search_box, "helene")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.resident_file.resident is not None
    assert window.resident_file.resident.id == helene.id
    assert window.resident_file.heading.text() == "Hélène D'Aubigné"


def test_a_typical_session_takes_at_most_five_actions(desk, qtbot):
    window, store, worker, helene = desk
    keys = KeyCounter(qtbot)
    keys.type("daubigne")
    keys.press(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = _active_dialog(qtbot, window)
    assert isinstance(dialog, SessionDialog)
    assert QApplication.focusWidget() is dialog.theme_filter
    keys.type("mail")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    keys.press(Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    _wait_idle(qtbot, worker)

    assert keys.actions <= 5
    saved = store.sessions.for_resident(helene.id)
    assert len(saved) == 1
    assert saved[0].themes == ("email",)
    assert saved[0].duration_min == 30
    assert saved[0].autonomy == "autonome"
    assert saved[0].date == date.today().isoformat()
    # It shows in the resident's file and in Today.
    assert window.resident_file.history_model.rowCount() == 1
    window.show_today()
    assert window.tabs.currentIndex() == TODAY_TAB
    assert window.today_view.sessions_model.rowCount() == 1
    assert window.today_view.sessions_model.entry(0).resident_name == "Hélène D'Aubigné"


def test_session_without_theme_is_not_saved_and_says_why(desk, qtbot):
    window, store, _worker, helene = desk
    qtbot.keyClicks(window.search_box, "helene")
    qtbot.keyClick(window.search_box, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = _active_dialog(qtbot, window)
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert dialog.themes_error.isVisibleTo(dialog)
    assert "theme" in dialog.themes_error.text()
    assert store.sessions.count_for_resident(helene.id) == 0


def test_anonymous_visit_keeps_only_a_profile(desk, qtbot):
    window, store, worker, _helene = desk
    window.log_anonymous_visit()
    dialog = _active_dialog(qtbot, window)
    assert isinstance(dialog, SessionDialog)
    dialog.anon_gender.setCurrentIndex(dialog.anon_gender.findData("feminin"))
    dialog.anon_age_band.setCurrentIndex(dialog.anon_age_band.findData("soixante_dix_plus"))
    qtbot.keyClicks(dialog.theme_filter, "intern")
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    _wait_idle(qtbot, worker)
    [entry] = store.sessions.on_day(date.today())
    assert entry.session.resident_id is None
    assert entry.session.anon_gender == "feminin"
    assert entry.session.themes == ("navigation_sur_internet",)
    assert entry.session.duration_min == 15


def test_admin_themes_appear_only_with_help_with_procedures(desk, qtbot):
    window, *_ = desk
    window.log_anonymous_visit()
    dialog = window.active_dialog
    assert not dialog.admin_box.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.theme_filter, "procedures")
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return)
    assert dialog.admin_box.isVisibleTo(dialog)


def test_new_resident_with_invalid_year_shows_inline_message(desk, qtbot):
    window, store, _worker, _helene = desk
    before = store.residents.count()
    window.new_resident()
    dialog = window.active_dialog
    assert isinstance(dialog, ResidentDialog)
    dialog.first_name.setText("Aïcha")
    dialog.last_name.setText("El Amrani")
    dialog.birth_year.setText("1850")
    dialog.consent_check.setChecked(True)
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.errors["birth_year"].isVisibleTo(dialog)
    assert "1900" in dialog.errors["birth_year"].text()
    assert store.residents.count() == before


def test_new_resident_needs_consent(desk):
    window, _store, _worker, _helene = desk
    window.new_resident()
    dialog = window.active_dialog
    dialog.first_name.setText("Aïcha")
    dialog.last_name.setText("El Amrani")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.errors["consent_date"].isVisibleTo(dialog)


def test_probable_duplicates_are_shown_before_saving(desk, qtbot):
    window, store, _worker, helene = desk
    before = store.residents.count()
    window.new_resident()
    dialog = window.active_dialog
    dialog.first_name.setText("Helene")
    dialog.last_name.setText("Daubigné")
    dialog.consent_check.setChecked(True)
    dialog.accept()
    assert dialog.duplicates_box.isVisibleTo(dialog)
    assert dialog.duplicates_list.count() == 1
    dialog.open_duplicate_button.click()
    assert window.resident_file.resident.id == helene.id
    assert store.residents.count() == before


def test_save_anyway_creates_the_resident_with_consent(desk, qtbot):
    window, _store, worker, _helene = desk
    window.new_resident()
    dialog = window.active_dialog
    dialog.first_name.setText("Helene")
    dialog.last_name.setText("Daubigné")
    dialog.consent_check.setChecked(True)
    dialog.accept()
    dialog.save_anyway_button.click()
    _wait_idle(qtbot, worker)
    created = window.resident_file.resident
    assert created is not None and created.last_name == "Daubigné"
    assert created.consent_date == date.today().isoformat()
    assert created.consent_collected_by == "Nadia Belkacem"


def test_follow_up_due_shows_in_today_and_can_be_marked_done(desk, qtbot):
    window, store, worker, helene = desk
    session = store.sessions.create(
        SupportSession(
            date=(date.today() - timedelta(days=7)).isoformat(),
            duration_min=30,
            themes=("email",),
            resident_id=helene.id,
            follow_up_needed=True,
            follow_up_date=date.today().isoformat(),
        )
    )
    window.show_today()
    assert window.today_view.follow_ups_model.rowCount() == 1
    window.today_view.follow_ups_view.setCurrentIndex(
        window.today_view.follow_ups_model.index(0, 0)
    )
    window.today_view.done_button.click()
    _wait_idle(qtbot, worker)
    assert store.sessions.get(session.id).follow_up_done
    assert window.today_view.follow_ups_model.rowCount() == 0


def test_merge_from_the_file_moves_sessions(desk, qtbot, monkeypatch):
    window, store, worker, helene = desk
    twin = store.residents.create(Resident(first_name="Helene", last_name="Daubigne", **CONSENT))
    store.sessions.create(
        SupportSession(
            date=date.today().isoformat(), duration_min=15, themes=("sante",), resident_id=twin.id
        )
    )
    monkeypatch.setattr(
        QMessageBox,
        "question",
        staticmethod(lambda *args, **kwargs: QMessageBox.StandardButton.Yes),
    )
    window.open_resident(helene.id)
    assert window.resident_file.merge_button.isVisibleTo(window.resident_file)
    window.resident_file.merge_button.click()
    _wait_idle(qtbot, worker)
    assert store.residents.get(twin.id).merged_into == helene.id
    assert store.sessions.count_for_resident(helene.id) == 1
    assert window.resident_file.history_model.rowCount() == 1


def test_a_failed_write_says_nothing_was_saved(desk, qtbot, monkeypatch):
    window, _store, worker, _helene = desk
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda parent, title, text: shown.append(text))
    )
    window._mark_follow_up_done("no-such-session")
    _wait_idle(qtbot, worker)
    assert shown and "Nothing was saved" in shown[0]


def _log_sessions(store, resident_id, count):
    for days in range(count):
        store.sessions.create(
            SupportSession(
                date=(date.today() - timedelta(days=days)).isoformat(),
                duration_min=45,
                themes=("email",),
                resident_id=resident_id,
            )
        )


def test_session_without_duration_is_not_saved(desk, qtbot):
    window, store, _worker, helene = desk
    window.open_resident(helene.id)
    window.log_session()
    dialog = _active_dialog(qtbot, window)
    qtbot.keyClicks(dialog.theme_filter, "mail")
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert dialog.duration_error.isVisibleTo(dialog)
    assert "minutes" in dialog.duration_error.text()
    assert store.sessions.count_for_resident(helene.id) == 0


def test_edit_a_session_from_the_history(desk, qtbot):
    window, store, worker, helene = desk
    _log_sessions(store, helene.id, 2)
    window.open_resident(helene.id)
    assert QApplication.focusWidget() is window.resident_file.history
    qtbot.keyClick(window.resident_file.history, Qt.Key.Key_F2)
    dialog = _active_dialog(qtbot, window)
    assert dialog.duration_spin.value() == 45
    assert dialog.theme_model.checked == ("email",)
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    _wait_idle(qtbot, worker)
    newest = store.sessions.for_resident(helene.id)[0]
    assert newest.duration_min == 120
    assert store.sessions.count_for_resident(helene.id) == 2
    assert window.resident_file.history_model.index(0, 2).data() == "2 h"


def test_log_a_copy_today_from_the_history(desk, qtbot):
    window, store, worker, helene = desk
    store.sessions.create(
        SupportSession(
            date=(date.today() - timedelta(days=30)).isoformat(),
            duration_min=60,
            themes=("sante",),
            resident_id=helene.id,
        )
    )
    window.open_resident(helene.id)
    qtbot.keyClick(window.resident_file.history, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    _wait_idle(qtbot, worker)
    sessions = store.sessions.for_resident(helene.id)
    assert [s.date for s in sessions] == [
        date.today().isoformat(),
        (date.today() - timedelta(days=30)).isoformat(),
    ]
    assert sessions[0].themes == ("sante",) and sessions[0].duration_min == 60
    assert window.resident_file.history_model.rowCount() == 2


def test_delete_a_session_after_confirmation(desk, qtbot, monkeypatch):
    window, store, worker, helene = desk
    _log_sessions(store, helene.id, 2)
    window.open_resident(helene.id)
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *args, **kwargs: next(answers))
    )
    qtbot.keyClick(window.resident_file.history, Qt.Key.Key_Delete)
    _wait_idle(qtbot, worker)
    assert store.sessions.count_for_resident(helene.id) == 2
    qtbot.keyClick(window.resident_file.history, Qt.Key.Key_Delete)
    _wait_idle(qtbot, worker)
    assert store.sessions.count_for_resident(helene.id) == 1
    assert window.resident_file.history_model.rowCount() == 1


def test_edit_the_resident_file(desk, qtbot):
    window, store, worker, helene = desk
    window.open_resident(helene.id)
    qtbot.keyClick(window.resident_file.history, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = _active_dialog(qtbot, window)
    assert dialog.last_name.text() == "D'Aubigné"
    dialog.phone.setText("+33 6 12 34 56 78")
    dialog.accept()
    _wait_idle(qtbot, worker)
    assert store.residents.get(helene.id).phone == "+33 6 12 34 56 78"
    assert "+33 6 12 34 56 78" in window.resident_file.profile.text()


def test_a_malformed_email_is_refused_inline(desk, qtbot):
    window, store, _worker, helene = desk
    window.open_resident(helene.id)
    window.edit_resident()
    dialog = _active_dialog(qtbot, window)
    dialog.email.setText("helene.orange.fr")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.errors["email"].isVisibleTo(dialog)
    assert store.residents.get(helene.id).email == ""


def test_the_resident_list_holds_two_hundred_residents(desk, qtbot):
    window, store, _worker, _helene = desk
    with store.write() as writer:
        for number in range(200):
            writer.insert(
                "resident",
                Resident(first_name=f"Inès {number}", last_name="Pereira", **CONSENT).to_record(),
            )
    window.search_box.clear()
    window._run_search()
    assert window.results_model.rowCount() == 203
    assert window.result_count.text() == "203 residents"
    qtbot.keyClicks(window.search_box, "pereira")
    window._flush_search()
    assert window.results_model.rowCount() == 200
    assert window.result_count.text() == "200 residents found"
    store.residents.create(Resident(first_name="Rui", last_name="Pereira", **CONSENT))
    window._run_search()
    assert window.results_model.rowCount() == 200
    assert "best matches" in window.result_count.text()


def test_a_problem_without_its_own_field_is_still_said(desk, qtbot):
    window, store, _worker, _helene = desk
    window.log_anonymous_visit()
    dialog = _active_dialog(qtbot, window)
    dialog.anon_gender.addItem("?", "unknown-code")
    dialog.anon_gender.setCurrentIndex(dialog.anon_gender.count() - 1)
    qtbot.keyClicks(dialog.theme_filter, "mail")
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert dialog.other_error.isVisibleTo(dialog)
    assert store.sessions.on_day(date.today()) == []


def test_a_superscript_two_in_the_year_is_refused_inline(desk, qtbot):
    window, store, _worker, _helene = desk
    before = store.residents.count()
    window.new_resident()
    dialog = _active_dialog(qtbot, window)
    dialog.first_name.setText("Aïcha")
    dialog.last_name.setText("El Amrani")
    dialog.birth_year.setText("19²8")
    dialog.consent_check.setChecked(True)
    dialog.accept()
    assert dialog.isVisible()
    assert "four digits" in dialog.errors["birth_year"].text()
    assert store.residents.count() == before


def test_ctrl_l_with_nobody_found_logs_nothing_for_the_file_open_before(desk, qtbot):
    window, _store, _worker, helene = desk
    window.open_resident(helene.id)
    window.search_box.setFocus()
    qtbot.keyClicks(window.search_box, "zzzz")
    qtbot.keyClick(window.search_box, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.active_dialog is None
    assert "Nobody found" in window.statusBar().currentMessage()


def test_merge_lets_the_mediator_choose_among_duplicates(desk, qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    window, store, worker, helene = desk
    twins = [
        store.residents.create(Resident(first_name="Helene", last_name=last, **CONSENT))
        for last in ("Daubigne", "D'Aubigne")
    ]
    monkeypatch.setattr(
        QMessageBox,
        "question",
        staticmethod(lambda *args, **kwargs: QMessageBox.StandardButton.Yes),
    )
    monkeypatch.setattr(
        QInputDialog,
        "getItem",
        staticmethod(lambda parent, title, label, items, *rest: (items[1], True)),
    )
    window.open_resident(helene.id)
    window.resident_file.merge_button.click()
    _wait_idle(qtbot, worker)
    merged = [store.residents.get(twin.id).merged_into for twin in twins]
    assert merged.count(helene.id) == 1


def test_the_file_shows_skills_per_area_and_goals(desk, qtbot):
    from mediator_app.domain.skills import SkillAssessment, SkillGoal

    window, store, _worker, helene = desk
    framework = store.skills.current_framework()
    for day, level in (("2026-01-10", "not_yet"), ("2026-06-10", "autonomous")):
        store.skills.record_assessment(
            SkillAssessment(helene.id, framework.name, framework.version, day,
                            {"messages.write_send_email": level}),
        )  # fmt: skip
    store.skills.add_goal(
        SkillGoal(helene.id, framework.name, framework.version, "device.connect_wifi",
                  (date.today() + timedelta(days=20)).isoformat()),
    )  # fmt: skip
    window.open_resident(helene.id)
    text = window.resident_file.skills.text()
    assert "2 assessments" in text
    assert "■□□□ → ■■■■" in text  # from not yet to autonomous
    assert "1 skill gained" in text
    assert "1 goal to reach" in text
    goals = window.resident_file.skills_panel.goals_model
    assert goals.rowCount() == 1
    assert goals.data(goals.index(0, 0)) == framework.item("device.connect_wifi").label("en")


def test_the_file_hides_skills_when_none_were_assessed(desk):
    window, _store, _worker, helene = desk
    window.open_resident(helene.id)
    assert "No assessment yet" in window.resident_file.skills.text()


def test_a_note_that_looks_like_a_password_is_pointed_out(desk, qtbot):
    window, _store, _worker, helene = desk
    window.open_resident(helene.id)
    window.log_session()
    dialog = _active_dialog(qtbot, window)
    assert not dialog.password_warning.isVisibleTo(dialog)
    dialog.notes.setPlainText("mot de passe CAF : Soleil2024!")
    assert dialog.password_warning.isVisibleTo(dialog)
    dialog.notes.setPlainText("Wants to send photos to her grandson.")
    assert not dialog.password_warning.isVisibleTo(dialog)
    dialog.reject()


def test_a_resident_is_erased_from_the_window_after_confirmation(desk, qtbot, monkeypatch):
    window, store, worker, helene = desk
    window.open_resident(helene.id)
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: QMessageBox.StandardButton.No)
    window.actions_by_name["erase_resident"].trigger()
    _wait_idle(qtbot, worker)
    assert store.residents.search("helene")
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: QMessageBox.StandardButton.Yes)
    window.actions_by_name["erase_resident"].trigger()
    _wait_idle(qtbot, worker)
    assert store.residents.search("helene") == []
    assert window.resident_file.resident is None
    assert store.conn.execute("SELECT 1 FROM tombstone WHERE row_id = ?", (helene.id,)).fetchone()


def test_today_lists_the_oldest_follow_ups_and_counts_them_all(desk, qtbot, monkeypatch):
    from mediator_app.ui import today_view

    window, store, _worker, helene = desk
    monkeypatch.setattr(today_view, "FOLLOW_UPS_LISTED", 3)
    for days_ago in range(5, 0, -1):
        store.sessions.create(
            SupportSession(
                date=(date.today() - timedelta(days=10)).isoformat(), duration_min=30,
                themes=("email",), resident_id=helene.id, follow_up_needed=True,
                follow_up_date=(date.today() - timedelta(days=days_ago)).isoformat(),
            )
        )  # fmt: skip
    window.today_view.refresh()
    model = window.today_view.follow_ups_model
    assert model.rowCount() == 3
    oldest = (date.today() - timedelta(days=5)).isoformat()
    assert model.entry(0).session.follow_up_date == oldest
    label = window.today_view.follow_ups_label.text()
    assert label.startswith("5 follow-ups due") and "3 oldest" in label
