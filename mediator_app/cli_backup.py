"""Headless backup commands: copy the database into a backup, put a backup back in its
place. Each refusal is said in plain words, with a non-zero exit."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from mediator_app.i18n import _

EXIT_OK = 0


def add_backup_commands(
    subparsers: argparse._SubParsersAction, add_db_option: Callable[..., None]
) -> None:
    backup = subparsers.add_parser(
        "backup", help=_("Copy the database into a new backup file, checked.")
    )
    add_db_option(backup)
    backup.add_argument(
        "--to",
        type=Path,
        metavar="DIR",
        help=_("The folder of backups (by default the one beside the database)."),
    )
    backup.set_defaults(command=back_up)

    restore = subparsers.add_parser(
        "restore",
        help=_("Put a backup in place of the database; the database replaced is kept aside."),
    )
    add_db_option(restore)
    restore.add_argument(
        "source",
        type=Path,
        metavar="FROM",
        help=_("A backup file, or a folder of backups: its latest backup is used."),
    )
    restore.set_defaults(command=restore_backup)


def back_up(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Make a backup of the database; prints the file made."""
    from mediator_app.cli import _ProgressPrinter, credentials
    from mediator_app.store.backups import backup_folder, make_backup
    from mediator_app.store.unlocking import data_key_for

    folder = args.to if args.to is not None else backup_folder(args.db)
    progress = _ProgressPrinter(err) if err.isatty() else None
    key = data_key_for(args.db, credentials())
    path = make_backup(args.db, folder, reason="manual", progress=progress, key=key)
    out.write(_("Backup written: %(path)s") % {"path": path} + "\n")
    return EXIT_OK


def restore_backup(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Put a backup (or a folder's latest) in place of the database; prints where the
    database it replaced was kept."""
    from mediator_app.cli import credentials
    from mediator_app.store.backups import NoBackupError, latest_backup, restore
    from mediator_app.store.unlocking import data_key_for

    backup = args.source
    if backup.is_dir():
        backup = latest_backup(backup)
        if backup is None:
            raise NoBackupError(path=str(args.source))
    kept = restore(args.db, backup, key=data_key_for(backup, credentials()))
    values = {"backup": backup, "database": args.db, "kept": kept}
    if kept is None:
        out.write(_("%(backup)s restored into %(database)s.") % values + "\n")
    else:
        out.write(
            _("%(backup)s restored into %(database)s. The previous database is kept as %(kept)s.")
            % values
            + "\n"
        )
    return EXIT_OK
