"""Passerelle's benchmark: the issue's targets on a large demo centre, beside a baseline.

    python benchmarks/run.py [--residents 50000] [--sessions 500000] [--rebuild] [--quick]

Prints one table: measure, figure, target, baseline, ratio (figure / baseline), verdict.
See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from demo_db import demo_database, encrypted_copy

from mediator_app.domain.text import name_words
from mediator_app.i18n import set_language
from mediator_app.store import Store, open_store
from mediator_app.store.search import fts_query

SEED = 1
TYPED_NAMES = 200
SCREEN_ROWS = 30
SEARCH_TARGET_MS = 30.0
FRAME_MS = 16.0
SHEET_TARGET_MS = 300.0
SERIES_TARGET_S = 3.0
#: Opening a file feels immediate below a tenth of a second.
FILE_OPEN_TARGET_MS = 100.0
START_TARGET_S = 2.0
#: The centre's progress over a year, as a coordinator's view opens it.
PROGRESS_TARGET_MS = 1000.0
PROGRESS_RUNS = 7
RSS_TARGET_MB = 200.0
START_RUNS = 3
WINDOW_START = Path(__file__).resolve().parent / "window_start.py"


@dataclass(frozen=True)
class Row:
    """One line of the printed table; the verdict is ``met`` when figure < target."""

    measure: str
    figure: str
    target: str = ""
    baseline: str = ""
    ratio: str = ""
    verdict: str = ""


def checked(
    measure: str, value: float, limit: float, unit: str, baseline: float | None = None
) -> Row:
    """A row with a target (``value < limit``) and, when given, a baseline and ratio."""
    return Row(
        measure,
        f"{value:.2f} {unit}",
        f"< {limit:g} {unit}",
        "" if baseline is None else f"{baseline:.2f} {unit}",
        "" if baseline is None else f"{value / baseline:.1f}×",
        "met" if value < limit else "NOT MET",
    )


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..100) of ``values``."""
    ordered = sorted(values)
    rank = max(1, round(share / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def timed(action: Callable[[], object]) -> float:
    """Milliseconds taken by ``action()``."""
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def show_screen(model, first_row: int) -> None:
    """Ask ``model`` for the text of every cell of one screen, as a view painting it."""
    last_row = min(first_row + SCREEN_ROWS, model.rowCount())
    for row in range(first_row, last_row):
        for column in range(model.columnCount()):
            model.index(row, column).data()


# --- 1. Search as you type ---------------------------------------------------------------


def typed_names(store: Store, count: int) -> list[str]:
    """``count`` names of residents as typed at the desk: folded to ASCII, half of them
    a last name, half "first last"."""
    rows = store.conn.execute(
        "SELECT first_name, last_name FROM resident WHERE merged_into IS NULL "
        "AND last_name != '' ORDER BY rowid"
    ).fetchall()
    rng = random.Random(SEED)
    typed: list[str] = []
    for first, last in rng.sample(rows, min(len(rows), 3 * count)):
        name = last if len(typed) % 2 == 0 else f"{first} {last}"
        folded = " ".join(name_words(name))
        if folded.isascii():
            typed.append(folded)
        if len(typed) == count:
            break
    return typed


def keystroke_rows(store: Store) -> list[Row]:
    """Each prefix of each typed name is one keystroke, timed three ways: the store's
    search (what the debounced search box calls), the UI model's ``set_query`` plus its
    first screen, and a raw FTS5 match of the same query (the baseline)."""
    from mediator_app.ui.models import ResidentListModel

    model = ResidentListModel(store)
    raw_sql = "SELECT rowid FROM resident_fts WHERE resident_fts MATCH ? LIMIT 200"
    names = typed_names(store, TYPED_NAMES)
    raw, searched, modelled = [], [], []
    for name in names:
        for length in range(1, len(name) + 1):
            prefix = name[:length]
            query = fts_query(prefix)
            raw.append(timed(lambda q=query: store.conn.execute(raw_sql, (q,)).fetchall()))
            searched.append(timed(lambda p=prefix: store.residents.search(p)))

            def query_and_show(p: str = prefix) -> None:
                model.set_query(p)
                show_screen(model, 0)

            modelled.append(timed(query_and_show))
    baseline = percentile(raw, 95)
    label = f"{len(searched):,} keystrokes of {len(names)} names"
    rows = [Row(f"Search as you type ({label})", "")]
    for title, values in (
        ("store.residents.search", searched),
        ("model.set_query + first screen", modelled),
    ):
        rows += [
            Row(f"  {title} p50", f"{percentile(values, 50):.2f} ms"),
            checked(f"  {title} p95", percentile(values, 95), SEARCH_TARGET_MS, "ms", baseline),
            Row(f"  {title} max", f"{max(values):.2f} ms"),
        ]
    rows.append(Row("  raw FTS5 MATCH … LIMIT 200 p95 (baseline)", f"{baseline:.2f} ms"))
    return rows


# --- 2. Scrolling ----------------------------------------------------------------------------


class FetchCounter:
    """Wraps a paged fetch ``(…, offset, limit) -> rows`` and counts the rows it returns."""

    def __init__(self, fetch: Callable[..., list]):
        self._fetch = fetch
        self.rows = 0

    def __call__(self, *args, **kwargs) -> list:
        found = self._fetch(*args, **kwargs)
        self.rows += len(found)
        return found


def scroll_rows(title: str, make_model: Callable[[], object], counter: FetchCounter) -> list[Row]:
    """Build the model and show its first screen, then scroll the whole list a screen at a
    time; each step asks for every cell of the 30 rows that come into view."""
    holder: list = []
    first_ms = timed(lambda: (holder.append(make_model()), show_screen(holder[0], 0)))
    model = holder[0]
    first_fetched = counter.rows
    total = model.rowCount()
    tops = range(SCREEN_ROWS, total, SCREEN_ROWS)
    steps = [timed(lambda top=top: show_screen(model, top)) for top in tops] or [0.0]
    return [
        Row(f"{title} ({total:,} rows)", ""),
        Row("  model built + first screen", f"{first_ms:.2f} ms"),
        Row("  rows fetched for the first screen", f"{first_fetched:,} for {SCREEN_ROWS} shown"),
        Row(f"  screen step ({len(steps):,} steps) p50", f"{percentile(steps, 50):.2f} ms"),
        checked("  screen step p95", percentile(steps, 95), FRAME_MS, "ms"),
        Row("  screen step max", f"{max(steps):.2f} ms"),
        Row("  rows fetched over the whole scroll", f"{counter.rows:,} for {total:,} shown"),
    ]


def resident_scroll_rows(store: Store) -> list[Row]:
    """The resident list with no query: every resident, alphabetical order."""
    from mediator_app.ui.models import ResidentListModel

    counter = FetchCounter(store.residents.page)
    store.residents.page = counter  # the model takes this fetch when it is built
    return scroll_rows("Resident list scroll", lambda: ResidentListModel(store), counter)


def history_scroll_rows(store: Store) -> list[Row]:
    """The session history of the resident with the most sessions."""
    from mediator_app.ui.models import SessionHistoryModel

    (resident_id,) = store.conn.execute(
        "SELECT resident_id FROM support_session WHERE resident_id IS NOT NULL "
        "GROUP BY resident_id ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()
    counter = FetchCounter(store.sessions.for_resident)
    store.sessions.for_resident = counter

    def make_model() -> SessionHistoryModel:
        model = SessionHistoryModel(store)
        model.set_resident(resident_id)
        return model

    return scroll_rows("Longest session history scroll", make_model, counter)


def file_open_rows(store: Store) -> list[Row]:
    """Enter on a search result: the resident's file is filled (profile, follow-ups,
    probable duplicates, history's first screen) for 200 residents drawn at random."""
    from mediator_app.ui.resident_file import ResidentFile

    panel = ResidentFile(store)
    rng = random.Random(SEED)
    ids = [row[0] for row in store.conn.execute("SELECT id FROM resident ORDER BY rowid")]
    times = []
    for resident_id in rng.sample(ids, min(200, len(ids))):
        times.append(
            timed(
                lambda rid=resident_id: (
                    panel.show_resident(rid),
                    show_screen(panel.history_model, 0),
                )
            )
        )
    return [
        Row("Resident file opened (200 residents)", ""),
        Row("  p50", f"{percentile(times, 50):.2f} ms"),
        checked("  p95", percentile(times, 95), FILE_OPEN_TARGET_MS, "ms"),
    ]


# --- Centre progress -----------------------------------------------------------------------


def centre_progress_rows(store: Store) -> list[Row]:
    """``store.skills.centre_progress`` over the year up to the latest assessment: the
    first run, then the median of a few, beside the bare read of every assessment (the
    same rows in the same order, no JSON parsed) as the baseline."""
    count, residents, latest = store.conn.execute(
        "SELECT COUNT(*), COUNT(DISTINCT resident_id), MAX(assessed_on) FROM skill_assessment"
    ).fetchone()
    end = date.fromisoformat(latest) if latest else date.today()
    start = end - timedelta(days=364)
    raw_sql = (
        "SELECT resident_id, framework_version, assessed_on, ratings FROM skill_assessment "
        "ORDER BY resident_id, assessed_on, created_at"
    )
    first_ms = timed(lambda: store.skills.centre_progress(start, end))
    runs = [timed(lambda: store.skills.centre_progress(start, end)) for _ in range(PROGRESS_RUNS)]
    raw = [timed(lambda: store.conn.execute(raw_sql).fetchall()) for _ in range(PROGRESS_RUNS)]
    found = store.skills.centre_progress(start, end)
    baseline = statistics.median(raw)
    label = f"{count:,} assessments of {residents:,} residents"
    if not count:
        label += "; none: build the database again with --rebuild"
    return [
        Row(f"Centre progress view (period of a year: {label})", ""),
        Row("  first run", f"{first_ms:.2f} ms"),
        checked(
            f"  median of {PROGRESS_RUNS} runs",
            statistics.median(runs),
            PROGRESS_TARGET_MS,
            "ms",
            baseline,
        ),
        Row("  max", f"{max(runs):.2f} ms"),
        Row("  assessed / moved up in the year", f"{found.assessed:,} / {found.moved_up_any:,}"),
        Row("  raw SQL read of every assessment, median (baseline)", f"{baseline:.2f} ms"),
    ]


# --- Attendance sheets ---------------------------------------------------------------------


def _demo_sheet(participants: int, day_offset: int = 0):
    """An attendance sheet as the centre prints it: EU-funded, two facilitators."""
    from datetime import date, time, timedelta

    from mediator_app.reports.attendance_sheet import AttendanceSheet, SheetParticipant

    rng = random.Random(SEED + day_offset)
    people = tuple(
        SheetParticipant(
            last_name=rng.choice(["Nguyễn", "Ben Saïd", "D'Aubigné", "Yıldız", "Ferreira"])
            + f" {number}",
            first_name=rng.choice(["Hélène", "Thị Thu", "Ayşe", "João", "Françoise"]),
        )
        for number in range(participants)
    )
    return AttendanceSheet(
        organisation="Centre social AAGESC – Les Canourgues",
        title="Premiers pas sur la tablette",
        occurrence_id=f"01a2257e-0000-7000-8000-{day_offset:012d}",
        day=date(2026, 12, 1) + timedelta(weeks=day_offset),
        start=time(14, 0),
        end=time(16, 0),
        place="FabLab",
        facilitators=("Nadia Belkacem", "Élodie Fabre"),
        participants=people,
        eu_funded=True,
        erasmus_disclaimer=True,
    )


def _bare_tables(count: int, rows: int) -> None:
    """The baseline: plain ReportLab tables of the same size, built-in font, no header."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Table

    story = []
    for _sheet in range(count):
        data = [["No.", "Last name", "First name", "Signature"]]
        data += [[str(n), f"Name {n}", "First", ""] for n in range(rows)]
        story += [Table(data, rowHeights=28, repeatRows=1), PageBreak()]
    SimpleDocTemplate(io.BytesIO(), pagesize=A4).build(story)


def sheet_rows() -> list[Row]:
    """A 30-participant sheet, and a 12-session series in one PDF, each beside bare
    ReportLab tables of the same size; medians of a few runs, fonts already loaded."""
    import io

    from mediator_app.reports.attendance_sheet import write_sheets

    one = _demo_sheet(30)
    series = [_demo_sheet(30, week) for week in range(12)]
    write_sheets([one], io.BytesIO())  # fonts and styles loaded once, as in the app
    sheet_ms = statistics.median(timed(lambda: write_sheets([one], io.BytesIO())) for _ in range(7))
    bare_ms = statistics.median(timed(lambda: _bare_tables(1, 35)) for _ in range(7))
    series_s = (
        statistics.median(timed(lambda: write_sheets(series, io.BytesIO())) for _ in range(3))
        / 1000
    )
    bare_series_s = statistics.median(timed(lambda: _bare_tables(12, 35)) for _ in range(3)) / 1000
    return [
        Row("Attendance sheets (PDF)", ""),
        checked("  30-participant sheet", sheet_ms, SHEET_TARGET_MS, "ms", bare_ms),
        checked("  12-session series in one PDF", series_s, SERIES_TARGET_S, "s", bare_series_s),
    ]


# --- 3. Start-up -----------------------------------------------------------------------------


def start_once(argument: str, key: bytes | None = None) -> dict[str, float]:
    """One run of ``window_start.py`` in a fresh process."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if key is not None:
        env["PASSERELLE_BENCH_KEY"] = key.hex()
    result = subprocess.run(
        [sys.executable, str(WINDOW_START), argument],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def start_rows(database: Path, key: bytes | None = None) -> list[Row]:
    """Median over three fresh processes of the time to a shown window and of the peak
    resident memory, for the app over ``database`` and for an empty QMainWindow."""

    def median_of(argument: str) -> tuple[float, float]:
        runs = [start_once(argument, key) for _ in range(START_RUNS)]
        seconds = statistics.median(run["seconds"] for run in runs)
        megabytes = statistics.median(run["peak_rss_kib"] for run in runs) * 1024 / 1e6
        return seconds, megabytes

    app_s, app_mb = median_of(str(database))
    empty_s, empty_mb = median_of("--empty")
    return [
        Row(f"Start-up (median of {START_RUNS} fresh processes, offscreen)", ""),
        checked("  main window shown", app_s, START_TARGET_S, "s", empty_s),
        checked("  peak resident memory", app_mb, RSS_TARGET_MB, "MB", empty_mb),
    ]


def unlock_rows() -> list[Row]:
    """A passphrase opening the keyring: argon2id is slow on purpose, once per unlock."""
    from mediator_app.store.keyring import Keyring, new_data_key

    ring = Keyring().with_passphrase(new_data_key(), "m1", "Mediator", "un pont sur la Touloubre")
    times = []
    for _run in range(5):
        start = time.perf_counter()
        ring.unlock("un pont sur la Touloubre")
        times.append(time.perf_counter() - start)
    return [Row("Unlocking (argon2id, 64 MiB, 3 passes), median of 5",
                f"{statistics.median(times) * 1000:.0f} ms")]  # fmt: skip


# --- Running -------------------------------------------------------------------------------


def print_table(rows: Iterable[Row]) -> None:
    header = Row("measure", "figure", "target", "baseline", "ratio", "verdict")
    table = [header, *rows]
    widths = [max(len(getattr(row, field)) for row in table) for field in Row.__annotations__]
    for index, row in enumerate(table):
        cells = [getattr(row, field) for field in Row.__annotations__]
        print("  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=50_000)
    parser.add_argument("--sessions", type=int, default=500_000)
    parser.add_argument("--rebuild", action="store_true", help="build the demo database again")
    parser.add_argument("--quick", action="store_true", help="5,000 residents, 50,000 sessions")
    parser.add_argument(
        "--encrypted", action="store_true", help="measure on an encrypted copy (SQLCipher)"
    )
    args = parser.parse_args()
    if args.quick:
        args.residents, args.sessions = 5_000, 50_000

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from mediator_app.ui.application import make_application

    demo = demo_database(args.residents, args.sessions, SEED, args.rebuild)
    path, key = demo.path, None
    if args.encrypted:
        path, key = encrypted_copy(demo, args.rebuild)
    app = make_application()
    set_language("fr")
    store = open_store(path, key=key)
    print(f"Measuring on {path.name}…", flush=True)
    how = "built now" if demo.built_now else "cached"
    rows = [
        Row(f"Demo database ({args.residents:,} residents, {args.sessions:,} sessions)", ""),
        Row(f"  build time ({how})", f"{demo.build_seconds:.1f} s"),
        Row("  file size", f"{demo.size_bytes / 1e6:.1f} MB"),
    ]
    phases = (
        ("search as you type", lambda: keystroke_rows(store)),
        ("resident list scroll", lambda: resident_scroll_rows(store)),
        ("history scroll", lambda: history_scroll_rows(store)),
        ("resident file", lambda: file_open_rows(store)),
        ("centre progress", lambda: centre_progress_rows(store)),
        ("attendance sheets", sheet_rows),
        ("start-up", lambda: start_rows(path, key)),
    )
    if key is not None:
        phases += (("unlocking", unlock_rows),)
    try:
        for title, measure in phases:
            print(f"  {title}…", flush=True)
            rows += measure()
    finally:
        store.close()
    print()
    print_table(rows)
    app.quit()
    return 0 if all(row.verdict != "NOT MET" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
