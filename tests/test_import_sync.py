"""An import and its undo travel to the other desks of the centre: the desks converge,
even when another desk logged a session for an imported resident before the undo
reached it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mediator_app.domain.resident import Consent
from mediator_app.domain.session import SupportSession
from mediator_app.importing.apply import apply_import, undo_import
from mediator_app.importing.plan import preview
from mediator_app.importing.reading import read_csv_bytes
from mediator_app.store import open_store
from mediator_app.store.changes import SYNCED_TABLES
from mediator_app.sync.desk_sync import SyncFolders, sync_with
from mediator_app.sync.keys import card_for_this_desk, enroll
from mediator_app.sync.transports import FolderTransport

TODAY = date(2026, 6, 15)


def _desk(folder: Path, name: str):
    store = open_store(folder / f"{name}.db")
    store.ensure_desk(name=name, centre_name="Centre social", configured=True)
    return store, SyncFolders.beside(folder / f"{name}.db")


def _data(store) -> dict[str, list[tuple]]:
    return {
        table: store.conn.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
        for table in SYNCED_TABLES
    }


def test_an_undone_import_converges_on_every_desk(tmp_path):
    (accueil, accueil_folders), (fablab, fablab_folders) = (
        _desk(tmp_path, "accueil"),
        _desk(tmp_path, "fablab"),
    )
    enroll(fablab, card_for_this_desk(accueil))
    enroll(accueil, card_for_this_desk(fablab))
    transport = FolderTransport(tmp_path / "share")
    (tmp_path / "share").mkdir()

    def sync_both() -> None:
        for _round in range(2):
            for store, folders in ((accueil, accueil_folders), (fablab, fablab_folders)):
                report = sync_with(store, transport, folders)
                assert not report.refused

    table = read_csv_bytes("Nom;Prénom\nNguyễn;Thị\nالعلي;محمد\n".encode(), "list.csv")
    plan = preview(accueil, table, {0: "last_name", 1: "first_name"}, today=TODAY)
    result = apply_import(accueil, plan, Consent(date(2026, 6, 1), "Nadia", "fr"), today=TODAY)
    sync_both()
    assert fablab.residents.count() == 2
    # The other desk helps one of them before the undo reaches it.
    fablab.sessions.create(
        SupportSession(date="2026-06-14", duration_min=30, themes=("email",),
                       resident_id=result.created_ids[0]),
        today=TODAY,
    )  # fmt: skip
    undo_import(accueil, result.import_id)
    sync_both()
    try:
        assert fablab.residents.count() == accueil.residents.count() == 0
        assert fablab.conn.execute("SELECT COUNT(*) FROM support_session").fetchone() == (0,)
        assert _data(fablab) == _data(accueil)
    finally:
        accueil.close()
        fablab.close()
