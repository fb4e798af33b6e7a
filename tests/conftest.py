"""Shared fixtures: an offscreen Qt platform, private user folders, a real database file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Set before Qt is imported anywhere: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _private_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Keep settings and databases of the person running the tests out of reach."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


@pytest.fixture(autouse=True)
def _english_by_default() -> Iterator[None]:
    """Each test starts in the source language and leaves it so."""
    from mediator_app.i18n import set_language

    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "passerelle.db"


@pytest.fixture
def store(db_path: Path):
    from mediator_app.store import open_store

    opened = open_store(db_path)
    opened.ensure_desk(name="Desk 1", centre_name="Test centre", configured=True)
    yield opened
    opened.close()


@pytest.fixture
def desk(store, db_path, qtbot, tmp_path):
    """A main window on a configured desk with three residents; yields the window, its
    store and worker, and Hélène D'Aubigné."""
    from mediator_app.domain.resident import Resident
    from mediator_app.settings import Settings
    from mediator_app.store.mediators import add_mediator
    from mediator_app.ui.main_window import MainWindow
    from mediator_app.ui.worker import DatabaseWorker
    from tests.ui_helpers import CONSENT

    mediator = add_mediator(store, "Nadia Belkacem")
    store.configure_desk(
        name="Desk 1", centre_name="Centre social", country="FR", language="fr",
        mediator_id=mediator.id,
    )  # fmt: skip
    helene = store.residents.create(
        Resident(first_name="Hélène", last_name="D'Aubigné", birth_year=1951, **CONSENT)
    )
    store.residents.create(Resident(first_name="Karim", last_name="Ben Saïd", **CONSENT))
    store.residents.create(Resident(first_name="Thị", last_name="Nguyễn", **CONSENT))
    worker = DatabaseWorker(db_path, mediator.id)
    window = MainWindow(store, worker, Settings(tmp_path / "settings.json"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    yield window, store, worker, helene
    worker.stop()


@pytest.fixture
def activity_centre(store):
    """Hélène (with a merged duplicate), Karim, an anonymous visit, a workshop with one
    present, one absent and three anonymous participants, a cancelled workshop session
    and an erased resident: the dataset of the reports' tests."""
    from datetime import date

    from mediator_app.domain.resident import Resident
    from mediator_app.domain.session import SupportSession
    from mediator_app.domain.workshop import AnonymousCount, Workshop, WorkshopOccurrence

    TODAY = date(2026, 11, 29)
    CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}

    helene = store.residents.create(
        Resident(first_name="Hélène", last_name="Petit", gender="feminin", birth_year=1950,
                 social_status="retraite", commune="Grans", postcode="13450", **CONSENT),
        today=TODAY,
    )  # fmt: skip
    twin = store.residents.create(
        Resident(first_name="Helene", last_name="Petit", **CONSENT), today=TODAY
    )
    karim = store.residents.create(
        Resident(first_name="Karim", last_name="Amrani", birth_year=2001, **CONSENT),
        today=TODAY,
    )

    def session(resident_id, day, **extra):
        return store.sessions.create(
            SupportSession(date=day, duration_min=30, themes=("email",),
                           resident_id=resident_id, **extra),
            today=TODAY,
        )  # fmt: skip

    session(twin.id, "2026-03-02")
    session(helene.id, "2026-11-02", referred=True, referral_to="administration")
    session(None, "2026-11-03", anon_gender="masculin", anon_age_band="soixante_dix_plus")
    session(karim.id, "2026-11-04")
    store.residents.merge(twin.id, helene.id)
    workshop = store.workshops.create_workshop(
        Workshop(title="Tablette", themes=("prendre_en_main_du_materiel",), capacity=4)
    )
    kept = store.workshops.create_occurrence(
        WorkshopOccurrence(workshop_id=workshop.id, date="2026-11-10", start_time="14:00",
                           end_time="15:30", place="FabLab"),
    )  # fmt: skip
    cancelled = store.workshops.create_occurrence(
        WorkshopOccurrence(workshop_id=workshop.id, date="2026-11-17", start_time="14:00",
                           end_time="15:30", place="FabLab"),
    )  # fmt: skip
    store.workshops.cancel_occurrence(cancelled.id)
    store.workshops.register(kept.id, helene.id)
    store.workshops.register(kept.id, karim.id)
    store.workshops.set_attendance(kept.id, helene.id, "present")
    store.workshops.set_attendance(kept.id, karim.id, "absent")
    store.workshops.set_anonymous_participants(kept.id, (AnonymousCount(3, "feminin"),))
    erased = store.residents.create(Resident(first_name="Zoé", last_name="X", **CONSENT))
    session(erased.id, "2026-11-05")
    store.residents.erase(erased.id)
    return store, helene, karim
