"""The periodic export to the coordinator: pseudonymised, encrypted to the coordinator,
taken in by the coordinator's database, where a corrected export replaces the earlier."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pyrage
import pytest

from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.store import StoreError, open_store
from mediator_app.sync.coordinator import (
    ExportError,
    Period,
    coordinator_activities,
    export_for_coordinator,
    held_exports,
    import_export,
)
from mediator_app.sync.keys import card_for_this_desk, desk_keys, enroll

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
TODAY = date(2026, 11, 29)
SECRETS = ("Hélène", "Petit", "0612345678", "helene@example.org", "wants a new phone")


def _centre(folder: Path, name: str, country: str):
    store = open_store(folder / f"{name}.db")
    store.ensure_desk(name=f"Accueil {name}", centre_name=name, country=country)
    return store


def _help(store, day: str, **extra):
    person = store.residents.create(
        Resident(first_name="Hélène", last_name="Petit", phone="06 12 34 56 78",
                 email="helene@example.org", notes="wants a new phone", birth_year=1950,
                 **CONSENT),
        today=TODAY,
    )  # fmt: skip
    store.sessions.create(
        SupportSession(date=day, duration_min=45, themes=("email",), resident_id=person.id,
                       notes="wants a new phone", **extra),
        today=TODAY,
    )  # fmt: skip
    return person


@pytest.fixture
def coordinator(tmp_path):
    store = open_store(tmp_path / "coordinator.db")
    store.ensure_desk(name="Coordination MSQ", centre_name="MSQ", country="FR")
    store.become_coordinator()
    yield store
    store.close()


def _link(centre, coordinator) -> None:
    enroll(centre, card_for_this_desk(coordinator))
    enroll(coordinator, card_for_this_desk(centre))


def test_periods_are_months_or_quarters():
    assert Period.parse("2026-11") == Period("2026-11", date(2026, 11, 1), date(2026, 11, 30))
    assert Period.parse("2026-Q4") == Period("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    assert Period.parse("2028-02").end == date(2028, 2, 29)
    for wrong in ("2026-13", "2026-Q5", "november", "2026/11"):
        with pytest.raises(ExportError):
            Period.parse(wrong)


def test_the_export_holds_no_personal_data(tmp_path, coordinator):
    centre = _centre(tmp_path, "AAGESC", "FR")
    _link(centre, coordinator)
    person = _help(centre, "2026-11-03")
    path = export_for_coordinator(centre, Period.parse("2026-11"), tmp_path / "out")
    plaintext = pyrage.decrypt(path.read_bytes(), [desk_keys(coordinator).age_identity])
    for secret in (*SECRETS, "06 12 34 56 78", person.id, "1950"):
        assert secret.encode("utf-8") not in plaintext
    assert b"soixante_dix_plus" in plaintext  # the age band travels, not the year
    logged = centre.conn.execute("SELECT period, activities FROM export_log").fetchall()
    assert logged == [("2026-11", 1)]
    centre.close()


def test_three_centres_are_taken_in_and_a_correction_replaces(tmp_path, coordinator):
    centres = [
        _centre(tmp_path, name, country)
        for name, country in (("AAGESC", "FR"), ("Casal", "ES"), ("Circolo", "IT"))
    ]
    for number, centre in enumerate(centres):
        _link(centre, coordinator)
        for day in range(number + 1):
            _help(centre, f"2026-11-0{day + 1}")
    exports = [
        export_for_coordinator(c, Period.parse("2026-11"), tmp_path / "out") for c in centres
    ]
    results = [import_export(coordinator, path) for path in exports]
    assert [(r.status, r.activities) for r in results] == [
        ("imported", 1), ("imported", 2), ("imported", 3),
    ]  # fmt: skip
    november = (date(2026, 11, 1), date(2026, 11, 30))
    assert len(list(coordinator_activities(coordinator, *november))) == 6
    assert len(list(coordinator_activities(coordinator, *november, country="ES"))) == 2
    # AAGESC forgot a session: its corrected export replaces the first, never doubles.
    _help(centres[0], "2026-11-20")
    corrected = export_for_coordinator(centres[0], Period.parse("2026-11"), tmp_path / "out")
    assert import_export(coordinator, corrected).status == "replaced"
    aagesc = centres[0].ensure_desk().centre_id
    assert len(list(coordinator_activities(coordinator, *november, centre_id=aagesc))) == 2
    assert len(list(coordinator_activities(coordinator, *november))) == 7
    # The first export, arriving late, is older than what is held: it changes nothing.
    assert import_export(coordinator, exports[0]).status == "older"
    assert len(list(coordinator_activities(coordinator, *november))) == 7
    assert [e.centre_name for e in held_exports(coordinator)] == ["Casal", "AAGESC", "Circolo"]
    for centre in centres:
        centre.close()


def test_an_export_needs_an_enrolled_coordinator(tmp_path):
    centre = _centre(tmp_path, "AAGESC", "FR")
    _help(centre, "2026-11-03")
    with pytest.raises(ExportError, match="No coordinator is enrolled"):
        export_for_coordinator(centre, Period.parse("2026-11"), tmp_path / "out")
    centre.close()


def test_only_a_coordinator_takes_exports_in(tmp_path, coordinator):
    centre = _centre(tmp_path, "AAGESC", "FR")
    other = _centre(tmp_path, "Other", "FR")
    _link(centre, coordinator)
    _help(centre, "2026-11-03")
    path = export_for_coordinator(centre, Period.parse("2026-11"), tmp_path / "out")
    with pytest.raises(ExportError, match="Only the coordinator"):
        import_export(other, path)
    with pytest.raises(StoreError):
        centre.become_coordinator()  # it holds a centre's data
    centre.close()
    other.close()


def test_the_coordinators_figures_match_the_centres_own(tmp_path, coordinator):
    from mediator_app.domain.skills import SkillAssessment
    from mediator_app.reports.period_report import KEY_FIGURES, centre_report, coordinator_report

    quarter = Period.parse("2026-Q4")
    centres = []
    for number, (name, country) in enumerate((("AAGESC", "FR"), ("Casal", "ES"), ("Circ", "IT"))):
        centre = _centre(tmp_path, name, country)
        _link(centre, coordinator)
        framework = centre.skills.current_framework()
        for day in range(number + 2):
            person = _help(centre, f"2026-1{day % 2}-0{day + 1}")
            for when, level in (("2026-10-01", "not_yet"), ("2026-11-15", "with_help")):
                centre.skills.record_assessment(
                    SkillAssessment(person.id, framework.name, framework.version, when,
                                    {"device.connect_wifi": level}),
                    today=TODAY,
                )  # fmt: skip
        import_export(coordinator, export_for_coordinator(centre, quarter, tmp_path / "out"))
        centres.append(centre)
    own = [centre_report(c, quarter.start, quarter.end).current for c in centres]
    everyone = coordinator_report(coordinator, quarter.start, quarter.end).current
    for figure in KEY_FIGURES:
        if figure.kind == "count":
            values = [figure.value(stats) or 0 for stats in own]
            assert (figure.value(everyone) or 0) == sum(values), figure.label
    for centre, stats in zip(centres, own, strict=True):
        alone = coordinator_report(
            coordinator, quarter.start, quarter.end, centre_id=centre.ensure_desk().centre_id
        ).current
        assert alone.residents_helped == stats.residents_helped
        assert alone.progress.moved_up == stats.progress.moved_up
    spain = coordinator_report(coordinator, quarter.start, quarter.end, country="ES").current
    assert spain.individual_sessions == own[1].individual_sessions
    for centre in centres:
        centre.close()


def test_the_coordinator_prints_a_consolidated_report(tmp_path, coordinator, capsys):
    from pypdf import PdfReader

    from mediator_app.app import main

    quarter = Period.parse("2026-Q4")
    for number, (name, country) in enumerate((("AAGESC", "FR"), ("Casal", "ES"), ("Circ", "IT"))):
        centre = _centre(tmp_path, name, country)
        _link(centre, coordinator)
        for day in range(number + 1):
            _help(centre, f"2026-11-0{day + 1}")
        import_export(coordinator, export_for_coordinator(centre, quarter, tmp_path / "out"))
        centre.close()
    coordinator.close()
    output = tmp_path / "consolidated.pdf"
    code = main(["--lang", "en", "report", "--db", str(tmp_path / "coordinator.db"),
                 "--from", "2026-10-01", "--to", "2026-12-31", "--format", "pdf",
                 "-o", str(output), "--lang", "en"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    text = " ".join(page.extract_text() for page in PdfReader(output).pages)
    assert "All centres" in text
    assert re.search(r"Individual sessions\s+6\b", text), text[:2000]  # 1 + 2 + 3 centres


# Found by fuzzing (tests/test_fuzz_validators.py)


@pytest.mark.parametrize("text", ["0000-01", "0000-Q2", "٢٠٢٦-11", "2026-1١"])
def test_a_period_of_year_zero_or_other_digits_is_refused_in_words(text):
    with pytest.raises(ExportError) as refused:
        Period.parse(text)
    assert "is not a period" in refused.value.render()
