"""Crash safety: kill a process that is writing to a Passerelle database with SIGKILL at a
random moment, then check what it left. Shared by ``tests/test_crash_safety.py`` (a few
kills) and ``benchmarks/crash_bench.py`` (many).

After each kill the database, opened with ``open_store`` as the app opens it, must pass
``PRAGMA integrity_check`` and hold every write the writer had acknowledged, complete;
every transaction in it must be all there (a resident with all its sessions, and the
change log's rows for each of them), whether it was acknowledged or not.

Seeds fix the delays before each kill and the writer's choices, and every failure names
its seed; where in the writer's work a kill lands still depends on the machine's speed.
Killing needs POSIX signals: not on Windows.
"""

from __future__ import annotations

import os
import random
import re
import select
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from mediator_app.store import Store, open_store
from mediator_app.store.driver import sqlite3

WRITER = Path(__file__).with_name("crash_writer.py")
#: When the delay before the kill starts: at the writer's start (before Python has even
#: imported anything), when the database file appears (its first open: migrations, the
#: desk), or when the writer says it is ready (writes under way).
AT_START, AT_FILE, AT_READY = "start", "file", "ready"
#: Enough, after the file appears, for a kill to land in the migrations, the desk's
#: creation or the first writes (the first open takes about 70 ms on the development
#: machine).
FIRST_OPEN_MAX_DELAY_S = 0.1
#: A writer that has not reached the moment by then is stuck, not slow.
MOMENT_TIMEOUT_S = 60.0
#: A killed process closes its pipe at once; waiting longer means something is wrong.
EXIT_TIMEOUT_S = 10.0
_POLL_S = 0.002
_RESIDENT_NOTES = re.compile(r"sessions: (\d+)")


class WriterError(RuntimeError):
    """The writer did not run as the harness expects: it stopped by itself, or hung."""


@dataclass(frozen=True)
class Ack:
    """One transaction the writer acknowledged: a resident and its sessions."""

    resident_id: str
    session_ids: tuple[str, ...]


@dataclass(frozen=True)
class Kill:
    """One run of the writer, ended by SIGKILL ``delay_s`` after ``moment``."""

    seed: int
    moment: str
    delay_s: float
    acknowledged: tuple[Ack, ...]
    #: Transactions the writer began, acknowledged or not.
    begun: int
    #: The sessions of the transaction begun and not acknowledged when the kill came (it
    #: may have been committed just before), 0 when none was.
    open_transaction_sessions: int
    seconds: float


@dataclass(frozen=True)
class Check:
    """What the database held after a kill."""

    seed: int
    integrity: tuple[str, ...]
    #: Resident ids of acknowledged transactions that are missing or incomplete.
    lost: tuple[str, ...]
    #: Everything wrong, integrity and losses included, one sentence each.
    problems: tuple[str, ...]
    residents: int
    sessions: int
    seconds: float

    @property
    def integrity_ok(self) -> bool:
        return self.integrity == ("ok",)

    @property
    def ok(self) -> bool:
        return self.integrity_ok and not self.problems

    def describe(self) -> str:
        """The check's outcome in one message, seed first, for an assertion."""
        head = f"seed {self.seed}: {self.residents} residents, {self.sessions} sessions"
        if self.ok:
            return f"{head}, all consistent"
        shown = self.problems[:20]
        more = len(self.problems) - len(shown)
        return "\n  ".join([head, *shown, *([f"… and {more} more"] if more else [])])


# --- Running and killing the writer ------------------------------------------------------


def writer_command(db_path: Path, seed: int, key_hex: str | None = None) -> list[str]:
    key_arguments = ["--key-hex", key_hex] if key_hex is not None else []
    return [sys.executable, str(WRITER), str(db_path), str(seed), *key_arguments]


class _Output:
    """The writer's stdout, read without blocking past a deadline: the harness must be
    able to kill at its chosen moment even when the writer is silent."""

    def __init__(self, stream: IO[bytes]):
        self._fd = stream.fileno()
        self._pending = b""
        self.lines: list[str] = []
        self.closed = False

    def read_for(self, duration_s: float, until: Callable[[], bool] = lambda: False) -> None:
        """Collect complete lines for ``duration_s``, or until the pipe closes or
        ``until()`` is true. A line cut off by the kill is not a line."""
        deadline = time.monotonic() + duration_s
        while not self.closed and not until():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            readable, _, _ = select.select([self._fd], [], [], min(remaining, _POLL_S))
            if readable:
                self._take(os.read(self._fd, 65536))

    def _take(self, chunk: bytes) -> None:
        if not chunk:
            self.closed = True
            return
        *complete, self._pending = (self._pending + chunk).split(b"\n")
        self.lines += [line.decode() for line in complete]


def kill_writer(
    db_path: Path,
    seed: int,
    *,
    max_delay_s: float,
    moment: str = AT_READY,
    key_hex: str | None = None,
) -> Kill:
    """Start the writer on ``db_path``, kill it with SIGKILL a random delay (up to
    ``max_delay_s``, drawn from ``seed``) after ``moment``, and return what it had
    acknowledged. Raises ``WriterError`` if it stopped by itself or never got there."""
    delay_s = random.Random(seed).uniform(0.0, max_delay_s)
    started = time.perf_counter()
    process = subprocess.Popen(
        writer_command(db_path, seed, key_hex), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    output = _Output(process.stdout)
    try:
        reached = _wait_for_moment(output, moment, db_path)
        if reached:
            output.read_for(delay_s)
        # The process is not reaped yet: its pid cannot have gone to another one.
        os.kill(process.pid, signal.SIGKILL)
        output.read_for(EXIT_TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    errors = process.stderr.read().decode(errors="replace")
    if process.returncode != -signal.SIGKILL:
        raise WriterError(
            f"seed {seed}: the writer stopped by itself (exit {process.returncode}):\n{errors}"
        )
    if not reached:
        raise WriterError(f"seed {seed}: the writer never reached {moment!r}:\n{errors}")
    return _kill_record(seed, moment, delay_s, output.lines, time.perf_counter() - started)


def _wait_for_moment(output: _Output, moment: str, db_path: Path) -> bool:
    """Read the writer's output until ``moment``; false if it never came."""
    if moment == AT_START:
        return True
    if moment == AT_FILE:
        output.read_for(MOMENT_TIMEOUT_S, until=db_path.exists)
        return db_path.exists()
    if moment == AT_READY:
        output.read_for(MOMENT_TIMEOUT_S, until=lambda: "ready" in output.lines)
        return "ready" in output.lines
    raise ValueError(f"unknown moment {moment!r}")


def _kill_record(seed: int, moment: str, delay_s: float, lines: list[str], seconds: float) -> Kill:
    acknowledged = []
    begun = open_sessions = 0
    for line in lines:
        word, *rest = line.split()
        if word == "begin":
            begun += 1
            open_sessions = int(rest[0])
        elif word == "ack":
            acknowledged.append(Ack(rest[0], tuple(rest[1:])))
            open_sessions = 0
    return Kill(
        seed=seed,
        moment=moment,
        delay_s=delay_s,
        acknowledged=tuple(acknowledged),
        begun=begun,
        open_transaction_sessions=open_sessions,
        seconds=seconds,
    )


# --- Checking what the kill left ---------------------------------------------------------


def schema_version_left(db_path: Path) -> int | None:
    """The schema version a kill left in a plain file, read before ``open_store``
    migrates it: a kill during the first open may stop between migrations. ``None`` when
    there is no file."""
    if not db_path.exists():
        return None
    conn = sqlite3.connect(str(db_path))
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
    finally:
        conn.close()
    return version


def open_database(db_path: Path, key_hex: str | None = None) -> Store:
    """The store as the app opens it, with the key when one is given."""
    if key_hex is None:
        return open_store(db_path)
    return open_store(db_path, key=bytes.fromhex(key_hex))


def check_database(
    db_path: Path, acknowledged: Iterable[Ack], seed: int, key_hex: str | None = None
) -> Check:
    """Open the database and check its integrity, every acknowledged transaction, and
    that every transaction in it is all there."""
    started = time.perf_counter()
    store = open_database(db_path, key_hex)
    try:
        integrity = tuple(row[0] for row in store.conn.execute("PRAGMA integrity_check"))
        residents = dict(store.conn.execute("SELECT id, notes FROM resident").fetchall())
        sessions: dict[str | None, dict[str, str]] = defaultdict(dict)
        for session_id, resident_id, notes in store.conn.execute(
            "SELECT id, resident_id, notes FROM support_session"
        ):
            sessions[resident_id][session_id] = notes
        lost, lost_problems = _acknowledged_problems(acknowledged, residents, sessions)
        problems = [
            *([] if integrity == ("ok",) else [f"integrity_check: {'; '.join(integrity)}"]),
            *_foreign_key_problems(store),
            *lost_problems,
            *_transaction_problems(residents, sessions),
            *_log_problems(store, residents, sessions),
        ]
        session_count = sum(len(held) for held in sessions.values())
    finally:
        store.close()
    return Check(
        seed=seed,
        integrity=integrity,
        lost=tuple(lost),
        problems=tuple(problems),
        residents=len(residents),
        sessions=session_count,
        seconds=time.perf_counter() - started,
    )


def _foreign_key_problems(store: Store) -> list[str]:
    return [
        f"foreign key broken: {table} row {rowid} points to a missing {parent}"
        for table, rowid, parent, _ in store.conn.execute("PRAGMA foreign_key_check")
    ]


def _acknowledged_problems(
    acknowledged: Iterable[Ack],
    residents: dict[str, str],
    sessions: dict[str | None, dict[str, str]],
) -> tuple[list[str], list[str]]:
    """Acknowledged transactions missing or incomplete: their resident ids, and what is
    wrong with each."""
    lost: list[str] = []
    problems: list[str] = []
    for ack in acknowledged:
        if ack.resident_id not in residents:
            found = [f"acknowledged resident {ack.resident_id} is missing"]
        else:
            held = set(sessions.get(ack.resident_id, {}))
            found = [
                f"acknowledged session {session_id} of resident {ack.resident_id} is missing"
                for session_id in ack.session_ids
                if session_id not in held
            ]
        if found:
            lost.append(ack.resident_id)
            problems += found
    return lost, problems


def _transaction_problems(
    residents: dict[str, str], sessions: dict[str | None, dict[str, str]]
) -> list[str]:
    """Every resident holds exactly the sessions its transaction wrote (its notes say how
    many), and no session is without its resident."""
    problems: list[str] = []
    for resident_id, notes in residents.items():
        match = _RESIDENT_NOTES.fullmatch(notes)
        if match is None:
            problems.append(f"resident {resident_id} has unexpected notes {notes!r}")
            continue
        count = int(match.group(1))
        expected = {f"session {index} of {count}" for index in range(1, count + 1)}
        held = sorted(sessions.get(resident_id, {}).values())
        if sorted(expected) != held:
            problems.append(
                f"resident {resident_id}: its transaction wrote {count} sessions, "
                f"{len(held)} are there"
            )
    for resident_id, held in sessions.items():
        if resident_id not in residents:
            problems.append(f"{len(held)} sessions of absent resident {resident_id}")
    return problems


def _log_problems(
    store: Store, residents: dict[str, str], sessions: dict[str | None, dict[str, str]]
) -> list[str]:
    """The change log and the tables agree: each row has its insert in the log, in the
    same transaction as its resident's; each logged insert has its row; each desk's
    sequence has no gap."""
    logged: dict[tuple[str, str], str] = {
        (table, row_id): tx_id
        for table, row_id, tx_id in store.conn.execute(
            "SELECT table_name, row_id, tx_id FROM change_log WHERE op = 'insert' "
            "AND table_name IN ('resident', 'support_session')"
        )
    }
    rows = {("resident", resident_id): resident_id for resident_id in residents}
    for resident_id, held in sessions.items():
        rows.update({("support_session", session_id): resident_id for session_id in held})
    problems = [
        f"{table} {row_id} is not in the change log"
        for table, row_id in sorted(rows.keys() - logged.keys())
    ]
    problems += [
        f"logged {table} {row_id} is missing"
        for table, row_id in sorted(logged.keys() - rows.keys())
    ]
    problems += [
        f"session {row_id} was logged apart from its resident {resident_id}"
        for (table, row_id), resident_id in rows.items()
        if table == "support_session"
        and (table, row_id) in logged
        and logged[(table, row_id)] != logged.get(("resident", resident_id))
    ]
    for desk_id, count, first, last in store.conn.execute(
        "SELECT desk_id, COUNT(*), MIN(seq), MAX(seq) FROM change_log GROUP BY desk_id"
    ):
        if (first, last) != (1, count):
            problems.append(
                f"desk {desk_id}'s change log has gaps: {count} changes, seq {first}…{last}"
            )
    return problems


# --- Many kills on one database ------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    kill: Kill
    check: Check


def round_seed(base_seed: int, index: int) -> int:
    """The seed of round ``index`` of a run: readable, and enough to replay that round's
    delay and writer."""
    return base_seed * 1_000 + index


def kill_repeatedly(
    db_path: Path,
    base_seed: int,
    kills: int,
    *,
    max_delay_s: float,
    key_hex: str | None = None,
    on_round: Callable[[int, Round], None] | None = None,
) -> list[Round]:
    """Kill the writer ``kills`` times on one database that grows from round to round;
    after each kill, check every write acknowledged in any round so far."""
    acknowledged: list[Ack] = []
    rounds: list[Round] = []
    for index in range(kills):
        seed = round_seed(base_seed, index)
        kill = kill_writer(db_path, seed, max_delay_s=max_delay_s, key_hex=key_hex)
        acknowledged += kill.acknowledged
        done = Round(kill, check_database(db_path, acknowledged, seed, key_hex))
        rounds.append(done)
        if on_round is not None:
            on_round(index, done)
    return rounds
