"""Headless privacy commands: erasing a resident (the right to erasure)."""

from __future__ import annotations

import argparse
from typing import TextIO

from mediator_app.i18n import _

EXIT_OK = 0


def add_privacy_commands(subparsers: argparse._SubParsersAction, add_db_option) -> None:
    erase = subparsers.add_parser(
        "erase",
        help=_(
            "Erase a resident and everything about them, here and, by sync, on every desk "
            "of the centre."
        ),
    )
    add_db_option(erase)
    erase.add_argument("--resident", required=True, metavar="ID")
    erase.set_defaults(command=erase_resident)


def erase_resident(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mediator_app.cli import _opened

    with _opened(args.db) as store:
        resident_id = store.residents.shown(args.resident)
        store.residents.erase(resident_id)
    out.write(
        _("Resident %(id)s erased: nothing about them is left on this desk.") % {"id": resident_id}
        + "\n"
    )
    return EXIT_OK
