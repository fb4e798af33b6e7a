"""Opening a database headless, with what a command was given: a passphrase (from a
file or the environment, never the command line) or the centre's recovery key.

A new database made with a passphrase is encrypted from the start, and the passphrase
becomes its first admin's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mediator_app.domain.markers import N_
from mediator_app.store.database import Store, is_encrypted, open_store
from mediator_app.store.errors import StoreError
from mediator_app.store.keyring import (
    Keyring,
    keyring_path,
    new_data_key,
    read_keyring,
    write_keyring,
)

PASSPHRASE_ENVIRONMENT = "PASSERELLE_PASSPHRASE"
DEFAULT_ADMIN_NAME = "Admin"


class PassphraseNeededError(StoreError):
    message = N_(
        "The database %(path)s is encrypted. Give a mediator's passphrase in a file "
        "(--passphrase-file FILE) or in the PASSERELLE_PASSPHRASE environment variable, "
        "or the centre's recovery key (--recovery-key FILE)."
    )


class UnreadableSecretError(StoreError):
    message = N_("The file %(path)s could not be read (%(reason)s).")


@dataclass(frozen=True)
class Credentials:
    """What a command may open an encrypted database with."""

    passphrase: str | None = None
    recovery_identity: str | None = None
    #: The name of the first admin of a database made encrypted by a command.
    admin_name: str = DEFAULT_ADMIN_NAME

    @classmethod
    def gather(
        cls,
        passphrase_file: Path | None = None,
        recovery_key: Path | None = None,
        environment: dict[str, str] | None = None,
        admin_name: str | None = None,
    ) -> Credentials:
        """The passphrase from ``passphrase_file`` (its first line) or else the
        environment; the recovery key from its file."""
        environment = os.environ if environment is None else environment
        passphrase = None
        if passphrase_file is not None:
            lines = _read(passphrase_file).splitlines()
            passphrase = lines[0] if lines else ""
        elif environment.get(PASSPHRASE_ENVIRONMENT):
            passphrase = environment[PASSPHRASE_ENVIRONMENT]
        recovery = _read(recovery_key) if recovery_key is not None else None
        return cls(passphrase, recovery, admin_name or DEFAULT_ADMIN_NAME)


def open_with(path: Path | str, credentials: Credentials) -> Store:
    """Open ``path``: with its key when encrypted, made encrypted when new and a
    passphrase is given, as it is otherwise."""
    path = Path(path)
    if is_encrypted(path) and keyring_path(path).exists():
        ring = read_keyring(path)
        mediator_id = None
        if credentials.recovery_identity is not None:
            key = ring.unlock_with_recovery(credentials.recovery_identity)
        elif credentials.passphrase is not None:
            key, mediator_id = ring.unlock(credentials.passphrase)
        else:
            raise PassphraseNeededError(path=str(path))
        store = open_store(path, key=key)
        if mediator_id is not None:
            store.mediator_id = mediator_id
        return store
    is_new = not path.exists() or path.stat().st_size == 0
    if is_new and credentials.passphrase is not None:
        from mediator_app.store.accounts import check_passphrase, create_first_admin

        check_passphrase(credentials.passphrase)
        store = open_store(path, key=new_data_key())
        try:
            write_keyring(path, Keyring())  # the admin's slot goes in it below
            store.ensure_desk()
            account = create_first_admin(store, credentials.admin_name, credentials.passphrase)
        except BaseException:
            store.close()
            path.unlink(missing_ok=True)
            keyring_path(path).unlink(missing_ok=True)
            raise
        store.mediator_id = account.mediator_id
        return store
    return open_store(path)


def data_key_for(path: Path | str, credentials: Credentials) -> bytes | None:
    """The data key of the encrypted file ``path`` (a database or a backup, its keyring
    beside it), or None for a file in the clear."""
    path = Path(path)
    if not (is_encrypted(path) and keyring_path(path).exists()):
        return None
    ring = read_keyring(path)
    if credentials.recovery_identity is not None:
        return ring.unlock_with_recovery(credentials.recovery_identity)
    if credentials.passphrase is not None:
        return ring.unlock(credentials.passphrase)[0]
    raise PassphraseNeededError(path=str(path))


def _read(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise UnreadableSecretError(path=str(path), reason=reason) from error
