"""Headless import of residents from a centre's spreadsheet, its undo, and the history
of imports. The preview is always printed first; nothing is written with ``--dry-run``
or when a row is invalid (unless ``--skip-invalid``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TextIO

from mediator_app.i18n import _, ngettext

EXIT_OK = 0
EXIT_REFUSED = 2

_DUPLICATE_ACTIONS = {"skip": "skip", "keep-both": "create", "merge": "merge"}


def add_import_commands(
    subparsers: argparse._SubParsersAction,
    add_db_option: Callable[[argparse.ArgumentParser], None],
) -> None:
    from mediator_app.cli import _iso_date

    imported = subparsers.add_parser(
        "import-residents",
        help=_("Import residents from a spreadsheet (CSV or XLSX), after a preview."),
    )
    add_db_option(imported)
    imported.add_argument("file", type=Path, metavar="FILE")
    imported.add_argument(
        "--mapping",
        default="auto",
        metavar="auto|FILE.json",
        help=_("Which column holds which field: guessed from the headers, or a saved mapping."),
    )
    imported.add_argument(
        "--save-mapping",
        type=Path,
        metavar="FILE.json",
        help=_("Write the mapping used to this file, to correct it and use it again."),
    )
    imported.add_argument(
        "--sheet", help=_("The sheet of a workbook to read (the residents' sheet by default).")
    )
    imported.add_argument(
        "--dry-run", action="store_true", help=_("Print the preview only: write nothing.")
    )
    imported.add_argument(
        "--skip-invalid",
        action="store_true",
        help=_("Import the valid rows and leave the invalid ones out."),
    )
    imported.add_argument(
        "--duplicates",
        choices=sorted(_DUPLICATE_ACTIONS),
        default="skip",
        help=_(
            "Probable duplicates: skip them (the default), import them as well "
            "(keep-both), or fill the empty fields of the existing record (merge)."
        ),
    )
    imported.add_argument(
        "--consent-date",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help=_(
            "The date on which the centre collected the consent of the people on the "
            "list: giving it confirms that it did. Needed to import."
        ),
    )
    imported.add_argument(
        "--consent-by",
        metavar="NAME",
        help=_("Who collected the consent (the desk's usual mediator by default)."),
    )
    imported.add_argument(
        "--consent-language",
        metavar="LANG",
        help=_("The language of the information text shown (the desk's by default)."),
    )
    imported.set_defaults(command=import_residents)

    undo = subparsers.add_parser(
        "undo-import",
        help=_(
            "Undo a whole import of residents made on this desk: the residents it created "
            "are erased, on every desk of the centre."
        ),
    )
    add_db_option(undo)
    undo.add_argument("import_id", metavar="IMPORT_ID")
    undo.set_defaults(command=undo_residents_import)

    history = subparsers.add_parser(
        "import-history",
        help=_("List the imports of residents made on this desk, the latest first."),
    )
    add_db_option(history)
    history.set_defaults(command=list_imports)


def _opened(path: Path):
    from mediator_app.cli import _opened as opened

    return opened(path)


def import_residents(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Read, map, preview; then, unless told not to or refused, import."""
    from mediator_app.domain.consent import load_consent_texts
    from mediator_app.domain.resident import Consent
    from mediator_app.importing import describe
    from mediator_app.importing.apply import Action, apply_import, check_consent
    from mediator_app.importing.errors import ConsentError
    from mediator_app.importing.mapping import guess_mapping, load_mapping, save_mapping
    from mediator_app.importing.plan import Outcome, preview
    from mediator_app.importing.reading import read_table
    from mediator_app.paths import consent_texts_dir
    from mediator_app.store.mediators import find_mediator

    if not args.dry_run and args.consent_date is None:
        err.write(_("Error: %(message)s") % {"message": ConsentError().render(_)} + "\n")
        err.write(
            _(
                "Give it with --consent-date YYYY-MM-DD (and --consent-by NAME), or look at "
                "the preview first with --dry-run."
            )
            + "\n"
        )
        return EXIT_REFUSED
    table = read_table(args.file, args.sheet)
    guess = None
    if args.mapping == "auto":
        guess = guess_mapping(table.headers)
        mapping = guess.mapping
    else:
        mapping = load_mapping(Path(args.mapping), table.headers)
    out.write(describe.file_line(table) + "\n")
    for line in describe.column_lines(table, mapping, guess):
        out.write(line + "\n")
    if args.save_mapping is not None:
        save_mapping(args.save_mapping, mapping, table.headers)
        out.write(_("Mapping written to %(path)s.") % {"path": args.save_mapping} + "\n")

    with _opened(args.db) as store:
        consent = None
        if not args.dry_run:
            desk = store.desk
            mediator = find_mediator(store, desk.mediator_id) if desk and desk.mediator_id else None
            consent = check_consent(
                Consent(
                    collected_on=args.consent_date,
                    collected_by=args.consent_by or (mediator.name if mediator else ""),
                    language=args.consent_language or (desk.language if desk else ""),
                    # The information text in force when the centre collected it.
                    text_version=load_consent_texts(consent_texts_dir())
                    .current(args.consent_date)
                    .version,
                ),
                date.today(),
            )
        progress = _progress_printer(err)
        plan = preview(store, table, mapping, progress=progress)
        counts = plan.counts
        action = Action(_DUPLICATE_ACTIONS[args.duplicates])
        out.write(describe.counts_line(counts) + "\n")
        reduced = describe.dates_reduced_line(counts)
        if reduced:
            out.write(reduced + "\n")
        for row in plan.rows:
            if row.outcome is Outcome.INVALID:
                for line in describe.reason_lines(plan, row):
                    out.write(line + "\n")
            elif row.outcome is Outcome.DUPLICATE:
                out.write(describe.duplicate_line(row, action) + "\n")
        if counts.invalid and not args.skip_invalid:
            err.write(
                ngettext(
                    "%(count)s row is invalid: nothing is imported. Correct it in the file, "
                    "or leave it out with --skip-invalid.",
                    "%(count)s rows are invalid: nothing is imported. Correct them in the "
                    "file, or leave them out with --skip-invalid.",
                    counts.invalid,
                )
                % {"count": counts.invalid}
                + "\n"
            )
            return EXIT_REFUSED
        if args.dry_run:
            out.write(_("Dry run: nothing was written.") + "\n")
            return EXIT_OK
        result = apply_import(
            store,
            plan,
            consent,
            duplicates=action,
            skip_invalid=args.skip_invalid,
            progress=progress,
        )
    out.write(describe.result_line(result) + "\n")
    out.write(
        _("To undo this whole import: python main.py undo-import %(id)s") % {"id": result.import_id}
        + "\n"
    )
    return EXIT_OK


def undo_residents_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mediator_app.importing.apply import undo_import
    from mediator_app.importing.describe import undo_lines

    with _opened(args.db) as store:
        result = undo_import(store, args.import_id, progress=_progress_printer(err))
    for line in undo_lines(result):
        out.write(line + "\n")
    return EXIT_OK


def list_imports(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """One line per import: id, time (UTC), file, rows, created, completed, skipped,
    invalid, and when it was undone (empty if it was not), tab-separated."""
    from mediator_app.importing.apply import import_history

    with _opened(args.db) as store:
        records = import_history(store)
    for record in records:
        cells = (
            record.id, record.imported_at, record.file_name, record.rows_total,
            record.created, record.merged, record.skipped, record.invalid,
            record.undone_at or "",
        )  # fmt: skip
        out.write("\t".join(str(cell) for cell in cells) + "\n")
    return EXIT_OK


def _progress_printer(err: TextIO) -> Callable[[int, int], bool] | None:
    """The percentage on the terminal; nothing when the output goes to a file or a
    script."""
    from mediator_app.cli import _ProgressPrinter

    isatty = getattr(err, "isatty", None)
    return _ProgressPrinter(err) if isatty is not None and isatty() else None
