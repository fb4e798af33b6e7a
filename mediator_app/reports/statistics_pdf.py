"""The statistics report: a period's figures as a PDF, with the previous period beside
them, charts, and the definitions of every figure; in the language asked for.

The input is ``Statistics`` (``reports/statistics.py``) of this period and, optionally,
of the previous one, with ``Statistics.progress`` set when inclusion progress is to be
shown. Nothing here counts anything: the report only lays the figures out, so the
desk's report and the coordinator's consolidated one read the same way.

The document is a Platypus story on two page templates (the cover, then the body pages,
whose callback draws the running header and footer); a two-pass canvas writes
"page x / y". Charts are ReportLab graphics: bars with their values written at their
ends and pies with a legend of counts, in the Okabe–Ito palette, so that they read
without colour. Texts are English message ids translated with the document's
catalogue; numbers and dates are formatted for the document's language.

``Statistics`` has no per-month figures: the trend line is drawn from the ``monthly``
counts the caller passes (``monthly_activities`` makes them from the activity records),
and left out when none are given.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mediator_app.domain.codes import (
    ADMIN_THEMES,
    AGE_BANDS,
    AUTONOMY_LEVELS,
    DEVICES,
    GENDERS,
    PLACE_TYPES,
    REFERRAL_STRUCTURES,
    SOCIAL_STATUSES,
    THEMES,
    CodeList,
)
from mediator_app.domain.markers import N_
from mediator_app.domain.skills import SKILL_LEVELS, Framework, FrameworkError, FrameworkRegistry
from mediator_app.domain.validation import ValidationError
from mediator_app.i18n import format_date, format_number, format_percent, translations_for
from mediator_app.paths import resources_dir
from mediator_app.reports.activities import INDIVIDUAL, NOT_GIVEN, Activity
from mediator_app.reports.fonts import BOLD, REGULAR, register_fonts
from mediator_app.reports.held_pages import HeldPagesCanvas
from mediator_app.reports.statistics import (
    DEFINITIONS,
    DURATION_BANDS,
    OTHER_COMMUNES,
    Profiles,
    Statistics,
)

# Messages of the report, translated with the report's language.
_TITLE = N_("Activity report")
_COMPARED_WITH = N_("Compared with the previous period: %(period)s")
_THEME_FILTER = N_("Only the activities on the theme “%(theme)s”.")
_MEDIATOR_FILTER = N_("Only the individual sessions of one mediator: workshops are not included.")
_PREPARED_BY_ON = N_("Prepared by %(name)s on %(date)s")
_PREPARED_ON = N_("Prepared on %(date)s")
_ACTIVITIES = N_("Activities")
_HOURS_OF_HELP = N_("Hours of help")
_KEY_FIGURES = N_("Key figures")
_PERIODS = N_("This period: %(current)s. Previous period: %(previous)s.")
_PERIOD = N_("Period: %(current)s.")
_FIGURE = N_("Figure")
_THIS_PERIOD = N_("This period")
_PREVIOUS_PERIOD = N_("Previous period")
_CHANGE = N_("Change")
_POINTS = N_("%(points)s pts")
_RESIDENTS = N_("Residents")
_WORKSHOPS = N_("Workshops")
_PROGRESS = N_("Inclusion progress")
_NOTHING = N_("Nothing in this period.")
_TREND = N_("Activities per month")
_TREND_NOTE = N_(
    "Individual sessions and workshop sessions of each month; the shaded months are those "
    "of this period."
)
_WORKSHOP_FIGURES = N_("Workshop figures")
_PROGRESS_SUMMARY = N_(
    "Residents assessed during the period: %(assessed)s. Residents who moved up at least "
    "one level, in at least one area: %(moved)s."
)
_NO_PROGRESS = N_("No resident was assessed during the period.")
_AREA = N_("Area")
_MOVED_UP = N_("Moved up a level")
_LEVELS_AT_END = N_("Residents at each level at the end of the period")
_LEVELS_NOTE = N_(
    "A resident's level in an area is the level nearest the mean of their ratings of the "
    "area's items at the end of the period."
)
_GENDER = N_("Gender")
_AGE_BAND = N_("Age band")
_SOCIAL_STATUS = N_("Social status")
_COMMUNES = N_("Communes")
_COMMUNE = N_("Commune")
_SHARE = N_("Share")
_OTHER_COMMUNES = N_("Other communes")
_NOT_GIVEN = N_("Not given")
_ANONYMOUS_PROFILES = N_("Anonymous visits and workshop participants without a name")
_APPENDIX = N_("Appendix: definitions")
_APPENDIX_INTRO = N_("How each figure of this report is counted.")
_PAGE_OF = N_("page %(page)s / %(pages)s")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 17 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
#: The running header's baseline, and the rule under it, on the body pages.
HEADER_BASELINE = PAGE_HEIGHT - 11 * mm
HEADER_RULE = PAGE_HEIGHT - 13 * mm
#: The footer's baseline (page number) and the rule above it.
FOOTER_BASELINE = 10 * mm
FOOTER_RULE = 13.5 * mm
BODY_FONT_SIZE = 10
CHART_FONT_SIZE = 10
RUNNING_FONT_SIZE = 9

#: Okabe & Ito's colour-blind-safe palette (black left out: it is the text's colour).
OKABE_ITO = (
    colors.HexColor("#0072B2"),  # blue
    colors.HexColor("#E69F00"),  # orange
    colors.HexColor("#56B4E9"),  # sky blue
    colors.HexColor("#009E73"),  # bluish green
    colors.HexColor("#D55E00"),  # vermillion
    colors.HexColor("#CC79A7"),  # reddish purple
    colors.HexColor("#F0E442"),  # yellow
)
BAR_COLOUR = OKABE_ITO[0]
#: Slices and bars of "not given" and of grouped leftovers: a neutral grey.
NEUTRAL = colors.HexColor("#999999")
#: Headings and the cover's band: a dark teal, above 7:1 on white.
ACCENT = colors.HexColor("#0B5563")
_MUTED = colors.HexColor("#555555")
_RULE = colors.HexColor("#B0B0B0")
_HEADER_FILL = colors.HexColor("#E6EEF0")
_GROUP_FILL = colors.HexColor("#F3F6F7")
_SHADE = colors.HexColor("#E3EEF6")

_BAR_ROW_HEIGHT = 7 * mm
_MAX_BAR_LABEL_WIDTH = 72 * mm
#: The height of one drawing of bars at most: a longer list is drawn in parts.
_MAX_BARS_HEIGHT = 150 * mm
_PIE_SIZE = 42 * mm
#: Slices smaller than this share carry no label on the pie (the legend has them).
_PIE_LABEL_MIN_SHARE = 0.04
_NUMBER_COLUMN = 36 * mm
_CHANGE_COLUMN = 28 * mm


class _Row(NamedTuple):
    """A line of a table of figures: the figure's name and its values, as text."""

    label: str
    now: str
    before: str = ""
    change: str = ""
    indent: bool = False


Rows = list[_Row]


def write_statistics_report(
    current: Statistics,
    previous: Statistics | None,
    output: Path | BinaryIO,
    *,
    language: str,
    centre: str,
    scope: str = "",
    prepared_by: str = "",
    prepared_on: date | None = None,
    monthly: Sequence[tuple[date, int]] | None = None,
    framework: Framework | None = None,
) -> int:
    """Write the report of ``current`` as a PDF to ``output``; returns its pages.

    ``previous`` (the figures of the period before, see ``previous_period``) is shown
    beside each key figure with the change, or left out when None. ``centre`` names the
    centre; ``scope`` says what the figures cover ("AAGESC, Salon-de-Provence", "France",
    "All centres"); either may be empty. ``prepared_on`` defaults to today.

    ``monthly`` is the number of activities of each month, as (first day of the month,
    count) in date order, across the previous and the current period
    (``monthly_activities`` counts them): ``Statistics`` has no per-month figures, so
    the trend line is drawn from it, and left out when it is None. ``framework`` gives
    the titles of the inclusion-progress areas; left out, the framework named by
    ``current.progress`` is looked up among those shipped with Passerelle (an area it
    does not know shows its id).

    Nothing is written to ``output`` when building fails. Raises ``OSError`` when a
    ``Path`` cannot be written.
    """
    register_fonts()
    report = _Report(
        current,
        previous,
        language=language,
        centre=centre.strip(),
        scope=scope.strip(),
        prepared_by=prepared_by.strip(),
        prepared_on=prepared_on or date.today(),
        monthly=list(monthly) if monthly is not None else None,
        framework=framework,
    )
    buffer = io.BytesIO()
    pages = report.build(buffer)
    if isinstance(output, Path):
        output.write_bytes(buffer.getvalue())
    else:
        output.write(buffer.getvalue())
    return pages


def monthly_activities(
    activities: Iterable[Activity], current: Statistics, previous: Statistics | None = None
) -> list[tuple[date, int]]:
    """The ``monthly`` counts of the trend line: the activities of each calendar month
    from the start of ``previous`` (or of ``current``) to the end of ``current``, as
    (first day of the month, count), every month present, zeros included.

    Activities are counted as ``Statistics.activities`` counts them, with the filters
    of ``current`` (mediator, theme), and only on the days of the two periods: a month
    cut by a period's start or end counts its days inside. ``activities`` may be in any
    order and hold activities outside the periods.
    """
    periods = [(current.start.isoformat(), current.end.isoformat())]
    if previous is not None:
        periods.append((previous.start.isoformat(), previous.end.isoformat()))
    first = min(start for start, _end in periods)
    months: dict[str, int] = {}
    index = int(first[:4]) * 12 + int(first[5:7]) - 1
    last = current.end.year * 12 + current.end.month - 1
    while index <= last:
        months[f"{index // 12:04d}-{index % 12 + 1:02d}"] = 0
        index += 1
    mediator_id, theme = current.mediator_id, current.theme
    for activity in activities:
        day = activity.date[:10]
        if not any(start <= day <= end for start, end in periods):
            continue
        if mediator_id is not None and (
            activity.kind != INDIVIDUAL or activity.mediator_id != mediator_id
        ):
            continue
        if theme is not None and theme not in activity.themes:
            continue
        if day[:7] in months:
            months[day[:7]] += 1
    return [(date.fromisoformat(f"{month}-01"), count) for month, count in months.items()]


# Styles ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    """The one style sheet of the report; fonts must be registered first."""
    body = ParagraphStyle(
        "body", fontName=REGULAR, fontSize=BODY_FONT_SIZE, leading=13, textColor=colors.black
    )
    return {
        "body": body,
        "bold": ParagraphStyle("bold", parent=body, fontName=BOLD),
        "note": ParagraphStyle("note", parent=body, textColor=_MUTED, spaceAfter=2 * mm),
        "number": ParagraphStyle("number", parent=body, alignment=TA_RIGHT),
        "bold number": ParagraphStyle(
            "bold number", parent=body, fontName=BOLD, alignment=TA_RIGHT
        ),
        "indented": ParagraphStyle("indented", parent=body, leftIndent=4 * mm),
        "nothing": ParagraphStyle(
            "nothing", parent=body, textColor=_MUTED, spaceBefore=1 * mm, spaceAfter=3 * mm
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName=BOLD,
            fontSize=17,
            leading=21,
            textColor=ACCENT,
            spaceBefore=9 * mm,
            spaceAfter=4 * mm,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD,
            fontSize=12.5,
            leading=16,
            spaceBefore=6 * mm,
            spaceAfter=2.5 * mm,
        ),
        "definition title": ParagraphStyle(
            "definition title", parent=body, fontName=BOLD, spaceBefore=3 * mm, spaceAfter=1 * mm
        ),
        "definition": ParagraphStyle("definition", parent=body, leading=13.5),
        "cover title": ParagraphStyle(
            "cover title", parent=body, fontName=BOLD, fontSize=30, leading=36, textColor=ACCENT
        ),
        "cover centre": ParagraphStyle(
            "cover centre", parent=body, fontName=BOLD, fontSize=20, leading=25, spaceBefore=8 * mm
        ),
        "cover scope": ParagraphStyle(
            "cover scope", parent=body, fontSize=14, leading=18, spaceBefore=1 * mm
        ),
        "cover period": ParagraphStyle(
            "cover period", parent=body, fontSize=16, leading=20, spaceBefore=8 * mm
        ),
        "cover line": ParagraphStyle(
            "cover line", parent=body, fontSize=11, leading=14, spaceBefore=2 * mm, textColor=_MUTED
        ),
        "card number": ParagraphStyle(
            "card number", parent=body, fontName=BOLD, fontSize=24, leading=29, textColor=ACCENT
        ),
        "card label": ParagraphStyle("card label", parent=body, fontSize=11, leading=14),
        "prepared": ParagraphStyle("prepared", parent=body, fontSize=11, leading=14),
    }


def _paragraph(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text), _styles()[style])


# The canvas ---------------------------------------------------------------------------


class _NumberedCanvas(HeldPagesCanvas):
    """Writes "page x / y" on each page."""

    def __init__(self, *args: Any, page_of: str = "%(page)s / %(pages)s", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._page_of = page_of

    def finish_page(self, number: int, total: int) -> None:
        self.setFont(REGULAR, RUNNING_FONT_SIZE)
        self.setFillColor(colors.black)
        self.drawRightString(
            PAGE_WIDTH - MARGIN,
            FOOTER_BASELINE,
            self._page_of % {"page": number, "pages": total},
        )


# The report ---------------------------------------------------------------------------


class _Report:
    """One report being built: its texts in its language, its story, its pages."""

    def __init__(
        self,
        current: Statistics,
        previous: Statistics | None,
        *,
        language: str,
        centre: str,
        scope: str,
        prepared_by: str,
        prepared_on: date,
        monthly: list[tuple[date, int]] | None,
        framework: Framework | None,
    ):
        self.current = current
        self.previous = previous
        self.language = language
        self.gettext = translations_for(language).gettext
        self.centre = centre
        self.scope = scope
        self.prepared_by = prepared_by
        self.prepared_on = prepared_on
        self.monthly = monthly
        self.framework = framework
        self.titles = {definition.figure: definition.title for definition in DEFINITIONS}
        self._canvas: _NumberedCanvas | None = None

    # Formats ---------------------------------------------------------------------------

    def number(self, value: float) -> str:
        return format_number(value, self.language)

    def hours(self, minutes: int) -> str:
        """Hours with one decimal at most, half a tenth rounded up: ``2.3`` for 135
        minutes, ``1 234``."""
        hours = (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return format_number(float(hours), self.language)

    def percent(self, ratio: float) -> str:
        return format_percent(ratio, self.language)

    def period(self, start: date, end: date) -> str:
        first = format_date(start, "medium", self.language)
        last = format_date(end, "medium", self.language)
        return f"{first} – {last}"

    def title(self, figure: str) -> str:
        """A figure's name: the title of its definition, translated."""
        return self.gettext(self.titles[figure])

    def label(self, codes: CodeList | None, code: str) -> str:
        """A code's label in the report's language; an unknown code as it is."""
        if codes is not None and code in codes:
            return self.gettext(codes.label(code))
        if code == NOT_GIVEN:
            return self.gettext(_NOT_GIVEN)
        if code == OTHER_COMMUNES:
            return self.gettext(_OTHER_COMMUNES)
        return code

    def change(self, now: float | None, before: float | None) -> str:
        """The change from ``before`` to ``now`` as a signed percentage, or a dash when
        it has no meaning (nothing before, or a figure missing)."""
        if now is None or not before:
            return "–"
        ratio = (now - before) / before
        text = self.percent(abs(ratio))
        if round(ratio, 2) == 0:
            return text
        return ("+" if ratio > 0 else "−") + text

    def change_in_points(self, now: float | None, before: float | None) -> str:
        if now is None or before is None:
            return "–"
        points = round((now - before) * 100)
        sign = "+" if points > 0 else "−" if points < 0 else ""
        return self.gettext(_POINTS) % {"points": sign + self.number(abs(points))}

    # Building --------------------------------------------------------------------------

    @property
    def heading(self) -> str:
        """What the report is about, for the cover and the running header."""
        return self.centre or self.scope

    def build(self, output: BinaryIO) -> int:
        gettext = self.gettext
        cover_frame = Frame(
            MARGIN, MARGIN, CONTENT_WIDTH, PAGE_HEIGHT - 2 * MARGIN, id="cover", **_NO_PADDING
        )
        body_top = PAGE_HEIGHT - MARGIN - 3 * mm
        body_frame = Frame(
            MARGIN, MARGIN, CONTENT_WIDTH, body_top - MARGIN, id="body", **_NO_PADDING
        )
        title = gettext(_TITLE)
        document = BaseDocTemplate(
            output,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"{title} — {self.heading}" if self.heading else title,
            subject=self.period(self.current.start, self.current.end),
            author=self.prepared_by or self.heading,
            creator="Passerelle",
            lang=self.language,
            initialFontName=REGULAR,
            initialFontSize=BODY_FONT_SIZE,
            pageTemplates=[
                PageTemplate(id="cover", frames=[cover_frame], onPage=self._draw_cover_page),
                PageTemplate(id="body", frames=[body_frame], onPage=self._draw_body_page),
            ],
        )
        document.build(self.story(), canvasmaker=self._make_canvas)
        assert self._canvas is not None
        return self._canvas.page_count

    def _make_canvas(self, *args: Any, **kwargs: Any) -> _NumberedCanvas:
        self._canvas = _NumberedCanvas(*args, page_of=self.gettext(_PAGE_OF), **kwargs)
        return self._canvas

    def _draw_cover_page(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFillColor(ACCENT)
        canvas.rect(0, PAGE_HEIGHT - 9 * mm, PAGE_WIDTH, 9 * mm, stroke=0, fill=1)
        self._draw_footer(canvas)
        canvas.restoreState()

    def _draw_body_page(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, RUNNING_FONT_SIZE)
        canvas.setFillColor(_MUTED)
        period = self.period(self.current.start, self.current.end)
        left = self.gettext(_TITLE)
        if self.heading:
            left = f"{left} — {self.heading}"
        room = CONTENT_WIDTH - stringWidth(period, REGULAR, RUNNING_FONT_SIZE) - 6 * mm
        canvas.drawString(MARGIN, HEADER_BASELINE, _shorten(left, REGULAR, RUNNING_FONT_SIZE, room))
        canvas.drawRightString(PAGE_WIDTH - MARGIN, HEADER_BASELINE, period)
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, HEADER_RULE, PAGE_WIDTH - MARGIN, HEADER_RULE)
        self._draw_footer(canvas)
        canvas.restoreState()

    def _draw_footer(self, canvas: Canvas) -> None:
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, FOOTER_RULE, PAGE_WIDTH - MARGIN, FOOTER_RULE)
        text = self.scope if self.scope and self.scope != self.centre else self.centre
        if text:
            canvas.setFont(REGULAR, RUNNING_FONT_SIZE)
            canvas.setFillColor(_MUTED)
            canvas.drawString(
                MARGIN, FOOTER_BASELINE, _shorten(text, REGULAR, RUNNING_FONT_SIZE, 120 * mm)
            )

    # Story -----------------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        story: list[Flowable] = [NextPageTemplate("body")]
        story += self.cover()
        story.append(PageBreak())
        story += self.key_figures()
        story.append(PageBreak())
        story += self.activities()
        story += self.individual_sessions()
        story += self.workshops()
        story += self.progress()
        story += self.profiles()
        story.append(PageBreak())
        story += self.appendix()
        return story

    def _h1(self, message: str) -> Paragraph:
        return _paragraph(self.gettext(message), "h1")

    def _section(
        self, heading: str, content: Flowable | list[Flowable], *, chapter: str = ""
    ) -> Flowable:
        """A subheading kept on the page of what it introduces; under the chapter's
        heading (translated) when it opens one."""
        items = content if isinstance(content, list) else [content]
        opening = [self._h1(chapter)] if chapter else []
        return KeepTogether([*opening, _paragraph(heading, "h2"), *items])

    def _nothing(self) -> Paragraph:
        return _paragraph(self.gettext(_NOTHING), "nothing")

    # Cover -----------------------------------------------------------------------------

    def cover(self) -> list[Flowable]:
        gettext, current = self.gettext, self.current
        story: list[Flowable] = [
            Spacer(0, 38 * mm),
            _paragraph(gettext(_TITLE), "cover title"),
        ]
        if self.centre:
            story.append(_paragraph(self.centre, "cover centre"))
            if self.scope and self.scope != self.centre:
                story.append(_paragraph(self.scope, "cover scope"))
        elif self.scope:
            story.append(_paragraph(self.scope, "cover centre"))
        story.append(_paragraph(self.period(current.start, current.end), "cover period"))
        if self.previous is not None:
            period = self.period(self.previous.start, self.previous.end)
            story.append(_paragraph(gettext(_COMPARED_WITH) % {"period": period}, "cover line"))
        if current.theme is not None:
            theme = self.label(THEMES, current.theme)
            story.append(_paragraph(gettext(_THEME_FILTER) % {"theme": theme}, "cover line"))
        if current.mediator_id is not None:
            story.append(_paragraph(gettext(_MEDIATOR_FILTER), "cover line"))
        story += [Spacer(0, 16 * mm), self._cards(), Spacer(0, 30 * mm)]
        on = format_date(self.prepared_on, "long", self.language)
        if self.prepared_by:
            prepared = gettext(_PREPARED_BY_ON) % {"name": self.prepared_by, "date": on}
        else:
            prepared = gettext(_PREPARED_ON) % {"date": on}
        story.append(_paragraph(prepared, "prepared"))
        return story

    def _cards(self) -> Table:
        """Three headline figures in boxes."""
        current = self.current
        cards = (
            (self.number(current.residents_helped), self.title("residents_helped")),
            (self.number(current.activities), self.gettext(_ACTIVITIES)),
            (self.hours(current.minutes), self.gettext(_HOURS_OF_HELP)),
        )
        width = (CONTENT_WIDTH - 2 * 5 * mm) / 3
        cells = [
            [_paragraph(number, "card number"), _paragraph(label, "card label")]
            for number, label in cards
        ]
        row: list[Any] = []
        for index, cell in enumerate(cells):
            if index:
                row.append("")
            row.append(cell)
        table = Table([row], colWidths=[width, 5 * mm, width, 5 * mm, width], hAlign="LEFT")
        style: list[Any] = [
            *_CELL_FONT,
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm),
            ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
        ]
        for column in (0, 2, 4):
            style += [
                ("BACKGROUND", (column, 0), (column, 0), _HEADER_FILL),
                ("LINEABOVE", (column, 0), (column, 0), 2, ACCENT),
            ]
        table.setStyle(TableStyle(style))
        return table

    # Key figures -----------------------------------------------------------------------

    def key_figures(self) -> list[Flowable]:
        gettext, current, previous = self.gettext, self.current, self.previous
        this = self.period(current.start, current.end)
        if previous is not None:
            line = gettext(_PERIODS) % {
                "current": this,
                "previous": self.period(previous.start, previous.end),
            }
        else:
            line = gettext(_PERIOD) % {"current": this}
        groups: list[tuple[str, Rows]] = [
            (
                gettext(_RESIDENTS),
                [
                    self._count_row("residents_helped"),
                    self._count_row("new_residents", indent=True),
                    self._count_row("returning_residents", indent=True),
                    self._count_row("anonymous_visits"),
                ],
            ),
            (
                gettext(_ACTIVITIES),
                [
                    self._count_row("individual_sessions"),
                    self._count_row("workshop_sessions"),
                    self._hours_row("individual_minutes"),
                    self._hours_row("workshop_minutes"),
                    self._count_row("referrals"),
                ],
            ),
            (
                gettext(_WORKSHOPS),
                [
                    self._count_row("workshop_registrations"),
                    self._rate_row(),
                    self._count_row("workshop_walk_ins"),
                ],
            ),
        ]
        if current.progress is not None:
            groups.append((gettext(_PROGRESS), [self._moved_up_row()]))
        story: list[Flowable] = [
            self._h1(_KEY_FIGURES),
            _paragraph(line, "note"),
            Spacer(0, 1 * mm),
            self._figures_table(groups),
        ]
        if self.monthly is not None:
            story.append(self._section(gettext(_TREND), self._trend()))
        return story

    def _count_row(self, figure: str, *, indent: bool = False) -> _Row:
        now = getattr(self.current, figure)
        before = getattr(self.previous, figure) if self.previous is not None else None
        label = self.title(figure)
        return _Row(
            label,
            self.number(now),
            self.number(before) if before is not None else "",
            self.change(now, before) if self.previous is not None else "",
            indent,
        )

    def _hours_row(self, figure: str) -> _Row:
        now = getattr(self.current, figure)
        before = getattr(self.previous, figure) if self.previous is not None else None
        return _Row(
            self.title(figure),
            self.hours(now),
            self.hours(before) if before is not None else "",
            self.change(now, before) if self.previous is not None else "",
        )

    def _rate_row(self) -> _Row:
        now = self.current.workshop_attendance_rate
        before = self.previous.workshop_attendance_rate if self.previous is not None else None
        return _Row(
            self.title("workshop_attendance_rate"),
            self.percent(now) if now is not None else "–",
            "" if self.previous is None else self.percent(before) if before is not None else "–",
            self.change_in_points(now, before) if self.previous is not None else "",
        )

    def _moved_up_row(self) -> _Row:
        assert self.current.progress is not None
        now = self.current.progress.moved_up_any
        before_progress = self.previous.progress if self.previous is not None else None
        before = before_progress.moved_up_any if before_progress is not None else None
        return _Row(
            self.title("progress.moved_up_any"),
            self.number(now),
            "" if self.previous is None else self.number(before) if before is not None else "–",
            self.change(now, before) if self.previous is not None else "",
        )

    def _figures_table(self, groups: list[tuple[str, Rows]]) -> Table:
        """Figure, this period, and when there is one the previous period and the
        change; rows in groups, each under a shaded group heading."""
        gettext = self.gettext
        compare = self.previous is not None
        header = [gettext(_FIGURE), gettext(_THIS_PERIOD)]
        widths = [_NUMBER_COLUMN]
        if compare:
            header += [gettext(_PREVIOUS_PERIOD), gettext(_CHANGE)]
            widths += [_NUMBER_COLUMN, _CHANGE_COLUMN]
        columns = len(header)
        widths.insert(0, CONTENT_WIDTH - sum(widths))
        rows: list[list[Any]] = [
            [_paragraph(header[0], "bold")]
            + [_paragraph(text, "bold number") for text in header[1:]]
        ]
        style: list[Any] = [
            *_CELL_FONT,
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("BACKGROUND", (0, 0), (-1, 0), _HEADER_FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 1, ACCENT),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
        ]
        for group, group_rows in groups:
            if group:
                style += [
                    ("SPAN", (0, len(rows)), (-1, len(rows))),
                    ("BACKGROUND", (0, len(rows)), (-1, len(rows)), _GROUP_FILL),
                    ("TOPPADDING", (0, len(rows)), (-1, len(rows)), 5),
                ]
                rows.append([_paragraph(group, "bold")] + [""] * (columns - 1))
            for row in group_rows:
                label = _paragraph(row.label, "indented" if row.indent else "body")
                rows.append([label, row.now, row.before, row.change][:columns])
                style.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), 0.4, _RULE))
        table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle(style))
        return table

    def _trend(self) -> list[Flowable]:
        monthly = self.monthly or []
        if not any(count for _month, count in monthly):
            return [self._nothing()]
        return [
            _paragraph(self.gettext(_TREND_NOTE), "note"),
            _trend_drawing(monthly, self.current.start, self.language, self.number),
        ]

    # Charts of the activities ----------------------------------------------------------

    def activities(self) -> list[Flowable]:
        current = self.current
        by_theme = sorted(
            (
                (self.label(THEMES, code), count)
                for code, count in current.activities_by_theme.items()
            ),
            key=lambda item: -item[1],
        )
        admin = [
            (self.label(ADMIN_THEMES, code), count)
            for code, count in current.sessions_by_admin_theme.items()
        ]
        admin.sort(key=lambda item: -item[1])
        durations = [
            (self.label(DURATION_BANDS, code), count)
            for code, count in current.activities_by_duration_band.items()
        ]
        return [
            self._section(
                self.title("activities_by_theme"),
                self._hbars(_nonzero(by_theme)),
                chapter=_ACTIVITIES,
            ),
            self._section(self.title("activities_by_duration_band"), self._vbars(durations)),
            self._section(self.title("sessions_by_admin_theme"), self._hbars(_nonzero(admin))),
        ]

    def individual_sessions(self) -> list[Flowable]:
        current = self.current
        devices = self._labelled(current.sessions_by_device, DEVICES)
        referrals = self._labelled(current.referrals_by_structure, REFERRAL_STRUCTURES)
        return [
            self._section(
                self.title("sessions_by_autonomy"),
                self._pie(current.sessions_by_autonomy, AUTONOMY_LEVELS),
                chapter=self.titles["individual_sessions"],
            ),
            self._section(
                self.title("sessions_by_place_type"),
                self._pie(current.sessions_by_place_type, PLACE_TYPES),
            ),
            self._section(self.title("sessions_by_device"), self._hbars(devices)),
            self._section(self.title("referrals_by_structure"), self._hbars(_nonzero(referrals))),
        ]

    def _labelled(self, counts: Mapping[str, int], codes: CodeList) -> list[tuple[str, int]]:
        return [(self.label(codes, code), count) for code, count in counts.items()]

    def workshops(self) -> list[Flowable]:
        current = self.current
        figures = (
            "workshop_sessions",
            "workshop_registrations",
            "workshop_registered_attended",
            "workshop_no_shows",
            "workshop_excused",
            "workshop_attendance_not_entered",
            "workshop_walk_ins",
            "workshop_waiting_list",
            "workshop_attended",
            "anonymous_workshop_participants",
        )
        held = current.workshop_sessions or (
            self.previous is not None and self.previous.workshop_sessions
        )
        content: Flowable
        if held:
            rows = [self._count_row(figure) for figure in figures]
            rows.insert(3, self._rate_row())
            rows += [self._hours_row("workshop_minutes")]
            content = self._figures_table([("", rows)])
        else:
            content = self._nothing()
        return [self._section(self.gettext(_WORKSHOP_FIGURES), content, chapter=_WORKSHOPS)]

    # Inclusion progress ----------------------------------------------------------------

    def progress(self) -> list[Flowable]:
        progress = self.current.progress
        if progress is None:
            return []
        gettext = self.gettext
        if not progress.assessed and not any(
            sum(levels.values()) for levels in progress.distribution.values()
        ):
            return [
                KeepTogether([self._h1(_PROGRESS), _paragraph(gettext(_NO_PROGRESS), "nothing")])
            ]
        summary = gettext(_PROGRESS_SUMMARY) % {
            "assessed": self.number(progress.assessed),
            "moved": self.number(progress.moved_up_any),
        }
        return [
            KeepTogether(
                [
                    self._h1(_PROGRESS),
                    _paragraph(summary, "body"),
                    Spacer(0, 3 * mm),
                    self._progress_table(),
                    Spacer(0, 2 * mm),
                    _paragraph(gettext(_LEVELS_NOTE), "note"),
                ]
            )
        ]

    def _area_titles(self) -> dict[str, str]:
        progress = self.current.progress
        assert progress is not None
        framework = self.framework or _shipped_framework(progress.framework, progress.version)
        if framework is None:
            return {}
        return {area.id: area.title(self.language) for area in framework.areas}

    def _progress_table(self) -> Table:
        progress = self.current.progress
        assert progress is not None
        gettext = self.gettext
        titles = self._area_titles()
        levels = SKILL_LEVELS.codes
        level_names = [self.label(SKILL_LEVELS, level) for level in levels]
        areas = list(dict.fromkeys([*progress.moved_up, *progress.distribution]))
        # Number columns no narrower than their headings' longest words; the areas'
        # column as wide as its longest title needs, up to a limit; the rest shared.
        widths = [
            max(20 * mm, _widest_word([name]) + 5 * mm)
            for name in [gettext(_MOVED_UP), *level_names]
        ]
        area_width = min(
            max(stringWidth(titles.get(area, area), REGULAR, BODY_FONT_SIZE) for area in areas)
            + 5 * mm,
            70 * mm,
        )
        spare = max(CONTENT_WIDTH - area_width - sum(widths), 0)
        widths = [width + spare / len(widths) for width in widths]
        widths.insert(0, CONTENT_WIDTH - sum(widths))
        rows: list[list[Any]] = [
            [
                _paragraph(gettext(_AREA), "bold"),
                _paragraph(gettext(_MOVED_UP), "bold number"),
                _paragraph(gettext(_LEVELS_AT_END), "bold"),
            ]
            + [""] * (len(levels) - 1),
            ["", ""] + [_paragraph(name, "bold number") for name in level_names],
        ]
        for area in areas:
            distribution = progress.distribution.get(area, {})
            rows.append(
                [
                    _paragraph(titles.get(area, area), "body"),
                    self.number(progress.moved_up.get(area, 0)),
                    *(self.number(distribution.get(level, 0)) for level in levels),
                ]
            )
        table = Table(rows, colWidths=widths, repeatRows=2, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    *_CELL_FONT,
                    ("SPAN", (0, 0), (0, 1)),
                    ("SPAN", (1, 0), (1, 1)),
                    ("SPAN", (2, 0), (-1, 0)),
                    ("VALIGN", (0, 0), (-1, 1), "BOTTOM"),
                    ("VALIGN", (0, 2), (-1, -1), "MIDDLE"),
                    ("ALIGN", (1, 2), (-1, -1), "RIGHT"),
                    ("BACKGROUND", (0, 0), (-1, 1), _HEADER_FILL),
                    ("LINEBELOW", (0, 1), (-1, 1), 1, ACCENT),
                    ("LINEBELOW", (2, 0), (-1, 0), 0.4, _RULE),
                    ("LINEBELOW", (0, 2), (-1, -1), 0.4, _RULE),
                    ("LINEAFTER", (1, 0), (1, -1), 0.4, _RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
                ]
            )
        )
        return table

    # Profiles --------------------------------------------------------------------------

    def profiles(self) -> list[Flowable]:
        gettext = self.gettext
        people = self.current.profiles
        gender = self._labelled(people.gender, GENDERS)
        ages = self._labelled(people.age_band, AGE_BANDS)
        statuses = self._labelled(people.social_status, SOCIAL_STATUSES)
        story: list[Flowable] = [
            PageBreak(),
            self._section(
                gettext(_GENDER),
                self._hbars(gender if people.people else []),
                chapter=self.titles["profiles"],
            ),
            self._section(gettext(_AGE_BAND), self._vbars(ages if people.people else [])),
            self._section(gettext(_SOCIAL_STATUS), self._hbars(statuses if people.people else [])),
            self._section(gettext(_COMMUNES), self._communes_table(people)),
        ]
        anonymous = self._anonymous_profiles_table()
        if anonymous is not None:
            story.append(self._section(gettext(_ANONYMOUS_PROFILES), anonymous))
        return story

    def _communes_table(self, people: Profiles) -> Flowable:
        if not people.people:
            return self._nothing()
        gettext = self.gettext
        rows: list[list[Any]] = [
            [
                _paragraph(gettext(_COMMUNE), "bold"),
                _paragraph(gettext(_RESIDENTS), "bold number"),
                _paragraph(gettext(_SHARE), "bold number"),
            ]
        ]
        for commune, count in people.commune.items():
            rows.append(
                [
                    _paragraph(self.label(None, commune), "body"),
                    self.number(count),
                    self.percent(count / people.people),
                ]
            )
        return self._simple_table(rows, [CONTENT_WIDTH - 2 * _NUMBER_COLUMN] + [_NUMBER_COLUMN] * 2)

    def _anonymous_profiles_table(self) -> Table | None:
        visits = self.current.anonymous_visit_profiles
        groups = self.current.anonymous_workshop_profiles
        if not visits.people and not groups.people:
            return None
        gettext = self.gettext
        rows: list[list[Any]] = [
            [
                "",
                _paragraph(self.title("anonymous_visits"), "bold number"),
                _paragraph(self.title("anonymous_workshop_participants"), "bold number"),
            ]
        ]
        spans: list[int] = []
        for heading, field, codes in (
            (_GENDER, "gender", GENDERS),
            (_AGE_BAND, "age_band", AGE_BANDS),
            (_SOCIAL_STATUS, "social_status", SOCIAL_STATUSES),
        ):
            counts_a: dict[str, int] = getattr(visits, field)
            counts_b: dict[str, int] = getattr(groups, field)
            codes_found = [
                code
                for code in dict.fromkeys([*counts_a, *counts_b])
                if counts_a.get(code) or counts_b.get(code)
            ]
            spans.append(len(rows))
            rows.append([_paragraph(gettext(heading), "bold"), "", ""])
            for code in codes_found:
                rows.append(
                    [
                        _paragraph(self.label(codes, code), "indented"),
                        self.number(counts_a.get(code, 0)),
                        self.number(counts_b.get(code, 0)),
                    ]
                )
        widths = [CONTENT_WIDTH - 2 * 42 * mm, 42 * mm, 42 * mm]
        table = self._simple_table(rows, widths)
        table.setStyle(
            TableStyle(
                [
                    style
                    for row in spans
                    for style in (
                        ("SPAN", (0, row), (-1, row)),
                        ("BACKGROUND", (0, row), (-1, row), _GROUP_FILL),
                    )
                ]
            )
        )
        return table

    def _simple_table(self, rows: list[list[Any]], widths: list[float]) -> Table:
        table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    *_CELL_FONT,
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                    ("BACKGROUND", (0, 0), (-1, 0), _HEADER_FILL),
                    ("LINEBELOW", (0, 0), (-1, 0), 1, ACCENT),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.4, _RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
                ]
            )
        )
        return table

    # Appendix --------------------------------------------------------------------------

    def appendix(self) -> list[Flowable]:
        gettext = self.gettext
        story: list[Flowable] = [
            self._h1(_APPENDIX),
            _paragraph(gettext(_APPENDIX_INTRO), "note"),
        ]
        for definition in DEFINITIONS:
            story.append(
                KeepTogether(
                    [
                        _paragraph(gettext(definition.title), "definition title"),
                        _paragraph(gettext(definition.text), "definition"),
                    ]
                )
            )
        return story

    # Chart flowables -------------------------------------------------------------------

    def _hbars(self, items: list[tuple[str, int]]) -> list[Flowable]:
        if not any(count for _label, count in items):
            return [self._nothing()]
        return list(_horizontal_bars(items, self.number))

    def _vbars(self, items: list[tuple[str, int]]) -> Flowable:
        if not any(count for _label, count in items):
            return self._nothing()
        return _vertical_bars(items, self.number)

    def _pie(self, counts: Mapping[str, int], codes: CodeList) -> Flowable:
        """A pie of the non-zero counts beside its legend (colour, name, count, share);
        "not given" in grey."""
        found = [(code, count) for code, count in counts.items() if count]
        if not found:
            return self._nothing()
        items = [(self.label(codes, code), count) for code, count in found]
        total = sum(count for _code, count in found)
        palette = iter(OKABE_ITO * (len(found) // len(OKABE_ITO) + 1))
        colours = [NEUTRAL if code == NOT_GIVEN else next(palette) for code, _count in found]
        pie = _pie_drawing([count for _label, count in items], colours, self.percent)
        legend_rows = [
            [
                _swatch(colour),
                _paragraph(label, "body"),
                self.number(count),
                self.percent(count / total),
            ]
            for (label, count), colour in zip(items, colours, strict=True)
        ]
        legend_width = CONTENT_WIDTH - pie.width - 6 * mm
        legend = Table(
            legend_rows,
            colWidths=[7 * mm, legend_width - 7 * mm - 2 * 16 * mm, 16 * mm, 16 * mm],
            hAlign="LEFT",
        )
        legend.setStyle(
            TableStyle(
                [
                    *_CELL_FONT,
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 1 * mm),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 1 * mm),
                    ("LINEBELOW", (0, 0), (-1, -2), 0.4, _RULE),
                ]
            )
        )
        outer = Table([[pie, legend]], colWidths=[pie.width + 6 * mm, legend_width], hAlign="LEFT")
        outer.setStyle(
            TableStyle(
                [
                    *_CELL_FONT,
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return outer


#: Tables set a font even around flowables: ours, not ReportLab's Helvetica.
_CELL_FONT = (
    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
    ("FONTSIZE", (0, 0), (-1, -1), BODY_FONT_SIZE),
)
_NO_PADDING = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}


def _nonzero(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [(label, count) for label, count in items if count]


def _widest_word(texts: Sequence[str]) -> float:
    """The width of the longest word of ``texts`` in bold: a column that narrow would
    break it."""
    return max(stringWidth(word, BOLD, BODY_FONT_SIZE) for text in texts for word in text.split())


def _shorten(text: str, font: str, size: float, width: float) -> str:
    """``text``, cut with an ellipsis when it is wider than ``width``."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


@lru_cache(maxsize=4)
def _shipped_framework(name: str, version: str) -> Framework | None:
    """The framework shipped with Passerelle under that name and version, if any."""
    try:
        registry = FrameworkRegistry.from_folder(resources_dir() / "frameworks")
        return registry.get(name, version)
    except (OSError, FrameworkError, ValidationError):
        return None


def _swatch(colour: colors.Color) -> Drawing:
    size = 4 * mm
    drawing = Drawing(size, size, initialFontName=REGULAR)
    drawing.add(Rect(0, 0, size, size, fillColor=colour, strokeColor=colors.black, strokeWidth=0.4))
    return drawing


def _wrap(label: str, width: float) -> list[str]:
    """``label`` in lines no wider than ``width``, as few as possible and of even
    lengths, so that no word is left alone on the last line."""
    lines = simpleSplit(label, REGULAR, CHART_FONT_SIZE, width) or [""]
    if any(stringWidth(line, REGULAR, CHART_FONT_SIZE) > width for line in lines):
        return _break_words(lines, width)
    if len(lines) == 1:
        return lines
    narrow, wide = width / len(lines), width
    while wide - narrow > 1:
        middle = (narrow + wide) / 2
        if len(simpleSplit(label, REGULAR, CHART_FONT_SIZE, middle)) > len(lines):
            narrow = middle
        else:
            wide = middle
    return simpleSplit(label, REGULAR, CHART_FONT_SIZE, wide)


def _break_words(lines: list[str], width: float) -> list[str]:
    """``lines`` with those wider than ``width`` (a word too long to wrap) cut into
    pieces that fit."""
    broken: list[str] = []
    for line in lines:
        piece = ""
        for character in line:
            if piece and stringWidth(piece + character, REGULAR, CHART_FONT_SIZE) > width:
                broken.append(piece)
                piece = ""
            piece += character
        broken.append(piece)
    return broken


def _horizontal_bars(items: list[tuple[str, int]], number: Callable[[float], str]) -> list[Drawing]:
    """One bar per item, top to bottom in the order given, its value written at its end;
    labels on the left, wrapped to two lines or more when long. Long lists come in
    several drawings no taller than ``_MAX_BARS_HEIGHT``, on one scale, so that a page
    can end between them."""
    size = CHART_FONT_SIZE
    leading = size * 1.2
    lines = [_wrap(label, _MAX_BAR_LABEL_WIDTH) for label, _count in items]
    label_width = max(stringWidth(line, REGULAR, size) for wrapped in lines for line in wrapped)
    row_height = max(_BAR_ROW_HEIGHT, max(len(wrapped) for wrapped in lines) * leading + 6)
    values = [count for _label, count in items]
    value_width = max(stringWidth(number(value), REGULAR, size) for value in values)
    bars_x = label_width + 3 * mm
    bars_width = CONTENT_WIDTH - bars_x - 1
    room = max(bars_width - value_width - 3 * mm, bars_width / 3)
    value_max = max(values) * bars_width / room
    rows = max(1, int(_MAX_BARS_HEIGHT // row_height))
    drawings = []
    for first in range(0, len(items), rows):
        chunk = slice(first, first + rows)
        chart = HorizontalBarChart()
        chart.x, chart.y = bars_x, 1
        chart.width = bars_width
        chart.height = row_height * len(values[chunk])
        chart.data = [values[chunk]]
        chart.barWidth = 2
        chart.groupSpacing = 1
        chart.bars[0].fillColor = BAR_COLOUR
        chart.bars[0].strokeColor = None
        chart.valueAxis.visible = False
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = value_max
        axis = chart.categoryAxis
        axis.categoryNames = ["\n".join(wrapped) for wrapped in lines[chunk]]
        axis.reverseDirection = True
        axis.visibleTicks = False
        axis.strokeColor = _MUTED
        axis.strokeWidth = 0.5
        axis.labels.fontName = REGULAR
        axis.labels.fontSize = size
        axis.labels.leading = leading
        axis.labels.boxAnchor = "e"
        axis.labels.textAnchor = "end"
        axis.labels.dx = -2 * mm
        chart.barLabelFormat = number
        chart.barLabels.fontName = REGULAR
        chart.barLabels.fontSize = size
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.boxTarget = "hi"
        chart.barLabels.dx = 1.5 * mm
        drawing = Drawing(CONTENT_WIDTH, chart.height + 2, initialFontName=REGULAR)
        drawing.add(chart)
        drawings.append(drawing)
    return drawings


def _vertical_bars(items: list[tuple[str, int]], number: Callable[[float], str]) -> Drawing:
    """One column per item, left to right, its value written above it; labels under the
    columns, wrapped to their width."""
    size = CHART_FONT_SIZE
    leading = size * 1.2
    slot = CONTENT_WIDTH / len(items)
    lines = [_wrap(label, slot - 2 * mm) for label, _count in items]
    label_height = max(len(wrapped) for wrapped in lines) * leading + 3 * mm
    values = [count for _label, count in items]
    chart = VerticalBarChart()
    chart.x = 0
    chart.y = label_height
    chart.width = CONTENT_WIDTH
    chart.height = 42 * mm
    chart.data = [values]
    chart.barWidth = 3
    chart.groupSpacing = 2
    chart.bars[0].fillColor = BAR_COLOUR
    chart.bars[0].strokeColor = None
    chart.valueAxis.visible = False
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(values) * chart.height / (chart.height - leading - 2)
    axis = chart.categoryAxis
    axis.categoryNames = ["\n".join(wrapped) for wrapped in lines]
    axis.visibleTicks = False
    axis.strokeColor = _MUTED
    axis.strokeWidth = 0.5
    axis.labels.fontName = REGULAR
    axis.labels.fontSize = size
    axis.labels.leading = leading
    axis.labels.boxAnchor = "n"
    axis.labels.textAnchor = "middle"
    axis.labels.dy = -1.5 * mm
    chart.barLabelFormat = number
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = size
    chart.barLabels.boxAnchor = "s"
    chart.barLabels.boxTarget = "hi"
    chart.barLabels.dy = 1.5
    drawing = Drawing(CONTENT_WIDTH, chart.y + chart.height, initialFontName=REGULAR)
    drawing.add(chart)
    return drawing


def _pie_drawing(
    values: list[int], colours: list[colors.Color], percent: Callable[[float], str]
) -> Drawing:
    """A pie of ``values`` clockwise from the top, each slice of a share large enough
    labelled with its percentage outside the pie."""
    label_room = 12 * mm
    drawing = Drawing(_PIE_SIZE + 2 * label_room, _PIE_SIZE + 2 * 7 * mm, initialFontName=REGULAR)
    pie = Pie()
    pie.x = label_room
    pie.y = 7 * mm
    pie.width = pie.height = _PIE_SIZE
    pie.data = values
    pie.startAngle = 90
    pie.direction = "clockwise"
    pie.simpleLabels = True
    total = sum(values)
    pie.labels = [
        percent(value / total) if value / total >= _PIE_LABEL_MIN_SHARE else "" for value in values
    ]
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 1
    pie.slices.fontName = REGULAR
    pie.slices.fontSize = CHART_FONT_SIZE - 1
    pie.slices.labelRadius = 1.22
    for index, colour in enumerate(colours):
        pie.slices[index].fillColor = colour
    drawing.add(pie)
    return drawing


def _nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` steps up to
    ``top``."""
    raw = max(top, 1) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return max(factor * power, 1)
    return 10 * power


def _trend_drawing(
    monthly: list[tuple[date, int]],
    current_start: date,
    language: str,
    number: Callable[[float], str],
) -> Drawing:
    """A line of the activities of each month; the months of the current period (from
    the month of ``current_start``) shaded and drawn with filled points, the earlier ones
    with open points and a dashed line. Values are written above the points when there
    is room."""
    size = CHART_FONT_SIZE - 1
    height = 62 * mm
    bottom = 2 * size * 1.2 + 3 * mm
    top_room = 8 * mm
    first_current = date(current_start.year, current_start.month, 1)
    peak = max(count for _month, count in monthly)
    step = _nice_step(peak)
    axis_top = step * math.ceil(peak / step)
    if axis_top == peak:
        axis_top += step
    ticks = [step * index for index in range(int(axis_top / step) + 1)]
    left = max(stringWidth(number(tick), REGULAR, size) for tick in ticks) + 2 * mm
    plot_width = CONTENT_WIDTH - left - 1 * mm
    plot_height = height - bottom - top_room
    slot = plot_width / len(monthly)

    def x_of(index: int) -> float:
        return left + slot * (index + 0.5)

    def y_of(value: float) -> float:
        return bottom + plot_height * value / axis_top

    drawing = Drawing(CONTENT_WIDTH, height, initialFontName=REGULAR)
    current = [index for index, (month, _count) in enumerate(monthly) if month >= first_current]
    if current:
        shade_left = left + slot * current[0]
        drawing.add(
            Rect(
                shade_left,
                bottom,
                left + plot_width - shade_left,
                plot_height + top_room - 1,
                fillColor=_SHADE,
                strokeColor=None,
            )
        )
    for tick in ticks:
        y = y_of(tick)
        drawing.add(Line(left, y, left + plot_width, y, strokeColor=_RULE, strokeWidth=0.4))
        drawing.add(
            String(left - 1.5 * mm, y - size / 3, number(tick), fontName=REGULAR,
                   fontSize=size, textAnchor="end", fillColor=_MUTED)
        )  # fmt: skip
    drawing.add(Line(left, bottom, left + plot_width, bottom, strokeColor=_MUTED, strokeWidth=0.6))

    # Month names, and the year under the first month and each January; thinned out
    # when the months are too narrow for their names.
    names = [format_date(month, "LLL", language) for month, _count in monthly]
    widest = max(stringWidth(name, REGULAR, size) for name in names)
    every = max(1, math.ceil((widest + 2 * mm) / slot))
    for index, (month, _count) in enumerate(monthly):
        if index % every:
            continue
        x = x_of(index)
        drawing.add(
            String(x, bottom - size - 1.5 * mm, names[index], fontName=REGULAR,
                   fontSize=size, textAnchor="middle")
        )  # fmt: skip
        if index == 0 or month.month == 1:
            drawing.add(
                String(x, bottom - 2 * size * 1.2 - 1.5 * mm, str(month.year), fontName=REGULAR,
                       fontSize=size, textAnchor="middle", fillColor=_MUTED)
            )  # fmt: skip

    points = [(x_of(index), y_of(count)) for index, (_month, count) in enumerate(monthly)]
    split = current[0] if current else len(points)
    earlier = points[: split + 1] if split < len(points) else points
    if len(earlier) > 1:
        drawing.add(
            PolyLine(
                [coordinate for point in earlier for coordinate in point],
                strokeColor=_MUTED,
                strokeWidth=1.2,
                strokeDashArray=[3, 2],
            )
        )
    if len(points[split:]) > 1:
        drawing.add(
            PolyLine(
                [coordinate for point in points[split:] for coordinate in point],
                strokeColor=BAR_COLOUR,
                strokeWidth=2,
            )
        )
    labels = [number(count) for _month, count in monthly]
    label_fits = max(stringWidth(label, REGULAR, size) for label in labels) + 1 * mm <= slot
    for index, (x, y) in enumerate(points):
        is_current = index >= split
        drawing.add(
            Circle(
                x,
                y,
                2.4 if is_current else 2.1,
                fillColor=BAR_COLOUR if is_current else colors.white,
                strokeColor=BAR_COLOUR if is_current else _MUTED,
                strokeWidth=1,
            )
        )
        if label_fits:
            drawing.add(
                String(x, y + 2 * mm, labels[index], fontName=REGULAR, fontSize=size,
                       textAnchor="middle")
            )  # fmt: skip
    return drawing
