"""Headless commands behind ``python main.py SUBCOMMAND``, for coordinators' scripts,
benchmarks and tests. None of them needs a screen; each prints a clear error and exits
non-zero on bad input."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TextIO

from mediator_app import paths
from mediator_app.domain.validation import MessageError
from mediator_app.domain.workshop import DEFAULT_BLANK_ROWS
from mediator_app.i18n import PARTNER_LANGUAGES, _, format_number, ngettext
from mediator_app.store import Store
from mediator_app.store.unlocking import Credentials, open_with

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Declare the headless commands on the application's argument parser."""
    demo = subparsers.add_parser(
        "demo-data", help=_("Fill a database with a realistic synthetic centre.")
    )
    # Demo data never goes into the usual database by accident: the file is named.
    _add_db_option(demo, required=True)
    demo.add_argument("--residents", type=_positive_int, default=400)
    demo.add_argument("--sessions", type=_positive_int, default=3000)
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(command=demo_data)

    search = subparsers.add_parser(
        "search", help=_("Print the residents whose names match a query.")
    )
    _add_db_option(search)
    search.add_argument("query", help=_("Part of a first or last name."))
    search.add_argument("--limit", type=_positive_int, default=50)
    search.set_defaults(command=search_residents)

    sheet = subparsers.add_parser(
        "sheet", help=_("Print attendance sheets of workshops to a PDF file.")
    )
    _add_db_option(sheet)
    which = sheet.add_mutually_exclusive_group(required=True)
    which.add_argument("--occurrence", metavar="ID", help=_("The session to print."))
    which.add_argument("--next", action="store_true", help=_("The next session to come."))
    which.add_argument("--series", metavar="ID", help=_("Every session of a series."))
    which.add_argument(
        "--week", type=_iso_date, metavar="YYYY-MM-DD", help=_("Every session of that week.")
    )
    sheet.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")
    sheet.add_argument(
        "--lang",
        dest="sheet_language",
        choices=sorted(PARTNER_LANGUAGES),
        help=_("Language of the sheet (the centre's by default)."),
    )
    sheet.add_argument("--blank-rows", type=_non_negative_int, default=DEFAULT_BLANK_ROWS)
    sheet.add_argument(
        "--logo", type=Path, action="append", default=[], help=_("A logo to print (repeatable).")
    )
    sheet.set_defaults(command=print_sheets)

    passport = subparsers.add_parser(
        "passport", help=_("Print a resident's digital passport to a PDF file.")
    )
    _add_db_option(passport)
    passport.add_argument("--resident", required=True, metavar="ID")
    passport.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")
    passport.add_argument(
        "--lang",
        dest="passport_language",
        choices=sorted(PARTNER_LANGUAGES),
        help=_("Language of the passport (the resident's by default)."),
    )
    passport.add_argument("--encouragement", default="", help=_("The mediator's line."))
    passport.set_defaults(command=print_passport)

    report = subparsers.add_parser(
        "report", help=_("Write the activity report of a period: PDF, La Coop XLSX or CSV.")
    )
    _add_db_option(report)
    report.add_argument("--from", dest="start", type=_iso_date, required=True,
                        metavar="YYYY-MM-DD")  # fmt: skip
    report.add_argument("--to", dest="end", type=_iso_date, required=True, metavar="YYYY-MM-DD")
    report.add_argument("--format", dest="report_format", choices=("pdf", "xlsx", "csv-it"),
                        required=True)  # fmt: skip
    report.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    report.add_argument(
        "--lang",
        dest="report_language",
        choices=sorted(PARTNER_LANGUAGES),
        help=_("Language of the report (the centre's by default)."),
    )
    report.add_argument("--centre", metavar="ID", help=_("Coordinator: one centre only."))
    report.add_argument("--country", metavar="CC", help=_("Coordinator: one country only."))
    report.set_defaults(command=write_report_file)

    from mediator_app.cli_sync import add_sync_commands

    add_sync_commands(subparsers, _add_db_option)
    from mediator_app.cli_import import add_import_commands

    add_import_commands(subparsers, _add_db_option)
    from mediator_app.cli_access import add_access_commands

    add_access_commands(subparsers, _add_db_option)
    from mediator_app.cli_backup import add_backup_commands

    add_backup_commands(subparsers, _add_db_option)
    from mediator_app.cli_privacy import add_privacy_commands

    add_privacy_commands(subparsers, _add_db_option)
    from mediator_app.cli_audit import add_audit_commands

    add_audit_commands(subparsers, _add_db_option)
    from mediator_app.cli_retention import add_retention_commands

    add_retention_commands(subparsers, _add_db_option)


def demo_data(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mediator_app.demo import generate_demo

    with _opened(args.db) as store:
        if store.residents.count():
            err.write(
                _("%(path)s already holds residents: demo data goes into a new database.")
                % {"path": args.db}
                + "\n"
            )
            return EXIT_BAD_INPUT
        report = _ProgressPrinter(err)
        summary = generate_demo(
            store,
            residents=args.residents,
            sessions=args.sessions,
            seed=args.seed,
            progress=report,
        )
    counts = [
        ngettext("%(count)s resident", "%(count)s residents", summary.residents)
        % {"count": format_number(summary.residents)},
        ngettext("%(count)s session", "%(count)s sessions", summary.sessions)
        % {"count": format_number(summary.sessions)},
        ngettext(
            "%(count)s anonymous visit", "%(count)s anonymous visits", summary.anonymous_visits
        )
        % {"count": format_number(summary.anonymous_visits)},
        ngettext(
            "%(count)s workshop session",
            "%(count)s workshop sessions",
            summary.workshop_occurrences,
        )
        % {"count": format_number(summary.workshop_occurrences)},
    ]
    out.write(
        _("Demo centre ready in %(path)s: %(counts)s.")
        % {"path": args.db, "counts": ", ".join(counts)}
        + "\n"
    )
    return EXIT_OK


def search_residents(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """One line per resident: ``id<TAB>full name<TAB>year of birth``."""
    with _opened(args.db) as store:
        for hit in store.residents.search(args.query, limit=args.limit):
            full_name = " ".join(part for part in (hit.first_name, hit.last_name) if part)
            year = "" if hit.birth_year is None else str(hit.birth_year)
            out.write(f"{hit.id}\t{full_name}\t{year}\n")
    return EXIT_OK


def print_sheets(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the attendance sheets asked for into one PDF; prints the page count."""
    from mediator_app.reports.attendance_sheet import SheetError, write_sheets
    from mediator_app.reports.sheets import (
        next_occurrence_id,
        series_occurrence_ids,
        sheet_for_occurrence,
        week_occurrence_ids,
    )

    with _opened(args.db) as store:
        if args.next:
            found = next_occurrence_id(store, date.today())
            ids = [found] if found else []
        elif args.series:
            ids = series_occurrence_ids(store, args.series)
        elif args.week:
            ids = week_occurrence_ids(store, args.week)
        else:
            ids = [args.occurrence]
        if not ids:
            err.write(_("There is no workshop session to print.") + "\n")
            return EXIT_BAD_INPUT
        sheets = [
            sheet_for_occurrence(
                store,
                occurrence_id,
                language=args.sheet_language,
                blank_rows=args.blank_rows,
                logos=args.logo,
            )
            for occurrence_id in ids
        ]
    try:
        pages = write_sheets(sheets, args.output)
    except SheetError as error:
        err.write(_("Error: %(message)s") % {"message": error.render(_)} + "\n")
        return EXIT_BAD_INPUT
    out.write(
        ngettext(
            "%(count)s page written to %(path)s.", "%(count)s pages written to %(path)s.", pages
        )
        % {"count": pages, "path": args.output}
        + "\n"
    )
    return EXIT_OK


def print_passport(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write a resident's digital passport; prints the page count."""
    from mediator_app.reports.passport import write_passport
    from mediator_app.reports.passports import passport_for_resident
    from mediator_app.store import audit

    with _opened(args.db) as store:
        passport = passport_for_resident(
            store,
            args.resident,
            language=args.passport_language,
            encouragement=args.encouragement,
        )
        pages = write_passport(passport, args.output)
        audit.record(store, audit.PRINT, store.residents.shown(args.resident), audit.PASSPORT)
    out.write(
        ngettext(
            "%(count)s page written to %(path)s.", "%(count)s pages written to %(path)s.", pages
        )
        % {"count": pages, "path": args.output}
        + "\n"
    )
    return EXIT_OK


def write_report_file(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the activity report of a period in the format asked for."""
    from mediator_app.reports.periodic_export import write_report

    if args.start > args.end:
        err.write(
            _("Error: %(message)s") % {"message": _("The start of the period comes after its end.")}
            + "\n"
        )
        return EXIT_BAD_INPUT
    with _opened(args.db) as store:
        write_report(
            store, args.start, args.end, args.output, args.report_format,
            language=args.report_language, centre_id=args.centre, country=args.country,
        )  # fmt: skip
    out.write(_("Report written: %(path)s") % {"path": args.output} + "\n")
    return EXIT_OK


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command ``args`` names; store errors become a message and exit code 2."""
    command: Callable[[argparse.Namespace, TextIO, TextIO], int] = args.command
    out, err = out or sys.stdout, err or sys.stderr
    if getattr(args, "db", None) is None:
        args.db = paths.default_database_path()
    global _credentials
    try:
        _credentials = Credentials.gather(
            getattr(args, "passphrase_file", None),
            getattr(args, "recovery_key", None),
            admin_name=getattr(args, "admin_name", None),
        )
        return command(args, out, err)
    except MessageError as error:  # a store, a bundle, a card or a transport refused
        err.write(_("Error: %(message)s") % {"message": error.render(_)} + "\n")
        return EXIT_BAD_INPUT
    except OSError as error:
        err.write(
            _("Error: %(message)s")
            % {"message": f"{error.filename or ''} {error.strerror or error}".strip()}
            + "\n"
        )
        return EXIT_BAD_INPUT


#: What the running command opens an encrypted database with (set by ``run``).
_credentials = Credentials()


def credentials() -> Credentials:
    return _credentials


class _opened:
    """Open a store for a command (with the command's passphrase or recovery key when
    encrypted), making the desk identity with defaults if needed."""

    def __init__(self, path: Path):
        self._path = path
        self._store: Store | None = None

    def __enter__(self) -> Store:
        self._store = open_with(self._path, _credentials)
        self._store.ensure_desk()
        return self._store

    def __exit__(self, *exc_info: object) -> None:
        if self._store is not None:
            self._store.close()


class _ProgressPrinter:
    """Prints a progress line at most twice a second."""

    def __init__(self, stream: TextIO):
        self._stream = stream
        self._last = 0.0

    def __call__(self, done: int, total: int) -> bool:
        now = time.monotonic()
        if now - self._last >= 0.5 or done == total:
            self._last = now
            percent = 100 * done // max(total, 1)
            self._stream.write(f"\r{percent:3d} %")
            if done == total:
                self._stream.write("\n")
            self._stream.flush()
        return True


def _add_db_option(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """``--db`` after the command; when left out, the one before it (or the usual
    database) is used: argparse must then set nothing, or it would hide the first."""
    parser.add_argument(
        "--db",
        type=Path,
        required=required,
        default=argparse.SUPPRESS,
        help=_("The database file (made if it does not exist)."),
    )
    add_secret_options(parser, default=argparse.SUPPRESS)


def add_secret_options(parser: argparse.ArgumentParser, *, default: object = None) -> None:
    """How a command opens an encrypted database: never a passphrase on the command line,
    where other users of the machine and the shell's history would see it."""
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        default=default,
        metavar="FILE",
        help=_(
            "Read a mediator's passphrase from the first line of FILE (or set the "
            "PASSERELLE_PASSPHRASE environment variable). A new database is then encrypted."
        ),
    )
    parser.add_argument(
        "--recovery-key",
        type=Path,
        default=default,
        metavar="FILE",
        help=_("Open an encrypted database with the centre's recovery key file."),
    )


def _non_negative_int(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(
            _("%(value)s is not a whole number of zero or more.") % {"value": text}
        )
    return int(text)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("%(value)s is not a date written as 2026-12-01.") % {"value": text}
        ) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(
            _("%(value)s is not a positive whole number.") % {"value": text}
        )
    return value
