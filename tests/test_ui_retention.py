"""The retention review window and the withdrawal of consent, offscreen: the list of
residents due, the dry run, the actions on the worker with a confirmation, and the
period saved as a centre setting."""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.i18n import LANGUAGES, set_language
from mediator_app.store.errors import NotFoundError
from mediator_app.store.retention import DueResident, cutoff, retention_months
from mediator_app.ui.retention_dialog import (
    DueResidentsModel,
    RetentionDialog,
    WithdrawConsentDialog,
    withdraw_consent_interactively,
)
from mediator_app.ui.session_dialog import to_qdate
from mediator_app.ui.worker import DatabaseWorker
from tests.ui_helpers import wait_idle

CONSENT = {"consent_date": "2020-01-05", "consent_version": "2026-1"}
#: Three years on: every record written today is then past a 24-month period.
TODAY = date.today() + timedelta(days=3 * 366)


@pytest.fixture
def centre(store, db_path, qtbot):
    """Hélène and Karim not seen for three years, Ana seen ten months before the review;
    a worker on the same database."""
    people = {}
    for first, last, extra in (
        ("Hélène", "Dupont-Aubry", {"birth_year": 1956, "phone": "0612345678"}),
        ("Karim", "Ben Saïd", {"notes": "Vient le mardi"}),
        ("Ana", "Ferreira", {}),
    ):
        people[first] = store.residents.create(
            Resident(first_name=first, last_name=last, **CONSENT, **extra), today=TODAY
        )
    store.sessions.create(
        SupportSession(date="2023-03-14", duration_min=30, themes=("email",),
                       resident_id=people["Hélène"].id, notes="Sa fille l'accompagne"),
        today=TODAY,
    )  # fmt: skip
    store.sessions.create(
        SupportSession(date=cutoff(TODAY, 10).isoformat(), duration_min=30, themes=("email",),
                       resident_id=people["Ana"].id),
        today=TODAY,
    )  # fmt: skip
    worker = DatabaseWorker(db_path)
    yield store, worker, people
    worker.stop()


def show(qtbot, store, worker) -> RetentionDialog:
    dialog = RetentionDialog(store, worker, today=TODAY)
    qtbot.addWidget(dialog)
    with qtbot.waitSignals([dialog.loaded, dialog.previewed], timeout=5000):
        dialog.show()
    return dialog


def check(dialog: RetentionDialog, *names: str) -> None:
    model = dialog.model
    for row in range(model.rowCount()):
        if model.resident(row).first_name in names:
            model.setData(model.index(row, 0), Qt.CheckState.Checked.value,
                          Qt.ItemDataRole.CheckStateRole)  # fmt: skip


def listed(dialog: RetentionDialog) -> list[str]:
    model = dialog.model
    return [model.resident(row).first_name for row in range(model.rowCount())]


def answer(monkeypatch, button: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_the_model_passes_the_model_tester(qtmodeltester):
    model = DueResidentsModel()
    model.set_rows(
        [
            DueResident("a", "Hélène", "Dupont", "2023-03-14", 40),
            DueResident("b", "", "", "2023-01-02", 42),
        ]
    )
    model.setData(model.index(1, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    qtmodeltester.check(model)
    assert model.checked_ids() == ["b"]
    assert model.data(model.index(1, 0)) == "Anonymised resident"
    assert model.data(model.index(0, 2)) == "40"


def test_the_window_lists_who_is_due_and_previews_the_selected_one(qtbot, centre):
    store, worker, _people = centre
    dialog = show(qtbot, store, worker)
    assert sorted(listed(dialog)) == ["Hélène", "Karim"]
    assert "24 months after the last contact" in dialog.period_label.text()
    assert dialog.count_label.text() == "2 residents are due for review."
    shown = dialog.model.resident(dialog.proxy.mapToSource(dialog.table.currentIndex()).row())
    preview = dialog.preview_text.toPlainText()
    assert shown.full_name in preview and "If anonymised:" in preview
    assert not dialog.anonymise_button.isEnabled() and not dialog.erase_button.isEnabled()


def test_checked_residents_are_previewed_and_can_be_acted_on(qtbot, centre):
    store, worker, _people = centre
    dialog = show(qtbot, store, worker)
    with qtbot.waitSignal(dialog.previewed, timeout=5000):
        check(dialog, "Hélène", "Karim")
    preview = dialog.preview_text.toPlainText()
    assert "2 residents checked." in preview
    assert "Removed: first name, last name, year of birth and phone." in preview
    assert "The notes of 1 session are emptied." in preview
    assert "1 support session stays as an anonymous visit." in preview
    assert dialog.anonymise_button.isEnabled() and dialog.erase_button.isEnabled()
    with qtbot.waitSignal(dialog.previewed, timeout=5000):
        dialog.uncheck_all.click()
    assert not dialog.anonymise_button.isEnabled()


def test_anonymising_after_confirmation_runs_on_the_worker(qtbot, centre, monkeypatch):
    store, worker, people = centre
    dialog = show(qtbot, store, worker)
    check(dialog, "Hélène", "Karim")
    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    results = []
    dialog.acted.connect(results.append)
    with qtbot.waitSignals([dialog.acted, dialog.loaded], timeout=10_000):
        dialog.anonymise_button.click()
    assert "Anonymise 2 residents?" in asked[0]
    (result,) = results
    assert set(result.done) == {people["Hélène"].id, people["Karim"].id}
    assert dialog.result_label.text() == "2 residents anonymised."
    assert listed(dialog) == []
    assert dialog.count_label.text() == "Nobody is due for review."
    wait_idle(qtbot, worker)
    assert store.residents.get(people["Hélène"].id).is_anonymised
    assert store.residents.search("dupont") == []


def test_nothing_happens_when_the_confirmation_is_declined(qtbot, centre, monkeypatch):
    store, worker, people = centre
    dialog = show(qtbot, store, worker)
    check(dialog, "Karim")
    answer(monkeypatch, QMessageBox.StandardButton.No)
    dialog.erase_button.click()
    dialog.anonymise_button.click()
    assert not worker.busy
    assert store.residents.get(people["Karim"].id).full_name == "Karim Ben Saïd"
    assert dialog.result_label.isHidden()


def test_erasing_after_confirmation(qtbot, centre, monkeypatch):
    store, worker, people = centre
    dialog = show(qtbot, store, worker)
    check(dialog, "Karim")
    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignals([dialog.acted, dialog.loaded], timeout=10_000):
        dialog.erase_button.click()
    assert "Erase 1 resident?" in asked[0]
    assert dialog.result_label.text() == "1 resident erased."
    assert listed(dialog) == ["Hélène"]
    assert store.residents.search("karim") == []
    with pytest.raises(NotFoundError):
        store.residents.get(people["Karim"].id)


def test_a_cancelled_action_writes_nothing(qtbot, centre, monkeypatch):
    store, worker, people = centre
    dialog = show(qtbot, store, worker)
    check(dialog, "Hélène", "Karim")
    answer(monkeypatch, QMessageBox.StandardButton.Yes)
    # Hold the worker, so the action is cancelled before it starts.
    release = threading.Event()
    worker.run(lambda _store, _progress: release.wait(10))
    dialog.anonymise_button.click()
    assert dialog.progress_dialog is not None
    assert not dialog.anonymise_button.isEnabled()
    dialog.progress_dialog.findChild(QPushButton).click()  # its Cancel button
    release.set()
    qtbot.waitUntil(lambda: dialog.result_label.isVisible(), timeout=10_000)
    assert dialog.result_label.text() == "Cancelled: nothing was changed."
    wait_idle(qtbot, worker)
    assert store.residents.get(people["Hélène"].id).full_name == "Hélène Dupont-Aubry"
    assert dialog.anonymise_button.isEnabled()


def test_the_period_is_saved_for_the_centre_and_the_list_follows(qtbot, centre):
    store, worker, _people = centre
    dialog = show(qtbot, store, worker)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.months.setValue(9)
    wait_idle(qtbot, worker)
    assert retention_months(store) == 9
    assert sorted(listed(dialog)) == ["Ana", "Hélène", "Karim"]
    assert "9 months after the last contact" in dialog.period_label.text()


MNEMONIC = re.compile(r"&([^&\s])")


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_mnemonics_are_unique_within_the_dialogs(qtbot, centre, language):
    store, worker, _people = centre
    set_language(language)
    dialogs: list[QWidget] = [
        RetentionDialog(store, worker, today=TODAY),
        WithdrawConsentDialog(None, "Hélène", TODAY),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        letters = [
            letter.casefold()
            for widget in dialog.findChildren(QWidget)
            if isinstance(widget, QAbstractButton)
            or (isinstance(widget, QLabel) and widget.buddy() is not None)
            for letter in MNEMONIC.findall(widget.text().replace("&&", ""))
        ]
        assert letters
        assert [letter for letter, count in Counter(letters).items() if count > 1] == []
    wait_idle(qtbot, worker)


# Withdrawal of consent ----------------------------------------------------------------


def accept_with_day(monkeypatch, day: date | None) -> None:
    def run(dialog: WithdrawConsentDialog) -> int:
        if day is None:
            return QDialog.DialogCode.Rejected
        dialog.date_edit.setDate(to_qdate(day))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(WithdrawConsentDialog, "exec", run)


def test_a_withdrawal_is_confirmed_with_its_day_then_acted_on(qtbot, centre, monkeypatch):
    store, _worker, people = centre
    accept_with_day(monkeypatch, date(2026, 3, 2))
    assert withdraw_consent_interactively(None, store, people["Ana"].id, today=TODAY)
    ana = store.residents.get(people["Ana"].id)
    assert ana.consent_withdrawn_date == "2026-03-02"
    assert ana.is_anonymised and ana.full_name == ""


def test_a_withdrawal_can_run_on_the_worker(qtbot, centre, monkeypatch):
    store, worker, people = centre
    accept_with_day(monkeypatch, date(2026, 3, 2))
    finished = []
    with qtbot.waitSignal(worker.changed, timeout=10_000) as changed:
        withdraw_consent_interactively(
            None, store, people["Karim"].id, worker=worker, on_done=lambda: finished.append(1),
            today=TODAY,
        )  # fmt: skip
    assert changed.args[0] == frozenset({"residents", "sessions"})
    assert finished == [1]
    assert store.residents.get(people["Karim"].id).consent_withdrawn_date == "2026-03-02"


def test_a_cancelled_withdrawal_changes_nothing(qtbot, centre, monkeypatch):
    store, _worker, people = centre
    accept_with_day(monkeypatch, None)
    assert not withdraw_consent_interactively(None, store, people["Ana"].id, today=TODAY)
    assert store.residents.get(people["Ana"].id).consent_withdrawn_date == ""


def test_the_day_of_withdrawal_cannot_be_in_the_future(qtbot):
    dialog = WithdrawConsentDialog(None, "Ana Ferreira", TODAY)
    qtbot.addWidget(dialog)
    dialog.date_edit.setDate(to_qdate(TODAY + timedelta(days=5)))
    assert dialog.day == TODAY
    assert "Ana Ferreira withdraws their consent" in dialog.findChild(QLabel).text()


def test_lists_show_an_anonymised_resident_by_a_label(qtbot, centre, qtmodeltester):
    from mediator_app.store.retention import anonymise
    from mediator_app.store.sessions import SessionWithResident
    from mediator_app.ui.models import ResidentListModel, resident_display_name, today_cell

    store, _worker, people = centre
    anonymise(store, [people["Hélène"].id])
    model = ResidentListModel(store)
    qtmodeltester.check(model)
    last = model.rowCount() - 1
    assert model.data(model.index(last, 0)) == "Anonymised resident"
    assert model.data(model.index(last, 1)) == ""
    assert model.resident_id(last) == people["Hélène"].id
    assert [model.data(model.index(row, 0)) for row in range(last)] == ["Ben Saïd", "Ferreira"]
    assert resident_display_name(store.residents.get(people["Hélène"].id)) == (
        "Anonymised resident"
    )
    (session,) = store.sessions.for_resident(people["Hélène"].id)
    assert today_cell(SessionWithResident(session, ""), 0) == "Anonymised resident"
    anonymous = SessionWithResident(replace(session, resident_id=None), "")
    assert today_cell(anonymous, 0) == "Anonymous visit"
