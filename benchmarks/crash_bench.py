"""Passerelle's crash benchmark: a writing process killed with SIGKILL many times; nothing
acknowledged may be lost and the database must stay whole.

    python benchmarks/crash_bench.py [--kills 60] [--first-open-kills 10]
                                     [--max-delay-ms 500] [--seed 1]

The writer (``tests/crash_writer.py``) writes through the app's write path as fast as it
can: each user action is one transaction, a resident and 1 to 3 sessions, or now and
then 200 sessions; after each commit it prints the ids (its acknowledgement). It is
started ``--kills`` times on one database that grows from round to round, and killed a
random delay (up to ``--max-delay-ms``) after it said it was ready. After each kill the
database is opened with ``open_store`` and checked (``tests/crash_harness.py``):
``PRAGMA integrity_check`` is ok, every write acknowledged in any round so far is there
with all its sessions, every transaction in the file is all there, and the change log
agrees with the tables.

Then ``--first-open-kills`` fresh databases are each killed while being created (up to
100 ms after the file appears: migrations, the desk, the first writes), and must open
and check the same way.

Prints one table like ``run.py``'s. The exit status is 1 when a write is lost, a
transaction is half there or an integrity check fails. POSIX only (SIGKILL).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

from run import Row, percentile, print_table

ROOT = Path(__file__).resolve().parent.parent


def load_harness() -> ModuleType:
    """The harness the tests use, loaded from its file: ``tests`` is not a package this
    script can import."""
    path = ROOT / "tests" / "crash_harness.py"
    spec = importlib.util.spec_from_file_location("crash_harness", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def zero_row(measure: str, count: int) -> Row:
    """A row whose target is none at all."""
    return Row(measure, f"{count:,}", "0", verdict="met" if count == 0 else "NOT MET")


def print_round(index: int, total: int, done) -> None:
    kill, check = done.kill, done.check
    where = (
        f"inside a {kill.open_transaction_sessions}-session transaction"
        if kill.open_transaction_sessions
        else "between transactions"
    )
    verdict = "ok" if check.ok else "FAILED"
    print(
        f"  kill {index + 1}/{total} (seed {kill.seed}): after {kill.delay_s * 1000:.0f} ms, "
        f"{len(kill.acknowledged)} acknowledged, killed {where}; check {verdict}",
        flush=True,
    )


def kill_rows(harness: ModuleType, rounds: list, max_delay_s: float, db_path: Path) -> list[Row]:
    """The table's lines for the kills on one growing database."""
    acknowledged = [ack for done in rounds for ack in done.kill.acknowledged]
    sessions = sum(len(ack.session_ids) for ack in acknowledged)
    lost = {resident_id for done in rounds for resident_id in done.check.lost}
    other = sum(1 for done in rounds if len(done.check.problems) > len(done.check.lost))
    inside = [done.kill.open_transaction_sessions for done in rounds]
    small, large = sum(1 for n in inside if 1 <= n <= 3), sum(1 for n in inside if n > 3)
    last = rounds[-1].check
    round_s = [done.kill.seconds for done in rounds]
    check_s = [done.check.seconds for done in rounds]
    return [
        Row(f"Kills on one growing database (delay up to {max_delay_s * 1000:.0f} ms)", ""),
        Row("  kills (SIGKILL)", f"{len(rounds):,}"),
        Row("  … inside a transaction of 1-3 / 200 sessions", f"{small:,} / {large:,}"),
        Row("  writes acknowledged", f"{len(acknowledged):,} ({sessions:,} sessions)"),
        Row(
            "  committed, killed before the acknowledgement",
            f"{last.residents - len(acknowledged):,}",
        ),
        zero_row("  acknowledged writes lost", len(lost)),
        zero_row("  integrity failures", sum(1 for done in rounds if not done.check.integrity_ok)),
        zero_row("  rounds with a half transaction or log mismatch", other),
        Row(
            "  database at the end",
            f"{last.residents:,} residents, {last.sessions:,} sessions, "
            f"{db_path.stat().st_size / 1e6:.1f} MB",
        ),
        Row(
            "  round (start, write, kill) p50 / max",
            f"{statistics.median(round_s):.2f} / {max(round_s):.2f} s",
        ),
        Row(
            "  check after a kill p50 / p95",
            f"{statistics.median(check_s) * 1000:.0f} / {percentile(check_s, 95) * 1000:.0f} ms",
        ),
    ]


def first_open_rows(
    harness: ModuleType, folder: Path, kills: int, base_seed: int
) -> tuple[list[Row], list]:
    """Kill the writer while it creates fresh databases; returns the table's lines and
    the failed checks."""
    versions: Counter[int | None] = Counter()
    checks = []
    for index in range(kills):
        seed = harness.round_seed(base_seed, 500 + index)
        db_path = folder / f"first-open-{index}.db"
        kill = harness.kill_writer(
            db_path, seed, max_delay_s=harness.FIRST_OPEN_MAX_DELAY_S, moment=harness.AT_FILE
        )
        versions[harness.schema_version_left(db_path)] += 1
        checks.append(harness.check_database(db_path, kill.acknowledged, seed))
    left = ", ".join(f"{version} ×{count}" for version, count in sorted(versions.items()))
    failed = [check for check in checks if not check.ok]
    rows = [
        Row(f"Kills during the first open ({kills} fresh databases)", ""),
        Row("  schema versions the kills left", left),
        zero_row("  databases failing the check", len(failed)),
    ]
    return rows, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=60)
    parser.add_argument("--first-open-kills", type=int, default=10)
    parser.add_argument("--max-delay-ms", type=float, default=500.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--key-hex", help="the key of an encrypted database, in hexadecimal")
    args = parser.parse_args()
    if args.kills < 1:
        parser.error("--kills must be at least 1")
    harness = load_harness()
    max_delay_s = args.max_delay_ms / 1000
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "passerelle.db"
        print(f"Killing the writer {args.kills} times (base seed {args.seed})…", flush=True)
        rounds = harness.kill_repeatedly(
            db_path, args.seed, args.kills, max_delay_s=max_delay_s, key_hex=args.key_hex,
            on_round=lambda index, done: print_round(index, args.kills, done),
        )  # fmt: skip
        rows = kill_rows(harness, rounds, max_delay_s, db_path)
        failed = [done.check for done in rounds if not done.check.ok]
        if args.first_open_kills:
            print(f"Killing {args.first_open_kills} first opens…", flush=True)
            open_rows, open_failed = first_open_rows(
                harness, Path(folder), args.first_open_kills, args.seed
            )
            rows += open_rows
            failed += open_failed
    rows.append(Row("Whole run", f"{time.perf_counter() - started:.1f} s"))
    print()
    print_table(rows)
    for check in failed[:3]:
        print()
        print(check.describe())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
