"""Goals from the window: set them, see them suggested when a session is logged, and
mark them achieved with the session that reached them."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mediator_app.domain.skills import SkillGoal
from mediator_app.ui.goals_dialog import GoalsDialog, open_goal_choices
from mediator_app.ui.models import ID_ROLE
from mediator_app.ui.session_dialog import SessionDialog
from tests.ui_helpers import active_dialog as _active_dialog
from tests.ui_helpers import wait_idle as _wait_idle

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
EMAIL = "messages.write_send_email"
WIFI = "device.connect_wifi"


def _goal(store, resident_id: str, item_id: str, days: int = 20) -> SkillGoal:
    framework = store.skills.current_framework()
    return store.skills.add_goal(
        SkillGoal(resident_id, framework.name, framework.version, item_id,
                  (date.today() + timedelta(days=days)).isoformat()),
    )  # fmt: skip


def test_open_goals_are_offered_with_the_themes_that_work_on_them(desk):
    _window, store, _worker, helene = desk
    later = _goal(store, helene.id, WIFI, days=40)
    sooner = _goal(store, helene.id, EMAIL, days=10)
    store.skills.mark_goal_achieved(later.id)
    choices = open_goal_choices(store, helene.id)
    assert [choice.goal_id for choice in choices] == [sooner.id]
    framework = store.skills.current_framework()
    assert choices[0].label == framework.item(EMAIL).label("en")
    assert "email" in choices[0].themes


def test_goals_are_set_by_keyboard_from_the_file(desk, qtbot):
    window, store, worker, helene = desk
    window.open_resident(helene.id)
    qtbot.keyClick(window.search_box, Qt.Key.Key_G, CTRL_SHIFT)
    dialog = _active_dialog(qtbot, window)
    assert isinstance(dialog, GoalsDialog)
    assert QApplication.focusWidget() is dialog.filter
    framework = store.skills.current_framework()
    for item_id in (EMAIL, WIFI):
        qtbot.keyClicks(dialog.filter, framework.item(item_id).label("en")[:18])
        qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
    assert set(dialog.model.checked) == {EMAIL, WIFI}
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    _wait_idle(qtbot, worker)
    qtbot.waitUntil(lambda: window.active_dialog is None, timeout=3000)

    goals = store.skills.goals(helene.id)
    assert {goal.item_id for goal in goals} == {EMAIL, WIFI}
    target = (date.today() + timedelta(days=30)).isoformat()
    assert {goal.target_date for goal in goals} == {target}
    assert "2 goals to reach" in window.resident_file.skills.text()
    assert window.resident_file.sections.currentWidget() is window.resident_file.skills_panel


def test_goals_need_a_skill_ticked(desk, qtbot):
    window, store, _worker, helene = desk
    dialog = GoalsDialog(window, store, helene.id)
    qtbot.addWidget(dialog)
    with qtbot.assertNotEmitted(dialog.submitted):
        dialog.accept()
    assert dialog.errors["item_id"].isVisibleTo(dialog)
    assert "Tick at least one skill" in dialog.errors["item_id"].text()
    assert store.skills.goals(helene.id) == []


def test_a_skill_with_an_open_goal_is_not_offered_again(desk, qtbot):
    window, store, _worker, helene = desk
    _goal(store, helene.id, EMAIL)
    dialog = GoalsDialog(window, store, helene.id)
    qtbot.addWidget(dialog)
    offered = {
        dialog.model.data(dialog.model.index(row), ID_ROLE)
        for row in range(dialog.model.rowCount())
    }
    total = len(store.skills.current_framework().items)
    assert dialog.model.rowCount() == total - 1
    assert EMAIL not in offered
    assert "Goals already set" in dialog.current_goals.text()


def test_the_session_form_points_out_goals_its_themes_work_on(desk, qtbot):
    _window, store, _worker, helene = desk
    _goal(store, helene.id, EMAIL)
    _goal(store, helene.id, WIFI)
    dialog = SessionDialog(
        None,
        resident_id=helene.id,
        resident_name=helene.full_name,
        goals=open_goal_choices(store, helene.id),
    )
    qtbot.addWidget(dialog)
    hints = {goal_id: label for goal_id, label in dialog._goal_hints.items()}
    assert all(not label.text() for label in hints.values())
    qtbot.keyClicks(dialog.theme_filter, "mail")
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return)
    by_item = {goal.item_id: goal.id for goal in store.skills.goals(helene.id)}
    assert "works on it" in hints[by_item[EMAIL]].text()
    assert hints[by_item[WIFI]].text() == ""


def test_a_goal_ticked_in_the_session_is_achieved_on_its_date(desk, qtbot):
    window, store, worker, helene = desk
    email_goal = _goal(store, helene.id, EMAIL)
    wifi_goal = _goal(store, helene.id, WIFI)
    qtbot.keyClicks(window.search_box, "helene")
    qtbot.keyClick(window.search_box, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = _active_dialog(qtbot, window)
    assert set(dialog.goal_checks) == {email_goal.id, wifi_goal.id}
    qtbot.keyClicks(dialog.theme_filter, "mail")
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    dialog.goal_checks[email_goal.id].setChecked(True)
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    _wait_idle(qtbot, worker)

    achieved = {goal.id: goal.achieved_on for goal in store.skills.goals(helene.id)}
    assert achieved == {email_goal.id: date.today().isoformat(), wifi_goal.id: None}
    assert store.sessions.count_for_resident(helene.id) == 1


def test_a_refused_session_marks_no_goal_achieved(desk, qtbot, monkeypatch):
    window, store, worker, helene = desk
    goal = _goal(store, helene.id, EMAIL)
    monkeypatch.setattr("mediator_app.ui.main_window.explain_failure", lambda *args: None)

    def failing_mark(self, goal_id, on=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr("mediator_app.store.skills.Skills.mark_goal_achieved", failing_mark)
    window.open_resident(helene.id)
    window.log_session()
    dialog = _active_dialog(qtbot, window)
    qtbot.keyClicks(dialog.theme_filter, "mail")
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    dialog.goal_checks[goal.id].setChecked(True)
    qtbot.keyClick(dialog.theme_filter, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    _wait_idle(qtbot, worker)
    # The session and its goal go together: neither was saved.
    assert store.sessions.count_for_resident(helene.id) == 0
    assert store.skills.goals(helene.id)[0].achieved_on is None


def test_the_procedure_field_offers_the_countrys_procedures(desk, qtbot):
    window, _store, _worker, helene = desk
    window.open_resident(helene.id)
    window.log_session()
    dialog = _active_dialog(qtbot, window)
    completer = dialog.procedure.completer()
    completer.setCompletionPrefix("caf")
    offered = [completer.completionModel().index(row, 0).data()
               for row in range(completer.completionCount())]  # fmt: skip
    assert offered == ["CAF – allocations familiales"]
