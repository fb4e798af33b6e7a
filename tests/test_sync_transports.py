"""The transports that carry bundles: a folder (USB stick, synced folder) and a real
WebDAV server on loopback. Files appear whole or not at all, only complete bundles are
listed, and failures say what happened in words a mediator can act on."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import pytest

from mediator_app.sync.transports import (
    FolderTransport,
    Transport,
    TransportError,
    WebDavTransport,
    store_password,
)

if TYPE_CHECKING:
    from tests.webdav_server import WebDavServer

pytest_plugins = ("tests.webdav_server",)

NOISE = random.Random(20261129)
BIG_BYTES = 5 * 1024 * 1024
NAME = "passerelle-centre-desk1-0193a5.pbundle"


@dataclass
class Carrier:
    """A transport and the folder its bundles land in, with a way to cut it off (stick
    pulled out, server down) and to bring it back."""

    transport: Transport
    root: Path
    cut: Callable[[], None]
    restore: Callable[[], None]

    def files(self) -> list[str]:
        """Everything in the folder, temporary files included."""
        return sorted(path.name for path in self.root.iterdir()) if self.root.exists() else []


@pytest.fixture(params=["folder", "webdav"])
def carrier(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Carrier]:
    if request.param == "folder":
        stick, away = tmp_path / "stick", tmp_path / "stick-pulled-out"
        stick.mkdir()
        root = stick / "Passerelle"
        yield Carrier(
            FolderTransport(root),
            root,
            cut=lambda: stick.rename(away),
            restore=lambda: away.rename(stick),
        )
        return
    server: WebDavServer = request.getfixturevalue("webdav")
    url = f"{server.url}Passerelle/"
    with WebDavTransport(url, server.user, server.password, timeout_s=5) as transport:
        yield Carrier(transport, server.root / "Passerelle", server.stop, server.start)


def write_bundle(folder: Path, name: str, size: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(NOISE.randbytes(size))
    return path


# -- round trip ---------------------------------------------------------------------------


def test_a_bundle_comes_back_byte_for_byte(carrier: Carrier, tmp_path: Path):
    outbox = tmp_path / "outbox"
    small = write_bundle(outbox, "passerelle-centre-desk1-01.pbundle", 1000)
    big = write_bundle(outbox, "passerelle-centre-desk1-02.pbundle", BIG_BYTES)
    accented = write_bundle(outbox, "passerelle-Évry Centre-desk 2-03.pbundle", 10)
    steps: list[tuple[int, int]] = []

    assert carrier.transport.send(small) == small.name
    assert carrier.transport.send(big, progress=lambda *step: steps.append(step)) == big.name
    assert carrier.transport.send(accented) == accented.name

    assert steps[-1] == (BIG_BYTES, BIG_BYTES)
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)
    listed = carrier.transport.list_bundles()
    assert [(bundle.name, bundle.size) for bundle in listed] == sorted(
        (path.name, path.stat().st_size) for path in (small, big, accented)
    )
    assert all(isinstance(bundle.modified, datetime) for bundle in listed)
    assert all(bundle.modified.utcoffset() is not None for bundle in listed)
    assert carrier.files() == sorted(path.name for path in (small, big, accented))

    inbox = tmp_path / "inbox"
    for path in (small, big, accented):
        fetched = carrier.transport.fetch(path.name, inbox)
        assert fetched == inbox / path.name
        assert fetched.read_bytes() == path.read_bytes()
    assert sorted(os.listdir(inbox)) == sorted(path.name for path in (small, big, accented))

    carrier.transport.delete(big.name)
    carrier.transport.delete(big.name)  # already gone: not an error
    assert [bundle.name for bundle in carrier.transport.list_bundles()] == sorted(
        [small.name, accented.name]
    )


def test_an_empty_place_lists_no_bundle(carrier: Carrier):
    assert carrier.transport.is_reachable()
    assert carrier.transport.list_bundles() == []


def test_only_complete_bundles_are_listed(carrier: Carrier):
    complete = [
        "a.pbundle",
        "x (conflicted copy 2026-11-29 101500).pbundle",
        "x.sync-conflict-20261129-123456-ABCDEFG.pbundle",
        "passerelle-Évry-desk 2-0193.pbundle",
    ]
    never = [
        "b.pbundle.part",
        ".b.pbundle.part",
        "c.pbundle.uploading",
        ".syncthing.d.pbundle.tmp",
        ".d.pbundle.~4f2a",
        ".hidden.pbundle",
        "notes.txt",
        "e.pbundle~",
        ".pbundle",
    ]
    for name in complete + never:
        write_bundle(carrier.root, name, 64)
    (carrier.root / "f.pbundle").mkdir()

    listed = carrier.transport.list_bundles()

    assert [bundle.name for bundle in listed] == sorted(complete)
    assert {bundle.size for bundle in listed} == {64}


def test_a_half_upload_left_behind_is_ignored_and_does_not_block_a_send(
    carrier: Carrier, tmp_path: Path
):
    name = NAME
    for leftover in (f"{name}.part", f".{name}.part", f"{name}.uploading"):
        write_bundle(carrier.root, leftover, 3000)
    bundle = write_bundle(tmp_path / "outbox", name, 1234)

    assert carrier.transport.list_bundles() == []
    carrier.transport.send(bundle)

    assert [b.name for b in carrier.transport.list_bundles()] == [name]
    assert carrier.transport.fetch(name, tmp_path / "inbox").read_bytes() == bundle.read_bytes()


def test_sending_a_bundle_again_succeeds(carrier: Carrier, tmp_path: Path):
    bundle = write_bundle(tmp_path / "outbox", NAME, 50_000)

    assert carrier.transport.send(bundle) == bundle.name
    assert carrier.transport.send(bundle) == bundle.name

    assert carrier.files() == [bundle.name]  # no temporary file left either
    assert (carrier.root / bundle.name).read_bytes() == bundle.read_bytes()


def test_a_damaged_copy_is_replaced_when_the_bundle_is_sent_again(carrier: Carrier, tmp_path: Path):
    bundle = write_bundle(tmp_path / "outbox", NAME, 50_000)
    carrier.root.mkdir(parents=True, exist_ok=True)
    (carrier.root / bundle.name).write_bytes(bundle.read_bytes()[:1000])

    carrier.transport.send(bundle)

    assert carrier.files() == [bundle.name]
    assert (carrier.root / bundle.name).read_bytes() == bundle.read_bytes()


def test_a_cancelled_send_leaves_no_bundle(carrier: Carrier, tmp_path: Path):
    bundle = write_bundle(tmp_path / "outbox", NAME, BIG_BYTES)

    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        carrier.transport.send(bundle, progress=cancel)

    assert bundle.name not in carrier.files()
    assert carrier.transport.list_bundles() == []
    carrier.transport.send(bundle)  # and the next try goes through
    assert [b.name for b in carrier.transport.list_bundles()] == [bundle.name]


def test_a_bundle_no_longer_there_is_not_found(carrier: Carrier, tmp_path: Path):
    carrier.root.mkdir(parents=True, exist_ok=True)

    with pytest.raises(TransportError) as raised:
        carrier.transport.fetch(NAME, tmp_path / "inbox")

    assert raised.value.reason == "not_found"
    assert NAME in raised.value.render()
    assert not (tmp_path / "inbox" / NAME).exists()


def test_names_that_are_not_bundles_are_refused(carrier: Carrier, tmp_path: Path):
    notes = write_bundle(tmp_path, "notes.txt", 10)
    with pytest.raises(ValueError):
        carrier.transport.send(notes)
    for name in ("../escape.pbundle", ".hidden.pbundle", "a/b.pbundle", "x.pbundle.part"):
        with pytest.raises(ValueError):
            carrier.transport.fetch(name, tmp_path / "inbox")
        with pytest.raises(ValueError):
            carrier.transport.delete(name)


# -- cut off ------------------------------------------------------------------------------


def test_when_cut_off_bundles_wait_until_it_is_back(carrier: Carrier, tmp_path: Path):
    first = write_bundle(tmp_path / "outbox", "passerelle-c-d-01.pbundle", 100)
    second = write_bundle(tmp_path / "outbox", "passerelle-c-d-02.pbundle", 100)
    carrier.transport.send(first)

    carrier.cut()

    assert carrier.transport.is_reachable() is False
    attempts: list[Callable[[], object]] = [
        lambda: carrier.transport.send(second),
        carrier.transport.list_bundles,
        lambda: carrier.transport.fetch(first.name, tmp_path / "inbox"),
    ]
    for attempt in attempts:
        with pytest.raises(TransportError) as raised:
            attempt()
        assert raised.value.reason == "unreachable"
        assert raised.value.render()

    carrier.restore()

    assert carrier.transport.is_reachable() is True
    carrier.transport.send(second)
    assert [b.name for b in carrier.transport.list_bundles()] == [first.name, second.name]


def test_the_server_stopping_mid_upload_leaves_no_bundle(webdav: WebDavServer, tmp_path: Path):
    bundle = write_bundle(tmp_path / "outbox", NAME, 3 * BIG_BYTES)
    seen: list[int] = []

    def stop_the_server(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 1:
            webdav.stop()  # returns once the server has closed its connections

    transport = WebDavTransport(webdav.url, webdav.user, webdav.password, timeout_s=5)
    with transport, pytest.raises(TransportError) as raised:
        transport.send(bundle, progress=stop_the_server)

    assert raised.value.reason == "unreachable"
    assert seen[0] < bundle.stat().st_size  # it was stopped in the middle
    assert bundle.name not in os.listdir(webdav.root)
    assert set(os.listdir(webdav.root)) <= {f"{bundle.name}.uploading"}


def test_a_wrong_password_is_told_and_never_shown(webdav: WebDavServer, tmp_path: Path):
    password = "Wrong-Secret-4242"
    bundle = write_bundle(tmp_path / "outbox", NAME, 100)
    with WebDavTransport(webdav.url, webdav.user, password) as transport:
        for attempt in (
            transport.list_bundles,
            transport.is_reachable,
            lambda: transport.send(bundle),
        ):
            with pytest.raises(TransportError) as raised:
                attempt()
            assert raised.value.reason == "wrong_password"
            assert raised.value.render() == "The server refused the user name or password."
            assert password not in str(raised.value)
            assert password not in repr(raised.value.params)
    assert os.listdir(webdav.root) == []


def test_a_share_address_must_be_a_web_address():
    with pytest.raises(TransportError) as raised:
        WebDavTransport("cloud.example.org/remote.php/dav", "anna", "x")
    assert raised.value.reason == "bad_address"
    assert "cloud.example.org" in raised.value.render()


def test_a_read_only_folder_is_told_clearly(tmp_path: Path, monkeypatch):
    root = tmp_path / "Passerelle"
    root.mkdir()
    bundle = write_bundle(tmp_path / "outbox", NAME, 100)
    transport = FolderTransport(root)

    with _read_only(root, monkeypatch) as by_the_system:
        if by_the_system:
            assert transport.is_reachable() is False
        with pytest.raises(TransportError) as raised:
            transport.send(bundle)

    assert raised.value.reason == "folder_error"
    assert raised.value.render().startswith(f"The folder {root} cannot be written (")
    assert os.listdir(root) == []


@contextlib.contextmanager
def _read_only(folder: Path, monkeypatch) -> Iterator[bool]:
    """``folder`` cannot be written in. Root ignores permissions: the folder is then
    made immutable (``chattr +i``); where even that is not allowed (a container), the
    system's refusal is played by ``open`` raising the error the system would raise.
    Yields whether the system itself refuses."""
    folder.chmod(0o555)
    immutable = False
    try:
        if getattr(os, "geteuid", lambda: -1)() != 0:
            yield True
            return
        chattr = shutil.which("chattr")
        done = chattr and subprocess.run([chattr, "+i", str(folder)], check=False,
                                         capture_output=True)  # fmt: skip
        if done and done.returncode == 0:
            immutable = True
            yield True
            return
        real_open = open

        def refusing_open(path, *args, **kwargs):
            if Path(path).parent == folder:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr("mediator_app.sync.transports.open", refusing_open, raising=False)
        yield False
    finally:
        if immutable:
            subprocess.run([shutil.which("chattr") or "chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


# -- passwords in the keyring -------------------------------------------------------------


class _MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop((service, username), None)


@pytest.fixture
def use_keyring() -> Iterator[Callable[[keyring.backend.KeyringBackend], None]]:
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


@pytest.mark.parametrize(
    "backend", [keyring.backends.null.Keyring, keyring.backends.fail.Keyring], ids=["null", "fail"]
)
def test_without_a_usable_keyring_the_password_is_not_stored(use_keyring, backend):
    use_keyring(backend())

    assert store_password("https://cloud.example.org/dav/", "anna", "secret") is False


def test_a_password_in_the_keyring_is_used(use_keyring, webdav: WebDavServer):
    memory = _MemoryKeyring()
    use_keyring(memory)

    assert store_password(webdav.url.rstrip("/"), webdav.user, webdav.password) is True
    with WebDavTransport(webdav.url, webdav.user) as transport:
        assert transport.is_reachable()
        assert transport.list_bundles() == []
    assert list(memory.saved) == [("passerelle", f"{webdav.user}@{webdav.url}")]


def test_no_password_anywhere_is_told(use_keyring, webdav: WebDavServer):
    use_keyring(keyring.backends.null.Keyring())

    transport = WebDavTransport(webdav.url, webdav.user)
    with transport, pytest.raises(TransportError) as raised:
        transport.list_bundles()

    assert raised.value.reason == "no_password"
    assert webdav.user in raised.value.render()
