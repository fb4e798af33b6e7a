"""The keyring of an encrypted database: its data key, wrapped once per mediator and once
per recovery key, in a small file beside the database (``<database>.keys``).

The database is encrypted with one random 256-bit data key that never changes. Each
mediator's passphrase derives a key (argon2id) that wraps the data key
(ChaCha20-Poly1305); each recovery key of the centre wraps it with age. Adding or
removing a mediator rewrites this file only, never the data. The file holds no secret
in the clear: without a passphrase or a recovery key it opens nothing.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pyrage
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from pyrage import x25519

from mediator_app.domain.markers import N_
from mediator_app.store.errors import StoreError

KEYRING_SUFFIX = ".keys"
FORMAT = "passerelle-keyring"
FORMAT_VERSION = 1
DATA_KEY_BYTES = 32

#: argon2id costs: about a quarter of a second and 64 MiB on a modest laptop, paid
#: once per unlock; the OWASP recommendation for argon2id is at least 19 MiB, t=2.
KDF_TIME_COST = 3
KDF_MEMORY_KIB = 64 * 1024
KDF_PARALLELISM = 2


class KeyringError(StoreError):
    """The keyring refused: wrong passphrase, damaged file..."""


class WrongPassphraseError(KeyringError):
    message = N_("This passphrase does not open the database.")


class WrongRecoveryKeyError(KeyringError):
    message = N_("This recovery key does not open the database.")


class DamagedKeyringError(KeyringError):
    message = N_(
        "The key file %(path)s is damaged or is not a Passerelle key file: the database "
        "cannot be opened without it. Restore it from a backup."
    )


class NoKeyringError(KeyringError):
    message = N_(
        "The database %(path)s is encrypted but its key file is missing. Put the file "
        "%(keys)s back beside it (a backup folder holds a copy)."
    )


@dataclass(frozen=True)
class PassphraseSlot:
    """The data key wrapped by a key derived from one mediator's passphrase."""

    mediator_id: str
    name: str
    salt: str
    nonce: str
    wrapped: str
    time_cost: int = KDF_TIME_COST
    memory_kib: int = KDF_MEMORY_KIB
    parallelism: int = KDF_PARALLELISM


@dataclass(frozen=True)
class RecoverySlot:
    """The data key encrypted with age to one of the centre's recovery keys."""

    recipient: str
    name: str
    wrapped: str


@dataclass(frozen=True)
class Keyring:
    passphrases: tuple[PassphraseSlot, ...] = ()
    recoveries: tuple[RecoverySlot, ...] = ()

    # --- Opening -----------------------------------------------------------------

    def unlock(self, passphrase: str, mediator_id: str | None = None) -> tuple[bytes, str]:
        """The data key and the id of the mediator whose passphrase opened it; only
        ``mediator_id``'s slot is tried when given. ``WrongPassphraseError`` otherwise."""
        for slot in self.passphrases:
            if mediator_id is not None and slot.mediator_id != mediator_id:
                continue
            key = _unwrap(slot, passphrase)
            if key is not None:
                return key, slot.mediator_id
        raise WrongPassphraseError()

    def unlock_with_recovery(self, identity_text: str) -> bytes:
        """The data key, opened with the text of a recovery key file (age identity)."""
        identities = []
        for line in identity_text.splitlines():
            line = line.strip()
            if line.startswith("AGE-SECRET-KEY-"):
                with contextlib.suppress(Exception):
                    identities.append(x25519.Identity.from_str(line))
        if not identities:
            raise WrongRecoveryKeyError()
        for slot in self.recoveries:
            try:
                key = pyrage.decrypt(base64.b64decode(slot.wrapped), identities)
            except pyrage.DecryptError:
                continue
            if len(key) == DATA_KEY_BYTES:
                return key
        raise WrongRecoveryKeyError()

    def holds(self, mediator_id: str) -> bool:
        return any(slot.mediator_id == mediator_id for slot in self.passphrases)

    @property
    def mediators(self) -> list[tuple[str, str]]:
        """(id, name) of the mediators who can open the database, by name."""
        return sorted(
            ((slot.mediator_id, slot.name) for slot in self.passphrases),
            key=lambda item: item[1].casefold(),
        )

    # --- Changing (each returns a new keyring) --------------------------------------

    def with_passphrase(
        self, data_key: bytes, mediator_id: str, name: str, passphrase: str
    ) -> Keyring:
        """This keyring where ``mediator_id``'s passphrase (new or changed) opens it."""
        others = tuple(slot for slot in self.passphrases if slot.mediator_id != mediator_id)
        return replace(self, passphrases=(*others, _wrap(data_key, mediator_id, name, passphrase)))

    def without_mediator(self, mediator_id: str) -> Keyring:
        return replace(
            self,
            passphrases=tuple(s for s in self.passphrases if s.mediator_id != mediator_id),
        )

    def with_recovery(self, data_key: bytes, recipient: str, name: str) -> Keyring:
        """This keyring where the recovery key of public key ``recipient`` opens it."""
        if any(slot.recipient == recipient for slot in self.recoveries):
            return self
        wrapped = pyrage.encrypt(data_key, [x25519.Recipient.from_str(recipient)])
        slot = RecoverySlot(recipient, name, base64.b64encode(wrapped).decode("ascii"))
        return replace(self, recoveries=(*self.recoveries, slot))

    # --- File ------------------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "passphrases": [asdict(slot) for slot in self.passphrases],
                "recoveries": [asdict(slot) for slot in self.recoveries],
            },
            indent=1,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str, *, shown_as: str = "") -> Keyring:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
                raise ValueError("not a keyring of this version")
            return cls(
                tuple(PassphraseSlot(**slot) for slot in data["passphrases"]),
                tuple(RecoverySlot(**slot) for slot in data["recoveries"]),
            )
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise DamagedKeyringError(path=shown_as) from error


def new_data_key() -> bytes:
    return secrets.token_bytes(DATA_KEY_BYTES)


def keyring_path(database: Path | str) -> Path:
    database = Path(database)
    return database.with_name(database.name + KEYRING_SUFFIX)


def read_keyring(database: Path | str) -> Keyring:
    """The keyring beside ``database``; ``NoKeyringError`` when there is none."""
    path = keyring_path(database)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NoKeyringError(path=str(database), keys=str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise DamagedKeyringError(path=str(path)) from error
    return Keyring.from_json(text, shown_as=str(path))


def write_keyring(database: Path | str, keyring: Keyring) -> Path:
    """Write the keyring beside ``database`` atomically (mode 0600)."""
    return write_keyring_file(keyring_path(database), keyring)


def write_keyring_file(path: Path, keyring: Keyring) -> Path:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(keyring.to_json())
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _derive(passphrase: str, salt: bytes, time_cost: int, memory_kib: int, lanes: int) -> bytes:
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=lanes,
        hash_len=32,
        type=Type.ID,
    )


def _associated_data(mediator_id: str) -> bytes:
    # Binds a wrapped key to its mediator: a slot copied under another name fails.
    return f"{FORMAT}/{FORMAT_VERSION}/{mediator_id}".encode()


def _wrap(data_key: bytes, mediator_id: str, name: str, passphrase: str) -> PassphraseSlot:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    wrapping_key = _derive(passphrase, salt, KDF_TIME_COST, KDF_MEMORY_KIB, KDF_PARALLELISM)
    wrapped = ChaCha20Poly1305(wrapping_key).encrypt(nonce, data_key, _associated_data(mediator_id))
    return PassphraseSlot(
        mediator_id=mediator_id,
        name=name,
        salt=_b64(salt),
        nonce=_b64(nonce),
        wrapped=_b64(wrapped),
    )


def _unwrap(slot: PassphraseSlot, passphrase: str) -> bytes | None:
    try:
        wrapping_key = _derive(
            passphrase,
            base64.b64decode(slot.salt),
            slot.time_cost,
            slot.memory_kib,
            slot.parallelism,
        )
        return ChaCha20Poly1305(wrapping_key).decrypt(
            base64.b64decode(slot.nonce),
            base64.b64decode(slot.wrapped),
            _associated_data(slot.mediator_id),
        )
    except (InvalidTag, ValueError):
        return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
