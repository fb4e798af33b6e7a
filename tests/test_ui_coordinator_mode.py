"""The same app set up as the coordinator's: no resident, the centres' exports taken
in, and their statistics by centre, country or all."""

from __future__ import annotations

from datetime import date, timedelta

from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.settings import Settings
from mediator_app.store import open_store
from mediator_app.sync.coordinator import Period, export_for_coordinator
from mediator_app.sync.keys import card_for_this_desk, enroll
from mediator_app.ui.main_window import RESIDENTS_TAB, STATISTICS_TAB, MainWindow
from mediator_app.ui.worker import DatabaseWorker
from tests.ui_helpers import CONSENT, wait_idle


def test_the_coordinators_window_takes_exports_in_and_counts_them(tmp_path, qtbot):
    coordinator_path = tmp_path / "coordinator.db"
    coordinator = open_store(coordinator_path)
    coordinator.ensure_desk(name="Coordination", configured=True)
    coordinator.become_coordinator()
    day = date.today() - timedelta(days=2)
    period = Period(day.isoformat()[:7], day.replace(day=1), day)
    exports = []
    for name, country in (("AAGESC", "FR"), ("Casal", "ES")):
        centre = open_store(tmp_path / f"{name}.db")
        centre.ensure_desk(name="Accueil", centre_name=name, country=country, configured=True)
        enroll(centre, card_for_this_desk(coordinator))
        enroll(coordinator, card_for_this_desk(centre))
        person = centre.residents.create(Resident(first_name="A", last_name="B", **CONSENT))
        centre.sessions.create(
            SupportSession(date=day.isoformat(), duration_min=30, themes=("email",),
                           resident_id=person.id),
        )  # fmt: skip
        exports.append(str(export_for_coordinator(centre, period, tmp_path / "exports")))
        centre.close()

    worker = DatabaseWorker(coordinator_path)
    try:
        window = MainWindow(coordinator, worker, Settings(tmp_path / "settings.json"))
        qtbot.addWidget(window)
        window.show()
        assert not window.tabs.isTabVisible(RESIDENTS_TAB)
        assert window.tabs.currentIndex() == STATISTICS_TAB
        window.take_in_exports(exports)
        wait_idle(qtbot, worker)
        page = window.statistics_page
        scopes = [page.mediator.itemText(i) for i in range(page.mediator.count())]
        assert scopes == ["All centres", "Country: ES", "Country: FR", "AAGESC", "Casal"]
        qtbot.waitUntil(lambda: page.report is not None, timeout=5000)
        qtbot.waitUntil(lambda: page.report.current.individual_sessions == 2, timeout=5000)
        page.mediator.setCurrentIndex(scopes.index("Casal"))
        page.show_button.click()
        wait_idle(qtbot, worker)
        qtbot.waitUntil(lambda: page.report.current.individual_sessions == 1, timeout=5000)
    finally:
        worker.stop()
        coordinator.close()
