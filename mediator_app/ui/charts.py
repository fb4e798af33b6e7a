"""Charts of residents' progress, painted with QPainter (Qt Essentials has no QtCharts).

Three widgets, each given its data by ``set_data`` with labels already translated:
``ProgressLineChart`` (each area's level over time), ``LevelDistributionChart`` (how many
ratings at each level, per area) and ``BarChart`` (one figure per label). They paint with
the widget palette, so they follow the app's style; their colours are Okabe and Ito's
(safe for colour-blind readers) and each series of the line chart has its own marker
shape, so a black-and-white print still reads. Each widget's accessible description holds
its figures in words, for screen readers.

The geometry lives in pure functions (``TimeAxis``, ``chart_point``, ``date_ticks``,
``legend_rows``, ``segment_spans``, ``label_column_width``), tested exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from mediator_app.i18n import _, format_date, format_number

#: Okabe and Ito's colour-blind-safe palette, strongest first. Their black is left out:
#: it would vanish on a dark theme.
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")

#: One colour per level, from "Not yet" (warm) to "Autonomous" (cool), as in Likert charts.
LEVEL_COLOURS = ("#D55E00", "#E69F00", "#56B4E9", "#0072B2")

#: The bars of a ``BarChart``.
BAR_COLOUR = "#0072B2"

#: A marker per series, so that series differ without colour.
MARKER_SHAPES = (
    "circle",
    "square",
    "triangle",
    "diamond",
    "triangle_down",
    "star",
    "plus",
    "cross",
)

_WRAP_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignCenter


# --- Geometry: pure functions ---------------------------------------------------------


@dataclass(frozen=True)
class TimeAxis:
    """The days a horizontal time axis spans, as ordinals (``date.toordinal``): ``start``
    at the left edge of the plot, ``end`` at the right edge."""

    start: float
    end: float

    @classmethod
    def covering(cls, first: date, last: date, padding_ratio: float = 0.06) -> TimeAxis:
        """An axis from ``first`` to ``last`` with a margin on each side, so the markers
        at the ends are whole; a single day sits in the middle of a one-day axis.
        ``last`` must not be before ``first``."""
        if last < first:
            raise ValueError(f"{last} is before {first}")
        padding_days = max((last.toordinal() - first.toordinal()) * padding_ratio, 0.5)
        return cls(first.toordinal() - padding_days, last.toordinal() + padding_days)

    def x(self, day: date, left: float, width: float) -> float:
        """Where ``day`` falls on an axis drawn from ``left`` over ``width`` pixels."""
        return left + (day.toordinal() - self.start) / (self.end - self.start) * width


def chart_point(axis: TimeAxis, day: date, value: float, plot: QRectF, value_max: float) -> QPointF:
    """The point of (``day``, ``value``) in ``plot``: value 0 on the bottom edge,
    ``value_max`` on the top edge; values outside 0..``value_max`` are held at the edge."""
    held = min(max(value, 0.0), value_max)
    y = plot.bottom() - held / value_max * plot.height()
    return QPointF(axis.x(day, plot.left(), plot.width()), y)


_DAY_STEPS = (1, 2, 7, 14)
_MONTH_STEPS = (1, 2, 3, 4, 6, 12, 24, 60)
_DAYS_PER_MONTH = 30.44


def _tick_candidates(axis: TimeAxis, most: int) -> Iterator[list[date]]:
    """Calendar ticks inside ``axis``, finest step first: days, Mondays, first days of
    months, of quarters, of years... Steps that would give far more than ``most`` ticks
    are skipped."""
    first_day, last_day = math.ceil(axis.start), math.floor(axis.end)
    span_days = max(last_day - first_day, 0)
    for step in _DAY_STEPS:
        if span_days / step > most * 4:
            continue
        anchor = 1 if step >= 7 else 0  # ordinal 1 is a Monday
        yield [
            date.fromordinal(ordinal)
            for ordinal in range(first_day, last_day + 1)
            if (ordinal - anchor) % step == 0
        ]
    first, last = date.fromordinal(first_day), date.fromordinal(max(last_day, first_day))
    first_month, last_month = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
    for step in _MONTH_STEPS:
        if span_days / (step * _DAYS_PER_MONTH) > most * 4:
            continue
        months = range(first_month, last_month + 1)
        days = [date(month // 12, month % 12 + 1, 1) for month in months if month % step == 0]
        yield [day for day in days if first_day <= day.toordinal() <= last_day]


def date_ticks(
    axis: TimeAxis,
    left: float,
    width: float,
    label_width: Callable[[date], float],
    *,
    bounds: tuple[float, float] | None = None,
    gap: float = 12.0,
    max_ticks: int = 6,
) -> list[date]:
    """A handful of calendar days to label on an axis drawn from ``left`` over ``width``.

    Each label is centred on its day and is ``label_width(day)`` wide; labels keep at
    least ``gap`` pixels between them and stay inside ``bounds`` (the axis by default).
    The finest calendar step giving two to ``max_ticks`` labels wins; failing that, the
    step giving one; failing that, the middle day; none when not even one label fits."""
    low, high = bounds if bounds is not None else (left, left + width)
    best: list[date] = []
    for candidates in _tick_candidates(axis, max_ticks):
        placed = []
        for day in candidates:
            x, half = axis.x(day, left, width), label_width(day) / 2
            if x - half >= low and x + half <= high:
                placed.append((x, half, day))
        if len(placed) > max_ticks:
            continue
        if any(
            x2 - half2 - (x1 + half1) < gap for (x1, half1, _d), (x2, half2, _e) in pairwise(placed)
        ):
            continue
        days = [day for _x, _half, day in placed]
        if len(days) >= 2:
            return days
        if len(days) > len(best):
            best = days
    if not best:  # no calendar day fits: the middle day may
        middle = date.fromordinal(round((axis.start + axis.end) / 2))
        x, half = axis.x(middle, left, width), label_width(middle) / 2
        if x - half >= low and x + half <= high:
            best = [middle]
    return best


def legend_rows(
    item_widths: Sequence[float], available_width: float, spacing: float
) -> list[list[tuple[int, float]]]:
    """Legend items laid out left to right, wrapping to a new row when the next would
    pass ``available_width``: rows of (item index, x offset). An item wider than the
    whole width gets a row of its own (its caller elides its text)."""
    rows: list[list[tuple[int, float]]] = []
    row: list[tuple[int, float]] = []
    end = 0.0
    for index, width in enumerate(item_widths):
        if row and end + spacing + width > available_width:
            rows.append(row)
            row = []
        start = end + spacing if row else 0.0
        row.append((index, start))
        end = start + width
    if row:
        rows.append(row)
    return rows


def segment_spans(counts: Sequence[int], width: int) -> list[tuple[float, float]]:
    """The (offset, width) of each segment of a 100% stacked bar ``width`` pixels long.
    Edges fall on whole pixels and the segments fill the bar exactly; with no count at
    all every segment is empty."""
    total = sum(counts)
    if total <= 0:
        return [(0.0, 0.0)] * len(counts)
    edges = [0.0]
    running = 0
    for count in counts:
        running += count
        edges.append(float(round(width * running / total)))
    return [(start, end - start) for start, end in pairwise(edges)]


def label_column_width(
    metrics: QFontMetrics, labels: Sequence[str], available_width: float, max_share: float = 0.35
) -> int:
    """The width to reserve for row labels drawn at the left of a chart.

    Each label fits on one line when the longest takes at most ``max_share`` of
    ``available_width``; otherwise labels wrap at word boundaries in that share, which
    is never narrower than the longest word, so that no label is ever cut."""
    if not labels:
        return 0
    slack = 2  # advances are rounded; the drawn text may be a pixel wider
    longest = max(metrics.horizontalAdvance(label) for label in labels) + slack
    share = int(available_width * max_share)
    if longest <= share:
        return longest
    words = [word for label in labels for word in label.split()] or [""]
    return max(share, max(metrics.horizontalAdvance(word) for word in words) + slack)


def wrapped_height(metrics: QFontMetrics, text: str, width: int) -> int:
    """The height of ``text`` word-wrapped in ``width`` pixels."""
    return metrics.boundingRect(QRect(0, 0, max(width, 1), 10_000), _WRAP_RIGHT, text).height()


def contrasting_text(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background`` (WCAG contrast)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    luminance = (
        0.2126 * linear(background.redF())
        + 0.7152 * linear(background.greenF())
        + 0.0722 * linear(background.blueF())
    )
    on_black = (luminance + 0.05) / 0.05
    on_white = 1.05 / (luminance + 0.05)
    return QColor(Qt.GlobalColor.black if on_black >= on_white else Qt.GlobalColor.white)


def _regular_polygon(
    centre: QPointF, radius: float, corners: int, rotation_deg: float
) -> QPolygonF:
    return QPolygonF(
        [
            QPointF(
                centre.x() + radius * math.cos(math.radians(rotation_deg + 360 * k / corners)),
                centre.y() + radius * math.sin(math.radians(rotation_deg + 360 * k / corners)),
            )
            for k in range(corners)
        ]
    )


def marker_path(shape: str, centre: QPointF, radius: float) -> QPainterPath:
    """A filled marker of one of ``MARKER_SHAPES`` around ``centre``; shapes are sized so
    that they look about as large as a circle of ``radius``."""
    path = QPainterPath()
    if shape == "circle":
        path.addEllipse(centre, radius, radius)
    elif shape == "square":
        side = radius * 0.9
        path.addRect(QRectF(centre.x() - side, centre.y() - side, 2 * side, 2 * side))
    elif shape in ("triangle", "triangle_down"):
        # Centred on its box rather than its circumcentre, so it looks centred.
        corner, sign = radius * 1.3, -1 if shape == "triangle" else 1
        shifted = QPointF(centre.x(), centre.y() - sign * corner / 4)
        path.addPolygon(_regular_polygon(shifted, corner, 3, sign * 90))
    elif shape == "diamond":
        path.addPolygon(_regular_polygon(centre, radius * 1.25, 4, -90))
    elif shape == "star":
        outer = _regular_polygon(centre, radius * 1.35, 5, -90)
        inner = _regular_polygon(centre, radius * 0.6, 5, -54)
        path.addPolygon(
            QPolygonF([point for pair in zip(outer, inner, strict=True) for point in pair])
        )
    elif shape in ("plus", "cross"):
        arm, half = radius * 1.15, radius * 0.42
        outline = [
            (-half, -arm), (half, -arm), (half, -half), (arm, -half), (arm, half), (half, half),
            (half, arm), (-half, arm), (-half, half), (-arm, half), (-arm, -half), (-half, -half),
        ]  # fmt: skip
        turn = QTransform().rotate(45 if shape == "cross" else 0)
        path.addPolygon(QPolygonF([turn.map(QPointF(x, y)) + centre for x, y in outline]))
    else:
        raise ValueError(f"unknown marker shape {shape!r}")
    path.closeSubpath()
    return path


def _blend(colour: QColor, under: QColor, amount: float) -> QColor:
    """``colour`` laid at ``amount`` opacity over ``under``."""
    return QColor.fromRgbF(
        under.redF() + (colour.redF() - under.redF()) * amount,
        under.greenF() + (colour.greenF() - under.greenF()) * amount,
        under.blueF() + (colour.blueF() - under.blueF()) * amount,
    )


# --- Widgets ------------------------------------------------------------------------


class _Chart(QWidget):
    """What the charts share: background and text from the palette, antialiasing, an
    empty-state message, and an accessible description kept up to date."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # What each chart says and draws.
    def _is_empty(self) -> bool:
        raise NotImplementedError

    def _empty_message(self) -> str:
        raise NotImplementedError

    def _summary_lines(self) -> list[str]:
        raise NotImplementedError

    def _paint_chart(self, painter: QPainter, content: QRectF) -> None:
        raise NotImplementedError

    # Shared machinery.
    def summary(self) -> str:
        """The chart's figures in words, one line per row or series."""
        if self._is_empty():
            return self._empty_message()
        return "\n".join(self._summary_lines())

    def _data_changed(self) -> None:
        self.setAccessibleDescription(self.summary())
        self.updateGeometry()
        self.update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.setAccessibleDescription(self.summary())
            self.update()
        super().changeEvent(event)

    def _line_height(self) -> int:
        return self.fontMetrics().height()

    def _margin(self) -> int:
        return round(self._line_height() * 0.6)

    def _content(self) -> QRectF:
        margin = self._margin()
        return QRectF(self.rect()).adjusted(margin, margin, -margin, -margin)

    def _text_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def _base_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Base)

    def _grid_colour(self, amount: float = 0.18) -> QColor:
        return _blend(self._text_colour(), self._base_colour(), amount)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(self.rect(), self._base_colour())
        content = self._content()
        painter.setFont(self.font())
        if content.width() > 0 and content.height() > 0:
            if self._is_empty():
                painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(content, _CENTRE | Qt.TextFlag.TextWordWrap, self._empty_message())
            else:
                self._paint_chart(painter, content)
        painter.end()

    def _draw_legend(
        self,
        painter: QPainter,
        area: QRectF,
        labels: Sequence[str],
        swatch_width: float,
        draw_swatch: Callable[[QPainter, int, QRectF], None],
    ) -> float:
        """Draw a wrapping legend at the top of ``area``; returns the height it took."""
        rows = self._legend_layout(labels, swatch_width, area.width())
        metrics = self.fontMetrics()
        line = self._line_height()
        for row_number, row in enumerate(rows):
            top = area.top() + row_number * line
            for index, x in row:
                left = area.left() + x
                draw_swatch(painter, index, QRectF(left, top, swatch_width, line))
                text_left = left + swatch_width + self._swatch_gap()
                text = metrics.elidedText(
                    labels[index], Qt.TextElideMode.ElideRight, int(area.right() - text_left)
                )
                painter.setPen(self._text_colour())
                painter.drawText(
                    QRectF(text_left, top, area.right() - text_left, line), _LEFT, text
                )
        return len(rows) * line

    def _swatch_gap(self) -> float:
        return round(self._line_height() * 0.35)

    def _legend_layout(
        self, labels: Sequence[str], swatch_width: float, available_width: float
    ) -> list[list[tuple[int, float]]]:
        metrics = self.fontMetrics()
        widths = [
            swatch_width + self._swatch_gap() + metrics.horizontalAdvance(label) for label in labels
        ]
        return legend_rows(widths, available_width, spacing=self._line_height())

    def _row_label_heights(self, labels: Sequence[str], column_width: int) -> list[int]:
        metrics = self.fontMetrics()
        return [wrapped_height(metrics, label, column_width) for label in labels]


class _RowLayout:
    """Where the rows of a horizontal bar chart go: a column of labels, bars, a column of
    figures. Labels wrap in a third of the width when the rows have the height for it,
    else they get up to half the width on one line. Each row is as tall as its label or
    its bar needs; spare height is shared out, up to a comfortable pitch."""

    def __init__(self, chart: _Chart, content: QRectF, top: float, labels: Sequence[str]):
        metrics = chart.fontMetrics()
        line = chart._line_height()
        rows = max(len(labels), 1)
        available = content.bottom() - top
        self.gap = round(line * 0.5)
        self.label_width = label_column_width(metrics, labels, content.width())
        self.label_heights = chart._row_label_heights(labels, self.label_width)
        self.bar_height = round(min(max(available / rows * 0.6, line + 4), line * 1.7))
        spacing = round(line * 0.4)
        if self._height_needed(spacing) > available:
            wider = label_column_width(metrics, labels, content.width(), max_share=0.5)
            if wider > self.label_width:
                self.label_width = wider
                self.label_heights = chart._row_label_heights(labels, wider)
        if self._height_needed(spacing) > available:
            self.bar_height, spacing = line, 3
        needs = [max(height, self.bar_height) + spacing for height in self.label_heights]
        spare = max(available - sum(needs), 0) / rows
        pitches = [need + min(spare, max(line * 2.6 - need, 0)) for need in needs]
        self._centres = [top + sum(pitches[:row]) + pitch / 2 for row, pitch in enumerate(pitches)]

    def _height_needed(self, spacing: int) -> float:
        return sum(max(height, self.bar_height) + spacing for height in self.label_heights)

    def centre(self, row: int) -> float:
        return self._centres[row]

    def bar_top(self, row: int) -> float:
        return float(round(self.centre(row) - self.bar_height / 2))

    def label_rect(self, content: QRectF, row: int) -> QRectF:
        height = self.label_heights[row]
        return QRectF(content.left(), self.centre(row) - height / 2, self.label_width, height)


@dataclass(frozen=True)
class ChartSeries:
    """One line of a ``ProgressLineChart``: a label and its (day, score) points, where a
    score is a mean level rank (0 for the lowest level)."""

    label: str
    points: tuple[tuple[date, float], ...]


class ProgressLineChart(_Chart):
    """Each area's level over time: levels up the side, dates along the bottom, one line
    with its own colour and marker per area, and a legend above."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._series: tuple[ChartSeries, ...] = ()
        self._level_labels: tuple[str, ...] = ()
        self.setAccessibleName(_("Level over time, by area"))
        self.setAccessibleDescription(self.summary())

    def set_data(self, series: Sequence[ChartSeries], level_labels: Sequence[str]) -> None:
        """Show ``series`` against ``level_labels`` (lowest level first, at least two):
        a score of ``len(level_labels) - 1`` is the top of the chart."""
        if len(level_labels) < 2:
            raise ValueError("a progress chart needs at least two levels")
        self._series = tuple(
            ChartSeries(one.label, tuple(sorted(one.points, key=lambda point: point[0])))
            for one in series
        )
        self._level_labels = tuple(level_labels)
        self._data_changed()

    @property
    def series(self) -> tuple[ChartSeries, ...]:
        return self._series

    def _is_empty(self) -> bool:
        return not any(one.points for one in self._series)

    def _empty_message(self) -> str:
        return _("No assessment yet")

    def _summary_lines(self) -> list[str]:
        maximum = format_number(len(self._level_labels) - 1)
        lines = []
        for one in self._series:
            if not one.points:
                continue
            points = "; ".join(
                # Translators: a mean skill level on an assessment day, read out by screen
                # readers, e.g. "1.5 of 3 on 04/03/2025".
                _("%(score)s of %(maximum)s on %(date)s")
                % {
                    "score": format_number(round(score, 1)),
                    "maximum": maximum,
                    "date": format_date(day, "short"),
                }
                for day, score in one.points
            )
            # Translators: a chart's label and its figures, read out by screen readers.
            lines.append(_("%(label)s: %(value)s") % {"label": one.label, "value": points})
        return lines

    def _days(self) -> tuple[date, date]:
        days = [day for one in self._series for day, _score in one.points]
        return min(days), max(days)

    def _marker_radius(self) -> float:
        return max(3.5, self._line_height() * 0.3)

    def _legend_swatch_width(self) -> float:
        return round(self._line_height() * 1.8)

    def plot_rect(self) -> QRectF:
        """Where points are drawn at the widget's current size; empty with no data."""
        if self._is_empty():
            return QRectF()
        content = self._content()
        legend = self._legend_layout(
            [one.label for one in self._series], self._legend_swatch_width(), content.width()
        )
        return self._plot_rect(content, len(legend) * self._line_height())[0]

    def _plot_rect(self, content: QRectF, legend_height: float) -> tuple[QRectF, int]:
        """The plot area inside ``content`` and the width of the level labels."""
        metrics = self.fontMetrics()
        line = self._line_height()
        label_width = label_column_width(metrics, self._level_labels, content.width())
        tallest = max(self._row_label_heights(self._level_labels, label_width))
        top = content.top() + legend_height + max(tallest / 2, line * 0.5) + line * 0.4
        below = max(line + self._tick_length() + 2, tallest / 2)
        left = content.left() + label_width + round(line * 0.6)
        return QRectF(
            left, top, content.right() - left, content.bottom() - below - top
        ), label_width

    def _tick_length(self) -> int:
        return max(3, round(self._line_height() * 0.3))

    def _paint_chart(self, painter: QPainter, content: QRectF) -> None:
        legend_height = self._draw_legend(
            painter,
            content,
            [one.label for one in self._series],
            self._legend_swatch_width(),
            self._draw_series_swatch,
        )
        plot, label_width = self._plot_rect(content, legend_height)
        if plot.height() <= 0 or plot.width() <= 0:
            return
        self._paint_levels(painter, content, plot, label_width)
        first, last = self._days()
        axis = TimeAxis.covering(first, last)
        self._paint_dates(painter, content, plot, axis)
        painter.save()
        reach = self._marker_radius() * 2  # markers at the edges stay whole
        painter.setClipRect(plot.adjusted(-reach, -reach, reach, reach))
        for index, one in enumerate(self._series):
            self._paint_series(painter, index, one, axis, plot)
        painter.restore()

    def _paint_levels(
        self, painter: QPainter, content: QRectF, plot: QRectF, label_width: int
    ) -> None:
        top_level = len(self._level_labels) - 1
        heights = self._row_label_heights(self._level_labels, label_width)
        for rank, label in enumerate(self._level_labels):
            y = plot.bottom() - rank / top_level * plot.height()
            colour = self._grid_colour(0.45 if rank == 0 else 0.18)
            painter.setPen(QPen(colour, 1))
            crisp_y = math.floor(y) + 0.5
            painter.drawLine(QPointF(plot.left(), crisp_y), QPointF(plot.right(), crisp_y))
            painter.setPen(self._text_colour())
            rect = QRectF(content.left(), y - heights[rank] / 2, label_width, heights[rank])
            painter.drawText(rect, _WRAP_RIGHT, label)

    def _paint_dates(
        self, painter: QPainter, content: QRectF, plot: QRectF, axis: TimeAxis
    ) -> None:
        metrics = self.fontMetrics()
        texts: dict[date, str] = {}

        def text_of(day: date) -> str:
            if day not in texts:
                texts[day] = format_date(day, "short")
            return texts[day]

        ticks = date_ticks(
            axis,
            plot.left(),
            plot.width(),
            lambda day: metrics.horizontalAdvance(text_of(day)) + 2,
            bounds=(plot.left() - self._line_height() * 0.3, content.right()),
            gap=self._line_height() * 0.8,
        )
        tick = self._tick_length()
        for day in ticks:
            x = math.floor(axis.x(day, plot.left(), plot.width())) + 0.5
            painter.setPen(QPen(self._grid_colour(0.45), 1))
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + tick))
            width = metrics.horizontalAdvance(text_of(day)) + 2
            painter.setPen(self._text_colour())
            rect = QRectF(x - width / 2, plot.bottom() + tick + 2, width, self._line_height())
            painter.drawText(rect, _CENTRE, text_of(day))

    def _paint_series(
        self, painter: QPainter, index: int, one: ChartSeries, axis: TimeAxis, plot: QRectF
    ) -> None:
        colour = QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)])
        top_level = len(self._level_labels) - 1
        points = [chart_point(axis, day, score, plot, top_level) for day, score in one.points]
        if len(points) > 1:
            pen = QPen(colour, 2)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.drawPolyline(QPolygonF(points))
        for point in points:
            self._draw_marker(painter, index, point)

    def _draw_marker(self, painter: QPainter, index: int, centre: QPointF) -> None:
        shape = MARKER_SHAPES[index % len(MARKER_SHAPES)]
        painter.setPen(QPen(self._base_colour(), 1.2))
        painter.setBrush(QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)]))
        painter.drawPath(marker_path(shape, centre, self._marker_radius()))
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _draw_series_swatch(self, painter: QPainter, index: int, rect: QRectF) -> None:
        colour = QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)])
        middle = rect.center()
        painter.setPen(QPen(colour, 2))
        painter.drawLine(QPointF(rect.left(), middle.y()), QPointF(rect.right(), middle.y()))
        self._draw_marker(painter, index, middle)

    def sizeHint(self) -> QSize:
        line = self._line_height()
        label_width = max(
            (self.fontMetrics().horizontalAdvance(t) for t in self._level_labels), default=0
        )
        return QSize(label_width + 28 * line, 20 * line)

    def minimumSizeHint(self) -> QSize:
        line = self._line_height()
        words = [word for label in self._level_labels for word in label.split()]
        word_width = max((self.fontMetrics().horizontalAdvance(w) for w in words), default=0)
        return QSize(word_width + 14 * line, 13 * line)


@dataclass(frozen=True)
class DistributionRow:
    """One bar of a ``LevelDistributionChart``: a label and how many ratings are at each
    level, lowest level first."""

    label: str
    counts: tuple[int, int, int, int]

    @property
    def total(self) -> int:
        return sum(self.counts)


class LevelDistributionChart(_Chart):
    """How ratings spread over the levels, per area: one 100% stacked bar per area with
    the counts written in the segments that are wide enough, the total at the right, and
    a legend of the levels above."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._rows: tuple[DistributionRow, ...] = ()
        self._level_labels: tuple[str, ...] = ()
        self.setAccessibleName(_("Levels by area"))
        self.setAccessibleDescription(self.summary())

    def set_data(self, rows: Sequence[DistributionRow], level_labels: Sequence[str]) -> None:
        """Show ``rows``; each row has one count per label of ``level_labels`` (at most
        as many levels as ``LEVEL_COLOURS``), and no count is negative."""
        if len(level_labels) > len(LEVEL_COLOURS):
            raise ValueError(f"at most {len(LEVEL_COLOURS)} levels")
        for row in rows:
            if len(row.counts) != len(level_labels) or min(row.counts, default=0) < 0:
                raise ValueError(f"{row.label}: one count per level, none negative")
        self._rows = tuple(rows)
        self._level_labels = tuple(level_labels)
        self._data_changed()

    @property
    def rows(self) -> tuple[DistributionRow, ...]:
        return self._rows

    def _is_empty(self) -> bool:
        return not any(row.total for row in self._rows)

    def _empty_message(self) -> str:
        return _("No assessment in this period")

    def _summary_lines(self) -> list[str]:
        lines = []
        for row in self._rows:
            counts = ", ".join(
                _("%(label)s: %(value)s") % {"label": level, "value": format_number(count)}
                for level, count in zip(self._level_labels, row.counts, strict=True)
            )
            lines.append(
                # Translators: an area, its count of ratings at each level, and their sum.
                _("%(area)s: %(counts)s (total %(total)s)")
                % {"area": row.label, "counts": counts, "total": format_number(row.total)}
            )
        return lines

    def _total_column_width(self) -> int:
        metrics = self.fontMetrics()
        texts = [_("Total")] + [format_number(row.total) for row in self._rows]
        return max(metrics.horizontalAdvance(text) for text in texts) + 2

    def _swatch_width(self) -> float:
        return round(self._line_height() * 0.9)

    def _draw_level_swatch(self, painter: QPainter, index: int, rect: QRectF) -> None:
        side = round(rect.height() * 0.7)
        top = round(rect.center().y() - side / 2)
        painter.fillRect(QRectF(round(rect.left()), top, side, side), QColor(LEVEL_COLOURS[index]))

    def _paint_chart(self, painter: QPainter, content: QRectF) -> None:
        line = self._line_height()
        total_width = self._total_column_width()
        gap = round(line * 0.5)
        legend_area = content.adjusted(0, 0, -(total_width + gap), 0)
        legend_height = self._draw_legend(
            painter, legend_area, self._level_labels, self._swatch_width(), self._draw_level_swatch
        )
        painter.setPen(self._text_colour())
        header = QRectF(
            content.right() - total_width, content.top() + legend_height - line, total_width, line
        )
        # Translators: heading of the column of totals, right of the bars.
        painter.drawText(header, _RIGHT, _("Total"))
        layout = _RowLayout(
            self,
            content,
            content.top() + legend_height + line * 0.4,
            [row.label for row in self._rows],
        )
        bar_left = round(content.left() + layout.label_width + layout.gap)
        bar_width = math.floor(content.right() - total_width - layout.gap - bar_left)
        if bar_width <= 0:
            return
        metrics = self.fontMetrics()
        for number, row in enumerate(self._rows):
            painter.setPen(self._text_colour())
            painter.drawText(layout.label_rect(content, number), _WRAP_RIGHT, row.label)
            total_rect = QRectF(
                content.right() - total_width, layout.centre(number) - line / 2, total_width, line
            )
            painter.drawText(total_rect, _RIGHT, format_number(row.total))
            top = layout.bar_top(number)
            if not row.total:
                painter.setPen(QPen(self._grid_colour(0.45), 1))
                y = math.floor(layout.centre(number)) + 0.5
                painter.drawLine(QPointF(bar_left, y), QPointF(bar_left + bar_width, y))
                continue
            spans = segment_spans(row.counts, bar_width)
            last_drawn = max(level for level, count in enumerate(row.counts) if count)
            for level, ((offset, width), count) in enumerate(zip(spans, row.counts, strict=True)):
                if not count or width <= 0:
                    continue
                # A pixel of background between segments keeps them apart in grey too.
                drawn = width - (1 if level != last_drawn and width > 1 else 0)
                rect = QRectF(bar_left + offset, top, drawn, layout.bar_height)
                colour = QColor(LEVEL_COLOURS[level])
                painter.fillRect(rect, colour)
                text = format_number(count)
                if metrics.horizontalAdvance(text) + 6 <= drawn and line <= layout.bar_height:
                    painter.setPen(contrasting_text(colour))
                    painter.drawText(rect, _CENTRE, text)

    def sizeHint(self) -> QSize:
        line = self._line_height()
        metrics = self.fontMetrics()
        label_width = max((metrics.horizontalAdvance(row.label) for row in self._rows), default=0)
        width = label_width + 26 * line
        legend = self._legend_layout(self._level_labels, self._swatch_width(), width * 0.8)
        height = (
            2 * self._margin() + (len(legend) + 0.4) * line + max(len(self._rows), 3) * 2.2 * line
        )
        return QSize(round(width), round(height))

    def minimumSizeHint(self) -> QSize:
        line = self._line_height()
        metrics = self.fontMetrics()
        words = [word for row in self._rows for word in row.label.split()]
        width = max((metrics.horizontalAdvance(w) for w in words), default=0) + 14 * line
        height = 2 * self._margin() + 2.4 * line + max(len(self._rows), 2) * (1.6 * line + 6)
        return QSize(round(width), round(height))


def _plain_number(value: float) -> str:
    return format_number(value)


class BarChart(_Chart):
    """One horizontal bar per label, as long as its value, with the value written at its
    end; e.g. residents who moved up, by area."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._bars: tuple[tuple[str, float], ...] = ()
        self._value_format: Callable[[float], str] = _plain_number
        self.setAccessibleName(_("Bar chart"))
        self.setAccessibleDescription(self.summary())

    def set_data(
        self,
        bars: Sequence[tuple[str, float]],
        value_format: Callable[[float], str] = _plain_number,
    ) -> None:
        """Show ``bars`` as (label, value), values written with ``value_format`` (a
        locale-aware number by default). Bars scale to the largest value; a negative
        value is drawn as an empty bar."""
        self._bars = tuple((label, float(value)) for label, value in bars)
        self._value_format = value_format
        self._data_changed()

    @property
    def bars(self) -> tuple[tuple[str, float], ...]:
        return self._bars

    def _is_empty(self) -> bool:
        return not self._bars

    def _empty_message(self) -> str:
        return _("Nothing to show")

    def _summary_lines(self) -> list[str]:
        return [
            _("%(label)s: %(value)s") % {"label": label, "value": self._value_format(value)}
            for label, value in self._bars
        ]

    def _paint_chart(self, painter: QPainter, content: QRectF) -> None:
        metrics = self.fontMetrics()
        line = self._line_height()
        texts = [self._value_format(value) for _label, value in self._bars]
        value_width = max(metrics.horizontalAdvance(text) for text in texts) + 2
        layout = _RowLayout(self, content, content.top(), [label for label, _value in self._bars])
        bar_left = round(content.left() + layout.label_width + layout.gap)
        room = content.right() - value_width - layout.gap - bar_left
        if room <= 0:
            return
        largest = max(value for _label, value in self._bars)
        colour = QColor(BAR_COLOUR)
        for number, ((label, value), text) in enumerate(zip(self._bars, texts, strict=True)):
            painter.setPen(self._text_colour())
            painter.drawText(layout.label_rect(content, number), _WRAP_RIGHT, label)
            length = round(room * value / largest) if largest > 0 and value > 0 else 0
            if length:
                painter.fillRect(
                    QRectF(bar_left, layout.bar_top(number), length, layout.bar_height), colour
                )
            else:
                painter.setPen(QPen(self._grid_colour(0.45), 1))
                x = bar_left + 0.5
                painter.drawLine(
                    QPointF(x, layout.bar_top(number)),
                    QPointF(x, layout.bar_top(number) + layout.bar_height),
                )
            painter.setPen(self._text_colour())
            text_rect = QRectF(
                bar_left + length + layout.gap, layout.centre(number) - line / 2, value_width, line
            )
            painter.drawText(text_rect, _LEFT, text)

    def sizeHint(self) -> QSize:
        line = self._line_height()
        metrics = self.fontMetrics()
        label_width = max((metrics.horizontalAdvance(label) for label, _v in self._bars), default=0)
        height = 2 * self._margin() + max(len(self._bars), 3) * 2.2 * line
        return QSize(round(label_width + 24 * line), round(height))

    def minimumSizeHint(self) -> QSize:
        line = self._line_height()
        metrics = self.fontMetrics()
        words = [word for label, _v in self._bars for word in label.split()]
        width = max((metrics.horizontalAdvance(w) for w in words), default=0) + 12 * line
        height = 2 * self._margin() + max(len(self._bars), 2) * (1.6 * line + 6)
        return QSize(round(width), round(height))
