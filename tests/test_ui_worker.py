"""The background writer: serialised jobs, results on the UI thread, nothing lost at exit."""

from __future__ import annotations

import threading

from mediator_app.domain.resident import Resident
from mediator_app.store import open_store
from mediator_app.ui.worker import DatabaseWorker

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}


def _create(number: int):
    def job(store, progress):
        return store.residents.create(
            Resident(first_name=f"Inès{number}", last_name="Pereira", **CONSENT)
        ).id

    return job


def test_jobs_run_in_order_off_the_ui_thread(qtbot, db_path):
    worker = DatabaseWorker(db_path)
    threads, results = [], []
    try:
        for number in range(5):
            worker.run(
                lambda store, progress: threads.append(threading.current_thread()),
                on_success=lambda _value, number=number: results.append(number),
            )
        qtbot.waitUntil(lambda: len(results) == 5, timeout=5000)
    finally:
        worker.stop()
    assert results == [0, 1, 2, 3, 4]
    assert threading.main_thread() not in threads


def test_stop_runs_every_queued_job_and_leaves_a_complete_file(qtbot, db_path):
    worker = DatabaseWorker(db_path)
    for number in range(30):
        worker.run(_create(number), topics=("residents",))
    worker.stop()
    assert not db_path.with_name(db_path.name + "-wal").exists()
    store = open_store(db_path)
    try:
        assert store.residents.count() == 30
    finally:
        store.close()


def test_a_failed_job_reports_and_changes_nothing(qtbot, db_path):
    worker = DatabaseWorker(db_path)
    failures = []

    def half_done(store, progress):
        with store.write() as writer:
            writer.insert("mediator", {"name": "Nadia", "active": True})
            raise RuntimeError("disk unplugged")

    try:
        with qtbot.waitSignal(worker.idle, timeout=5000):
            worker.run(half_done, on_failure=failures.append)
    finally:
        worker.stop()
    assert [str(error) for error in failures] == ["disk unplugged"]
    store = open_store(db_path)
    try:
        assert store.conn.execute("SELECT COUNT(*) FROM mediator").fetchone() == (0,)
        assert store.conn.execute("SELECT COUNT(*) FROM change_log").fetchone() == (0,)
    finally:
        store.close()


def test_progress_reaches_the_ui_and_cancel_stops_the_job(qtbot, db_path):
    worker = DatabaseWorker(db_path)
    seen, outcome = [], []

    def long_job(store, progress):
        for step in range(1, 1000):
            if not progress(step, 1000):
                return step
            threading.Event().wait(0.002)
        return 1000

    try:
        cancel = worker.run(
            long_job, on_success=outcome.append, on_progress=lambda d, t: seen.append(d)
        )
        qtbot.waitUntil(lambda: bool(seen), timeout=5000)
        cancel()
        qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    finally:
        worker.stop()
    assert outcome[0] < 1000


def test_stop_returns_even_when_the_database_cannot_be_opened(qtbot, tmp_path):
    worker = DatabaseWorker(tmp_path)  # a folder: opening it fails
    failures = []
    with qtbot.waitSignal(worker.idle, timeout=5000):
        worker.run(lambda store, progress: None, on_failure=failures.append)
    worker.stop()
    assert len(failures) == 1
