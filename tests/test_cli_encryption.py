"""Encrypted databases from the command line: the passphrase comes from a file or the
environment, never from the command line; the recovery key opens them too."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from mediator_app.app import build_parser
from mediator_app.cli import run
from mediator_app.domain.resident import Resident
from mediator_app.store import open_store
from mediator_app.store.database import is_encrypted
from mediator_app.store.keyring import keyring_path, read_keyring
from tests.ui_helpers import CONSENT

PASSPHRASE = "trois mots au moins"


def _cli(*arguments: str, environment: dict[str, str] | None = None, monkeypatch=None):
    if monkeypatch is not None:
        monkeypatch.delenv("PASSERELLE_PASSPHRASE", raising=False)
        for name, value in (environment or {}).items():
            monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    code = run(build_parser().parse_args(list(arguments)), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def passphrase_file(tmp_path):
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


def test_a_database_a_command_makes_with_a_passphrase_is_encrypted(
    tmp_path, passphrase_file, monkeypatch
):
    db = tmp_path / "centre.db"
    code, _out, err = _cli(
        "demo-data", "--db", str(db), "--residents", "30", "--sessions", "40",
        "--passphrase-file", str(passphrase_file), monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    assert is_encrypted(db)
    key, admin = read_keyring(db).unlock(PASSPHRASE)
    store = open_store(db, key=key)
    assert store.residents.count() == 30
    assert store.conn.execute(
        "SELECT role FROM mediator_account WHERE mediator_id = ?", (admin,)
    ).fetchone() == ("admin",)
    store.close()
    # Without the passphrase a command says how to give it, and changes nothing.
    before = db.read_bytes()
    code, _out, err = _cli("search", "--db", str(db), "a", monkeypatch=monkeypatch)
    assert code == 2 and "PASSERELLE_PASSPHRASE" in err and "--passphrase-file" in err
    assert db.read_bytes() == before
    # From the environment, the same passphrase opens it; a wrong one does not.
    code, out, _err = _cli(
        "search", "--db", str(db), "a",
        environment={"PASSERELLE_PASSPHRASE": PASSPHRASE}, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0 and out.strip()
    code, _out, err = _cli(
        "search", "--db", str(db), "a",
        environment={"PASSERELLE_PASSPHRASE": "pas la bonne phrase"}, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 2 and "passphrase" in err


def test_no_command_takes_the_passphrase_itself_as_an_argument():
    parser = build_parser()
    (subparsers,) = [a for a in parser._actions if a.dest == "subcommand"]
    for command in [parser, *subparsers.choices.values()]:
        options = {option for action in command._actions for option in action.option_strings}
        assert "--passphrase" not in options
        assert "--passphrase-file" in options or command.prog.endswith("screenshot")


def test_a_recovery_key_made_after_encryption_opens_the_database(
    tmp_path, passphrase_file, monkeypatch
):
    db = tmp_path / "centre.db"
    _cli("demo-data", "--db", str(db), "--residents", "5", "--sessions", "5",
         "--passphrase-file", str(passphrase_file), monkeypatch=monkeypatch)  # fmt: skip
    recovery = tmp_path / "recovery.txt"
    code, _out, err = _cli(
        "recovery-key", "--db", str(db), "-o", str(recovery),
        "--passphrase-file", str(passphrase_file), monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    code, out, err = _cli(
        "search", "--db", str(db), "a", "--recovery-key", str(recovery), monkeypatch=monkeypatch
    )
    assert code == 0 and out.strip(), err


def test_encrypt_turns_a_clear_database_and_its_backups_unreadable(
    tmp_path, passphrase_file, monkeypatch
):
    db = tmp_path / "desk.db"
    store = open_store(db)
    store.ensure_desk()
    store.residents.create(Resident(first_name="Mélissandre", last_name="Quintanilla", **CONSENT))
    store.close()
    code, out, err = _cli("backup", "--db", str(db), monkeypatch=monkeypatch)
    assert code == 0, err
    code, out, err = _cli(
        "encrypt", "--db", str(db), "--mediator", "Inès Moreau",
        "--passphrase-file", str(passphrase_file), monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    files = [db, *sorted((tmp_path / "desk.db.backups").iterdir())]
    assert keyring_path(db).exists() and len(files) == 3  # the backup and its keyring
    for path in files:
        assert b"Quintanilla" not in path.read_bytes(), path
    # A backup made now is encrypted too, and restores with the passphrase.
    code, out, err = _cli(
        "backup", "--db", str(db), "--passphrase-file", str(passphrase_file),
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    made = out.split(": ", 1)[1].strip()
    assert b"Quintanilla" not in Path(made).read_bytes()
    code, out, err = _cli(
        "restore", "--db", str(db), made, "--passphrase-file", str(passphrase_file),
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    code, out, err = _cli(
        "search", "--db", str(db), "quintan", "--passphrase-file", str(passphrase_file),
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert "Quintanilla" in out
    # Encrypting again is refused, and says why.
    code, out, err = _cli(
        "encrypt", "--db", str(db), "--passphrase-file", str(passphrase_file),
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 2 and "already encrypted" in err


def test_encrypt_without_a_passphrase_says_how_to_give_one(tmp_path, monkeypatch):
    db = tmp_path / "desk.db"
    open_store(db).close()
    code, _out, err = _cli("encrypt", "--db", str(db), monkeypatch=monkeypatch)
    assert code == 2 and "PASSERELLE_PASSPHRASE" in err
    assert not is_encrypted(db)


def test_screenshots_of_an_encrypted_database_are_refused_in_plain_words(
    tmp_path, passphrase_file, monkeypatch
):
    from mediator_app.app import main

    db = tmp_path / "centre.db"
    _cli("demo-data", "--db", str(db), "--residents", "3", "--sessions", "3",
         "--passphrase-file", str(passphrase_file), monkeypatch=monkeypatch)  # fmt: skip
    assert main(["--lang", "en", "screenshot", "--db", str(db), "--out", str(tmp_path)]) == 2
