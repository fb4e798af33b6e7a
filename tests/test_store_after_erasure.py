"""An erasure leaves no trace of the person anywhere on the desk: not in the database's
free pages, nor in its write-ahead log, its backups or a database a restore set aside."""

from __future__ import annotations

from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.store import open_store
from mediator_app.store.after_erasure import REASON
from mediator_app.store.backups import backup_folder, list_backups, make_backup, restore
from mediator_app.store.encryption import encrypt_desk
from mediator_app.store.keyring import read_keyring
from mediator_app.store.mediators import add_mediator
from tests.ui_helpers import CONSENT

NAME, PHONE, NOTE = "Quintanilla-Barbosa", "0611223344", "a demandé un rendez-vous CAF"
#: What of the kept resident must still be there.
KEPT = "Abdelkader"


def _desk(path):
    store = open_store(path)
    store.ensure_desk(name="Accueil", configured=True)
    erased = store.residents.create(
        Resident(first_name="Zoé", last_name=NAME, phone=PHONE, **CONSENT)
    )
    store.sessions.create(
        SupportSession(resident_id=erased.id, date="2026-11-02", themes=("email",), notes=NOTE)
    )
    kept = store.residents.create(Resident(first_name="Malik", last_name=KEPT, **CONSENT))
    return store, erased, kept


def _every_file_under(folder):
    return [path for path in sorted(folder.rglob("*")) if path.is_file()]


def test_a_clear_desk_keeps_no_byte_of_an_erased_person(tmp_path):
    path = tmp_path / "desk" / "passerelle.db"
    store, erased, kept = _desk(path)
    make_backup(store, backup_folder(path), reason="daily")
    make_backup(store, backup_folder(path), reason="close")
    store.close()
    restore(path, list_backups(backup_folder(path))[0].path)  # sets the old one aside
    store = open_store(path)

    store.residents.erase(erased.id)

    for file in _every_file_under(tmp_path / "desk"):
        data = file.read_bytes()
        for trace in (NAME, PHONE, NOTE, "Quintanilla"):
            assert trace.encode() not in data, f"{trace!r} left in {file.name}"
    # What must stay is still there: the other resident, and one backup to restore.
    (backup,) = list_backups(backup_folder(path))
    assert backup.reason == REASON and KEPT.encode() in backup.path.read_bytes()
    assert store.residents.get(kept.id).last_name == KEPT
    store.close()


def test_an_encrypted_desk_keeps_no_trace_once_its_copies_are_opened(tmp_path):
    path = tmp_path / "passerelle.db"
    store, erased, _kept = _desk(path)
    mediator = add_mediator(store, "Inès Moreau")
    store.close()
    key = encrypt_desk(path, mediator.id, "la clé des champs")
    store = open_store(path, key=key)
    make_backup(store, backup_folder(path))

    store.residents.erase(erased.id)
    store.close()

    (backup,) = list_backups(backup_folder(path))
    assert read_keyring(backup.path).unlock("la clé des champs")[0] == key
    copy = open_store(backup.path, key=key)
    assert copy.conn.execute("SELECT COUNT(*) FROM resident").fetchone() == (1,)
    clear = tmp_path / "clear.db"  # the backup's content, decrypted
    copy.conn.execute("ATTACH DATABASE ? AS clear KEY ''", (str(clear),))
    copy.conn.execute("SELECT sqlcipher_export('clear')")
    copy.conn.execute("DETACH DATABASE clear")
    copy.close()
    content = clear.read_bytes()
    assert KEPT.encode() in content
    for trace in (NAME, PHONE, NOTE):
        assert trace.encode() not in content


def test_without_an_erasure_the_backups_are_left_alone(tmp_path):
    path = tmp_path / "passerelle.db"
    store, _erased, kept = _desk(path)
    made = make_backup(store, backup_folder(path))
    store.residents.update(store.residents.get(kept.id))
    store.close()
    assert [info.path for info in list_backups(backup_folder(path))] == [made]
