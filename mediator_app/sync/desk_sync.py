"""A desk's side of sync, with files: write this desk's bundle, import the bundles that
came, set refused ones aside with the reason, and exchange both through a transport.

The working folders live beside the database (``<name>.sync/``): ``outbox`` holds the
bundles this desk made until every recipient has them, ``inbox`` the bundles fetched
and waiting for an earlier one, ``quarantine`` the refused ones with a note saying why.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mediator_app.domain.markers import N_
from mediator_app.domain.validation import MessageError, render_message
from mediator_app.store import Store
from mediator_app.sync.bundle_file import BundleError, open_bundle, write_bundle
from mediator_app.sync.exchange import (
    ExchangeError,
    ImportResult,
    acknowledged,
    apply_bundle,
    log_bundle,
    outgoing,
)
from mediator_app.sync.keys import desk_keys, peer, peers, recipients_for, trusted_signer
from mediator_app.sync.merge import MergeError
from mediator_app.sync.transports import BUNDLE_SUFFIX, Transport

#: ``(done, total) -> keep_going``, as the worker's progress callback.
Progress = Callable[[int, int], bool]


@dataclass(frozen=True)
class SyncFolders:
    root: Path

    @classmethod
    def beside(cls, database: Path) -> SyncFolders:
        return cls(database.with_name(database.name + ".sync"))

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    def make(self) -> SyncFolders:
        for folder in (self.outbox, self.inbox, self.quarantine):
            folder.mkdir(parents=True, exist_ok=True)
        return self


class RevokedSigner(MessageError):
    message = N_("This bundle comes from a desk that was revoked here: it is refused.")


@dataclass
class SyncReport:
    """What one exchange did, for the status line and the command line."""

    written: list[Path] = field(default_factory=list)
    sent: int = 0
    imported: list[ImportResult] = field(default_factory=list)
    deleted: int = 0

    @property
    def refused(self) -> list[ImportResult]:
        return [result for result in self.imported if result.status == "refused"]

    @property
    def waiting(self) -> list[ImportResult]:
        return [result for result in self.imported if result.status == "wait"]


def replication_peers(store: Store) -> list[str]:
    """The desks of this centre that bundles are for (not revoked)."""
    centre = store.ensure_desk().centre_id
    return [desk.id for desk in peers(store, role="desk") if desk.centre_id == centre]


def bundle_name(store: Store, bundle_id: str) -> str:
    desk = store.ensure_desk()
    return f"passerelle-{desk.centre_id[-12:]}-{desk.id[-12:]}-{bundle_id}{BUNDLE_SUFFIX}"


def export_bundle(store: Store, folder: Path, *, force: bool = False) -> Path | None:
    """Write this desk's bundle for its centre into ``folder``: every change a recipient
    may lack, and what this desk holds (its acks). ``None`` when there is nothing new to
    say, unless ``force``."""
    manifest, records = outgoing(store, replication_peers(store))
    if not manifest["ranges"] and not force and not _acks_changed(store, manifest["acks"]):
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / bundle_name(store, manifest["bundle_id"])
    summary = write_bundle(
        path,
        manifest,
        records,
        keys=desk_keys(store),
        recipients=recipients_for(store, "replication"),
    )
    log_bundle(
        store, manifest["bundle_id"], "out", path.name, manifest["origin_desk"], "written", "",
        summary.changes, manifest["ranges"],
    )  # fmt: skip
    _remember_acks(store, manifest["acks"])
    return path


def _acks_changed(store: Store, acks: dict[str, int]) -> bool:
    return acks != _last_acks_sent(store)


def _last_acks_sent(store: Store) -> dict[str, int]:
    desk_id = store.ensure_desk().id
    return {
        origin: seq
        for origin, seq in store.conn.execute(
            "SELECT origin_desk, seq FROM sync_ack WHERE peer_id = ?", (f"sent:{desk_id}",)
        )
    }


def _remember_acks(store: Store, acks: dict[str, int]) -> None:
    """What this desk last told the others it holds: an unchanged state is not sent
    again in an empty bundle."""
    desk_id = store.ensure_desk().id
    with store._transaction():
        store.conn.executemany(
            "INSERT INTO sync_ack (peer_id, origin_desk, seq) VALUES (?, ?, ?) "
            "ON CONFLICT (peer_id, origin_desk) DO UPDATE SET seq = excluded.seq",
            [(f"sent:{desk_id}", origin, seq) for origin, seq in acks.items()],
        )


def import_file(store: Store, path: Path, folders: SyncFolders) -> ImportResult:
    """Import one bundle file; a refused one goes to the quarantine with a note."""
    keys = desk_keys(store)
    try:
        opened = open_bundle(path, identities=[keys.age_identity], trusted=trusted_signer(store))
    except BundleError as error:
        signer = peer(store, error.signer) if error.signer else None
        refusal = RevokedSigner() if signer is not None and signer.revoked else error
        return _refuse(store, path, folders, "", error.reason, refusal)
    with opened:
        manifest = opened.manifest
        bundle_id = str(manifest.get("bundle_id", ""))
        if manifest.get("origin_desk") == store.ensure_desk().id:
            return ImportResult(bundle_id, "already")
        try:
            result = apply_bundle(store, manifest, opened.changes(), path.name)
        except ExchangeError as error:
            return _refuse(store, path, folders, bundle_id, error.reason, error)
        except MergeError:
            return _refuse(store, path, folders, bundle_id, "damaged", BundleError("damaged"))
    if result.status == "wait":
        _keep_waiting(store, path, folders, result)
    elif path.parent == folders.inbox:
        path.unlink(missing_ok=True)
    return result


def _keep_waiting(store: Store, path: Path, folders: SyncFolders, result: ImportResult) -> None:
    if path.parent != folders.inbox:
        folders.inbox.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, folders.inbox / path.name)
    if not store.conn.execute(
        "SELECT 1 FROM bundle_log WHERE bundle_id = ? AND status = 'waiting'", (result.bundle_id,)
    ).fetchone():
        log_bundle(store, result.bundle_id, "in", path.name, None, "waiting", "")


def _refuse(
    store: Store,
    path: Path,
    folders: SyncFolders,
    bundle_id: str,
    reason: str,
    error: MessageError,
) -> ImportResult:
    """Set the file aside, with a note in words, and log why. The database is
    untouched (an import that failed was rolled back)."""
    folders.quarantine.mkdir(parents=True, exist_ok=True)
    target = folders.quarantine / path.name
    if path.exists():
        shutil.copy2(path, target)
        if path.parent == folders.inbox:
            path.unlink()
    from mediator_app.i18n import _

    words = error.render(_)
    target.with_name(target.name + ".txt").write_text(words + "\n", encoding="utf-8")
    log_bundle(store, bundle_id or path.name, "in", path.name, None, "refused", error.message)
    return ImportResult(bundle_id, "refused", reason=words, file_name=path.name)


def import_files(store: Store, paths: Iterable[Path], folders: SyncFolders) -> list[ImportResult]:
    """Import bundles in any order: those that wait for an earlier one are tried again
    once others got in."""
    results: list[ImportResult] = []
    waiting: list[Path] = []
    for path in _bundle_files(paths):
        result = import_file(store, path, folders)
        results.append(result)
        if result.status == "wait":
            waiting.append(folders.inbox / path.name)
    progress = True
    while waiting and progress:
        progress = False
        for path in list(waiting):
            result = import_file(store, path, folders)
            if result.status != "wait":
                waiting.remove(path)
                results.append(result)
                progress = True
    return results


def _bundle_files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.name.endswith(BUNDLE_SUFFIX)))
        else:
            found.append(path)
    return found


def waiting_files(folders: SyncFolders) -> list[Path]:
    if not folders.inbox.is_dir():
        return []
    return sorted(p for p in folders.inbox.iterdir() if p.name.endswith(BUNDLE_SUFFIX))


def sync_with(
    store: Store, transport: Transport, folders: SyncFolders, progress: Progress | None = None
) -> SyncReport:
    """One exchange: write this desk's bundle, send what the outbox holds, fetch and
    import what others sent, then delete this desk's bundles every recipient has."""
    folders.make()
    report = SyncReport()
    # A newest bundle whose changes everyone holds is replaced by one of acks alone, so
    # no file with personal data stays on the share for nothing.
    written = export_bundle(store, folders.outbox, force=_newest_is_spent(store, folders))
    if written is not None:
        report.written.append(written)
    remote = transport.list_bundles()
    remote_names = {bundle.name for bundle in remote}
    outbox = sorted(p for p in folders.outbox.iterdir() if p.name.endswith(BUNDLE_SUFFIX))
    own_prefix = bundle_name(store, "")[: -len(BUNDLE_SUFFIX)]
    incoming = [
        bundle.name
        for bundle in remote
        if not bundle.name.startswith(own_prefix) and not _seen(store, bundle.name)
    ]
    total = len(outbox) + len(incoming)
    step = 0
    for path in outbox:
        if path.name not in remote_names:
            transport.send(path)
            report.sent += 1
            log_bundle(store, path.name, "out", path.name, None, "sent", "")
        step += 1
        _report(progress, step, total)
    fetched: list[Path] = []
    for name in incoming:
        fetched.append(transport.fetch(name, folders.inbox))
        step += 1
        _report(progress, step, total)
    report.imported = import_files(store, [*fetched, *_older_waiting(folders, fetched)], folders)
    report.deleted = prune(store, transport, folders)
    return report


def _older_waiting(folders: SyncFolders, fetched: Sequence[Path]) -> list[Path]:
    names = {path.name for path in fetched}
    return [path for path in waiting_files(folders) if path.name not in names]


def _seen(store: Store, file_name: str) -> bool:
    """A bundle already applied, or refused, here: not fetched again."""
    return (
        store.conn.execute(
            "SELECT 1 FROM bundle_log WHERE file_name = ? AND direction = 'in' "
            "AND status IN ('applied', 'already', 'refused')",
            (file_name,),
        ).fetchone()
        is not None
    )


def prune(store: Store, transport: Transport | None, folders: SyncFolders) -> int:
    """Delete this desk's bundles that are no longer needed, here and on the transport,
    so erased data does not linger in old files: a bundle once every recipient holds
    its changes, except the newest, which tells the others what this desk holds (acks
    only grow, so the newest says it all). Returns how many went."""
    recipients = replication_peers(store)
    held_by_all = acknowledged(store, recipients) if recipients else {}
    written = _written_ranges(store)
    outbox = sorted(folders.outbox.glob(f"*{BUNDLE_SUFFIX}"))
    newest = outbox[-1].name if outbox else ""
    deleted = 0
    for path in outbox:
        ranges = written.get(path.name)
        if ranges is None:
            continue
        held_everywhere = bool(recipients) and all(
            high <= held_by_all.get(origin, 0) for origin, (_low, high) in ranges.items()
        )
        if path.name != newest and (held_everywhere or not ranges):
            if transport is not None:
                transport.delete(path.name)
            path.unlink(missing_ok=True)
            log_bundle(store, path.name, "out", path.name, None, "deleted", "")
            deleted += 1
    return deleted


def _newest_is_spent(store: Store, folders: SyncFolders) -> bool:
    outbox = sorted(folders.outbox.glob(f"*{BUNDLE_SUFFIX}"))
    recipients = replication_peers(store)
    if not outbox or not recipients:
        return False
    ranges = _written_ranges(store).get(outbox[-1].name)
    if not ranges:
        return False
    held_by_all = acknowledged(store, recipients)
    return all(high <= held_by_all.get(origin, 0) for origin, (_low, high) in ranges.items())


def _written_ranges(store: Store) -> dict[str, dict[str, list[int]]]:
    """The ranges of changes each bundle this desk wrote carries, by file name."""
    return {
        file_name: json.loads(ranges)
        for file_name, ranges in store.conn.execute(
            "SELECT file_name, ranges FROM bundle_log WHERE direction = 'out' "
            "AND status = 'written' AND ranges IS NOT NULL"
        )
    }


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def describe(result: ImportResult) -> str:
    """One line for the command line and the status bar."""
    from mediator_app.i18n import _, ngettext

    if result.status == "applied":
        return ngettext(
            "Bundle %(id)s: %(count)s change applied.",
            "Bundle %(id)s: %(count)s changes applied.",
            result.stats.applied,
        ) % {"id": result.label, "count": result.stats.applied}
    if result.status == "already":
        return _("Bundle %(id)s: already applied.") % {"id": result.label}
    if result.status == "wait":
        return _("Bundle %(id)s: waits for an earlier bundle.") % {"id": result.label}
    return render_message(
        N_("Bundle %(id)s refused: %(reason)s"), {"id": result.label, "reason": result.reason}, _
    )


@dataclass(frozen=True)
class SyncSummary:
    """What the window's status line says about sync."""

    configured: bool
    last_exchange_at: str | None
    outgoing: int
    conflicts: int
    refused: int


def sync_summary(store: Store, folders: SyncFolders) -> SyncSummary:
    """The last exchange, bundles still to go, open conflicts and refused bundles."""
    from mediator_app.sync.conflicts import open_conflicts
    from mediator_app.sync.settings import transport_setting

    (last,) = store.conn.execute(
        "SELECT MAX(at) FROM bundle_log WHERE status IN ('sent', 'applied', 'already')"
    ).fetchone()
    sent = {
        name for (name,) in store.conn.execute(
            "SELECT file_name FROM bundle_log WHERE direction = 'out' AND status = 'sent'"
        )
    }  # fmt: skip
    outbox = folders.outbox
    outgoing = (
        sum(1 for path in outbox.glob(f"*{BUNDLE_SUFFIX}") if path.name not in sent)
        if outbox.is_dir()
        else 0
    )
    (refused,) = store.conn.execute(
        "SELECT COUNT(DISTINCT file_name) FROM bundle_log WHERE status = 'refused'"
    ).fetchone()
    return SyncSummary(
        configured=transport_setting(store) is not None,
        last_exchange_at=last,
        outgoing=outgoing,
        conflicts=len(open_conflicts(store.conn)),
        refused=refused,
    )
