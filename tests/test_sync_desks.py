"""Three desks of a centre, enrolled by exchanging cards, sync through a shared folder
and through a real WebDAV server: they end identical, a conflict is shown once and
resolved once, a tampered or revoked bundle is refused and explained, and bundles every
desk holds are deleted."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.store import open_store
from mediator_app.store.changes import SYNCED_TABLES
from mediator_app.sync.conflicts import open_conflicts, resolve
from mediator_app.sync.desk_sync import SyncFolders, export_bundle, import_files, sync_with
from mediator_app.sync.keys import card_for_this_desk, enroll, revoke
from mediator_app.sync.transports import FolderTransport, WebDavTransport

pytest_plugins = ("tests.webdav_server",)

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}


class Desk:
    def __init__(self, folder: Path, name: str):
        self.path = folder / f"{name}.db"
        self.store = open_store(self.path)
        self.store.ensure_desk(name=name, centre_name="Centre social", configured=True)
        self.folders = SyncFolders.beside(self.path)


@pytest.fixture
def centre(tmp_path: Path):
    """Three desks: the first starts the centre, the others join it with its card,
    then every desk enrols every other."""
    desks = [Desk(tmp_path, name) for name in ("accueil", "fablab", "bureau")]
    first_card = card_for_this_desk(desks[0].store)
    for desk in desks[1:]:
        enroll(desk.store, first_card)
    cards = [card_for_this_desk(desk.store) for desk in desks]
    for desk in desks:
        for card in cards:
            if card.desk_id != desk.store.ensure_desk().id:
                enroll(desk.store, card)
    yield desks
    for desk in desks:
        desk.store.close()


def data_of(store) -> dict[str, list[tuple]]:
    return {
        table: store.conn.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
        for table in SYNCED_TABLES
    }


def database_hash(store) -> str:
    digest = hashlib.sha256()
    for table in (*SYNCED_TABLES, "change_log", "sync_conflict", "sync_ack"):
        for row in store.conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def sync_everyone(desks, transport, rounds: int = 3) -> None:
    for _round in range(rounds):
        for desk in desks:
            sync_with(desk.store, transport, desk.folders)


def test_three_desks_converge_through_a_shared_folder(centre, tmp_path):
    transport = FolderTransport(tmp_path / "Nextcloud" / "Passerelle")
    (tmp_path / "Nextcloud").mkdir()
    accueil, fablab, bureau = (desk.store for desk in centre)
    helene = accueil.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    karim = accueil.residents.create(Resident(first_name="Karim", last_name="Amrani", **CONSENT))
    sync_everyone(centre, transport)
    # Offline, in parallel: the same field on two desks, a session, an erasure.
    accueil.residents.update(replace(accueil.residents.get(helene.id), commune="Lyon"))
    fablab.residents.update(replace(fablab.residents.get(helene.id), commune="Grans"))
    bureau.sessions.create(
        SupportSession(date="2026-11-20", duration_min=45, themes=("email",),
                       resident_id=helene.id),
    )  # fmt: skip
    fablab.sessions.create(
        SupportSession(date="2026-11-21", duration_min=30, themes=("email",),
                       resident_id=karim.id),
    )  # fmt: skip
    bureau.residents.erase(karim.id)
    sync_everyone(centre, transport)

    reference = data_of(accueil)
    assert data_of(fablab) == reference and data_of(bureau) == reference
    for store in (accueil, fablab, bureau):
        [conflict] = open_conflicts(store.conn)
        assert (conflict.row_id, conflict.field) == (helene.id, "commune")
        assert store.conn.execute(
            "SELECT COUNT(*) FROM resident WHERE id = ?", (karim.id,)
        ).fetchone() == (0,)
        assert store.sessions.count_for_resident(helene.id) == 1
    resolve(fablab, "resident", helene.id, "commune", "Salon-de-Provence")
    sync_everyone(centre, transport)
    for store in (accueil, fablab, bureau):
        assert open_conflicts(store.conn) == []
        assert store.residents.get(helene.id).commune == "Salon-de-Provence"
    assert data_of(fablab) == data_of(accueil) == data_of(bureau)
    # Every desk holds every change: no bundle of changes is left in the shared folder,
    # only each desk's latest word on what it holds.
    sync_everyone(centre, transport, rounds=2)
    left = {bundle.name for bundle in transport.list_bundles()}
    for desk in centre:
        with_changes = {
            name for (name,) in desk.store.conn.execute(
                "SELECT file_name FROM bundle_log WHERE direction = 'out' "
                "AND status = 'written' AND changes > 0"
            )
        }  # fmt: skip
        assert with_changes and not with_changes & left
    assert len(left) <= len(centre)


def test_three_desks_converge_through_webdav(centre, webdav):
    transport = WebDavTransport(webdav.url, webdav.user, webdav.password)
    accueil, fablab, bureau = (desk.store for desk in centre)
    helene = fablab.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    sync_everyone(centre, transport)
    accueil.residents.update(replace(accueil.residents.get(helene.id), phone="0611223344"))
    bureau.residents.update(replace(bureau.residents.get(helene.id), phone="0699887766"))
    sync_everyone(centre, transport)
    assert data_of(accueil) == data_of(fablab) == data_of(bureau)
    assert len(open_conflicts(fablab.conn)) == 1


def test_bundles_imported_in_any_order_and_twice(centre, tmp_path):
    accueil, fablab, _bureau = (desk.store for desk in centre)
    made = []
    for name in ("Ana", "Zoé", "Thị"):
        accueil.residents.create(Resident(first_name=name, last_name="Costa", **CONSENT))
        made.append(export_bundle(accueil, tmp_path / "stick"))
    results = import_files(fablab, [made[2], made[0], made[1], made[2]], centre[1].folders)
    assert [r.status for r in results] == ["applied", "applied", "applied", "already"]
    # The later bundle held everything: the earlier ones brought nothing new.
    assert [r.stats.applied for r in results[:3]] == [3, 0, 0]
    assert data_of(fablab)["resident"] == data_of(accueil)["resident"]


def test_a_bundle_that_comes_before_its_predecessor_waits_for_it(centre, tmp_path):
    """The others said they hold the first resident (a desk restored from an older
    backup no longer does): the next bundle starts after it, and waits for it."""
    accueil, fablab, bureau = (desk.store for desk in centre)
    accueil.residents.create(Resident(first_name="Ana", last_name="Costa", **CONSENT))
    first = export_bundle(accueil, tmp_path / "stick")
    desk_id = accueil.ensure_desk().id
    for other in (fablab, bureau):
        accueil.conn.execute(
            "INSERT INTO sync_ack (peer_id, origin_desk, seq) VALUES (?, ?, 1)",
            (other.ensure_desk().id, desk_id),
        )
    accueil.residents.create(Resident(first_name="Zoé", last_name="Costa", **CONSENT))
    second = export_bundle(accueil, tmp_path / "stick")
    results = import_files(fablab, [second, first], centre[1].folders)
    assert [r.status for r in results] == ["wait", "applied", "applied"]
    assert data_of(fablab)["resident"] == data_of(accueil)["resident"]
    assert list(centre[1].folders.inbox.iterdir()) == []


def test_a_tampered_bundle_is_refused_explained_and_changes_nothing(centre, tmp_path):
    accueil, fablab, _bureau = (desk.store for desk in centre)
    accueil.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    bundle = export_bundle(accueil, tmp_path / "stick")
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x40
    bundle.write_bytes(bytes(data))
    before = database_hash(fablab)
    [result] = import_files(fablab, [bundle], centre[1].folders)
    assert result.status == "refused"
    assert "damaged" in result.reason
    assert database_hash(fablab) == before
    note = centre[1].folders.quarantine / (bundle.name + ".txt")
    assert "damaged" in note.read_text(encoding="utf-8")
    assert (centre[1].folders.quarantine / bundle.name).exists()


def test_a_revoked_desk_is_refused_in_plain_words(centre, tmp_path):
    accueil, _fablab, bureau = (desk.store for desk in centre)
    bureau.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    bundle = export_bundle(bureau, tmp_path / "stick")
    revoke(accueil, bureau.ensure_desk().id)
    before = database_hash(accueil)
    [result] = import_files(accueil, [bundle], centre[0].folders)
    assert result.status == "refused"
    assert "revoked" in result.reason
    assert database_hash(accueil) == before


def test_a_bundle_of_another_centre_is_refused(centre, tmp_path):
    stranger = Desk(tmp_path, "elsewhere")
    try:
        enroll(stranger.store, card_for_this_desk(centre[0].store))  # it can read ours…
        stranger.store.residents.create(Resident(first_name="A", last_name="B", **CONSENT))
        # …and it joined our centre; a desk of another centre cannot even be read here.
        other = Desk(tmp_path, "other-centre")
        other.store.residents.create(Resident(first_name="C", last_name="D", **CONSENT))
        foreign = export_bundle(other.store, tmp_path / "stick")
        before = database_hash(centre[0].store)
        [result] = import_files(centre[0].store, [foreign], centre[0].folders)
        assert result.status == "refused"
        assert "not encrypted for this desk" in result.reason
        assert database_hash(centre[0].store) == before
        other.store.close()
    finally:
        stranger.store.close()


def test_three_offline_desks_end_identical_by_folder_and_webdav_in_any_order(
    centre, tmp_path, webdav
):
    """The issue's scenario: parallel edits (one on the same field), one erasure;
    bundles go some rounds by a USB-like folder, some by WebDAV, desks in shuffled order;
    a tampered bundle on the share is refused and explained."""
    import random

    folder = FolderTransport(tmp_path / "stick")
    (tmp_path / "stick").mkdir()
    share = WebDavTransport(webdav.url, webdav.user, webdav.password)
    accueil, fablab, bureau = (desk.store for desk in centre)
    helene = accueil.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    karim = bureau.residents.create(Resident(first_name="Karim", last_name="Amrani", **CONSENT))
    sync_everyone(centre, share)
    accueil.residents.update(replace(accueil.residents.get(helene.id), phone="0611223344"))
    bureau.residents.update(replace(bureau.residents.get(helene.id), phone="0699887766"))
    fablab.sessions.create(
        SupportSession(date="2026-11-21", duration_min=30, themes=("email",),
                       resident_id=karim.id),
    )  # fmt: skip
    accueil.residents.erase(karim.id)
    rng = random.Random(5)
    for transport in (folder, share, folder, share, share):
        order = list(centre)
        rng.shuffle(order)
        for desk in order:
            sync_with(desk.store, transport, desk.folders)
    reference = data_of(accueil)
    assert data_of(fablab) == reference and data_of(bureau) == reference
    assert [c.field for c in open_conflicts(bureau.conn)] == ["phone"]
    assert not any(row for row in reference["support_session"] if row[0] and karim.id in row)
    resolve(bureau, "resident", helene.id, "phone", "0611223344")
    # Someone tampers with a bundle on the share: it is refused, the others still agree.
    bureau.residents.update(replace(bureau.residents.get(helene.id), commune="Grans"))
    sync_with(bureau, share, centre[2].folders)
    victim = next(b.name for b in share.list_bundles() if b.name.endswith(".pbundle"))
    path = share.fetch(victim, tmp_path / "tamper")
    data = bytearray(path.read_bytes())
    data[-50] ^= 0xFF
    path.write_bytes(bytes(data))
    share.delete(victim)
    forged = path.with_name("passerelle-forged-" + victim)
    path.rename(forged)
    share.send(forged)
    for transport in (share, folder, share):
        for desk in centre:
            sync_with(desk.store, transport, desk.folders)
    for desk in centre:
        assert open_conflicts(desk.store.conn) == []
        assert desk.store.residents.get(helene.id).phone == "0611223344"
        assert desk.store.residents.get(helene.id).commune == "Grans"
    assert data_of(fablab) == data_of(accueil) == data_of(bureau)
    notes = [
        note.read_text(encoding="utf-8")
        for desk in centre
        for note in desk.folders.quarantine.glob("*.txt")
    ]
    assert notes and all("damaged" in note for note in notes)


# Found by fuzzing (tests/test_fuzz_importers.py): a desk with a fault signs what it
# sends; the bundle must be refused, not break the import.


@pytest.mark.parametrize(
    "fault", ["manifest", "stamp", "unknown field", "wrong type", "constraint"]
)
def test_a_signed_but_malformed_bundle_is_refused_and_changes_nothing(centre, tmp_path, fault):
    from mediator_app.sync.bundle_file import write_bundle
    from mediator_app.sync.desk_sync import replication_peers
    from mediator_app.sync.exchange import outgoing
    from mediator_app.sync.keys import desk_keys, recipients_for

    accueil, fablab, _bureau = (desk.store for desk in centre)
    accueil.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    manifest, lines = outgoing(accueil, replication_peers(accueil))
    records = list(lines)
    insert = next(record for record in records if record["table"] == "resident")
    if fault == "manifest":
        manifest["min_reader_schema"] = ""
    elif fault == "stamp":
        insert["hlc"] = float("inf")
    elif fault == "unknown field":
        insert["data"]["nickname"] = "Lulu"
    elif fault == "wrong type":
        insert["data"]["first_name"] = ["Hélène"]
    else:
        insert["data"]["created_at"] = None  # NOT NULL
    bundle = tmp_path / "stick" / "passerelle-forged.passerelle"
    bundle.parent.mkdir()
    write_bundle(
        bundle, manifest, records, keys=desk_keys(accueil),
        recipients=recipients_for(accueil, "replication"),
    )  # fmt: skip
    before = database_hash(fablab)
    [result] = import_files(fablab, [bundle], centre[1].folders)
    assert result.status == "refused"
    assert "damaged" in result.reason
    assert database_hash(fablab) == before


def test_an_erasure_received_by_sync_sweeps_the_receiving_desks_backups(centre, tmp_path):
    from mediator_app.store.backups import backup_folder, list_backups, make_backup

    transport = FolderTransport(tmp_path / "shared")
    (tmp_path / "shared").mkdir()
    accueil, fablab, _bureau = (desk.store for desk in centre)
    zoe = accueil.residents.create(
        Resident(first_name="Zoé", last_name="Quintanilla-Barbosa", **CONSENT)
    )
    sync_everyone(centre, transport)
    fablab_path = centre[1].path
    make_backup(fablab, backup_folder(fablab_path))
    assert b"Quintanilla" in list_backups(backup_folder(fablab_path))[0].path.read_bytes()

    accueil.residents.erase(zoe.id)
    sync_everyone(centre, transport)

    for file in backup_folder(fablab_path).iterdir():
        assert b"Quintanilla" not in file.read_bytes(), file.name
    assert b"Quintanilla" not in fablab_path.read_bytes()


def test_an_anonymisation_wins_over_an_edit_it_did_not_know_about(centre, tmp_path):
    from datetime import date

    from mediator_app.store import retention

    transport = FolderTransport(tmp_path / "shared")
    (tmp_path / "shared").mkdir()
    accueil, fablab, bureau = (desk.store for desk in centre)
    zoe = accueil.residents.create(
        Resident(first_name="Zoé", last_name="Quintanilla", phone="0611223344", **CONSENT)
    )
    sync_everyone(centre, transport)
    # Offline: the fablab corrects her name while the accueil anonymises her.
    fablab.residents.update(replace(fablab.residents.get(zoe.id), last_name="Quintanilla-Barbosa"))
    retention.anonymise(accueil, [zoe.id], today=date(2030, 1, 1))
    sync_everyone(centre, transport)

    reference = data_of(accueil)
    for store in (accueil, fablab, bureau):
        assert data_of(store) == reference
        row = store.residents.get(zoe.id)
        assert row.is_anonymised and (row.first_name, row.last_name, row.phone) == ("", "", "")
        assert store.residents.search("quintanilla") == []
        for table in ("change_log", "sync_conflict", "resident_index"):
            dump = repr(store.conn.execute(f"SELECT * FROM {table}").fetchall())
            assert "Quintanilla" not in dump and "0611223344" not in dump, (table, store.desk.name)
