"""The printed attendance sheet: read back with pypdf, as an auditor would read it."""

from __future__ import annotations

import io
import math
import re
import uuid
from datetime import date, time
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics

from mediator_app.reports import attendance_sheet
from mediator_app.reports.attendance_sheet import (
    EMBLEM_HEIGHT,
    FRAME_TOP,
    PAGE_NUMBER_BASELINE,
    AttendanceSheet,
    SheetError,
    SheetParticipant,
    qr_payload,
    signature_columns,
    write_sheets,
)
from mediator_app.reports.eu_emblem import emblem_width, star_centres, star_outline
from mediator_app.reports.fonts import REGULAR, register_fonts

SATURDAY = date(2026, 12, 5)


def _sheet(**changes) -> AttendanceSheet:
    values = {
        "organisation": "Centre social AAGESC",
        "title": "Premiers pas avec FranceConnect",
        "occurrence_id": str(uuid.uuid4()),
        "day": SATURDAY,
        "start": time(14, 0),
        "end": time(16, 0),
        "place": "FabLab",
        "facilitators": ("Camille Durand",),
        "participants": (
            SheetParticipant("Martin", "Hélène"),
            SheetParticipant("Ben Saïd", "Karim"),
            SheetParticipant("Nguyễn", "Thị Lan"),
        ),
    }
    values.update(changes)
    return AttendanceSheet(**values)


def _people(count: int) -> tuple[SheetParticipant, ...]:
    return tuple(
        SheetParticipant(f"Nom{index:03d}", f"Prénom{index:03d}") for index in range(count)
    )


def _write(tmp_path: Path, *sheets: AttendanceSheet) -> tuple[int, list[str], PdfReader]:
    output = tmp_path / "sheet.pdf"
    pages = write_sheets(sheets, output)
    reader = PdfReader(output)
    return pages, [page.extract_text() for page in reader.pages], reader


def _flat(text: str) -> str:
    """The text with line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


def _row_numbers(texts: list[str]) -> list[int]:
    return [int(line) for text in texts for line in text.splitlines() if line.strip().isdigit()]


def _content(reader: PdfReader, page: int = 0) -> str:
    return reader.pages[page].get_contents().get_data().decode("latin-1")


def _png(path: Path, size: tuple[int, int] = (60, 20)) -> Path:
    Image.new("RGBA", size, (200, 30, 30, 255)).save(path)
    return path


def test_title_organisation_place_and_times_are_printed(tmp_path):
    _, texts, _ = _write(tmp_path, _sheet(place="Salle « Ada Lovelace »"))
    text = _flat(texts[0])
    assert "Premiers pas avec FranceConnect" in text
    assert "Centre social AAGESC" in text
    assert "Salle « Ada Lovelace »" in text
    assert "14:00 – 16:00" in text


@pytest.mark.parametrize(
    ("language", "long_date"),
    [
        ("fr", "samedi 5 décembre 2026"),
        ("en", "Saturday, 5 December 2026"),
        ("es", "sábado, 5 de diciembre de 2026"),
        ("it", "sabato 5 dicembre 2026"),
        ("pt", "sábado, 5 de dezembro de 2026"),
    ],
)
def test_the_date_is_written_in_the_sheet_language(tmp_path, language, long_date):
    _, texts, _ = _write(tmp_path, _sheet(language=language))
    assert long_date in _flat(texts[0])


def test_every_name_prints_with_its_accents(tmp_path):
    people = (
        SheetParticipant("Nguyễn", "Thị Minh"),
        SheetParticipant("Yıldız", "Ayşe"),
        SheetParticipant("Wiśniewski", "Łukasz"),
        SheetParticipant("D'Aubigné", "Hélène"),
        SheetParticipant("Œuvray", "Zoë"),
        SheetParticipant("Ørsted", "Ícaro"),
        SheetParticipant("شريف", "علي"),
    )
    _, texts, _ = _write(
        tmp_path, _sheet(participants=people, place="Salle A & B <rez-de-chaussée>")
    )
    text = _flat(texts[0])
    for person in people[:-1]:
        assert person.last_name in text
        assert person.first_name in text
    assert "Salle A & B <rez-de-chaussée>" in text


def test_the_font_covers_french_number_spacing():
    register_fonts()
    face = pdfmetrics.getFont(REGULAR).face
    assert 0x202F in face.charToGlyph
    assert 0x1EC5 in face.charToGlyph  # ễ


def test_participants_are_sorted_by_last_then_first_name_ignoring_accents(tmp_path):
    people = (
        SheetParticipant("Zidane", "Yazid"),
        SheetParticipant("Élie", "Anne"),
        SheetParticipant("Martin", "Zoé"),
        SheetParticipant("Dupont", "Marc"),
        SheetParticipant("Martin", "Émile"),
        SheetParticipant("Ébert", "Paul"),
    )
    _, texts, _ = _write(tmp_path, _sheet(participants=people))
    text = texts[0]
    expected = ["Dupont", "Ébert", "Élie", "Émile", "Zoé", "Zidane"]
    positions = [text.index(name) for name in expected]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("language", "statement"),
    [("fr", "Cofinancé par l'Union européenne"), ("es", "Cofinanciado por la Unión Europea")],
)
def test_the_funding_statement_is_printed_when_eu_funded(tmp_path, language, statement):
    _, texts, reader = _write(tmp_path, _sheet(language=language, eu_funded=True))
    assert statement in _flat(texts[0])
    content = _content(reader)
    assert "0 .2 .6 rg" in content  # the emblem's blue, RGB 0/51/153
    assert "1 .8 0 rg" in content  # its stars' yellow, RGB 255/204/0


def test_no_funding_statement_nor_emblem_when_not_eu_funded(tmp_path):
    _, texts, reader = _write(tmp_path, _sheet(eu_funded=False))
    assert "Union européenne" not in _flat(texts[0])
    assert "0 .2 .6 rg" not in _content(reader)


def test_the_erasmus_disclaimer_is_an_option(tmp_path):
    _, without, _ = _write(tmp_path, _sheet(eu_funded=True))
    assert "EACEA" not in _flat(without[0])

    _, beside_emblem, _ = _write(tmp_path, _sheet(eu_funded=True, erasmus_disclaimer=True))
    text = _flat(beside_emblem[0])
    assert "Cofinancé par l'Union européenne" in text
    assert "Ni l'Union européenne ni l'EACEA ne sauraient en être tenues pour responsables." in text

    _, alone, _ = _write(tmp_path, _sheet(erasmus_disclaimer=True, language="en"))
    text = _flat(alone[0])
    assert (
        "Funded by the European Union. Views and opinions expressed are however those of the "
        "author(s) only" in text
    )
    assert "Neither the European Union nor EACEA can be held responsible for them." in text


def test_120_participants_fill_pages_with_headers_and_page_numbers(tmp_path):
    sheet = _sheet(participants=_people(120), language="en", blank_rows=5)
    pages, texts, reader = _write(tmp_path, sheet)

    assert pages == len(reader.pages)
    # Rows are 1 cm high: no fewer pages than the rows need, and no page wasted.
    frame_height = FRAME_TOP - PAGE_NUMBER_BASELINE
    assert math.ceil(125 * cm / frame_height) <= pages <= math.ceil(125 * cm / frame_height) + 1
    for number, text in enumerate(texts, start=1):
        assert "Last name" in text and "First name" in text and "Signature" in text
        assert f"page {number} / {pages}" in text
    assert _row_numbers(texts) == list(range(1, 126))
    assert "Nom119" in texts[-1]


def test_a_day_long_session_has_a_signature_column_per_half_day(tmp_path):
    _, day_long, _ = _write(tmp_path, _sheet(start=time(9), end=time(16), language="en"))
    assert "Morning" in day_long[0] and "Afternoon" in day_long[0]

    _, afternoon, _ = _write(tmp_path, _sheet(start=time(14), end=time(16), language="en"))
    assert "Morning" not in afternoon[0] and "Afternoon" not in afternoon[0]


@pytest.mark.parametrize(
    ("start", "end", "columns"),
    [
        (time(9), time(16), 2),
        (time(14), time(16), 1),
        (time(9), time(12), 1),
        (time(11), time(13), 1),
        (time(11, 59), time(13, 1), 2),
    ],
)
def test_half_days_are_counted_from_noon_and_one_pm(start, end, columns):
    assert len(signature_columns(start, end)) == columns


def test_blank_rows_add_numbered_rows_for_walk_ins(tmp_path):
    _, five, _ = _write(tmp_path, _sheet(blank_rows=5))
    assert _row_numbers(five) == list(range(1, 9))

    _, none, _ = _write(tmp_path, _sheet(blank_rows=0))
    assert _row_numbers(none) == [1, 2, 3]


def test_each_sheet_of_a_bulk_print_has_its_own_page_numbers():
    sheets = [
        _sheet(title="Séance 1", participants=_people(40), language="en"),
        _sheet(title="Séance 2", language="en"),
        _sheet(title="Séance 3", participants=_people(30), language="en"),
    ]
    output = io.BytesIO()
    pages = write_sheets(sheets, output)
    texts = [page.extract_text() for page in PdfReader(output).pages]

    assert pages == len(texts)
    labels = [tuple(map(int, re.search(r"page (\d+) / (\d+)", text).groups())) for text in texts]
    starts = [index for index, (page, _) in enumerate(labels) if page == 1]
    assert len(starts) == 3
    for sheet, first, end in zip(sheets, starts, [*starts[1:], len(labels)], strict=True):
        count = end - first
        assert labels[first:end] == [(page, count) for page in range(1, count + 1)]
        assert sheet.title in texts[first]
        assert all(sheet.title not in text for text in texts[:first])
    assert labels[starts[1]] == (1, 1)
    assert starts[1] >= 2


def test_an_unreadable_logo_stops_everything_and_names_the_file(tmp_path):
    broken = tmp_path / "logo.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really an image")
    output = tmp_path / "sheet.pdf"

    with pytest.raises(SheetError) as caught:
        write_sheets([_sheet(), _sheet(logos=(broken,))], output)

    assert str(broken) in caught.value.render()
    assert caught.value.params == {"path": str(broken)}
    assert not output.exists()
    stream = io.BytesIO()
    with pytest.raises(SheetError):
        write_sheets([_sheet(logos=(tmp_path / "missing.png",))], stream)
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(_png(tmp_path / "whole.png", (300, 300)).read_bytes()[:120])
    with pytest.raises(SheetError):
        write_sheets([_sheet(logos=(truncated,))], stream)
    assert stream.getvalue() == b""


def test_a_logo_is_embedded_and_never_taller_than_the_eu_emblem(tmp_path):
    logos = (
        _png(tmp_path / "wide.png", (400, 40)),
        _png(tmp_path / "tall.png", (100, 400)),
    )
    _, _, reader = _write(tmp_path, _sheet(logos=logos, eu_funded=True))

    xobjects = reader.pages[0]["/Resources"]["/XObject"]
    images = [name for name, ref in xobjects.items() if ref.get_object()["/Subtype"] == "/Image"]
    assert len(images) == 2
    drawn_heights = [
        float(height)
        for height, name in re.findall(r"\S+ 0 0 (\S+) \S+ \S+ cm\s+/(\S+) Do", _content(reader))
        if f"/{name}" in images
    ]
    assert len(drawn_heights) == 2
    assert max(drawn_heights) <= EMBLEM_HEIGHT + 0.01


def test_the_qr_code_carries_the_occurrence_id(tmp_path, monkeypatch):
    assert qr_payload("0190f0e2-7b1c") == "passerelle:occurrence:0190f0e2-7b1c"
    encoded = []
    real_widget = attendance_sheet.QrCodeWidget

    def recording_widget(value, **options):
        encoded.append(value)
        return real_widget(value, **options)

    monkeypatch.setattr(attendance_sheet, "QrCodeWidget", recording_widget)
    occurrence_id = str(uuid.uuid4())
    _, _, reader = _write(tmp_path, _sheet(occurrence_id=occurrence_id, participants=()))

    assert encoded == [qr_payload(occurrence_id)]
    # The modules are drawn: far more filled rectangles than the table's cells.
    assert _content(reader).count(" re") > 100


def test_only_embedded_dejavu_fonts_are_used(tmp_path):
    _, _, reader = _write(tmp_path, _sheet(eu_funded=True, erasmus_disclaimer=True))
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        assert "DejaVu" in font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_sheets_that_cannot_be_printed_are_refused(tmp_path):
    output = tmp_path / "sheet.pdf"
    with pytest.raises(SheetError):
        write_sheets([_sheet(language="de")], output)
    with pytest.raises(SheetError):
        write_sheets([_sheet(start=time(16), end=time(14))], output)
    with pytest.raises(SheetError):
        write_sheets([], output)
    assert not output.exists()


def test_the_emblem_follows_its_geometric_specification():
    height = 90.0
    assert emblem_width(height) == 135.0
    centres = star_centres(height)
    assert len(centres) == 12
    for x, y in centres:
        assert math.dist((x, y), (67.5, 45.0)) == pytest.approx(height / 3)
    assert centres[0] == pytest.approx((67.5, 75.0))  # twelve o'clock
    assert centres[3] == pytest.approx((97.5, 45.0))  # three o'clock
    corners = star_outline(0, 0, height / 18)
    assert len(corners) == 10
    assert corners[0] == pytest.approx((0, 5.0))  # upright: a point straight up
    assert max(math.dist((0, 0), corner) for corner in corners) == pytest.approx(5.0)
