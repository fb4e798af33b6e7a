"""The sync commands, as a coordinator's script or a mediator at a terminal runs them:
cards exchanged, a bundle exported and imported, a damaged one refused with a clear
message and a non-zero exit, the recovery key opening a bundle with the age tool."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from mediator_app.app import main
from mediator_app.domain.resident import Resident
from mediator_app.store import open_store

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}


def _main(capsys, *arguments: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def two_desks(tmp_path, capsys):
    """Desk A starts the centre; desk B joins it; each enrolled the other's card."""
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    for path in (a, b):
        assert _main(capsys, "desk-card", "--db", str(path), "-o", str(path) + ".card")[0] == 0
    code, out, _err = _main(capsys, "enroll", "--db", str(b), str(a) + ".card")
    assert code == 0 and "enrolled" in out
    # B joined A's centre: its card changed, so it is written again for A.
    assert _main(capsys, "desk-card", "--db", str(b), "-o", str(b) + ".card")[0] == 0
    assert _main(capsys, "enroll", "--db", str(a), str(b) + ".card")[0] == 0
    return a, b


def _add_resident(path: Path, first: str) -> str:
    store = open_store(path)
    try:
        return store.residents.create(Resident(first_name=first, last_name="Petit", **CONSENT)).id
    finally:
        store.close()


def _names(path: Path) -> list[str]:
    store = open_store(path)
    try:
        return [row[0] for row in store.conn.execute("SELECT first_name FROM resident")]
    finally:
        store.close()


def test_export_then_import_moves_the_changes(two_desks, tmp_path, capsys):
    a, b = two_desks
    _add_resident(a, "Hélène")
    code, out, _err = _main(capsys, "export", "--db", str(a), "--to", str(tmp_path / "stick"))
    assert code == 0 and "Bundle written" in out
    code, out, err = _main(capsys, "import", "--db", str(b), str(tmp_path / "stick"))
    assert code == 0, err
    assert "1 change applied" in out
    assert _names(b) == ["Hélène"]
    # B's bundle tells A what B holds; A then has nothing new for B.
    _main(capsys, "export", "--db", str(b), "--to", str(tmp_path / "back"))
    assert _main(capsys, "import", "--db", str(a), str(tmp_path / "back"))[0] == 0
    code, out, _err = _main(capsys, "export", "--db", str(a), "--to", str(tmp_path / "stick"))
    assert "Nothing new" in out


def test_a_damaged_bundle_is_refused_with_a_message_and_exit_2(two_desks, tmp_path, capsys):
    a, b = two_desks
    _add_resident(a, "Hélène")
    _main(capsys, "export", "--db", str(a), "--to", str(tmp_path / "stick"))
    [bundle] = (tmp_path / "stick").iterdir()
    bundle.write_bytes(bundle.read_bytes()[:-100])
    code, _out, err = _main(capsys, "import", "--db", str(b), str(bundle))
    assert code == 2
    assert "refused" in err and "damaged" in err
    assert _names(b) == []


def test_a_file_that_is_not_a_card_is_refused(two_desks, tmp_path, capsys):
    a, _b = two_desks
    junk = tmp_path / "card.txt"
    junk.write_text("hello", encoding="utf-8")
    code, _out, err = _main(capsys, "enroll", "--db", str(a), str(junk))
    assert code == 2
    assert "not a Passerelle desk card" in err


def test_sync_through_the_configured_folder(two_desks, tmp_path, capsys):
    a, b = two_desks
    shared = tmp_path / "Syncthing"
    shared.mkdir()
    for path in (a, b):
        assert _main(capsys, "sync-setup", "--db", str(path), "--folder", str(shared))[0] == 0
    _add_resident(a, "Karim")
    _add_resident(b, "Zoé")
    for path in (a, b, a):
        code, _out, err = _main(capsys, "sync", "--db", str(path))
        assert code == 0, err
    assert sorted(_names(a)) == sorted(_names(b)) == ["Karim", "Zoé"]


def test_sync_without_a_way_set_up_says_so(tmp_path, capsys):
    code, _out, err = _main(capsys, "sync", "--db", str(tmp_path / "c.db"))
    assert code == 2
    assert "No way to reach the other desks" in err


def test_the_age_tool_opens_a_bundle_with_the_recovery_key(two_desks, tmp_path, capsys):
    age = shutil.which("age")
    assert age, "install the Debian package age: this test opens a bundle with it"
    a, _b = two_desks
    key = tmp_path / "recovery.key"
    code, out, _err = _main(capsys, "recovery-key", "--db", str(a), "-o", str(key))
    assert code == 0 and "Keep it offline" in out
    _add_resident(a, "Hélène")
    _main(capsys, "export", "--db", str(a), "--to", str(tmp_path / "stick"))
    [bundle] = (tmp_path / "stick").iterdir()
    opened = subprocess.run(
        [age, "-d", "-i", str(key), str(bundle)], capture_output=True, check=True, timeout=60
    )
    with tarfile.open(fileobj=io.BytesIO(opened.stdout)) as archive:
        changes = archive.extractfile("changes.jsonl").read().decode("utf-8")
    assert "Hélène" in changes


def test_the_coordinator_export_from_a_centre_to_the_coordinator(tmp_path, capsys):
    from mediator_app.domain.session import SupportSession

    centre, coordinator = tmp_path / "centre.db", tmp_path / "coordinator.db"
    assert _main(capsys, "coordinator-setup", "--db", str(coordinator))[0] == 0
    for path in (centre, coordinator):
        _main(capsys, "desk-card", "--db", str(path), "-o", str(path) + ".card")
    assert _main(capsys, "enroll", "--db", str(centre), str(coordinator) + ".card")[0] == 0
    assert _main(capsys, "enroll", "--db", str(coordinator), str(centre) + ".card")[0] == 0
    resident = _add_resident(centre, "Hélène")
    store = open_store(centre)
    store.sessions.create(
        SupportSession(date="2026-11-03", duration_min=30, themes=("email",),
                       resident_id=resident),
    )  # fmt: skip
    store.close()
    code, out, err = _main(
        capsys, "coordinator-export", "--db", str(centre), "--period", "2026-11",
        "--to", str(tmp_path / "exports"),
    )  # fmt: skip
    assert code == 0, err
    assert "Export of 2026-11" in out
    code, out, err = _main(capsys, "coordinator-import", "--db", str(coordinator),
                           str(tmp_path / "exports"))  # fmt: skip
    assert code == 0, err
    assert "2026-11: 1 activity taken in" in out
    code, _out, err = _main(
        capsys, "coordinator-export", "--db", str(centre), "--period", "2026-13",
        "--to", str(tmp_path / "exports"),
    )  # fmt: skip
    assert code == 2 and "is not a period" in err
