"""The retention review from the command line: a dry run by default, then anonymising or
erasing. The command is declared on a parser of the test's own, as ``cli.add_commands``
declares it."""

from __future__ import annotations

import argparse
import gettext
import io
from datetime import date, timedelta

import pytest

from mediator_app import i18n
from mediator_app.cli import _add_db_option, run
from mediator_app.cli_retention import add_retention_commands
from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.store import open_store
from mediator_app.store.retention import cutoff, set_retention_months

CONSENT = {"consent_date": "2020-01-05", "consent_version": "2026-1"}
#: Three years on: every record written today is then past a 24-month period.
TODAY = date.today() + timedelta(days=3 * 366)


def retention(db_path, *arguments: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="passerelle")
    add_retention_commands(parser.add_subparsers(), _add_db_option)
    args = parser.parse_args(
        ["retention", "--db", str(db_path), "--today", TODAY.isoformat(), *arguments]
    )
    out, err = io.StringIO(), io.StringIO()
    code = run(args, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def centre(db_path):
    """Hélène and Karim not seen for three years; Ana seen ten months before the review."""
    store = open_store(db_path)
    store.ensure_desk()
    people = {}
    for first, last, extra in (
        ("Hélène", "Dupont-Aubry", {"birth_year": 1956, "phone": "0612345678"}),
        ("Karim", "Ben Saïd", {"notes": "Vient le mardi"}),
        ("Ana", "Ferreira", {}),
    ):
        people[first] = store.residents.create(
            Resident(first_name=first, last_name=last, **CONSENT, **extra), today=TODAY
        )
    store.sessions.create(
        SupportSession(date="2023-03-14", duration_min=30, themes=("email",),
                       resident_id=people["Hélène"].id, notes="Sa fille l'accompagne"),
        today=TODAY,
    )  # fmt: skip
    store.sessions.create(
        SupportSession(date=cutoff(TODAY, 10).isoformat(), duration_min=30, themes=("email",),
                       resident_id=people["Ana"].id),
        today=TODAY,
    )  # fmt: skip
    store.close()
    return people


def log_size(db_path) -> int:
    store = open_store(db_path)
    try:
        return store.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]
    finally:
        store.close()


def test_without_an_action_the_review_is_a_dry_run(db_path, centre):
    before = log_size(db_path)
    code, out, _err = retention(db_path)
    assert code == 0
    assert "Retention period: 24 months after the last contact" in out
    assert "2 residents are due for review." in out
    assert "Hélène Dupont-Aubry (" in out and "Karim Ben Saïd (" in out
    assert "Ana Ferreira" not in out
    assert "Removed: first name, last name, year of birth and phone." in out
    assert "The notes of 1 session are emptied." in out
    assert "1 support session stays as an anonymous visit." in out
    assert "Nothing was changed." in out
    assert log_size(db_path) == before


def test_the_period_can_be_given_for_one_review(db_path, centre):
    _code, out, _err = retention(db_path, "--months", "9")
    assert "3 residents are due for review." in out and "Ana Ferreira (" in out


def test_the_centre_period_is_used_by_default(db_path, centre):
    store = open_store(db_path)
    set_retention_months(store, 9)
    store.close()
    _code, out, _err = retention(db_path)
    assert "Retention period: 9 months" in out and "3 residents are due" in out


def test_anonymise_acts_on_everyone_due(db_path, centre):
    code, out, _err = retention(db_path, "--anonymise")
    assert code == 0
    assert "2 residents anonymised." in out
    store = open_store(db_path)
    try:
        helene = store.residents.get(centre["Hélène"].id)
        assert helene.is_anonymised and helene.phone == "" and helene.anon_age_band
        assert store.residents.get(centre["Ana"].id).full_name == "Ana Ferreira"
        assert store.residents.search("dupont") == []
    finally:
        store.close()
    _code, out, _err = retention(db_path)
    assert "Nobody is due for review." in out


def test_erase_acts_on_everyone_due(db_path, centre):
    code, out, _err = retention(db_path, "--erase")
    assert code == 0
    assert "2 residents erased." in out
    store = open_store(db_path)
    try:
        assert store.residents.count() == 1
        anonymous = store.conn.execute(
            "SELECT COUNT(*) FROM support_session WHERE resident_id IS NULL"
        ).fetchone()[0]
        assert anonymous == 1  # Hélène's session, now an anonymous visit
    finally:
        store.close()


def test_a_period_out_of_range_is_refused_and_changes_nothing(db_path, centre):
    before = log_size(db_path)
    code, out, err = retention(db_path, "--months", "200", "--anonymise")
    assert code == 2
    assert "Error: The retention period must be between 1 and 120 months." in err
    assert out == ""
    assert log_size(db_path) == before


def test_anonymise_and_erase_cannot_be_asked_together(db_path, centre, capsys):
    with pytest.raises(SystemExit) as raised:
        retention(db_path, "--anonymise", "--erase")
    assert raised.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


class _Marked(gettext.NullTranslations):
    """A catalogue that marks every message it translates."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"«{singular if n == 1 else plural}»"


def test_every_line_is_said_in_the_language_of_the_moment(db_path, centre, monkeypatch):
    monkeypatch.setattr(i18n, "_translations", _Marked())
    _code, out, _err = retention(db_path)
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    assert len(lines) > 10
    assert [line for line in lines if not line.startswith("«")] == []


def test_the_command_and_its_sentences_need_no_qt():
    import ast
    from pathlib import Path

    import mediator_app

    package = Path(mediator_app.__file__).parent
    for name in ("cli_retention.py", "retention_text.py", "store/retention.py"):
        tree = ast.parse((package / name).read_text(encoding="utf-8"))
        imported = {
            node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        } | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}  # fmt: skip
        assert not {
            module for module in imported
            if module and (module.startswith("PySide6") or module.startswith("mediator_app.ui"))
        }, name  # fmt: skip
