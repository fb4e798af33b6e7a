"""One bundle, one file: a desk's changes, signed by the desk and encrypted to the desks
(and recovery key) that may read them.

The file is a standard age file (X25519 recipients), so ``age -d -i recovery-key.txt``
opens it without Passerelle. Inside is an uncompressed tar archive of three members:

- ``changes.jsonl``: one change per line, compact UTF-8 JSON;
- ``manifest.json``: the caller's manifest plus ``format`` (``"passerelle-bundle"``),
  ``format_version``, ``signer`` (the origin desk's id), ``changes`` (the line count) and
  ``payload_sha256`` (SHA-256 of ``changes.jsonl``, hex);
- ``manifest.sig``: the 64-byte Ed25519 signature of the exact bytes of ``manifest.json``.

No compression: a plain tar of JSON lines stays readable by anyone holding the recovery key
with standard tools (``age -d … | tar -xO changes.jsonl``), and the payload hash is over
the very bytes a person sees; compression can come later with a new ``format_version``.

Nothing is held in memory whole: changes stream to a temporary plaintext file (in the
system's temporary folder, never in the target folder, which may be a USB stick or a
synced share), which is then encrypted file to file. A reader decrypts to a temporary
file too, and checks the signature and the payload hash before it hands out any change.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyrage import x25519

from mediator_app.domain.ids import new_id
from mediator_app.domain.markers import N_
from mediator_app.domain.validation import MessageError
from mediator_app.sync.keys import _fsync_folder

if TYPE_CHECKING:
    from mediator_app.sync.keys import DeskKeys

BUNDLE_FORMAT = "passerelle-bundle"
#: The bundle file format this version writes and the newest it reads.
BUNDLE_FORMAT_VERSION = 1

CHANGES_NAME = "changes.jsonl"
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"

_CHUNK_BYTES = 1 << 20
_MANIFEST_MAX_BYTES = 4 << 20
#: A bundle holds three members; a file with many more is not one of ours.
_MAX_MEMBERS = 16
_SIGNATURE_BYTES = 64
_AGE_NO_MATCHING_KEY = "No matching keys found"

_REFUSALS = {
    "damaged": N_("This file is damaged or is not a Passerelle bundle."),
    "not_for_this_desk": N_(
        "This bundle was not encrypted for this desk: enrol this desk on the desk that made it."
    ),
    "unsigned": N_("This bundle is not signed: it is refused."),
    "tampered": N_("This bundle was changed after it was made: it is refused."),
    "unknown_signer": N_("This bundle comes from a desk that is not enrolled here."),
    "too_new": N_("This bundle was made by a newer version of Passerelle. Update this desk first."),
}


class BundleError(MessageError):
    """A bundle refused, with a ``reason`` code (one of ``REASONS``) for the program and a
    message in plain words for the mediator. ``signer`` is the desk id the manifest
    names, when it got that far (for ``unknown_signer``: the caller may tell a revoked
    desk apart and say so)."""

    REASONS = tuple(_REFUSALS)

    def __init__(self, reason: str, *, signer: str | None = None):
        self.reason = reason
        self.signer = signer
        super().__init__(_REFUSALS[reason])


@dataclass(frozen=True)
class BundleSummary:
    """What ``write_bundle`` made: the file, its bundle id, its change count and size."""

    path: Path
    bundle_id: str
    changes: int
    bytes: int


def write_bundle(
    path: Path,
    manifest: dict[str, Any],
    changes: Iterable[dict[str, Any]],
    *,
    keys: DeskKeys,
    recipients: Sequence[str],
) -> BundleSummary:
    """Write ``changes`` and ``manifest`` as one signed bundle at ``path``, encrypted to
    every age recipient in ``recipients``.

    ``manifest`` must name ``origin_desk`` (the signer); a ``bundle_id`` is made when it
    has none. ``changes`` is consumed once, as it comes, so it may be a generator over
    the database. The file appears whole or not at all: it is written as a hidden
    ``.part`` file in the same folder, flushed to disk and renamed; if ``changes`` raises,
    nothing is left behind and the error propagates. Raises ``ValueError`` for an empty or
    malformed recipient list, ``OSError`` when the folder cannot be written.
    """
    path = Path(path)
    if not recipients:
        raise ValueError("a bundle needs at least one recipient")
    try:
        age_recipients = [x25519.Recipient.from_str(text) for text in recipients]
    except pyrage.RecipientError as error:
        raise ValueError(f"not an age recipient among {list(recipients)!r}") from error
    manifest = dict(manifest)
    signer = manifest.get("origin_desk")
    if not isinstance(signer, str) or not signer:
        raise ValueError("the manifest must name its origin_desk")
    manifest.setdefault("bundle_id", new_id())
    with (
        tempfile.TemporaryDirectory(prefix="passerelle-bundle-") as work,
        open(Path(work) / "bundle.tar", "w+b") as plaintext,
    ):
        count = _write_plaintext(plaintext, manifest, signer, changes, keys)
        plaintext.seek(0)
        size = _encrypt_atomically(plaintext, path, age_recipients)
    return BundleSummary(path=path, bundle_id=manifest["bundle_id"], changes=count, bytes=size)


def _write_plaintext(
    out: IO[bytes],
    manifest: dict[str, Any],
    signer: str,
    changes: Iterable[dict[str, Any]],
    keys: DeskKeys,
) -> int:
    """Write the tar archive to ``out``; returns the number of changes.

    ``changes.jsonl`` comes first and its size is known only at the end: a blank header
    block is reserved, the lines are streamed after it, and the real header is written
    over the blank one once the size is known.
    """
    start = out.tell()
    out.write(bytes(tarfile.BLOCKSIZE))
    digest = hashlib.sha256()
    count = size = 0
    for change in changes:
        line = (json.dumps(change, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        digest.update(line)
        out.write(line)
        size += len(line)
        count += 1
    out.write(bytes(-size % tarfile.BLOCKSIZE))
    manifest.update(
        {
            "format": BUNDLE_FORMAT,
            "format_version": BUNDLE_FORMAT_VERSION,
            "signer": signer,
            "changes": count,
            "payload_sha256": digest.hexdigest(),
        }
    )
    manifest_bytes = (
        json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    ).encode()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in (
            (MANIFEST_NAME, manifest_bytes),
            (SIGNATURE_NAME, keys.sign(manifest_bytes)),
        ):
            tar.addfile(_member(name, len(data)), io.BytesIO(data))
    end = out.tell()
    out.seek(start)
    out.write(_member(CHANGES_NAME, size).tobuf(tarfile.USTAR_FORMAT, "utf-8", "strict"))
    out.seek(end)
    out.flush()
    return count


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(time.time())
    info.mode = 0o644
    return info


def _encrypt_atomically(plaintext: IO[bytes], path: Path, recipients: list[Any]) -> int:
    """Encrypt ``plaintext`` to ``path`` through a hidden ``.part`` file in the same folder;
    returns the size of the file written."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            pyrage.encrypt_io(plaintext, out, recipients)
            out.flush()
            os.fsync(out.fileno())
            size = out.tell()
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(path.parent)
    return size


# --- Reading --------------------------------------------------------------------------


def open_bundle(
    path: Path,
    *,
    identities: Sequence[str | x25519.Identity],
    trusted: Callable[[str], bytes | None],
) -> OpenedBundle:
    """Decrypt and check the bundle at ``path``; raises ``BundleError`` if it is refused.

    ``identities`` are the age identities that may open it (``AGE-SECRET-KEY-1…`` texts
    or pyrage identities). ``trusted(desk_id)`` gives the raw Ed25519 public key of a
    desk whose bundles are accepted here, or ``None``: it must return ``None`` for a
    revoked desk too (the refusal is then ``unknown_signer``, and ``BundleError.signer``
    lets the caller say "revoked" instead). ``keys.trusted_signer(store)`` is one.

    Checks, in this order: age decryption (``not_for_this_desk``, ``damaged``), the
    archive and its manifest (``damaged``), the format version (``too_new``), the
    signature (``unsigned``, ``unknown_signer``, ``tampered``), then the payload's hash
    and count (``tampered``), all before any change is handed out. Use the result as a
    context manager (or call ``close()``): it holds a decrypted temporary file.
    """
    parsed = [
        identity if isinstance(identity, x25519.Identity) else x25519.Identity.from_str(identity)
        for identity in identities
    ]
    work = tempfile.TemporaryDirectory(prefix="passerelle-bundle-")
    try:
        plaintext = Path(work.name) / "bundle.tar"
        _decrypt(Path(path), plaintext, parsed)
        return OpenedBundle(Path(path), plaintext, work, trusted)
    except BaseException:
        work.cleanup()
        raise


def _decrypt(path: Path, plaintext: Path, identities: list[x25519.Identity]) -> None:
    """Decrypt file to file. age authenticates every 64 KiB chunk and the end of the
    stream, so a truncated or altered file fails here. age hides who a file is for: a
    byte altered inside this desk's own recipient entry looks like a file for others.

    pyrage reports a bad header as ``DecryptError`` and a bad payload chunk as an
    ``OSError`` without ``errno``; a real input/output error (a USB stick pulled out, a
    full disk) stays an ``OSError`` and is not taken for a damaged bundle.
    """
    with open(path, "rb") as source, open(plaintext, "wb") as out:
        try:
            pyrage.decrypt_io(source, out, identities)
        except pyrage.DecryptError as error:
            text = str(error)
            if text.startswith("OSError"):  # reading the bundle failed
                raise OSError(text) from error
            if _AGE_NO_MATCHING_KEY in text:
                raise BundleError("not_for_this_desk") from error
            raise BundleError("damaged") from error
        except OSError as error:
            if error.errno is not None:
                raise
            raise BundleError("damaged") from error


class OpenedBundle:
    """A bundle that passed every check: its ``manifest`` and its ``changes()``."""

    def __init__(
        self,
        path: Path,
        plaintext: Path,
        work: tempfile.TemporaryDirectory[str],
        trusted: Callable[[str], bytes | None],
    ):
        self.path = path
        self._work = work
        try:
            # Open for the bundle's lifetime; ``close()`` closes it.
            self._tar = tarfile.open(plaintext, mode="r:")  # noqa: SIM115
        except (tarfile.TarError, EOFError) as error:
            raise BundleError("damaged") from error
        try:
            self._members = self._read_members()
            self.manifest: dict[str, Any] = self._read_manifest()
            self.signer: str = self._check_signature(trusted)
            self._check_payload()
        except BaseException:
            self._tar.close()
            raise

    @property
    def bundle_id(self) -> str | None:
        value = self.manifest.get("bundle_id")
        return value if isinstance(value, str) else None

    def changes(self) -> Iterator[dict[str, Any]]:
        """The changes in the order they were written, read from disk as they are used."""
        source = self._tar.extractfile(self._members[CHANGES_NAME])
        assert source is not None
        with source:
            for line in source:
                try:
                    change = json.loads(line)
                except (ValueError, RecursionError) as error:  # or nested too deep
                    raise BundleError("damaged") from error
                if not isinstance(change, dict):
                    raise BundleError("damaged")
                yield change

    def close(self) -> None:
        """Remove the decrypted temporary file. The bundle must not be read after."""
        self._tar.close()
        self._work.cleanup()

    def __enter__(self) -> OpenedBundle:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _read_members(self) -> dict[str, tarfile.TarInfo]:
        members: dict[str, tarfile.TarInfo] = {}
        try:
            for index, member in enumerate(self._tar):
                if index >= _MAX_MEMBERS or member.name in members:
                    raise BundleError("damaged")
                members[member.name] = member
        except (tarfile.TarError, EOFError) as error:
            raise BundleError("damaged") from error
        return members

    def _read_bytes(self, name: str, limit: int) -> bytes | None:
        member = self._members.get(name)
        if member is None or not member.isreg():
            return None
        if member.size > limit:
            raise BundleError("damaged")
        source = self._tar.extractfile(member)
        assert source is not None
        with source:
            return source.read()

    def _read_manifest(self) -> dict[str, Any]:
        data = self._read_bytes(MANIFEST_NAME, _MANIFEST_MAX_BYTES)
        if data is None:
            raise BundleError("damaged")
        self._manifest_bytes = data
        try:
            manifest = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
            raise BundleError("damaged") from error
        if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
            raise BundleError("damaged")
        version = manifest.get("format_version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise BundleError("damaged")
        if version > BUNDLE_FORMAT_VERSION:
            raise BundleError("too_new")
        return manifest

    def _check_signature(self, trusted: Callable[[str], bytes | None]) -> str:
        signer = self.manifest.get("signer")
        signature = self._read_bytes(SIGNATURE_NAME, 1024)
        if signature is None or not isinstance(signer, str) or not signer:
            raise BundleError("unsigned")
        public_key = trusted(signer)
        if public_key is None:
            raise BundleError("unknown_signer", signer=signer)
        if len(signature) != _SIGNATURE_BYTES:
            raise BundleError("tampered", signer=signer)
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(signature, self._manifest_bytes)
        except InvalidSignature as error:
            raise BundleError("tampered", signer=signer) from error
        if self.manifest.get("origin_desk") != signer:
            raise BundleError("tampered", signer=signer)
        return signer

    def _check_payload(self) -> None:
        """Hash ``changes.jsonl`` whole (it is a local file) before any change is used."""
        member = self._members.get(CHANGES_NAME)
        if member is None or not member.isreg():
            raise BundleError("tampered", signer=self.signer)
        source = self._tar.extractfile(member)
        assert source is not None
        digest = hashlib.sha256()
        lines = 0
        with source:
            while chunk := source.read(_CHUNK_BYTES):
                digest.update(chunk)
                lines += chunk.count(b"\n")
        expected = (self.manifest.get("payload_sha256"), self.manifest.get("changes"))
        if (digest.hexdigest(), lines) != expected:
            raise BundleError("tampered", signer=self.signer)
