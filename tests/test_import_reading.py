"""Files become tables: encodings, separators, empty lines, spreadsheets with merged
headers, dates and serials; formats Passerelle cannot read are refused in plain words."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from mediator_app.importing.errors import ImportFileError
from mediator_app.importing.reading import decode_text, read_csv_bytes, read_table, sniff_separator

DATA = Path(__file__).parent / "data" / "import"


def _xlsx(path: Path, rows: list[list[object]], *, title: str = "Feuil1", merges=(), extra=()):
    """A workbook made as a centre's spreadsheet program would: ``extra`` sheets first
    when given (``(title, rows)``), then this one."""
    workbook = Workbook()
    first = workbook.active
    sheets = []
    for sheet_title, sheet_rows in (*extra, (title, rows)):
        sheet = first if not sheets else workbook.create_sheet()
        sheet.title = sheet_title
        for row in sheet_rows:
            sheet.append(row)
        sheets.append(sheet)
    for merged in merges:
        sheets[-1].merge_cells(merged)
    workbook.save(path)
    return path


def test_windows_1252_file_with_semicolons_and_an_empty_line():
    table = read_table(DATA / "residents_cp1252_semicolon.csv")
    assert table.encoding == "Windows-1252"
    assert table.separator == ";"
    assert table.headers[:3] == ("Nom", "Prénom", "Année de naissance")
    # The line of empty cells (row 4) is skipped; the others keep their numbers.
    assert [row.number for row in table.rows] == [2, 3, 5]
    assert table.rows[0].cells[:2] == ("D’Aubigné", "Hélène")
    assert table.rows[2].cells[0] == "Cœur"


def test_utf8_with_a_byte_order_mark_and_commas_inside_quotes():
    table = read_table(DATA / "residents_utf8_bom_comma.csv")
    assert table.encoding == "UTF-8"
    assert table.separator == ","
    assert table.headers[0] == "Last name"  # no BOM glued to the first header
    assert [row.number for row in table.rows] == [2, 4, 5]
    assert table.rows[0].cells[:2] == ("العلي", "محمد")
    assert table.rows[0].cells[8] == "Prefers Arabic, some French"
    assert table.rows[1].cells[:2] == ("Nguyễn", "Thị Thu")
    assert table.rows[2].cells[0] == "O'Brien"


def test_utf16_tab_separated_as_excel_saves_unicode_text():
    table = read_table(DATA / "residents_utf16_tab.txt")
    assert (table.encoding, table.separator) == ("UTF-16", "\t")
    assert table.headers[1] == "Nombre"
    assert table.rows[0].cells[:3] == ("García López", "María José", "05.11.1962")


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252")],
)
@pytest.mark.parametrize("separator", [";", ",", "\t", "|"])
def test_every_common_encoding_and_separator(encoding, name, separator):
    lines = [
        ["Nom", "Prénom", "Commune"],
        ["Lefèvre", "Françoise", "Besançon"],
        ["Da Silva", "João", "Póvoa"],
    ]
    data = "\r\n".join(separator.join(cells) for cells in lines).encode(encoding)
    table = read_csv_bytes(data, "list.csv")
    assert (table.encoding, table.separator) == (name, separator)
    assert table.headers == ("Nom", "Prénom", "Commune")
    assert [row.cells for row in table.rows] == [tuple(cells) for cells in lines[1:]]


def test_bytes_windows_1252_cannot_read_are_read_as_latin_1():
    text, encoding = decode_text("Zoé;".encode("latin-1") + b"\x81")
    assert encoding == "Latin-1"
    assert text.startswith("Zoé;")


def test_a_separator_inside_notes_does_not_mislead_the_sniffer():
    sample = "Nom;Prénom;Notes\nDupont;Jean;vient le lundi, parfois le mardi\nMartin;Ana;\n"
    assert sniff_separator(sample) == ";"


def test_a_title_row_above_the_header_is_left_out():
    data = "Liste des bénéficiaires 2025;;\n;;\nNom;Prénom;Téléphone\nDupont;Jean;0612345678\n"
    table = read_csv_bytes(data.encode(), "list.csv")
    assert table.header_row == 3
    assert table.headers == ("Nom", "Prénom", "Téléphone")
    assert [row.number for row in table.rows] == [4]


def test_a_cell_spanning_lines_keeps_the_spreadsheet_row_numbers():
    data = 'Nom;Notes\nDupont;"deux\nlignes"\nMartin;\n'
    table = read_csv_bytes(data.encode(), "list.csv")
    assert [(row.number, row.cells) for row in table.rows] == [
        (2, ("Dupont", "deux\nlignes")),
        (3, ("Martin",)),
    ]


def test_xlsx_with_merged_header_cells(tmp_path):
    """A two-level header: "Identité" spans the name columns, "Commune" is merged over
    both header rows, and one "Téléphone" heads two columns."""
    path = _xlsx(
        tmp_path / "liste.xlsx",
        [
            ["Commune", "Identité", None, "Téléphone", None],
            [None, "Nom", "Prénom", "fixe", "portable"],
            ["Lyon", "Dupont", "Jean", None, "06 12 34 56 78"],
            [None, None, None, None, None],
            ["Lyon", "Nguyễn", "Thị", "04 78 00 00 00", None],
        ],
        merges=("A1:A2", "B1:C1", "D1:E1"),
    )
    table = read_table(path)
    assert table.kind == "xlsx"
    assert table.header_row == 2
    assert table.headers == ("Commune", "Nom", "Prénom", "fixe", "portable")
    assert [row.number for row in table.rows] == [3, 5]


def test_xlsx_merged_header_spanning_columns_heads_each_of_them(tmp_path):
    path = _xlsx(
        tmp_path / "liste.xlsx",
        [["Nom", "Prénom", "Téléphone", None], ["Dupont", "Jean", "0478000000", "0612345678"]],
        merges=("C1:D1",),
    )
    assert read_table(path).headers == ("Nom", "Prénom", "Téléphone", "Téléphone")


def test_xlsx_dates_numbers_and_serials_keep_their_types(tmp_path):
    path = _xlsx(
        tmp_path / "liste.xlsx",
        [
            ["Nom", "Date de naissance", "Téléphone", "Code postal"],
            ["Dupont", datetime(1958, 3, 12), 612345678, 1000],
            ["Martin", 21_622, "06 12 34 56 78", "01000"],
            ["Petit", 1960, None, None],
        ],
    )
    rows = read_table(path).rows
    assert rows[0].cells == ("Dupont", datetime(1958, 3, 12), 612345678, 1000)
    assert rows[1].cells == ("Martin", 21_622, "06 12 34 56 78", "01000")
    assert rows[2].cells == ("Petit", 1960)


def test_xlsx_picks_the_residents_sheet(tmp_path):
    path = _xlsx(
        tmp_path / "classeur.xlsx",
        [["Nom", "Prénom"], ["Dupont", "Jean"]],
        title="Bénéficiaires",
        extra=(("Ateliers", [["Titre"], ["Tablette"]]),),
    )
    table = read_table(path)
    assert table.sheet_name == "Bénéficiaires"
    assert table.rows[0].cells == ("Dupont", "Jean")
    assert read_table(path, sheet="ateliers").headers == ("Titre",)
    with pytest.raises(ImportFileError) as refused:
        read_table(path, sheet="Usagers")
    assert "Ateliers, Bénéficiaires" in refused.value.render()


def test_ods_is_refused_with_a_way_out(tmp_path):
    path = tmp_path / "liste.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(ImportFileError) as refused:
        read_table(path)
    assert "Save the file as XLSX (Excel) or CSV from LibreOffice, then import it again." in (
        refused.value.render()
    )


def test_old_xls_is_refused_with_a_way_out(tmp_path):
    path = tmp_path / "liste.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    with pytest.raises(ImportFileError) as refused:
        read_table(path)
    assert "Save the file as XLSX (Excel) or CSV" in refused.value.render()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("damaged.xlsx", b"PK\x03\x04 this is no zip at all"),
        ("renamed.xlsx", "Nom;Prénom\n".encode()),
        ("empty.csv", b""),
        ("blank.csv", b";;\n  ;\n\n"),
    ],
)
def test_unreadable_files_are_refused_in_plain_words(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as refused:
        read_table(path)
    assert name in refused.value.render()


def test_a_zip_that_is_not_a_spreadsheet_is_refused(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "not a workbook")
    with pytest.raises(ImportFileError, match="damaged or is not a spreadsheet"):
        read_table(path)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=300).map(str.encode))
def test_any_bytes_give_a_table_or_a_plain_refusal(data):
    try:
        table = read_csv_bytes(data, "fuzz.csv")
    except ImportFileError as refused:
        assert "fuzz.csv" in refused.render()
    else:
        assert table.rows or table.headers
        assert all(row.number > table.header_row for row in table.rows)
