"""What the Sync dialog asks of the worker: the desk's state, saving where bundles go,
and the exchange of bundles itself.

Nothing here touches a widget: each function runs on the worker, with its connection,
and its result goes back to the dialog by signal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediator_app.store import Store
from mediator_app.sync.desk_sync import SyncFolders, SyncReport, sync_with
from mediator_app.sync.keys import (
    DeskCard,
    Peer,
    card_for_this_desk,
    fingerprint,
    fingerprint_qr_text,
    peers,
)
from mediator_app.sync.settings import TransportSetting, save_transport_setting, transport_setting
from mediator_app.sync.transports import (
    FolderTransport,
    Transport,
    WebDavTransport,
    store_password,
)

#: A sync imports other desks' changes: every view of the data may have to refresh.
SYNC_TOPICS = ("residents", "sessions", "workshops", "skills")

_Progress = Callable[[int, int], bool]
#: How a page of the dialog runs a job on the worker: ``run(job, on_success,
#: on_failure)``; the callbacks run on the UI thread, and only while the dialog lives.
RunJob = Callable[
    [
        Callable[[Store, _Progress], Any],
        Callable[[Any], None],
        Callable[[BaseException], None] | None,
    ],
    None,
]


class SyncCancelled(Exception):
    """The mediator stopped a sync; what was already exchanged is kept."""


@dataclass(frozen=True)
class PeerRow:
    """An enrolled peer and the digits of its card (empty for a recovery key)."""

    peer: Peer
    digits: str


@dataclass(frozen=True)
class DeskState:
    """What the dialog shows, read in one job on the worker."""

    setting: TransportSetting | None
    card: DeskCard
    digits: str
    #: The digits for a QR code: a phone on the other desk can compare them.
    card_qr_text: str
    centre_name: str
    peers: tuple[PeerRow, ...]


def read_desk_state(store: Store) -> DeskState:
    """This desk's way to the others, its card and the peers enrolled here, revoked ones
    included. Runs on the worker (the desk's keys are made on the first call)."""
    card = card_for_this_desk(store)
    return DeskState(
        setting=transport_setting(store),
        card=card,
        digits=fingerprint(card),
        card_qr_text=fingerprint_qr_text(card),
        centre_name=store.ensure_desk().centre_name,
        peers=tuple(_peer_row(found) for found in peers(store, include_revoked=True)),
    )


def _peer_row(found: Peer) -> PeerRow:
    if found.role == "recovery":
        return PeerRow(found, "")
    card = DeskCard(
        desk_id=found.id,
        centre_id=found.centre_id,
        role=found.role,
        name=found.name,
        signing_key=found.signing_key,
        age_recipient=found.age_recipient,
    )
    return PeerRow(found, fingerprint(card))


def open_transport(setting: TransportSetting, password: str | None) -> Transport:
    """The transport ``setting`` names; a share without ``password`` reads it from the
    system's keyring when first used."""
    if setting.kind == "folder":
        return FolderTransport(Path(setting.location))
    return WebDavTransport(setting.location, setting.user, password)


def close_transport(transport: Transport) -> None:
    """Let go of what ``transport`` holds open (a share's connection)."""
    if isinstance(transport, WebDavTransport):
        transport.close()


def save_transport_job(
    setting: TransportSetting, password: str
) -> Callable[[Store, _Progress], bool | None]:
    """Save ``setting`` and, for a share, give a typed password to the keyring: the job
    returns whether the keyring kept it (``None`` when no password was typed)."""

    def save(store: Store, _progress: _Progress) -> bool | None:
        save_transport_setting(store, setting)
        if setting.kind == "webdav" and password:
            return store_password(setting.location, setting.user, password)
        return None

    return save


def sync_job(
    setting: TransportSetting, password: str | None, folders: SyncFolders
) -> Callable[[Store, _Progress], SyncReport]:
    """Exchange bundles through the place ``setting`` names. The job raises
    :class:`SyncCancelled` as soon as its progress callback says to stop."""

    def sync(store: Store, progress: _Progress) -> SyncReport:
        def keep_going(done: int, total: int) -> bool:
            if not progress(done, total):
                raise SyncCancelled
            return True

        keep_going(0, 1)
        transport = open_transport(setting, password)
        try:
            return sync_with(store, transport, folders, keep_going)
        finally:
            close_transport(transport)

    return sync
