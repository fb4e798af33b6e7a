"""The audit trail viewer: a lazy model read a page at a time, filters by name,
mediator and period, an erased resident shown as a fact without identity, a refusal for
who may not read it; a resident's file records its opening once, and a passport its
printing."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QMessageBox, QWidget

from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.i18n import LANGUAGES, set_language
from mediator_app.store import audit
from mediator_app.store.mediators import add_mediator
from mediator_app.ui.audit_dialog import (
    PERIODS,
    SEARCH_DELAY_MS,
    AuditDialog,
    AuditTrailModel,
    open_audit_trail,
)
from mediator_app.ui.models import RECORD_ROLE
from tests.ui_helpers import CONSENT

TODAY = date(2026, 11, 29)


@pytest.fixture
def trail(store):
    """Two mediators, three residents, views, prints, changes, a session, an erasure:
    200 entries in all."""
    nadia = add_mediator(store, "Nadia Belkacem")
    paul = add_mediator(store, "Paul Martin")
    store.mediator_id = nadia.id
    helene = store.residents.create(
        Resident(first_name="Hélène", last_name="Petit", **CONSENT), today=TODAY
    )
    karim = store.residents.create(
        Resident(first_name="Karim", last_name="Amrani", **CONSENT), today=TODAY
    )
    zoe = store.residents.create(
        Resident(first_name="Zoé", last_name="Oubliée", **CONSENT), today=TODAY
    )
    people = (helene, karim, zoe)
    number = 0
    while len(audit.trail(store, limit=1000)) < 199:
        store.mediator_id = (nadia, paul)[number % 2].id
        person = people[number % 3]
        if number % 10 == 0:
            audit.record(store, audit.PRINT, person.id, audit.PASSPORT)
        elif number % 10 == 5:
            store.sessions.create(
                SupportSession(date="2026-11-02", duration_min=30, themes=("email",),
                               resident_id=person.id),
                today=TODAY,
            )  # fmt: skip
        elif number % 10 == 7:
            commune = ("Grans", "Lyon")[number % 2]
            store.residents.update(replace(store.residents.get(person.id), commune=commune))
        else:
            audit.record(store, audit.VIEW, person.id)
        number += 1
    store.mediator_id = nadia.id
    store.residents.erase(zoe.id)
    assert len(audit.trail(store, limit=1000)) == 200
    return store, nadia, paul, helene, karim, zoe


def _texts(model: AuditTrailModel) -> str:
    return "\n".join(
        str(model.data(model.index(row, column)) or "")
        for row in range(model.rowCount())
        for column in range(model.columnCount())
    )


def test_the_model_reads_a_page_at_a_time(qtbot, qtmodeltester, trail):
    store = trail[0]
    model = AuditTrailModel(store, page_size=30)
    assert model.rowCount() == 30 and model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)  # it fetches more too
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 200
    entries = [model.data(model.index(row, 0), RECORD_ROLE) for row in range(200)]
    assert entries == audit.trail(store, limit=1000)
    qtmodeltester.check(model)


def test_an_erased_resident_is_shown_as_a_fact_without_identity(qtbot, trail):
    store, _nadia, _paul, _helene, _karim, zoe = trail
    model = AuditTrailModel(store)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    text = _texts(model)
    assert "Zoé" not in text and "Oubliée" not in text and zoe.id not in text
    first = [model.data(model.index(0, column)) for column in range(model.columnCount())]
    assert first[1:5] == ["Nadia Belkacem", "An erased resident", "Erased", "Resident's file"]
    assert model.data(model.index(0, AuditTrailModel.RESIDENT), Qt.ItemDataRole.FontRole).italic()
    assert model.data(model.index(1, AuditTrailModel.RESIDENT), Qt.ItemDataRole.FontRole) is None
    assert text.count("An erased resident") > 10


def test_the_filters_select_by_name_mediator_and_period(qtbot, trail):
    store, _nadia, paul, _helene, _karim, _zoe = trail
    dialog = AuditDialog(store, today=date.today())
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 200
    assert "200 entries shown" in dialog.status.text()

    qtbot.keyClicks(dialog.name, "helene")  # typed without accents, as often
    qtbot.waitUntil(lambda: dialog.model.query.resident_ids is not None,
                    timeout=SEARCH_DELAY_MS * 10)  # fmt: skip
    residents = {dialog.model.entry(row).resident for row in range(dialog.model.rowCount())}
    assert residents == {"Hélène Petit"}

    dialog.mediator.setCurrentIndex(dialog.mediator.findData(paul.id))
    assert {dialog.model.entry(row).mediator for row in range(dialog.model.rowCount())} == {
        "Paul Martin"
    }
    dialog.period.setCurrentIndex(1)  # today: everything was done today
    assert PERIODS[1].days == 1 and dialog.model.rowCount() > 0

    dialog.name.setText("nobody-at-all")
    dialog.apply_filters()
    assert dialog.model.rowCount() == 0 and dialog.model.query is None
    assert dialog.status.text() == "No resident's name matches nobody-at-all."
    dialog.name.clear()
    dialog.mediator.setCurrentIndex(0)
    assert dialog.model.rowCount() > 50


def test_a_long_trail_says_more_is_coming(qtbot, trail):
    store = trail[0]
    for _number in range(250):
        audit.record(store, audit.VIEW, trail[3].id)
    dialog = AuditDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == AuditTrailModel.PAGE_SIZE
    assert "Scroll down for earlier entries." in dialog.status.text()
    dialog.show()
    dialog.table.scrollToBottom()
    qtbot.waitUntil(lambda: dialog.model.rowCount() > AuditTrailModel.PAGE_SIZE)


def test_the_viewer_renders_200_entries(qtbot, trail, tmp_path):
    dialog = AuditDialog(trail[0])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    picture = tmp_path / "audit.png"
    assert dialog.grab().save(str(picture))
    assert picture.stat().st_size > 10_000


def test_only_who_may_read_it_opens_it(qtbot, trail, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: said.append(args[2]))
    assert open_audit_trail(None, trail[0], can_read=False) is None
    assert said == ["Only an administrator of this desk can read the audit trail."]
    opened = []
    dialog = open_audit_trail(None, trail[0], can_read=True, open_dialog=opened.append)
    qtbot.addWidget(dialog)
    assert opened == [dialog] and dialog.model.rowCount() == 200


MNEMONIC = re.compile(r"&([^&\s])")


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_mnemonics_are_unique_in_every_language(qtbot, store, language):
    set_language(language)
    dialog = AuditDialog(store)
    qtbot.addWidget(dialog)
    letters = []
    for widget in dialog.findChildren(QWidget):
        if (isinstance(widget, QLabel) and widget.buddy() is not None) or isinstance(
            widget, QAbstractButton
        ):
            text = widget.text().replace("&&", "")
            letters += [letter.casefold() for letter in MNEMONIC.findall(text)]
    assert len(letters) >= 3
    assert [letter for letter, count in Counter(letters).items() if count > 1] == []


# Where views and prints are recorded ----------------------------------------------------


def _views(store) -> list[str]:
    return [
        row[0]
        for row in store.conn.execute(
            "SELECT resident_id FROM audit_event WHERE action = 'view' ORDER BY seq"
        )
    ]


def test_a_file_opening_is_recorded_once_not_at_each_refresh(qtbot, desk):
    from tests.ui_helpers import wait_idle

    window, store, worker, helene = desk
    karim = store.residents.search("karim")[0]
    window.open_resident(helene.id)
    window.resident_file.refresh()
    window.open_resident(helene.id)  # shown already: not a new opening
    wait_idle(qtbot, worker)  # recorded by the worker, after any write under way
    assert _views(store) == [helene.id]
    window.open_resident(karim.id)
    window.open_resident(helene.id)
    wait_idle(qtbot, worker)
    assert _views(store) == [helene.id, karim.id, helene.id]
    [entry] = [e for e in audit.trail(store, karim.id) if e.action == audit.VIEW]
    assert entry.mediator == "Nadia Belkacem"


def test_a_file_opening_can_be_recorded_elsewhere(qtbot, store):
    from mediator_app.ui.resident_file import ResidentFile

    helene = store.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    recorded: list[str] = []
    view = ResidentFile(store, record_view=recorded.append)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.resident_viewed) as opened:
        view.show_resident(helene.id)
    assert opened.args == [helene.id] and recorded == [helene.id]
    assert _views(store) == []


def test_a_printed_passport_is_recorded(store, tmp_path):
    from mediator_app.ui.passport_dialog import write_passport_pdf

    nadia = add_mediator(store, "Nadia Belkacem")
    store.mediator_id = nadia.id
    helene = store.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    assert write_passport_pdf(store, helene.id, "fr", "", tmp_path / "passport.pdf") >= 1
    [entry] = audit.trail(store, helene.id, limit=1)
    assert (entry.action, entry.subject, entry.mediator) == (
        audit.PRINT, audit.PASSPORT, "Nadia Belkacem",
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _source_language():
    yield
    set_language("en")
