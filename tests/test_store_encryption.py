"""Encryption at rest: a database copied elsewhere is unreadable without a mediator's
passphrase or the centre's recovery key; adding a mediator never re-encrypts it."""

from __future__ import annotations

import shutil

import pytest
from pyrage import x25519

from mediator_app.domain.resident import Resident
from mediator_app.store import open_store
from mediator_app.store.backups import backup_folder, list_backups, make_backup
from mediator_app.store.database import is_encrypted
from mediator_app.store.driver import sqlite3
from mediator_app.store.encryption import AlreadyEncryptedError, encrypt_database
from mediator_app.store.errors import DatabaseEncryptedError, DatabaseUnreadableError
from mediator_app.store.keyring import (
    DamagedKeyringError,
    Keyring,
    WrongPassphraseError,
    WrongRecoveryKeyError,
    keyring_path,
    new_data_key,
    read_keyring,
)
from tests.ui_helpers import CONSENT

NAME = "Zoé Bérénice Dupont-Aït"


def _plain_database(path):
    store = open_store(path)
    store.ensure_desk()
    resident_id = store.residents.create(Resident(first_name="Zoé", last_name=NAME, **CONSENT)).id
    store.close()
    return resident_id


def test_a_keyring_opens_with_each_mediator_passphrase_and_only_theirs():
    key = new_data_key()
    ring = Keyring().with_passphrase(key, "m1", "Amina", "soleil levant 7")
    ring = ring.with_passphrase(key, "m2", "Louis", "pluie du nord 3")
    assert ring.unlock("soleil levant 7") == (key, "m1")
    assert ring.unlock("pluie du nord 3") == (key, "m2")
    with pytest.raises(WrongPassphraseError):
        ring.unlock("soleil levant 7", mediator_id="m2")
    with pytest.raises(WrongPassphraseError):
        ring.without_mediator("m1").unlock("soleil levant 7")
    # Round trip through the file format.
    assert Keyring.from_json(ring.to_json()).unlock("pluie du nord 3")[0] == key


def test_a_slot_moved_to_another_mediator_opens_nothing():
    key = new_data_key()
    ring = Keyring().with_passphrase(key, "m1", "Amina", "soleil levant 7")
    (slot,) = ring.passphrases
    forged = Keyring((type(slot)(**{**slot.__dict__, "mediator_id": "m2"}),))
    with pytest.raises(WrongPassphraseError):
        forged.unlock("soleil levant 7")


def test_a_recovery_key_opens_the_keyring():
    key, identity = new_data_key(), x25519.Identity.generate()
    ring = Keyring().with_recovery(key, str(identity.to_public()), "safe")
    assert ring.unlock_with_recovery(f"# a comment\n{identity}\n") == key
    with pytest.raises(WrongRecoveryKeyError):
        ring.unlock_with_recovery(str(x25519.Identity.generate()))
    with pytest.raises(WrongRecoveryKeyError):
        ring.unlock_with_recovery("not a key")


def test_a_damaged_keyring_is_refused_with_a_message():
    with pytest.raises(DamagedKeyringError):
        Keyring.from_json("{not json")
    with pytest.raises(DamagedKeyringError):
        Keyring.from_json('{"format": "other", "version": 1}')


def test_an_encrypted_database_copied_elsewhere_reveals_nothing(tmp_path):
    path = tmp_path / "desk.db"
    resident_id = _plain_database(path)
    identity = x25519.Identity.generate()
    key = encrypt_database(
        path,
        mediator_id="m1",
        name="Amina",
        passphrase="soleil levant 7",
        recovery_recipients=[(str(identity.to_public()), "safe")],
    )
    assert is_encrypted(path)
    raw = path.read_bytes()
    for secret in (NAME, "Bérénice", "Dupont", "resident"):
        assert secret.encode() not in raw
    assert not path.with_name("desk.db-wal").exists()
    # Moved to another machine: the file alone opens nothing.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(path, elsewhere / "desk.db")
    with pytest.raises(DatabaseUnreadableError):
        open_store(elsewhere / "desk.db")
    connection = sqlite3.connect(str(elsewhere / "desk.db"))
    with pytest.raises(sqlite3.DatabaseError):
        connection.execute("SELECT * FROM resident").fetchall()
    connection.close()
    # Beside its keyring it asks for the key, then opens with a passphrase...
    with pytest.raises(DatabaseEncryptedError):
        open_store(path)
    ring = read_keyring(path)
    unlocked, mediator = ring.unlock("soleil levant 7")
    assert (unlocked, mediator) == (key, "m1")
    store = open_store(path, key=unlocked)
    assert store.residents.get(resident_id).last_name == NAME
    store.close()
    # ...or with the recovery key.
    store = open_store(path, key=ring.unlock_with_recovery(str(identity)))
    assert [hit.id for hit in store.residents.search("berenice")] == [resident_id]
    store.close()
    with pytest.raises(DatabaseUnreadableError):
        open_store(path, key=new_data_key())


def test_encrypting_twice_is_refused_and_changes_nothing(tmp_path):
    path = tmp_path / "desk.db"
    _plain_database(path)
    encrypt_database(path, mediator_id="m1", name="A", passphrase="soleil levant 7")
    before = (path.read_bytes(), keyring_path(path).read_bytes())
    with pytest.raises(AlreadyEncryptedError):
        encrypt_database(path, mediator_id="m1", name="A", passphrase="autre chose 12")
    assert (path.read_bytes(), keyring_path(path).read_bytes()) == before


def test_backups_made_before_encryption_are_encrypted_with_it(tmp_path):
    path = tmp_path / "desk.db"
    resident_id = _plain_database(path)
    old = make_backup(path, backup_folder(path))
    assert NAME.encode() in old.read_bytes()
    key = encrypt_database(path, mediator_id="m1", name="A", passphrase="soleil levant 7")
    (backup,) = list_backups(backup_folder(path))
    assert NAME.encode() not in backup.path.read_bytes()
    assert read_keyring(backup.path).unlock("soleil levant 7")[0] == key
    store = open_store(backup.path, key=key)
    assert store.residents.get(resident_id).last_name == NAME
    store.close()


def test_a_new_database_opened_with_a_key_is_encrypted_from_the_start(tmp_path):
    path, key = tmp_path / "new.db", new_data_key()
    store = open_store(path, key=key)
    store.residents.create(Resident(first_name="Zoé", last_name=NAME, **CONSENT))
    store.close()
    assert is_encrypted(path)
    assert NAME.encode() not in path.read_bytes()


def test_a_backup_of_an_encrypted_database_is_encrypted_and_restores(tmp_path):
    from mediator_app.store.backups import restore

    path = tmp_path / "desk.db"
    resident_id = _plain_database(path)
    key = encrypt_database(path, mediator_id="m1", name="A", passphrase="soleil levant 7")
    store = open_store(path, key=key)
    backup = make_backup(store, tmp_path / "backups")
    store.residents.erase(resident_id)
    store.close()
    assert NAME.encode() not in backup.read_bytes()
    assert keyring_path(backup).read_bytes() == keyring_path(path).read_bytes()
    aside = restore(path, backup, key=key)
    assert aside is not None and is_encrypted(aside)
    store = open_store(path, key=key)
    assert store.residents.get(resident_id).last_name == NAME
    store.close()
