"""Mediator accounts of this desk: a passphrase each (an argon2id hash), and a role.

An admin manages mediators and settings; a mediator works with residents. Accounts are
local to the desk, like its database key: when the database is encrypted, each account
also has a slot in the keyring, kept in step here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from mediator_app.domain.markers import N_
from mediator_app.domain.validation import Problem, ValidationError
from mediator_app.store.changes import utc_now
from mediator_app.store.errors import StoreError
from mediator_app.store.mediators import add_mediator, find_mediator

if TYPE_CHECKING:
    from mediator_app.store.database import Store

Role = Literal["admin", "mediator"]
ROLES: tuple[Role, ...] = ("admin", "mediator")
MIN_PASSPHRASE_LENGTH = 8

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 defaults


class LastAdminError(StoreError):
    message = N_("The desk needs at least one admin: make another mediator admin first.")


class NoAccountError(StoreError):
    message = N_("%(name)s has no passphrase on this desk.")


@dataclass(frozen=True)
class Account:
    mediator_id: str
    name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def check_passphrase(passphrase: str, confirmation: str | None = None) -> None:
    """Refuse a passphrase too short to protect the residents' data, or a mistyped
    confirmation (``ValidationError`` on the field ``passphrase``)."""
    if len(passphrase.strip()) < MIN_PASSPHRASE_LENGTH or len(set(passphrase)) < 3:
        raise ValidationError(
            {
                "passphrase": Problem(
                    N_(
                        "Choose a passphrase of at least %(count)d characters: a few "
                        "words you remember are best."
                    ),
                    {"count": MIN_PASSPHRASE_LENGTH},
                )
            }
        )
    if confirmation is not None and confirmation != passphrase:
        raise ValidationError(
            {"confirmation": Problem(N_("The two passphrases are not the same."))}
        )


def accounts(store: Store) -> list[Account]:
    rows = store.conn.execute(
        "SELECT a.mediator_id, m.name, a.role FROM mediator_account a "
        "JOIN mediator m ON m.id = a.mediator_id ORDER BY m.name COLLATE NOCASE"
    ).fetchall()
    return [Account(*row) for row in rows]


def has_accounts(store: Store) -> bool:
    return store.conn.execute("SELECT 1 FROM mediator_account LIMIT 1").fetchone() is not None


def find_account(store: Store, mediator_id: str | None) -> Account | None:
    return next((a for a in accounts(store) if a.mediator_id == mediator_id), None)


def create_account(
    store: Store, mediator_id: str, passphrase: str, role: Role = "mediator"
) -> Account:
    """Give mediator ``mediator_id`` a passphrase and a role on this desk (replacing any)."""
    check_passphrase(passphrase)
    mediator = find_mediator(store, mediator_id)
    if mediator is None:
        raise ValueError(f"no mediator {mediator_id!r}")
    now = utc_now()
    with store._transaction():
        store.conn.execute(
            "INSERT INTO mediator_account (mediator_id, role, passphrase_hash, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (mediator_id) DO UPDATE SET"
            " role = excluded.role, passphrase_hash = excluded.passphrase_hash,"
            " updated_at = excluded.updated_at",
            (mediator_id, role, _hasher.hash(passphrase), now, now),
        )
        _refuse_no_admin(store)
        _update_keyring(
            store,
            lambda ring: ring.with_passphrase(store.key, mediator_id, mediator.name, passphrase),
        )
    return Account(mediator_id, mediator.name, role)


def create_first_admin(store: Store, name: str, passphrase: str) -> Account:
    """The desk's first account: a new mediator named ``name``, admin."""
    check_passphrase(passphrase)
    mediator = add_mediator(store, name)
    return create_account(store, mediator.id, passphrase, "admin")


def verify(store: Store, mediator_id: str, passphrase: str) -> bool:
    """Whether ``passphrase`` is mediator ``mediator_id``'s. A mediator who has no slot
    in the keyring of an encrypted database yet (accounts made before encryption) gets
    one now, since the passphrase is known."""
    row = store.conn.execute(
        "SELECT passphrase_hash FROM mediator_account WHERE mediator_id = ?", (mediator_id,)
    ).fetchone()
    if row is None:
        return False
    try:
        _hasher.verify(row[0], passphrase)
    except (VerificationError, InvalidHashError):
        return False
    if store.key is not None and store.path is not None:
        from mediator_app.store.keyring import read_keyring

        if not read_keyring(store.path).holds(mediator_id):
            mediator = find_mediator(store, mediator_id)
            _update_keyring(
                store,
                lambda ring: ring.with_passphrase(
                    store.key, mediator_id, mediator.name if mediator else "", passphrase
                ),
            )
    return True


def set_role(store: Store, mediator_id: str, role: Role) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    with store._transaction():
        store.conn.execute(
            "UPDATE mediator_account SET role = ?, updated_at = ? WHERE mediator_id = ?",
            (role, utc_now(), mediator_id),
        )
        _refuse_no_admin(store)


def remove_account(store: Store, mediator_id: str) -> None:
    """Take away a mediator's access to this desk: their passphrase opens it no more."""
    with store._transaction():
        store.conn.execute("DELETE FROM mediator_account WHERE mediator_id = ?", (mediator_id,))
        _refuse_no_admin(store)
        _update_keyring(store, lambda ring: ring.without_mediator(mediator_id))


def _refuse_no_admin(store: Store) -> None:
    if (
        has_accounts(store)
        and not store.conn.execute("SELECT 1 FROM mediator_account WHERE role = 'admin'").fetchone()
    ):
        raise LastAdminError()


def _update_keyring(store: Store, change) -> None:
    """Apply ``change`` to the keyring of an encrypted database. Called inside the
    account's transaction: if the file cannot be written, the account is not changed."""
    if store.key is None or store.path is None:
        return
    from mediator_app.store.keyring import read_keyring, write_keyring

    write_keyring(store.path, change(read_keyring(store.path)))
