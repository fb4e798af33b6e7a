"""The centre's figures for a period. For now: inclusion progress, how many residents
moved up at least one level in each area, and where residents stand at the end of the
period. The figures are read on the worker, so a large centre never freezes the window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.codes import THEMES
from mediator_app.domain.skills import SKILL_LEVELS
from mediator_app.i18n import N_, _, current_language, format_date, ngettext
from mediator_app.reports.period_report import PeriodReport, centre_report, coordinator_report
from mediator_app.store import Store
from mediator_app.store.progress_stats import CentreProgress
from mediator_app.ui.charts import BarChart, DistributionRow, LevelDistributionChart
from mediator_app.ui.session_dialog import from_qdate, to_qdate
from mediator_app.ui.skills_panel import level_labels
from mediator_app.ui.statistics_figures import BreakdownsModel, KeyFiguresModel
from mediator_app.ui.widgets import explain_failure
from mediator_app.ui.worker import DatabaseWorker


@dataclass(frozen=True)
class PeriodPreset:
    label: str
    #: ``today -> (start, end)``
    bounds: Callable[[date], tuple[date, date]]


def _last_days(days: int) -> Callable[[date], tuple[date, date]]:
    return lambda today: (today - timedelta(days=days - 1), today)


def _this_year(today: date) -> tuple[date, date]:
    return date(today.year, 1, 1), today


def _last_year(today: date) -> tuple[date, date]:
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


def _this_quarter(today: date) -> tuple[date, date]:
    return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today


PERIOD_PRESETS = (
    PeriodPreset(N_("The last 12 months"), _last_days(365)),
    PeriodPreset(N_("This quarter"), _this_quarter),
    PeriodPreset(N_("This year"), _this_year),
    PeriodPreset(N_("Last year"), _last_year),
    PeriodPreset(N_("The last 30 days"), _last_days(30)),
)


class StatisticsPage(QWidget):
    """A period and filters, then the centre's figures and progress over it."""

    #: The path of a report saved.
    saved = Signal(str)

    def __init__(
        self,
        store: Store,
        worker: DatabaseWorker,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("statisticsPage")
        self._store = store
        self._worker = worker
        self._today = today or date.today()
        self._stale = True
        self._cancel: Callable[[], None] | None = None
        #: The figures shown, once read.
        self.progress: CentreProgress | None = None

        self.preset = QComboBox()
        for preset in PERIOD_PRESETS:
            self.preset.addItem(_(preset.label))
        self.preset.addItem(_("Other dates"))
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setMaximumDate(to_qdate(self._today))
        self.show_button = QPushButton(_("S&how"))
        self.show_button.setAutoDefault(False)
        self.show_button.clicked.connect(self.refresh)
        self.mediator = QComboBox()
        self.theme = QComboBox()
        self._coordinator = store.ensure_desk().is_coordinator
        self._fill_filters()
        period_row = QHBoxLayout()
        period_form = QGridLayout()
        add_row_to_grid(period_form, 0, _("&Period"), self.preset)
        add_row_to_grid(period_form, 1, _("From"), self.start)
        add_row_to_grid(period_form, 2, _("To"), self.end)
        filters_form = QGridLayout()
        add_row_to_grid(
            filters_form, 0, _("Centres") if self._coordinator else _("Mediator"), self.mediator
        )
        add_row_to_grid(filters_form, 1, _("Theme"), self.theme)
        period_row.addLayout(period_form)
        period_row.addSpacing(24)
        period_row.addLayout(filters_form)
        period_row.addWidget(self.show_button, 0, Qt.AlignmentFlag.AlignTop)
        self.save_button = QPushButton(_("Save the report (PDF)…"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save_report)
        period_row.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        period_row.addStretch(1)

        #: The figures shown, once read: this period and the one before.
        self.report: PeriodReport | None = None
        self.figures_model = KeyFiguresModel(self)
        self.figures = QTableView()
        self.figures.setObjectName("keyFigures")
        self.figures.setModel(self.figures_model)
        self.figures.setAccessibleName(_("Key figures"))
        self.figures.verticalHeader().hide()
        self.figures.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.figures.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        figures_header = self.figures.horizontalHeader()
        figures_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            figures_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.themes_chart = BarChart()
        self.themes_chart.setObjectName("activitiesByTheme")
        self.themes_chart.setAccessibleName(_("Activities by theme"))
        themes_box = QGroupBox(_("Activities by theme"))
        QVBoxLayout(themes_box).addWidget(self.themes_chart)
        activity_page = QWidget()
        activity_layout = QHBoxLayout(activity_page)
        activity_layout.addWidget(self.figures, 2)
        activity_layout.addWidget(themes_box, 3)

        self.headline = QLabel()
        self.headline.setObjectName("progressHeadline")
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-size: 13pt;")
        self.moved_up_chart = BarChart()
        self.moved_up_chart.setObjectName("movedUpChart")
        self.moved_up_chart.setAccessibleName(_("Residents who moved up, by area"))
        self.distribution_chart = LevelDistributionChart()
        self.distribution_chart.setObjectName("levelDistributionChart")
        self.distribution_chart.setAccessibleName(_("Levels at the end of the period"))
        self.distribution_title = QLabel()
        moved_box = QGroupBox(_("Residents who moved up at least one level, by area"))
        QVBoxLayout(moved_box).addWidget(self.moved_up_chart)
        distribution_box = QGroupBox(_("Levels of the residents assessed, by area"))
        distribution_layout = QVBoxLayout(distribution_box)
        distribution_layout.addWidget(self.distribution_title)
        distribution_layout.addWidget(self.distribution_chart, 1)
        charts = QHBoxLayout()
        charts.addWidget(moved_box, 1)
        charts.addWidget(distribution_box, 1)

        progress_page = QWidget()
        progress_layout = QVBoxLayout(progress_page)
        heading = QLabel(_("Digital inclusion progress"))
        heading.setStyleSheet("font-size: 13pt; font-weight: 600;")
        progress_layout.addWidget(heading)
        progress_layout.addWidget(self.headline)
        progress_layout.addLayout(charts, 1)

        self.sections = QTabWidget()
        self.sections.setObjectName("statisticsSections")
        self.sections.addTab(activity_page, _("Activity"))
        self.breakdowns_model = BreakdownsModel(self)
        self.breakdowns = QTableView()
        self.breakdowns.setObjectName("breakdowns")
        self.breakdowns.setModel(self.breakdowns_model)
        self.breakdowns.setAccessibleName(_("Details of the figures"))
        self.breakdowns.verticalHeader().hide()
        self.breakdowns.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.breakdowns.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        details_header = self.breakdowns.horizontalHeader()
        details_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        details_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (2, 3):
            details_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.sections.addTab(self.breakdowns, _("Details"))
        self.sections.addTab(progress_page, _("Inclusion progress"))
        self.activity_summary = QLabel()
        self.activity_summary.setObjectName("activitySummary")
        self.activity_summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(period_row)
        layout.addWidget(self.activity_summary)
        layout.addWidget(self.sections, 1)

        self.preset.currentIndexChanged.connect(self._on_preset_changed)
        self._on_preset_changed(0)

    # Period ------------------------------------------------------------------------------

    def period(self) -> tuple[date, date]:
        return from_qdate(self.start.date()), from_qdate(self.end.date())

    def set_period(self, start: date, end: date) -> None:
        self.preset.setCurrentIndex(len(PERIOD_PRESETS))
        self.start.setDate(to_qdate(start))
        self.end.setDate(to_qdate(end))

    def _on_preset_changed(self, position: int) -> None:
        custom = position >= len(PERIOD_PRESETS)
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)
        if not custom:
            start, end = PERIOD_PRESETS[position].bounds(self._today)
            self.start.setDate(to_qdate(start))
            self.end.setDate(to_qdate(end))
            if self.isVisible():
                self.refresh()

    # Figures -----------------------------------------------------------------------------

    def mark_stale(self) -> None:
        """The data changed: read again when next shown."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        start, end = self.period()
        if start > end:
            self.headline.setText(_("The start of the period comes after its end."))
            self.activity_summary.setText(self.headline.text())
            return
        self._stale = False
        if self._cancel is not None:
            self._cancel()
        self.headline.setText(_("Counting…"))
        self.activity_summary.setText(_("Counting…"))
        mediator_id, theme = self.mediator.currentData(), self.theme.currentData()
        if self._coordinator:
            # At the coordinator's, the first filter is the scope: a centre, a country, all.
            kind, value = mediator_id or ("", None)

            def job(store, _progress):
                return coordinator_report(
                    store, start, end, theme=theme,
                    centre_id=value if kind == "centre" else None,
                    country=value if kind == "country" else None,
                )  # fmt: skip
        else:

            def job(store, _progress):
                return centre_report(store, start, end, mediator_id=mediator_id, theme=theme)

        self._cancel = self._worker.run(
            job,
            on_success=self._show_report,
            on_failure=lambda error: explain_failure(self, error),
        )

    def save_report(self, path: Path | None = None) -> None:
        """The statistics report of the period and filters shown, as a PDF, made on the
        worker."""
        from mediator_app.reports.periodic_export import write_report

        start, end = self.period()
        if start > end:
            return
        if path is None:
            folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation
            )
            chosen, _filter = QFileDialog.getSaveFileName(
                self,
                _("Save the statistics report"),
                str(Path(folder) / f"{start.isoformat()}_{end.isoformat()}.pdf"),
                _("PDF documents (*.pdf)"),
            )
            if not chosen:
                return
            path = Path(chosen if chosen.lower().endswith(".pdf") else f"{chosen}.pdf")
        target, theme = path, self.theme.currentData()
        scope = self.mediator.currentData()
        options: dict[str, object] = {"theme": theme}
        if self._coordinator:
            kind, value = scope or ("", None)
            options["centre_id"] = value if kind == "centre" else None
            options["country"] = value if kind == "country" else None
        else:
            options["mediator_id"] = scope
        self._worker.run(
            lambda store, _progress: write_report(store, start, end, target, "pdf", **options),
            on_success=lambda _pages: self.saved.emit(str(target)),
            on_failure=lambda error: explain_failure(self, error),
        )

    def reload_scopes(self) -> None:
        """The centres and countries offered, after exports were taken in."""
        self.mediator.clear()
        self.theme.clear()
        self._fill_filters()

    def _fill_filters(self) -> None:
        from mediator_app.domain.codes import THEMES
        from mediator_app.store.mediators import active_mediators

        if self._coordinator:
            from mediator_app.sync.coordinator import held_exports

            exports = held_exports(self._store)
            self.mediator.addItem(_("All centres"), None)
            for country in sorted({export.country for export in exports}):
                self.mediator.addItem(_("Country: %(code)s") % {"code": country},
                                      ("country", country))  # fmt: skip
            for centre in sorted({(e.centre_name, e.centre_id) for e in exports}):
                self.mediator.addItem(centre[0], ("centre", centre[1]))
        else:
            self.mediator.addItem(_("Every mediator"), None)
            for mediator in active_mediators(self._store):
                self.mediator.addItem(mediator.name, mediator.id)
        self.theme.addItem(_("Every theme"), None)
        for code, label in THEMES:
            self.theme.addItem(_(label), code)

    def _show_report(self, report: PeriodReport) -> None:
        self.report = report
        current = report.current
        self.figures_model.set_report(report)
        self.breakdowns_model.set_report(report)
        self.activity_summary.setText(
            _(
                "From %(start)s to %(end)s, compared with %(before_start)s to "
                "%(before_end)s. A workshop session counts as one activity."
            )
            % {
                "start": format_date(current.start),
                "end": format_date(current.end),
                "before_start": format_date(report.previous.start),
                "before_end": format_date(report.previous.end),
            }
        )
        themes = [
            (_(THEMES.label(code)) if code in THEMES else code, count)
            for code, count in current.activities_by_theme.items()
            if count
        ]
        self.themes_chart.set_data(sorted(themes, key=lambda bar: -bar[1]))
        if current.progress is not None:
            self._show(current.progress)

    def _show(self, progress: CentreProgress) -> None:
        self._cancel = None
        self.progress = progress
        framework = self._store.skills.registry.get(progress.framework, progress.version)
        language = current_language()
        self.headline.setText(
            ngettext(
                "From %(start)s to %(end)s: %(assessed)s resident assessed, %(moved)s moved "
                "up at least one level.",
                "From %(start)s to %(end)s: %(assessed)s residents assessed, %(moved)s moved "
                "up at least one level.",
                progress.assessed,
            )
            % {
                "start": format_date(progress.start),
                "end": format_date(progress.end),
                "assessed": progress.assessed,
                "moved": progress.moved_up_any,
            }
        )
        self.moved_up_chart.set_data(
            [(area.title(language), progress.moved_up.get(area.id, 0)) for area in framework.areas]
            if progress.moved_up_any
            else []
        )
        self.distribution_title.setText(
            _("On %(date)s, each resident at the level nearest the mean of their skills.")
            % {"date": format_date(progress.end)}
        )
        self.distribution_chart.set_data(
            [
                DistributionRow(
                    area.title(language),
                    tuple(
                        progress.distribution.get(area.id, {}).get(level, 0)
                        for level in SKILL_LEVELS.codes
                    ),
                )
                for area in framework.areas
            ],
            level_labels(),
        )


def add_row_to_grid(grid: QGridLayout, row: int, text: str, field: QWidget) -> None:
    """A label and its field on one row of ``grid``; the label is the field's buddy."""
    label = QLabel(text)
    label.setBuddy(field)
    field.setAccessibleName(text.replace("&", ""))
    grid.addWidget(label, row, 0)
    grid.addWidget(field, row, 1)
