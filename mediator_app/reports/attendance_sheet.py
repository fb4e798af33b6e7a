"""The printed attendance sheet (feuille d'émargement): the proof a funder audits.

Each sheet is a Platypus story on its own page template: the template's callback draws
the header (organisation, logos, QR code of the occurrence) and the footer (EU emblem,
funding statement, disclaimer); a two-pass canvas writes "page x / y" once the number of
pages of each sheet is known. Labels are translated with the sheet's language, which need
not be the language of the interface.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mediator_app.domain.text import sort_key
from mediator_app.domain.validation import MessageError
from mediator_app.i18n import (
    N_,
    PARTNER_LANGUAGES,
    format_date,
    format_time,
    translations_for,
)
from mediator_app.reports.eu_emblem import draw_eu_emblem, emblem_width
from mediator_app.reports.fonts import BOLD, REGULAR, register_fonts
from mediator_app.reports.held_pages import HeldPagesCanvas

#: The languages a sheet can be printed in.
SHEET_LANGUAGES = PARTNER_LANGUAGES

#: The statement printed beside the EU emblem, in each language, as the EU words it.
FUNDING_STATEMENTS: dict[str, str] = {
    "en": "Co-funded by the European Union",
    "fr": "Cofinancé par l'Union européenne",
    "es": "Cofinanciado por la Unión Europea",
    "it": "Cofinanziato dall'Unione europea",
    "pt": "Cofinanciado pela União Europeia",
}

#: The Erasmus+ disclaimer: its opening funding sentence, then the sentences on
#: responsibility. Beside the emblem the funding statement already says who funds the
#: action, so only the second part is printed there.
ERASMUS_DISCLAIMERS: dict[str, tuple[str, str]] = {
    "en": (
        "Funded by the European Union.",
        "Views and opinions expressed are however those of the author(s) only and do not "
        "necessarily reflect those of the European Union or the European Education and "
        "Culture Executive Agency (EACEA). Neither the European Union nor EACEA can be "
        "held responsible for them.",
    ),
    "fr": (
        "Financé par l'Union européenne.",
        "Les points de vue et avis exprimés n'engagent toutefois que leur(s) auteur(s) et "
        "ne reflètent pas nécessairement ceux de l'Union européenne ou de l'Agence "
        "exécutive européenne pour l'éducation et la culture (EACEA). Ni l'Union "
        "européenne ni l'EACEA ne sauraient en être tenues pour responsables.",
    ),
    "es": (
        "Financiado por la Unión Europea.",
        "Las opiniones y puntos de vista expresados solo comprometen a su(s) autor(es) y "
        "no reflejan necesariamente los de la Unión Europea o los de la Agencia Ejecutiva "
        "Europea de Educación y Cultura (EACEA). Ni la Unión Europea ni la EACEA pueden "
        "ser considerados responsables de ellos.",
    ),
    "it": (
        "Finanziato dall'Unione europea.",
        "Le opinioni espresse appartengono, tuttavia, al solo o ai soli autori e non "
        "riflettono necessariamente le opinioni dell'Unione europea o dell'Agenzia "
        "esecutiva europea per l'istruzione e la cultura (EACEA). Né l'Unione europea né "
        "l'EACEA possono esserne ritenute responsabili.",
    ),
    "pt": (
        "Financiado pela União Europeia.",
        "Os pontos de vista e as opiniões expressas são as do(s) autor(es) e não refletem "
        "necessariamente a posição da União Europeia ou da Agência de Execução Europeia da "
        "Educação e da Cultura (EACEA). Nem a União Europeia nem a EACEA podem ser tidas "
        "como responsáveis por essas opiniões.",
    ),
}

QR_PREFIX = "passerelle:occurrence:"

# Messages of the sheet, translated with the sheet's language.
_ATTENDANCE_SHEET = N_("Attendance sheet")
_DATE = N_("Date")
_TIME = N_("Time")
_PLACE = N_("Place")
_FACILITATOR = N_("Facilitator")
_SIGNATURE = N_("Signature")
_NUMBER = N_("No.")
_LAST_NAME = N_("Last name")
_FIRST_NAME = N_("First name")
_MORNING = N_("Morning")
_AFTERNOON = N_("Afternoon")
_INSTRUCTION = N_(
    "Please sign in the room, during the session. Walk-ins: write your name on a blank row."
)
_PAGE_OF = N_("page %(page)s / %(pages)s")

NOON = time(12, 0)
AFTERNOON_START = time(13, 0)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
HEADER_TOP = PAGE_HEIGHT - 10 * mm
HEADER_HEIGHT = 24 * mm
QR_SIZE = 24 * mm
#: Logos are scaled to this height (less if one is very wide); the EU emblem is never lower.
LOGO_HEIGHT = 15 * mm
LOGO_MAX_WIDTH = 45 * mm
LOGO_GAP = 4 * mm
#: The header keeps at least this width for the organisation's name.
LOGO_TEXT_MIN_WIDTH = 60 * mm
FRAME_TOP = HEADER_TOP - HEADER_HEIGHT - 5 * mm
PAGE_NUMBER_BASELINE = 10 * mm
FOOTER_GAP = 4 * mm
EMBLEM_HEIGHT = LOGO_HEIGHT
STATEMENT_WIDTH = 42 * mm
ROW_HEIGHT = 1 * cm
FACILITATOR_ROW_HEIGHT = 1.3 * cm
CELL_PADDING = 4

_NUMBER_WIDTH = 11 * mm
_LAST_NAME_WIDTH = 50 * mm
_FIRST_NAME_WIDTH = 44 * mm
_SIGNATURES_WIDTH = CONTENT_WIDTH - _NUMBER_WIDTH - _LAST_NAME_WIDTH - _FIRST_NAME_WIDTH
_RULE_COLOUR = colors.Color(0.45, 0.45, 0.45)
_HEADER_FILL = colors.Color(0.9, 0.9, 0.9)
_MUTED = colors.Color(0.3, 0.3, 0.3)


_GRID_STYLE = [
    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
    ("FONTSIZE", (0, 0), (-1, -1), 10),
    ("LEADING", (0, 0), (-1, -1), 12.5),
    ("GRID", (0, 0), (-1, -1), 0.5, _RULE_COLOUR),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
]


@dataclass(frozen=True)
class SheetParticipant:
    last_name: str
    first_name: str


@dataclass(frozen=True)
class AttendanceSheet:
    """What one printed sheet shows: one occurrence of a workshop."""

    organisation: str
    title: str
    occurrence_id: str
    day: date
    start: time
    end: time
    place: str
    facilitators: tuple[str, ...]
    participants: tuple[SheetParticipant, ...]
    logos: tuple[Path, ...] = ()
    blank_rows: int = 5
    eu_funded: bool = False
    erasmus_disclaimer: bool = False
    language: str = "fr"


class SheetError(MessageError):
    """A sheet that cannot be printed for a reason the mediator can fix."""

    message = N_("The attendance sheet could not be printed.")


def qr_payload(occurrence_id: str) -> str:
    """The text the sheet's QR code carries, which matches a scanned sheet to its
    occurrence."""
    return f"{QR_PREFIX}{occurrence_id}"


def signature_columns(start: time, end: time) -> tuple[str, ...]:
    """The message ids of the signature columns: one per half-day the occurrence covers
    when it spans morning and afternoon (starts before noon, ends after 13:00)."""
    if start < NOON and end > AFTERNOON_START:
        return (_MORNING, _AFTERNOON)
    return (_SIGNATURE,)


def sorted_participants(participants: Sequence[SheetParticipant]) -> list[SheetParticipant]:
    """Participants by last name, then first name, accents and case ignored."""
    return sorted(
        participants,
        key=lambda person: (
            sort_key(person.last_name, person.first_name),
            person.last_name,
            person.first_name,
        ),
    )


def write_sheets(sheets: Sequence[AttendanceSheet], output: BinaryIO | Path) -> int:
    """One PDF holding every sheet (bulk print of a series or a week), each sheet starting
    on a new page with its own 'page x / y'. Returns the number of pages.

    Every sheet is checked (language, times, logos) before anything is written: on a
    ``SheetError`` the output is left untouched. A sheet takes some 50 ms: do not call
    this on the UI thread.
    """
    if not sheets:
        raise SheetError(N_("There is no attendance sheet to print."))
    for sheet in sheets:
        _check(sheet)
    logos = _load_logos(path for sheet in sheets for path in sheet.logos)
    register_fonts()
    buffer = io.BytesIO()
    pages = _SheetDocument(buffer, sheets, logos).build_sheets()
    data = buffer.getvalue()
    if not isinstance(output, Path):
        output.write(data)
        return pages
    try:
        output.write_bytes(data)
    except OSError as error:
        raise SheetError(
            N_("The PDF could not be saved as %(path)s: %(reason)s."),
            path=str(output),
            reason=error.strerror or str(error),
        ) from error
    return pages


def _check(sheet: AttendanceSheet) -> None:
    if sheet.language not in SHEET_LANGUAGES:
        raise SheetError(
            N_("Attendance sheets cannot be printed in %(language)s; choose one of %(choices)s."),
            language=sheet.language,
            choices=", ".join(SHEET_LANGUAGES),
        )
    if sheet.end <= sheet.start:
        raise SheetError(
            N_("The session “%(title)s” ends before it starts; correct its times first."),
            title=sheet.title,
        )
    if sheet.blank_rows < 0:
        raise SheetError(N_("The number of blank rows cannot be negative."))


@dataclass(frozen=True)
class _Logo:
    path: Path
    width_px: int
    height_px: int

    def size(self, height: float) -> tuple[float, float]:
        """Width and height when drawn ``height`` high, narrowed to the widest allowed."""
        width = height * self.width_px / self.height_px
        if width > LOGO_MAX_WIDTH:
            return LOGO_MAX_WIDTH, LOGO_MAX_WIDTH * self.height_px / self.width_px
        return width, height


def _load_logos(paths: Iterable[Path | str]) -> dict[Path, _Logo]:
    """Read each logo once, fully, so that a damaged file fails here and not half-way
    through the document."""
    logos: dict[Path, _Logo] = {}
    for path in paths:
        path = Path(path)
        if path in logos:
            continue
        try:
            reader = ImageReader(str(path))
            width_px, height_px = reader.getSize()
            if width_px <= 0 or height_px <= 0:
                raise ValueError("empty image")
            reader.getRGBData()
        except Exception as error:
            raise SheetError(
                N_(
                    "The logo %(path)s could not be read as an image. Choose a PNG or "
                    "JPEG file in the settings."
                ),
                path=str(path),
            ) from error
        logos[path] = _Logo(path, width_px, height_px)
    return logos


def _fit_logos(logos: Sequence[_Logo]) -> list[tuple[Path, float, float]]:
    """Each logo's path, width and height in the header: ``LOGO_HEIGHT`` high (lower when
    very wide), all of them narrowed together when they would crowd out the organisation's
    name and the QR code."""
    sizes = [(logo.path, *logo.size(LOGO_HEIGHT)) for logo in logos]
    total = sum(width for _, width, _ in sizes) + LOGO_GAP * max(len(sizes) - 1, 0)
    room = CONTENT_WIDTH - QR_SIZE - LOGO_TEXT_MIN_WIDTH
    if total <= room:
        return sizes
    scale = (room - LOGO_GAP * (len(sizes) - 1)) / (total - LOGO_GAP * (len(sizes) - 1))
    return [(path, width * scale, height * scale) for path, width, height in sizes]


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    """The one style sheet of the attendance sheet; fonts must be registered first."""
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=12.5, alignment=TA_LEFT)
    return {
        "body": base,
        "bold": ParagraphStyle("bold", parent=base, fontName=BOLD),
        "name": ParagraphStyle("name", parent=base, embeddedHyphenation=1),
        "bold name": ParagraphStyle("bold name", parent=base, fontName=BOLD, embeddedHyphenation=1),
        "kind": ParagraphStyle(
            "kind", parent=base, fontSize=10, textColor=_MUTED, spaceAfter=1 * mm
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontName=BOLD, fontSize=16, leading=19, spaceAfter=3 * mm
        ),
        "organisation": ParagraphStyle(
            "organisation", parent=base, fontName=BOLD, fontSize=12, leading=14.5
        ),
        "organisation small": ParagraphStyle(
            "organisation small", parent=base, fontName=BOLD, fontSize=10, leading=12
        ),
        "running": ParagraphStyle("running", parent=base, textColor=_MUTED),
        "running small": ParagraphStyle(
            "running small", parent=base, fontSize=8, leading=9.5, textColor=_MUTED
        ),
        "instruction": ParagraphStyle(
            "instruction", parent=base, spaceBefore=3 * mm, spaceAfter=2 * mm
        ),
        "statement": ParagraphStyle("statement", parent=base, fontName=BOLD, fontSize=10),
        "disclaimer": ParagraphStyle("disclaimer", parent=base, fontSize=7.5, leading=9),
    }


def _paragraph(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text), _styles()[style])


class _NumberedCanvas(HeldPagesCanvas):
    """Writes 'page x / y' on each page, counting the pages of each sheet apart."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.page_label: tuple[int, str] = (0, "%(page)s / %(pages)s")

    def save(self) -> None:
        self._sheet_totals = Counter(state["page_label"][0] for state in self._held_pages)
        self._sheet_seen: Counter[int] = Counter()
        super().save()

    def finish_page(self, number: int, total: int) -> None:
        sheet_index, template = self.page_label
        self._sheet_seen[sheet_index] += 1
        self.setFont(REGULAR, 10)
        self.setFillColor(colors.black)
        self.drawRightString(
            PAGE_WIDTH - MARGIN,
            PAGE_NUMBER_BASELINE,
            template
            % {"page": self._sheet_seen[sheet_index], "pages": self._sheet_totals[sheet_index]},
        )


class _SheetLayout:
    """What is drawn around the story of one sheet, measured once."""

    def __init__(self, index: int, sheet: AttendanceSheet, logos: dict[Path, _Logo]):
        self.index = index
        self.sheet = sheet
        self.gettext = translations_for(sheet.language).gettext
        self.logos = _fit_logos([logos[Path(path)] for path in sheet.logos])
        self.date_text = format_date(sheet.day, "full", sheet.language)
        self.time_text = (
            f"{format_time(sheet.start, sheet.language)} – {format_time(sheet.end, sheet.language)}"
        )
        self.qr = _qr_drawing(qr_payload(sheet.occurrence_id), QR_SIZE)
        self.first_page: int | None = None
        self._footer = self._footer_parts()
        self.footer_height = self._measure_footer()

    def page_template(self) -> PageTemplate:
        bottom = PAGE_NUMBER_BASELINE + self.footer_height + FOOTER_GAP
        frame = Frame(
            MARGIN,
            bottom,
            CONTENT_WIDTH,
            FRAME_TOP - bottom,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=f"body-{self.index}",
        )
        return PageTemplate(id=self.template_id, frames=[frame], onPage=self.draw_page)

    @property
    def template_id(self) -> str:
        return f"sheet-{self.index}"

    # Footer -------------------------------------------------------------------------

    def _footer_parts(self) -> tuple[Paragraph | None, Paragraph | None]:
        sheet = self.sheet
        statement = (
            _paragraph(FUNDING_STATEMENTS[sheet.language], "statement") if sheet.eu_funded else None
        )
        disclaimer = None
        if sheet.erasmus_disclaimer:
            funding, responsibility = ERASMUS_DISCLAIMERS[sheet.language]
            text = responsibility if sheet.eu_funded else f"{funding} {responsibility}"
            disclaimer = _paragraph(text, "disclaimer")
        return statement, disclaimer

    def _disclaimer_box(self) -> tuple[float, float]:
        """Left edge and width of the disclaimer."""
        if self.sheet.eu_funded:
            left = MARGIN + emblem_width(EMBLEM_HEIGHT) + 3 * mm + STATEMENT_WIDTH + 4 * mm
            return left, PAGE_WIDTH - MARGIN - left
        return MARGIN, CONTENT_WIDTH

    def _measure_footer(self) -> float:
        statement, disclaimer = self._footer
        height = 0.0
        if statement is not None:
            statement.wrap(STATEMENT_WIDTH, PAGE_HEIGHT)
            height = EMBLEM_HEIGHT
        if disclaimer is not None:
            _, width = self._disclaimer_box()
            height = max(height, disclaimer.wrap(width, PAGE_HEIGHT)[1])
        return height + 4 * mm if height else 0.0

    def _draw_footer(self, canvas: Canvas) -> None:
        statement, disclaimer = self._footer
        band_bottom = PAGE_NUMBER_BASELINE + 4 * mm
        band_height = self.footer_height - 4 * mm
        if statement is not None:
            emblem_bottom = band_bottom + (band_height - EMBLEM_HEIGHT) / 2
            draw_eu_emblem(canvas, MARGIN, emblem_bottom, EMBLEM_HEIGHT)
            statement_height = statement.height
            statement.drawOn(
                canvas,
                MARGIN + emblem_width(EMBLEM_HEIGHT) + 3 * mm,
                emblem_bottom + (EMBLEM_HEIGHT - statement_height) / 2,
            )
        if disclaimer is not None:
            left, _ = self._disclaimer_box()
            disclaimer.drawOn(canvas, left, band_bottom + (band_height - disclaimer.height) / 2)

    # Header -------------------------------------------------------------------------

    def _draw_header(self, canvas: Canvas, continued: bool) -> None:
        band_bottom = HEADER_TOP - HEADER_HEIGHT
        x = MARGIN
        for path, width, height in self.logos:
            canvas.drawImage(
                str(path),
                x,
                band_bottom + (HEADER_HEIGHT - height) / 2,
                width,
                height,
                mask="auto",
            )
            x += width + LOGO_GAP
        qr_left = PAGE_WIDTH - MARGIN - QR_SIZE
        renderPDF.draw(self.qr, canvas, qr_left, band_bottom)
        text_left = x + (2 * mm if self.logos else 0)
        text_width = qr_left - 3 * mm - text_left
        running = f"{self.sheet.title} — {self.date_text}, {self.time_text}" if continued else ""
        blocks, heights = self._header_text(text_width, running)
        y = band_bottom + (HEADER_HEIGHT + sum(heights)) / 2
        for block, height in zip(blocks, heights, strict=True):
            y -= height
            block.drawOn(canvas, text_left, y)
        canvas.setStrokeColor(_RULE_COLOUR)
        canvas.setLineWidth(0.5)
        rule_y = band_bottom - 2 * mm
        canvas.line(MARGIN, rule_y, PAGE_WIDTH - MARGIN, rule_y)

    def _header_text(self, width: float, running: str) -> tuple[list[Paragraph], list[float]]:
        """The organisation's name, and on later pages the title and date of the session,
        in smaller type when the normal size would not fit the header."""
        for organisation_style, running_style in (
            ("organisation", "running"),
            ("organisation small", "running small"),
        ):
            blocks = [_paragraph(self.sheet.organisation, organisation_style)]
            if running:
                blocks.append(_paragraph(running, running_style))
            heights = [block.wrap(width, HEADER_HEIGHT)[1] for block in blocks]
            if sum(heights) <= HEADER_HEIGHT:
                break
        return blocks, heights

    def draw_page(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        if self.first_page is None:
            self.first_page = document.page
        canvas.saveState()
        self._draw_header(canvas, continued=document.page != self.first_page)
        self._draw_footer(canvas)
        canvas.restoreState()
        canvas.page_label = (self.index, self.gettext(_PAGE_OF))

    # Story --------------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        sheet, gettext = self.sheet, self.gettext
        return [
            _paragraph(gettext(_ATTENDANCE_SHEET), "kind"),
            _paragraph(sheet.title, "title"),
            self._details_table(),
            Spacer(0, 4 * mm),
            self._facilitators_table(),
            _paragraph(gettext(_INSTRUCTION), "instruction"),
            self._participants_table(),
        ]

    def _details_table(self) -> Table:
        gettext = self.gettext
        rows = [
            [
                _paragraph(gettext(_DATE), "bold"),
                _paragraph(self.date_text, "body"),
                _paragraph(gettext(_TIME), "bold"),
                _paragraph(self.time_text, "body"),
            ],
            [_paragraph(gettext(_PLACE), "bold"), _paragraph(self.sheet.place, "body"), "", ""],
        ]
        table = Table(rows, colWidths=[24 * mm, 86 * mm, 22 * mm, None])
        table.setStyle(
            TableStyle(
                [
                    ("SPAN", (1, 1), (3, 1)),
                    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return table

    def _facilitators_table(self) -> Table:
        gettext = self.gettext
        names = self.sheet.facilitators or ("",)
        rows: list[list[Any]] = [[gettext(_FACILITATOR), gettext(_SIGNATURE)]]
        rows += [[_paragraph(name, "body"), ""] for name in names]
        table = Table(
            rows,
            colWidths=[_NUMBER_WIDTH + _LAST_NAME_WIDTH + _FIRST_NAME_WIDTH, _SIGNATURES_WIDTH],
            rowHeights=[None] + [FACILITATOR_ROW_HEIGHT] * len(names),
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    *_GRID_STYLE,
                    ("FONTNAME", (0, 0), (-1, 0), BOLD),
                    ("BACKGROUND", (0, 0), (-1, 0), _HEADER_FILL),
                ]
            )
        )
        return table

    def _participants_table(self) -> Table:
        gettext = self.gettext
        columns = signature_columns(self.sheet.start, self.sheet.end)
        split = len(columns) > 1
        signature_width = _SIGNATURES_WIDTH / len(columns)
        widths = [_NUMBER_WIDTH, _LAST_NAME_WIDTH, _FIRST_NAME_WIDTH] + [signature_width] * len(
            columns
        )
        header: list[list[Any]]
        if split:
            header = [
                [gettext(_NUMBER), gettext(_LAST_NAME), gettext(_FIRST_NAME), gettext(_SIGNATURE)]
                + [""] * (len(columns) - 1),
                ["", "", ""] + [gettext(column) for column in columns],
            ]
        else:
            header = [
                [gettext(_NUMBER), gettext(_LAST_NAME), gettext(_FIRST_NAME), gettext(_SIGNATURE)]
            ]
        blank_signatures = [""] * len(columns)
        rows: list[list[Any]] = []
        heights: list[float | None] = [None] * len(header)
        participants = sorted_participants(self.sheet.participants)
        for number, person in enumerate(participants, start=1):
            last, last_fits = _name_cell(person.last_name, BOLD, "bold name", _LAST_NAME_WIDTH)
            first, first_fits = _name_cell(person.first_name, REGULAR, "name", _FIRST_NAME_WIDTH)
            rows.append([str(number), last, first, *blank_signatures])
            heights.append(ROW_HEIGHT if last_fits and first_fits else None)
        for number in range(len(participants) + 1, len(participants) + self.sheet.blank_rows + 1):
            rows.append([str(number), "", "", *blank_signatures])
            heights.append(ROW_HEIGHT)
        style = [
            *_GRID_STYLE,
            ("FONTNAME", (0, 0), (-1, len(header) - 1), BOLD),
            ("BACKGROUND", (0, 0), (-1, len(header) - 1), _HEADER_FILL),
            ("ALIGN", (0, len(header)), (0, -1), "RIGHT"),
            ("FONTNAME", (1, len(header)), (1, -1), BOLD),
        ]
        if split:
            style += [
                ("SPAN", (3, 0), (-1, 0)),
                *(("SPAN", (column, 0), (column, 1)) for column in range(3)),
                ("ALIGN", (3, 0), (-1, 1), "CENTER"),
            ]
        table = Table(header + rows, colWidths=widths, rowHeights=heights, repeatRows=len(header))
        table.setStyle(TableStyle(style))
        return table


def _name_cell(text: str, font: str, style: str, width: float) -> tuple[Any, bool]:
    """A plain string when the name fits on one line (quick to lay out), else a paragraph
    that wraps; and whether it fitted."""
    if stringWidth(text, font, 10) <= width - 2 * CELL_PADDING:
        return text, True
    return _paragraph(text, style), False


@lru_cache(maxsize=64)
def _qr_drawing(payload: str, size: float) -> Drawing:
    widget = QrCodeWidget(payload, barLevel="M", barWidth=size, barHeight=size)
    drawing = Drawing(size, size, initialFontName=REGULAR)
    drawing.add(widget.draw())
    return drawing


class _SheetDocument(BaseDocTemplate):
    def __init__(
        self, output: BinaryIO, sheets: Sequence[AttendanceSheet], logos: dict[Path, _Logo]
    ):
        self._layouts = [_SheetLayout(index, sheet, logos) for index, sheet in enumerate(sheets)]
        first = sheets[0]
        super().__init__(
            output,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=PAGE_HEIGHT - FRAME_TOP,
            bottomMargin=MARGIN,
            title=first.title if len(sheets) == 1 else first.organisation,
            author=first.organisation,
            subject=translations_for(first.language).gettext(_ATTENDANCE_SHEET),
            creator="Passerelle",
            lang=first.language,
            initialFontName=REGULAR,
            initialFontSize=10,
            pageTemplates=[layout.page_template() for layout in self._layouts],
        )
        self._canvas: _NumberedCanvas | None = None

    def build_sheets(self) -> int:
        story: list[Flowable] = []
        for layout in self._layouts:
            if story:
                story += [NextPageTemplate(layout.template_id), PageBreak()]
            story += layout.story()
        self.build(story, canvasmaker=self._make_canvas)
        assert self._canvas is not None
        return self._canvas.page_count

    def _make_canvas(self, *args: Any, **kwargs: Any) -> _NumberedCanvas:
        self._canvas = _NumberedCanvas(*args, **kwargs)
        return self._canvas
