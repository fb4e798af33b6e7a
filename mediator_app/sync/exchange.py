"""What a replication bundle carries, and what importing one does, apart from the file.

A bundle from desk D holds, for each desk whose changes D holds, the contiguous range of
sequence numbers its recipients may lack (above what the least advanced of them said it
holds), in D's log order; its manifest says so, with D's own *acks* (what D holds), so
the others learn what they need not send D again.

Importing checks the manifest first: a bundle of another centre or of a newer schema is
refused; one already applied is skipped; one that starts beyond what is held (an
earlier bundle has not arrived yet) waits. Otherwise every change is merged, the acks
are kept and the bundle is logged, in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mediator_app.domain.ids import new_id
from mediator_app.domain.markers import N_
from mediator_app.domain.validation import MessageError
from mediator_app.store import Store
from mediator_app.store.changes import Change, utc_now
from mediator_app.store.schema import SCHEMA_VERSION
from mediator_app.store.versions import decode_base, encode_base
from mediator_app.sync.merge import MergeError, MergeStats, held_sequences, merge_changes

#: The oldest schema whose desks can apply the changes this version writes.
MIN_READER_SCHEMA = 5


class ExchangeError(MessageError):
    """A bundle refused for what its manifest says; nothing was changed."""

    def __init__(self, reason: str, message: str, **params: Any):
        super().__init__(message, **params)
        self.reason = reason


@dataclass(frozen=True)
class Plan:
    """What importing a bundle would do: ``apply``, ``already`` or ``wait``."""

    action: str
    #: For ``wait``: the desk whose earlier changes are missing.
    missing_desk: str = ""
    missing_from: int = 0


@dataclass
class ImportResult:
    bundle_id: str
    status: str
    stats: MergeStats = field(default_factory=MergeStats)
    reason: str = ""
    #: The file it came in, when there was one.
    file_name: str = ""

    @property
    def label(self) -> str:
        """How a mediator recognises the bundle: the end of its id, else its file."""
        return self.bundle_id[-12:] if self.bundle_id else self.file_name


def change_to_record(change: Change) -> dict[str, Any]:
    """A change as one line of a bundle."""
    record: dict[str, Any] = {
        "hlc": change.hlc,
        "desk": change.desk_id,
        "seq": change.seq,
        "tx": change.tx_id,
        "table": change.table_name,
        "row": change.row_id,
        "op": change.op,
        "data": change.data,
    }
    if change.author:
        record["author"] = change.author
    if change.base:
        record["base"] = json.loads(encode_base(change.base) or "{}")
    return record


def change_from_record(record: dict[str, Any]) -> Change:
    """The change a bundle line describes; ``MergeError`` if it is not one."""
    try:
        change = Change(
            hlc=int(record["hlc"]),
            desk_id=str(record["desk"]),
            seq=int(record["seq"]),
            tx_id=str(record["tx"]),
            table_name=str(record["table"]),
            row_id=str(record["row"]),
            op=str(record["op"]),
            data=dict(record["data"]),
            author=record.get("author"),
            base=decode_base(json.dumps(record["base"])) if record.get("base") else None,
        )
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError) as error:
        raise MergeError(f"malformed change: {error}") from error
    if change.op not in ("insert", "update", "delete"):
        raise MergeError(f"unknown operation {change.op!r}")
    if not (_is_count(change.hlc) and _is_count(change.seq) and change.seq > 0):
        raise MergeError(f"stamp or sequence number out of range in {change.row_id!r}")
    if not isinstance(change.author, str | None):
        raise MergeError(f"malformed author in {change.row_id!r}")
    return change


def _is_count(value: Any) -> bool:
    """A whole number that SQLite's INTEGER holds, not below zero."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def _check_manifest(manifest: dict[str, Any]) -> None:
    """Refuse a manifest whose fields do not have the shape this version writes: a
    signed bundle from a faulty desk must be refused, not break the import."""
    ranges = manifest.get("ranges") or {}
    acks = manifest.get("acks") or {}
    well_formed = (
        isinstance(manifest.get("bundle_id"), str)
        and isinstance(manifest.get("kind", "replication"), str)
        and _is_count(manifest.get("min_reader_schema", 0))
        and isinstance(ranges, dict)
        and all(
            isinstance(span, list) and len(span) == 2 and all(map(_is_count, span))
            for span in ranges.values()
        )
        and isinstance(acks, dict)
        and all(map(_is_count, acks.values()))
    )
    if not well_formed:
        raise ExchangeError("damaged", N_("This file is damaged or is not a Passerelle bundle."))


def acknowledged(store: Store, peer_ids: Iterable[str]) -> dict[str, int]:
    """For each desk, the highest sequence number every one of ``peer_ids`` said it
    holds (0 when one of them said nothing yet)."""
    peers = list(peer_ids)
    if not peers:
        return {}
    said: dict[str, dict[str, int]] = {peer: {} for peer in peers}
    for peer_id, origin, seq in store.conn.execute(
        "SELECT peer_id, origin_desk, seq FROM sync_ack WHERE peer_id IN "
        f"({', '.join('?' for _ in peers)})",
        peers,
    ):
        said[peer_id][origin] = seq
    origins = {origin for acks in said.values() for origin in acks}
    return {origin: min(acks.get(origin, 0) for acks in said.values()) for origin in origins}


def outgoing(store: Store, recipients: Iterable[str]) -> tuple[dict[str, Any], Iterator[dict]]:
    """The manifest and the changes of a bundle for ``recipients`` (peer desk ids; none:
    everything held). The manifest has ``ranges`` empty when there is nothing to send."""
    desk = store.ensure_desk()
    held = held_sequences(store.conn)
    floor = acknowledged(store, recipients)
    ranges = {
        origin: [floor.get(origin, 0) + 1, top]
        for origin, top in sorted(held.items())
        if top > floor.get(origin, 0)
    }
    counts: dict[str, int] = {}
    for origin, (low, high) in ranges.items():
        for table, count in store.conn.execute(
            "SELECT table_name, COUNT(*) FROM change_log WHERE desk_id = ? AND seq BETWEEN ? AND ?"
            " GROUP BY table_name",
            (origin, low, high),
        ):
            counts[table] = counts.get(table, 0) + count
    manifest = {
        "bundle_id": new_id(),
        "kind": "replication",
        "centre_id": desk.centre_id,
        "origin_desk": desk.id,
        "origin_name": desk.name,
        "schema_version": SCHEMA_VERSION,
        "min_reader_schema": MIN_READER_SCHEMA,
        "created_at": utc_now(),
        "ranges": ranges,
        "acks": held,
        "counts": counts,
    }
    return manifest, _records(store, ranges)


def _records(store: Store, ranges: dict[str, list[int]]) -> Iterator[dict[str, Any]]:
    from mediator_app.store.changes import read_changes

    for change in read_changes(store.conn):
        span = ranges.get(change.desk_id)
        if span and span[0] <= change.seq <= span[1]:
            yield change_to_record(change)


def plan(store: Store, manifest: dict[str, Any]) -> Plan:
    """What importing a bundle with this manifest would do; ``ExchangeError`` if it
    must be refused."""
    desk = store.ensure_desk()
    _check_manifest(manifest)
    if manifest.get("kind", "replication") != "replication":
        raise ExchangeError(
            "wrong_kind", N_("This is an export for the coordinator, not a bundle for a desk.")
        )
    if manifest.get("centre_id") != desk.centre_id:
        raise ExchangeError(
            "foreign",
            N_("This bundle belongs to another centre (%(name)s): it is not for this desk."),
            name=str(manifest.get("origin_name") or "?"),
        )
    if manifest.get("min_reader_schema", 0) > SCHEMA_VERSION:
        raise ExchangeError(
            "too_new",
            N_("This bundle was made by a newer version of Passerelle. Update this desk first."),
        )
    if store.conn.execute(
        "SELECT 1 FROM bundle_log WHERE bundle_id = ? AND direction = 'in' "
        "AND status IN ('applied', 'already')",
        (manifest.get("bundle_id"),),
    ).fetchone():
        return Plan("already")
    held = held_sequences(store.conn)
    ranges = manifest.get("ranges") or {}
    for origin, (low, _high) in sorted(ranges.items()):
        if low > held.get(origin, 0) + 1:
            return Plan("wait", origin, held.get(origin, 0) + 1)
    return Plan("apply")


def apply_bundle(
    store: Store, manifest: dict[str, Any], records: Iterable[dict[str, Any]], file_name: str = ""
) -> ImportResult:
    """Import one bundle whose file was checked (signature, payload): see the module's
    note. One transaction; a failure anywhere leaves the database as it was."""
    bundle_id = str(manifest.get("bundle_id"))
    decided = plan(store, manifest)
    if decided.action != "apply":
        return ImportResult(bundle_id, decided.action)
    with store._transaction():
        stats = merge_changes(store, (change_from_record(record) for record in records))
        origin = str(manifest.get("origin_desk"))
        store.conn.executemany(
            "INSERT INTO sync_ack (peer_id, origin_desk, seq) VALUES (?, ?, ?) "
            "ON CONFLICT (peer_id, origin_desk) DO UPDATE SET seq = MAX(seq, excluded.seq)",
            [(origin, desk, seq) for desk, seq in (manifest.get("acks") or {}).items()],
        )
        log_bundle(store, bundle_id, "in", file_name, origin, "applied", "", stats.applied)
    return ImportResult(bundle_id, "applied", stats)


def log_bundle(
    store: Store,
    bundle_id: str,
    direction: str,
    file_name: str,
    origin: str | None,
    status: str,
    reason: str,
    changes: int = 0,
    ranges: dict[str, list[int]] | None = None,
) -> None:
    with store._transaction():
        store.conn.execute(
            "INSERT INTO bundle_log (bundle_id, direction, file_name, origin_desk, status, "
            "reason, changes, ranges, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                bundle_id, direction, file_name, origin, status, reason, changes,
                json.dumps(ranges) if ranges is not None else None, utc_now(),
            ),
        )  # fmt: skip
