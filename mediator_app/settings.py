"""The user's settings: a typed registry saved as JSON, with versioned upgrades.

Settings belong to the person at the desk (language, window sizes, the database last
opened); what belongs to the centre's data lives in the database.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediator_app.domain.workshop import SheetOptions

#: Bump with an entry in ``_UPGRADES`` when a stored setting changes meaning.
SETTINGS_VERSION = 1


@dataclass(frozen=True)
class Setting:
    name: str
    kind: type
    default: Any
    description: str
    #: For a number: the values it may take (a hand-edited file may hold any other).
    limits: tuple[int, int] | None = None

    def accepts(self, value: Any) -> bool:
        if not isinstance(value, self.kind) or (self.kind is int and isinstance(value, bool)):
            return False
        return self.limits is None or self.limits[0] <= value <= self.limits[1]


REGISTRY: dict[str, Setting] = {
    setting.name: setting
    for setting in (
        Setting("language", str, "", "UI language code; empty until chosen at first run."),
        Setting("last_database", str, "", "Path of the database opened last."),
        Setting("geometry", dict, {}, "Saved geometry (base64) of each window, by name."),
        Setting(
            "search_debounce_ms", int, 120, "Pause after a keystroke before searching.", (0, 2000)
        ),
        Setting("sheet_language", str, "", "Language of attendance sheets; empty: the centre's."),
        Setting(
            "sheet_blank_rows", int, 5, "Blank rows for walk-ins on attendance sheets.", (0, 40)
        ),
        Setting("sheet_logos", list, [], "Image files printed at the top of attendance sheets."),
        Setting(
            "lock_after_minutes", int, 10, "Idle minutes before the desk locks; 0: never.", (0, 240)
        ),
    )
}

#: ``version -> function`` turning the values of that version into the next version's.
_UPGRADES: dict[int, Any] = {}


def sheet_options(settings: Settings) -> SheetOptions:
    """The attendance-sheet choices kept in the settings."""
    return SheetOptions(
        language=settings["sheet_language"] or None,
        blank_rows=settings["sheet_blank_rows"],
        logos=tuple(str(path) for path in settings["sheet_logos"]),
    )


class Settings:
    """Values of the registry, read from and saved to one JSON file."""

    def __init__(self, path: Path | None):
        self.path = path
        self._values: dict[str, Any] = {}
        if path is not None and path.exists():
            self._values = _read(path)

    def __getitem__(self, name: str) -> Any:
        setting = REGISTRY[name]
        value = self._values.get(name, setting.default)
        return value if setting.accepts(value) else setting.default

    def __setitem__(self, name: str, value: Any) -> None:
        setting = REGISTRY[name]
        if not setting.accepts(value):
            limits = f" in {setting.limits}" if setting.limits else ""
            raise TypeError(f"setting {name!r} takes {setting.kind.__name__}{limits}")
        self._values[name] = value

    def save(self) -> None:
        """Write the settings atomically: a crash never leaves half a file."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": SETTINGS_VERSION, "values": self._values}
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(payload, stream, ensure_ascii=False, indent=1)
        os.replace(temporary, self.path)


def _read(path: Path) -> dict[str, Any]:
    """The stored values, upgraded to the current version; damaged files give defaults."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        version = int(payload.get("version", 1))
        values = dict(payload.get("values", {}))
    except (OSError, ValueError, TypeError, AttributeError, OverflowError, RecursionError):
        return {}  # not JSON, nested past Python's stack, or values of the wrong shape
    while version < SETTINGS_VERSION:
        upgrade = _UPGRADES.get(version)
        if upgrade is None:
            return {}
        values = upgrade(values)
        version += 1
    return {name: value for name, value in values.items() if name in REGISTRY}
