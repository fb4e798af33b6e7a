"""What changes from one partner country to another, kept as data a partner can extend
(``resources/countries/<CODE>.json``): the common online procedures offered when a
session is logged, and which export profile the country's reports follow."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

EXPORT_PROFILES = ("lacoop", "italy", "generic")


class CountryPackError(ValueError):
    """A country file that cannot be used, said for the person who wrote it."""


@dataclass(frozen=True)
class CountryPack:
    country: str
    #: Online procedures residents come for, in the country's own words.
    procedures: tuple[str, ...]
    #: "lacoop" (France), "italy" (the Italian monitoring CSV) or "generic".
    export_profile: str = "generic"

    @classmethod
    def load(cls, path: Path) -> CountryPack:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            pack = cls(
                country=str(data["country"]).upper(),
                procedures=tuple(str(name).strip() for name in data["procedures"]),
                export_profile=str(data.get("export_profile", "generic")),
            )
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as error:
            raise CountryPackError(f"{path.name}: {error}") from error
        if pack.export_profile not in EXPORT_PROFILES:
            raise CountryPackError(f"{path.name}: unknown export profile {pack.export_profile}")
        if not all(pack.procedures) or len(set(pack.procedures)) != len(pack.procedures):
            raise CountryPackError(f"{path.name}: empty or repeated procedure names")
        return pack


def load_packs(folder: Path) -> dict[str, CountryPack]:
    """Every country pack of ``folder``, by country code."""
    packs = {}
    for path in sorted(folder.glob("*.json")):
        pack = CountryPack.load(path)
        packs[pack.country] = pack
    return packs


def pack_for(country: str, folder: Path) -> CountryPack:
    """The pack of ``country`` in ``folder``; a country without one gets an empty
    generic pack."""
    return load_packs(folder).get(country.upper(), CountryPack(country.upper(), ()))
