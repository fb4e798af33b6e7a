"""Charts: exact geometry, what is painted (colours, margins) and what screen readers get."""

from __future__ import annotations

from array import array
from datetime import date, timedelta
from itertools import pairwise

import pytest
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF
from PySide6.QtGui import QColor, QFontMetrics, QImage
from PySide6.QtWidgets import QApplication, QWidget

from mediator_app.i18n import format_date
from mediator_app.ui import charts
from mediator_app.ui.charts import (
    BAR_COLOUR,
    LEVEL_COLOURS,
    MARKER_SHAPES,
    SERIES_COLOURS,
    BarChart,
    ChartSeries,
    DistributionRow,
    LevelDistributionChart,
    ProgressLineChart,
    TimeAxis,
    chart_point,
    contrasting_text,
    date_ticks,
    label_column_width,
    legend_rows,
    marker_path,
    segment_spans,
)

AREAS = (
    "Using a device",
    "Internet and browsing",
    "Email and messaging",
    "Online procedures",
    "Safety and privacy",
    "Creating and sharing content",
)
LEVELS_PT = ("Ainda não", "Com orientação", "Com ajuda quando necessário", "Autónomo")
DAYS = (date(2025, 3, 4), date(2025, 9, 16), date(2026, 2, 10), date(2026, 8, 25))
SCORES = (
    (1.2, 1.8, 2.4, 2.9),
    (0.8, 1.5, 2.0, 2.6),
    (0.5, 1.0, 1.8, 2.2),
    (0.2, 0.6, 1.1, 1.7),
    (0.4, 0.9, 1.3, 2.0),
    (0.0, 0.3, 0.5, 1.0),
)
COUNTS = ((2, 5, 9, 14), (4, 8, 10, 8), (6, 9, 8, 5), (12, 9, 6, 3), (8, 10, 7, 5), (20, 6, 3, 1))

SIZES = ((640, 300), (360, 220))


def _series() -> list[ChartSeries]:
    return [
        ChartSeries(area, tuple(zip(DAYS, scores, strict=True)))
        for area, scores in zip(AREAS, SCORES, strict=True)
    ]


def _rows() -> list[DistributionRow]:
    return [DistributionRow(area, counts) for area, counts in zip(AREAS, COUNTS, strict=True)]


def _image(widget: QWidget, size: tuple[int, int]) -> QImage:
    widget.resize(*size)
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def _pixels(image: QImage) -> array:
    """Pixels as 0xAARRGGBB integers, row after row."""
    return array("I", bytes(image.constBits()))


def _rgb(colour: str) -> int:
    return QColor(colour).rgb()


def _colours(image: QImage, area: QRectF | None = None) -> set[int]:
    """The colours of ``image``, or of the pixels inside ``area`` of it."""
    if area is None:
        return set(_pixels(image))
    return set(_pixels(image.copy(area.toRect())))


def _where(image: QImage, colour: str) -> list[tuple[int, int]]:
    wanted, width = _rgb(colour), image.width()
    return [divmod(i, width)[::-1] for i, pixel in enumerate(_pixels(image)) if pixel == wanted]


# --- Geometry ------------------------------------------------------------------------


def test_time_axis_pads_both_ends_by_a_share_of_the_span():
    first = date(2025, 1, 1)
    axis = TimeAxis.covering(first, first + timedelta(days=100), padding_ratio=0.06)
    assert axis == TimeAxis(first.toordinal() - 6, first.toordinal() + 106)
    assert axis.x(first, 0, 112) == 6
    assert axis.x(first + timedelta(days=100), 0, 112) == 106


def test_a_single_day_sits_in_the_middle_of_the_axis():
    day = date(2026, 5, 12)
    axis = TimeAxis.covering(day, day)
    assert axis.x(day, 40, 200) == 140


def test_an_axis_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        TimeAxis.covering(date(2026, 5, 12), date(2026, 5, 11))


def test_chart_point_maps_levels_to_height_and_holds_values_inside():
    first = date(2025, 1, 1)
    axis = TimeAxis(first.toordinal(), first.toordinal() + 100)
    plot = QRectF(10, 20, 300, 150)
    assert chart_point(axis, first, 0, plot, 3) == QPointF(10, 170)
    assert chart_point(axis, first + timedelta(days=50), 1.5, plot, 3) == QPointF(160, 95)
    assert chart_point(axis, first + timedelta(days=100), 3, plot, 3) == QPointF(310, 20)
    assert chart_point(axis, first, 4.2, plot, 3).y() == 20
    assert chart_point(axis, first, -1, plot, 3).y() == 170


def test_date_ticks_over_eighteen_months_take_the_finest_step_that_fits():
    axis = TimeAxis.covering(DAYS[0], DAYS[-1])

    def ticks(width):
        return date_ticks(axis, 0, width, lambda day: 70, gap=12)

    # Quarterly labels would be 68 px apart, under 70 + 12: every four months.
    assert ticks(450) == [date(2025, 5, 1), date(2025, 9, 1), date(2026, 1, 1), date(2026, 5, 1)]
    assert ticks(900) == [date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1),
                          date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1)]  # fmt: skip
    assert ticks(200) == [date(2026, 1, 1)]
    assert ticks(60) == []


@pytest.mark.parametrize("span_days", [0, 3, 20, 90, 400, 540, 2000])
def test_date_labels_never_overlap_nor_leave_their_bounds(span_days):
    first = date(2025, 3, 4)
    axis = TimeAxis.covering(first, first + timedelta(days=span_days))

    def label_width(day):
        return 60 + day.day  # labels of different widths

    for width in range(80, 1400, 37):
        ticks = date_ticks(axis, 30, width, label_width, bounds=(20, 30 + width + 5), gap=10)
        assert 0 < len(ticks) <= 6, width
        assert ticks == sorted(ticks)
        middles = [(axis.x(day, 30, width), label_width(day) / 2) for day in ticks]
        edges = [(middle - half, middle + half) for middle, half in middles]
        assert all(left >= 20 and right <= 30 + width + 5 for left, right in edges), width
        assert all(b_left - a_right >= 10 for (_l, a_right), (b_left, _r) in pairwise(edges)), width


def test_a_single_day_is_its_own_tick():
    day = date(2026, 5, 12)
    assert date_ticks(TimeAxis.covering(day, day), 0, 300, lambda d: 70) == [day]


def test_legend_wraps_items_to_new_rows():
    assert legend_rows([100, 80, 120, 50], 250, spacing=10) == [
        [(0, 0.0), (1, 110.0)],
        [(2, 0.0), (3, 130.0)],
    ]
    assert legend_rows([300, 20], 250, spacing=10) == [[(0, 0.0)], [(1, 0.0)]]
    assert legend_rows([], 250, spacing=10) == []


def test_segments_of_a_stacked_bar_fill_it_on_whole_pixels():
    assert segment_spans((1, 1, 2, 0), 100) == [(0, 25), (25, 25), (50, 50), (100, 0)]
    assert segment_spans((1, 1, 1, 0), 100) == [(0, 33), (33, 34), (67, 33), (100, 0)]
    assert segment_spans((0, 0, 0, 0), 100) == [(0, 0)] * 4
    for counts in ((7, 0, 3, 11), (1, 2, 3, 4), (0, 0, 0, 9), (13, 1, 1, 1)):
        spans = segment_spans(counts, 331)
        assert sum(width for _start, width in spans) == 331
        assert all(a + wa == b for (a, wa), (b, _wb) in pairwise(spans))


def _fits(metrics: QFontMetrics, label: str, width: int) -> QRect:
    return metrics.boundingRect(QRect(0, 0, width, 1000), charts._WRAP_RIGHT, label)


def test_long_level_labels_get_their_whole_width_when_there_is_room(qapp):
    metrics = QFontMetrics(QApplication.font())
    width = label_column_width(metrics, LEVELS_PT, 620)
    assert width >= metrics.horizontalAdvance("Com ajuda quando necessário")
    for label in LEVELS_PT:
        assert _fits(metrics, label, width).width() <= width
        assert _fits(metrics, label, width).height() == metrics.height()  # one line


def test_long_labels_wrap_in_a_narrow_chart_without_being_cut(qapp):
    metrics = QFontMetrics(QApplication.font())
    width = label_column_width(metrics, LEVELS_PT, 340)
    assert width < metrics.horizontalAdvance("Com ajuda quando necessário")
    assert width >= metrics.horizontalAdvance("necessário")
    for label in LEVELS_PT:
        assert _fits(metrics, label, width).width() <= width
    assert label_column_width(metrics, [], 340) == 0


def test_text_on_a_segment_is_black_or_white_whichever_reads_better():
    black, white = QColor("black"), QColor("white")
    assert contrasting_text(QColor("#E69F00")) == black
    assert contrasting_text(QColor("#56B4E9")) == black
    assert contrasting_text(QColor("#0072B2")) == white
    assert contrasting_text(QColor("#000000")) == white


def test_every_marker_shape_is_filled_around_its_centre_and_they_differ():
    centre = QPointF(50, 40)
    outlines = set()
    for shape in MARKER_SHAPES:
        path = marker_path(shape, centre, 5)
        assert path.contains(centre), shape
        box = path.boundingRect()
        assert abs(box.center().x() - 50) < 1.5 and abs(box.center().y() - 40) < 1.5, shape
        assert 6 < box.width() < 15 and 6 < box.height() < 15, shape
        outlines.add(tuple((round(p.x(), 2), round(p.y(), 2)) for p in path.toFillPolygon()))
    assert len(outlines) == len(MARKER_SHAPES)
    with pytest.raises(ValueError):
        marker_path("hexagon", centre, 5)


def test_series_colours_are_distinct_and_include_the_okabe_ito_blue():
    assert len(set(SERIES_COLOURS)) == len(SERIES_COLOURS) >= 6
    assert SERIES_COLOURS[0] == "#0072B2"
    assert len(set(LEVEL_COLOURS)) == 4


# --- Painting ------------------------------------------------------------------------


@pytest.fixture
def line_chart(qtbot):
    chart = ProgressLineChart()
    qtbot.addWidget(chart)
    return chart


@pytest.fixture
def distribution_chart(qtbot):
    chart = LevelDistributionChart()
    qtbot.addWidget(chart)
    return chart


@pytest.fixture
def bar_chart(qtbot):
    chart = BarChart()
    qtbot.addWidget(chart)
    return chart


@pytest.mark.parametrize("size", SIZES)
def test_each_area_line_is_drawn_in_its_colour(line_chart, size):
    line_chart.set_data(_series(), LEVELS_PT)
    image = _image(line_chart, size)
    plot = line_chart.plot_rect()
    assert plot.width() > 100 and plot.height() > 60
    # In the plot itself, not only in the legend.
    assert {_rgb(c) for c in SERIES_COLOURS[: len(AREAS)]} <= _colours(image, plot)


def test_the_level_labels_have_their_room_left_of_the_plot(line_chart):
    line_chart.set_data(_series(), LEVELS_PT)
    metrics = line_chart.fontMetrics()
    margin = line_chart._margin()
    _image(line_chart, (640, 300))
    assert line_chart.plot_rect().left() > margin + metrics.horizontalAdvance(LEVELS_PT[2])
    _image(line_chart, (360, 220))
    assert line_chart.plot_rect().left() > margin + metrics.horizontalAdvance("necessário")
    assert line_chart.plot_rect().width() > 150


def test_an_empty_line_chart_draws_no_series(line_chart):
    line_chart.set_data([ChartSeries("Using a device", ())], LEVELS_PT)
    image = _image(line_chart, (640, 300))
    assert not {_rgb(c) for c in SERIES_COLOURS} & _colours(image)
    assert len(_colours(image)) > 2  # the message is written
    assert line_chart.accessibleDescription() == "No assessment yet"


def test_the_line_chart_takes_new_data(line_chart):
    line_chart.set_data(_series()[:1], LEVELS_PT)
    first = _colours(_image(line_chart, (640, 300)), line_chart.plot_rect())
    assert _rgb(SERIES_COLOURS[0]) in first and _rgb(SERIES_COLOURS[1]) not in first
    line_chart.set_data(_series()[:2], LEVELS_PT)
    image = _image(line_chart, (640, 300))
    assert _rgb(SERIES_COLOURS[1]) in _colours(image, line_chart.plot_rect())
    line_chart.set_data([], LEVELS_PT)
    assert line_chart.plot_rect().isEmpty()
    assert _rgb(SERIES_COLOURS[0]) not in _colours(_image(line_chart, (640, 300)))


def test_a_single_assessment_day_draws_markers_in_one_column(line_chart):
    day = date(2026, 5, 12)
    one_day = [
        ChartSeries(area, ((day, scores[0]),)) for area, scores in zip(AREAS, SCORES, strict=True)
    ]
    line_chart.set_data(one_day, LEVELS_PT)
    image = _image(line_chart, (640, 300))
    plot = line_chart.plot_rect()
    middles = []
    for colour in SERIES_COLOURS[: len(AREAS)]:
        xs = [x for x, y in _where(image, colour) if y > plot.top() - 10]  # not the legend
        assert xs, colour
        assert max(xs) - min(xs) <= 12  # a marker, no line
        middles.append((max(xs) + min(xs)) / 2)
    assert max(middles) - min(middles) <= 1
    assert middles[0] == pytest.approx(plot.center().x(), abs=1)


def test_points_are_joined_in_date_order(line_chart):
    unordered = ChartSeries("Using a device", ((DAYS[2], 2.0), (DAYS[0], 0.5), (DAYS[1], 1.0)))
    line_chart.set_data([unordered], LEVELS_PT)
    assert [day for day, _score in line_chart.series[0].points] == list(DAYS[:3])


def test_a_line_chart_needs_two_levels(line_chart):
    with pytest.raises(ValueError):
        line_chart.set_data(_series(), ["Only"])


def _margin_is_blank(image: QImage, margin: int) -> bool:
    background, width, height = image.pixel(0, 0), image.width(), image.height()
    pixels = _pixels(image)
    return all(
        pixels[y * width + x] == background
        for y in range(height)
        for x in range(width)
        if x < margin or y < margin or x >= width - margin or y >= height - margin
    )


@pytest.mark.parametrize("size", SIZES)
def test_nothing_is_painted_past_the_margins(line_chart, distribution_chart, bar_chart, size):
    """Labels too wide for their place would run over the edges (Qt does not clip)."""
    line_chart.set_data(_series(), LEVELS_PT)
    distribution_chart.set_data(_rows(), LEVELS_PT)
    bar_chart.set_data(list(zip(AREAS, (14, 11, 9, 6, 7, 2), strict=True)))
    for chart in (line_chart, distribution_chart, bar_chart):
        assert _margin_is_blank(_image(chart, size), chart._margin() - 2), type(chart).__name__


def test_markers_read_in_a_dark_palette_too(line_chart):
    palette = line_chart.palette()
    palette.setColor(palette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(palette.ColorRole.Text, QColor("#eeeeee"))
    line_chart.setPalette(palette)
    line_chart.set_data(_series(), LEVELS_PT)
    image = _image(line_chart, (640, 300))
    assert image.pixel(0, 0) == _rgb("#1e1e1e")
    assert _rgb(SERIES_COLOURS[0]) in _colours(image)


@pytest.mark.parametrize("size", SIZES)
def test_the_distribution_shows_every_level(distribution_chart, size):
    distribution_chart.set_data(_rows(), LEVELS_PT)
    assert {_rgb(c) for c in LEVEL_COLOURS} <= _colours(_image(distribution_chart, size))


def test_segments_are_as_long_as_their_share(distribution_chart):
    distribution_chart.set_data([DistributionRow("Using a device", (1, 1, 2, 0))], LEVELS_PT)
    image = _image(distribution_chart, (640, 300))
    lengths = []
    for colour in LEVEL_COLOURS[:3]:
        xs = {x for x, y in _where(image, colour) if y > 40}  # below the legend
        lengths.append(max(xs) - min(xs) + 1)
    # A pixel of background separates the segments.
    assert lengths[2] == pytest.approx(2 * (lengths[0] + 1), abs=1)
    assert lengths[0] == pytest.approx(lengths[1], abs=1)
    assert not [xy for xy in _where(image, LEVEL_COLOURS[3]) if xy[1] > 40]


def test_a_distribution_of_nothing_says_so(distribution_chart):
    distribution_chart.set_data(_rows(), LEVELS_PT)
    distribution_chart.set_data([DistributionRow("Using a device", (0, 0, 0, 0))], LEVELS_PT)
    image = _image(distribution_chart, (640, 300))
    assert not {_rgb(c) for c in LEVEL_COLOURS} & _colours(image)
    assert distribution_chart.accessibleDescription() == "No assessment in this period"


def test_a_distribution_row_has_one_count_per_level(distribution_chart):
    with pytest.raises(ValueError):
        distribution_chart.set_data([DistributionRow("Using a device", (1, 2, 3))], LEVELS_PT)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        distribution_chart.set_data([DistributionRow("Using a device", (1, -2, 3, 0))], LEVELS_PT)


def test_bars_are_as_long_as_their_values(bar_chart):
    bar_chart.set_data(
        [("Using a device", 10), ("Online procedures", 5), ("Safety and privacy", 0)]
    )
    image = _image(bar_chart, (640, 300))
    rows: dict[int, list[int]] = {}
    for x, y in _where(image, BAR_COLOUR):
        rows.setdefault(y, []).append(x)
    lengths = sorted({max(xs) - min(xs) + 1 for xs in rows.values()}, reverse=True)
    assert len(lengths) == 2  # the zero bar is not a bar
    assert lengths[0] == pytest.approx(2 * lengths[1], abs=1)


def test_an_empty_bar_chart_says_so(bar_chart):
    bar_chart.set_data([("Using a device", 3)])
    assert _rgb(BAR_COLOUR) in _colours(_image(bar_chart, (360, 220)))
    bar_chart.set_data([])
    assert _rgb(BAR_COLOUR) not in _colours(_image(bar_chart, (360, 220)))
    assert bar_chart.accessibleDescription() == "Nothing to show"


# --- What screen readers get ------------------------------------------------------------


def test_the_line_chart_describes_its_figures(line_chart):
    assert line_chart.accessibleName()
    line_chart.set_data(_series()[:2], LEVELS_PT)
    lines = line_chart.accessibleDescription().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Using a device: ")
    assert f"1.2 of 3 on {format_date(DAYS[0], 'short')}" in lines[0]
    assert f"2.9 of 3 on {format_date(DAYS[3], 'short')}" in lines[0]
    assert "Internet and browsing" in lines[1] and "2.6 of 3" in lines[1]


def test_the_distribution_describes_its_counts(distribution_chart):
    assert distribution_chart.accessibleName()
    distribution_chart.set_data(_rows()[:1], LEVELS_PT)
    assert distribution_chart.accessibleDescription() == (
        "Using a device: Ainda não: 2, Com orientação: 5, "
        "Com ajuda quando necessário: 9, Autónomo: 14 (total 30)"
    )


def test_the_bar_chart_describes_values_in_their_format(bar_chart):
    bar_chart.set_data([("Using a device", 0.5), ("Online procedures", 0.25)], lambda v: f"{v:.0%}")
    assert bar_chart.accessibleDescription() == "Using a device: 50%\nOnline procedures: 25%"


def test_a_language_change_rewrites_the_description(line_chart, monkeypatch):
    line_chart.set_data([], LEVELS_PT)
    monkeypatch.setattr(charts, "_", lambda message: message.upper())
    QApplication.sendEvent(line_chart, QEvent(QEvent.Type.LanguageChange))
    assert line_chart.accessibleDescription() == "NO ASSESSMENT YET"


def test_size_hints_leave_room_for_the_labels(line_chart, distribution_chart, bar_chart):
    line_chart.set_data(_series(), LEVELS_PT)
    distribution_chart.set_data(_rows(), LEVELS_PT)
    bar_chart.set_data([(area, 1) for area in AREAS])
    longest = line_chart.fontMetrics().horizontalAdvance("Com ajuda quando necessário")
    assert line_chart.sizeHint().width() > longest + 200
    for chart in (line_chart, distribution_chart, bar_chart):
        hint, least = chart.sizeHint(), chart.minimumSizeHint()
        assert hint.width() >= least.width() > 0 and hint.height() >= least.height() > 0
