"""The benchmark's demo database: built once through ``generate_demo`` and cached under
``benchmarks/data/``, keyed by its sizes and seed."""

from __future__ import annotations

import json
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from mediator_app.demo import generate_demo
from mediator_app.store import open_store

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class DemoDatabase:
    """A cached demo database, how long it took to build and whether it was just built."""

    path: Path
    build_seconds: float
    built_now: bool

    @property
    def size_bytes(self) -> int:
        return self.path.stat().st_size


def demo_database(residents: int, sessions: int, seed: int, rebuild: bool) -> DemoDatabase:
    """The demo database of these sizes and seed, built first if missing or ``rebuild``."""
    stem = f"demo-r{residents}-s{sessions}-seed{seed}"
    path = DATA_DIR / f"{stem}.db"
    facts = DATA_DIR / f"{stem}.json"
    if path.exists() and facts.exists() and not rebuild:
        return DemoDatabase(path, json.loads(facts.read_text())["build_seconds"], False)
    seconds = _build(path, residents, sessions, seed)
    facts.write_text(json.dumps({"build_seconds": seconds}))
    return DemoDatabase(path, seconds, True)


def _build(path: Path, residents: int, sessions: int, seed: int) -> float:
    """Write the database beside its final name, then move it there; returns seconds."""
    partial = path.with_name(path.name + ".part")
    for leftover in (path, partial):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{leftover}{suffix}").unlink(missing_ok=True)
    print(f"Building {path.name} ({residents:,} residents, {sessions:,} sessions)…")
    start = time.perf_counter()
    last_shown = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last_shown[0] >= 5 or done >= total:
            last_shown[0] = now
            share = 100 * done / max(total, 1)
            print(f"  {done:>9,} / {total:,} rows ({share:5.1f} %) {now - start:7.1f} s")
            sys.stdout.flush()

    store = open_store(partial)
    try:
        generate_demo(store, residents=residents, sessions=sessions, seed=seed, progress=progress)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    seconds = time.perf_counter() - start
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.replace(path)
    print(f"Built in {seconds:.1f} s.")
    return seconds


def encrypted_copy(demo: DemoDatabase, rebuild: bool) -> tuple[Path, bytes]:
    """An encrypted copy of ``demo`` (SQLCipher, a random key kept beside it, since it is
    a benchmark's), made once; returns its path and key."""
    from mediator_app.store.encryption import encrypt_file
    from mediator_app.store.keyring import new_data_key

    path = demo.path.with_name(demo.path.stem + "-encrypted.db")
    key_file = path.with_suffix(".key")
    if path.exists() and key_file.exists() and not rebuild:
        return path, bytes.fromhex(key_file.read_text())
    print(f"Encrypting a copy of {demo.path.name}…", flush=True)
    key = new_data_key()
    partial = path.with_name(path.name + ".part")
    shutil.copyfile(demo.path, partial)
    encrypt_file(partial, key)
    partial.replace(path)
    key_file.write_text(key.hex())
    return path, key
