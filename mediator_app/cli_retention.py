"""Headless retention review: who has not been seen for the retention period, what
anonymising or erasing them would change (a dry run, when no action is asked for), and
doing it. Each refusal is said in plain words, with a non-zero exit."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import TextIO

from mediator_app.i18n import _

EXIT_OK = 0


def add_retention_commands(
    subparsers: argparse._SubParsersAction, add_db_option: Callable[..., None]
) -> None:
    from mediator_app.cli import _iso_date, _positive_int

    retention = subparsers.add_parser(
        "retention",
        help=_(
            "List the residents not seen for the retention period and what would change "
            "for each; or anonymise or erase them."
        ),
    )
    add_db_option(retention)
    retention.add_argument(
        "--months",
        type=_positive_int,
        metavar="N",
        help=_("The retention period in months (by default the centre's: 24 unless changed)."),
    )
    action = retention.add_mutually_exclusive_group()
    action.add_argument(
        "--anonymise",
        action="store_true",
        help=_(
            "Anonymise them: names, contact details and notes go; age band, gender, social "
            "status and commune stay for the statistics."
        ),
    )
    action.add_argument(
        "--erase",
        action="store_true",
        help=_(
            "Erase them: their sessions and workshop attendance stay as anonymous figures; "
            "everything else goes. Cannot be undone."
        ),
    )
    retention.add_argument(
        "--today",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help=_("The day of the review (today by default)."),
    )
    retention.set_defaults(command=review_retention)


def review_retention(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the period and who is due; then, with no action, what each would lose and
    keep (nothing is written), or what was done."""
    from mediator_app import retention_text as text
    from mediator_app.cli import _opened, _ProgressPrinter
    from mediator_app.store import retention

    today = args.today or date.today()
    with _opened(args.db) as store:
        months = args.months if args.months is not None else retention.retention_months(store)
        due = retention.due_for_review(store, today, months)
        out.write(text.period_line(months, today) + "\n")
        out.write(text.due_count_line(len(due)) + "\n")
        if not due:
            return EXIT_OK
        ids = [resident.id for resident in due]
        progress = _ProgressPrinter(err) if err.isatty() else None
        if args.anonymise:
            result = retention.anonymise(
                store, ids, retention.REASON_RETENTION, today=today, months=months,
                progress=progress,
            )  # fmt: skip
            out.write(text.anonymised_line(result) + "\n")
        elif args.erase:
            result = retention.erase_due(store, ids, today, months, progress=progress)
            out.write(text.erased_line(result) + "\n")
        else:
            previews = {found.resident_id: found for found in retention.preview(store, ids)}
            for resident in due:
                out.write("\n" + text.due_line(resident) + "\n")
                found = previews.get(resident.id)
                if found is None:
                    continue
                out.write("  " + _("If anonymised:") + "\n")
                out.writelines(f"    {line}\n" for line in text.anonymise_lines(found))
                out.write("  " + _("If erased:") + "\n")
                out.writelines(f"    {line}\n" for line in text.erase_lines(found))
            out.write(
                "\n"
                + _(
                    "Nothing was changed. To act, run the command again with --anonymise "
                    "or --erase."
                )
                + "\n"
            )
    return EXIT_OK
