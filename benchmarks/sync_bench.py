"""Passerelle's sync benchmark: a large bundle between two desks of one centre, beside a
raw SQLite baseline.

    python benchmarks/sync_bench.py [--changes 100000] [--profile]

Two desks of one centre are set up in a temporary folder (desk B enrols desk A's card and
joins its centre, desk A enrols B's card). Desk A makes about ``--changes`` field changes
through the write API (residents created, then edited one field at a time, in a few large
transactions); a field change is one key of a change-log row's ``data``. Then, timed:

1. ``export_bundle`` on desk A (the bundle is signed and age-encrypted);
2. ``import_files`` of that bundle on desk B;
3. the same import again: the bundle is already applied.

Export and import run once more, each in a fresh process, for their peak memory. B's
residents must equal A's at the end, so a broken import is never timed as a fast one.

Prints one table like ``run.py``'s (measure, figure, target, baseline, ratio, verdict);
the exit status is 1 when a target is not met. ``--profile`` runs export and import under
cProfile (their figures then include its overhead) and prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import math
import pstats
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyrage
from run import Row, checked, print_table, timed
from window_start import peak_rss_kib

from mediator_app.domain.resident import Resident
from mediator_app.store import Store, open_store
from mediator_app.store.driver import sqlite3
from mediator_app.sync.bundle_file import open_bundle
from mediator_app.sync.desk_sync import SyncFolders, export_bundle, import_files
from mediator_app.sync.keys import card_for_this_desk, desk_keys, enroll, trusted_signer

ROOT = Path(__file__).resolve().parent.parent
#: The issue's targets for 100,000 field changes.
EXPORT_TARGET_S = 5.0
IMPORT_TARGET_S = 10.0
REIMPORT_TARGET_S = 0.5
#: Peak resident memory of a fresh process exporting or importing the bundle. The idle
#: process (modules loaded, store opened) takes about 55 MB and SQLite's page cache may
#: grow by 16 MB (``PAGE_CACHE_KIB``) per connection; the rest is left for the work,
#: which must not grow with the bundle. Holding the records of 100,000 field changes in a
#: list, as a non-streaming import would, costs a fresh process more than that margin
#: (the "records held in one list" row shows it).
PEAK_RSS_TARGET_MB = 100.0
#: Every resident is created (one insert: every field of the record) and then edited this
#: many times, one field each time (an update: that field and ``updated_at``).
EDITS_PER_RESIDENT = 6
RESIDENTS_PER_TRANSACTION = 2_500
CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
FIRST_NAMES = ("Hélène", "Karim", "Thị Thu", "Ayşe", "João", "Françoise", "Nadia", "Zoé")
LAST_NAMES = ("Nguyễn", "Ben Saïd", "D'Aubigné", "Yıldız", "Ferreira", "Petit", "Amrani")
LANGUAGES = ("ar", "tr", "vi", "pt", "es", "ru", "fa")
#: A fresh process measures peak memory: ``--child KIND`` (one of these).
CHILD_KINDS = ("idle", "export", "import", "hold")

CHANGE_COLUMNS = (
    "hlc", "desk_id", "seq", "tx_id", "table_name", "row_id", "op", "data", "author", "base",
)  # fmt: skip
RAW_INSERT = (
    f"INSERT INTO change_log ({', '.join(CHANGE_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in CHANGE_COLUMNS)})"
)
RAW_TABLE = """
    CREATE TABLE change_log (
        id INTEGER PRIMARY KEY, hlc INTEGER NOT NULL, desk_id TEXT NOT NULL,
        seq INTEGER NOT NULL, tx_id TEXT NOT NULL, table_name TEXT NOT NULL,
        row_id TEXT NOT NULL, op TEXT NOT NULL, data TEXT NOT NULL, author TEXT, base TEXT
    )
"""


# --- The two desks and desk A's changes --------------------------------------------------


def open_desk(folder: Path, name: str) -> Store:
    store = open_store(folder / f"{name}.db")
    store.ensure_desk(name=name, centre_name="Centre social", configured=True)
    return store


def two_desks(folder: Path) -> tuple[Store, Store]:
    """Desk A starts the centre; desk B joins it with A's card; each enrols the other."""
    desk_a, desk_b = open_desk(folder, "accueil"), open_desk(folder, "fablab")
    enroll(desk_b, card_for_this_desk(desk_a))
    enroll(desk_a, card_for_this_desk(desk_b))
    return desk_a, desk_b


def fields_per_resident() -> int:
    """Field changes one resident makes: its insert (the record's fields, ``created_at``
    and ``updated_at``) and its edits (one field and ``updated_at`` each)."""
    inserted = len(Resident(**CONSENT).to_record()) + 2
    return inserted + 2 * EDITS_PER_RESIDENT


def new_resident(number: int) -> Resident:
    return Resident(
        first_name=FIRST_NAMES[number % len(FIRST_NAMES)],
        last_name=f"{LAST_NAMES[number % len(LAST_NAMES)]} {number}",
        birth_year=1940 + number % 70,
        gender=("feminin", "masculin", "non_communique")[number % 3],
        social_status=("sans_emploi", "retraite", "en_emploi", "scolarise")[number % 4],
        commune="Marseille",
        postcode="13000",
        language="fr",
        **CONSENT,
    )


def edited(resident: Resident, edit: int, number: int) -> Resident:
    """The resident with one field changed, a different one at each edit."""
    field = ("commune", "phone", "email", "postcode", "notes", "language")[edit % 6]
    value = {
        "commune": f"Marseille {1 + (number + edit) % 16}e",
        "phone": f"06 {edit:02d} {number % 1_000_000:06d}",
        "email": f"r{number}.e{edit}@example.org",
        "postcode": f"{13100 + edit:05d}",
        "notes": f"Suivi n° {edit} : démarches CAF, ANTS, messagerie ({number}).",
        "language": LANGUAGES[edit % len(LANGUAGES)],
    }[field]
    return replace(resident, **{field: value})


def make_changes(store: Store, target: int) -> int:
    """Create and edit residents on ``store`` until about ``target`` field changes are
    logged, ``RESIDENTS_PER_TRANSACTION`` writes to a transaction; returns the residents."""
    residents = math.ceil(target / fields_per_resident())
    ids: list[str] = []
    for start in range(0, residents, RESIDENTS_PER_TRANSACTION):
        with store.write():
            for number in range(start, min(start + RESIDENTS_PER_TRANSACTION, residents)):
                ids.append(store.residents.create(new_resident(number)).id)
    for edit in range(EDITS_PER_RESIDENT):
        for start in range(0, residents, RESIDENTS_PER_TRANSACTION):
            with store.write():
                for number in range(start, min(start + RESIDENTS_PER_TRANSACTION, residents)):
                    resident = store.residents.get(ids[number])
                    store.residents.update(edited(resident, edit, number))
        print(f"    edit {edit + 1} of {EDITS_PER_RESIDENT} done", flush=True)
    return residents


def logged_changes(store: Store) -> tuple[int, int]:
    """The change log's rows and field changes (keys of every row's ``data``)."""
    rows = field_changes = 0
    for (data,) in store.conn.execute("SELECT data FROM change_log"):
        rows += 1
        field_changes += len(json.loads(data))
    return rows, field_changes


def residents_digest(store: Store) -> tuple[int, str]:
    """The resident table's row count and a SHA-256 of its rows in id order."""
    digest = hashlib.sha256()
    count = 0
    for row in store.conn.execute("SELECT * FROM resident ORDER BY id"):
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()


# --- Baselines: the same rows, bare ----------------------------------------------------


def scratch_database(path: Path) -> sqlite3.Connection:
    """A plain SQLite file with the change log's columns and no index, with the app's
    journal mode and ``synchronous`` setting."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(RAW_TABLE)
    return conn


def raw_write(path: Path, rows: Iterable[tuple]) -> None:
    """``executemany`` of ``rows`` into a new scratch database, in one transaction."""
    conn = scratch_database(path)
    try:
        conn.execute("BEGIN")
        conn.executemany(RAW_INSERT, rows)
        conn.execute("COMMIT")
    finally:
        conn.close()


def log_rows(store: Store) -> Iterator[tuple]:
    """Every change-log row, in log order, as stored."""
    return store.conn.execute(f"SELECT {', '.join(CHANGE_COLUMNS)} FROM change_log ORDER BY id")


def record_row(record: dict[str, Any]) -> tuple:
    """A bundle line as a change-log row."""
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    return (
        record["hlc"], record["desk"], record["seq"], record["tx"], record["table"],
        record["row"], record["op"], json.dumps(record["data"], **compact),
        record.get("author"), json.dumps(record["base"], **compact) if record.get("base") else None,
    )  # fmt: skip


def bundle_records(store: Store, bundle: Path) -> list[dict[str, Any]]:
    """The bundle's records, decrypted, checked and decoded, all in one list."""
    keys = desk_keys(store)
    with open_bundle(bundle, identities=[keys.age_identity], trusted=trusted_signer(store)) as got:
        return list(got.changes())


def import_baseline(store: Store, bundle: Path, scratch: Path) -> float:
    """Seconds to ``executemany`` the bundle's records, decoded beforehand, into
    ``scratch``."""
    records = bundle_records(store, bundle)
    return timed(lambda: raw_write(scratch, map(record_row, records))) / 1000


def decrypt_only(store: Store, bundle: Path, plaintext: Path) -> None:
    """Bare age decryption of the bundle, file to file: what reading its manifest takes."""
    identity = desk_keys(store).age_identity
    with open(bundle, "rb") as source, open(plaintext, "wb") as out:
        pyrage.decrypt_io(source, out, [identity])


# --- Peak memory in a fresh process -------------------------------------------------------


def run_child(kind: str, database: Path, bundle: Path, out: Path, heap: bool) -> dict[str, Any]:
    """Run this script with ``--child kind`` in a fresh process; its JSON report."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind]
    command += ["--database", str(database), "--bundle", str(bundle), "--out", str(out)]
    if heap:
        command.append("--heap")
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"child {kind} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def child_main(args: argparse.Namespace) -> int:
    """One measured action in this (fresh) process; prints one JSON line: ``seconds``,
    ``peak_rss_kib`` (VmHWM) and, with ``--heap``, ``heap_peak_bytes`` (tracemalloc's peak
    of the action alone: Python objects, not SQLite's cache nor the interpreter)."""
    store = open_store(args.database)
    desk_keys(store)
    trusted_signer(store)
    held: list[Any] = []
    actions: dict[str, Callable[[], object]] = {
        "idle": lambda: None,
        "export": lambda: held.append(export_bundle(store, args.out)),
        "import": lambda: held.extend(
            import_files(store, [args.bundle], SyncFolders.beside(args.database))
        ),
        "hold": lambda: held.append(bundle_records(store, args.bundle)),
    }
    if args.heap:
        tracemalloc.start()
    start = time.perf_counter()
    actions[args.child]()
    seconds = time.perf_counter() - start
    report: dict[str, Any] = {"seconds": seconds, "peak_rss_kib": peak_rss_kib()}
    if args.heap:
        report["heap_peak_bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    if args.child == "import":
        report["status"] = [result.status for result in held]
        report["applied"] = sum(result.stats.applied for result in held)
    if args.child == "hold":
        report["records"] = len(held[0])
    store.close()
    print(json.dumps(report), flush=True)
    return 0


def memory_rows(work: Path, desk_a: Path, fresh_b: Path, bundle: Path, rows: int) -> list[Row]:
    """Peak resident memory (VmHWM) of export and import, each in a fresh process, beside
    an idle one; then tracemalloc's peak, in other fresh processes (tracemalloc's own
    bookkeeping would inflate the resident figure)."""

    def import_child(number: int, heap: bool) -> dict[str, Any]:
        # Each import needs desk B as it was before any import: a copy of it.
        target = work / f"fablab-memory-{number}.db"
        target.write_bytes(fresh_b.read_bytes())
        report = run_child("import", target, bundle, work, heap)
        if report["status"] != ["applied"] or report["applied"] != rows:
            raise RuntimeError(f"the import in a fresh process went wrong: {report}")
        return report

    idle = run_child("idle", fresh_b, bundle, work, heap=False)
    exported = run_child("export", desk_a, bundle, work / "outbox-memory", heap=False)
    imported = import_child(1, heap=False)
    held = run_child("hold", fresh_b, bundle, work, heap=False)
    exported_heap = run_child("export", desk_a, bundle, work / "outbox-heap", heap=True)
    imported_heap = import_child(2, heap=True)
    held_heap = run_child("hold", fresh_b, bundle, work, heap=True)

    def megabytes(report: dict[str, Any]) -> float:
        return report["peak_rss_kib"] * 1024 / 1e6

    def heap_mb(report: dict[str, Any]) -> str:
        return f"{report['heap_peak_bytes'] / 1e6:.2f} MB"

    floor = megabytes(idle)
    return [
        Row("Peak memory (fresh processes; MB = 10⁶ bytes)", ""),
        Row("  idle process: modules loaded, store opened (baseline)", f"{floor:.2f} MB"),
        checked("  export_bundle, peak RSS", megabytes(exported), PEAK_RSS_TARGET_MB, "MB", floor),
        checked("  import_files, peak RSS", megabytes(imported), PEAK_RSS_TARGET_MB, "MB", floor),
        Row("  export_bundle, Python heap peak (tracemalloc)", heap_mb(exported_heap)),
        Row("  import_files, Python heap peak (tracemalloc)", heap_mb(imported_heap)),
        Row(
            f"  for scale: the {held['records']:,} records held in one list, peak RSS",
            f"{megabytes(held):.2f} MB",
        ),
        Row("  for scale: the same list, Python heap peak (tracemalloc)", heap_mb(held_heap)),
    ]


# --- Running ---------------------------------------------------------------------------


def profiled(profile: cProfile.Profile | None, action: Callable[[], object]) -> float:
    """Milliseconds taken by ``action()``, under ``profile`` when there is one."""
    if profile is None:
        return timed(action)
    return timed(lambda: profile.runcall(action))


def print_profile(title: str, profile: cProfile.Profile) -> None:
    print(f"\nWhere the time goes: {title} (cProfile, cumulative, top 30)")
    stats = pstats.Stats(profile, stream=sys.stdout)
    stats.strip_dirs().sort_stats("cumulative").print_stats(30)
    print(f"{title} (cProfile, own time, top 20)")
    stats.sort_stats("tottime").print_stats(20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=100_000, help="field changes on desk A")
    parser.add_argument("--profile", action="store_true", help="profile export and import")
    parser.add_argument("--child", choices=CHILD_KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--bundle", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--heap", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_main(args)

    with tempfile.TemporaryDirectory(prefix="passerelle-sync-bench-") as folder:
        return measure(Path(folder), args.changes, args.profile)


def measure(work: Path, target: int, profile: bool) -> int:
    print(f"Two desks in {work}…", flush=True)
    desk_a, desk_b = two_desks(work)
    print(f"  desk A: about {target:,} field changes through store.write()…", flush=True)
    start = time.perf_counter()
    residents = make_changes(desk_a, target)
    write_s = time.perf_counter() - start
    rows, field_changes = logged_changes(desk_a)
    if field_changes < target:
        raise RuntimeError(f"only {field_changes:,} field changes were made")
    # Desk B as it is before any import, for the import measured in a fresh process.
    fresh_b = work / "fablab-fresh.db"
    with sqlite3.connect(fresh_b) as copy:
        desk_b.conn.backup(copy)
    copy.close()
    folders_b = SyncFolders.beside(desk_b.path)
    profiles = {"export": cProfile.Profile(), "import": cProfile.Profile()} if profile else {}

    print("  export…", flush=True)
    export_base_s = timed(lambda: raw_write(work / "raw-export.db", log_rows(desk_a))) / 1000
    written: list[Path | None] = []
    export_s = (
        profiled(profiles.get("export"), lambda: written.append(export_bundle(desk_a, work))) / 1000
    )
    bundle = written[0]
    if bundle is None:
        raise RuntimeError("export_bundle wrote nothing")

    print("  import…", flush=True)
    import_base_s = import_baseline(desk_b, bundle, work / "raw-import.db")
    results = []
    import_s = (
        profiled(
            profiles.get("import"),
            lambda: results.extend(import_files(desk_b, [bundle], folders_b)),
        )
        / 1000
    )
    if [result.status for result in results] != ["applied"] or results[0].stats.applied != rows:
        raise RuntimeError(f"the import went wrong: {results}")

    print("  re-import…", flush=True)
    again = []
    reimport_s = timed(lambda: again.extend(import_files(desk_b, [bundle], folders_b))) / 1000
    if [result.status for result in again] != ["already"]:
        raise RuntimeError(f"the re-import went wrong: {again}")
    decrypt_s = timed(lambda: decrypt_only(desk_b, bundle, work / "plain.tar")) / 1000

    count_a, hash_a = residents_digest(desk_a)
    count_b, hash_b = residents_digest(desk_b)
    (held_b,) = desk_b.conn.execute(
        "SELECT COUNT(*) FROM change_log WHERE desk_id = ?", (desk_a.ensure_desk().id,)
    ).fetchone()
    same = (count_a, hash_a) == (count_b, hash_b) and held_b == rows
    desk_path = desk_a.path
    desk_a.close()
    desk_b.close()
    if not same:
        raise RuntimeError(
            f"desk B differs from desk A: {count_b:,} residents (A: {count_a:,}), "
            f"{held_b:,} of A's {rows:,} changes"
        )

    print("  peak memory in fresh processes…", flush=True)
    assert desk_path is not None
    memory = memory_rows(work, desk_path, fresh_b, bundle, rows)

    table = [
        Row(f"Desk A's changes ({target:,} field changes asked)", ""),
        Row("  residents created, then edited one field at a time", f"{residents:,}"),
        Row("  field changes (keys of data, over the change log)", f"{field_changes:,}"),
        Row("  change-log rows", f"{rows:,}"),
        Row("  written through store.write() in", f"{write_s:.1f} s"),
        Row("  bundle file (signed, age-encrypted)", f"{bundle.stat().st_size / 1e6:.2f} MB"),
        Row("Sync of the bundle", ""),
        checked("  export_bundle on desk A", export_s, EXPORT_TARGET_S, "s", export_base_s),
        checked("  import_files on desk B", import_s, IMPORT_TARGET_S, "s", import_base_s),
        checked("  re-import (already applied)", reimport_s, REIMPORT_TARGET_S, "s", decrypt_s),
        Row("  baseline of export: read the log, executemany it into a scratch DB", ""),
        Row("  baseline of import: executemany the decoded records into a scratch DB", ""),
        Row("  baseline of re-import: bare age decryption of the bundle", ""),
        Row(
            "  B's residents equal A's (count, SHA-256)",
            f"{count_b:,}, {hash_b[:12]}",
            "equal",
            verdict="met",
        ),
        *memory,
    ]
    print()
    print_table(table)
    for title, found in profiles.items():
        print_profile(title, found)
    return 0 if all(row.verdict != "NOT MET" for row in table) else 1


if __name__ == "__main__":
    sys.exit(main())
