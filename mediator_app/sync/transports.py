"""The transports that carry bundle files between the desks of a centre: a folder (a USB
stick, or a folder that Nextcloud desktop or Syncthing keeps in sync) and a WebDAV share.

A transport moves opaque ``*.pbundle`` files and nothing else. A reader never sees half a
file: a folder gets a hidden temporary copy renamed into place, a WebDAV share gets a
temporary upload moved into place. Bundles are immutable and carry their own id, so
sending one twice, or listing a sync tool's conflict copy of one, is harmless.

Failures the mediator can act on raise :class:`TransportError`, whose ``reason`` tells
the caller what to do (``"unreachable"``: keep the bundle in the outbox and try later).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import ssl
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlsplit

import httpx
import keyring
import keyring.errors

from mediator_app import __version__
from mediator_app.domain.markers import N_
from mediator_app.domain.validation import MessageError

_log = logging.getLogger(__name__)

BUNDLE_SUFFIX = ".pbundle"

#: ``progress(bytes_done, bytes_total)``, called after each chunk of a send; raise from
#: it to cancel the send (the exception propagates, no final file is left behind).
Progress = Callable[[int, int], None]

_CHUNK_BYTES = 1024 * 1024
_REACHABILITY_TIMEOUT_S = 5.0
# Nextcloud and ownCloud refuse to store files named *.part or *.filepart (their own
# upload temporaries), so the WebDAV upload goes to another name before its MOVE.
_WEBDAV_TEMP_SUFFIX = ".uploading"
_DAV = "{DAV:}"
_PROPFIND_BODY = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<d:propfind xmlns:d="DAV:"><d:prop>'
    b"<d:resourcetype/><d:getcontentlength/><d:getlastmodified/>"
    b"</d:prop></d:propfind>"
)

_WRONG_PASSWORD = N_("The server refused the user name or password.")
_NO_PASSWORD = N_("No password is saved for %(user)s on %(path)s.")
_UNREACHABLE = N_(
    "The server cannot be reached. Bundles wait in the outbox until the connection is back."
)
_CERTIFICATE = N_(
    "The identity of the server %(path)s cannot be verified: its security certificate is "
    "not valid. Check the address, or ask the person who runs the server."
)
_SERVER_ERROR = N_("The server answered with an error (%(status)s).")
_FORBIDDEN = N_("The server does not let this account use the folder %(path)s.")
_REDIRECTED = N_(
    "The server sends Passerelle to another address (%(location)s). Check the address of the share."
)
_TOO_LARGE = N_(
    "The server refuses a file this large. Ask the person who runs it to raise the upload limit."
)
_BAD_ADDRESS = N_("%(url)s is not a web address: it must start with https:// or http://.")
_NOT_FOUND = N_("The bundle %(name)s is no longer in %(path)s.")
_NO_REMOTE_FOLDER = N_(
    "The folder %(path)s does not exist on the server and cannot be created there."
)
_DISK_FULL = N_("There is no space left in %(path)s. Free some space, or ask for a larger quota.")
_FOLDER_MISSING = N_(
    "The folder %(path)s cannot be found. If it is on a USB stick, check that the stick "
    "is plugged in."
)
_FOLDER_UNWRITABLE = N_("The folder %(path)s cannot be written (%(reason)s).")
_FOLDER_UNREADABLE = N_("The folder %(path)s cannot be read (%(reason)s).")

_REASON_MESSAGES = {
    "wrong_password": _WRONG_PASSWORD,
    "no_password": _NO_PASSWORD,
    "unreachable": _UNREACHABLE,
    "certificate": _CERTIFICATE,
    "server_error": _SERVER_ERROR,
    "forbidden": _FORBIDDEN,
    "redirected": _REDIRECTED,
    "too_large": _TOO_LARGE,
    "bad_address": _BAD_ADDRESS,
    "not_found": _NOT_FOUND,
    "disk_full": _DISK_FULL,
    "folder_error": _FOLDER_UNWRITABLE,
}
#: Every ``TransportError.reason``. "unreachable" is the only one that heals by itself
#: (connection back, stick plugged in): keep bundles in the outbox and try later.
REASONS = frozenset(_REASON_MESSAGES)


class TransportError(MessageError):
    """A bundle could not be carried for a reason that is not a bug: ``reason`` (one of
    :data:`REASONS`) says what the caller can do; the message says it to the mediator.
    The message never contains a password."""

    message = _SERVER_ERROR

    def __init__(self, reason: str, message: str | None = None, /, **params: Any):
        if reason not in REASONS:
            raise ValueError(f"unknown transport error reason {reason!r}")
        self.reason = reason
        super().__init__(message or _REASON_MESSAGES[reason], **params)


@dataclass(frozen=True)
class RemoteBundle:
    """A complete bundle file as the transport lists it; ``modified`` is in UTC, None when
    the server does not say."""

    name: str
    size: int
    modified: datetime | None


class Transport(Protocol):
    """Carries bundle files; ``name`` says where, in messages."""

    name: str

    def list_bundles(self) -> list[RemoteBundle]:
        """The complete bundles there, by name: never a temporary or half-written file."""
        ...

    def fetch(self, name: str, destination: Path) -> Path:
        """Copy bundle ``name`` into the folder ``destination`` (made if missing) and
        return its path there; the file appears whole or not at all."""
        ...

    def send(self, local: Path, progress: Progress | None = None) -> str:
        """Put ``local`` there under its own name, so that no reader ever sees half of
        it, and return that name. Sending a bundle already there succeeds."""
        ...

    def delete(self, name: str) -> None:
        """Remove bundle ``name``; a bundle already gone is not an error."""
        ...

    def is_reachable(self) -> bool:
        """Whether bundles can be carried now: a cheap check, no transfer."""
        ...


def is_bundle_name(name: str) -> bool:
    """Whether ``name`` is a complete bundle a transport lists: ends in ``.pbundle``, is
    not hidden (sync tools' and our own temporary files are) and is one path component.
    Sync tools' conflict copies ("x (conflicted copy ….pbundle", "x.sync-conflict-….
    pbundle") are bundles like any other."""
    return (
        name.endswith(BUNDLE_SUFFIX)
        and len(name) > len(BUNDLE_SUFFIX)
        and not name.startswith(".")
        and not any(character in name for character in "/\\\0")
    )


def _checked_name(name: str) -> str:
    if not is_bundle_name(name):
        raise ValueError(f"not a bundle file name: {name!r}")
    return name


def _file_chunks(path: Path) -> Iterator[bytes]:
    """The bytes of ``path``, a chunk at a time; a failure to read raises a
    TransportError naming its folder."""
    try:
        source = open(path, "rb")  # noqa: SIM115 - closed below, across the yields
    except OSError as error:
        raise _folder_error(error, path.parent, writing=False) from error
    with source:
        while True:
            try:
                block = source.read(_CHUNK_BYTES)
            except OSError as error:
                raise _folder_error(error, path.parent, writing=False) from error
            if not block:
                return
            yield block


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); a no-op where folders cannot be
    opened (Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _write_atomically(chunks: Iterator[bytes], temp: Path, final: Path) -> None:
    """Write ``chunks`` to ``temp``, flush it to the disk, then rename it to ``final``;
    ``temp`` is removed if anything fails."""
    try:
        with open(temp, "wb") as target:
            for block in chunks:
                target.write(block)
            target.flush()
            os.fsync(target.fileno())
        os.replace(temp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise
    _fsync_folder(final.parent)


def _reported(chunks: Iterator[bytes], total: int, progress: Progress | None) -> Iterator[bytes]:
    done = 0
    for block in chunks:
        yield block
        done += len(block)
        if progress is not None:
            progress(done, total)


def _folder_error(error: OSError, path: Path, *, writing: bool) -> TransportError:
    shown = str(path)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return TransportError("disk_full", path=shown)
    if error.errno in (errno.ENOENT, errno.ENODEV, errno.ENXIO) and not path.is_dir():
        return TransportError("unreachable", _FOLDER_MISSING, path=shown)
    detail = error.strerror or type(error).__name__
    message = _FOLDER_UNWRITABLE if writing else _FOLDER_UNREADABLE
    return TransportError("folder_error", message, path=shown, reason=detail)


class FolderTransport:
    """Bundles in one folder: a USB stick, or a folder kept in sync by Nextcloud desktop
    or Syncthing. The folder is made when a bundle is sent, but only inside an existing
    parent, so a missing stick is never replaced by a folder on the computer's disk."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.name = str(self.root)

    def __repr__(self) -> str:
        return f"FolderTransport({self.root!r})"

    def list_bundles(self) -> list[RemoteBundle]:
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError as error:
            if self.root.parent.is_dir():
                return []  # nothing sent here yet
            raise _folder_error(error, self.root, writing=False) from error
        except OSError as error:
            raise _folder_error(error, self.root, writing=False) from error
        bundles = []
        for entry in entries:
            if not is_bundle_name(entry.name):
                continue
            try:
                if not entry.is_file():
                    continue
                stat = entry.stat()
            except OSError:
                continue  # removed meanwhile, by another desk or the sync tool
            modified = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
            bundles.append(RemoteBundle(entry.name, stat.st_size, modified))
        return sorted(bundles, key=lambda bundle: bundle.name)

    def fetch(self, name: str, destination: Path) -> Path:
        source = self.root / _checked_name(name)
        if not source.is_file():
            if self.root.is_dir():
                raise TransportError("not_found", name=name, path=self.name)
            raise TransportError("unreachable", _FOLDER_MISSING, path=self.name)
        final = Path(destination) / name
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(_file_chunks(source), final.parent / f".{name}.part", final)
        except OSError as error:
            raise _folder_error(error, final.parent, writing=True) from error
        return final

    def send(self, local: Path, progress: Progress | None = None) -> str:
        name = _checked_name(Path(local).name)
        size = Path(local).stat().st_size
        final = self.root / name
        try:
            self.root.mkdir(exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                if final.stat().st_size == size:
                    # Already there: bundles are immutable. A copy of another size is
                    # damaged, and is replaced below.
                    if progress is not None:
                        progress(size, size)
                    return name
            chunks = _reported(_file_chunks(Path(local)), size, progress)
            _write_atomically(chunks, self.root / f".{name}.part", final)
        except OSError as error:
            raise _folder_error(error, self.root, writing=True) from error
        return name

    def delete(self, name: str) -> None:
        try:
            (self.root / _checked_name(name)).unlink(missing_ok=True)
        except OSError as error:
            raise _folder_error(error, self.root, writing=True) from error

    def is_reachable(self) -> bool:
        folder = self.root if self.root.exists() else self.root.parent
        return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def _normalised_url(url: str) -> str:
    """``url`` as the collection address: http(s), no user name or password in it, no
    query, ending in "/"."""
    text = url.strip()
    try:
        parsed = httpx.URL(text)
    except httpx.InvalidURL:
        raise TransportError("bad_address", url=text) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise TransportError("bad_address", url=text)
    path = parsed.raw_path.split(b"?", 1)[0].decode("ascii")
    if not path.endswith("/"):
        path += "/"
    return f"{parsed.scheme}://{parsed.netloc.decode('ascii')}{path}"


def _keyring_user(user: str, url: str) -> str:
    return f"{user}@{_normalised_url(url)}"


def store_password(
    url: str, user: str, password: str, *, keyring_service: str = "passerelle"
) -> bool:
    """Save the share's password in the system keyring, where :class:`WebDavTransport`
    finds it. False when no usable keyring exists (none installed, or one that keeps
    nothing): the caller must then keep the password elsewhere. An address that is not
    one raises :class:`TransportError` ("bad_address")."""
    key = _keyring_user(user, url)
    try:
        keyring.set_password(keyring_service, key, password)
        return keyring.get_password(keyring_service, key) == password
    except (keyring.errors.KeyringError, RuntimeError) as error:
        _log.warning("The keyring cannot keep the share password: %s", type(error).__name__)
        return False


def _keyring_password(service: str, key: str) -> str | None:
    try:
        return keyring.get_password(service, key)
    except Exception as error:  # a broken keyring must not stop sync: the user is asked
        _log.warning("The keyring cannot be read: %s", type(error).__name__)
        return None


def _certificate_failed(error: BaseException) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _href_name(href: str) -> tuple[str, str]:
    """The decoded path of a multistatus ``href`` (an absolute URL or path) and its last
    component."""
    path = unquote(urlsplit(href).path).rstrip("/")
    return path, path.rsplit("/", 1)[-1]


def _found_props(entry: ET.Element) -> dict[str, ET.Element]:
    """The properties of one multistatus ``response`` the server found (status 200), by
    local name."""
    found = {}
    for propstat in entry.iter(f"{_DAV}propstat"):
        status = (propstat.findtext(f"{_DAV}status") or "").split()
        prop = propstat.find(f"{_DAV}prop")
        if status[1:2] != ["200"] or prop is None:
            continue
        for child in prop:
            found[child.tag.removeprefix(_DAV)] = child
    return found


def _text(element: ET.Element | None) -> str | None:
    return element.text if element is not None else None


def _int_or_none(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def _parse_modified(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parsedate_to_datetime(text).astimezone(UTC)
    except (TypeError, ValueError):
        return None


class WebDavTransport:
    """Bundles in one collection of a WebDAV share (Nextcloud, ownCloud, any WebDAV
    server), with Basic authentication. Redirects are never followed: a share that moved
    is reported, so the password is not sent to an address nobody chose.

    With no ``password``, it is read from the keyring (see :func:`store_password`) when
    first needed. Close the transport, or use it in a ``with`` block, when done; do not
    use one transport from two threads at once."""

    def __init__(
        self,
        url: str,
        user: str,
        password: str | None = None,
        *,
        timeout_s: float = 20,
        keyring_service: str = "passerelle",
    ):
        self.url = _normalised_url(url)
        self.user = user
        parsed = httpx.URL(self.url)
        port = f":{parsed.port}" if parsed.port else ""
        self.name = f"{parsed.host}{port}{parsed.path}".rstrip("/")
        self._path = parsed.path.rstrip("/")
        self._password = password
        self._timeout_s = timeout_s
        self._keyring_service = keyring_service
        self._client: httpx.Client | None = None
        self._collection_ready = False

    def __repr__(self) -> str:
        return f"WebDavTransport({self.url!r}, {self.user!r})"

    def __enter__(self) -> WebDavTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- the protocol ---------------------------------------------------------------

    def list_bundles(self) -> list[RemoteBundle]:
        response = self._propfind(self.url, depth="1")
        if response.status_code == 404:
            return []  # nothing sent here yet
        if response.status_code != 207:
            raise self._status_error(response)
        try:
            root = ET.fromstring(response.content)
        except ET.ParseError:
            raise TransportError("server_error", status=response.status_code) from None
        bundles = []
        for entry in root.iter(f"{_DAV}response"):
            path, name = _href_name(entry.findtext(f"{_DAV}href", ""))
            if path == self._path or not is_bundle_name(name):
                continue
            props = _found_props(entry)
            kind = props.get("resourcetype")
            if kind is not None and kind.find(f"{_DAV}collection") is not None:
                continue
            size = _int_or_none(_text(props.get("getcontentlength")))
            modified = _parse_modified(_text(props.get("getlastmodified")))
            bundles.append(RemoteBundle(name, size or 0, modified))
        return sorted(bundles, key=lambda bundle: bundle.name)

    def fetch(self, name: str, destination: Path) -> Path:
        final = Path(destination) / _checked_name(name)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _folder_error(error, final.parent, writing=True) from error
        with self._network_errors(), self._http().stream("GET", self._file_url(name)) as response:
            if response.status_code != 200:
                raise self._status_error(response, name=name)
            try:
                _write_atomically(
                    response.iter_bytes(_CHUNK_BYTES), final.parent / f".{name}.part", final
                )
            except OSError as error:
                raise _folder_error(error, final.parent, writing=True) from error
        return final

    def send(self, local: Path, progress: Progress | None = None) -> str:
        local = Path(local)
        name = _checked_name(local.name)
        size = local.stat().st_size
        self._ensure_collection()
        temp_url = self._file_url(name + _WEBDAV_TEMP_SUFFIX)
        sent = 0

        def body() -> Iterator[bytes]:
            nonlocal sent
            for block in self._upload_chunks(local):
                yield block
                sent += len(block)  # counted once written: the next one is asked for
                if progress is not None:
                    progress(sent, size)

        headers = {"Content-Length": str(size), "Content-Type": "application/octet-stream"}
        response = self._request("PUT", temp_url, content=body(), headers=headers)
        if response.status_code in (404, 409):
            self._collection_ready = False  # the folder was removed meanwhile
        if response.status_code not in (200, 201, 204):
            raise self._status_error(response)
        if sent != size or self._remote_size(temp_url) != size:
            # The connection broke while the file was being sent, whatever the server
            # answered: never move a partial file into place.
            self._discard(temp_url)
            raise TransportError("unreachable")
        self._move_into_place(temp_url, name, size)
        return name

    def delete(self, name: str) -> None:
        response = self._request("DELETE", self._file_url(_checked_name(name)))
        if response.status_code not in (200, 204, 404):
            raise self._status_error(response, name=name)

    def is_reachable(self) -> bool:
        """True when the server answers; False on a network error or a server that is
        down. A refused password, an invalid certificate or a moved share raise
        :class:`TransportError`: they do not heal by waiting."""
        try:
            response = self._propfind(self.url, depth="0", timeout_s=_REACHABILITY_TIMEOUT_S)
        except TransportError as error:
            if error.reason == "unreachable":
                return False
            raise
        if response.status_code in (200, 207, 404):
            return True
        error = self._status_error(response)
        if error.reason == "unreachable":
            return False
        raise error

    # -- helpers ------------------------------------------------------------------------

    def _upload_chunks(self, local: Path) -> Iterator[bytes]:
        """The bytes of ``local`` as they are sent, streamed from the disk."""
        return _file_chunks(local)

    def _file_url(self, name: str) -> str:
        return self.url + quote(name, safe="")

    def _http(self) -> httpx.Client:
        if self._client is None:
            password = self._password
            if password is None:
                password = _keyring_password(
                    self._keyring_service, _keyring_user(self.user, self.url)
                )
            if password is None:
                raise TransportError("no_password", user=self.user, path=self.name)
            self._client = httpx.Client(
                auth=httpx.BasicAuth(self.user, password),
                timeout=httpx.Timeout(self._timeout_s),
                follow_redirects=False,
                headers={"User-Agent": f"Passerelle/{__version__}"},
            )
        return self._client

    @contextlib.contextmanager
    def _network_errors(self) -> Iterator[None]:
        """Turn a network failure into a TransportError; httpx's messages name the URL
        but never the password."""
        try:
            yield
        except httpx.HTTPError as error:
            if _certificate_failed(error):
                raise TransportError("certificate", path=self.name) from error
            raise TransportError("unreachable") from error

    def _request(
        self, method: str, url: str, *, timeout_s: float | None = None, **kwargs: Any
    ) -> httpx.Response:
        if timeout_s is not None:
            kwargs["timeout"] = httpx.Timeout(timeout_s)
        with self._network_errors():
            return self._http().request(method, url, **kwargs)

    def _propfind(self, url: str, *, depth: str, timeout_s: float | None = None) -> httpx.Response:
        headers = {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"}
        return self._request(
            "PROPFIND", url, content=_PROPFIND_BODY, headers=headers, timeout_s=timeout_s
        )

    def _remote_size(self, url: str) -> int | None:
        """The size of the file at ``url``, None when it is not there."""
        response = self._propfind(url, depth="0")
        if response.status_code == 404:
            return None
        if response.status_code != 207:
            raise self._status_error(response)
        try:
            root = ET.fromstring(response.content)
        except ET.ParseError:
            raise TransportError("server_error", status=response.status_code) from None
        entry = root.find(f"{_DAV}response")
        if entry is None:
            return None
        return _int_or_none(_text(_found_props(entry).get("getcontentlength")))

    def _ensure_collection(self) -> None:
        if self._collection_ready:
            return
        response = self._propfind(self.url, depth="0")
        if response.status_code == 404:
            response = self._request("MKCOL", self.url)
            if response.status_code not in (201, 405):  # 405: made meanwhile
                raise self._status_error(response)
        elif response.status_code != 207:
            raise self._status_error(response)
        self._collection_ready = True

    def _move_into_place(self, temp_url: str, name: str, size: int) -> None:
        final_url = self._file_url(name)
        headers = {"Destination": final_url, "Overwrite": "F"}
        response = self._request("MOVE", temp_url, headers=headers)
        if response.status_code in (201, 204):
            return
        if response.status_code != 412:
            raise self._status_error(response)
        # The name is taken: the same bundle, sent before, is a success (bundles are
        # immutable); a copy of another size is damaged and is replaced.
        if self._remote_size(final_url) == size:
            self._discard(temp_url)
            return
        response = self._request("MOVE", temp_url, headers={**headers, "Overwrite": "T"})
        if response.status_code not in (201, 204):
            raise self._status_error(response)

    def _discard(self, url: str) -> None:
        """Remove a temporary upload, if the server can still be asked to."""
        with contextlib.suppress(TransportError):
            self._request("DELETE", url)

    def _status_error(self, response: httpx.Response, *, name: str | None = None) -> TransportError:
        status = response.status_code
        if status == 401:
            return TransportError("wrong_password")
        if status == 403:
            return TransportError("forbidden", path=self.name)
        if status == 404 and name is not None:
            return TransportError("not_found", name=name, path=self.name)
        if status in (404, 409):
            return TransportError("not_found", _NO_REMOTE_FOLDER, path=self.name)
        if status == 413:
            return TransportError("too_large")
        if status == 507:
            return TransportError("disk_full", path=self.name)
        if status in (502, 503, 504):  # a proxy without its server, or maintenance
            return TransportError("unreachable")
        if 300 <= status < 400:
            location = response.headers.get("Location", "")
            return TransportError("redirected", location=_without_credentials(location))
        return TransportError("server_error", status=f"{status} {response.reason_phrase}".strip())


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()
