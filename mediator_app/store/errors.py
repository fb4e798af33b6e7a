"""Errors of the store's environment, told apart from bugs: each carries a message a
mediator can act on (a message id with its values, translated where it is shown)."""

from __future__ import annotations

from mediator_app.domain.markers import N_
from mediator_app.domain.validation import MessageError


class StoreError(MessageError):
    """A problem with the database that is not a bug: a message id and its values."""

    message = N_("The database could not be used.")


class NewerSchemaError(StoreError):
    """The database was written by a newer version of Passerelle."""

    message = N_(
        "This database was written by a newer version of Passerelle (data format "
        "%(found)s; this version reads up to %(supported)s). Install the newer version "
        "to open it; the file has not been changed."
    )


class DatabaseUnreadableError(StoreError):
    """The file is not a Passerelle database, or it is damaged."""

    message = N_(
        "The file %(path)s is not a Passerelle database or it is damaged; it has not been changed."
    )


class DatabaseEncryptedError(StoreError):
    """The database is encrypted and was opened without its key."""

    message = N_(
        "The database %(path)s is encrypted: it opens with a mediator's passphrase or the "
        "centre's recovery key."
    )


class DatabaseUnavailableError(StoreError):
    """The database file cannot be opened or made where it was asked for."""

    message = N_(
        "The database %(path)s cannot be opened or created (%(reason)s). Check that the "
        "folder exists and that you may write in it."
    )


class NotFoundError(StoreError):
    """A record asked for by id does not exist."""

    message = N_("No record has the id %(id)s.")
