"""Headless audit trail: who viewed or changed which resident, when, most recent first.

One line per entry, columns separated by tabs: the local time, the mediator, the
resident (or what is left of them: an erased resident has no name and no id), what was
done, to what, and the names of the fields a change set, never their values."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TextIO

from mediator_app.i18n import _
from mediator_app.store import Store, audit

EXIT_OK = 0
EXIT_REFUSED = 2
#: Entries printed when ``--limit`` is left out.
DEFAULT_LIMIT = 100


def add_audit_commands(
    subparsers: argparse._SubParsersAction,
    add_db_option: Callable[[argparse.ArgumentParser], None],
) -> None:
    command = subparsers.add_parser(
        "audit",
        help=_("Print who viewed or changed residents' files, and when: most recent first."),
    )
    add_db_option(command)
    command.add_argument("--resident", metavar="ID", help=_("Only what concerns this resident."))
    command.add_argument(
        "--limit", type=_positive_int, default=DEFAULT_LIMIT, metavar="N",
        help=_("How many entries to print at most."),
    )  # fmt: skip
    command.set_defaults(command=print_audit_trail)


def print_audit_trail(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the trail, or one resident's; an unknown or erased resident is refused."""
    from mediator_app.cli import _opened

    with _opened(args.db) as store:
        if args.resident is not None and not _is_resident(store, args.resident):
            err.write(_("No resident has the id %(id)s.") % {"id": args.resident} + "\n")
            return EXIT_REFUSED
        entries = audit.trail(store, args.resident, limit=args.limit)
    for entry in entries:
        out.write("\t".join(entry_columns(entry)) + "\n")
    if not entries:
        err.write(_("Nothing is recorded yet.") + "\n")
    return EXIT_OK


def entry_columns(entry: audit.TrailEntry) -> list[str]:
    """What a line shows of an entry, translated: when, who, whom, what, about what,
    which fields (or a detail)."""
    when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return [
        when,
        entry.mediator or "—",
        resident_label(entry),
        _(audit.ACTION_LABELS.get(entry.action, entry.action)),
        _(audit.SUBJECT_LABELS.get(entry.subject, entry.subject)),
        details_text(entry),
    ]


def resident_label(entry: audit.TrailEntry) -> str:
    """The resident's name, or what they became: never an erased resident's id."""
    if entry.resident_state == audit.PRESENT and entry.resident:
        return entry.resident
    label = audit.RESIDENT_STATE_LABELS.get(entry.resident_state)
    return _(label) if label else "—"


def details_text(entry: audit.TrailEntry) -> str:
    """The fields a change set, by name (a creation sets them all: not listed), or
    the detail of an event."""
    if entry.detail:
        label = audit.DETAIL_LABELS.get(entry.detail)
        return _(label) if label else entry.detail
    if entry.action == audit.CHANGE:
        return ", ".join(entry.fields)
    return ""


def _is_resident(store: Store, resident_id: str) -> bool:
    row = store.conn.execute("SELECT 1 FROM resident WHERE id = ?", (resident_id,)).fetchone()
    return row is not None


def _positive_int(text: str) -> int:
    from mediator_app.cli import _positive_int as positive

    return positive(text)
