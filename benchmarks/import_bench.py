"""Passerelle's import benchmark: a centre's 20,000-row spreadsheet moved into a desk that
already holds the 5,000-resident demo centre.

    python benchmarks/import_bench.py [--rows 20000] [--rebuild] [--profile]

A CSV file is generated (semicolons, UTF-8 with a byte-order mark, as French Excel saves
it): real first names from the demo's pools, made-up last names with accents, years and
dates of birth written three ways, phones, some e-mails; 5 % of the rows are re-spellings
of residents already on the desk (probable duplicates), 1 % repeat an earlier row of the
file, 0.5 % are invalid. On a copy of the cached demo database (``demo_db.py``, 5,000
residents and 50,000 sessions), timed:

1. reading the file and guessing its columns;
2. the preview (every row checked, compared with the desk's residents and the earlier
   rows by La Coop's rule);
3. the import (``--skip-invalid``, duplicates skipped) in one transaction through the
   write path;
4. the undo of the whole import (the residents it created are erased).

Baselines: ``csv.reader`` over the same file, and a bare ``executemany`` of the imported
rows into a table of the same shape. The desk must end with exactly the residents the
import created, or nothing is reported as met. Prints one table like ``run.py``'s; the
exit status is 1 when a target is not met.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import pstats
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from demo_db import demo_database
from run import Row, checked, print_table

from mediator_app.demo.names import ORIGINS
from mediator_app.domain.resident import Consent
from mediator_app.domain.text import name_words
from mediator_app.importing.apply import Action, apply_import, undo_import
from mediator_app.importing.mapping import guess_mapping
from mediator_app.importing.plan import Outcome, preview
from mediator_app.importing.reading import read_table
from mediator_app.store import open_store
from mediator_app.store.driver import sqlite3

SEED = 1
DEMO_RESIDENTS, DEMO_SESSIONS = 5_000, 50_000
#: The issue's target: a 20,000-row file previewed and imported in under 20 s.
PREVIEW_AND_IMPORT_TARGET_S = 20.0
DUPLICATE_SHARE = 0.05
REPEAT_SHARE = 0.01
INVALID_SHARE = 0.005
HEADER = (
    "Nom", "Prénom", "Date de naissance", "Genre", "Téléphone", "E-mail", "Commune",
    "Code postal", "Notes",
)  # fmt: skip
_SYLLABLES = (
    "ma", "ri", "lé", "ou", "ben", "sa", "ïd", "ngu", "yễn", "tra", "ço", "no", "ël",
    "ka", "rim", "da", "sil", "va", "fer", "rei", "ra", "lo", "pez", "gar", "cí", "ros",
    "si", "mo", "ret", "ti", "bou", "ab", "del", "la", "mé", "dou", "ba", "yıl", "dız",
    "ş", "ah", "kos", "ta", "vi", "ch", "ler", "quet", "ter", "zi", "ane",
)  # fmt: skip
_COMMUNES = (
    ("Marseille", "13003"), ("Lyon", "69001"), ("Saint-Étienne", "42000"),
    ("Bourg-en-Bresse", "1000"), ("Besançon", "25000"), ("Montpellier", "34000"),
)  # fmt: skip


def _name(rng: random.Random) -> str:
    word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
    return word[0].upper() + word[1:]


def _birth(rng: random.Random, year: int) -> str:
    day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    way = rng.random()
    if way < 0.4:
        return f"{day:%d/%m/%Y}"
    if way < 0.8:
        return str(year)
    if way < 0.9:
        return day.isoformat()
    return ""


def generate_csv(path: Path, rows: int, existing: list[tuple[str, str, str]]) -> dict[str, int]:
    """Write the centre's list; returns how many rows of each kind were planted."""
    rng = random.Random(SEED)
    origins = [(origin, origin.weight) for origin in ORIGINS]
    lines: list[list[str]] = []
    valid: list[list[str]] = []  # the rows a repeat may copy
    planted = {"duplicates": 0, "repeats": 0, "invalid": 0}
    for number in range(rows):
        draw = rng.random()
        if draw < DUPLICATE_SHARE and existing:
            first, last, phone = rng.choice(existing)
            last = last.upper() if rng.random() < 0.5 else last
            lines.append([last, first, "", "", phone, "", "", "", ""])
            planted["duplicates"] += 1
            continue
        if draw < DUPLICATE_SHARE + REPEAT_SHARE and valid:
            repeated = list(rng.choice(valid))
            repeated[4] = ""  # the same person, written again without a phone
            lines.append(repeated)
            planted["repeats"] += 1
            continue
        origin = rng.choices([o for o, _ in origins], [w for _, w in origins])[0]
        female = rng.random() < 0.55
        first = rng.choice(origin.female if female else origin.male)
        last = _name(rng)
        year = rng.randint(1935, 2008)
        commune, postcode = rng.choice(_COMMUNES)
        line = [
            last, first, _birth(rng, year), rng.choice(("F", "Femme") if female else ("M", "H")),
            f"06 {number // 10_000 % 100:02d} {number // 100 % 100:02d} {number % 100:02d} "
            f"{rng.randrange(100):02d}",
            f"{''.join(name_words(first))}.{number}@example.org" if rng.random() < 0.4 else "",
            commune, postcode, "Vient pour la CAF" if rng.random() < 0.1 else "",
        ]  # fmt: skip
        if draw > 1 - INVALID_SHARE:
            way = rng.randrange(3)
            if way == 0:
                line[5] = "sans-arobase.example.org"
            elif way == 1:
                line[2] = "12/03/2099"
            else:
                line[0] = line[1] = ""
            planted["invalid"] += 1
        else:
            valid.append(line)
        lines.append(line)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(lines)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return planted


def _timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def _bare_read(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as opened:
        return sum(1 for _ in csv.reader(opened, delimiter=";"))


def _bare_write(records: list[dict]) -> None:
    """The same rows into a table of the resident's shape, in one transaction, with
    nothing else: no change log, no search index, no checks."""
    columns = list(records[0])
    connection = sqlite3.connect(":memory:")
    connection.execute(f"CREATE TABLE resident (id TEXT PRIMARY KEY, {', '.join(columns)})")
    with connection:
        connection.executemany(
            f"INSERT INTO resident VALUES (?, {', '.join('?' for _ in columns)})",
            [(str(index), *record.values()) for index, record in enumerate(records)],
        )
    connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rebuild", action="store_true", help="build the demo database again")
    parser.add_argument("--profile", action="store_true", help="profile preview and import")
    args = parser.parse_args()

    demo = demo_database(DEMO_RESIDENTS, DEMO_SESSIONS, SEED, args.rebuild)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "desk.db"
        shutil.copyfile(demo.path, database)
        store = open_store(database)
        existing = store.conn.execute(
            "SELECT first_name, last_name, phone FROM resident WHERE merged_into IS NULL "
            "AND last_name != '' ORDER BY id"
        ).fetchall()
        (before,) = store.conn.execute("SELECT COUNT(*) FROM resident").fetchone()
        source = Path(folder) / "beneficiaires.csv"
        planted = generate_csv(source, args.rows, existing)
        print(f"Importing {args.rows:,} rows into {demo.path.name} ({before:,} residents)…")

        profiler = cProfile.Profile() if args.profile else None
        table, read_s = _timed(lambda: read_table(source))
        guess = guess_mapping(table.headers)
        _count, bare_read_s = _timed(lambda: _bare_read(source))
        calls: list[int] = []

        def progress(done: int, total: int) -> bool:
            calls.append(done)
            return True

        if profiler:
            profiler.enable()
        plan, preview_s = _timed(lambda: preview(store, table, guess.mapping, progress=progress))
        counts = plan.counts
        statement = Consent(date.today(), "Nadia Belkacem", "fr")
        result, apply_s = _timed(
            lambda: apply_import(
                store, plan, statement, duplicates=Action.SKIP, skip_invalid=True,
                progress=progress,
            )
        )  # fmt: skip
        if profiler:
            profiler.disable()
        (after,) = store.conn.execute("SELECT COUNT(*) FROM resident").fetchone()
        records = [row.resident.to_record() for row in plan.rows if row.outcome is Outcome.NEW]
        _none, bare_write_s = _timed(lambda: _bare_write(records))
        undone, undo_s = _timed(lambda: undo_import(store, result.import_id))
        (restored,) = store.conn.execute("SELECT COUNT(*) FROM resident").fetchone()
        store.close()

    correct = after - before == result.created == counts.new and restored == before
    total_s = read_s + preview_s + apply_s
    rows = [
        Row(f"Import of {args.rows:,} rows into the demo desk ({before:,} residents)", ""),
        Row(
            "  preview: new / probable duplicates / invalid",
            f"{counts.new:,} / {counts.duplicates:,} / {counts.invalid:,}",
        ),
        Row(
            "  planted: duplicates of the desk / repeats / invalid",
            f"{planted['duplicates']:,} / {planted['repeats']:,} / {planted['invalid']:,}",
        ),
        Row(
            "  residents created, then erased by the undo",
            f"{result.created:,} / {undone.erased:,}",
            verdict="ok" if correct else "WRONG",
        ),
        Row(
            "  read + column guess",
            f"{read_s:.2f} s",
            baseline=f"{bare_read_s:.2f} s",
            ratio=f"{read_s / bare_read_s:.1f}×",
        ),
        Row("  preview", f"{preview_s:.2f} s"),
        Row(
            "  import (one transaction, write path)",
            f"{apply_s:.2f} s",
            baseline=f"{bare_write_s:.2f} s",
            ratio=f"{apply_s / bare_write_s:.0f}×",
        ),
        checked("  read + preview + import", total_s, PREVIEW_AND_IMPORT_TARGET_S, "s"),
        Row("  undo of the whole import", f"{undo_s:.2f} s"),
        Row("  progress calls (preview and import)", f"{len(calls):,}"),
    ]
    print()
    print_table(rows)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    met = correct and all(row.verdict != "NOT MET" for row in rows)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
