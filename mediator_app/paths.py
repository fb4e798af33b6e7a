"""Where Passerelle keeps its files: the database in the user data directory, settings
in the user config directory, catalogues and resources beside the package."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_DIR_NAME = "Passerelle"
_PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(user_data_dir(APP_DIR_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(user_config_dir(APP_DIR_NAME, appauthor=False))


def default_database_path() -> Path:
    return data_dir() / "passerelle.db"


def demo_database_path() -> Path:
    return data_dir() / "demo.db"


def settings_path() -> Path:
    return config_dir() / "settings.json"


def catalogue_dir() -> Path:
    """The ``i18n/`` folder holding one ``<lang>/LC_MESSAGES/passerelle.po`` per language."""
    return _PROJECT_ROOT / "i18n"


def resources_dir() -> Path:
    return _PROJECT_ROOT / "resources"


def consent_texts_dir() -> Path:
    """The versions of the information text shown before consent, one file each."""
    return resources_dir() / "consent"
