"""The last safety net: an error no code handled reaches the mediator as a plain
message, never as a traceback, and the log file gets a note of it without personal
data (``mediator_app.logs``).

Errors that carry a message for the mediator (``MessageError``, ``ValidationError``)
show that message; any other error shows a general one that says the work saved so far
is kept and where the log file is. Errors raised in another thread are shown on the UI
thread.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from mediator_app import APP_NAME
from mediator_app.domain.validation import MessageError, ValidationError
from mediator_app.i18n import _
from mediator_app.logs import log_unexpected_error, setup_logging


def message_for(error: BaseException) -> str | None:
    """The message an error carries for the mediator, translated; ``None`` for an error
    that has none (a bug, or a failure of the system)."""
    if isinstance(error, MessageError):
        return error.render(_)
    if isinstance(error, ValidationError):
        return "\n".join(problem.render(_) for problem in error.problems.values())
    return None


class ErrorHandler(QObject):
    """Shows unhandled errors and logs them. Made by ``install_error_handler``; one per
    application. ``message_box`` is the message shown, while it is open."""

    _reported = Signal(object)

    def __init__(self, app: QApplication, log_file: Path):
        super().__init__(app)
        self.log_file = log_file
        self.message_box: QMessageBox | None = None
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        # Queued when emitted from another thread: the message is built on the UI thread.
        self._reported.connect(self._on_reported)

    def install(self) -> None:
        sys.excepthook = self._on_exception
        threading.excepthook = self._on_thread_exception

    def uninstall(self) -> None:
        """Put back the hooks that were there before ``install``."""
        if sys.excepthook == self._on_exception:
            sys.excepthook = self._previous_hook
        if threading.excepthook == self._on_thread_exception:
            threading.excepthook = self._previous_thread_hook

    def _on_exception(
        self,
        exc_type: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt | SystemExit):
            self._previous_hook(exc_type, error, tb)
            return
        self._report(error)

    def _on_thread_exception(self, args: Any) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        self._report(args.exc_value)

    def _report(self, error: BaseException) -> None:
        # A log that cannot be written (a full disk) must not hide the message.
        with contextlib.suppress(Exception):
            log_unexpected_error(error)
        with contextlib.suppress(RuntimeError):  # the application is already gone
            self._reported.emit(error)

    @Slot(object)
    def _on_reported(self, error: BaseException) -> None:
        if self.message_box is not None:
            return  # one message at a time: the same fault often repeats at once
        box = QMessageBox(QApplication.activeWindow())
        box.setWindowTitle(APP_NAME)
        try:
            specific = message_for(error)
        except Exception:  # a message that cannot be rendered: the general one, no loop
            specific = None
        if specific is not None:
            box.setIcon(QMessageBox.Icon.Information)
            box.setText(specific)
        else:
            box.setIcon(QMessageBox.Icon.Warning)
            box.setText(
                _(
                    "Something went wrong and the last action may not have been completed. "
                    "Everything you saved before it is kept."
                )
            )
            box.setInformativeText(
                _(
                    "You can go on working. If this happens again, close Passerelle and "
                    "open it again. A note about the problem, without any personal data, "
                    "was written to %(path)s: you may send this file to the person who "
                    "helps you with Passerelle."
                )
                % {"path": self.log_file}
            )
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setWindowModality(Qt.WindowModality.ApplicationModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._on_box_finished)
        self.message_box = box
        box.show()

    @Slot()
    def _on_box_finished(self) -> None:
        self.message_box = None


def install_error_handler(app: QApplication, log_folder: Path | None = None) -> ErrorHandler:
    """Set up the log file (in ``log_folder``, the user's log directory by default) and
    catch every error no code handled, in the UI thread and in other threads. Call it
    once, right after the ``QApplication`` is made."""
    handler = ErrorHandler(app, setup_logging(log_folder))
    handler.install()
    return handler


def unexpected_error_text(error: BaseException) -> str:
    """What a screen says of an error it did not expect, after logging it: never the
    error's own text, which may name a resident or mean nothing to a mediator."""
    log_unexpected_error(error)
    return _(
        "Something went wrong that Passerelle did not expect. A note about it, without "
        "any personal data, was written to its log."
    )
