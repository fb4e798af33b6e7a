"""A writer killed with SIGKILL at any moment loses nothing it acknowledged and leaves no
half-written transaction: the privacy and resilience issue's crash test, with few kills
(``benchmarks/crash_bench.py`` makes many)."""

from __future__ import annotations

import sys
from datetime import date

import pytest

from mediator_app.store import open_store
from mediator_app.store.database import is_encrypted
from mediator_app.store.keyring import new_data_key
from mediator_app.store.schema import SCHEMA_VERSION
from tests.crash_harness import (
    AT_FILE,
    AT_START,
    FIRST_OPEN_MAX_DELAY_S,
    Ack,
    check_database,
    kill_repeatedly,
    kill_writer,
    round_seed,
    schema_version_left,
)
from tests.crash_writer import write_action

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX only")

BASE_SEED = 20261129
KILLS = 8
#: Longer than the writer takes to write its first large transaction, so that some kills
#: land in one.
MAX_DELAY_S = 0.4
FIRST_OPEN_KILLS = 3


def test_a_kill_before_anything_is_written_leaves_a_database_that_opens(tmp_path):
    db_path = tmp_path / "passerelle.db"
    kill = kill_writer(db_path, BASE_SEED, max_delay_s=0.0, moment=AT_START)

    check = check_database(db_path, kill.acknowledged, kill.seed)

    assert kill.acknowledged == ()
    assert check.ok, check.describe()
    assert (check.residents, check.sessions) == (0, 0)


def test_a_kill_during_the_first_open_leaves_a_database_that_opens(tmp_path):
    """The migrations and the desk are written in transactions too: wherever the kill
    lands, the next open finishes the work."""
    for index in range(FIRST_OPEN_KILLS):
        db_path = tmp_path / f"first-open-{index}.db"
        seed = round_seed(BASE_SEED, 100 + index)
        kill = kill_writer(db_path, seed, max_delay_s=FIRST_OPEN_MAX_DELAY_S, moment=AT_FILE)
        left = schema_version_left(db_path)

        check = check_database(db_path, kill.acknowledged, seed)

        assert check.ok, f"schema version {left} left by the kill; {check.describe()}"
        assert schema_version_left(db_path) == SCHEMA_VERSION, f"seed {seed}"


def test_acknowledged_writes_survive_repeated_kills(tmp_path):
    db_path = tmp_path / "passerelle.db"

    rounds = kill_repeatedly(db_path, BASE_SEED, KILLS, max_delay_s=MAX_DELAY_S)

    for done in rounds:
        assert done.check.ok, done.check.describe()
    acknowledged = sum(len(done.kill.acknowledged) for done in rounds)
    assert acknowledged > 0, f"seed {BASE_SEED}: the writer never acknowledged a write"
    assert rounds[-1].check.residents >= acknowledged


def test_an_encrypted_database_survives_kills_too(tmp_path):
    """Desks run encrypted: SQLCipher's pages and journal must be as safe."""
    db_path = tmp_path / "passerelle.db"
    key_hex = new_data_key().hex()

    rounds = kill_repeatedly(db_path, BASE_SEED + 1, 4, max_delay_s=MAX_DELAY_S, key_hex=key_hex)

    for done in rounds:
        assert done.check.ok, done.check.describe()
    assert is_encrypted(db_path)
    assert sum(len(done.kill.acknowledged) for done in rounds) > 0


def test_the_check_finds_a_lost_write_and_a_half_transaction(tmp_path):
    """The harness would pass vacuously if its check saw nothing: it must see an
    acknowledged write that is missing and a transaction left half written."""
    db_path = tmp_path / "passerelle.db"
    store = open_store(db_path)
    store.ensure_desk(name="Desk", configured=True)
    written = []
    for number in (1, 2):
        resident_id, session_ids = write_action(store, number, 3, date.today())
        written.append(Ack(resident_id, tuple(session_ids)))
    # A session removed behind the write path: its transaction is now half there.
    store.conn.execute("DELETE FROM support_session WHERE id = ?", (written[1].session_ids[0],))
    store.close()
    never_written = Ack("0190c0de-0000-7000-8000-000000000000", ())

    check = check_database(db_path, [*written, never_written], seed=0)

    assert check.integrity_ok
    assert set(check.lost) == {written[1].resident_id, never_written.resident_id}
    half = f"resident {written[1].resident_id}: its transaction wrote 3 sessions, 2 are there"
    assert half in check.problems, check.describe()
    assert not check.ok
