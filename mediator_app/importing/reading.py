"""Files become tables: a header and non-empty rows, each numbered as the spreadsheet
program shows it, so that "row 12" in the preview is row 12 on the mediator's screen.

- CSV in UTF-8 (with or without a byte-order mark), UTF-16 with a mark (Excel's
  "Unicode text"), else Windows-1252 (Latin-1 as the last resort); the separator
  (``;``, ``,``, tab or ``|``) is the one that cuts the first rows into the same number
  of columns.
- XLSX through openpyxl in read-only mode: the sheet asked for, else the first one
  named like "Bénéficiaires", else the first. Merged cells take the value of their
  top-left cell (a header spanning two columns heads both). Dates stay dates, numbers
  stay numbers.
- ODS and the old XLS format are refused with a message saying how to save the file:
  no maintained pure-Python reader of them is installed, and none is added.

The header is the row, among the first ten, whose cells read most like known headers
(``mapping.header_score``); rows above it (a title, a group header) are left out.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import Any

from mediator_app.domain.markers import N_
from mediator_app.domain.text import fold
from mediator_app.importing.errors import ImportFileError
from mediator_app.importing.mapping import header_score

#: A cell as read: text, a number, a date, or nothing.
CellValue = str | int | float | date | datetime | None

#: Rows searched for the header.
HEADER_SEARCH_ROWS = 10
#: Bytes of a CSV file read to choose its separator.
_SNIFF_BYTES = 64 * 1024
_SEPARATORS = (";", ",", "\t", "|")
#: Sheet names that say "the residents", folded, in the five languages.
_RESIDENT_SHEET_WORDS = (
    "beneficiaire", "usager", "resident", "personne", "participant", "beneficiario",
    "utente", "partecipant", "inscrit",
)  # fmt: skip
_ODS_MESSAGE = N_(
    "This is an OpenDocument spreadsheet (ODS), which Passerelle cannot read. Save the "
    "file as XLSX (Excel) or CSV from LibreOffice, then import it again."
)
_XLS_MESSAGE = N_(
    "This is an old Excel file (XLS), which Passerelle cannot read. Save the file as "
    "XLSX (Excel) or CSV, then import it again."
)
_MERGE_REF = re.compile(
    rb'<(?:[A-Za-z0-9_]+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"'
)


@dataclass(frozen=True)
class SheetRow:
    """One non-empty row: its number as the spreadsheet shows it, and its cells."""

    number: int
    cells: tuple[CellValue, ...]

    def cell(self, index: int) -> CellValue:
        return self.cells[index] if index < len(self.cells) else None


@dataclass(frozen=True)
class Table:
    """A file read: its headers, the rows under them, and how it was read."""

    file_name: str
    headers: tuple[str, ...]
    header_row: int
    rows: tuple[SheetRow, ...]
    kind: str
    sheet_name: str = ""
    encoding: str = ""
    separator: str = ""

    @property
    def column_count(self) -> int:
        return len(self.headers)


def read_table(path: Path | str, sheet: str | None = None) -> Table:
    """Read a CSV or XLSX file; raises ``ImportFileError`` with a plain reason when it
    cannot be read (ODS, XLS, damaged, empty) and ``OSError`` when it cannot be opened."""
    path = Path(path)
    with path.open("rb") as opened:
        start = opened.read(8)
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_XLS_MESSAGE)
    if start.startswith(b"PK\x03\x04"):
        return _read_zipped(path, sheet)
    if path.suffix.casefold() in (".xlsx", ".xlsm", ".ods"):
        raise ImportFileError(N_("The file %(name)s is damaged or is not a spreadsheet."),
                              name=path.name)  # fmt: skip
    return read_csv_bytes(path.read_bytes(), path.name)


def read_csv_bytes(data: bytes, file_name: str = "") -> Table:
    """A CSV file's content as a table (encoding and separator found from the bytes)."""
    text, encoding = decode_text(data)
    if "\x00" in text:
        raise ImportFileError(name=file_name)
    separator = sniff_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        rows = [
            SheetRow(number, _trimmed([_csv_cell(cell) for cell in cells]))
            for number, cells in enumerate(reader, start=1)
            if any(cell.strip() for cell in cells)
        ]
    except csv.Error as error:
        raise ImportFileError(name=file_name) from error
    return _table(rows, file_name, "csv", encoding=encoding, separator=separator)


def decode_text(data: bytes) -> tuple[str, str]:
    """``(text, encoding name)``: UTF-16 with a byte-order mark, UTF-8 (mark or not),
    else Windows-1252, else Latin-1 (which reads any byte)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def sniff_separator(text: str) -> str:
    """The separator that cuts the first rows most consistently into several columns
    (``;`` first when nothing tells: it is what French Excel writes)."""
    sample = text
    if len(text) > _SNIFF_BYTES:
        sample = text[:_SNIFF_BYTES]
        sample = sample[: max(sample.rfind("\n"), 0)]  # a cut last line would mislead
    best, best_score = _SEPARATORS[0], (False, 0.0, 0)
    for separator in _SEPARATORS:
        if separator not in sample:
            continue
        try:
            widths = [
                len(cells)
                for cells in csv.reader(io.StringIO(sample, newline=""), delimiter=separator)
                if any(cell.strip() for cell in cells)
            ][:50]
        except csv.Error:
            continue
        if not widths:
            continue
        usual = max(set(widths), key=widths.count)
        share = round(widths.count(usual) / len(widths), 1)
        score = (usual > 1, share, usual)
        if score > best_score:
            best, best_score = separator, score
    return best


def _csv_cell(text: str) -> CellValue:
    text = text.strip()
    return text or None


def _trimmed(cells: list[CellValue]) -> tuple[CellValue, ...]:
    """The cells without the empty ones that end the row."""
    end = len(cells)
    while end and cells[end - 1] is None:
        end -= 1
    return tuple(cells[:end])


def _read_zipped(path: Path, sheet: str | None) -> Table:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                raise ImportFileError(_ODS_MESSAGE)
            if "xl/workbook.xml" not in names:
                raise ImportFileError(
                    N_("The file %(name)s is damaged or is not a spreadsheet."), name=path.name
                )
    except zipfile.BadZipFile as error:
        raise ImportFileError(
            N_("The file %(name)s is damaged or is not a spreadsheet."), name=path.name
        ) from error
    return _read_xlsx(path, sheet)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise ImportFileError(
            N_("The file %(name)s is damaged or is not a spreadsheet."), name=path.name
        ) from error
    try:
        worksheet = _chosen_sheet(workbook, sheet, path.name)
        worksheet.reset_dimensions()  # some writers record wrong dimensions
        merges = _merged_ranges(path, worksheet.title)
        rows = [
            SheetRow(number, cells)
            for number, cells in _fill_merges(
                enumerate(worksheet.iter_rows(values_only=True), start=1), merges
            )
            if cells
        ]
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(
            N_("The file %(name)s is damaged or is not a spreadsheet."), name=path.name
        ) from error
    finally:
        workbook.close()
    return _table(rows, path.name, "xlsx", sheet_name=worksheet.title)


def _chosen_sheet(workbook: Any, wanted: str | None, file_name: str) -> Any:
    sheets = workbook.worksheets
    if not sheets:
        raise ImportFileError(N_("The file %(name)s holds no sheet."), name=file_name)
    if wanted is not None:
        for candidate in sheets:
            if fold(candidate.title.strip()) == fold(wanted.strip()):
                return candidate
        raise ImportFileError(
            N_("The file %(name)s has no sheet named %(sheet)s. Its sheets: %(sheets)s."),
            name=file_name,
            sheet=wanted,
            sheets=", ".join(candidate.title for candidate in sheets),
        )
    for candidate in sheets:
        title = fold(candidate.title)
        if any(word in title for word in _RESIDENT_SHEET_WORDS):
            return candidate
    return sheets[0]


def _merged_ranges(path: Path, sheet_title: str) -> list[tuple[int, int, int, int]]:
    """``(first row, first column, last row, last column)`` of each merged range of the
    sheet, 1-based, read from the sheet's XML (read-only openpyxl does not keep them)."""
    from openpyxl.utils.cell import range_boundaries

    part = _sheet_part(path, sheet_title)
    if part is None:
        return []
    with zipfile.ZipFile(path) as archive, archive.open(part) as source:
        data = source.read()
    ranges = []
    for match in _MERGE_REF.finditer(data):
        min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode("ascii"))
        ranges.append((min_row, min_col - 1, max_row, max_col - 1))
    return ranges


def _sheet_part(path: Path, sheet_title: str) -> str | None:
    """The zip member holding the sheet titled ``sheet_title``."""
    from openpyxl.xml.functions import fromstring

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relationship = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as archive:
        workbook = fromstring(archive.read("xl/workbook.xml"))
        relations = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {element.get("Id"): element.get("Target") for element in relations}
    for element in workbook.iter(f"{main}sheet"):
        if element.get("name") == sheet_title:
            target = targets.get(element.get(relationship))
            if not target:
                return None
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath("xl") / target)
    return None


def _fill_merges(
    rows: Iterable[tuple[int, Sequence[Any]]], merges: list[tuple[int, int, int, int]]
) -> Iterator[tuple[int, tuple[CellValue, ...]]]:
    """Each row with its cells cleaned, merged cells holding their range's value."""
    by_first_row: dict[int, list[tuple[int, int, int, int]]] = {}
    for merge in merges:
        by_first_row.setdefault(merge[0], []).append(merge)
    active: list[tuple[int, int, int, CellValue]] = []  # last row, first col, last col, value
    for number, raw in rows:
        cells = [_xlsx_cell(value) for value in raw]
        active = [span for span in active if span[0] >= number]
        for _first_row, first_col, last_row, last_col in by_first_row.get(number, ()):
            value = cells[first_col] if first_col < len(cells) else None
            active.append((last_row, first_col, last_col, value))
        for _last_row, first_col, last_col, value in active:
            if value is None:
                continue
            if len(cells) <= last_col:
                cells.extend([None] * (last_col + 1 - len(cells)))
            for column in range(first_col, last_col + 1):
                if cells[column] is None:
                    cells[column] = value
        yield number, _trimmed(cells)


def _xlsx_cell(value: Any) -> CellValue:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if value is None or isinstance(value, int | float | date):  # a datetime is a date
        return value
    if isinstance(value, time):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _table(
    rows: list[SheetRow],
    file_name: str,
    kind: str,
    *,
    sheet_name: str = "",
    encoding: str = "",
    separator: str = "",
) -> Table:
    if not rows:
        raise ImportFileError(N_("The file %(name)s holds no rows."), name=file_name)
    candidates = rows[:HEADER_SEARCH_ROWS]
    scores = [header_score(row.cells) for row in candidates]
    header_at = scores.index(max(scores)) if max(scores) > 0 else 0
    header = candidates[header_at]
    data = rows[header_at + 1 :]
    width = max(len(row.cells) for row in rows[header_at:])
    headers = tuple(_header_text(header.cell(index)) for index in range(width))
    return Table(
        file_name=file_name,
        headers=headers,
        header_row=header.number,
        rows=tuple(data),
        kind=kind,
        sheet_name=sheet_name,
        encoding=encoding,
        separator=separator,
    )


def _header_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())
