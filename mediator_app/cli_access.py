"""Headless right of access: everything the desk holds about a resident, written as a
PDF the resident reads or as JSON. An unknown resident is refused in plain words, with a
non-zero exit, and nothing is written."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from mediator_app.i18n import PARTNER_LANGUAGES, _, ngettext

EXIT_OK = 0
EXIT_REFUSED = 2

#: The formats written, and the file endings that choose them.
FORMATS = ("pdf", "json")


def add_access_commands(
    subparsers: argparse._SubParsersAction,
    add_db_option: Callable[[argparse.ArgumentParser], None],
) -> None:
    access = subparsers.add_parser(
        "access-report",
        help=_("Write everything the centre holds about a resident, as a PDF or as JSON."),
    )
    add_db_option(access)
    access.add_argument("--resident", required=True, metavar="ID")
    access.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    access.add_argument(
        "--format",
        dest="access_format",
        choices=FORMATS,
        help=_("pdf or json (by default, the ending of the file name)."),
    )
    access.add_argument(
        "--lang",
        dest="access_language",
        choices=sorted(PARTNER_LANGUAGES),
        help=_("Language of the PDF (the resident's by default)."),
    )
    access.set_defaults(command=write_access_report)


def output_format(path: Path, asked: str | None) -> str | None:
    """The format asked for, else the one the file's ending names; ``None`` when
    neither says."""
    if asked is not None:
        return asked
    ending = path.suffix.lower().lstrip(".")
    return ending if ending in FORMATS else None


def write_access_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the access report of one resident; prints where it went."""
    from mediator_app.cli import _opened
    from mediator_app.reports.access_report import (
        access_data,
        write_access_json,
        write_access_pdf,
    )
    from mediator_app.store import audit
    from mediator_app.store.errors import NotFoundError

    chosen = output_format(args.output, args.access_format)
    if chosen is None:
        err.write(
            _(
                "The file name %(name)s does not say which format to write: end it "
                "with .pdf or .json, or add --format pdf or --format json."
            )
            % {"name": args.output.name}
            + "\n"
        )
        return EXIT_REFUSED
    with _opened(args.db) as store:
        try:
            data = access_data(store, args.resident)
        except NotFoundError:
            err.write(
                _("No resident has the id %(id)s: nothing was written.") % {"id": args.resident}
                + "\n"
            )
            return EXIT_REFUSED
        # Once written, the audit trail records who took the resident's data out.
        resident_id = store.residents.shown(args.resident)
        if chosen == "json":
            write_access_json(data, args.output)
            audit.record(store, audit.EXPORT, resident_id, audit.ACCESS_REPORT)
            out.write(_("Report written: %(path)s") % {"path": args.output} + "\n")
            return EXIT_OK
        pages = write_access_pdf(data, args.output, language=args.access_language)
        audit.record(store, audit.PRINT, resident_id, audit.ACCESS_REPORT)
    out.write(
        ngettext(
            "%(count)s page written to %(path)s.", "%(count)s pages written to %(path)s.", pages
        )
        % {"count": pages, "path": args.output}
        + "\n"
    )
    return EXIT_OK
