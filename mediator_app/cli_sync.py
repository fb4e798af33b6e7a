"""Headless sync commands: desk cards and enrolment, the recovery key, bundles written,
imported and exchanged. Each refusal is said in plain words, with a non-zero exit."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from mediator_app.i18n import PARTNER_LANGUAGES, _, ngettext

EXIT_OK = 0
EXIT_REFUSED = 2


def add_sync_commands(subparsers: argparse._SubParsersAction, add_db_option) -> None:
    card = subparsers.add_parser(
        "desk-card", help=_("Write this desk's public card, to enrol it on the other desks.")
    )
    add_db_option(card)
    card.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    card.set_defaults(command=write_desk_card)

    enrol = subparsers.add_parser(
        "enroll", help=_("Enrol another desk, or the coordinator, from its card.")
    )
    add_db_option(enrol)
    enrol.add_argument("card", type=Path, metavar="CARD")
    enrol.set_defaults(command=enroll_card)

    recovery = subparsers.add_parser(
        "recovery-key",
        help=_("Write the centre's recovery key to a file, to keep offline."),
    )
    add_db_option(recovery)
    recovery.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    recovery.set_defaults(command=write_recovery_key_file)

    export = subparsers.add_parser(
        "export", help=_("Write a bundle of this desk's changes into a folder.")
    )
    add_db_option(export)
    export.add_argument("--to", type=Path, required=True, metavar="DIR")
    export.set_defaults(command=export_changes)

    imported = subparsers.add_parser(
        "import", help=_("Import bundles from files or folders, in any order.")
    )
    add_db_option(imported)
    imported.add_argument("paths", type=Path, nargs="+", metavar="FILE_OR_DIR")
    imported.set_defaults(command=import_bundles)

    setup = subparsers.add_parser("sync-setup", help=_("Choose how this desk reaches the others."))
    add_db_option(setup)
    where = setup.add_mutually_exclusive_group(required=True)
    where.add_argument("--folder", type=Path, metavar="DIR")
    where.add_argument("--webdav", metavar="URL")
    setup.add_argument("--user", default="")
    setup.set_defaults(command=set_up_sync)

    export_coord = subparsers.add_parser(
        "coordinator-export",
        help=_("Prepare the pseudonymised export of a period for the coordinator."),
    )
    add_db_option(export_coord)
    export_coord.add_argument("--period", required=True, metavar="YYYY-MM|YYYY-Qn")
    export_coord.add_argument("--to", type=Path, required=True, metavar="DIR")
    export_coord.add_argument(
        "--send", action="store_true", help=_("Also send it through the configured way.")
    )
    export_coord.add_argument(
        "--lang",
        dest="report_language",
        choices=sorted(PARTNER_LANGUAGES),
        help=_("Language of the report (the centre's by default)."),
    )
    export_coord.set_defaults(command=export_for_the_coordinator)

    setup_coord = subparsers.add_parser(
        "coordinator-setup", help=_("Make this database the coordinator's.")
    )
    add_db_option(setup_coord)
    setup_coord.set_defaults(command=become_coordinator)

    take_in = subparsers.add_parser(
        "coordinator-import", help=_("Take the centres' exports into the coordinator's database.")
    )
    add_db_option(take_in)
    take_in.add_argument("paths", type=Path, nargs="+", metavar="FILE_OR_DIR")
    take_in.set_defaults(command=import_exports)

    sync = subparsers.add_parser(
        "sync", help=_("Exchange bundles with the other desks through the configured way.")
    )
    add_db_option(sync)
    sync.set_defaults(command=sync_now)


def _opened(path: Path):
    from mediator_app.cli import _opened as opened

    return opened(path)


def write_desk_card(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mediator_app.sync.keys import card_for_this_desk, fingerprint

    with _opened(args.db) as store:
        card = card_for_this_desk(store)
    args.output.write_bytes(card.to_bytes())
    out.write(
        _("Card of %(name)s written to %(path)s. Its fingerprint: %(fingerprint)s")
        % {"name": card.name, "path": args.output, "fingerprint": fingerprint(card)}
        + "\n"
    )
    return EXIT_OK


def enroll_card(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mediator_app.sync.keys import DeskCard, enroll, fingerprint

    card = DeskCard.from_bytes(args.card.read_bytes())
    with _opened(args.db) as store:
        enrolled = enroll(store, card)
    out.write(
        _("%(name)s is enrolled. Check its fingerprint with the other desk: %(fingerprint)s")
        % {"name": enrolled.name, "fingerprint": fingerprint(card)}
        + "\n"
    )
    return EXIT_OK


def write_recovery_key_file(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mediator_app.sync.keys import write_recovery_key

    with _opened(args.db) as store:
        write_recovery_key(store, args.output)
    out.write(
        _(
            "Recovery key written to %(path)s. Keep it offline, in a safe place: with it, "
            "the age tool opens any bundle of the centre."
        )
        % {"path": args.output}
        + "\n"
    )
    return EXIT_OK


def export_changes(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mediator_app.sync.desk_sync import export_bundle

    with _opened(args.db) as store:
        path = export_bundle(store, args.to)
    if path is None:
        out.write(_("Nothing new to send.") + "\n")
    else:
        out.write(_("Bundle written: %(path)s") % {"path": path} + "\n")
    return EXIT_OK


def import_bundles(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mediator_app.sync.desk_sync import SyncFolders, describe, import_files

    with _opened(args.db) as store:
        results = import_files(store, args.paths, SyncFolders.beside(args.db))
    refused = 0
    for result in results:
        stream = err if result.status == "refused" else out
        stream.write(describe(result) + "\n")
        refused += result.status == "refused"
    return EXIT_REFUSED if refused else EXIT_OK


def set_up_sync(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mediator_app.sync.settings import TransportSetting, save_transport_setting

    if args.folder is not None:
        setting = TransportSetting("folder", str(args.folder.resolve()))
    else:
        setting = TransportSetting("webdav", args.webdav, args.user)
    with _opened(args.db) as store:
        save_transport_setting(store, setting)
    out.write(_("Bundles will go through %(where)s.") % {"where": setting.location} + "\n")
    return EXIT_OK


def sync_now(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mediator_app.sync.desk_sync import SyncFolders, describe, sync_with
    from mediator_app.sync.settings import configured_transport

    with _opened(args.db) as store:
        report = sync_with(store, configured_transport(store), SyncFolders.beside(args.db))
    out.write(
        ngettext("%(count)s bundle sent.", "%(count)s bundles sent.", report.sent)
        % {"count": report.sent}
        + "\n"
    )
    for result in report.imported:
        stream = err if result.status == "refused" else out
        stream.write(describe(result) + "\n")
    return EXIT_REFUSED if report.refused else EXIT_OK


def export_for_the_coordinator(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mediator_app.reports.periodic_export import prepare_coordinator_export
    from mediator_app.sync.settings import configured_transport

    with _opened(args.db) as store:
        send = configured_transport(store).send if args.send else None
        prepared = prepare_coordinator_export(
            store, args.period, args.to, language=args.report_language, send=send
        )
    out.write(
        _("Export of %(period)s for the coordinator written: %(path)s")
        % {"period": args.period, "path": prepared.files[0]}
        + "\n"
    )
    for path in prepared.files[1:]:
        out.write(_("Also written: %(path)s") % {"path": path} + "\n")
    return EXIT_OK


def become_coordinator(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with _opened(args.db) as store:
        store.become_coordinator()
    out.write(
        _(
            "This database is now the coordinator's. Give its card (desk-card) to the "
            "centres, and enrol theirs."
        )
        + "\n"
    )
    return EXIT_OK


def import_exports(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from mediator_app.domain.validation import MessageError
    from mediator_app.sync.coordinator import import_export
    from mediator_app.sync.transports import BUNDLE_SUFFIX

    files = []
    for path in args.paths:
        files.extend(sorted(path.glob(f"*{BUNDLE_SUFFIX}")) if path.is_dir() else [path])
    refused = 0
    with _opened(args.db) as store:
        for path in files:
            try:
                result = import_export(store, path)
            except MessageError as error:
                refused += 1
                err.write(
                    _("%(file)s refused: %(reason)s")
                    % {"file": path.name, "reason": error.render(_)}
                    + "\n"
                )
                continue
            out.write(_describe_import(result) + "\n")
    return EXIT_REFUSED if refused else EXIT_OK


def _describe_import(result) -> str:
    if result.status == "older":
        return _("%(centre)s, %(period)s: an older export than the one held; nothing changed.") % {
            "centre": result.centre_name,
            "period": result.period,
        }
    if result.status == "replaced":
        message = ngettext(
            "%(centre)s, %(period)s: corrected export, %(count)s activity (replaces the "
            "earlier one).",
            "%(centre)s, %(period)s: corrected export, %(count)s activities (replaces the "
            "earlier one).",
            result.activities,
        )
    else:
        message = ngettext(
            "%(centre)s, %(period)s: %(count)s activity taken in.",
            "%(centre)s, %(period)s: %(count)s activities taken in.",
            result.activities,
        )
    return message % {
        "centre": result.centre_name,
        "period": result.period,
        "count": result.activities,
    }
