"""The periodic export to the coordinator, and the coordinator's side.

A centre's export for a period (a month or a quarter) is a bundle of another kind: the
period's activities as pseudonymised records (``reports/activities.py``: no names,
contacts, notes or year of birth), the centre's inclusion progress over the period,
signed by the desk and encrypted to the coordinator and the centre's recovery key.

At the coordinator's, an export replaces whatever the same centre sent before for the
same period (a corrected export never doubles the figures); an older one than what is
held is ignored.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mediator_app.domain.ids import new_id
from mediator_app.domain.markers import N_
from mediator_app.domain.validation import MessageError
from mediator_app.reports.activities import Activity, activities_between
from mediator_app.store import Store
from mediator_app.store.changes import utc_now
from mediator_app.store.driver import sqlite3
from mediator_app.store.schema import SCHEMA_VERSION
from mediator_app.sync.bundle_file import BundleError, open_bundle, write_bundle
from mediator_app.sync.exchange import MIN_READER_SCHEMA
from mediator_app.sync.keys import desk_keys, peer, recipients_for
from mediator_app.sync.transports import BUNDLE_SUFFIX

COORDINATOR_KIND = "coordinator"
#: ASCII digits only: a period's label names files and is compared as text.
_PERIOD = re.compile(r"([0-9]{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))")


class ExportError(MessageError):
    """An export that cannot be made or read, in words a person acts on."""


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date

    @classmethod
    def parse(cls, text: str) -> Period:
        """``YYYY-MM`` (a month) or ``YYYY-Qn`` (a quarter)."""
        found = _PERIOD.fullmatch(text.strip())
        if not found or found.group(1) == "0000":  # the calendar starts in year 1
            raise ExportError(
                N_("%(text)s is not a period: write a month (2026-11) or a quarter (2026-Q4)."),
                text=text,
            )
        year = int(found.group(1))
        if found.group(2):
            first_month = last_month = int(found.group(2))
        else:
            first_month = 3 * (int(found.group(3)) - 1) + 1
            last_month = first_month + 2
        last_day = calendar.monthrange(year, last_month)[1]
        return cls(text.strip(), date(year, first_month, 1), date(year, last_month, last_day))


def export_for_coordinator(store: Store, period: Period, folder: Path) -> Path:
    """Write the centre's pseudonymised export for ``period`` into ``folder``; returns
    the file. Refused when no coordinator is enrolled: nobody could read it."""
    recipients = recipients_for(store, "coordinator")
    if not recipients:
        raise ExportError(
            N_("No coordinator is enrolled on this desk: enrol the coordinator's card first.")
        )
    desk = store.ensure_desk()
    bundle_id = new_id()
    manifest = {
        "bundle_id": bundle_id,
        "kind": COORDINATOR_KIND,
        "centre_id": desk.centre_id,
        "centre_name": desk.centre_name,
        "country": desk.country,
        "origin_desk": desk.id,
        "origin_name": desk.name,
        "period": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "schema_version": SCHEMA_VERSION,
        "min_reader_schema": MIN_READER_SCHEMA,
        "created_at": utc_now(),
    }
    activities = list(activities_between(store, period.start, period.end))
    progress = store.skills.centre_progress(period.start, period.end)
    lines = _export_lines(activities, asdict(progress))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"passerelle-export-{desk.centre_id[-12:]}-{period.label}-{bundle_id}"
    path = path.with_name(path.name + BUNDLE_SUFFIX)
    write_bundle(path, manifest, lines, keys=desk_keys(store), recipients=recipients)
    with store._transaction():
        store.conn.execute(
            "INSERT INTO export_log (bundle_id, period, start, end, file_name, activities, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (bundle_id, period.label, manifest["start"], manifest["end"], path.name,
             len(activities), manifest["created_at"]),
        )  # fmt: skip
    return path


def _export_lines(activities: list[Activity], progress: dict[str, Any]) -> Iterator[dict]:
    for activity in activities:
        yield {"type": "activity", **activity.to_record()}
    progress = {**progress, "start": str(progress["start"]), "end": str(progress["end"])}
    yield {"type": "progress", **progress}


@dataclass(frozen=True)
class ImportedExport:
    centre_name: str
    period: str
    status: str  # "imported", "replaced", "older"
    activities: int = 0


def import_export(store: Store, path: Path) -> ImportedExport:
    """Take a centre's export into the coordinator's database, in one transaction."""
    desk = store.ensure_desk()
    if not desk.is_coordinator:
        raise ExportError(N_("Only the coordinator's database takes the centres' exports in."))
    keys = desk_keys(store)
    with open_bundle(
        path, identities=[keys.age_identity], trusted=_centre_desk_key(store)
    ) as opened:
        manifest = opened.manifest
        if manifest.get("kind") != COORDINATOR_KIND:
            raise ExportError(
                N_("This is a bundle between desks, not an export for the coordinator.")
            )
        _check_export_manifest(manifest)
        if manifest.get("min_reader_schema", 0) > SCHEMA_VERSION:
            raise BundleError("too_new")
        centre, period = str(manifest["centre_id"]), str(manifest["period"])
        held = store.conn.execute(
            "SELECT made_at FROM coord_export WHERE centre_id = ? AND period = ?",
            (centre, period),
        ).fetchone()
        name = str(manifest.get("centre_name") or "?")
        if held is not None and held[0] >= manifest["created_at"]:
            return ImportedExport(name, period, "older")
        count = 0
        with store._transaction():
            for table in ("coord_activity", "coord_progress", "coord_export"):
                store.conn.execute(
                    f"DELETE FROM {table} WHERE centre_id = ? AND period = ?", (centre, period)
                )
            for line in opened.changes():
                kind = line.pop("type", None)
                try:
                    if kind == "activity":
                        Activity.from_record(line)  # refuses a malformed record
                        if not (isinstance(line["id"], str) and isinstance(line["date"], str)):
                            raise TypeError("an activity's id and date are texts")
                        store.conn.execute(
                            "INSERT INTO coord_activity (centre_id, period, activity_id, date, "
                            "record) VALUES (?, ?, ?, ?, ?)",
                            (centre, period, line["id"], line["date"], json.dumps(line)),
                        )
                        count += 1
                    elif kind == "progress":
                        store.conn.execute(
                            "INSERT INTO coord_progress (centre_id, period, record) "
                            "VALUES (?, ?, ?)",
                            (centre, period, json.dumps(line)),
                        )
                except (KeyError, TypeError, ValueError, sqlite3.IntegrityError) as error:
                    # Signed by an enrolled desk, yet not what this version writes: a
                    # fault of that desk. The transaction is rolled back.
                    raise BundleError("damaged") from error
            store.conn.execute(
                "INSERT INTO coord_export (centre_id, period, centre_name, country, start, end, "
                "bundle_id, origin_desk, made_at, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?)",
                (centre, period, name, str(manifest.get("country", "")), manifest["start"],
                 manifest["end"], manifest["bundle_id"], manifest["origin_desk"],
                 manifest["created_at"], utc_now()),
            )  # fmt: skip
    return ImportedExport(name, period, "replaced" if held else "imported", count)


def _check_export_manifest(manifest: dict[str, Any]) -> None:
    """Refuse (``BundleError("damaged")``) a signed manifest without the fields this
    version writes, or with fields of another type."""
    texts = ("centre_id", "period", "start", "end", "bundle_id", "origin_desk", "created_at")
    version = manifest.get("min_reader_schema", 0)
    if not all(isinstance(manifest.get(name), str) for name in texts) or not (
        isinstance(version, int) and not isinstance(version, bool)
    ):
        raise BundleError("damaged")


def _centre_desk_key(store: Store):
    """The coordinator trusts every enrolled, non-revoked desk, whatever its centre."""

    def signing_key(signer_id: str) -> bytes | None:
        found = peer(store, signer_id)
        if found is None or found.revoked or found.role != "desk":
            return None
        return found.signing_key

    return signing_key


@dataclass(frozen=True)
class CentreExport:
    centre_id: str
    centre_name: str
    country: str
    period: str


def held_exports(store: Store) -> list[CentreExport]:
    return [
        CentreExport(*row)
        for row in store.conn.execute(
            "SELECT centre_id, centre_name, country, period FROM coord_export "
            "ORDER BY country, centre_name, period"
        )
    ]


def coordinator_activities(
    store: Store,
    start: date,
    end: date,
    *,
    centre_id: str | None = None,
    country: str | None = None,
) -> Iterator[tuple[str, Activity]]:
    """``(centre id, activity)`` of every held export, dated ``start``..``end``, for one
    centre, one country or all."""
    conditions, params = ["a.date BETWEEN ? AND ?"], [start.isoformat(), end.isoformat()]
    if centre_id:
        conditions.append("a.centre_id = ?")
        params.append(centre_id)
    if country:
        conditions.append("e.country = ?")
        params.append(country)
    for centre, record in store.conn.execute(
        "SELECT a.centre_id, a.record FROM coord_activity a JOIN coord_export e "
        "ON e.centre_id = a.centre_id AND e.period = a.period "
        f"WHERE {' AND '.join(conditions)} ORDER BY a.date, a.activity_id",
        params,
    ):
        yield centre, Activity.from_record(json.loads(record))
