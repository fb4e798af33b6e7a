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
