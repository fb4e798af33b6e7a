"""A resident's workshop history says when they came late and when they walked in."""

from __future__ import annotations

from mediator_app.store.workshops import AttendedWorkshop
from mediator_app.ui.workshops.models import WorkshopHistoryModel


def test_late_arrivals_and_walk_ins_are_shown(qtmodeltester):
    model = WorkshopHistoryModel()
    model.set_rows(
        [
            AttendedWorkshop("o1", "2026-11-27", "Tablette", "registered", "late", "14:25"),
            AttendedWorkshop("o2", "2026-11-20", "Tablette", "registered", "present", None, True),
        ]
    )
    qtmodeltester.check(model)
    assert "14:25" in model.index(0, 3).data()
    assert model.index(1, 2).data() == "Walk-in"
    assert model.index(0, 2).data() == "Registered"
