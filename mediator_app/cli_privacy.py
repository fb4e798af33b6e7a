"""Headless privacy commands: erasing a resident (the right to erasure), encrypting a
database kept in the clear."""

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

    encrypt = subparsers.add_parser(
        "encrypt",
        help=_(
            "Encrypt a database kept in the clear, and its backups, with a mediator's "
            "passphrase (and the centre's recovery keys)."
        ),
    )
    add_db_option(encrypt)
    encrypt.add_argument(
        "--mediator",
        metavar="NAME",
        help=_("Whose passphrase it is; by default the desk's usual mediator."),
    )
    encrypt.set_defaults(command=encrypt_database)


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


def encrypt_database(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mediator_app.cli import EXIT_BAD_INPUT, credentials
    from mediator_app.store import open_store
    from mediator_app.store.database import is_encrypted
    from mediator_app.store.encryption import AlreadyEncryptedError, encrypt_desk
    from mediator_app.store.mediators import active_mediators, add_mediator

    passphrase = credentials().passphrase
    if passphrase is None:
        err.write(
            _("Error: %(message)s")
            % {
                "message": _(
                    "Give the passphrase in a file (--passphrase-file FILE) or in the "
                    "PASSERELLE_PASSPHRASE environment variable."
                )
            }
            + "\n"
        )
        return EXIT_BAD_INPUT
    if is_encrypted(args.db):
        raise AlreadyEncryptedError(path=str(args.db))
    store = open_store(args.db)
    try:
        desk = store.ensure_desk()
        mediators = active_mediators(store)
        if args.mediator:
            wanted = " ".join(args.mediator.split()).casefold()
            found = [m for m in mediators if m.name.casefold() == wanted]
            mediator_id = found[0].id if found else add_mediator(store, args.mediator).id
        elif desk.mediator_id:
            mediator_id = desk.mediator_id
        else:
            mediator_id = add_mediator(store, credentials().admin_name).id
    finally:
        store.close()
    encrypt_desk(args.db, mediator_id, passphrase)
    out.write(
        _("%(path)s is encrypted, with its backups. Keep the passphrase and a recovery key safe.")
        % {"path": args.db}
        + "\n"
    )
    return EXIT_OK
