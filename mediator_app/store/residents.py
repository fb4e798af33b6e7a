"""Residents: create, edit, find, detect probable duplicates, merge."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING

from mediator_app.domain.duplicates import DuplicateEvidence, DuplicateKeys, compare_keys
from mediator_app.domain.markers import N_
from mediator_app.domain.resident import Resident
from mediator_app.store import search
from mediator_app.store.errors import NotFoundError, StoreError

if TYPE_CHECKING:
    from mediator_app.store.changes import ChangeWriter
    from mediator_app.store.database import Store

_COLUMNS = ", ".join(f.name for f in fields(Resident))
_NO_EVIDENCE = DuplicateEvidence(False, False, False, False)
ANONYMISED_NOT_EDITABLE = N_(
    "This record was anonymised: it can no longer be changed. If the person comes back, "
    "create a new record."
)


@dataclass(frozen=True)
class ProbableDuplicate:
    resident: Resident
    evidence: DuplicateEvidence


@dataclass(frozen=True)
class ResidentRow:
    """What the resident list shows of one resident."""

    id: str
    first_name: str
    last_name: str
    birth_year: int | None
    commune: str
    last_activity: str | None


class Residents:
    """The residents of a store. Methods that write open their own transaction, or join
    the caller's ``store.write()``."""

    def __init__(self, store: Store):
        self._store = store

    def get(self, resident_id: str) -> Resident:
        cursor = self._store.conn.execute(
            f"SELECT {_COLUMNS} FROM resident WHERE id = ?", (resident_id,)
        )
        row = cursor.fetchone()
        if row is None:
            raise NotFoundError(id=resident_id)
        return Resident.from_row(dict(zip([c[0] for c in cursor.description], row, strict=True)))

    def create(self, resident: Resident, today: date | None = None) -> Resident:
        """Validate and save a new resident; raises ``ValidationError`` and saves nothing
        when the record is not right."""
        valid = resident.validated(today or date.today())
        with self._store.write() as writer:
            record = valid.to_record()
            if valid.id:
                record["id"] = valid.id
            resident_id = writer.insert("resident", record)
        return self.get(resident_id)

    def update(self, resident: Resident, today: date | None = None) -> Resident:
        """Save the edited fields of an existing resident (validated as on create)."""
        valid = resident.validated(today or date.today())
        if self.get(valid.id).is_anonymised:
            raise StoreError(ANONYMISED_NOT_EDITABLE)
        with self._store.write() as writer:
            writer.update("resident", valid.id, valid.to_record())
        return self.get(valid.id)

    def search(self, text: str, limit: int = 200) -> list[search.SearchHit]:
        return search.search(self._store.conn, text, limit)

    def count(self) -> int:
        """Residents shown in the list: merged records are not counted."""
        (total,) = self._store.conn.execute(
            "SELECT COUNT(*) FROM resident_index WHERE shown_id = resident_id"
        ).fetchone()
        return total

    def page(self, offset: int, limit: int) -> list[ResidentRow]:
        """A slice of the resident list in alphabetical order, for a lazy model."""
        # The page is cut on the index alone, so skipping rows costs no table reads.
        rows = self._store.conn.execute(
            "SELECT r.id, r.first_name, r.last_name, r.birth_year, r.commune, "
            "ri.last_activity FROM (SELECT resident_rowid, sort_key FROM resident_index "
            "INDEXED BY resident_index_by_sort_key WHERE shown_id = resident_id "
            "ORDER BY sort_key LIMIT ? OFFSET ?) AS page "
            "JOIN resident_index ri ON ri.resident_rowid = page.resident_rowid "
            "JOIN resident r ON r.id = ri.resident_id "
            "ORDER BY page.sort_key",
            (limit, offset),
        ).fetchall()
        return [ResidentRow(*row) for row in rows]

    def probable_duplicates(self, resident: Resident) -> list[ProbableDuplicate]:
        """Residents that La Coop's rule says may be ``resident`` (2 of 4 criteria),
        strongest evidence first; ``resident`` itself is left out when it has an id."""
        keys = DuplicateKeys.of(
            resident.first_name, resident.last_name, resident.phone, resident.email
        )
        best: dict[str, DuplicateEvidence] = {}
        for shown_id, candidate in search.probable_duplicate_candidates(
            self._store.conn,
            resident.first_name,
            resident.last_name,
            resident.phone,
            resident.email,
        ):
            if shown_id == resident.id:
                continue
            evidence = compare_keys(keys, candidate)
            if (
                evidence.is_probable_duplicate
                and evidence.score > best.get(shown_id, _NO_EVIDENCE).score
            ):
                best[shown_id] = evidence
        found = [
            ProbableDuplicate(self.get(shown_id), evidence) for shown_id, evidence in best.items()
        ]
        found.sort(key=lambda duplicate: -duplicate.evidence.score)
        return found

    def merge(self, source_id: str, target_id: str) -> Resident:
        """Merge ``source`` into ``target`` in one transaction.

        The target keeps its values and fills its gaps from the source; the source's
        sessions, skill assessments, goals and workshop registrations move to the target;
        the source stays as a pointer to the target, so a search for its name finds the
        target.
        """
        if source_id == target_id:
            raise StoreError(N_("A resident cannot be merged with itself."))
        source, target = self.get(source_id), self.get(target_id)
        if source.merged_into or target.merged_into:
            raise StoreError(N_("This resident has already been merged into another one."))
        if source.is_anonymised or target.is_anonymised:
            raise StoreError(ANONYMISED_NOT_EDITABLE)
        gaps = {
            name: value
            for name, value in source.to_record().items()
            if value not in ("", None, "non_communique")
            and getattr(target, name) in ("", None, "non_communique")
        }
        with self._store.write() as writer:
            if gaps:
                writer.update("resident", target_id, gaps)
            for table in ("support_session", "skill_assessment", "skill_goal"):
                for (row_id,) in self._store.conn.execute(
                    f"SELECT id FROM {table} WHERE resident_id = ?", (source_id,)
                ).fetchall():
                    writer.update(table, row_id, {"resident_id": target_id})
            self._move_registrations(writer, source_id, target_id)
            writer.update("resident", source_id, {"merged_into": target_id})
        return self.get(target_id)

    def erase(self, resident_id: str) -> None:
        """Erase a resident and everything about them, here and, through sync, on every
        desk of the centre (``store/erasure.py``). Cannot be undone."""
        from mediator_app.store.changes import utc_now

        target = self.shown(resident_id)
        with self._store.write() as writer:
            writer.insert("erasure", {"id": target, "erased_at": utc_now()})

    def _move_registrations(self, writer: ChangeWriter, source_id: str, target_id: str) -> None:
        """Workshop registrations follow the person. Where both records were registered
        to the same session, the target's registration stays, with the source's
        attendance filling its gaps, and the source's is removed."""
        conn = self._store.conn
        for row_id, occurrence_id, attendance, arrival in conn.execute(
            "SELECT id, occurrence_id, attendance, arrival_time FROM registration "
            "WHERE resident_id = ?",
            (source_id,),
        ).fetchall():
            existing = conn.execute(
                "SELECT id, attendance FROM registration "
                "WHERE occurrence_id = ? AND resident_id = ?",
                (occurrence_id, target_id),
            ).fetchone()
            if existing is None:
                writer.update("registration", row_id, {"resident_id": target_id})
                continue
            if existing[1] is None and attendance is not None:
                writer.update(
                    "registration", existing[0],
                    {"attendance": attendance, "arrival_time": arrival},
                )  # fmt: skip
            writer.delete("registration", row_id)

    def shown(self, resident_id: str) -> str:
        """The id under which a resident is shown: its merge target, if it was merged."""
        row = self._store.conn.execute(
            "SELECT shown_id FROM resident_index WHERE resident_id = ?", (resident_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(id=resident_id)
        return row[0]
