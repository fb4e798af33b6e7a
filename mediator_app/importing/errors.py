"""Why an import is refused, in words a mediator can act on. Each error is a message id
with its values, translated where it is shown (``MessageError``); errors that count
things choose their plural form when they are rendered."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from typing import Any

from mediator_app.domain.markers import N_
from mediator_app.domain.validation import MessageError


class ImportFileError(MessageError):
    """The file cannot be read as a table of residents."""

    message = N_("The file %(name)s could not be read as a table.")


class MappingError(MessageError):
    """A column mapping that cannot be used."""

    message = N_("This column mapping cannot be used.")


class ConsentError(MessageError):
    """The consent statement the import needs is missing or incomplete."""

    message = N_(
        "Imported residents need their consent recorded: confirm the date on which the "
        "centre collected the consent of the people on this list, and who collected it."
    )


class StalePlanError(MessageError):
    """The desk changed between the preview and the import."""

    message = N_(
        "A resident this import would complete is no longer on this desk (erased or "
        "merged since the preview). Preview the file again, then import it."
    )


class ImportNotFoundError(MessageError):
    message = N_("There is no import with the id %(id)s on this desk.")


class AlreadyUndoneError(MessageError):
    message = N_("The import %(id)s has already been undone.")


class ImportCancelled(Exception):
    """The person cancelled the import or its preview; nothing was written."""


class _CountedError(MessageError):
    """A refusal that counts rows or residents: ``count`` chooses the plural form, when
    the message is rendered (``render``), in the language of the moment."""

    def __init__(self, count: int, **params: Any):
        self.count = count
        super().__init__(None, count=count, **params)

    def render(self, translate: Any = None) -> str:
        return self.rendered(_plural_function(translate)) % self.params

    def rendered(self, ngettext: Callable[[str, str, int], str]) -> str:
        raise NotImplementedError


class InvalidRowsError(_CountedError):
    """Invalid rows that were neither corrected nor skipped: nothing is imported."""

    message = "Nothing was imported: %(count)s rows are invalid."

    def rendered(self, ngettext: Callable[[str, str, int], str]) -> str:
        return ngettext(
            "Nothing was imported: %(count)s row is invalid. Correct it in the file, or skip it.",
            "Nothing was imported: %(count)s rows are invalid. Correct them in the file, "
            "or skip them.",
            self.count,
        )


class ResidentsInUseError(_CountedError):
    """Residents the import created have a life of their own since: undo is refused."""

    message = "%(count)s residents created by this import are in use."

    def rendered(self, ngettext: Callable[[str, str, int], str]) -> str:
        return ngettext(
            "The import cannot be undone: %(count)s resident it created has been helped, "
            "registered to a workshop, assessed or merged since. Nothing was changed.",
            "The import cannot be undone: %(count)s residents it created have been "
            "helped, registered to a workshop, assessed or merged since. Nothing was "
            "changed.",
            self.count,
        )


class CompletedResidentsMergedError(_CountedError):
    """Residents the import completed were merged into others since: what the import
    filled in has travelled with them, and cannot be told apart any more."""

    message = "%(count)s residents completed by this import were merged since."

    def rendered(self, ngettext: Callable[[str, str, int], str]) -> str:
        return ngettext(
            "The import cannot be undone: %(count)s resident it completed has since been "
            "merged into another one. Nothing was changed.",
            "The import cannot be undone: %(count)s residents it completed have since "
            "been merged into other ones. Nothing was changed.",
            self.count,
        )


def _plural_function(translate: Any) -> Callable[[str, str, int], str]:
    """The current language's ``ngettext`` when translating, else the source language's."""
    if translate is None:
        return gettext.NullTranslations().ngettext
    from mediator_app.i18n import ngettext

    return ngettext
