"""The audit trail: who viewed or changed which resident, and when.

Two sources, read together, most recent first:

- ``audit_event``, this desk's local log of what leaves no change behind: a resident's
  file opened, a document about them printed or exported, an erasure, an anonymisation.
  ``record`` appends to it; SQLite triggers refuse any other change, but one: forgetting
  the resident of an event when they are erased.
- the change log, where every change to a resident's file and to their records (support
  sessions, workshop registrations, skills assessments and goals) is kept with its author,
  whichever desk made it. The trail shows the names of the fields a change set, never
  their values.

Erasure keeps the fact, not the identity: the events of an erased resident lose their
resident, an "erase" event without one is added (``store/erasure.py`` calls
``forget_residents`` and ``append``), and the change log's entries about them, whose
values the erasure blanked, show as about "an erased resident", with no id and no name.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from mediator_app.domain.clock import pack, unpack
from mediator_app.domain.markers import N_
from mediator_app.store.changes import utc_now
from mediator_app.store.driver import sqlite3

if TYPE_CHECKING:
    from mediator_app.store.database import Store

# What ``record`` writes: what a mediator did that the change log does not show.
#: A resident's file was opened.
VIEW = "view"
#: A document about a resident was printed (or saved as a PDF): ``detail`` says which.
PRINT = "print"
#: A resident's data was exported as a file (the access report's JSON).
EXPORT = "export"
#: A resident was erased: the event never names them.
ERASE = "erase"
#: A resident's identity was dropped; their anonymous figures stay.
ANONYMISE = "anonymise"
ACTIONS = frozenset({VIEW, PRINT, EXPORT, ERASE, ANONYMISE})

# What the trail says a change of the change log did.
CREATE = "create"
CHANGE = "change"
DELETE = "delete"
_CHANGE_ACTIONS = {"insert": CREATE, "update": CHANGE, "delete": DELETE}

# Details of an event: codes, never a name or a value.
PASSPORT = "passport"
ACCESS_REPORT = "access_report"
CONSENT_FORM = "consent_form"
#: An erasure made on another desk, applied here when its change arrived.
OTHER_DESK = "other_desk"

# What the trail knows of the resident of an entry.
PRESENT = "present"
ANONYMISED = "anonymised"
#: Erased: the entry names nobody (its ``resident_id`` is ``None``).
ERASED = "erased"
#: No longer on this desk without an erasure (an import undone): the id stays.
GONE = "gone"

#: The tables of a resident's file and records, as the trail follows them.
RESIDENT_TABLE = "resident"
RECORD_TABLES = ("support_session", "registration", "skill_assessment", "skill_goal")
TRAIL_TABLES = (RESIDENT_TABLE, *RECORD_TABLES)

#: Rows of a page when the caller does not say.
DEFAULT_LIMIT = 200

# Labels, translated where they are shown.
ACTION_LABELS = {
    # Translators: what a mediator did, in the audit trail. Where a participle would
    # have to agree with a gender, use a noun ("Ouverture", "Impression"…).
    VIEW: N_("Opened"),
    PRINT: N_("Printed"),
    EXPORT: N_("Exported"),
    ERASE: N_("Erased"),
    ANONYMISE: N_("Anonymised"),
    CREATE: N_("Created"),
    CHANGE: N_("Changed"),
    DELETE: N_("Deleted"),
}
SUBJECT_LABELS = {
    # Translators: what an entry of the audit trail is about.
    RESIDENT_TABLE: N_("Resident's file"),
    "support_session": N_("Support session"),
    "registration": N_("Workshop registration"),
    "skill_assessment": N_("Skills assessment"),
    "skill_goal": N_("Skill goal"),
    PASSPORT: N_("Digital passport"),
    ACCESS_REPORT: N_("Access report"),
    CONSENT_FORM: N_("Consent form"),
}
DETAIL_LABELS = {
    OTHER_DESK: N_("Erased on another desk, received by sync"),
    # Why a resident was anonymised: ``store/retention.py``'s reasons.
    "retention": N_("End of the retention period"),
    "consent_withdrawn": N_("Consent withdrawn"),
}
RESIDENT_STATE_LABELS = {
    ERASED: N_("An erased resident"),
    ANONYMISED: N_("An anonymised resident"),
    GONE: N_("A resident no longer on this desk"),
}

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BOOKKEEPING_FIELDS = frozenset({"created_at", "updated_at"})
#: Above any sequence number or clock stamp SQLite holds.
_TOP = (1 << 63) - 1
#: SQLite's default limit of host parameters is 999 on old builds: stay well below.
_CHUNK = 400
#: Rows read at a time while a page of the whole trail fills, at the least.
_MIN_BATCH = 64


@dataclass(frozen=True)
class TrailEntry:
    """One line of the trail. An erased resident's entries have no ``resident_id`` and
    no ``resident`` name; an anonymised one's keep the id, without a name."""

    at: datetime
    action: str
    mediator_id: str | None
    #: The mediator's name; empty when unknown.
    mediator: str
    resident_id: str | None
    #: The resident's full name; empty unless ``resident_state`` is ``PRESENT``.
    resident: str
    resident_state: str
    #: What it is about: a table of the change log, or the document of an event.
    subject: str = ""
    #: The fields a change set, by name.
    fields: tuple[str, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class TrailQuery:
    """Which entries: all of them, or only those of some residents (a merged file counts
    as its resident), of one mediator, in a period (``since`` included, ``until`` not;
    a date is local midnight, a naive datetime local time)."""

    resident_ids: tuple[str, ...] | None = None
    mediator_id: str | None = None
    since: datetime | date | None = None
    until: datetime | date | None = None


@dataclass(frozen=True)
class TrailCursor:
    """Where the next page starts: below these positions of each source; ``None`` for
    a source with nothing left."""

    event_seq: int | None = _TOP
    change_key: tuple[int, int] | None = (_TOP, _TOP)


@dataclass(frozen=True)
class TrailPage:
    entries: list[TrailEntry]
    #: ``None`` when the trail has nothing more.
    next: TrailCursor | None


# Writing ------------------------------------------------------------------------------


def record(store: Store, action: str, resident_id: str | None, detail: str = "") -> None:
    """Append an event by ``store.mediator_id``, now. One INSERT: it joins the
    transaction already open, or commits on its own. ``detail`` is a code (``PASSPORT``,
    ``ACCESS_REPORT``…): never put a name or a value in it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    append(store.conn, action, mediator_id=store.mediator_id, resident_id=resident_id,
           detail=detail)  # fmt: skip


def append(
    conn: sqlite3.Connection,
    action: str,
    *,
    mediator_id: str | None,
    resident_id: str | None,
    detail: str = "",
) -> None:
    """``record`` for code that holds a connection, not a store (the change listeners)."""
    conn.execute(
        "INSERT INTO audit_event (at, mediator_id, action, resident_id, detail) "
        "VALUES (?, ?, ?, ?, ?)",
        (utc_now(), mediator_id, action, resident_id, detail),
    )


def forget_residents(conn: sqlite3.Connection, resident_ids: Iterable[str]) -> None:
    """Erasure: the events about these residents stay, without them."""
    conn.executemany(
        "UPDATE audit_event SET resident_id = NULL WHERE resident_id = ?",
        [(resident_id,) for resident_id in resident_ids],
    )


# Reading ------------------------------------------------------------------------------


def trail(
    store: Store,
    resident_id: str | Collection[str] | None = None,
    mediator_id: str | None = None,
    since: datetime | date | None = None,
    limit: int = DEFAULT_LIMIT,
    *,
    until: datetime | date | None = None,
) -> list[TrailEntry]:
    """The latest ``limit`` entries, most recent first (see ``TrailQuery``). An erased
    resident's id finds nothing. Reads only."""
    if isinstance(resident_id, str):
        resident_ids: tuple[str, ...] | None = (resident_id,)
    else:
        resident_ids = None if resident_id is None else tuple(resident_id)
    query = TrailQuery(resident_ids, mediator_id, since, until)
    return trail_page(store, query, limit=limit).entries


def trail_page(
    store: Store, query: TrailQuery, *, limit: int = DEFAULT_LIMIT, after: TrailCursor | None = None
) -> TrailPage:
    """A page of the trail, most recent first: the first one, or the one after
    ``after`` (the ``next`` of the page before). A page costs about the same wherever
    it starts, so a lazy list can scroll through hundreds of thousands of entries."""
    conn = store.conn
    cursor = after or TrailCursor()
    if query.resident_ids is None:
        events: _Source = _EventRows(conn, query, cursor.event_seq)
        changes: _Source = _ChangeRows(conn, query, cursor.change_key)
    else:
        people = _people(conn, query.resident_ids)
        events = _ListedRows(_events_of(conn, people, query), cursor.event_seq)
        changes = _ListedRows(_changes_of(conn, people, query), cursor.change_key)
    raw = _merge(events, changes, limit)
    return TrailPage(
        _entries(conn, raw),
        _next_cursor(cursor, events, changes),
    )


# The two sources ----------------------------------------------------------------------


@dataclass(slots=True)
class _Raw:
    """An entry before its mediator and resident are looked up."""

    key: int | tuple[int, int]
    #: Milliseconds since the epoch (UTC).
    at_ms: int
    action: str
    mediator_id: str | None
    #: A resident id, or ``None`` once erased.
    resident_id: str | None
    subject: str
    #: For a change: its data (JSON), read for the names of its fields once shown.
    data: str = "{}"
    detail: str = ""
    #: For a change of a record: the record, whose resident is looked up.
    record: tuple[str, str] | None = None


class _Source:
    """Rows of one source, in its order (most recent first), from a position down."""

    def __init__(self) -> None:
        self.exhausted = False
        #: The key of the last row read, kept or not.
        self.scanned_to: int | tuple[int, int] | None = None
        #: Rows read but not taken into the page.
        self.left: list[_Raw] = []

    def batches(self, size: int) -> Iterator[list[_Raw]]:
        """Rows ``size`` at a time (fewer when some are left out), to the end."""
        raise NotImplementedError


class _ListedRows(_Source):
    """A source read whole beforehand (one resident's trail is short)."""

    def __init__(self, rows: list[_Raw], below: int | tuple[int, int] | None):
        super().__init__()
        kept = [] if below is None else [row for row in rows if _before(row.key, below)]
        self._rows = sorted(kept, key=lambda row: row.key, reverse=True)

    def batches(self, size: int) -> Iterator[list[_Raw]]:
        if self._rows:
            self.scanned_to = self._rows[-1].key
        self.exhausted = True
        yield self._rows


class _EventRows(_Source):
    def __init__(self, conn: sqlite3.Connection, query: TrailQuery, below: int | None):
        super().__init__()
        self._conn = conn
        self._query = query
        self._below = below

    def batches(self, size: int) -> Iterator[list[_Raw]]:
        below = self._below
        if below is None:
            self.exhausted = True
            return
        where, params = _event_filters(self._query)
        while True:
            rows = self._conn.execute(
                "SELECT seq, at, mediator_id, action, resident_id, detail FROM audit_event "
                f"WHERE seq < ?{where} ORDER BY seq DESC LIMIT ?",
                (below, *params, size),
            ).fetchall()
            if len(rows) < size:
                self.exhausted = True
            if rows:
                below = rows[-1][0]
                self.scanned_to = below
            yield [_event(*row) for row in rows]
            if self.exhausted:
                return


class _ChangeRows(_Source):
    """The change log's entries about residents' files and records, newest first,
    read in batches; records of nobody (anonymous visits) are left out."""

    def __init__(self, conn: sqlite3.Connection, query: TrailQuery, below: tuple[int, int] | None):
        super().__init__()
        self._conn = conn
        self._query = query
        self._below = below

    def batches(self, size: int) -> Iterator[list[_Raw]]:
        below = self._below
        if below is None:
            self.exhausted = True
            return
        where, params = _change_filters(self._query)
        tables = ", ".join("?" for _ in TRAIL_TABLES)
        while True:
            rows = self._conn.execute(
                "SELECT id, hlc, table_name, row_id, op, data, author FROM change_log "
                # ``+``: walk the clock's index; the table names only filter.
                f"WHERE (hlc, id) < (?, ?) AND +table_name IN ({tables}){where} "
                "ORDER BY hlc DESC, id DESC LIMIT ?",
                (*below, *TRAIL_TABLES, *params, size),
            ).fetchall()
            if len(rows) < size:
                self.exhausted = True
            if rows:
                below = (rows[-1][1], rows[-1][0])
                self.scanned_to = below
            yield _with_owners(self._conn, [_change(*row) for row in rows])
            if self.exhausted:
                return


def _event(
    seq: int,
    at: str,
    mediator_id: str | None,
    action: str,
    resident_id: str | None,
    detail: str,
) -> _Raw:
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    subject = detail if detail in SUBJECT_LABELS else RESIDENT_TABLE
    return _Raw(
        key=seq,
        at_ms=round(moment.timestamp() * 1000),
        action=action,
        mediator_id=mediator_id,
        resident_id=resident_id,
        subject=subject,
        detail="" if subject == detail else detail,
    )


def _change(
    change_id: int,
    hlc: int,
    table: str,
    row_id: str,
    op: str,
    data: str,
    author: str | None,
) -> _Raw:
    wall_ms, _counter = unpack(hlc)
    return _Raw(
        key=(hlc, change_id),
        at_ms=wall_ms,
        action=_CHANGE_ACTIONS.get(op, op),
        mediator_id=author,
        resident_id=row_id if table == RESIDENT_TABLE else None,
        subject=table,
        data=data,
        record=None if table == RESIDENT_TABLE else (table, row_id),
    )


def _merge(events: _Source, changes: _Source, limit: int) -> list[_Raw]:
    """The ``limit`` most recent rows of both sources, each read a batch at a time and
    only as far as needed; what was read and not taken stays in ``left``."""
    merged: list[_Raw] = []
    size = max(limit, _MIN_BATCH)
    event_batches, change_batches = events.batches(size), changes.batches(size)
    pending_events: list[_Raw] = []
    pending_changes: list[_Raw] = []
    while len(merged) < limit:
        if not pending_events:
            pending_events = _next_batch(event_batches)
        if not pending_changes:
            pending_changes = _next_batch(change_batches)
        if not pending_events and not pending_changes:
            break  # both read to their end
        if pending_changes and (
            not pending_events or pending_changes[0].at_ms > pending_events[0].at_ms
        ):
            merged.append(pending_changes.pop(0))
        else:
            merged.append(pending_events.pop(0))
    events.left, changes.left = pending_events, pending_changes
    return merged


def _next_batch(batches: Iterator[list[_Raw]]) -> list[_Raw]:
    """The next non-empty batch, or an empty list once the source is read to its end."""
    for batch in batches:
        if batch:
            return list(batch)
    return []


def _next_cursor(cursor: TrailCursor, events: _Source, changes: _Source) -> TrailCursor | None:
    """Where the page after the one just merged starts; ``None`` at the end."""
    positions = []
    for source, start in ((events, cursor.event_seq), (changes, cursor.change_key)):
        if source.left:
            # Rows read but not taken: the next page starts at the first of them.
            position = _just_above(source.left[0].key)
        elif source.exhausted:
            position = None
        else:
            position = source.scanned_to if source.scanned_to is not None else start
        positions.append(position)
    event_seq, change_key = positions
    if event_seq is None and change_key is None:
        return None
    return TrailCursor(event_seq, change_key)  # type: ignore[arg-type]


def _before(key: int | tuple[int, int], position: int | tuple[int, int]) -> bool:
    return key < position  # type: ignore[operator]  # keys of one source, one type


def _just_above(key: int | tuple[int, int]) -> int | tuple[int, int]:
    """The smallest position whose rows below include ``key``."""
    if isinstance(key, tuple):
        return (key[0], key[1] + 1)
    return key + 1


# Filters ------------------------------------------------------------------------------


def _event_filters(query: TrailQuery) -> tuple[str, list[object]]:
    where, params = "", []
    if query.mediator_id is not None:
        where += " AND mediator_id = ?"
        params.append(query.mediator_id)
    if query.since is not None:
        where += " AND at >= ?"
        params.append(_utc_text(query.since))
    if query.until is not None:
        where += " AND at < ?"
        params.append(_utc_text(query.until))
    return where, params


def _change_filters(query: TrailQuery) -> tuple[str, list[object]]:
    where, params = "", []
    if query.mediator_id is not None:
        where += " AND author = ?"
        params.append(query.mediator_id)
    if query.since is not None:
        where += " AND hlc >= ?"
        params.append(pack(_epoch_ms(query.since), 0))
    if query.until is not None:
        where += " AND hlc < ?"
        params.append(pack(_epoch_ms(query.until), 0))
    return where, params


def _as_moment(value: datetime | date) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.astimezone()  # local time
    return value.astimezone(UTC)


def _utc_text(value: datetime | date) -> str:
    """As ``utc_now`` writes a moment, so that text order is time order."""
    return _as_moment(value).isoformat(timespec="milliseconds")


def _epoch_ms(value: datetime | date) -> int:
    return int(_as_moment(value).timestamp() * 1000)


# One resident's trail -----------------------------------------------------------------


def _people(conn: sqlite3.Connection, resident_ids: Sequence[str]) -> list[str]:
    """The residents whose entries a resident's trail shows: the file each id is shown
    as, and the files merged into it. An erased resident has none."""
    people: list[str] = []
    for resident_id in resident_ids:
        shown = _shown(conn, resident_id)
        if shown is None:
            continue
        pending = [shown]
        while pending:
            current = pending.pop()
            if current in people:
                continue
            people.append(current)
            pending.extend(
                row[0]
                for row in conn.execute("SELECT id FROM resident WHERE merged_into = ?", (current,))
            )
    return people


def _shown(conn: sqlite3.Connection, resident_id: str) -> str | None:
    """The file ``resident_id`` is shown as (following merges); the id itself for a
    file no longer here, ``None`` for an erased one."""
    current, seen = resident_id, set()
    while current not in seen:
        seen.add(current)
        row = conn.execute("SELECT merged_into FROM resident WHERE id = ?", (current,)).fetchone()
        if row is None:
            break
        if row[0] is None:
            return current
        current = row[0]
    if current != resident_id:
        return current
    erased = _erased_residents(conn, [resident_id])
    return None if erased else resident_id


def _events_of(conn: sqlite3.Connection, people: list[str], query: TrailQuery) -> list[_Raw]:
    where, params = _event_filters(query)
    rows: list[_Raw] = []
    for chunk in _chunks(people):
        rows += (
            _event(*row)
            for row in conn.execute(
                "SELECT seq, at, mediator_id, action, resident_id, detail FROM audit_event "
                f"WHERE resident_id IN ({_marks(chunk)}){where}",
                (*chunk, *params),
            )
        )
    return rows


def _changes_of(conn: sqlite3.Connection, people: list[str], query: TrailQuery) -> list[_Raw]:
    """Every change of these residents' files and records, deleted records included."""
    records = [(RESIDENT_TABLE, person) for person in people]
    for table in RECORD_TABLES:
        for chunk in _chunks(people):
            records += (
                (table, row[0])
                for row in conn.execute(
                    f"SELECT id FROM {table} WHERE resident_id IN ({_marks(chunk)})", chunk
                )
            )
    from mediator_app.store.erasure import records_created_for  # it imports this module

    records += records_created_for(conn, people)
    where, params = _change_filters(query)
    by_table: dict[str, list[str]] = {}
    for table, row_id in dict.fromkeys(records):
        by_table.setdefault(table, []).append(row_id)
    rows: list[_Raw] = []
    for table, row_ids in by_table.items():
        for chunk in _chunks(row_ids):
            rows += (
                _change(*row)
                for row in conn.execute(
                    "SELECT id, hlc, table_name, row_id, op, data, author FROM change_log "
                    f"WHERE table_name = ? AND row_id IN ({_marks(chunk)}){where}",
                    (table, *chunk, *params),
                )
            )
    return _with_owners(conn, rows)


# Whose record -------------------------------------------------------------------------


def _with_owners(conn: sqlite3.Connection, rows: list[_Raw]) -> list[_Raw]:
    """Changes of records with the resident each is about; those about nobody (an
    anonymous visit) are left out."""
    owners = _owners(conn, [raw.record for raw in rows if raw.record])
    kept = []
    for raw in rows:
        if raw.record is not None:
            if raw.record not in owners:
                continue
            raw.resident_id = owners[raw.record]
        kept.append(raw)
    return kept


def _owners(
    conn: sqlite3.Connection, records: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str | None]:
    """The resident each record is about (``None`` once erased); records about nobody
    are left out. A record gone is looked up in its creation."""
    owners: dict[tuple[str, str], str | None] = {}
    by_table: dict[str, set[str]] = {}
    for table, row_id in records:
        by_table.setdefault(table, set()).add(row_id)
    for table, row_ids in by_table.items():
        if table not in RECORD_TABLES:
            continue
        missing = set(row_ids)
        for chunk in _chunks(sorted(row_ids)):
            for row_id, resident_id in conn.execute(
                f"SELECT id, resident_id FROM {table} WHERE id IN ({_marks(chunk)})", chunk
            ):
                missing.discard(row_id)
                if resident_id is not None:
                    owners[(table, row_id)] = resident_id
        for chunk in _chunks(sorted(missing)):
            created = dict(
                conn.execute(
                    "SELECT row_id, data FROM change_log WHERE table_name = ? "
                    f"AND row_id IN ({_marks(chunk)}) AND op = 'insert'",
                    (table, *chunk),
                ).fetchall()
            )
            for row_id in chunk:
                data = json.loads(created.get(row_id) or "{}")
                if not data:
                    owners[(table, row_id)] = None  # blanked by an erasure
                elif data.get("resident_id"):
                    owners[(table, row_id)] = data["resident_id"]
    return owners


def _erased_residents(conn: sqlite3.Connection, resident_ids: Sequence[str]) -> set[str]:
    """Which of these residents, no longer in the table, were erased: named by an
    erasure, or whose creation the erasure blanked."""
    erased: set[str] = set()
    for chunk in _chunks(list(resident_ids)):
        erased.update(
            row[0]
            for row in conn.execute(f"SELECT id FROM erasure WHERE id IN ({_marks(chunk)})", chunk)
        )
        kept = {
            row[0]
            for row in conn.execute(
                "SELECT row_id FROM change_log WHERE table_name = 'resident' "
                f"AND row_id IN ({_marks(chunk)}) AND op = 'insert' AND data != '{{}}'",
                chunk,
            )
        }
        erased.update(resident_id for resident_id in chunk if resident_id not in kept)
    return erased


# Entries ------------------------------------------------------------------------------


def _entries(conn: sqlite3.Connection, raws: list[_Raw]) -> list[TrailEntry]:
    mediators = dict(conn.execute("SELECT id, name FROM mediator").fetchall())
    residents = _residents(conn, {raw.resident_id for raw in raws if raw.resident_id})
    entries = []
    for raw in raws:
        state, name = residents.get(raw.resident_id, (ERASED, "")) if raw.resident_id else (
            ERASED, ""
        )  # fmt: skip
        entries.append(
            TrailEntry(
                at=_EPOCH + timedelta(milliseconds=raw.at_ms),
                action=raw.action,
                mediator_id=raw.mediator_id,
                mediator=mediators.get(raw.mediator_id, "") if raw.mediator_id else "",
                resident_id=None if state == ERASED else raw.resident_id,
                resident=name,
                resident_state=state,
                subject=raw.subject,
                fields=tuple(
                    name for name in json.loads(raw.data) if name not in _BOOKKEEPING_FIELDS
                ),
                detail=raw.detail,
            )
        )
    return entries


def _residents(conn: sqlite3.Connection, resident_ids: set[str]) -> dict[str, tuple[str, str]]:
    """``(state, full name)`` of each resident; the name only for one still present."""
    found: dict[str, tuple[str, str]] = {}
    ordered = sorted(resident_ids)
    for chunk in _chunks(ordered):
        for resident_id, first, last, anonymised_at in conn.execute(
            "SELECT id, first_name, last_name, anonymised_at FROM resident "
            f"WHERE id IN ({_marks(chunk)})",
            chunk,
        ):
            if anonymised_at:
                found[resident_id] = (ANONYMISED, "")
            else:
                found[resident_id] = (PRESENT, " ".join(part for part in (first, last) if part))
    missing = [resident_id for resident_id in ordered if resident_id not in found]
    erased = _erased_residents(conn, missing)
    for resident_id in missing:
        found[resident_id] = (ERASED, "") if resident_id in erased else (GONE, "")
    return found


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])
