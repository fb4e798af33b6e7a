"""The audit trail from the command line: one line per entry, most recent first, a
resident's own trail, an erased resident's identity nowhere; the access report records
itself in the trail."""

from __future__ import annotations

import argparse
import io
import time
from dataclasses import replace

import pytest

from mediator_app import cli
from mediator_app.app import main
from mediator_app.cli_audit import add_audit_commands
from mediator_app.domain.resident import Resident
from mediator_app.store import audit, open_store
from mediator_app.store.mediators import add_mediator

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}


def _run(*arguments: str) -> tuple[int, str, str]:
    """The ``audit`` command as ``cli.py`` registers it."""
    parser = argparse.ArgumentParser()
    add_audit_commands(parser.add_subparsers(), cli._add_db_option)
    args = parser.parse_args(list(arguments))
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(args, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def centre(db_path):
    store = open_store(db_path)
    store.ensure_desk(name="Desk 1", configured=True)
    nadia = add_mediator(store, "Nadia Belkacem")
    store.configure_desk(name="Desk 1", centre_name="Centre", country="FR", language="fr",
                         mediator_id=nadia.id)  # fmt: skip
    helene = store.residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    karim = store.residents.create(Resident(first_name="Karim", last_name="Amrani", **CONSENT))
    # Entries are ordered to the millisecond: these are a few apart.
    audit.record(store, audit.VIEW, helene.id)
    time.sleep(0.003)
    store.residents.update(replace(store.residents.get(helene.id), commune="Grans"))
    time.sleep(0.003)
    audit.record(store, audit.PRINT, karim.id, audit.PASSPORT)
    store.close()
    return helene, karim


def test_the_trail_prints_one_line_per_entry_most_recent_first(db_path, centre):
    code, out, err = _run("audit", "--db", str(db_path))
    assert code == 0 and err == ""
    lines = [line.split("\t") for line in out.splitlines()]
    assert [line[1:] for line in lines[:3]] == [
        ["Nadia Belkacem", "Karim Amrani", "Printed", "Digital passport", ""],
        ["Nadia Belkacem", "Hélène Petit", "Changed", "Resident's file", "commune"],
        ["Nadia Belkacem", "Hélène Petit", "Opened", "Resident's file", ""],
    ]
    assert len(lines) == 5  # and the two files created
    assert all(len(line) == 6 for line in lines)
    assert lines[0][0] >= lines[-1][0]  # local times, most recent first


def test_a_residents_trail_and_a_limit(db_path, centre):
    helene, _karim = centre
    code, out, _err = _run("audit", "--db", str(db_path), "--resident", helene.id)
    assert code == 0
    assert {line.split("\t")[2] for line in out.splitlines()} == {"Hélène Petit"}
    assert len(out.splitlines()) == 3
    code, out, _err = _run("audit", "--db", str(db_path), "--limit", "1")
    assert code == 0 and len(out.splitlines()) == 1


def test_an_erased_resident_is_a_fact_without_identity(db_path, centre):
    helene, _karim = centre
    assert main(["--lang", "en", "erase", "--db", str(db_path), "--resident", helene.id]) == 0
    code, out, _err = _run("audit", "--db", str(db_path))
    assert code == 0
    assert helene.id not in out and "Hélène" not in out and "Petit" not in out
    first = out.splitlines()[0].split("\t")
    assert first[2:4] == ["An erased resident", "Erased"]
    assert out.count("An erased resident") == 4  # created, opened, changed, erased
    code, out, err = _run("audit", "--db", str(db_path), "--resident", helene.id)
    assert code == 2 and out == ""
    assert "No resident has the id" in err


def test_bad_input_is_refused(db_path, centre, capsys):
    with pytest.raises(SystemExit):
        _run("audit", "--db", str(db_path), "--limit", "0")
    assert "not a positive whole number" in capsys.readouterr().err
    code, _out, err = _run("audit", "--db", str(db_path), "--resident", "nobody")
    assert code == 2 and "nobody" in err


def test_an_empty_trail_says_so(db_path):
    code, out, err = _run("audit", "--db", str(db_path))
    assert (code, out) == (0, "")
    assert "Nothing is recorded yet." in err


def test_the_access_report_records_who_took_the_data_out(db_path, centre, tmp_path):
    helene, _karim = centre
    for name in ("report.pdf", "report.json"):
        arguments = ["--lang", "en", "access-report", "--db", str(db_path),
                     "--resident", helene.id, "-o", str(tmp_path / name)]  # fmt: skip
        assert main(arguments) == 0
    store = open_store(db_path)
    try:
        latest = audit.trail(store, helene.id, limit=2)
    finally:
        store.close()
    assert [(e.action, e.subject, e.mediator) for e in latest] == [
        (audit.EXPORT, audit.ACCESS_REPORT, "Nadia Belkacem"),
        (audit.PRINT, audit.ACCESS_REPORT, "Nadia Belkacem"),
    ]
    # Refused, nothing written: nothing recorded.
    assert main(["--lang", "en", "access-report", "--db", str(db_path), "--resident",
                 "nobody", "-o", str(tmp_path / "x.json")]) == 2  # fmt: skip
