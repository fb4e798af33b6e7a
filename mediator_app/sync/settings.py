"""Where this desk's bundles go: a folder (USB stick, Nextcloud or Syncthing folder) or a
WebDAV share. Kept in the database, beside the desk's keys; the WebDAV password is kept
in the system's keyring, or given by the ``PASSERELLE_WEBDAV_PASSWORD`` environment
variable to headless commands."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mediator_app.domain.markers import N_
from mediator_app.domain.validation import MessageError
from mediator_app.store import Store
from mediator_app.sync.transports import FolderTransport, Transport, WebDavTransport

PASSWORD_VARIABLE = "PASSERELLE_WEBDAV_PASSWORD"


class NoTransport(MessageError):
    message = N_(
        "No way to reach the other desks is set up yet: choose a shared folder or a "
        "WebDAV share first."
    )


@dataclass(frozen=True)
class TransportSetting:
    kind: str  # "folder" or "webdav"
    location: str  # the folder's path, or the share's address
    user: str = ""

    def open(self) -> Transport:
        if self.kind == "folder":
            return FolderTransport(Path(self.location))
        return WebDavTransport(self.location, self.user, os.environ.get(PASSWORD_VARIABLE))


def transport_setting(store: Store) -> TransportSetting | None:
    values = dict(store.conn.execute("SELECT key, value FROM sync_setting"))
    if values.get("kind") not in ("folder", "webdav"):
        return None
    return TransportSetting(values["kind"], values.get("location", ""), values.get("user", ""))


def save_transport_setting(store: Store, setting: TransportSetting) -> None:
    with store._transaction():
        store.conn.executemany(
            "INSERT INTO sync_setting (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [("kind", setting.kind), ("location", setting.location), ("user", setting.user)],
        )


def configured_transport(store: Store) -> Transport:
    setting = transport_setting(store)
    if setting is None:
        raise NoTransport()
    return setting.open()
