"""Time from process start to a shown window, and peak memory, in a fresh process.

    python benchmarks/window_start.py DATABASE   # Passerelle's main window over DATABASE
    python benchmarks/window_start.py --empty    # baseline: an empty QMainWindow

The clock starts at the top of this script, before Qt is imported, and stops once the
window is shown and the event loop has run once. Prints one JSON line with ``seconds``
and ``peak_rss_kib`` (peak resident memory). Run by ``run.py`` with
``QT_QPA_PLATFORM=offscreen``.
"""

import time

START = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402


def show_empty_window() -> None:
    """A bare QApplication and QMainWindow: what any Qt window costs."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 720)
    window.show()
    app.processEvents()
    report()
    window.close()


#: The data key of an encrypted benchmark database, in hex.
KEY_VARIABLE = "PASSERELLE_BENCH_KEY"


def show_main_window(database: str) -> None:
    """Start the app as ``ui.application`` does, on a desk that is already configured."""
    from mediator_app.i18n import DEFAULT_LANGUAGE
    from mediator_app.settings import Settings
    from mediator_app.store import open_store
    from mediator_app.ui.application import apply_language, make_application
    from mediator_app.ui.main_window import MainWindow
    from mediator_app.ui.worker import DatabaseWorker

    app = make_application()
    settings = Settings(None)
    apply_language(app, settings["language"] or DEFAULT_LANGUAGE)
    key = os.environ.get(KEY_VARIABLE)
    store = open_store(database, key=bytes.fromhex(key) if key else None)
    desk = store.ensure_desk()
    if not desk.configured:
        sys.exit("the benchmark database's desk is not configured")
    worker = DatabaseWorker(store.path, desk.mediator_id, key=store.key)
    window = MainWindow(store, worker, settings)
    window.show()
    app.processEvents()
    report()
    window.close()
    worker.stop()
    store.close()


def peak_rss_kib() -> int:
    """This process's peak resident memory, in KiB.

    On Linux this is ``VmHWM``: ``ru_maxrss`` keeps the peak of the process that started
    this one (it survives fork and exec), so under a large parent it reports the parent.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def report() -> None:
    seconds = time.perf_counter() - START
    print(json.dumps({"seconds": seconds, "peak_rss_kib": peak_rss_kib()}), flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--empty"]:
        show_empty_window()
    elif len(sys.argv) == 2:
        show_main_window(sys.argv[1])
    else:
        sys.exit(__doc__)
