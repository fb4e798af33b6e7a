"""A process that writes to a Passerelle database as fast as it can until it is killed:
the writing side of ``tests/crash_harness.py``.

    python tests/crash_writer.py DB_PATH SEED [--key-hex HEX]

It writes through the app's one write path (``open_store``, then ``store.write()``).
Each user action is one transaction: a resident and the sessions logged for them, one to
three as at the desk, or now and then ``LARGE_SESSIONS`` at once, so that a kill can land
in the middle of a long transaction. What it prints on stdout, one line each, flushed:

``ready``
    the store is open and the desk exists; nothing has been written yet.
``begin COUNT``
    a transaction of a resident and COUNT sessions starts.
``ack RESIDENT_ID SESSION_ID…``
    that transaction is committed: the app would now tell the user it is saved, so a
    crash must not lose it.

The resident's notes say how many sessions the transaction holds (``sessions: COUNT``)
and each session's notes which one it is (``session K of COUNT``), so that the database
alone shows whether a transaction is all there, acknowledged or not.

``--key-hex`` opens an encrypted database, once ``open_store`` takes a key.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date
from pathlib import Path

from mediator_app.domain.resident import Consent, Resident
from mediator_app.domain.session import SupportSession
from mediator_app.store import Store, open_store

#: Sessions in a large transaction (an import-sized user action).
LARGE_SESSIONS = 200
#: The share of actions that are large.
LARGE_SHARE = 0.03
CONSENT = Consent(collected_on=date(2026, 1, 5), collected_by="crash writer", language="fr")
THEMES = ("email", "navigation_sur_internet", "diagnostic_numerique")


def open_database(path: Path, key_hex: str | None) -> Store:
    """The store at ``path``, opened with the key when one is given."""
    if key_hex is None:
        return open_store(path)
    return open_store(path, key=bytes.fromhex(key_hex))  # type: ignore[call-arg]


def say(line: str) -> None:
    """Print one line and flush it at once: a line still in a buffer when the process is
    killed was never said."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def session_count(rng: random.Random) -> int:
    return LARGE_SESSIONS if rng.random() < LARGE_SHARE else rng.randint(1, 3)


def write_action(store: Store, number: int, count: int, today: date) -> tuple[str, list[str]]:
    """Save a resident and ``count`` sessions in one transaction; returns their ids once
    it is committed."""
    with store.write():
        resident = store.residents.create(
            Resident(
                first_name="Crash",
                last_name=f"Writer {number}",
                notes=f"sessions: {count}",
                **CONSENT.as_fields(),
            ),
            today=today,
        )
        session_ids = [
            store.sessions.create(
                SupportSession(
                    date=today.isoformat(),
                    duration_min=15 + index % 60,
                    themes=(THEMES[index % len(THEMES)],),
                    resident_id=resident.id,
                    notes=f"session {index + 1} of {count}",
                ),
                today=today,
            ).id
            for index in range(count)
        ]
    return resident.id, session_ids


def run(path: Path, seed: int, key_hex: str | None) -> None:
    """Write until killed."""
    rng = random.Random(seed)
    store = open_database(path, key_hex)
    store.ensure_desk(name="Crash desk", centre_name="Crash centre", configured=True)
    say("ready")
    number = 0
    while True:
        number += 1
        count = session_count(rng)
        say(f"begin {count}")
        resident_id, session_ids = write_action(store, number, count, date.today())
        say(" ".join(("ack", resident_id, *session_ids)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db_path", type=Path)
    parser.add_argument("seed", type=int)
    parser.add_argument("--key-hex", help="the database key, in hexadecimal")
    args = parser.parse_args()
    run(args.db_path, args.seed, args.key_hex)


if __name__ == "__main__":
    main()
