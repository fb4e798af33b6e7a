"""Erasing a resident from the command line."""

from __future__ import annotations

from mediator_app.app import main
from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.store import open_store

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}


def test_erase_removes_the_resident_and_their_sessions(db_path, capsys):
    store = open_store(db_path)
    helene = store.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    store.sessions.create(
        SupportSession(date="2026-11-02", duration_min=30, themes=("email",),
                       resident_id=helene.id),
    )  # fmt: skip
    store.close()
    assert main(["--lang", "en", "erase", "--db", str(db_path), "--resident", helene.id]) == 0
    assert "erased" in capsys.readouterr().out
    store = open_store(db_path)
    try:
        assert store.residents.search("helene") == []
        assert store.conn.execute("SELECT COUNT(*) FROM support_session").fetchone() == (0,)
        log = " ".join(row[0] for row in store.conn.execute("SELECT data FROM change_log"))
        assert "Hélène" not in log and "Petit" not in log
    finally:
        store.close()


def test_erasing_an_unknown_resident_is_refused(db_path, capsys):
    assert main(["--lang", "en", "erase", "--db", str(db_path), "--resident", "nobody"]) == 2
    assert "Error" in capsys.readouterr().err
