"""The sentences an import is told in, on the command line and in the window: the
file read, the columns, the preview's counts and reasons, the result, the undo.
Translated in the language of the moment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from babel.lists import format_list

from mediator_app.domain.duplicates import DuplicateEvidence
from mediator_app.domain.markers import N_
from mediator_app.i18n import _, babel_locale, format_number, ngettext
from mediator_app.importing.apply import Action, ImportResult, UndoResult
from mediator_app.importing.mapping import FIELD_LABELS, MappingGuess, column_letter
from mediator_app.importing.plan import ImportPlan, Match, Outcome, PlanCounts, PlannedRow
from mediator_app.importing.reading import Table

_SEPARATOR_NAMES = {
    ";": N_("semicolons"),
    ",": N_("commas"),
    "\t": N_("tabs"),
    "|": N_("vertical bars"),
}
_EVIDENCE_WORDS = (
    ("last_name", N_("last name")),
    ("first_name", N_("first name")),
    ("phone", N_("phone")),
    ("email", N_("e-mail")),
)
_WHAT_HAPPENS = {
    Action.SKIP: N_("It will be skipped."),
    Action.CREATE: N_("It will be imported as well."),
    Action.MERGE: N_("It will fill the empty fields of that record."),
}


def file_line(table: Table) -> str:
    if table.kind == "csv":
        return _(
            "Read %(name)s: a text file in %(encoding)s, columns separated by %(separator)s."
        ) % {
            "name": table.file_name,
            "encoding": table.encoding,
            "separator": _(_SEPARATOR_NAMES.get(table.separator, table.separator)),
        }
    return _("Read %(name)s: the sheet %(sheet)s.") % {
        "name": table.file_name,
        "sheet": table.sheet_name,
    }


def column_lines(table: Table, mapping: Mapping[int, str], guess: MappingGuess | None) -> list[str]:
    """One line per column: its letter, its header and the field it goes to."""
    lines = [_("Columns (headers on row %(row)s):") % {"row": table.header_row}]
    if guess is not None and guess.template == "lacoop":
        lines.insert(0, _("This is La Coop's beneficiary template."))
    for index, header in enumerate(table.headers):
        field = mapping.get(index)
        target = _(FIELD_LABELS[field]) if field else _("not imported")
        lines.append(
            "  "
            + _("%(column)s %(header)s → %(field)s")
            % {"column": column_letter(index), "header": header or "—", "field": target}
        )
    return lines


def counts_line(counts: PlanCounts) -> str:
    return _("%(rows)s: %(new)s, %(duplicates)s, %(invalid)s.") % {
        "rows": ngettext("%(count)s row", "%(count)s rows", counts.total)
        % {"count": format_number(counts.total)},
        "new": ngettext("%(count)s new resident", "%(count)s new residents", counts.new)
        % {"count": format_number(counts.new)},
        "duplicates": ngettext(
            "%(count)s probable duplicate", "%(count)s probable duplicates", counts.duplicates
        )
        % {"count": format_number(counts.duplicates)},
        "invalid": ngettext("%(count)s invalid row", "%(count)s invalid rows", counts.invalid)
        % {"count": format_number(counts.invalid)},
    }


def dates_reduced_line(counts: PlanCounts) -> str | None:
    if not counts.dates_reduced:
        return None
    return ngettext(
        "The date of birth of %(count)s row is reduced to its year: only the year is kept.",
        "The dates of birth of %(count)s rows are reduced to their year: only the year is kept.",
        counts.dates_reduced,
    ) % {"count": format_number(counts.dates_reduced)}


def reason_lines(plan: ImportPlan, row: PlannedRow) -> list[str]:
    """Why an invalid row cannot be imported: one line per problem, naming the column."""
    lines = []
    for field, problem in row.problems.items():
        columns = [index for index, target in plan.mapping.items() if target == field]
        reason = problem.render(_)
        if columns:
            where = ", ".join(
                f"{column_letter(index)} ({plan.headers[index] or '—'})" for index in columns
            )
            lines.append(
                _("Row %(row)s, column %(column)s: %(reason)s")
                % {"row": row.number, "column": where, "reason": reason}
            )
        else:
            lines.append(_("Row %(row)s: %(reason)s") % {"row": row.number, "reason": reason})
    return lines


def duplicate_line(row: PlannedRow, action: Action, target: Match | None = None) -> str:
    """Whom a probable duplicate may be, on what evidence, and what will happen."""
    match = target or row.matches[0]
    return " ".join(
        (
            _("Row %(row)s may be %(who)s (same %(evidence)s).")
            % {"row": row.number, "who": who(match), "evidence": evidence_text(match.evidence)},
            _(_WHAT_HAPPENS[action]),
        )
    )


def who(match: Match) -> str:
    name = match.name or "—"
    if match.row_number is not None:
        return _("row %(row)s, %(name)s") % {"row": match.row_number, "name": name}
    if match.birth_year is not None:
        return _("%(name)s, born in %(year)s") % {"name": name, "year": match.birth_year}
    return name


def evidence_text(evidence: DuplicateEvidence) -> str:
    words = [_(label) for name, label in _EVIDENCE_WORDS if getattr(evidence, name)]
    return format_list(words, locale=babel_locale())


def outcome_label(outcome: Outcome) -> str:
    labels = {
        Outcome.NEW: N_("New"),
        Outcome.DUPLICATE: N_("Probable duplicate"),
        Outcome.INVALID: N_("Invalid"),
    }
    return _(labels[outcome])


def result_line(result: ImportResult) -> str:
    return _("Import %(id)s done: %(created)s, %(merged)s, %(skipped)s.") % {
        "id": result.import_id,
        "created": ngettext(
            "%(count)s resident created", "%(count)s residents created", result.created
        )
        % {"count": format_number(result.created)},
        "merged": ngettext(
            "%(count)s resident completed", "%(count)s residents completed", result.merged
        )
        % {"count": format_number(result.merged)},
        "skipped": ngettext(
            "%(count)s row skipped",
            "%(count)s rows skipped",
            result.skipped + result.invalid_skipped,
        )
        % {"count": format_number(result.skipped + result.invalid_skipped)},
    }


def undo_lines(result: UndoResult) -> Sequence[str]:
    lines = [
        _("Import %(id)s undone: %(erased)s, %(restored)s.")
        % {
            "id": result.import_id,
            "erased": ngettext(
                "%(count)s resident erased", "%(count)s residents erased", result.erased
            )
            % {"count": format_number(result.erased)},
            "restored": ngettext(
                "%(count)s resident restored as before",
                "%(count)s residents restored as before",
                result.restored,
            )
            % {"count": format_number(result.restored)},
        }
    ]
    if result.kept_fields:
        lines.append(
            ngettext(
                "%(count)s field edited since the import keeps its later value.",
                "%(count)s fields edited since the import keep their later value.",
                result.kept_fields,
            )
            % {"count": format_number(result.kept_fields)}
        )
    if result.gone:
        lines.append(
            ngettext(
                "%(count)s resident had been erased since: nothing was left to undo.",
                "%(count)s residents had been erased since: nothing was left to undo.",
                result.gone,
            )
            % {"count": format_number(result.gone)}
        )
    return lines
