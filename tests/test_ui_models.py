"""Item models: Qt's model tester on each, and lazy fetching of long lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt

from mediator_app.domain.codes import THEMES
from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.ui.models import (
    FOLLOW_UP_COLUMNS,
    ID_ROLE,
    TODAY_COLUMNS,
    CodeChoiceModel,
    FoldedFilterProxy,
    ResidentListModel,
    SessionHistoryModel,
    SessionListModel,
    follow_up_cell,
    today_cell,
)

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
LAST_NAMES = ["Martin", "Ben Saïd", "Nguyễn", "D'Aubigné", "Yıldız", "Da Silva", "Œuvray"]


@pytest.fixture
def filled(store):
    with store.write() as writer:
        for number in range(250):
            writer.insert(
                "resident",
                {
                    **Resident(
                        first_name=f"Prénom{number:03d}",
                        last_name=LAST_NAMES[number % len(LAST_NAMES)],
                        birth_year=1940 + number % 60,
                        **CONSENT,
                    ).to_record()
                },
            )
    resident_id = store.residents.page(0, 1)[0].id
    today = date.today()
    with store.write() as writer:
        for days in range(230):
            writer.insert(
                "support_session",
                SupportSession(
                    date=(today - timedelta(days=days)).isoformat(),
                    duration_min=30,
                    themes=("email",),
                    resident_id=resident_id,
                    follow_up_needed=days == 3,
                    follow_up_date=today.isoformat() if days == 3 else None,
                ).to_record(),
            )
    return store, resident_id


def test_resident_list_passes_the_model_tester(qtmodeltester, filled):
    store, _resident_id = filled
    model = ResidentListModel(store)
    qtmodeltester.check(model)
    model.set_query("martin")
    qtmodeltester.check(model)


def test_resident_list_is_alphabetical_and_fetches_lazily(filled):
    store, _resident_id = filled
    fetched: list[tuple[int, int]] = []
    original_page = store.residents.page

    def counting_page(offset: int, limit: int):
        fetched.append((offset, limit))
        return original_page(offset, limit)

    store.residents.page = counting_page
    model = ResidentListModel(store)
    assert model.rowCount() == 250
    assert fetched == []
    assert model.index(0, 0).data() == "Ben Saïd"
    assert model.index(249, 0).data() == "Yıldız"
    assert len(fetched) == 2
    assert all(limit == ResidentListModel.PAGE_SIZE for _offset, limit in fetched)


def test_resident_search_mode_shows_ranked_hits(filled):
    store, _resident_id = filled
    model = ResidentListModel(store)
    model.set_query("nguyen")
    assert model.is_search
    assert model.rowCount() == len([n for n in range(250) if n % len(LAST_NAMES) == 2])
    assert {model.index(row, 0).data() for row in range(model.rowCount())} == {"Nguyễn"}
    assert model.index(0, 0).data(ID_ROLE) == model.resident_id(0)


def test_history_passes_the_model_tester_and_is_newest_first(qtmodeltester, filled):
    store, resident_id = filled
    model = SessionHistoryModel(store)
    model.set_resident(resident_id)
    qtmodeltester.check(model)
    assert model.rowCount() == 230
    newest, oldest = model.session(0), model.session(229)
    assert newest.date > oldest.date
    assert "Follow-up on" in model.index(3, 4).data()
    # Long cells are cut in the view: the whole text is in the tooltip.
    themes_cell = model.index(0, 1)
    assert themes_cell.data(Qt.ItemDataRole.ToolTipRole) == themes_cell.data()


def test_session_lists_pass_the_model_tester(qtmodeltester, filled):
    store, _resident_id = filled
    today = SessionListModel(TODAY_COLUMNS, today_cell)
    today.set_rows(store.sessions.on_day(date.today()))
    qtmodeltester.check(today)
    assert today.rowCount() == 1
    follow_ups = SessionListModel(FOLLOW_UP_COLUMNS, follow_up_cell)
    follow_ups.set_rows(store.sessions.follow_ups_due(date.today()))
    qtmodeltester.check(follow_ups)
    assert follow_ups.rowCount() == 1


def test_code_choice_model_and_folded_filter(qtmodeltester):
    model = CodeChoiceModel(THEMES)
    qtmodeltester.check(model)
    proxy = FoldedFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_filter_text("SECURITE")
    assert proxy.rowCount() == 0  # labels are English message ids in this test
    proxy.set_filter_text("safe onl")
    assert proxy.rowCount() == 1
    source_row = proxy.mapToSource(proxy.index(0, 0)).row()
    model.setData(
        model.index(source_row), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert model.checked == ("securite_numerique",)
    model.toggle(source_row)
    assert model.checked == ()
    assert model.rowCount(model.index(0)) == 0
    assert model.data(QModelIndex()) is None
