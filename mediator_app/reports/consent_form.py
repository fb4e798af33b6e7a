"""The printable consent form: the information text in the resident's language beside
the centre's (one column when they are the same), then the form itself: name, date, two
boxes to tick (I agree / I do not agree, and then only anonymous visits) and the lines
where the resident and the mediator sign.

Every word on the page comes from the version of the text (``resources/consent/``), so
a signed form always matches the version recorded with the resident's consent; each
page says which version it is and "page x / y". The text is a table whose rows are the
sections, side by side in both languages, so a long text runs on to further pages with
the languages' headers repeated.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    LayoutError,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mediator_app.domain.consent import ConsentTextVersion, InformationText
from mediator_app.i18n import LANGUAGES
from mediator_app.reports.fonts import BOLD, REGULAR, register_fonts
from mediator_app.reports.held_pages import HeldPagesCanvas

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
FOOTER_BASELINE = 9 * mm
FRAME_BOTTOM = FOOTER_BASELINE + 7 * mm
COLUMN_GAP = 8 * mm
#: Body size with two languages side by side, and with one across the page.
TWO_COLUMN_BODY_PT = 11
ONE_COLUMN_BODY_PT = 13
TICK_BOX_SIZE = 6 * mm
SIGNATURE_SPACE = 18 * mm
#: The one accent colour (a dark teal above 7:1 on white), as the passport's.
ACCENT = colors.HexColor("#0B5563")
_RULE = colors.Color(0.45, 0.45, 0.45)


@dataclass(frozen=True)
class ConsentForm:
    """What one printed form holds. An empty name or ``day`` leaves a line to fill in
    by hand."""

    version: ConsentTextVersion
    resident_language: str
    centre_language: str
    centre_name: str = ""
    resident_name: str = ""
    mediator_name: str = ""
    day: date | None = None

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages printed, the resident's first: one when both read the same
        text (after falling back for a language without one)."""
        resident = self.version.language_for(self.resident_language)
        centre = self.version.language_for(self.centre_language)
        return (resident,) if resident == centre else (resident, centre)

    def texts(self) -> tuple[InformationText, ...]:
        return tuple(self.version.text(language, self.centre_name) for language in self.languages)


def write_consent_form(form: ConsentForm, output: BinaryIO | Path) -> int:
    """Write the form as a PDF to ``output``; returns its number of pages. Nothing is
    written to ``output`` when building fails.

    Raises ``OSError`` when a ``Path`` cannot be written or a font is missing.
    """
    register_fonts()
    try:
        data, pages = _build(form, split_in_row=False)
    except LayoutError:
        # A section longer than a page: let it break inside, as sections are whole
        # otherwise (a heading never ends a page away from its paragraph).
        data, pages = _build(form, split_in_row=True)
    if isinstance(output, Path):
        output.write_bytes(data)
    else:
        output.write(data)
    return pages


def _build(form: ConsentForm, *, split_in_row: bool) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    pages = _ConsentDocument(buffer, form, split_in_row=split_in_row).build_form()
    return buffer.getvalue(), pages


def form_date(day: date) -> str:
    """The date as the four countries write it by hand: 29/11/2026."""
    return day.strftime("%d/%m/%Y")


@lru_cache(maxsize=2)
def styles(body_size: float) -> dict[str, ParagraphStyle]:
    """The form's one style sheet around a body of ``body_size`` points; the fonts must
    be registered first."""
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=body_size, leading=body_size * 1.32)
    return {
        "body": body,
        "centre": ParagraphStyle(
            "centre", parent=body, fontName=BOLD, fontSize=body_size + 2,
            leading=(body_size + 2) * 1.25,
        ),
        "language": ParagraphStyle(
            "language", parent=body, fontName=BOLD, fontSize=body_size - 1,
            leading=(body_size - 1) * 1.3, textColor=colors.white,
        ),
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=body_size + 4,
            leading=(body_size + 4) * 1.22, textColor=ACCENT,
        ),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=BOLD, fontSize=body_size + 0.5,
            leading=(body_size + 0.5) * 1.3, spaceAfter=1 * mm,
        ),
        "label": ParagraphStyle("label", parent=body, fontName=BOLD),
        "filled": ParagraphStyle(
            "filled", parent=body, fontSize=body_size + 2, leading=(body_size + 2) * 1.25
        ),
        "small": ParagraphStyle(
            "small", parent=body, fontSize=body_size - 1, leading=(body_size - 1) * 1.3
        ),
    }  # fmt: skip


class _TickBox(Flowable):
    """An empty square to tick by hand."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = self.height = TICK_BOX_SIZE
        return self.width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setLineWidth(1.2)
        self.canv.setStrokeColor(colors.black)
        self.canv.rect(0, 0, TICK_BOX_SIZE, TICK_BOX_SIZE, stroke=1, fill=0)
        self.canv.restoreState()


class _FormCanvas(HeldPagesCanvas):
    """Writes on each page the version of the text and "page x / y"."""

    def __init__(self, *args: Any, version_line: str, page_line: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._version_line = version_line
        self._page_line = page_line

    def finish_page(self, number: int, total: int) -> None:
        self.saveState()
        self.setFont(REGULAR, 9)
        self.setFillColor(colors.black)
        self.setStrokeColor(_RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, FOOTER_BASELINE + 4 * mm, PAGE_WIDTH - MARGIN, FOOTER_BASELINE + 4 * mm)
        self.drawString(MARGIN, FOOTER_BASELINE, self._version_line)
        self.drawRightString(PAGE_WIDTH - MARGIN, FOOTER_BASELINE, self._page_line(number, total))
        self.restoreState()


class _ConsentDocument(BaseDocTemplate):
    def __init__(self, output: BinaryIO, form: ConsentForm, *, split_in_row: bool):
        self.form = form
        self.split_in_row = split_in_row
        self.texts = form.texts()
        self.two_columns = len(self.texts) == 2
        self.styles = styles(TWO_COLUMN_BODY_PT if self.two_columns else ONE_COLUMN_BODY_PT)
        self.column_width = (CONTENT_WIDTH - COLUMN_GAP) / 2 if self.two_columns else CONTENT_WIDTH
        #: Tables set a font even around flowables: ours, not ReportLab's Helvetica.
        self._cell_font = [
            ("FONTNAME", (0, 0), (-1, -1), REGULAR),
            ("FONTSIZE", (0, 0), (-1, -1), self.styles["body"].fontSize),
        ]
        frame = Frame(
            MARGIN,
            FRAME_BOTTOM,
            CONTENT_WIDTH,
            PAGE_HEIGHT - MARGIN - FRAME_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        first = self.texts[0]
        super().__init__(
            output,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=FRAME_BOTTOM,
            title=f"{first.form.title} — {first.title}",
            subject=first.form.version_line(form.version.version),
            author=form.centre_name,
            creator="Passerelle",
            lang=first.language,
            initialFontName=REGULAR,
            initialFontSize=self.styles["body"].fontSize,
            pageTemplates=[PageTemplate(id="page", frames=[frame])],
        )
        self._canvas: _FormCanvas | None = None

    def build_form(self) -> int:
        self.build(self._story(), canvasmaker=self._make_canvas)
        assert self._canvas is not None
        return self._canvas.page_count

    def _make_canvas(self, *args: Any, **kwargs: Any) -> _FormCanvas:
        version = self.form.version.version
        first = self.texts[0].form
        self._canvas = _FormCanvas(
            *args,
            version_line=self._both(lambda text: text.form.version_line(version)),
            page_line=first.page_line,
            **kwargs,
        )
        return self._canvas

    def _both(self, words: Any) -> str:
        """One wording in each printed language, the same once: ``a / b``."""
        seen: list[str] = []
        for text in self.texts:
            value = words(text)
            if value not in seen:
                seen.append(value)
        return " / ".join(seen)

    def _paragraph(self, text: str, style: str) -> Paragraph:
        return Paragraph(escape(text), self.styles[style])

    # Story --------------------------------------------------------------------------

    def _story(self) -> list[Flowable]:
        story: list[Flowable] = []
        if self.form.centre_name.strip():
            story += [self._paragraph(self.form.centre_name.strip(), "centre"), Spacer(0, 3 * mm)]
        story.append(self._text_table())
        story += [Spacer(0, 6 * mm), self._form_block()]
        return story

    def _columns(self, cells: list[Any]) -> list[Any]:
        """A row of one cell per printed language, with the gap between them."""
        if not self.two_columns:
            return cells
        return [cells[0], "", cells[1]]

    def _column_widths(self) -> list[float]:
        if not self.two_columns:
            return [CONTENT_WIDTH]
        return [self.column_width, COLUMN_GAP, self.column_width]

    def _text_table(self) -> Table:
        """The information text, each section beside its translation; the languages'
        names head every page it runs on to."""
        texts = self.texts
        rows: list[list[Any]] = []
        rows.append(
            self._columns([self._paragraph(LANGUAGES.get(t.language, t.language), "language")
                           for t in texts])
        )  # fmt: skip
        rows.append(self._columns([self._paragraph(t.title, "title") for t in texts]))
        for index in range(max(len(t.sections) for t in texts)):
            rows.append(self._columns([self._section_cell(t, index) for t in texts]))
        table = Table(
            rows,
            colWidths=self._column_widths(),
            # ReportLab repeats the header in the middle of a page when a row splits.
            repeatRows=0 if self.split_in_row else 1,
            hAlign="LEFT",
            splitInRow=int(self.split_in_row),
        )
        commands: list[Any] = [
            *self._cell_font,
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm),
            ("BOTTOMPADDING", (0, 1), (-1, 1), 3.5 * mm),
        ]
        for column in range(0, len(self._column_widths()), 2):
            commands += [
                ("BACKGROUND", (column, 0), (column, 0), ACCENT),
                ("LEFTPADDING", (column, 0), (column, 0), 2 * mm),
                ("TOPPADDING", (column, 0), (column, 0), 1 * mm),
                ("BOTTOMPADDING", (column, 0), (column, 0), 1.2 * mm),
            ]
        rows_after_header = len(rows) - 1
        if rows_after_header:
            commands.append(("TOPPADDING", (0, 1), (-1, 1), 2.5 * mm))
        table.setStyle(TableStyle(commands))
        return table

    def _section_cell(self, text: InformationText, index: int) -> list[Flowable]:
        if index >= len(text.sections):
            return []
        section = text.sections[index]
        return [self._paragraph(section.heading, "heading"), self._paragraph(section.text, "body")]

    def _form_block(self) -> Flowable:
        """Name, date, the two boxes and the signatures, kept on one page."""
        texts, form = self.texts, self.form
        both = self._both
        parts: list[Flowable] = [_Rule()]
        parts.append(
            Table(
                [self._columns([self._paragraph(t.form.title, "title") for t in texts])],
                colWidths=self._column_widths(),
                hAlign="LEFT",
                style=TableStyle(
                    [*self._cell_font, *_NO_PADDING, ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm)]
                ),
            )
        )
        name = form.resident_name.strip()
        day = form_date(form.day) if form.day else ""
        parts.append(
            self._filled_lines(
                [
                    (both(lambda t: t.form.name), name),
                    (both(lambda t: t.form.date), day),
                ]
            )
        )
        parts += [Spacer(0, 5 * mm), self._choices(), Spacer(0, 6 * mm), self._signatures()]
        return KeepTogether(parts)

    def _filled_lines(self, fields: list[tuple[str, str]]) -> Table:
        """A label, then the value on a line, or the line alone to write on."""
        style = self.styles["label"]
        widest = max(stringWidth(label, style.fontName, style.fontSize) for label, _ in fields)
        label_width = min(widest + 4 * mm, CONTENT_WIDTH * 0.5)
        rows = [
            [self._paragraph(label, "label"), self._paragraph(value, "filled") if value else ""]
            for label, value in fields
        ]
        table = Table(
            rows,
            colWidths=[label_width, CONTENT_WIDTH - label_width],
            rowHeights=[self.styles["filled"].leading + 6 * mm] * len(rows),
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    *self._cell_font,
                    *_NO_PADDING,
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm),
                    ("LINEBELOW", (1, 0), (1, -1), 0.8, colors.black),
                ]
            )
        )
        return table

    def _choices(self) -> Table:
        """Two boxes to tick, each beside its statement in every printed language."""
        texts = self.texts
        box_column = TICK_BOX_SIZE + 4 * mm
        text_width = CONTENT_WIDTH - box_column
        if self.two_columns:
            widths = [box_column, (text_width - COLUMN_GAP) / 2, COLUMN_GAP,
                      (text_width - COLUMN_GAP) / 2]  # fmt: skip
        else:
            widths = [box_column, text_width]

        def statement(words: Any) -> list[Any]:
            return self._columns([self._paragraph(words(t), "label") for t in texts])

        rows = [
            ["", *self._columns([self._paragraph(t.form.choose, "small") for t in texts])],
            [_TickBox(), *statement(lambda t: t.form.agree)],
            [_TickBox(), *statement(lambda t: t.form.refuse)],
        ]
        table = Table(rows, colWidths=widths, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    *self._cell_font,
                    *_NO_PADDING,
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BOTTOMPADDING", (0, 0), (-1, 0), 2 * mm),
                    ("TOPPADDING", (0, 1), (-1, -1), 2 * mm),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 2 * mm),
                    ("LINEABOVE", (1, 2), (-1, 2), 0.4, _RULE),
                ]
            )
        )
        return table

    def _signatures(self) -> Table:
        """The resident's signature and the mediator's, side by side, each on a line;
        the mediator's name under theirs when known."""
        both = self._both
        width = (CONTENT_WIDTH - COLUMN_GAP) / 2
        mediator = self.form.mediator_name.strip()
        rows = [
            [
                self._paragraph(both(lambda t: t.form.resident_signature), "label"),
                "",
                self._paragraph(both(lambda t: t.form.mediator_signature), "label"),
            ],
            ["", "", ""],
            ["", "", self._paragraph(mediator, "small") if mediator else ""],
        ]
        table = Table(
            rows,
            colWidths=[width, COLUMN_GAP, width],
            rowHeights=[None, SIGNATURE_SPACE, None],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    *self._cell_font,
                    *_NO_PADDING,
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 1), (0, 1), 0.8, colors.black),
                    ("LINEBELOW", (2, 1), (2, 1), 0.8, colors.black),
                    ("TOPPADDING", (0, 2), (-1, 2), 1 * mm),
                ]
            )
        )
        return table


_NO_PADDING = [
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]


class _Rule(Flowable):
    """A line across the page between the text and the form."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 5 * mm

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setStrokeColor(ACCENT)
        self.canv.setLineWidth(1.5)
        self.canv.line(0, 3 * mm, self.width, 3 * mm)
        self.canv.restoreState()
