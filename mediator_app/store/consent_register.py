"""The consent register: for each resident, when they consented, to which version of
the information text and in which language, who collected it, and whether they have
withdrawn it (and their record has been anonymised since).

Records merged into another are left out: the record they joined carries the consent.
Filtering by version finds who consented under an older text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mediator_app.store.database import Store

_COLUMNS = (
    "id, first_name, last_name, consent_date, consent_version, consent_language, "
    "consent_collected_by, consent_withdrawn_date, anonymised_at"
)
_SHOWN = "merged_into IS NULL"
#: Latest consent first; records without one (there should be none) last.
_ORDER = "ORDER BY consent_date = '', consent_date DESC, lower(last_name), lower(first_name), id"


@dataclass(frozen=True)
class ConsentEntry:
    """One line of the register. Text fields are empty when not recorded."""

    resident_id: str
    first_name: str
    last_name: str
    consent_date: str
    """ISO date."""
    consent_version: str
    consent_language: str
    collected_by: str
    """The name of the mediator who collected it."""
    withdrawn_date: str
    """ISO date of the withdrawal; empty while consent stands."""
    anonymised_at: str
    """When the identity was removed; empty while it is kept."""

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def is_withdrawn(self) -> bool:
        return bool(self.withdrawn_date)

    @property
    def is_anonymised(self) -> bool:
        return bool(self.anonymised_at)


@dataclass(frozen=True)
class VersionCount:
    """How many residents consented under one version (``""``: none recorded), and how
    many of them have withdrawn."""

    version: str
    residents: int
    withdrawn: int


def _where(version: str | None) -> tuple[str, tuple[str, ...]]:
    if version is None:
        return f"WHERE {_SHOWN}", ()
    return f"WHERE {_SHOWN} AND consent_version = ?", (version,)


def register_count(store: Store, version: str | None = None) -> int:
    """Residents in the register; only those of ``version`` when given (``""``: those
    without a recorded version)."""
    where, params = _where(version)
    (total,) = store.conn.execute(f"SELECT COUNT(*) FROM resident {where}", params).fetchone()
    return int(total)


def register_entries(
    store: Store, version: str | None = None, *, offset: int = 0, limit: int | None = None
) -> list[ConsentEntry]:
    """A slice of the register, latest consent first (then by name); only the
    residents of ``version`` when given (``""``: those without a recorded version)."""
    where, params = _where(version)
    rows = store.conn.execute(
        f"SELECT {_COLUMNS} FROM resident {where} {_ORDER} LIMIT ? OFFSET ?",
        (*params, -1 if limit is None else limit, offset),
    ).fetchall()
    return [ConsentEntry(*(value if value is not None else "" for value in row)) for row in rows]


def counts_by_version(store: Store) -> list[VersionCount]:
    """Residents per version of the text, oldest version first (``2026-2`` before
    ``2026-10``), those without a recorded version last."""
    rows = store.conn.execute(
        "SELECT consent_version, COUNT(*), SUM(consent_withdrawn_date != '') "
        f"FROM resident WHERE {_SHOWN} GROUP BY consent_version"
    ).fetchall()
    counts = [VersionCount(row[0] or "", int(row[1]), int(row[2] or 0)) for row in rows]
    return sorted(counts, key=lambda count: _version_key(count.version))


def _version_key(version: str) -> tuple[bool, tuple[tuple[int, str], ...]]:
    parts = re.findall(r"\d+|\D+", version)
    return (not version, tuple((int(p), "") if p.isdigit() else (-1, p) for p in parts))
