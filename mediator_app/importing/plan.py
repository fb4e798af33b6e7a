"""The preview: what the import would do with every row, before anything is written.

Each row is *new*, a *probable duplicate* (of a resident already on the desk, by La
Coop's rule, or of an earlier row of the same file), or *invalid* with its reasons.
Nothing is written; the plan is then applied (``apply.apply_import``) with the
mediator's decisions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from mediator_app.domain.duplicates import DuplicateEvidence, DuplicateKeys
from mediator_app.domain.resident import Resident
from mediator_app.domain.validation import Problem
from mediator_app.importing.errors import ImportCancelled
from mediator_app.importing.mapping import check_mapping, is_lacoop_template
from mediator_app.importing.matching import DuplicateFinder
from mediator_app.importing.reading import Table
from mediator_app.importing.rows import candidate_from_row

if TYPE_CHECKING:
    from mediator_app.store.database import Store

#: ``(done, total) -> keep_going``: called as rows are previewed or written; returning
#: ``False`` cancels, and nothing is written.
Progress = Callable[[int, int], bool]

#: Rows between two calls of the progress callback.
PROGRESS_EVERY_ROWS = 200


class Outcome(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    INVALID = "invalid"


@dataclass(frozen=True)
class Match:
    """Whom a row may duplicate: a resident of the desk (``resident_id``) or an earlier
    row of the file (``row_number``), with the evidence of La Coop's rule."""

    evidence: DuplicateEvidence
    resident_id: str | None = None
    row_number: int | None = None
    #: What the preview shows of them: the resident's full name and year of birth.
    name: str = ""
    birth_year: int | None = None


@dataclass(frozen=True)
class PlannedRow:
    number: int
    resident: Resident
    outcome: Outcome
    problems: Mapping[str, Problem] = field(default_factory=dict)
    matches: tuple[Match, ...] = ()
    birth_date_reduced: bool = False


@dataclass(frozen=True)
class PlanCounts:
    new: int
    duplicates: int
    invalid: int
    #: Rows whose full date of birth is reduced to its year.
    dates_reduced: int

    @property
    def total(self) -> int:
        return self.new + self.duplicates + self.invalid


@dataclass(frozen=True)
class ImportPlan:
    """Every row's outcome; ``rows`` in the file's order."""

    file_name: str
    headers: tuple[str, ...]
    mapping: Mapping[int, str]
    rows: tuple[PlannedRow, ...]
    #: "lacoop" when the file is La Coop's beneficiary template.
    template: str | None = None
    made_on: date = field(default_factory=date.today)

    @property
    def counts(self) -> PlanCounts:
        outcomes = [row.outcome for row in self.rows]
        return PlanCounts(
            new=outcomes.count(Outcome.NEW),
            duplicates=outcomes.count(Outcome.DUPLICATE),
            invalid=outcomes.count(Outcome.INVALID),
            dates_reduced=sum(row.birth_date_reduced for row in self.rows),
        )

    def row(self, number: int) -> PlannedRow:
        """The row the spreadsheet numbers ``number``; raises ``KeyError``."""
        return self._by_number[number]

    @cached_property
    def _by_number(self) -> dict[int, PlannedRow]:
        return {planned.number: planned for planned in self.rows}

    def with_outcome(self, outcome: Outcome) -> list[PlannedRow]:
        return [row for row in self.rows if row.outcome == outcome]


def preview(
    store: Store,
    table: Table,
    mapping: Mapping[int, str],
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """What importing ``table`` under ``mapping`` would do; writes nothing.

    Raises ``MappingError`` for a mapping that cannot be used and ``ImportCancelled``
    when ``progress`` returns ``False``.
    """
    check_mapping(mapping, table.column_count)
    today = today or date.today()
    desk = store.desk
    country = desk.country if desk else ""
    existing = DuplicateFinder.of_store(store)
    earlier: DuplicateFinder[int] = DuplicateFinder()
    total = len(table.rows)
    planned: list[PlannedRow] = []
    for done, row in enumerate(table.rows, start=1):
        candidate = candidate_from_row(row, mapping, today=today, country=country)
        if not candidate.valid:
            planned.append(
                PlannedRow(row.number, candidate.resident, Outcome.INVALID, candidate.problems)
            )
        else:
            resident = candidate.resident
            keys = DuplicateKeys.of(
                resident.first_name, resident.last_name, resident.phone, resident.email
            )
            matches = [
                Match(found.evidence, resident_id=found.owner) for found in existing.find(keys)
            ] + [Match(found.evidence, row_number=found.owner) for found in earlier.find(keys)]
            earlier.add(keys, row.number)
            planned.append(
                PlannedRow(
                    row.number,
                    resident,
                    Outcome.DUPLICATE if matches else Outcome.NEW,
                    matches=tuple(matches),
                    birth_date_reduced=candidate.birth_date_reduced,
                )
            )
        report_progress(progress, done, total)
    return ImportPlan(
        file_name=table.file_name,
        headers=table.headers,
        mapping=dict(mapping),
        rows=tuple(_named(store, planned)),
        template="lacoop" if is_lacoop_template(table.headers) else None,
        made_on=today,
    )


def report_progress(progress: Progress | None, done: int, total: int) -> None:
    """Call ``progress`` every ``PROGRESS_EVERY_ROWS`` and at the end; raise
    ``ImportCancelled`` when it says to stop."""
    if progress is None or (done % PROGRESS_EVERY_ROWS and done != total):
        return
    if not progress(done, total):
        raise ImportCancelled()


def _named(store: Store, planned: Sequence[PlannedRow]) -> list[PlannedRow]:
    """The rows with the names of the residents and rows they may duplicate."""
    wanted = sorted({m.resident_id for row in planned for m in row.matches if m.resident_id})
    names: dict[str, tuple[str, int | None]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        placeholders = ", ".join("?" for _ in chunk)
        for resident_id, first, last, year in store.conn.execute(
            "SELECT id, first_name, last_name, birth_year FROM resident "
            f"WHERE id IN ({placeholders})",
            chunk,
        ):
            names[resident_id] = (" ".join(part for part in (first, last) if part), year)
    by_number: dict[int | None, Resident] = {row.number: row.resident for row in planned}
    named: list[PlannedRow] = []
    for row in planned:
        if not row.matches:
            named.append(row)
            continue
        matches = []
        for match in row.matches:
            if match.resident_id is not None:
                name, year = names.get(match.resident_id, ("", None))
            else:
                other = by_number[match.row_number]
                name, year = other.full_name, other.birth_year
            matches.append(Match(match.evidence, match.resident_id, match.row_number, name, year))
        named.append(
            PlannedRow(
                row.number, row.resident, row.outcome, row.problems, tuple(matches),
                row.birth_date_reduced,
            )
        )  # fmt: skip
    return named
