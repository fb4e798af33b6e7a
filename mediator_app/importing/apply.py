"""Writing a previewed import, and taking it back.

``apply_import`` writes a plan in one transaction through the one write path
(``Store.write()``): new rows become residents; a probable duplicate is skipped (the
default), created anyway ("keep both") or merged into whom it duplicates (the
existing record keeps its values and gets its empty fields filled, as La Coop's merge
does); invalid rows refuse the whole import unless they are skipped. The import log
(``import_log``, ``import_item``, local tables) records what each row became.

``undo_import`` takes a whole import back, in one transaction through the same path:
the residents it created are erased, and the fields it filled are emptied again. It
is refused, changing nothing, when a resident it created has been helped, registered,
assessed or merged since (the mediator's later work would go with it), or when a
resident it completed has been merged into another since (what the import filled in
has travelled with the merge and can no longer be told apart). A field the import
filled and someone edited since keeps the later value: it is no longer the import's.

The created residents are *erased* (``Residents.erase``), not merely deleted: the
erasure travels to the other desks of the centre and wins there over anything made
meanwhile, so the desks converge (a bare delete would meet, on a desk that logged a
session for one of them, a foreign key it cannot satisfy); and it blanks the imported
values in the change log, so nothing of a list imported by mistake stays behind or
leaves in a bundle. The price: a session another desk logged for an imported resident
before the undo reached it goes with that resident. Undo an import before the other
desks start working with it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from mediator_app.domain.ids import new_id
from mediator_app.domain.markers import N_
from mediator_app.domain.resident import Consent, Resident
from mediator_app.importing.errors import (
    AlreadyUndoneError,
    CompletedResidentsMergedError,
    ConsentError,
    ImportNotFoundError,
    InvalidRowsError,
    ResidentsInUseError,
    StalePlanError,
)
from mediator_app.importing.plan import ImportPlan, Match, Outcome, PlannedRow, Progress
from mediator_app.importing.plan import report_progress as _report
from mediator_app.store.changes import utc_now
from mediator_app.store.errors import NotFoundError

if TYPE_CHECKING:
    from mediator_app.store.database import Store

#: A field holding one of these is a gap a merge may fill (as ``Residents.merge``).
_EMPTY_VALUES = ("", None, "non_communique")
_CONSENT_FIELDS = ("consent_date", "consent_version", "consent_language", "consent_collected_by")
#: What a merge fills; consent only when the existing record has none (all four then).
_MERGED_FIELDS = tuple(name for name in Resident().to_record() if name not in _CONSENT_FIELDS)


class Action(StrEnum):
    SKIP = "skip"
    #: Create the resident, even when it may duplicate someone ("keep both").
    CREATE = "create"
    #: Fill the empty fields of whom the row duplicates; create nothing.
    MERGE = "merge"


@dataclass(frozen=True)
class Decision:
    """What to do with one row; ``target`` is the match a merge goes into (the
    strongest one when ``None``)."""

    action: Action
    target: Match | None = None


@dataclass(frozen=True)
class ImportResult:
    import_id: str
    created: int
    #: Rows that completed a record instead of making one: a resident of the desk, or
    #: the resident an earlier row of the file created.
    merged: int
    #: Rows left out by decision: probable duplicates, mostly.
    skipped: int
    invalid_skipped: int
    created_ids: tuple[str, ...] = ()
    merged_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportRecord:
    """One import of the log, as the history of imports lists it."""

    id: str
    file_name: str
    imported_at: str
    rows_total: int
    created: int
    merged: int
    skipped: int
    invalid: int
    undone_at: str | None


@dataclass(frozen=True)
class UndoResult:
    import_id: str
    #: Residents the import created, now erased.
    erased: int
    #: Residents the import completed, whose filled fields are empty again.
    restored: int
    #: Fields the import filled and someone edited since: they keep the later value.
    kept_fields: int
    #: Residents erased since the import: nothing was left to undo of them.
    gone: int


def check_consent(consent: Consent | None, today: date) -> Consent:
    """The consent statement, or ``ConsentError`` saying what is missing."""
    if consent is None:
        raise ConsentError()
    if not consent.collected_by.strip():
        raise ConsentError(
            N_("Say who collected the consent of the people on this list (a mediator's name).")
        )
    if consent.collected_on > today:
        raise ConsentError(
            N_("The date of consent %(date)s is in the future."),
            date=consent.collected_on.isoformat(),
        )
    if not consent.text_version.strip():
        raise ConsentError(N_("Say which version of the information text was shown."))
    return consent


def apply_import(
    store: Store,
    plan: ImportPlan,
    consent: Consent | None,
    *,
    decisions: Mapping[int, Action | Decision] | None = None,
    duplicates: Action = Action.SKIP,
    skip_invalid: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Write ``plan`` in one transaction; a failure or a cancel writes nothing.

    ``decisions`` (by row number) override the defaults: new rows are created,
    probable duplicates get ``duplicates`` (skipped unless told), invalid rows refuse
    the import (``InvalidRowsError``) unless ``skip_invalid`` or a ``SKIP`` decision.
    Raises ``ConsentError`` without a complete consent statement, ``StalePlanError`` when
    a resident to complete is gone, ``ImportCancelled`` when ``progress`` says stop.
    """
    today = today or date.today()
    consent = check_consent(consent, today)
    consent_fields = consent.as_fields()
    given = decisions or {}
    chosen = {row.number: _decision(row, given.get(row.number), duplicates) for row in plan.rows}
    refused = [
        row.number
        for row in plan.rows
        if row.outcome is Outcome.INVALID
        and not skip_invalid
        and (row.number not in given or chosen[row.number].action is not Action.SKIP)
    ]
    if refused:
        raise InvalidRowsError(len(refused), rows=refused)

    writes = _Writes(store)
    for row in plan.rows:
        decision = chosen[row.number]
        if row.outcome is Outcome.INVALID or decision.action is Action.SKIP:
            writes.skip(row, invalid=row.outcome is Outcome.INVALID)
        elif decision.action is Action.CREATE:
            writes.create(row, {**row.resident.to_record(), **consent_fields})
        else:
            writes.merge(row, decision.target or row.matches[0], consent_fields)

    import_id = new_id()
    total = len(writes.created) + len(writes.fills)
    created_ids: list[str] = []
    with store.write() as writer:
        store.conn.execute(
            "INSERT INTO import_log (id, file_name, imported_at, tx_id, mediator_id, "
            "rows_total, created, merged, skipped, invalid, consent_date, "
            "consent_collected_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                import_id, PurePath(plan.file_name).name, utc_now(), writer.tx_id,
                store.mediator_id, len(plan.rows), len(writes.created), writes.merged_rows,
                writes.skipped, writes.invalid_skipped, consent_fields["consent_date"],
                consent.collected_by,
            ),
        )  # fmt: skip
        items: list[tuple[str, int, str, str, str | None]] = []
        done = 0
        for row_number, record in writes.created.items():
            resident_id = writer.insert("resident", record)
            created_ids.append(resident_id)
            items.append((import_id, row_number, resident_id, "created", None))
            done += 1
            _report(progress, done, total)
        for resident_id, values in writes.fills.items():
            writer.update("resident", resident_id, values)
            done += 1
            _report(progress, done, total)
        items.extend(
            (import_id, row_number, resident_id, "merged", json.dumps(before))
            for row_number, resident_id, before in writes.merged
        )
        store.conn.executemany(
            "INSERT INTO import_item (import_id, row_number, resident_id, action, filled) "
            "VALUES (?, ?, ?, ?, ?)",
            items,
        )
        _report(progress, total, total)
    return ImportResult(
        import_id=import_id,
        created=len(writes.created),
        merged=writes.merged_rows,
        skipped=writes.skipped,
        invalid_skipped=writes.invalid_skipped,
        created_ids=tuple(created_ids),
        merged_ids=tuple(dict.fromkeys(resident for _row, resident, _before in writes.merged)),
    )


def _decision(row: PlannedRow, given: Action | Decision | None, duplicates: Action) -> Decision:
    if given is None:
        default = duplicates if row.outcome is Outcome.DUPLICATE else Action.CREATE
        return Decision(Action.SKIP if row.outcome is Outcome.INVALID else default)
    decision = given if isinstance(given, Decision) else Decision(Action(given))
    if decision.action is Action.MERGE:
        if not row.matches:
            raise ValueError(f"row {row.number} duplicates no one: it cannot be merged")
        if decision.target is not None and decision.target not in row.matches:
            raise ValueError(f"row {row.number} does not duplicate {decision.target}")
    return decision


class _Writes:
    """What the import will write, worked out before the transaction opens: records to
    create (by row), fields to fill (by resident), and what each row became."""

    def __init__(self, store: Store):
        self._store = store
        self.created: dict[int, dict[str, Any]] = {}
        self.fills: dict[str, dict[str, Any]] = {}
        #: ``(row number, resident id, {field: value before})`` of each merged row.
        self.merged: list[tuple[int, str, dict[str, Any]]] = []
        #: Rows merged into an earlier row of the file that is created.
        self.joined = 0
        self.skipped = 0
        self.invalid_skipped = 0
        #: Row number → the resident id it was merged into, or ``None`` for a row
        #: skipped; and row number → the created row it was merged into.
        self._merged_into: dict[int, str | None] = {}
        self._joined: dict[int, int] = {}
        self._current: dict[str, dict[str, Any]] = {}

    @property
    def merged_rows(self) -> int:
        return len(self.merged) + self.joined

    def skip(self, row: PlannedRow, *, invalid: bool) -> None:
        self._merged_into[row.number] = None
        if invalid:
            self.invalid_skipped += 1
        else:
            self.skipped += 1

    def create(self, row: PlannedRow, record: dict[str, Any]) -> None:
        self.created[row.number] = record

    def merge(self, row: PlannedRow, target: Match, consent: dict[str, str]) -> None:
        incoming = row.resident.to_record()
        if target.row_number is not None:
            number = self._joined.get(target.row_number, target.row_number)
            if number in self.created:
                record = self.created[number]
                record.update(_gaps(record, incoming))
                self._joined[row.number] = number
                self.joined += 1
                return
            resident_id = self._merged_into.get(number)
            if resident_id is None:  # merged into a row left out: left out as well
                self.skip(row, invalid=False)
                return
        else:
            assert target.resident_id is not None
            resident_id = self._resolved(target.resident_id)
        current = self._current_of(resident_id)
        gaps = _gaps(current, incoming)
        if not current.get("consent_date"):
            gaps.update(consent)
        before = {name: current.get(name) for name in gaps}
        current.update(gaps)
        self.fills.setdefault(resident_id, {}).update(gaps)
        self.merged.append((row.number, resident_id, before))
        self._merged_into[row.number] = resident_id

    def _resolved(self, resident_id: str) -> str:
        """The resident shown for ``resident_id`` now (merged since: its target)."""
        try:
            return self._store.residents.shown(resident_id)
        except NotFoundError:
            raise StalePlanError() from None

    def _current_of(self, resident_id: str) -> dict[str, Any]:
        if resident_id not in self._current:
            try:
                resident = self._store.residents.get(resident_id)
            except NotFoundError:
                raise StalePlanError() from None
            self._current[resident_id] = {
                **resident.to_record(),
                **{name: getattr(resident, name) for name in _CONSENT_FIELDS},
            }
        return self._current[resident_id]


def _gaps(current: Mapping[str, Any], incoming: Mapping[str, Any]) -> dict[str, Any]:
    """The incoming values that fill an empty field of ``current``."""
    return {
        name: incoming[name]
        for name in _MERGED_FIELDS
        if incoming.get(name) not in _EMPTY_VALUES and current.get(name) in _EMPTY_VALUES
    }


def import_history(store: Store) -> list[ImportRecord]:
    """The imports made on this desk, the latest first."""
    return [
        ImportRecord(*row)
        for row in store.conn.execute(
            "SELECT id, file_name, imported_at, rows_total, created, merged, skipped, "
            "invalid, undone_at FROM import_log ORDER BY imported_at DESC, id DESC"
        )
    ]


def undo_import(store: Store, import_id: str, *, progress: Progress | None = None) -> UndoResult:
    """Take back a whole import in one transaction (see the module's note for when it
    is refused; a refusal changes nothing)."""
    conn = store.conn
    found = conn.execute(
        "SELECT tx_id, undone_at FROM import_log WHERE id = ?", (import_id,)
    ).fetchone()
    if found is None:
        raise ImportNotFoundError(id=import_id)
    tx_id, undone_at = found
    if undone_at:
        raise AlreadyUndoneError(id=import_id)

    (in_use,) = conn.execute(
        "SELECT COUNT(*) FROM import_item i JOIN resident r ON r.id = i.resident_id "
        "WHERE i.import_id = ? AND i.action = 'created' AND ("
        " r.merged_into IS NOT NULL"
        " OR EXISTS (SELECT 1 FROM support_session s WHERE s.resident_id = i.resident_id)"
        " OR EXISTS (SELECT 1 FROM registration g WHERE g.resident_id = i.resident_id)"
        " OR EXISTS (SELECT 1 FROM skill_assessment a WHERE a.resident_id = i.resident_id)"
        " OR EXISTS (SELECT 1 FROM skill_goal o WHERE o.resident_id = i.resident_id)"
        " OR i.resident_id IN (SELECT merged_into FROM resident WHERE merged_into IS NOT NULL))",
        (import_id,),
    ).fetchone()
    if in_use:
        raise ResidentsInUseError(in_use)
    created = [
        resident_id
        for (resident_id,) in conn.execute(
            "SELECT i.resident_id FROM import_item i JOIN resident r ON r.id = i.resident_id "
            "WHERE i.import_id = ? AND i.action = 'created' ORDER BY i.row_number",
            (import_id,),
        )
    ]
    (created_total,) = conn.execute(
        "SELECT COUNT(*) FROM import_item WHERE import_id = ? AND action = 'created'",
        (import_id,),
    ).fetchone()

    restores: dict[str, dict[str, Any]] = {}
    kept_fields = merged_since = gone = 0
    for resident_id, filled in conn.execute(
        "SELECT resident_id, filled FROM import_item WHERE import_id = ? "
        "AND action = 'merged' ORDER BY row_number",
        (import_id,),
    ).fetchall():
        row = conn.execute(
            "SELECT merged_into FROM resident WHERE id = ?", (resident_id,)
        ).fetchone()
        if row is None:
            gone += 1
            continue
        if row[0] is not None:
            merged_since += 1
            continue
        edited = _fields_changed_since(store, resident_id, tx_id)
        before: dict[str, Any] = json.loads(filled or "{}")
        kept_fields += sum(1 for name in before if name in edited)
        restores.setdefault(resident_id, {}).update(
            {name: value for name, value in before.items() if name not in edited}
        )
    if merged_since:
        raise CompletedResidentsMergedError(merged_since)

    total = len(created) + len(restores)
    done = 0
    with store.write() as writer:
        for resident_id in reversed(created):
            store.residents.erase(resident_id)
            done += 1
            _report(progress, done, total)
        for resident_id, values in restores.items():
            if values:
                writer.update("resident", resident_id, values)
            done += 1
            _report(progress, done, total)
        conn.execute(
            "UPDATE import_log SET undone_at = ?, undo_tx_id = ? WHERE id = ?",
            (utc_now(), writer.tx_id, import_id),
        )
    return UndoResult(
        import_id=import_id,
        erased=len(created),
        restored=sum(1 for values in restores.values() if values),
        kept_fields=kept_fields,
        gone=gone + created_total - len(created),
    )


def _fields_changed_since(store: Store, resident_id: str, tx_id: str) -> set[str]:
    """The fields of a resident that a change logged after transaction ``tx_id`` set
    (an edit here, or one received from another desk)."""
    changed: set[str] = set()
    seen_import = False
    for change_tx, data in store.conn.execute(
        "SELECT tx_id, data FROM change_log WHERE table_name = 'resident' AND row_id = ? "
        "ORDER BY id",
        (resident_id,),
    ):
        if change_tx == tx_id:
            seen_import, changed = True, set()
        elif seen_import:
            changed.update(json.loads(data))
    return changed
