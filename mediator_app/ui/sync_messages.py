"""Words for what the Sync dialog says: an error, a card file that failed, and what a sync
did."""

from __future__ import annotations

from mediator_app.domain.validation import MessageError
from mediator_app.i18n import _, ngettext
from mediator_app.sync.desk_sync import SyncReport, describe


class FileError(MessageError):
    """A card file that cannot be read or written, in words."""


def words(error: BaseException) -> str:
    """``error`` as a sentence for the mediator: its own words, or a general one."""
    if isinstance(error, MessageError):
        return error.render(_)
    return _("An unexpected error occurred: %(error)s") % {"error": error}


def report_lines(report: SyncReport) -> list[tuple[str, bool]]:
    """The lines that tell what a sync did, each with whether it is a warning (a
    refused bundle)."""
    lines = [
        (
            ngettext("%(count)s bundle sent.", "%(count)s bundles sent.", report.sent)
            % {"count": report.sent},
            False,
        )
    ]
    if not report.imported:
        lines.append((_("Nothing new came from the other desks."), False))
    lines += [(describe(result), result.status == "refused") for result in report.imported]
    return lines
