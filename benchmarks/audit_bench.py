"""Passerelle's audit trail benchmark: reading the trail of a large centre.

    python benchmarks/audit_bench.py [--quick] [--events N] [--erasures N] [--indexes]

On a copy of the demo database (50,000 residents and 500,000 sessions; ``--quick``:
5,000 and 50,000), with ``--events`` audit events added (300,000 by default: files
opened, passports printed, spread over the last year, a mediator each) and
``--erasures`` residents erased through the write path (1,000 by default, so that
tombstones and blanked changes are there as after a year of requests), it times:

- ``trail(store, resident)`` for 200 residents drawn at random (p50, p95, max);
- the first page (200 entries) of the whole trail, then each of the next 50 pages read
  through the cursor, as the viewer's lazy list reads them while it scrolls;
- the first page filtered by a mediator, by a newcomer with 5 entries in all (the whole
  log is read to find them), by the last 30 days, by both, and by a week a year ago;
- ``record()`` on its own (a commit each) and inside an open transaction;
- erasing one resident (mean of 20), which finds their deleted records in the log.

``--indexes`` first adds the indexes ``SUGGESTED_INDEXES`` lists (a migration may add
them), to compare.

Baselines: the bare ``SELECT`` of the 200 newest events by ``seq`` and of the 200
newest changes by ``hlc``, with nothing looked up. The database copy is deleted at the
end; the demo database itself is never changed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from demo_db import demo_database

from mediator_app.store import Store, audit, open_store
from mediator_app.store.mediators import add_mediator

SEED = 1
PAGE = 200
#: Indexes that make a resident's deleted records and a mediator's entries quick to find.
SUGGESTED_INDEXES = (
    "CREATE INDEX change_log_by_owner ON change_log (json_extract(data, '$.resident_id')) "
    "WHERE op = 'insert'",
    "CREATE INDEX change_log_by_author ON change_log (author, hlc)",
    "CREATE INDEX audit_event_by_mediator ON audit_event (mediator_id) "
    "WHERE mediator_id IS NOT NULL",
)


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return (time.perf_counter() - start) * 1000, result


def _summary(name: str, times_ms: list[float]) -> None:
    ordered = sorted(times_ms)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    print(
        f"{name:<52} p50 {statistics.median(ordered):8.1f} ms   p95 {p95:8.1f} ms   "
        f"max {ordered[-1]:8.1f} ms   (n={len(ordered)})"
    )


def _one(name: str, ms: float, note: str = "") -> None:
    print(f"{name:<52} {ms:8.1f} ms   {note}")


def _fill(store: Store, events: int, erasures: int, rng: random.Random) -> None:
    residents = [row[0] for row in store.conn.execute("SELECT id FROM resident")]
    mediators = [row[0] for row in store.conn.execute("SELECT id FROM mediator")]
    now = datetime.now(UTC)
    start = now - timedelta(days=365)
    step = (now - start) / max(events, 1)
    rows = []
    for number in range(events):
        at = (start + step * number).isoformat(timespec="milliseconds")
        action, detail = (audit.PRINT, audit.PASSPORT) if number % 20 == 0 else (audit.VIEW, "")
        rows.append((at, rng.choice(mediators), action, rng.choice(residents), detail))
    began = time.perf_counter()
    store.conn.execute("BEGIN")  # one transaction: the connection commits each statement
    store.conn.executemany(
        "INSERT INTO audit_event (at, mediator_id, action, resident_id, detail) "
        "VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    store.conn.execute("COMMIT")
    print(f"{events:,} events added in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    unmerged = [row[0] for row in store.conn.execute(
        "SELECT id FROM resident WHERE merged_into IS NULL")]  # fmt: skip
    erased = rng.sample(unmerged, erasures)
    with store.write():
        for resident_id in erased:
            store.residents.erase(resident_id)
    print(f"{erasures:,} residents erased in {time.perf_counter() - began:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 residents, 50,000 sessions")
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--erasures", type=int, default=1_000)
    parser.add_argument("--indexes", action="store_true", help="add SUGGESTED_INDEXES first")
    args = parser.parse_args()
    residents, sessions = (5_000, 50_000) if args.quick else (50_000, 500_000)
    demo = demo_database(residents, sessions, SEED, rebuild=False)
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="passerelle-audit-") as folder:
        path = Path(folder) / "audit.db"
        shutil.copyfile(demo.path, path)
        store = open_store(path)
        try:
            if args.indexes:
                for statement in SUGGESTED_INDEXES:
                    store.conn.execute(statement)
            _fill(store, args.events, args.erasures, rng)
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            _measure(store, rng)
        finally:
            store.close()
    return 0


def _measure(store: Store, rng: random.Random) -> None:
    conn = store.conn
    (changes,) = conn.execute("SELECT COUNT(*) FROM change_log").fetchone()
    (events,) = conn.execute("SELECT COUNT(*) FROM audit_event").fetchone()
    print(f"{changes:,} changes, {events:,} events\n")

    ms, _ = _timed(
        lambda: conn.execute(
            "SELECT * FROM audit_event ORDER BY seq DESC LIMIT ?", (PAGE,)
        ).fetchall()
    )
    _one("baseline: 200 newest events, bare", ms)
    ms, _ = _timed(
        lambda: conn.execute(
            "SELECT * FROM change_log ORDER BY hlc DESC, id DESC LIMIT ?", (PAGE,)
        ).fetchall()
    )
    _one("baseline: 200 newest changes, bare", ms)

    residents = [row[0] for row in conn.execute("SELECT id FROM resident")]
    times = []
    sizes = []
    for resident_id in rng.sample(residents, 200):
        ms, entries = _timed(lambda r=resident_id: audit.trail(store, r, limit=10_000))
        times.append(ms)
        sizes.append(len(entries))  # type: ignore[arg-type]
    _summary(f"trail(resident), {statistics.median(sizes):.0f} entries (median)", times)
    busiest = conn.execute(
        "SELECT resident_id FROM support_session WHERE resident_id IS NOT NULL "
        "GROUP BY resident_id ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()[0]
    ms, entries = _timed(lambda: audit.trail(store, busiest, limit=10_000))
    _one("trail(busiest resident)", ms, f"{len(entries):,} entries")  # type: ignore[arg-type]

    query = audit.TrailQuery()
    ms, page = _timed(lambda: audit.trail_page(store, query, limit=PAGE))
    _one("first page of the whole trail (200)", ms)
    times = []
    cursor = page.next  # type: ignore[attr-defined]
    for _number in range(50):
        ms, page = _timed(lambda c=cursor: audit.trail_page(store, query, limit=PAGE, after=c))
        times.append(ms)
        cursor = page.next  # type: ignore[attr-defined]
    _summary("next pages of the whole trail (200 each)", times)

    mediator = conn.execute("SELECT id FROM mediator LIMIT 1").fetchone()[0]
    newcomer = add_mediator(store, "Newcomer").id
    store.mediator_id = newcomer
    for resident_id in rng.sample(residents, 5):
        audit.record(store, audit.VIEW, resident_id)
    since = datetime.now() - timedelta(days=30)
    for name, filtered in (
        ("first page, one mediator", audit.TrailQuery(mediator_id=mediator)),
        ("first page, a newcomer (5 entries in all)", audit.TrailQuery(mediator_id=newcomer)),
        ("first page, the last 30 days", audit.TrailQuery(since=since)),
        ("first page, one mediator, the last 30 days",
         audit.TrailQuery(mediator_id=mediator, since=since)),
        ("first page, a year ago (one week)",
         audit.TrailQuery(since=since - timedelta(days=330),
                          until=since - timedelta(days=323))),
    ):  # fmt: skip
        ms, page = _timed(lambda q=filtered: audit.trail_page(store, q, limit=PAGE))
        _one(name, ms, f"{len(page.entries)} entries")  # type: ignore[attr-defined]

    times = []
    for _number in range(50):
        ms, _ = _timed(lambda: audit.record(store, audit.VIEW, rng.choice(residents)))
        times.append(ms)
    _summary("record(), a commit each", times)
    times = []
    with store.write():
        for _number in range(200):
            ms, _ = _timed(lambda: audit.record(store, audit.VIEW, rng.choice(residents)))
            times.append(ms)
    _summary("record() inside an open transaction", times)

    times = []
    unmerged = [row[0] for row in conn.execute("SELECT id FROM resident WHERE merged_into IS NULL")]
    for resident_id in rng.sample(unmerged, 20):
        ms, _ = _timed(lambda r=resident_id: store.residents.erase(r))
        times.append(ms)
    _summary("erase one resident", times)


if __name__ == "__main__":
    sys.exit(main())
