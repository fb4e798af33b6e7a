"""The digital passport: one or two A4 pages a resident takes home, in their language.

It shows what the resident can now do on their own, what they are learning (the level
in words and as a bar of four boxes, so that it reads without colour), their next steps
and their mediator's encouragement. It carries the resident's first name and the centre
only: no last name, no contact, no note. The page is a Platypus story; a two-pass
canvas writes "page x / y" when, with many skills, the passport runs to a second page.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
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
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mediator_app.domain.skills import LEVEL_RANK, SKILL_LEVELS, SkillGoal
from mediator_app.i18n import N_, format_date, translations_for
from mediator_app.reports.fonts import BOLD, REGULAR, register_fonts
from mediator_app.reports.held_pages import HeldPagesCanvas

if TYPE_CHECKING:
    from mediator_app.store.skills import Progress

# Messages of the passport, translated with the passport's language.
_TITLE = N_("My digital passport")
_FROM_TO = N_("From %(first)s to %(last)s")
_ON = N_("On %(date)s")
_ACHIEVED = N_("What I can do on my own")
_IN_PROGRESS = N_("What I am learning")
_NEXT_STEPS = N_("My next steps")
_PAGE_OF = N_("page %(page)s / %(pages)s")

AUTONOMOUS = "autonomous"
CHECK_MARK = "\u2714"
NEXT_MARK = "\u2192"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 17 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
#: Later pages keep this band at the top for the resident's name.
RUNNING_HEADER_HEIGHT = 10 * mm
PAGE_NUMBER_BASELINE = 10 * mm
#: Body sizes tried in turn: the largest that keeps the passport on one page, else the
#: largest that keeps it on two. Never below 12 pt.
BODY_FONT_SIZES = (14, 13, 12)
BODY_FONT_SIZE = BODY_FONT_SIZES[0]
MIN_BODY_FONT_SIZE = BODY_FONT_SIZES[-1]

LEVEL_BOX_SIZE = 5 * mm
LEVEL_BOX_GAP = 1.5 * mm
LEVEL_BAR_WIDTH = len(SKILL_LEVELS) * LEVEL_BOX_SIZE + (len(SKILL_LEVELS) - 1) * LEVEL_BOX_GAP
#: How far the encouragement leans, like italic type (DejaVu Sans ships no oblique here).
SLANT_DEGREES = 10

_MARK_WIDTH = 10 * mm
_BAR_PADDING = 3 * mm
_MAX_LEVEL_WORDS_WIDTH = 60 * mm
#: The one accent colour: a dark teal that keeps a contrast above 7:1 on white.
ACCENT = colors.HexColor("#0B5563")
_RULE = colors.Color(0.55, 0.55, 0.55)


@dataclass(frozen=True)
class PassportSkill:
    label: str
    """Already in the passport's language."""
    level: str
    """A ``SKILL_LEVELS`` code."""


@dataclass(frozen=True)
class Passport:
    """What one passport shows. First name only: no last name, no sensitive data."""

    first_name: str
    centre: str
    language: str
    first_assessed_on: date | None
    last_assessed_on: date | None
    achieved: tuple[PassportSkill, ...]
    """Skills the resident now does on their own."""
    in_progress: tuple[PassportSkill, ...]
    """Skills rated below autonomous."""
    next_steps: tuple[str, ...]
    """Labels of the open goals, in the passport's language."""
    encouragement: str = ""
    """The mediator's line, free text."""
    mediator_first_name: str = ""


def passport_from_progress(
    progress: Progress,
    *,
    first_name: str,
    centre: str,
    language: str,
    goals: Iterable[SkillGoal],
    first_assessed_on: date | None,
    last_assessed_on: date | None,
    encouragement: str = "",
    mediator_first_name: str = "",
) -> Passport:
    """The passport of a resident's progress: skills in the framework's order, rated now
    autonomous (achieved) or below (in progress); open goals, in the order given, as next
    steps. A goal whose item the framework no longer has is left out rather than
    mislabelled; the same item is listed once.

    Pass the first name only: the passport has no place for anything else.
    """
    framework = progress.framework
    achieved: list[PassportSkill] = []
    in_progress: list[PassportSkill] = []
    for item in framework.items:
        level = progress.now.get(item.id)
        if level is None:
            continue
        skill = PassportSkill(item.label(language), level)
        (achieved if level == AUTONOMOUS else in_progress).append(skill)
    next_steps: list[str] = []
    for goal in goals:
        if goal.achieved_on is not None:
            continue
        try:
            label = framework.item(goal.item_id).label(language)
        except KeyError:
            continue
        if label not in next_steps:
            next_steps.append(label)
    return Passport(
        first_name=first_name.strip(),
        centre=centre.strip(),
        language=language,
        first_assessed_on=first_assessed_on,
        last_assessed_on=last_assessed_on,
        achieved=tuple(achieved),
        in_progress=tuple(in_progress),
        next_steps=tuple(next_steps),
        encouragement=encouragement.strip(),
        mediator_first_name=mediator_first_name.strip(),
    )


def write_passport(passport: Passport, output: BinaryIO | Path) -> int:
    """Write the passport as a PDF to ``output``; returns its number of pages (1, or 2
    with many skills). Nothing is written to ``output`` when building fails.

    Raises ``OSError`` when a ``Path`` cannot be written.
    """
    register_fonts()
    data, pages = _build(passport)
    if isinstance(output, Path):
        output.write_bytes(data)
    else:
        output.write(data)
    return pages


def _build(passport: Passport) -> tuple[bytes, int]:
    """The PDF and its pages in the largest body size that fits one page, else two."""
    builds: list[tuple[bytes, int]] = []
    for body_size in BODY_FONT_SIZES:
        buffer = io.BytesIO()
        pages = _PassportDocument(buffer, passport, body_size).build_passport()
        builds.append((buffer.getvalue(), pages))
        if pages == 1:
            return builds[-1]
    return next((build for build in builds if build[1] <= 2), builds[-1])


def filled_boxes(level: str) -> int:
    """How many of the bar's four boxes a level fills: one per step reached, so "not
    yet" fills the first and "autonomous" all four."""
    return LEVEL_RANK[level] + 1


def date_line(passport: Passport, gettext: Callable[[str], str]) -> str:
    """ "From … to …", "On …" when there is one date, or nothing."""
    first, last = passport.first_assessed_on, passport.last_assessed_on
    language = passport.language
    if first is not None and last is not None and first != last:
        return gettext(_FROM_TO) % {
            "first": format_date(first, "long", language),
            "last": format_date(last, "long", language),
        }
    day = last or first
    if day is None:
        return ""
    return gettext(_ON) % {"date": format_date(day, "long", language)}


@lru_cache(maxsize=len(BODY_FONT_SIZES))
def styles(body_size: float = BODY_FONT_SIZE) -> dict[str, ParagraphStyle]:
    """The one style sheet of the passport, around a body of ``body_size`` points; fonts
    must be registered first. No text is smaller than 12 pt but the page numbers."""
    body = ParagraphStyle(
        "body",
        fontName=REGULAR,
        fontSize=body_size,
        leading=body_size * 1.25,
        alignment=TA_LEFT,
        textColor=colors.black,
    )
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=22, leading=27, textColor=ACCENT
        ),
        "name": ParagraphStyle(
            "name", parent=body, fontName=BOLD, fontSize=40, leading=46, spaceBefore=2 * mm
        ),
        "centre": ParagraphStyle("centre", parent=body, fontSize=16, leading=21),
        "dates": ParagraphStyle("dates", parent=body, fontSize=16, leading=21),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=BOLD,
            fontSize=20,
            leading=25,
            spaceBefore=(body_size - 6) * mm,
            spaceAfter=3 * mm,
        ),
        "mark": ParagraphStyle(
            "mark",
            parent=body,
            fontName=BOLD,
            fontSize=16,
            leading=body_size * 1.25,
            textColor=ACCENT,
        ),
        "level": ParagraphStyle("level", parent=body, fontSize=12, leading=15),
        "encouragement": ParagraphStyle(
            "encouragement",
            parent=body,
            fontSize=body_size + 4,
            leading=(body_size + 4) * 1.3,
        ),
        "signature": ParagraphStyle(
            "signature", parent=body, fontName=BOLD, fontSize=16, leading=21, spaceBefore=2 * mm
        ),
        "running": ParagraphStyle("running", parent=body, fontSize=12, leading=15),
    }


class LevelBar(Flowable):
    """Four boxes in a row, those up to the level filled, the others left empty: the
    level reads from the shapes, in black and white as well as in colour."""

    def __init__(self, level: str):
        super().__init__()
        self.level = level
        self.width = LEVEL_BAR_WIDTH
        self.height = LEVEL_BOX_SIZE

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setLineWidth(1)
        canvas.setStrokeColor(colors.black)
        canvas.setFillColor(ACCENT)
        filled = filled_boxes(self.level)
        for index in range(len(SKILL_LEVELS)):
            x = index * (LEVEL_BOX_SIZE + LEVEL_BOX_GAP)
            canvas.rect(x, 0, LEVEL_BOX_SIZE, LEVEL_BOX_SIZE, stroke=1, fill=int(index < filled))
        canvas.restoreState()


class _Slanted(Flowable):
    """Plain text whose letters lean like italic type, each line sheared about its own
    baseline (the DejaVu files shipped have no oblique face)."""

    def __init__(self, text: str, style: ParagraphStyle):
        super().__init__()
        self.text = text
        self.style = style
        self._slant = math.tan(math.radians(SLANT_DEGREES))
        self._lines: list[str] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        style = self.style
        lean = style.fontSize * self._slant
        self._lines = simpleSplit(self.text, style.fontName, style.fontSize, available_width - lean)
        self.width, self.height = available_width, len(self._lines) * style.leading
        return self.width, self.height

    def draw(self) -> None:
        canvas, style = self.canv, self.style
        canvas.saveState()
        canvas.setFont(style.fontName, style.fontSize)
        canvas.setFillColor(style.textColor)
        baseline = self.height - style.fontSize
        for line in self._lines:
            canvas.saveState()
            canvas.transform(1, 0, self._slant, 1, 0, baseline)
            canvas.drawString(0, 0, line)
            canvas.restoreState()
            baseline -= style.leading
        canvas.restoreState()


class _NumberedCanvas(HeldPagesCanvas):
    """Writes "page x / y" on each page when there is more than one."""

    def __init__(self, *args: Any, page_of: str = "%(page)s / %(pages)s", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._page_of = page_of

    def finish_page(self, number: int, total: int) -> None:
        if total > 1:
            self.setFont(REGULAR, 10)
            self.setFillColor(colors.black)
            self.drawRightString(
                PAGE_WIDTH - MARGIN,
                PAGE_NUMBER_BASELINE,
                self._page_of % {"page": number, "pages": total},
            )


class _PassportDocument(BaseDocTemplate):
    def __init__(self, output: BinaryIO, passport: Passport, body_size: float):
        self.passport = passport
        self.styles = styles(body_size)
        #: Space above and below each listed skill, less when the type is smaller.
        self.row_padding = (body_size - 11) * mm
        self.section_gap = self.styles["heading"].spaceBefore
        #: Tables set a font even around flowables: ours, not ReportLab's Helvetica 10.
        self._cell_font = [
            ("FONTNAME", (0, 0), (-1, -1), REGULAR),
            ("FONTSIZE", (0, 0), (-1, -1), body_size),
        ]
        self.gettext = translations_for(passport.language).gettext
        frame = Frame(
            MARGIN,
            PAGE_NUMBER_BASELINE + 8 * mm,
            CONTENT_WIDTH,
            PAGE_HEIGHT - MARGIN - RUNNING_HEADER_HEIGHT - PAGE_NUMBER_BASELINE - 8 * mm,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        first_frame = Frame(
            MARGIN,
            frame.y1,
            CONTENT_WIDTH,
            PAGE_HEIGHT - MARGIN - frame.y1,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="first-body",
        )
        title = self.gettext(_TITLE)
        super().__init__(
            output,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"{title} — {passport.first_name}",
            subject=title,
            author=passport.centre,
            creator="Passerelle",
            lang=passport.language,
            initialFontName=REGULAR,
            initialFontSize=body_size,
            pageTemplates=[
                PageTemplate(id="first", frames=[first_frame], autoNextPageTemplate="later"),
                PageTemplate(id="later", frames=[frame], onPage=self._draw_running_header),
            ],
        )
        self._canvas: _NumberedCanvas | None = None

    def build_passport(self) -> int:
        self.build(self._story(), canvasmaker=self._make_canvas)
        assert self._canvas is not None
        return self._canvas.page_count

    def _make_canvas(self, *args: Any, **kwargs: Any) -> _NumberedCanvas:
        self._canvas = _NumberedCanvas(*args, page_of=self.gettext(_PAGE_OF), **kwargs)
        return self._canvas

    def _draw_running_header(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        """Later pages say whose passport they belong to, should the sheets part."""
        canvas.saveState()
        text = f"{self.gettext(_TITLE)} — {self.passport.first_name}"
        paragraph = self._paragraph(text, "running")
        _, height = paragraph.wrap(CONTENT_WIDTH, RUNNING_HEADER_HEIGHT)
        top = PAGE_HEIGHT - MARGIN
        paragraph.drawOn(canvas, MARGIN, top - height)
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.75)
        canvas.line(MARGIN, top - height - 2 * mm, PAGE_WIDTH - MARGIN, top - height - 2 * mm)
        canvas.restoreState()

    def _paragraph(self, text: str, style: str) -> Paragraph:
        return Paragraph(escape(text), self.styles[style])

    # Story --------------------------------------------------------------------------

    def _story(self) -> list[Flowable]:
        passport, gettext = self.passport, self.gettext
        story: list[Flowable] = [self._paragraph(gettext(_TITLE), "title")]
        if passport.first_name:
            story.append(self._paragraph(passport.first_name, "name"))
        if passport.centre:
            story.append(self._paragraph(passport.centre, "centre"))
        dates = date_line(passport, gettext)
        if dates:
            story.append(self._paragraph(dates, "dates"))
        story.append(_Rule())
        sections = (
            (_ACHIEVED, self._achieved_rows(), self._marked_table),
            (_IN_PROGRESS, self._in_progress_rows(), self._levels_table),
            (_NEXT_STEPS, self._next_steps_rows(), self._marked_table),
        )
        for heading, rows, make_table in sections:
            if rows:
                story += self._section(gettext(heading), rows, make_table)
        if passport.encouragement:
            story += [Spacer(0, self.section_gap), self._encouragement_box()]
        return story

    def _section(
        self, heading: str, rows: list[list[Any]], make_table: Callable[[list[list[Any]]], Table]
    ) -> list[Flowable]:
        """A heading kept with the first row of its list; the rest may run on to the next
        page."""
        section: list[Flowable] = [
            KeepTogether([self._paragraph(heading, "heading"), make_table(rows[:1])])
        ]
        if rows[1:]:
            section.append(make_table(rows[1:]))
        return section

    def _achieved_rows(self) -> list[list[Any]]:
        return [
            [self._paragraph(CHECK_MARK, "mark"), self._paragraph(skill.label, "body")]
            for skill in self.passport.achieved
        ]

    def _next_steps_rows(self) -> list[list[Any]]:
        return [
            [self._paragraph(NEXT_MARK, "mark"), self._paragraph(label, "body")]
            for label in self.passport.next_steps
        ]

    def _in_progress_rows(self) -> list[list[Any]]:
        gettext = self.gettext
        return [
            [
                self._paragraph(skill.label, "body"),
                LevelBar(skill.level),
                self._paragraph(gettext(SKILL_LEVELS.label(skill.level)), "level"),
            ]
            for skill in self.passport.in_progress
        ]

    def _marked_table(self, rows: list[list[Any]]) -> Table:
        table = Table(rows, colWidths=[_MARK_WIDTH, CONTENT_WIDTH - _MARK_WIDTH], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    *self._cell_font,
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), self.row_padding),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), self.row_padding),
                ]
            )
        )
        return table

    def _levels_table(self, rows: list[list[Any]]) -> Table:
        """Skill, level bar, level in words; the words' column as wide as the longest
        level name of the passport's language needs."""
        body, style = self.styles["body"], self.styles["level"]
        words_width = min(
            max(
                stringWidth(self.gettext(label), style.fontName, style.fontSize)
                for _code, label in SKILL_LEVELS
            )
            + 2 * mm,
            _MAX_LEVEL_WORDS_WIDTH,
        )
        bar_width = LEVEL_BAR_WIDTH + 2 * _BAR_PADDING
        table = Table(
            rows,
            colWidths=[CONTENT_WIDTH - bar_width - words_width, bar_width, words_width],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    *self._cell_font,
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("LEFTPADDING", (1, 0), (1, -1), _BAR_PADDING),
                    ("TOPPADDING", (0, 0), (-1, -1), self.row_padding),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), self.row_padding),
                    ("TOPPADDING", (1, 0), (1, -1), self.row_padding + 0.3 * mm),
                    # The level's first baseline on the skill's.
                    (
                        "TOPPADDING",
                        (2, 0),
                        (2, -1),
                        self.row_padding + body.fontSize - style.fontSize,
                    ),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.5, _RULE),
                ]
            )
        )
        return table

    def _encouragement_box(self) -> Flowable:
        passport = self.passport
        opening, closing = ("«\u00a0", "\u00a0»") if passport.language == "fr" else ("“", "”")
        quoted = f"{opening}{passport.encouragement}{closing}"
        cell: list[Flowable] = [_Slanted(quoted, self.styles["encouragement"])]
        if passport.mediator_first_name:
            cell.append(self._paragraph(f"— {passport.mediator_first_name}", "signature"))
        box = Table([[cell]], colWidths=[CONTENT_WIDTH], hAlign="LEFT")
        box.setStyle(
            TableStyle(
                [
                    *self._cell_font,
                    ("BOX", (0, 0), (-1, -1), 1.5, ACCENT),
                    ("LEFTPADDING", (0, 0), (-1, -1), 7 * mm),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 7 * mm),
                    ("TOPPADDING", (0, 0), (-1, -1), 4 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm),
                ]
            )
        )
        return KeepTogether([box])


class _Rule(Flowable):
    """A thin line across the page under the passport's heading."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 6 * mm

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setStrokeColor(ACCENT)
        self.canv.setLineWidth(2)
        self.canv.line(0, 2 * mm, self.width, 2 * mm)
        self.canv.restoreState()
