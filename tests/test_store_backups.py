"""Backups and restore, tested on real files by restoring and comparing every table."""

from __future__ import annotations

import ast
import hashlib
import os
import random
import re
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mediator_app.app import main
from mediator_app.demo import generate_demo
from mediator_app.domain.resident import Resident
from mediator_app.store import NewerSchemaError, StoreError, open_store
from mediator_app.store.backups import (
    BackupCancelledError,
    DamagedBackupError,
    DatabaseInUseError,
    NewerBackupError,
    NoBackupError,
    NoDatabaseError,
    NotABackupError,
    backup_folder,
    backup_if_due,
    latest_backup,
    list_backups,
    make_backup,
    restore,
    rotate,
)
from mediator_app.store.driver import sqlite3
from mediator_app.store.schema import SCHEMA_VERSION

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
NOON = datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC)
NAME = r"passerelle-\d{8}T\d{6}Z-[a-z0-9_]+(-\d+)?\.db"


# -- helpers -------------------------------------------------------------------------


def _all_rows(source: sqlite3.Connection | Path) -> dict[str, object]:
    """Every table's rows (in a stable order), the schema and the data format."""
    connection = sqlite3.connect(source) if isinstance(source, Path) else source
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        content: dict[str, object] = {
            name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in tables
        }
        content["(schema)"] = connection.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        content["(user_version)"] = connection.execute("PRAGMA user_version").fetchone()
    finally:
        if isinstance(source, Path):
            connection.close()
    return content


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fill(store) -> None:
    generate_demo(store, residents=25, sessions=80, seed=3)


def _beside(path: Path) -> list[str]:
    return sorted(os.listdir(path.parent))


@pytest.fixture
def filled(store):
    _fill(store)
    return store


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "backups"


# -- making a backup -----------------------------------------------------------------


def test_a_backup_is_a_private_standalone_checked_copy(filled, db_path, folder):
    expected = _all_rows(filled.conn)

    made = make_backup(filled, folder)

    assert made.parent == folder
    assert re.fullmatch(NAME, made.name)
    assert made.name.endswith("-manual.db")
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert os.listdir(folder) == [made.name]  # no -wal, -shm, -journal or temporary file
    assert made.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL
    copy = sqlite3.connect(made)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    copy.close()
    assert not made.with_name(made.name + "-wal").exists()
    assert _all_rows(made) == expected


def test_a_backup_while_a_writer_holds_an_open_transaction_is_consistent(filled, db_path, folder):
    committed = _all_rows(filled.conn)
    writer = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE desk SET name = 'not committed yet'")
    writer.execute("DELETE FROM support_session")

    made = make_backup(db_path, folder)

    writer.execute("COMMIT")  # the writer was never in the backup's way
    writer.close()
    assert _all_rows(made) == committed
    assert filled.desk.name == "not committed yet"


def test_a_backup_is_one_snapshot_and_never_blocks_a_writer(filled, db_path, folder):
    before = _all_rows(filled.conn)
    writer = sqlite3.connect(db_path, isolation_level=None, timeout=0)  # no waiting
    steps: list[tuple[int, int]] = []

    def write_between_steps(done: int, total: int) -> bool:
        steps.append((done, total))
        if len(steps) <= 3:  # a few only: a backup that restarts on writes still ends
            writer.execute("UPDATE desk SET name = ?", (f"step {len(steps)}",))
            writer.execute("DELETE FROM support_session WHERE rowid IN "
                           "(SELECT rowid FROM support_session LIMIT 5)")  # fmt: skip
        return True

    made = make_backup(filled, folder, progress=write_between_steps, pages_per_step=8)
    writer.close()

    total = steps[-1][1]
    assert len(steps) == -(-total // 8) > 3  # no restart despite the writes
    assert [done for done, _ in steps] == sorted({done for done, _ in steps})
    assert steps[-1] == (total, total)
    assert filled.desk.name == "step 3"
    assert _all_rows(made) == before


def test_progress_is_reported_and_a_cancel_leaves_no_file(filled, folder):
    seen: list[tuple[int, int]] = []

    def cancel_at_third_step(done: int, total: int) -> bool:
        seen.append((done, total))
        return len(seen) < 3

    with pytest.raises(BackupCancelledError) as caught:
        make_backup(filled, folder, progress=cancel_at_third_step, pages_per_step=4)
    assert len(seen) == 3 and 0 < seen[0][0] < seen[0][1]
    assert os.listdir(folder) == []
    assert isinstance(caught.value, StoreError)
    assert caught.value.render() == "The backup was cancelled; no file was made."

    with pytest.raises(BackupCancelledError):
        make_backup(filled, folder, progress=lambda done, total: False)
    assert os.listdir(folder) == []


def test_backups_made_within_one_second_keep_their_order(store, folder):
    made = [make_backup(store, folder, reason=reason, now=NOON)
            for reason in ("daily", "manual", "close")]  # fmt: skip
    assert len(set(made)) == 3
    assert [info.path for info in list_backups(folder)] == made[::-1]
    assert latest_backup(folder) == made[-1]


def test_list_backups_tells_when_why_and_how_big(store, folder):
    made = make_backup(store, folder, reason="close", now=NOON)
    (info,) = list_backups(folder)
    assert info.path == made
    assert made.name == "passerelle-20261129T120000Z-close.db"
    assert info.made_at == NOON
    assert info.reason == "close"
    assert info.size == made.stat().st_size > 0


def test_an_empty_or_absent_folder_has_no_backup(tmp_path):
    assert latest_backup(tmp_path / "absent") is None
    assert list_backups(tmp_path / "absent") == []
    assert latest_backup(tmp_path) is None


def test_the_usual_folder_is_beside_the_database(tmp_path):
    assert backup_folder(tmp_path / "centre.db") == tmp_path / "centre.db.backups"


def test_a_missing_database_is_not_backed_up_nor_created(tmp_path, folder):
    missing = tmp_path / "missing.db"
    with pytest.raises(NoDatabaseError):
        make_backup(missing, folder)
    assert not missing.exists()


def test_a_file_that_is_not_a_database_is_not_backed_up(tmp_path, folder):
    notes = tmp_path / "notes.db"
    notes.write_text("shopping list\n" * 500, encoding="utf-8")
    with pytest.raises(StoreError):
        make_backup(notes, folder)
    assert os.listdir(folder) == []


def test_a_reason_is_one_plain_word(store, folder):
    with pytest.raises(ValueError):
        make_backup(store, folder, reason="../escape")


# -- rotation and the automatic backups ------------------------------------------------


def test_rotation_keeps_the_newest_and_touches_nothing_else(store, folder):
    made = [make_backup(store, folder, reason="daily", now=NOON + timedelta(hours=hour))
            for hour in range(5)]  # fmt: skip
    others = ["notes.txt", "passerelle-latest.db", "passerelle-20261129T120000Z.db", "x.db"]
    for name in others:
        (folder / name).write_text("mine", encoding="utf-8")

    removed = rotate(folder, keep=2)

    assert sorted(removed) == made[:3]
    assert [info.path for info in list_backups(folder)] == [made[4], made[3]]
    assert sorted(os.listdir(folder)) == sorted([made[3].name, made[4].name, *others])
    assert rotate(folder, keep=2) == []
    with pytest.raises(ValueError):
        rotate(folder, keep=0)


def test_rotation_keeps_ten_by_default(store, folder):
    for minute in range(12):
        make_backup(store, folder, now=NOON + timedelta(minutes=minute))
    rotate(folder)
    assert len(list_backups(folder)) == 10
    assert list_backups(folder)[-1].made_at == NOON + timedelta(minutes=2)


def test_backup_if_due_makes_one_only_when_due(store, db_path, folder):
    first = backup_if_due(store, folder, now=NOON)
    assert first is not None and first.name.endswith("-daily.db")
    assert backup_if_due(db_path, folder, now=NOON + timedelta(hours=23)) is None
    closing = backup_if_due(db_path, folder, reason="close", now=NOON + timedelta(hours=25))
    assert closing is not None and closing.name.endswith("-close.db")
    assert backup_if_due(db_path, folder, every=timedelta(hours=1),
                         now=NOON + timedelta(hours=25, minutes=59)) is None  # fmt: skip
    assert backup_if_due(db_path, folder, every=timedelta(hours=1), keep=2,
                         now=NOON + timedelta(hours=26, minutes=1)) is not None  # fmt: skip
    assert len(list_backups(folder)) == 2  # rotated
    assert first not in [info.path for info in list_backups(folder)]


def test_backup_if_due_goes_beside_the_database_by_default(store, db_path):
    made = backup_if_due(db_path, now=NOON)
    assert made is not None and made.parent == backup_folder(db_path)


def test_a_backup_from_the_future_does_not_stop_the_daily_one(store, folder):
    make_backup(store, folder, now=NOON + timedelta(days=30))  # the clock was wrong
    assert backup_if_due(store, folder, now=NOON) is not None


def test_backup_if_due_without_a_database_makes_nothing(tmp_path, folder):
    assert backup_if_due(tmp_path / "none.db", folder) is None
    assert not folder.exists()
    assert not (tmp_path / "none.db").exists()


# -- restore ---------------------------------------------------------------------------


def test_restore_brings_back_exactly_the_rows_of_the_backup(filled, db_path, folder):
    at_backup = _all_rows(filled.conn)
    backup = make_backup(filled, folder)
    karim = filled.residents.create(Resident(first_name="Karim", last_name="Later", **CONSENT))
    filled.configure_desk(name="Renamed", centre_name="Later", country="FR", language="fr")
    erased = filled.residents.page(0, 1)[0].id
    filled.residents.erase(erased)
    later = _all_rows(filled.conn)
    assert later != at_backup
    filled.close()

    kept = restore(db_path, backup)

    assert _all_rows(db_path) == at_backup
    assert kept is not None and kept.name.startswith("passerelle.db.before-restore-")
    assert _all_rows(kept) == later  # the database replaced is kept, whole
    assert _beside(db_path) == sorted(["backups", "passerelle.db", kept.name])
    reopened = open_store(db_path)
    try:
        assert reopened.desk.name == "Desk 1"
        assert reopened.residents.search("Later") == []
        assert reopened.residents.get(erased).id == erased
        assert karim.id not in {row.id for row in reopened.residents.page(0, 1000)}
    finally:
        reopened.close()
    assert backup.exists()  # a backup is never used up


def test_restore_twice_keeps_both_databases_replaced(filled, db_path, folder):
    backup = make_backup(filled, folder)
    filled.close()
    first = restore(db_path, backup, now=NOON)
    second = restore(db_path, backup, now=NOON)
    assert first != second
    assert first.exists() and second.exists()


def test_restore_onto_no_database_sets_nothing_aside(filled, tmp_path, folder):
    expected = _all_rows(filled.conn)
    backup = make_backup(filled, folder)
    target = tmp_path / "elsewhere" / "new.db"
    assert restore(target, backup) is None
    assert _all_rows(target) == expected


def test_restore_is_refused_while_the_database_is_open(filled, db_path, folder):
    backup = make_backup(filled, folder)
    filled.residents.create(Resident(first_name="Still", last_name="Here", **CONSENT))
    count = filled.residents.count()

    with pytest.raises(DatabaseInUseError) as caught:
        restore(db_path, backup)

    assert "in use" in caught.value.render()
    assert filled.residents.count() == count
    assert [name for name in _beside(db_path) if "before-restore" in name] == []
    assert [name for name in _beside(db_path) if name.endswith(".tmp")] == []


@pytest.mark.parametrize("hard_links", [True, False], ids=["linked", "renamed"])
def test_a_restore_that_fails_halfway_puts_everything_back(
    filled, db_path, folder, monkeypatch, hard_links
):
    backup = make_backup(filled, folder)
    filled.residents.create(Resident(first_name="Kept", last_name="Safe", **CONSENT))
    filled.close()
    live, beside = _digest(db_path), _beside(db_path)
    real_replace = os.replace

    def disk_full_at_the_swap(source, target):
        if Path(target) == db_path and Path(source).name.endswith(".tmp"):
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    def no_hard_links(source, target):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "replace", disk_full_at_the_swap)
    if not hard_links:
        monkeypatch.setattr(os, "link", no_hard_links)

    with pytest.raises(StoreError) as caught:
        restore(db_path, backup)

    assert "No space left on device" in caught.value.render()
    assert _digest(db_path) == live
    assert _beside(db_path) == beside
    monkeypatch.setattr(os, "replace", real_replace)
    kept = restore(db_path, backup)  # and, without the fault, with or without links
    assert _digest(kept) == live


def _not_a_database(tmp_path: Path, backup: Path) -> Path:
    path = tmp_path / "text.db"
    path.write_text("Ceci n'est pas une base de données.\n" * 300, encoding="utf-8")
    return path


def _noise(tmp_path: Path, backup: Path) -> Path:
    path = tmp_path / "noise.db"
    path.write_bytes(random.Random(8).randbytes(64 * 1024))
    return path


def _empty(tmp_path: Path, backup: Path) -> Path:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    return path


def _another_sqlite_database(tmp_path: Path, backup: Path) -> Path:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE contact (name TEXT)")
    connection.execute("PRAGMA user_version = 1")
    connection.commit()
    connection.close()
    return path


def _damaged(tmp_path: Path, backup: Path) -> Path:
    path = tmp_path / "damaged.db"
    data = bytearray(backup.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 16 * 4096] = random.Random(9).randbytes(16 * 4096)
    path.write_bytes(data)
    return path


def _newer(tmp_path: Path, backup: Path) -> Path:
    path = tmp_path / "newer.db"
    path.write_bytes(backup.read_bytes())
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    return path


@pytest.mark.parametrize(
    ("make_file", "error"),
    [
        (_not_a_database, NotABackupError),
        (_noise, NotABackupError),
        (_empty, NotABackupError),
        (_another_sqlite_database, NotABackupError),
        (_damaged, DamagedBackupError),
        (_newer, NewerBackupError),
    ],
    ids=lambda value: getattr(value, "__name__", "").strip("_"),
)
def test_a_bad_backup_is_refused_and_nothing_changes(
    filled, db_path, folder, tmp_path, make_file, error
):
    good = make_backup(filled, folder)
    filled.close()
    bad = make_file(tmp_path, good)
    live, offered = _digest(db_path), _digest(bad)
    beside = _beside(db_path)

    with pytest.raises(error) as caught:
        restore(db_path, bad)

    assert _digest(db_path) == live
    assert _digest(bad) == offered
    assert _beside(db_path) == beside  # nothing set aside, no temporary file left
    assert isinstance(caught.value, StoreError)
    assert "Traceback" not in caught.value.render()


def test_refusals_say_why_in_plain_words(filled, db_path, folder, tmp_path):
    good = make_backup(filled, folder)
    filled.close()
    with pytest.raises(NotABackupError) as not_ours:
        restore(db_path, _noise(tmp_path, good))
    assert "This file is not a Passerelle backup" in not_ours.value.render()
    with pytest.raises(NewerSchemaError) as newer:  # the store's own refusal, for a backup
        restore(db_path, _newer(tmp_path, good))
    assert "This backup was made by a newer version of Passerelle" in newer.value.render()
    assert newer.value.params == {"found": SCHEMA_VERSION + 1, "supported": SCHEMA_VERSION}
    with pytest.raises(NoBackupError):
        restore(db_path, tmp_path / "no-such-backup.db")


def test_a_damaged_database_can_be_replaced_by_its_backup(filled, db_path, folder):
    expected = _all_rows(filled.conn)
    backup = make_backup(filled, folder)
    filled.close()
    damaged = db_path.read_bytes()[:4096] + random.Random(4).randbytes(32 * 1024)
    db_path.write_bytes(damaged)

    kept = restore(db_path, backup)

    assert kept.read_bytes() == damaged  # kept as it was, even damaged
    assert _all_rows(db_path) == expected


# -- command line ----------------------------------------------------------------------


def _cli(*arguments: str) -> int:
    return main(["--lang", "en", *arguments])


def test_cli_backup_then_restore_round_trip(filled, db_path, folder, capsys):
    at_backup = _all_rows(filled.conn)
    filled.close()

    assert _cli("backup", "--db", str(db_path), "--to", str(folder)) == 0
    out = capsys.readouterr().out
    (made,) = list_backups(folder)
    assert out == f"Backup written: {made.path}\n"

    later = open_store(db_path)
    later.residents.create(Resident(first_name="After", last_name="Backup", **CONSENT))
    later.close()

    assert _cli("restore", "--db", str(db_path), str(folder)) == 0  # a folder: its latest
    out = capsys.readouterr().out
    (kept,) = [path for path in db_path.parent.iterdir() if "before-restore" in path.name]
    assert out == (
        f"{made.path} restored into {db_path}. The previous database is kept as {kept}.\n"
    )
    assert _all_rows(db_path) == at_backup


def test_cli_refusals_exit_2_and_change_nothing(filled, db_path, folder, tmp_path, capsys):
    make_backup(filled, folder)
    filled.close()
    live = _digest(db_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a backup\n" * 100, encoding="utf-8")
    empty = tmp_path / "empty-folder"
    empty.mkdir()

    assert _cli("restore", "--db", str(db_path), str(notes)) == 2
    assert "This file is not a Passerelle backup" in capsys.readouterr().err
    assert _cli("restore", "--db", str(db_path), str(empty)) == 2
    assert "There is no backup" in capsys.readouterr().err
    assert _cli("restore", "--db", str(db_path), str(tmp_path / "absent.db")) == 2
    assert "There is no backup" in capsys.readouterr().err
    assert _digest(db_path) == live
    assert not [path for path in db_path.parent.iterdir() if "before-restore" in path.name]

    missing = tmp_path / "missing.db"
    assert _cli("backup", "--db", str(missing), "--to", str(folder)) == 2
    assert "There is no database" in capsys.readouterr().err
    assert not missing.exists()


def test_cli_round_trip_in_a_real_process(filled, db_path):
    at_backup = _all_rows(filled.conn)
    filled.close()

    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(PROJECT_ROOT / "main.py"), "--lang", "en", *arguments],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    made = run("backup", "--db", str(db_path))  # into the usual folder, beside it
    assert made.returncode == 0, made.stderr
    backup = latest_backup(backup_folder(db_path))
    assert made.stdout == f"Backup written: {backup}\n"
    db_path.write_bytes(b"\x00" * 4096)  # the database is lost

    restored = run("restore", "--db", str(db_path), str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "The previous database is kept as" in restored.stdout
    assert _all_rows(db_path) == at_backup

    refused = run("restore", "--db", str(db_path), str(PROJECT_ROOT / "main.py"))
    assert refused.returncode == 2
    assert "not a Passerelle backup" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_the_backup_modules_are_free_of_qt():
    for relative in ("mediator_app/store/backups.py", "mediator_app/cli_backup.py"):
        tree = ast.parse((PROJECT_ROOT / relative).read_text(encoding="utf-8"))
        imported = {
            name
            for node in ast.walk(tree)
            for name in (
                [alias.name for alias in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )
        }  # fmt: skip
        assert not {name for name in imported if name.startswith(("PySide6", "mediator_app.ui"))}
