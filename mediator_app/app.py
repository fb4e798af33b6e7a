"""The ``passerelle`` entry point: headless subcommands, or the desktop app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mediator_app import APP_NAME, __version__, cli, paths
from mediator_app.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, set_language
from mediator_app.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="passerelle",
        description=_("%(app)s: log the help given to residents at a digital-inclusion desk.")
        % {"app": APP_NAME},
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--db", type=Path, default=None, help=_("Open this database file instead of the usual one.")
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("Open the demo database, made with synthetic data on first use."),
    )
    parser.add_argument("--lang", choices=sorted(LANGUAGES), help=_("Language of the interface."))
    cli.add_secret_options(parser)
    subparsers = parser.add_subparsers(dest="subcommand")
    cli.add_commands(subparsers)
    screenshot = subparsers.add_parser(
        "screenshot", help=_("Render each main screen offscreen to a PNG file.")
    )
    screenshot.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    screenshot.add_argument("--out", type=Path, required=True)
    screenshot.add_argument("--lang", choices=sorted(LANGUAGES))
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    settings = Settings(paths.settings_path())
    set_language(_requested_language(arguments) or settings["language"] or DEFAULT_LANGUAGE)
    args = build_parser().parse_args(arguments)
    if args.subcommand == "screenshot":
        from mediator_app.domain.validation import MessageError
        from mediator_app.ui.screenshots import save_screenshots

        try:
            return save_screenshots(args.db or paths.default_database_path(), args.out, args.lang)
        except MessageError as error:  # an encrypted or damaged database, say
            print(_("Error: %(message)s") % {"message": error.render(_)}, file=sys.stderr)
            return cli.EXIT_BAD_INPUT
    if args.subcommand:
        return cli.run(args)
    from mediator_app.ui.application import run_gui

    database = paths.demo_database_path() if args.demo else args.db
    return run_gui(database, settings, demo=args.demo, language=args.lang)


def _requested_language(arguments: list[str]) -> str | None:
    """The ``--lang`` value, read before parsing so that help texts are translated."""
    for index, argument in enumerate(arguments):
        if argument.startswith("--lang="):
            return argument.split("=", 1)[1]
        if argument == "--lang" and index + 1 < len(arguments):
            return arguments[index + 1]
    return None
