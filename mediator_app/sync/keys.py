"""This desk's keys, the public cards desks exchange to enrol each other, the centre's
recovery key, and who a bundle is encrypted to.

A desk has two keys, made once and kept in the local ``desk_secret`` table: an Ed25519 key
that signs its bundles and an age X25519 identity that opens the bundles sent to it. Its
*card* carries only the public halves; a person enrols a card on another desk after
comparing its fingerprint (six groups of five digits) on both screens. The recovery key is
an age identity written to a file for the centre to keep offline: every bundle is also
encrypted to it, and the standard ``age`` tool opens a bundle with it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pyrage
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from pyrage import x25519

from mediator_app.domain.ids import new_id
from mediator_app.domain.markers import N_
from mediator_app.domain.validation import MessageError
from mediator_app.store.changes import utc_now
from mediator_app.store.encryption import add_recovery_slot
from mediator_app.store.errors import NotFoundError

if TYPE_CHECKING:
    from mediator_app.store.database import Desk, Store

Role = Literal["desk", "coordinator", "recovery"]
ROLES: tuple[str, ...] = ("desk", "coordinator", "recovery")

CARD_FORMAT = "passerelle-desk-card"
CARD_VERSION = 1
#: A card is a few hundred bytes; anything much bigger is not one.
_CARD_MAX_BYTES = 64 * 1024
_FINGERPRINT_DOMAIN = b"passerelle-desk-card-fingerprint/1\n"


class CardError(MessageError):
    """A desk card that cannot be read or enrolled, said in plain words."""

    message = N_("This desk card cannot be used.")


class RecoveryKeyError(MessageError):
    """The recovery key cannot be written where it was asked."""

    message = N_("The recovery key could not be written.")


# Messages of CardError, named once so that tests and callers can compare them.
NOT_A_CARD = N_("This file is not a Passerelle desk card.")
DAMAGED_CARD = N_("This desk card is damaged: ask for a new one.")
NEWER_CARD = N_("This desk card was made by a newer version of Passerelle. Update this desk first.")
OWN_CARD = N_("This is this desk's own card: enrol it on the other desks, not here.")
OTHER_CENTRE = N_("This card belongs to another centre.")
REVOKED_PEER = N_(
    "“%(name)s” was revoked on this desk and cannot be enrolled again. Make a new card "
    "on a desk that is set up afresh."
)
CHANGED_KEYS = N_(
    "This card claims to be “%(name)s”, which is already enrolled here with other keys: "
    "it is refused."
)


# --- This desk's keys ---------------------------------------------------------------


class DeskKeys:
    """This desk's secret keys. They must never leave the desk nor be logged."""

    def __init__(self, signing_key: Ed25519PrivateKey, age_identity: x25519.Identity):
        self.signing_key = signing_key
        self.age_identity = age_identity

    @property
    def signing_public(self) -> bytes:
        """The raw 32-byte Ed25519 public key that checks this desk's signatures."""
        return self.signing_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def age_recipient(self) -> str:
        """The ``age1…`` recipient other desks encrypt to."""
        return str(self.age_identity.to_public())

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``data``."""
        return self.signing_key.sign(data)

    def __repr__(self) -> str:  # never print the secrets
        return f"DeskKeys(age_recipient={self.age_recipient!r})"


def desk_keys(store: Store) -> DeskKeys:
    """This desk's keys, made on the first call and the same ever after."""
    row = _read_secret(store)
    if row is None:
        with store._transaction():
            # Read again under the write lock: another process may have made them.
            row = _read_secret(store)
            if row is None:
                signing = Ed25519PrivateKey.generate().private_bytes(
                    serialization.Encoding.Raw,
                    serialization.PrivateFormat.Raw,
                    serialization.NoEncryption(),
                )
                identity = str(x25519.Identity.generate())
                store.conn.execute(
                    "INSERT INTO desk_secret (singleton, signing_key, age_identity, "
                    "created_at) VALUES (1, ?, ?, ?)",
                    (signing, identity, utc_now()),
                )
                row = (signing, identity)
    signing_raw, identity_text = row
    return DeskKeys(
        Ed25519PrivateKey.from_private_bytes(bytes(signing_raw)),
        x25519.Identity.from_str(identity_text),
    )


def _read_secret(store: Store) -> tuple[bytes, str] | None:
    return store.conn.execute(
        "SELECT signing_key, age_identity FROM desk_secret WHERE singleton = 1"
    ).fetchone()


# --- Cards ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskCard:
    """The public side of a desk, a coordinator or a recovery key, as exchanged on a file.

    ``signing_key`` is the raw 32-byte Ed25519 public key; a recovery key signs nothing
    and has none.
    """

    desk_id: str
    centre_id: str
    role: str
    name: str
    signing_key: bytes | None
    age_recipient: str

    def to_bytes(self) -> bytes:
        """The card as a small UTF-8 JSON file."""
        return (json.dumps(self._public_fields(), ensure_ascii=False, indent=2) + "\n").encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> DeskCard:
        """Read a card written by ``to_bytes``; raises ``CardError`` for anything else."""
        if len(data) > _CARD_MAX_BYTES:
            raise CardError(NOT_A_CARD)
        try:
            fields = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError) as error:  # not UTF-8 JSON, or nested too deep
            raise CardError(NOT_A_CARD) from error
        if not isinstance(fields, dict) or fields.get("format") != CARD_FORMAT:
            raise CardError(NOT_A_CARD)
        version = fields.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise CardError(DAMAGED_CARD)
        if version > CARD_VERSION:
            raise CardError(NEWER_CARD)
        try:
            return _card_from_fields(fields)
        except (KeyError, TypeError, ValueError, binascii.Error, pyrage.RecipientError) as error:
            raise CardError(DAMAGED_CARD) from error

    def _public_fields(self) -> dict[str, Any]:
        return {
            "format": CARD_FORMAT,
            "version": CARD_VERSION,
            "desk_id": self.desk_id,
            "centre_id": self.centre_id,
            "role": self.role,
            "name": self.name,
            "signing_key": (
                base64.b64encode(self.signing_key).decode("ascii")
                if self.signing_key is not None
                else None
            ),
            "age_recipient": self.age_recipient,
        }


def _card_from_fields(fields: dict[str, Any]) -> DeskCard:
    """Check every field of a card; raises ``ValueError`` (or kin) for a bad one."""
    texts = {name: fields[name] for name in ("desk_id", "centre_id", "role", "name")}
    if not all(isinstance(value, str) and 0 < len(value) <= 200 for value in texts.values()):
        raise ValueError("a card field is not a short text")
    if texts["role"] not in ROLES:
        raise ValueError("unknown role")
    encoded_key = fields["signing_key"]
    signing_key: bytes | None = None
    if texts["role"] == "recovery":
        if encoded_key is not None:
            raise ValueError("a recovery card has no signing key")
    else:
        if not isinstance(encoded_key, str):
            raise ValueError("missing signing key")
        signing_key = base64.b64decode(encoded_key, validate=True)
        Ed25519PublicKey.from_public_bytes(signing_key)  # raises for a wrong length
    recipient = fields["age_recipient"]
    if not isinstance(recipient, str) or str(x25519.Recipient.from_str(recipient)) != recipient:
        raise ValueError("bad age recipient")
    return DeskCard(
        desk_id=texts["desk_id"],
        centre_id=texts["centre_id"],
        role=texts["role"],
        name=texts["name"],
        signing_key=signing_key,
        age_recipient=recipient,
    )


def card_for_this_desk(store: Store) -> DeskCard:
    """This desk's card, to enrol it on the other desks of its centre."""
    desk = store.ensure_desk()
    keys = desk_keys(store)
    return DeskCard(
        desk_id=desk.id,
        centre_id=desk.centre_id,
        role="coordinator" if desk.is_coordinator else "desk",
        name=desk.name,
        signing_key=keys.signing_public,
        age_recipient=keys.age_recipient,
    )


def fingerprint(card: DeskCard) -> str:
    """Six groups of five digits that two people compare by eye, in any language and
    script, before a card is enrolled: the same card always gives the same digits, and a
    card with any other public field gives others."""
    digits = _fingerprint_digits(card)
    return " ".join(digits[index : index + 5] for index in range(0, 30, 5))


def fingerprint_qr_text(card: DeskCard) -> str:
    """The fingerprint's 30 digits without spaces (QR codes store digits compactly)."""
    return _fingerprint_digits(card)


def _fingerprint_digits(card: DeskCard) -> str:
    canonical = json.dumps(
        card._public_fields(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    digest = hashlib.sha256(_FINGERPRINT_DOMAIN + canonical).digest()
    # Each group: 40 bits reduced to five digits (bias below 1e-7), ~100 bits in all.
    return "".join(
        f"{int.from_bytes(digest[index : index + 5], 'big') % 100_000:05d}"
        for index in range(0, 30, 5)
    )


# --- Enrolment ------------------------------------------------------------------------


@dataclass(frozen=True)
class Peer:
    """A desk, coordinator or recovery key enrolled here (a row of ``peer``)."""

    id: str
    centre_id: str
    role: str
    name: str
    signing_key: bytes | None
    age_recipient: str
    enrolled_at: str
    revoked_at: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


_PEER_COLUMNS = "id, centre_id, role, name, signing_key, age_recipient, enrolled_at, revoked_at"


def _peer_from_row(row: tuple[Any, ...]) -> Peer:
    signing_key = bytes(row[4]) if row[4] is not None else None
    return Peer(row[0], row[1], row[2], row[3], signing_key, *row[5:])


def enroll(store: Store, card: DeskCard) -> Peer:
    """Enrol ``card`` here, or refresh the peer it already is; returns the peer.

    A desk card of another centre makes this desk join that centre while it holds no data
    yet (a desk being set up); once it holds data such a card is refused. Coordinator and
    recovery cards may belong to any centre. This desk's own card, a revoked peer and a
    card that gives an enrolled peer other keys are refused with ``CardError``.
    """
    with store._transaction():
        desk = _this_desk(store)
        if card.desk_id == desk.id:
            raise CardError(OWN_CARD)
        existing = peer(store, card.desk_id)
        if existing is not None:
            if existing.revoked:
                raise CardError(REVOKED_PEER, name=existing.name)
            if (existing.signing_key, existing.age_recipient) != (
                card.signing_key,
                card.age_recipient,
            ):
                raise CardError(CHANGED_KEYS, name=existing.name)
        if card.role == "desk" and card.centre_id != desk.centre_id and not desk.is_coordinator:
            if _holds_data(store):
                raise CardError(OTHER_CENTRE)
            store.conn.execute(
                "UPDATE desk SET centre_id = ? WHERE id = ?", (card.centre_id, desk.id)
            )
        if existing is None:
            store.conn.execute(
                f"INSERT INTO peer ({_PEER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                (
                    card.desk_id,
                    card.centre_id,
                    card.role,
                    card.name,
                    card.signing_key,
                    card.age_recipient,
                    utc_now(),
                ),
            )
        else:
            store.conn.execute(
                "UPDATE peer SET centre_id = ?, role = ?, name = ? WHERE id = ?",
                (card.centre_id, card.role, card.name, card.desk_id),
            )
        if card.role == "recovery":
            add_recovery_slot(store, card.age_recipient, card.name)
    enrolled = peer(store, card.desk_id)
    assert enrolled is not None
    return enrolled


def revoke(store: Store, peer_id: str) -> Peer:
    """Revoke a peer: it receives no more bundles and its later bundles are refused.
    Raises ``NotFoundError`` for an unknown id; revoking twice keeps the first date."""
    with store._transaction():
        cursor = store.conn.execute(
            "UPDATE peer SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
            (utc_now(), peer_id),
        )
        if cursor.rowcount == 0:
            raise NotFoundError(id=peer_id)
    revoked = peer(store, peer_id)
    assert revoked is not None
    return revoked


def peers(store: Store, role: str | None = None, include_revoked: bool = False) -> list[Peer]:
    """The enrolled peers, by role then name; revoked ones only when asked."""
    conditions, params = [], []
    if role is not None:
        conditions.append("role = ?")
        params.append(role)
    if not include_revoked:
        conditions.append("revoked_at IS NULL")
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = store.conn.execute(
        f"SELECT {_PEER_COLUMNS} FROM peer {where} ORDER BY role, name, id", params
    ).fetchall()
    return [_peer_from_row(row) for row in rows]


def peer(store: Store, peer_id: str) -> Peer | None:
    """The peer with this id, revoked or not, or ``None``."""
    row = store.conn.execute(
        f"SELECT {_PEER_COLUMNS} FROM peer WHERE id = ?", (peer_id,)
    ).fetchone()
    return _peer_from_row(row) if row else None


def trusted_signer(store: Store) -> Callable[[str], bytes | None]:
    """For ``open_bundle``: the public signing key of this desk or of a non-revoked desk
    of its centre, by desk id; ``None`` for anyone else (unknown, revoked, coordinator).
    The centre is read at each call, so a desk that joins one is seen at once."""
    this_desk = store.ensure_desk()
    own_key = desk_keys(store).signing_public

    def signing_key(signer_id: str) -> bytes | None:
        if signer_id == this_desk.id:
            return own_key
        found = peer(store, signer_id)
        if found is None or found.revoked or found.role != "desk":
            return None
        if found.centre_id != _this_desk(store).centre_id:
            return None
        return found.signing_key

    return signing_key


def _this_desk(store: Store) -> Desk:
    desk = store.desk
    return desk if desk is not None else store.ensure_desk()


def _holds_data(store: Store) -> bool:
    return store.conn.execute("SELECT 1 FROM change_log LIMIT 1").fetchone() is not None


# --- Recovery key and recipients ------------------------------------------------------


def write_recovery_key(store: Store, path: Path, name: str | None = None) -> DeskCard:
    """Make a recovery key for this desk's centre, write its secret to ``path`` (a
    standard age identity file, readable by its owner only) and enrol its public half.

    The secret is never kept in the database: whoever holds the file can open every
    bundle made afterwards, so it belongs offline. An existing file is never written
    over (``RecoveryKeyError``). ``name`` defaults to the file's name.
    """
    path = Path(path)
    if path.exists():
        raise RecoveryKeyError(
            N_("The file %(path)s already exists: choose another name for the recovery key."),
            path=str(path),
        )
    identity = x25519.Identity.generate()
    recipient = str(identity.to_public())
    created = datetime.now().astimezone().isoformat(timespec="seconds")
    text = f"# created: {created}\n# public key: {recipient}\n{identity}\n"
    card = DeskCard(
        desk_id=new_id(),
        centre_id=_this_desk(store).centre_id,
        role="recovery",
        name=name or path.name,
        signing_key=None,
        age_recipient=recipient,
    )
    with store._transaction():
        store.conn.execute(
            f"INSERT INTO peer ({_PEER_COLUMNS}) VALUES (?, ?, 'recovery', ?, NULL, ?, ?, NULL)",
            (card.desk_id, card.centre_id, card.name, recipient, utc_now()),
        )
        # Written inside the transaction: if the file cannot be written, nothing is enrolled.
        try:
            _write_private_file(path, text.encode("ascii"))
        except OSError as error:
            raise RecoveryKeyError(
                N_("The recovery key could not be written to %(path)s (%(reason)s)."),
                path=str(path),
                reason=error.strerror or str(error),
            ) from error
        # An encrypted desk's database opens with it too.
        add_recovery_slot(store, recipient, card.name)
    return card


def _write_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, with mode 0600: a temporary file in the same
    folder (``mkstemp`` makes it 0600), flushed to disk, then renamed over ``path``."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable where the system allows it (not on Windows)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(handle)
    finally:
        os.close(handle)


def recipients_for(store: Store, purpose: str = "replication") -> list[str]:
    """The age recipients a bundle for ``purpose`` is encrypted to, without repeats.

    ``"replication"``: every non-revoked desk of this centre, the recovery keys and this
    desk itself (so it can reread its own outbox). ``"coordinator"``: the coordinators and
    the recovery keys; empty when no coordinator is enrolled.
    """
    recovery = [found.age_recipient for found in peers(store, role="recovery")]
    if purpose == "replication":
        centre_id = _this_desk(store).centre_id
        desks = [
            found.age_recipient
            for found in peers(store, role="desk")
            if found.centre_id == centre_id
        ]
        chosen = [desk_keys(store).age_recipient, *desks, *recovery]
    elif purpose == "coordinator":
        coordinators = [found.age_recipient for found in peers(store, role="coordinator")]
        chosen = [*coordinators, *recovery] if coordinators else []
    else:
        raise ValueError(f"unknown purpose {purpose!r}")
    return list(dict.fromkeys(chosen))
