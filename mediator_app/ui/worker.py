"""All database writes run here: one background thread with its own connection, one job
at a time, so writes are serialised and the window never waits on the disk.

Results come back to the UI thread by signal; no widget is touched from the worker.
After a job that changed data, ``changed`` is emitted with the topics it named
("residents", "sessions", ...) and each view decides whether to refresh.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from mediator_app.store import Store, open_store

log = logging.getLogger(__name__)

#: A job gets the worker's store and a progress callback ``(done, total) -> keep_going``.
Job = Callable[[Store, Callable[[int, int], bool]], Any]

PROGRESS_INTERVAL_S = 0.1
#: The id of the job ``stop()`` queues last, to know when the queue is empty.
_DRAIN_JOB_ID = 0


@dataclass
class _Pending:
    on_success: Callable[[Any], None] | None
    on_failure: Callable[[BaseException], None] | None
    on_progress: Callable[[int, int], None] | None
    topics: frozenset[str]
    cancel: threading.Event = field(default_factory=threading.Event)


class _Executor(QObject):
    """Lives in the worker thread; owns the worker's connection."""

    succeeded = Signal(int, object)
    failed = Signal(int, object)
    progressed = Signal(int, int, int)

    def __init__(self, database: Path, key: bytes | None):
        super().__init__()
        self._database = database
        self._key = key
        self._store: Store | None = None

    @Slot(int, object, object)
    def execute(self, job_id: int, job: Job, cancel: threading.Event) -> None:
        if job_id == _DRAIN_JOB_ID:
            # Every job queued before this one has run: tell ``stop()``, touch nothing.
            cancel.set()
            return
        last_report = 0.0

        def progress(done: int, total: int) -> bool:
            nonlocal last_report
            now = time.monotonic()
            if now - last_report >= PROGRESS_INTERVAL_S or done >= total:
                last_report = now
                self.progressed.emit(job_id, done, total)
            return not cancel.is_set()

        try:
            if self._store is None:
                self._store = open_store(self._database, key=self._key)
            result = job(self._store, progress)
        except BaseException as error:  # reported to the UI thread, never swallowed
            log.exception("database job failed")
            self.failed.emit(job_id, error)
        else:
            self.succeeded.emit(job_id, result)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class DatabaseWorker(QObject):
    """Runs jobs against ``database`` on one background thread, in submission order."""

    changed = Signal(object)
    idle = Signal()
    _submitted = Signal(int, object, object)

    def __init__(
        self,
        database: Path,
        mediator_id: str | None = None,
        parent: QObject | None = None,
        *,
        key: bytes | None = None,
    ):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._thread = QThread()
        self._thread.setObjectName("database-worker")
        self._executor = _Executor(database, key)
        self._executor.moveToThread(self._thread)
        self._submitted.connect(self._executor.execute)
        self._executor.succeeded.connect(self._on_succeeded)
        self._executor.failed.connect(self._on_failed)
        self._executor.progressed.connect(self._on_progressed)
        self._mediator_id = mediator_id
        self._thread.start()

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def set_mediator(self, mediator_id: str | None) -> None:
        """The mediator recorded as the author of later changes."""
        self._mediator_id = mediator_id

    def run(
        self,
        job: Job,
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        topics: Iterable[str] = (),
    ) -> Callable[[], None]:
        """Queue ``job``; the callbacks run on the UI thread. Returns a function that
        asks the job to stop at its next progress report."""
        job_id = next(self._ids)
        pending = _Pending(on_success, on_failure, on_progress, frozenset(topics))
        self._pending[job_id] = pending
        mediator_id = self._mediator_id

        def with_author(store: Store, progress: Callable[[int, int], bool]) -> Any:
            store.mediator_id = mediator_id
            return job(store, progress)

        self._submitted.emit(job_id, with_author, pending.cancel)
        cancel_event = pending.cancel

        def cancel() -> None:
            # A plain function: a bound method of an object the worker thread also holds
            # would make Qt drop the connection from that thread.
            cancel_event.set()

        return cancel

    def stop(self) -> None:
        """Run every job already queued, end the thread and close the connection: when
        this returns, nothing asked for is lost and the database file is complete on
        disk (its WAL checkpointed)."""
        if self._thread.isRunning():
            drained = threading.Event()
            self._submitted.emit(_DRAIN_JOB_ID, None, drained)
            drained.wait()
            self._thread.quit()
            self._thread.wait()
        # The thread has ended: nothing else uses the connection any more.
        self._executor.close()

    @Slot(int, object)
    def _on_succeeded(self, job_id: int, result: Any) -> None:
        pending = self._pending.pop(job_id, None)
        if pending is None:
            return
        try:
            if pending.on_success is not None:
                pending.on_success(result)
        finally:
            # The data changed whatever the callback did: views must refresh.
            if pending.topics:
                self.changed.emit(pending.topics)
            self._emit_idle_if_done()

    @Slot(int, object)
    def _on_failed(self, job_id: int, error: BaseException) -> None:
        pending = self._pending.pop(job_id, None)
        if pending is None:
            return
        if pending.on_failure is not None:
            pending.on_failure(error)
        else:
            log.error("unhandled database job failure: %s", error)
        self._emit_idle_if_done()

    @Slot(int, int, int)
    def _on_progressed(self, job_id: int, done: int, total: int) -> None:
        pending = self._pending.get(job_id)
        if pending is not None and pending.on_progress is not None:
            pending.on_progress(done, total)

    def _emit_idle_if_done(self) -> None:
        if not self._pending:
            self.idle.emit()
