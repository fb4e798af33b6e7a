"""The skills diagnostic driven by the keyboard, as a mediator sitting with a resident
would, against a real store."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QMessageBox

from mediator_app.domain.resident import Resident
from mediator_app.domain.skills import SKILL_LEVELS, SkillAssessment
from mediator_app.i18n import set_language
from mediator_app.ui.diagnostic_dialog import (
    DiagnosticDialog,
    DiagnosticModel,
    LastRating,
    SkillFilterProxy,
)

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
TODAY = date(2026, 11, 29)
FIRST_DAY = "2026-03-12"
LEVELS = SKILL_LEVELS.codes
DIGITS = (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4)


class KeyCounter:
    """Sends key presses to the focused widget and counts them."""

    def __init__(self, qtbot):
        self._qtbot = qtbot
        self.presses = 0

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.presses += 1
        self._qtbot.keyClick(QApplication.focusWidget(), key, modifier)


@pytest.fixture
def helene(store):
    return store.residents.create(
        Resident(first_name="Hélène", last_name="D'Aubigné", **CONSENT), today=TODAY
    )


@pytest.fixture
def framework(store):
    return store.skills.current_framework()


@pytest.fixture
def assessed(store, helene, framework):
    """Hélène after a first diagnostic of the device skills (all but the last two)."""
    items = [item.id for item in framework.areas[0].items][:-2]
    ratings = {item_id: LEVELS[position % 4] for position, item_id in enumerate(items)}
    store.skills.record_assessment(
        SkillAssessment(helene.id, framework.name, framework.version, FIRST_DAY, ratings,
                        kind="diagnostic"),
        today=TODAY,
    )  # fmt: skip
    return helene, ratings


def _open(qtbot, store, resident_id: str, **options) -> DiagnosticDialog:
    """The dialog on screen with the keyboard, as the mediator sees it."""
    dialog = DiagnosticDialog(store, resident_id, today=TODAY, **options)
    dialog.submitted.connect(lambda assessment: _save(store, dialog, assessment))
    qtbot.addWidget(dialog, before_close_func=_forget_levels)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    return dialog


def _save(store, dialog: DiagnosticDialog, assessment: SkillAssessment) -> None:
    """What the window does on its worker, done here at once."""
    try:
        saved = store.skills.record_assessment(assessment, today=TODAY)
    except Exception as error:  # the dialog explains it
        dialog.refused(error)
    else:
        dialog.saved(saved)


def _forget_levels(dialog: DiagnosticDialog) -> None:
    """Closing at the end of a test asks nothing: the levels are dropped first."""
    for row in range(dialog.model.rowCount()):
        dialog.model.set_level(row, None)


def _saved_count(store) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM skill_assessment").fetchone()[0]


# The model -----------------------------------------------------------------------------


def test_model_and_filter_pass_the_model_tester(qtmodeltester, framework):
    first = framework.items[0].id
    model = DiagnosticModel(framework, {first: LastRating("with_help", FIRST_DAY)})
    model.set_level(1, "autonomous")
    qtmodeltester.check(model)
    proxy = SkillFilterProxy()
    proxy.setSourceModel(model)
    for scope in (SkillFilterProxy.ALL, SkillFilterProxy.RATED_BEFORE, "messages"):
        proxy.set_scope(scope)
        qtmodeltester.check(proxy)
    assert model.rowCount() == len(framework.items) + len(framework.areas)
    assert model.index(0, 0).data() == "Using a device"
    assert model.index(1, 1).data() == "■■■□ With help when needed (12 Mar 2026)"
    assert model.index(1, 2).data() == "■■■■ Autonomous ↑"
    assert not model.set_level(0, "autonomous")  # an area's title has no level
    assert not model.set_level(1, "brilliant")


# A whole diagnostic by keyboard -------------------------------------------------------


def test_a_full_diagnostic_takes_one_key_per_skill_and_one_to_save(qtbot, store, helene, framework):
    dialog = _open(qtbot, store, helene.id)
    assert dialog.windowTitle() == "Initial diagnostic — Hélène D'Aubigné"
    assert dialog.kind == "diagnostic"
    assert QApplication.focusWidget() is dialog.table
    assert dialog.counter.text() == "0 of 34 skills set"
    keys = KeyCounter(qtbot)
    expected = {}
    for position, item in enumerate(framework.items):
        assert dialog.current_item_id() == item.id
        keys.press(DIGITS[position % 4])
        expected[item.id] = LEVELS[position % 4]
    assert dialog.counter.text() == "34 of 34 skills set"
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert len(framework.items) == 34
    assert keys.presses == 35
    assert dialog.result() == DiagnosticDialog.DialogCode.Accepted
    saved = store.skills.assessments(helene.id)
    assert len(saved) == 1
    assert dict(saved[0].ratings) == expected
    assert saved[0].kind == "diagnostic"
    assert saved[0].assessed_on == TODAY.isoformat()
    assert (saved[0].framework, saved[0].framework_version) == framework.key
    assert dialog.saved_assessment is not None
    assert dialog.saved_assessment.id == saved[0].id


def test_zero_space_and_delete_skip_a_skill(qtbot, store, helene, framework):
    dialog = _open(qtbot, store, helene.id)
    first, second, third, fourth = (item.id for item in framework.items[:4])
    for key in (Qt.Key.Key_4, Qt.Key.Key_0, Qt.Key.Key_2, Qt.Key.Key_3):
        qtbot.keyClick(dialog.table, key)
    assert dialog.model.ratings() == {first: "autonomous", third: "with_guidance",
                                      fourth: "with_help"}  # fmt: skip
    qtbot.keyClick(dialog.table, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Up)
    assert dialog.current_item_id() == third
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    assert dialog.current_item_id() == fourth
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert dialog.model.ratings() == {first: "autonomous"}
    assert dialog.counter.text() == "1 of 34 skills set"
    qtbot.keyClick(dialog.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert [dict(a.ratings) for a in store.skills.assessments(helene.id)] == [{first: "autonomous"}]
    assert second not in store.skills.assessments(helene.id)[0].ratings


def test_up_and_down_step_over_the_area_titles(qtbot, store, helene, framework):
    dialog = _open(qtbot, store, helene.id)
    device, internet = framework.areas[0].items, framework.areas[1].items
    for _ in device:
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.current_item_id() == internet[0].id
    qtbot.keyClick(dialog.table, Qt.Key.Key_Up)
    assert dialog.current_item_id() == device[-1].id
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # moves on, never saves
    assert dialog.current_item_id() == internet[0].id
    assert dialog.isVisible()
    # Home lands on the first area's title: the highlight goes on to its first skill.
    qtbot.keyClick(dialog.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert dialog.current_item_id() == device[0].id
    assert dialog.model.ratings() == {}


def test_azerty_top_row_works_without_shift(qtbot, store, helene, framework):
    dialog = _open(qtbot, store, helene.id)
    for key, text in ((Qt.Key.Key_Ampersand, "&"), (Qt.Key.Key_Eacute, "é"),
                      (Qt.Key.Key_QuoteDbl, '"'), (Qt.Key.Key_Apostrophe, "'")):  # fmt: skip
        event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, text)
        QApplication.sendEvent(dialog.table, event)
    assert list(dialog.model.ratings().values()) == list(LEVELS)


# Re-assessment -------------------------------------------------------------------------


def test_after_a_first_assessment_it_is_a_reassessment(qtbot, store, assessed, framework):
    helene, _ratings = assessed
    dialog = _open(qtbot, store, helene.id)
    assert dialog.windowTitle() == "Re-assessment — Hélène D'Aubigné"
    assert dialog.kind == "assessment"
    assert not dialog.table.isColumnHidden(DiagnosticModel.LAST_COLUMN)
    first_row = dialog.proxy.index(1, DiagnosticModel.LAST_COLUMN)
    assert first_row.data() == "■□□□ Not yet (12 Mar 2026)"
    qtbot.keyClick(dialog.table, Qt.Key.Key_3)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    saved = store.skills.assessments(helene.id)
    assert [a.kind for a in saved] == ["diagnostic", "assessment"]
    assert dict(saved[1].ratings) == {framework.items[0].id: "with_help"}


def test_a_first_diagnostic_hides_the_empty_last_time_column(qtbot, store, helene):
    dialog = _open(qtbot, store, helene.id)
    assert dialog.table.isColumnHidden(DiagnosticModel.LAST_COLUMN)
    assert not dialog.same_button.isVisibleTo(dialog)


def test_equals_keeps_the_level_of_last_time(qtbot, store, assessed, framework):
    helene, ratings = assessed
    device = [item.id for item in framework.areas[0].items]
    dialog = _open(qtbot, store, helene.id)
    for _ in device:
        qtbot.keyClick(dialog.table, Qt.Key.Key_Equal)
    # The last two device skills were never rated: "=" leaves them skipped.
    assert dialog.model.ratings() == ratings
    assert dialog.current_item_id() == framework.areas[1].items[0].id
    dialog.same_button.click()
    assert dialog.model.ratings() == ratings


def test_items_limit_the_rows(qtbot, store, helene, framework):
    internet = [item.id for item in framework.areas[1].items]
    dialog = _open(qtbot, store, helene.id, items=[*internet, "no.such_skill"])
    assert dialog.model.item_total() == len(internet)
    assert dialog.proxy.rowCount() == len(internet) + 1  # and the area's title
    assert dialog.counter.text() == "0 of 5 skills set"
    assert dialog.filter_combo.count() == 1  # one area: nothing to pick
    for _ in internet:
        qtbot.keyClick(dialog.table, Qt.Key.Key_4)
    dialog.save_button.click()
    assert dict(store.skills.assessments(helene.id)[0].ratings) == dict.fromkeys(
        internet, "autonomous"
    )


def test_filter_by_area_keeps_the_levels_of_hidden_rows(qtbot, store, assessed, framework):
    helene, _ratings = assessed
    device = [item.id for item in framework.areas[0].items]
    messages = [item.id for item in framework.areas[2].items]
    dialog = _open(qtbot, store, helene.id)
    qtbot.keyClick(dialog.table, Qt.Key.Key_2)
    qtbot.keyClick(dialog.table, Qt.Key.Key_4)

    dialog.filter_combo.setCurrentIndex(dialog.filter_combo.findData("messages"))
    assert dialog.proxy.rowCount() == len(messages) + 1
    assert dialog.current_item_id() == messages[0]
    qtbot.keyClick(dialog.table, Qt.Key.Key_1)
    assert dialog.counter.text() == "3 of 34 skills set"

    dialog.filter_combo.setCurrentIndex(dialog.filter_combo.findData(SkillFilterProxy.ALL))
    assert dialog.proxy.rowCount() == 34 + 6
    # The highlight stays on the same skill, scrolled into view.
    assert dialog.current_item_id() == messages[1]
    shown = dialog.table.visualRect(dialog.table.currentIndex())
    assert dialog.table.viewport().rect().contains(shown)

    dialog.filter_combo.setCurrentIndex(dialog.filter_combo.findData(SkillFilterProxy.RATED_BEFORE))
    assert dialog.proxy.rowCount() == len(device) - 2 + 1
    assert dialog.current_item_id() == device[0]  # the messages were never rated
    assert dialog.model.ratings() == {device[0]: "with_guidance", device[1]: "autonomous",
                                      messages[0]: "not_yet"}  # fmt: skip
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dict(store.skills.assessments(helene.id)[-1].ratings) == dialog.model.ratings()


# Saving and closing ------------------------------------------------------------------


def test_saving_nothing_says_why_and_saves_nothing(qtbot, store, helene):
    dialog = _open(qtbot, store, helene.id)
    before = _saved_count(store)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert _saved_count(store) == before
    assert dialog.isVisible()
    assert dialog.saved_assessment is None
    assert dialog.ratings_error.isVisible()
    assert dialog.ratings_error.text() == "⚠ Set at least one skill before saving."
    # Setting a level takes the message away.
    qtbot.keyClick(dialog.table, Qt.Key.Key_1)
    assert not dialog.ratings_error.isVisible()


def test_the_date_defaults_to_today_and_may_be_earlier(qtbot, store, helene):
    dialog = _open(qtbot, store, helene.id)
    assert dialog.date_edit.date() == QDate(2026, 11, 29)
    assert dialog.date_edit.maximumDate() == QDate(2026, 11, 29)
    dialog.date_edit.setDate(QDate(2026, 12, 5))  # refused: stays today
    assert dialog.date_edit.date() == QDate(2026, 11, 29)
    dialog.date_edit.setDate(QDate(2026, 11, 20))
    qtbot.keyClick(dialog.table, Qt.Key.Key_2)
    dialog.accept()
    assert store.skills.assessments(helene.id)[0].assessed_on == "2026-11-20"


def test_escape_asks_before_dropping_levels(qtbot, store, helene, monkeypatch):
    dialog = _open(qtbot, store, helene.id)
    qtbot.keyClick(dialog.table, Qt.Key.Key_3)
    asked = []

    def answer(button):
        def question(parent, title, text, *args):
            asked.append(text)
            return button

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert asked == ["1 skill has a level that is not saved. Close without saving it?"]
    assert dialog.isVisible()
    assert dialog.model.set_count() == 1

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Discard))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert len(asked) == 2
    assert not dialog.isVisible()
    assert dialog.result() == DiagnosticDialog.DialogCode.Rejected
    assert _saved_count(store) == 0


def test_escape_with_nothing_set_closes_without_a_question(qtbot, store, helene, monkeypatch):
    dialog = _open(qtbot, store, helene.id)

    def question(*args):
        raise AssertionError("nothing to lose: no question")

    monkeypatch.setattr(QMessageBox, "question", question)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


# The mouse ---------------------------------------------------------------------------


def test_buttons_act_on_the_highlighted_skill(qtbot, store, helene, framework):
    dialog = _open(qtbot, store, helene.id)
    first, second = framework.items[0].id, framework.items[1].id
    qtbot.mouseClick(dialog.level_buttons["with_help"], Qt.MouseButton.LeftButton)
    assert dialog.current_item_id() == second
    assert QApplication.focusWidget() is dialog.table
    qtbot.keyClick(dialog.table, Qt.Key.Key_Up)
    dialog.skip_button.click()
    assert dialog.model.ratings() == {}
    dialog.level_buttons["autonomous"].click()
    assert dialog.model.ratings() == {second: "autonomous"}
    assert first not in dialog.model.ratings()


def test_a_level_can_be_picked_from_a_list(qtbot, store, helene, framework):
    dialog = _open(qtbot, store, helene.id)
    cell = dialog.proxy.index(1, DiagnosticModel.NOW_COLUMN)
    dialog.table.edit(cell)
    editor = dialog.table.viewport().findChild(QComboBox)
    assert editor is not None
    assert editor.count() == 5
    editor.setCurrentIndex(editor.findData("with_guidance"))
    editor.activated.emit(editor.currentIndex())
    assert dialog.model.ratings() == {framework.items[0].id: "with_guidance"}


# Words -------------------------------------------------------------------------------

MNEMONIC = re.compile(r"&([^&\s])")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_mnemonics_are_unique_and_items_follow_the_language(qtbot, store, helene, language):
    set_language(language)
    dialog = DiagnosticDialog(store, helene.id, today=TODAY)
    qtbot.addWidget(dialog, before_close_func=_forget_levels)
    letters = [
        letter.casefold()
        for widget in dialog.findChildren(QAbstractButton) + dialog.findChildren(QLabel)
        if not isinstance(widget, QLabel) or widget.buddy() is not None
        for letter in MNEMONIC.findall(widget.text().replace("&&", ""))
    ]
    assert letters
    assert [letter for letter, count in Counter(letters).items() if count > 1] == []
    expected = "Allumer et déverrouiller" if language == "fr" else "Switch on and unlock"
    assert dialog.proxy.index(1, 0).data().startswith(expected)
