"""Passerelle's report benchmark: a year's documents on the large demo centre, and the
coordinator taking in 40 centres' exports, beside baselines.

    python benchmarks/report_bench.py [--quick] [--rebuild] [--profile]

1. On the demo database (50,000 residents and 500,000 sessions; ``--quick``: 5,000 and
   50,000), for the year up to the latest session, each in a fresh process (its time
   and its peak resident memory, ``VmHWM``): ``centre_report`` (the statistics of the
   year and of the year before, with the inclusion progress), then ``write_report`` of
   the PDF, La Coop's XLSX and the Italian CSV. Baselines: a raw ``COUNT``/``SUM`` of the
   year's sessions and ``list(activities_between(...))`` alone, which every document
   reads; and an idle process (modules loaded, store opened) for memory. The XLSX is
   stopped after a minute and measured on the last quarter of the year instead.
2. 40 small centres (``generate_demo``, countries FR/ES/IT/PT) and a coordinator enrol
   each other's cards; each centre writes its export for the last complete quarter
   (``export_for_coordinator``: setup, timed apart). Then, timed: ``import_export`` of
   the 40 exports into the coordinator, beside the bare age decryption of the 40
   bundles, and ``coordinator_report`` over the 40 centres for the quarter.
3. Checked before any time is printed: the year's report counts the sessions and minutes
   the raw SQL counts, and the coordinator's individual sessions (and residents helped)
   for the quarter are the sum of the centres' own ``centre_report`` figures.

Prints one table like ``run.py``'s; the exit status is 1 when a target is not met, 2
when a check fails. ``--profile`` also runs the year's report, the PDF and the imports
under cProfile in this process and prints where the time goes (the imports' figure then
includes the profiler's overhead).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyrage
from demo_db import demo_database
from run import Row, checked, print_table, timed
from window_start import peak_rss_kib

from mediator_app.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
SEED = 1
#: The issue's targets: a year's report on the large demo centre, and 40 imports.
REPORT_TARGET_S = 10.0
REPORT_RSS_TARGET_MB = 500.0
IMPORT_TARGET_S = 60.0
#: Past this, the year's XLSX is stopped and a quarter is measured instead.
XLSX_YEAR_LIMIT_S = 60.0
#: What a child may take beyond its action: starting Python, importing, opening.
CHILD_MARGIN_S = 30.0
CENTRES = 40
COUNTRIES = (("FR", "fr"), ("ES", "es"), ("IT", "it"), ("PT", "pt"))
CENTRE_RESIDENTS = 100
#: ``generate_demo`` spreads sessions over two years, busier in recent months: about a
#: fifth of them fall in the last quarter, so about 1,000 sessions in the exported one.
CENTRE_SESSIONS = 4_500
#: A fresh process measures one action: ``--child KIND`` (one of these).
CHILD_KINDS = ("idle", "raw", "activities", "report", "pdf", "xlsx", "csv-it")
RAW_SQL = (
    "SELECT COUNT(*), COALESCE(SUM(duration_min), 0) FROM support_session "
    "WHERE date BETWEEN ? AND ?"
)


class CheckFailed(Exception):
    """A figure that must match does not: no time of a broken run is printed."""


def megabytes(report: dict[str, Any]) -> float:
    return report["peak_rss_kib"] * 1024 / 1e6


def span_text(start: date, end: date) -> str:
    return f"{start.isoformat()} – {end.isoformat()}"


# --- One action in a fresh process ---------------------------------------------------------


def child_main(args: argparse.Namespace) -> int:
    """One measured action in this (fresh) process; prints one JSON line with
    ``seconds``, ``peak_rss_kib`` (VmHWM) and what the action found."""
    from mediator_app.reports.activities import activities_between
    from mediator_app.reports.period_report import centre_report
    from mediator_app.reports.periodic_export import write_report

    store = open_store(args.database)
    store.ensure_desk()
    start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    found: dict[str, Any] = {}

    def raw() -> None:
        count, minutes = store.conn.execute(RAW_SQL, (args.start, args.end)).fetchone()
        found.update(sessions=count, minutes=minutes)

    def activities() -> None:
        found["activities"] = len(list(activities_between(store, start, end)))

    def report() -> None:
        made = centre_report(store, start, end)
        found.update(
            sessions=made.current.individual_sessions,
            minutes=made.current.individual_minutes,
            previous_sessions=made.previous.individual_sessions,
            residents=made.current.residents_helped,
        )

    def document() -> None:
        found["units"] = write_report(store, start, end, args.out, args.child)
        found["bytes"] = args.out.stat().st_size

    actions: dict[str, Callable[[], None]] = {
        "idle": lambda: None,
        "raw": raw,
        "activities": activities,
        "report": report,
        "pdf": document,
        "xlsx": document,
        "csv-it": document,
    }
    began = time.perf_counter()
    actions[args.child]()
    seconds = time.perf_counter() - began
    store.close()
    print(json.dumps({"seconds": seconds, "peak_rss_kib": peak_rss_kib(), **found}), flush=True)
    return 0


def run_child(
    kind: str, database: Path, start: date, end: date, out: Path, timeout: float | None = None
) -> dict[str, Any] | None:
    """Run this script with ``--child kind`` in a fresh process; its JSON report, or
    ``None`` when it was stopped after ``timeout`` seconds."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind]
    command += ["--database", str(database), "--out", str(out)]
    command += ["--start", start.isoformat(), "--end", end.isoformat()]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, cwd=ROOT, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None
    if result.returncode != 0:
        raise RuntimeError(f"child {kind} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- 1. A year's documents on the demo centre ---------------------------------------------


def the_year(database: Path) -> tuple[date, date]:
    """The year up to the latest session. The centre's pseudonym key is made here if
    missing (as at any desk that has exported before), so no measured child writes."""
    from mediator_app.reports.activities import pseudonym_key

    store = open_store(database)
    try:
        pseudonym_key(store)
        (latest,) = store.conn.execute("SELECT MAX(date) FROM support_session").fetchone()
    finally:
        store.close()
    if latest is None:
        raise CheckFailed(f"{database.name} holds no session")
    end = date.fromisoformat(latest[:10])
    return end - timedelta(days=364), end


def year_rows(database: Path, work: Path) -> list[Row]:
    start, end = the_year(database)

    def child(kind: str, first: date = start, timeout: float | None = None):
        print(f"  {kind} ({span_text(first, end)}) in a fresh process…", flush=True)
        suffix = {"pdf": ".pdf", "xlsx": ".xlsx", "csv-it": ".csv"}.get(kind, "")
        return run_child(kind, database, first, end, work / f"year-{kind}{suffix}", timeout)

    idle, raw, listed, report, pdf, csv = (
        child(kind) for kind in ("idle", "raw", "activities", "report", "pdf", "csv-it")
    )
    assert idle and raw and listed and report and pdf and csv
    year_xlsx = child("xlsx", timeout=XLSX_YEAR_LIMIT_S + CHILD_MARGIN_S)
    xlsx, xlsx_start = year_xlsx, start
    if year_xlsx is None or year_xlsx["seconds"] > XLSX_YEAR_LIMIT_S:
        xlsx_start = end - timedelta(days=90)
        xlsx = child("xlsx", first=xlsx_start)
        assert xlsx is not None

    if (report["sessions"], report["minutes"]) != (raw["sessions"], raw["minutes"]):
        raise CheckFailed(
            f"centre_report counts {report['sessions']:,} sessions and "
            f"{report['minutes']:,} minutes in the year; the raw SQL "
            f"{raw['sessions']:,} and {raw['minutes']:,}"
        )

    floor = megabytes(idle)
    base_s = listed["seconds"]
    xlsx_title = (
        "  (c) La Coop XLSX of the year, no target (known to be slow: openpyxl's XML writing)"
    )
    if year_xlsx is None:
        xlsx_rows = [Row(xlsx_title, f"> {XLSX_YEAR_LIMIT_S:g} s (stopped)")]
    else:
        xlsx_rows = [
            Row(f"{xlsx_title}, {year_xlsx['units']:,} rows", f"{year_xlsx['seconds']:.2f} s")
        ]
    if xlsx_start != start:
        xlsx_rows.append(
            Row(
                f"  (c) over {XLSX_YEAR_LIMIT_S:g} s, so on a quarter instead: "
                f"{span_text(xlsx_start, end)}, {xlsx['units']:,} rows",
                f"{xlsx['seconds']:.2f} s",
            )
        )
    xlsx_rows.append(
        Row(
            f"  (c) La Coop XLSX{'' if xlsx_start == start else ' of the quarter'}, peak RSS",
            f"{megabytes(xlsx):.2f} MB",
        )
    )
    label = f"{report['sessions']:,} sessions, {report['residents']:,} residents helped"
    return [
        Row(f"A year's report, {span_text(start, end)} ({label}; each in a fresh process)", ""),
        Row("  idle process: modules loaded, store opened (baseline of memory)", f"{floor:.2f} MB"),
        Row(
            "  raw SELECT COUNT(*), SUM(duration_min) of the year (baseline)",
            f"{raw['seconds'] * 1000:.2f} ms",
        ),
        Row(
            f"  list(activities_between(...)) of the year alone: {listed['activities']:,} "
            "activities (baseline of time)",
            f"{base_s:.2f} s",
        ),
        Row("  the same list, peak RSS", f"{megabytes(listed):.2f} MB"),
        checked(
            "  (a) centre_report: the year and the year before, with progress",
            report["seconds"],
            REPORT_TARGET_S,
            "s",
            base_s,
        ),
        checked(
            "  (a) centre_report, peak RSS", megabytes(report), REPORT_RSS_TARGET_MB, "MB", floor
        ),
        checked(
            f"  (b) write_report PDF end to end ({pdf['units']} pages, "
            f"{pdf['bytes'] / 1e6:.2f} MB)",
            pdf["seconds"],
            REPORT_TARGET_S,
            "s",
            base_s,
        ),
        checked(
            "  (b) write_report PDF, peak RSS", megabytes(pdf), REPORT_RSS_TARGET_MB, "MB", floor
        ),
        *xlsx_rows,
        Row(
            f"  (d) Italian CSV of the year, {csv['units']:,} rows, no target",
            f"{csv['seconds']:.2f} s",
        ),
        Row("  (d) Italian CSV, peak RSS", f"{megabytes(csv):.2f} MB"),
    ]


# --- 2. The coordinator and 40 centres ----------------------------------------------------


def last_complete_quarter(today: date):
    from mediator_app.sync.coordinator import Period

    quarter = (today.month - 1) // 3
    year, quarter = (today.year, quarter) if quarter else (today.year - 1, 4)
    return Period.parse(f"{year}-Q{quarter}")


@dataclass
class Centres:
    """The 40 centres' exports, with what each centre's own report counts."""

    bundles: list[Path]
    exported: list[int]
    own_sessions: list[int]
    own_residents: list[int]
    setup_s: float
    export_s: float


def make_centres(work: Path, coordinator: Store, period, count: int) -> Centres:
    """``count`` centres, each enrolled with the coordinator both ways, filled by
    ``generate_demo`` up to the period's end, exporting the period."""
    from mediator_app.demo import generate_demo
    from mediator_app.reports.period_report import centre_report
    from mediator_app.sync.coordinator import export_for_coordinator
    from mediator_app.sync.keys import card_for_this_desk, enroll

    began = time.perf_counter()
    coordinator_card = card_for_this_desk(coordinator)
    made = Centres([], [], [], [], 0.0, 0.0)
    for number in range(count):
        country, language = COUNTRIES[number % len(COUNTRIES)]
        store = open_store(work / f"centre-{number + 1:02d}.db")
        try:
            store.ensure_desk(
                name=f"Accueil {number + 1}",
                centre_name=f"Centre {number + 1:02d} ({country})",
                country=country,
                language=language,
                configured=True,
            )
            enroll(store, coordinator_card)
            enroll(coordinator, card_for_this_desk(store))
            generate_demo(
                store,
                residents=CENTRE_RESIDENTS,
                sessions=CENTRE_SESSIONS,
                seed=number + 1,
                today=period.end,
            )
            exporting = time.perf_counter()
            made.bundles.append(export_for_coordinator(store, period, work / "exports"))
            made.export_s += time.perf_counter() - exporting
            (activities,) = store.conn.execute(
                "SELECT activities FROM export_log ORDER BY rowid DESC LIMIT 1"
            ).fetchone()
            made.exported.append(activities)
            own = centre_report(store, period.start, period.end).current
            made.own_sessions.append(own.individual_sessions)
            made.own_residents.append(own.residents_helped)
        finally:
            store.close()
        if (number + 1) % 10 == 0 or number + 1 == count:
            print(f"    {number + 1} of {count} centres made", flush=True)
    made.setup_s = time.perf_counter() - began
    return made


def decrypt_all(coordinator: Store, bundles: list[Path], plaintext: Path) -> None:
    """Bare age decryption of every bundle, file to file."""
    from mediator_app.sync.keys import desk_keys

    identity = desk_keys(coordinator).age_identity
    for bundle in bundles:
        with open(bundle, "rb") as source, open(plaintext, "wb") as out:
            pyrage.decrypt_io(source, out, [identity])


def coordinator_rows(work: Path, count: int, profiles: dict[str, cProfile.Profile]) -> list[Row]:
    from mediator_app.reports.period_report import coordinator_report
    from mediator_app.sync.coordinator import import_export

    period = last_complete_quarter(date.today())
    coordinator = open_store(work / "coordinator.db")
    try:
        coordinator.ensure_desk(name="Coordination", centre_name="Coordination", country="FR")
        coordinator.become_coordinator()
        print(f"  {count} centres, exporting {period.label}…", flush=True)
        centres = make_centres(work, coordinator, period, count)

        print(f"  importing the {count} exports into the coordinator…", flush=True)
        decrypt_s = timed(lambda: decrypt_all(coordinator, centres.bundles, work / "plain")) / 1000
        results = []

        def import_all() -> None:
            results.extend(import_export(coordinator, bundle) for bundle in centres.bundles)

        import_s = profiled(profiles.get("import"), import_all) / 1000
        statuses = sorted({result.status for result in results})
        imported = sum(result.activities for result in results)
        if statuses != ["imported"] or imported != sum(centres.exported):
            raise CheckFailed(
                f"the imports went wrong: statuses {statuses}, {imported:,} activities taken "
                f"in of the {sum(centres.exported):,} exported"
            )
        print("  coordinator_report over the centres…", flush=True)
        held = []
        report_s = timed(
            lambda: held.append(coordinator_report(coordinator, period.start, period.end))
        )
        everyone = held[0].current
    finally:
        coordinator.close()

    own_sessions, own_residents = sum(centres.own_sessions), sum(centres.own_residents)
    if (everyone.individual_sessions, everyone.residents_helped) != (own_sessions, own_residents):
        raise CheckFailed(
            f"the coordinator counts {everyone.individual_sessions:,} individual sessions and "
            f"{everyone.residents_helped:,} residents helped in {period.label}; the centres' "
            f"own reports add up to {own_sessions:,} and {own_residents:,}"
        )
    size = sum(bundle.stat().st_size for bundle in centres.bundles)
    countries = "/".join(country for country, _ in COUNTRIES)
    return [
        Row(f"Coordinator: {count} centres ({countries}), exports of {period.label}", ""),
        Row(
            f"  setup, not timed against the target: {count} centres made "
            f"({CENTRE_RESIDENTS} residents, {CENTRE_SESSIONS:,} sessions over 2 years each)",
            f"{centres.setup_s:.1f} s",
        ),
        Row(f"  of which export_for_coordinator ×{count}", f"{centres.export_s:.2f} s"),
        Row(
            f"  activities exported (per centre {min(centres.exported):,}–"
            f"{max(centres.exported):,}), bundles {size / 1e6:.2f} MB",
            f"{sum(centres.exported):,}",
        ),
        Row(f"  bare age decryption of the {count} bundles (baseline)", f"{decrypt_s:.2f} s"),
        checked(f"  import_export ×{count}", import_s, IMPORT_TARGET_S, "s", decrypt_s),
        Row(
            f"  coordinator_report over the {count} centres (quarter and the one before)",
            f"{report_s / 1000:.2f} s",
        ),
        Row(
            "  individual sessions: coordinator = sum of the centres' own centre_report",
            f"{everyone.individual_sessions:,}",
            "equal",
            f"{own_sessions:,}",
            verdict="met",
        ),
        Row(
            "  residents helped: coordinator = sum of the centres' own centre_report",
            f"{everyone.residents_helped:,}",
            "equal",
            f"{own_residents:,}",
            verdict="met",
        ),
    ]


# --- Profiling ----------------------------------------------------------------------------


def profiled(profile: cProfile.Profile | None, action: Callable[[], object]) -> float:
    """Milliseconds taken by ``action()``, under ``profile`` when there is one."""
    if profile is None:
        return timed(action)
    return timed(lambda: profile.runcall(action))


def profile_year(database: Path, work: Path, profiles: dict[str, cProfile.Profile]) -> None:
    """The year's report and PDF under cProfile, in this process."""
    from mediator_app.reports.period_report import centre_report
    from mediator_app.reports.periodic_export import write_report

    start, end = the_year(database)
    store = open_store(database)
    try:
        profiles["report"].runcall(centre_report, store, start, end)
        profiles["pdf"].runcall(write_report, store, start, end, work / "profiled.pdf", "pdf")
    finally:
        store.close()


def print_profile(title: str, profile: cProfile.Profile) -> None:
    print(f"\nWhere the time goes: {title} (cProfile, cumulative, top 30)")
    stats = pstats.Stats(profile, stream=sys.stdout)
    stats.strip_dirs().sort_stats("cumulative").print_stats(30)
    print(f"{title} (cProfile, own time, top 20)")
    stats.sort_stats("tottime").print_stats(20)


# --- Running ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 residents, 50,000 sessions")
    parser.add_argument("--rebuild", action="store_true", help="build the demo database again")
    parser.add_argument("--centres", type=int, default=CENTRES, help="centres for the coordinator")
    parser.add_argument("--profile", action="store_true", help="profile the report, PDF, imports")
    parser.add_argument("--child", choices=CHILD_KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--start", help=argparse.SUPPRESS)
    parser.add_argument("--end", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_main(args)

    residents, sessions = (5_000, 50_000) if args.quick else (50_000, 500_000)
    demo = demo_database(residents, sessions, SEED, args.rebuild)
    how = "built now" if demo.built_now else "cached"
    profiles = (
        {name: cProfile.Profile() for name in ("report", "pdf", "import")} if args.profile else {}
    )
    print(f"Measuring on {demo.path.name}…", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="passerelle-report-bench-") as folder:
            work = Path(folder)
            rows = [
                Row(f"Demo database ({residents:,} residents, {sessions:,} sessions)", ""),
                Row(f"  build time ({how})", f"{demo.build_seconds:.1f} s"),
                Row("  file size", f"{demo.size_bytes / 1e6:.1f} MB"),
                *year_rows(demo.path, work),
                *coordinator_rows(work, args.centres, profiles),
            ]
            if profiles:
                print("  profiling the year's report and PDF in this process…", flush=True)
                profile_year(demo.path, work, profiles)
    except CheckFailed as failure:
        print(f"\nCheck failed, no time is reported: {failure}", file=sys.stderr)
        return 2
    print()
    print_table(rows)
    for title, found in profiles.items():
        print_profile(title, found)
    return 0 if all(row.verdict != "NOT MET" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
