"""The documents of a period from the command line, and the one action that prepares
what the coordinator receives."""

from __future__ import annotations

import csv
from datetime import date

import openpyxl
import pytest
from pypdf import PdfReader

from mediator_app.app import main
from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.reports.periodic_export import (
    ExportCancelled,
    export_due,
    prepare_coordinator_export,
)
from mediator_app.store import open_store
from mediator_app.sync.keys import card_for_this_desk, enroll

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
TODAY = date(2026, 11, 29)


@pytest.fixture
def helped(store):
    store.configure_desk(name="Accueil", centre_name="AAGESC", country="FR", language="fr")
    person = store.residents.create(
        Resident(first_name="Hélène", last_name="Petit", birth_year=1950, **CONSENT),
        today=TODAY,
    )
    for day in ("2026-10-05", "2026-11-03", "2026-11-20"):
        store.sessions.create(
            SupportSession(date=day, duration_min=45, themes=("email",),
                           resident_id=person.id),
            today=TODAY,
        )  # fmt: skip
    return store


def _main(capsys, *arguments):
    code = main(["--lang", "en", *arguments])
    return code, capsys.readouterr()


def test_report_in_each_format(helped, db_path, tmp_path, capsys):
    helped.close()
    period = ("--from", "2026-10-01", "--to", "2026-12-31")
    pdf, xlsx, text = tmp_path / "r.pdf", tmp_path / "r.xlsx", tmp_path / "r.csv"
    for kind, path in (("pdf", pdf), ("xlsx", xlsx), ("csv-it", text)):
        code, captured = _main(capsys, "report", "--db", str(db_path), *period,
                               "--format", kind, "-o", str(path), "--lang", "en")  # fmt: skip
        assert code == 0, captured.err
    words = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Activity report" in words and "AAGESC" in words
    sheet = openpyxl.load_workbook(xlsx)["Activités"]
    assert sheet.max_row == 1 + 3  # a header and three sessions
    with text.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert len(rows) == 1 + 3


def test_a_period_upside_down_is_refused(helped, db_path, tmp_path, capsys):
    helped.close()
    code, captured = _main(capsys, "report", "--db", str(db_path), "--from", "2026-12-01",
                           "--to", "2026-10-01", "--format", "pdf", "-o",
                           str(tmp_path / "r.pdf"))  # fmt: skip
    assert code == 2 and "comes after its end" in captured.err
    assert not (tmp_path / "r.pdf").exists()


def test_one_action_prepares_the_bundle_the_report_and_la_coops_sheet(helped, tmp_path):
    coordinator = open_store(tmp_path / "coordinator.db")
    coordinator.become_coordinator()
    enroll(helped, card_for_this_desk(coordinator))
    assert export_due(helped, TODAY) == "2026-Q3"
    sent = []
    prepared = prepare_coordinator_export(
        helped, "2026-Q4", tmp_path / "out", language="fr", send=sent.append
    )
    names = sorted(path.suffix for path in prepared.files)
    assert names == [".pbundle", ".pdf", ".xlsx"]
    assert prepared.sent and sent == [prepared.files[0]]
    logged = helped.conn.execute("SELECT period FROM export_log").fetchall()
    assert logged == [("2026-Q4",)]
    coordinator.close()


def test_a_cancelled_export_leaves_nothing(helped, tmp_path):
    coordinator = open_store(tmp_path / "coordinator.db")
    coordinator.become_coordinator()
    enroll(helped, card_for_this_desk(coordinator))
    with pytest.raises(ExportCancelled):
        prepare_coordinator_export(
            helped, "2026-Q4", tmp_path / "out", progress=lambda done, total: done < 1
        )
    assert list((tmp_path / "out").iterdir()) == []
    coordinator.close()


def test_nothing_is_due_without_a_coordinator_or_once_exported(helped, tmp_path):
    assert export_due(helped, TODAY) is None
    coordinator = open_store(tmp_path / "coordinator.db")
    coordinator.become_coordinator()
    enroll(helped, card_for_this_desk(coordinator))
    prepare_coordinator_export(helped, "2026-Q3", tmp_path / "out")
    assert export_due(helped, TODAY) is None
    assert export_due(helped, date(2027, 1, 5)) == "2026-Q4"
    coordinator.close()


def test_a_monthly_centre_is_due_its_last_month(helped, tmp_path):
    from mediator_app.reports.periodic_export import export_cadence, set_export_cadence

    coordinator = open_store(tmp_path / "coordinator.db")
    coordinator.become_coordinator()
    enroll(helped, card_for_this_desk(coordinator))
    assert export_cadence(helped) == "quarter"
    set_export_cadence(helped, "month")
    assert export_cadence(helped) == "month"
    assert export_due(helped, TODAY) == "2026-10"
    assert export_due(helped, date(2027, 1, 3)) == "2026-12"
    set_export_cadence(helped, "quarter")
    assert export_due(helped, TODAY) == "2026-Q3"
    with pytest.raises(ValueError):
        set_export_cadence(helped, "weekly")
    coordinator.close()


@pytest.mark.parametrize("theme", [None, "email", "sante"])
def test_the_trend_counted_in_one_pass_matches_a_second_reading(helped, theme):
    from mediator_app.reports.activities import activities_between
    from mediator_app.reports.period_report import centre_report
    from mediator_app.reports.periodic_export import _MonthCounts
    from mediator_app.reports.statistics_pdf import monthly_activities

    start, end = date(2026, 10, 1), date(2026, 12, 31)
    months = _MonthCounts(None, theme)
    report = centre_report(helped, start, end, theme=theme, seen=months.see)
    again = monthly_activities(
        activities_between(helped, report.previous.start, end), report.current, report.previous
    )
    assert months.series(report.previous.start, end) == again
    assert sum(count for _month, count in again) == (3 if theme in (None, "email") else 0)
