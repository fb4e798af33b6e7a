"""The key figures of a period beside the previous period's, as a table model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from mediator_app.i18n import N_, _, format_number, format_percent
from mediator_app.reports.period_report import KEY_FIGURES, PeriodReport, change_ratio
from mediator_app.ui.models import AnyIndex, ColumnsTableModel


def figure_text(value: float | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "rate":
        return format_percent(value)
    if kind == "hours":
        return format_number(round(value, 1))
    return format_number(value)


def change_text(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    sign = "+" if ratio > 0 else ""
    return sign + format_percent(ratio)


class KeyFiguresModel(ColumnsTableModel):
    COLUMNS = (N_("Figure"), N_("This period"), N_("Period before"), N_("Change"))

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str]] = []

    def set_report(self, report: PeriodReport) -> None:
        self.beginResetModel()
        self._rows = []
        for figure in KEY_FIGURES:
            now, before = figure.value(report.current), figure.value(report.previous)
            self._rows.append(
                (
                    _(figure.label),
                    figure_text(now, figure.kind),
                    figure_text(before, figure.kind),
                    change_text(change_ratio(now, before)),
                )
            )
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class BreakdownsModel(ColumnsTableModel):
    """Every breakdown of the period (themes, durations, autonomy, places, devices,
    referrals, profiles) beside the period before."""

    COLUMNS = (N_("Figure"), N_("Value"), N_("This period"), N_("Period before"))

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str]] = []

    def set_report(self, report: PeriodReport) -> None:
        from mediator_app.reports.breakdowns import breakdown_rows

        self.beginResetModel()
        self._rows = [
            (group, label, format_number(now), "—" if before is None else format_number(before))
            for group, label, now, before in breakdown_rows(report.current, report.previous, _)
        ]
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            row = self._rows[index.row()]
            # The group is said once, on its first line.
            if index.column() == 0 and index.row() and self._rows[index.row() - 1][0] == row[0]:
                return ""
            return row[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
