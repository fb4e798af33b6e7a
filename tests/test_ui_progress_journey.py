"""A resident's progress, from the window and by keyboard: a diagnostic, two goals, a
session that reaches one, a re-assessment that moves the chart, and a passport in the
resident's language."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mediator_app.ui.diagnostic_dialog import DiagnosticDialog
from mediator_app.ui.goals_dialog import GoalsDialog
from mediator_app.ui.passport_dialog import PassportDialog
from mediator_app.ui.session_dialog import to_qdate
from tests.ui_helpers import active_dialog, wait_idle

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
DIGITS = (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4)


def _press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _back_to(qtbot, window) -> None:
    """Once a dialog has closed, the window has the keyboard again."""
    qtbot.waitUntil(lambda: window.active_dialog is None, timeout=3000)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)


def _assess(qtbot, window, worker, level_keys, *, days_ago: int) -> DiagnosticDialog:
    """Ctrl+Shift+A, one key per skill down the list, then Ctrl+Enter."""
    _press(qtbot, Qt.Key.Key_A, CTRL_SHIFT)
    dialog = active_dialog(qtbot, window)
    assert isinstance(dialog, DiagnosticDialog)
    dialog.date_edit.setDate(to_qdate(date.today() - timedelta(days=days_ago)))
    dialog.table.setFocus()
    for key in level_keys:
        _press(qtbot, key)
    _press(qtbot, Qt.Key.Key_Return, CTRL)
    wait_idle(qtbot, worker)
    _back_to(qtbot, window)
    return dialog


def test_diagnostic_goals_session_reassessment_and_passport(desk, qtbot, tmp_path, monkeypatch):
    window, store, worker, helene = desk
    store.residents.update(replace(store.residents.get(helene.id), language="fr"))
    framework = store.skills.current_framework()
    total = len(framework.items)
    window.open_resident(helene.id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)

    # An initial diagnostic of every skill, two months ago: "not yet" or "with guidance".
    _assess(qtbot, window, worker, [DIGITS[i % 2] for i in range(total)], days_ago=60)
    [diagnostic] = store.skills.assessments(helene.id)
    assert diagnostic.kind == "diagnostic" and len(diagnostic.ratings) == total
    panel = window.resident_file.skills_panel
    assert window.resident_file.sections.currentWidget() is panel
    assert all(len(series.points) == 1 for series in panel.chart.series)
    before = {series.label: series.points[-1][1] for series in panel.chart.series}

    # Two goals, by keyboard.
    _press(qtbot, Qt.Key.Key_G, CTRL_SHIFT)
    goals_dialog = active_dialog(qtbot, window)
    assert isinstance(goals_dialog, GoalsDialog)
    wanted = ["messages.write_send_email", "device.connect_wifi"]
    for item_id in wanted:
        qtbot.keyClicks(goals_dialog.filter, framework.item(item_id).label("en")[:18])
        _press(qtbot, Qt.Key.Key_Return)
    _press(qtbot, Qt.Key.Key_Return, CTRL)
    wait_idle(qtbot, worker)
    _back_to(qtbot, window)
    assert sorted(goal.item_id for goal in store.skills.goals(helene.id)) == sorted(wanted)

    # A session on email reaches the email goal.
    window.log_session()
    session_dialog = active_dialog(qtbot, window)
    email_goal = next(g for g in store.skills.goals(helene.id) if g.item_id == wanted[0])
    qtbot.keyClicks(session_dialog.theme_filter, "mail")
    _press(qtbot, Qt.Key.Key_Return)
    _press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    session_dialog.goal_checks[email_goal.id].setChecked(True)
    _press(qtbot, Qt.Key.Key_Return, CTRL)
    wait_idle(qtbot, worker)
    _back_to(qtbot, window)
    assert [g.item_id for g in store.skills.goals(helene.id, open_only=True)] == [wanted[1]]

    # A re-assessment today: every skill one level up. The chart moves.
    window.resident_file.show_skills()
    dialog = _assess(qtbot, window, worker, [DIGITS[i % 2 + 1] for i in range(total)],
                     days_ago=0)  # fmt: skip
    assert dialog.kind == "assessment"
    assert all(len(series.points) == 2 for series in panel.chart.series)
    after = {series.label: series.points[-1][1] for series in panel.chart.series}
    assert all(after[label] == before[label] + 1 for label in before)
    assert f"{total} skills gained" in window.resident_file.skills.text()

    # The passport, in French (the resident's language) while the window is in English.
    target = tmp_path / "passport.pdf"
    monkeypatch.setattr(
        "mediator_app.ui.passport_dialog.QFileDialog.getSaveFileName",
        lambda *args, **kwargs: (str(target), ""),
    )
    _press(qtbot, Qt.Key.Key_P, CTRL_SHIFT)
    passport_dialog = active_dialog(qtbot, window)
    assert isinstance(passport_dialog, PassportDialog)
    assert passport_dialog.chosen_language == "fr"
    passport_dialog.encouragement.setText("Bravo Hélène !")
    passport_dialog.save_button.click()
    wait_idle(qtbot, worker)
    text = "".join(page.extract_text() for page in PdfReader(Path(target)).pages)
    assert "Mon passeport numérique" in text
    assert "Bravo Hélène !" in text
    assert "D'Aubigné" not in text  # first name only
    assert framework.item(wanted[1]).label("fr") in text  # the open goal, as a next step


def test_what_sessions_showed_is_listed_as_observed_not_assessed(desk):
    from mediator_app.domain.session import SupportSession
    from mediator_app.domain.skills import SkillAssessment

    window, store, _worker, helene = desk
    framework = store.skills.current_framework()
    email = "messages.write_send_email"
    store.skills.record_assessment(
        SkillAssessment(helene.id, framework.name, framework.version,
                        (date.today() - timedelta(days=30)).isoformat(), {email: "with_guidance"}),
    )  # fmt: skip
    store.sessions.create(
        SupportSession(date=date.today().isoformat(), duration_min=30, themes=("email",),
                       resident_id=helene.id, autonomy="autonome"),
    )  # fmt: skip
    window.open_resident(helene.id)
    text = window.resident_file.skills.text()
    observed = text.split("Seen in sessions (observed, not assessed):")[1]
    assert f"{framework.item(email).label('en')}: Autonomous" in observed
    # The assessed level is unchanged: an observation is not an assessment.
    assert store.skills.progress(helene.id).now[email] == "with_guidance"
