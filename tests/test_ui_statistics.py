"""The centre's progress on the Statistics tab: figures read on the worker, drawn as
charts, for the period chosen."""

from __future__ import annotations

from datetime import date, timedelta

from mediator_app.domain.resident import Resident
from mediator_app.domain.skills import SkillAssessment
from mediator_app.ui.main_window import STATISTICS_TAB
from mediator_app.ui.statistics_page import PERIOD_PRESETS
from tests.ui_helpers import CONSENT, wait_idle

TODAY = date.today()


def _assess(store, resident_id: str, days_ago: int, ratings: dict[str, str]) -> None:
    framework = store.skills.current_framework()
    store.skills.record_assessment(
        SkillAssessment(resident_id, framework.name, framework.version,
                        (TODAY - timedelta(days=days_ago)).isoformat(), ratings),
    )  # fmt: skip


def _shown(qtbot, window, worker):
    window.show_statistics()
    wait_idle(qtbot, worker)
    qtbot.waitUntil(lambda: window.statistics_page.progress is not None, timeout=3000)
    return window.statistics_page


def test_the_tab_counts_who_moved_up_by_area_and_the_levels(desk, qtbot):
    window, store, worker, helene = desk
    karim = store.residents.create(Resident(first_name="Karim", last_name="Amrani", **CONSENT))
    _assess(store, helene.id, 200, {"device.connect_wifi": "not_yet"})
    _assess(store, helene.id, 20, {"device.connect_wifi": "with_help"})
    _assess(store, karim.id, 10, {"messages.write_send_email": "autonomous"})

    page = _shown(qtbot, window, worker)
    assert window.tabs.currentIndex() == STATISTICS_TAB
    assert "2 residents assessed, 1 moved up at least one level" in page.headline.text()
    framework = store.skills.current_framework()
    titles = {area.id: area.title("en") for area in framework.areas}
    bars = dict(page.moved_up_chart.bars)
    assert bars[titles["device"]] == 1
    assert sum(bars.values()) == 1
    rows = {row.label: row.counts for row in page.distribution_chart.rows}
    assert rows[titles["device"]] == (0, 0, 1, 0)
    assert rows[titles["messages"]] == (0, 0, 0, 1)


def test_a_period_before_any_assessment_shows_nobody(desk, qtbot):
    window, store, worker, helene = desk
    _assess(store, helene.id, 5, {"device.connect_wifi": "with_help"})
    page = _shown(qtbot, window, worker)
    page.set_period(TODAY - timedelta(days=400), TODAY - timedelta(days=300))
    page.show_button.click()
    wait_idle(qtbot, worker)
    qtbot.waitUntil(lambda: "0 residents assessed" in page.headline.text(), timeout=3000)
    assert not page.moved_up_chart.bars
    assert all(sum(row.counts) == 0 for row in page.distribution_chart.rows)


def test_an_upside_down_period_is_said_and_not_counted(desk, qtbot):
    window, _store, worker, _helene = desk
    page = _shown(qtbot, window, worker)
    shown = page.progress
    page.set_period(TODAY, TODAY - timedelta(days=10))
    page.show_button.click()
    assert "start of the period comes after its end" in page.headline.text()
    assert page.progress is shown


def test_presets_set_the_dates_and_custom_dates_are_editable(desk, qtbot):
    window, _store, worker, _helene = desk
    page = _shown(qtbot, window, worker)
    assert not page.start.isEnabled()
    this_year = [p.label for p in PERIOD_PRESETS].index("This year")
    page.preset.setCurrentIndex(this_year)
    wait_idle(qtbot, worker)
    assert page.period() == (date(TODAY.year, 1, 1), TODAY)
    page.preset.setCurrentIndex(len(PERIOD_PRESETS))
    assert page.start.isEnabled() and page.end.isEnabled()


def test_a_new_assessment_refreshes_the_figures_shown(desk, qtbot):
    window, store, worker, helene = desk
    page = _shown(qtbot, window, worker)
    assert page.progress.assessed == 0
    framework = store.skills.current_framework()
    assessment = SkillAssessment(
        helene.id, framework.name, framework.version, TODAY.isoformat(),
        {"device.connect_wifi": "with_help"},
    )  # fmt: skip
    worker.run(
        lambda store, _progress: store.skills.record_assessment(assessment), topics=("skills",)
    )
    wait_idle(qtbot, worker)
    qtbot.waitUntil(lambda: page.progress.assessed == 1, timeout=3000)


def test_the_activity_tab_shows_key_figures_beside_the_period_before(desk, qtbot):
    from mediator_app.domain.session import SupportSession

    window, store, worker, helene = desk
    for days_ago, themes in ((3, ("email",)), (5, ("email", "sante")), (400, ("email",))):
        store.sessions.create(
            SupportSession(date=(TODAY - timedelta(days=days_ago)).isoformat(),
                           duration_min=60, themes=themes, resident_id=helene.id),
        )  # fmt: skip
    page = _shown(qtbot, window, worker)
    this_year = [p.label for p in PERIOD_PRESETS].index("The last 12 months")
    assert page.preset.currentIndex() == this_year
    rows = {
        page.figures_model.index(row, 0).data(): (
            page.figures_model.index(row, 1).data(), page.figures_model.index(row, 2).data()
        )
        for row in range(page.figures_model.rowCount())
    }  # fmt: skip
    assert rows["Individual sessions"] == ("2", "1")
    assert rows["Residents helped"] == ("1", "1")
    assert rows["Hours of individual help"] == ("2", "1")
    bars = dict(page.themes_chart.bars)
    assert bars == {"E-mail": 2, "Health": 1}


def test_a_theme_filter_counts_only_its_activities(desk, qtbot):
    from mediator_app.domain.session import SupportSession

    window, store, worker, helene = desk
    for themes in (("email",), ("sante",)):
        store.sessions.create(
            SupportSession(date=TODAY.isoformat(), duration_min=30, themes=themes,
                           resident_id=helene.id),
        )  # fmt: skip
    page = _shown(qtbot, window, worker)
    page.theme.setCurrentIndex(page.theme.findData("sante"))
    page.progress = None
    page.show_button.click()
    wait_idle(qtbot, worker)
    qtbot.waitUntil(lambda: page.report.current.theme == "sante", timeout=3000)
    assert page.report.current.individual_sessions == 1


def test_the_report_of_the_period_shown_is_saved_as_a_pdf(desk, qtbot, tmp_path):
    from pypdf import PdfReader

    from mediator_app.domain.session import SupportSession

    window, store, worker, helene = desk
    store.sessions.create(
        SupportSession(date=TODAY.isoformat(), duration_min=30, themes=("email",),
                       resident_id=helene.id),
    )  # fmt: skip
    page = _shown(qtbot, window, worker)
    target = tmp_path / "report.pdf"
    with qtbot.waitSignal(page.saved, timeout=10_000) as saved:
        page.save_report(target)
    assert saved.args == [str(target)]
    text = " ".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Centre social" in text


def test_the_details_tab_lists_every_breakdown(desk, qtbot):
    from mediator_app.domain.session import SupportSession

    window, store, worker, helene = desk
    store.sessions.create(
        SupportSession(date=TODAY.isoformat(), duration_min=45, themes=("email",),
                       resident_id=helene.id, place_type="domicile", device="telephone",
                       autonomy="autonome"),
    )  # fmt: skip
    page = _shown(qtbot, window, worker)
    model = page.breakdowns_model
    rows = [tuple(model.index(r, c).data() for c in range(4)) for r in range(model.rowCount())]
    assert ("Activities by theme", "E-mail", "1", "0") in rows
    assert ("Activities by duration", "30 min to under 1 h", "1", "0") in rows
    assert ("Sessions by place", "At home", "1", "0") in rows
    assert ("Gender", "Not given", "1", "0") in rows
    # A group is named on its first line only.
    firsts = [row for row in rows if row[0]]
    assert len(firsts) == len({row[0] for row in firsts})
