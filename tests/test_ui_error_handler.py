"""The last safety net: an error no code handled shows a plain message, never a
traceback, and is logged without personal data."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from mediator_app.domain.validation import Problem, ValidationError
from mediator_app.store.errors import NotFoundError
from mediator_app.ui.error_handler import install_error_handler, message_for

NAME = "Hélène D'Aubigné"

# pytest-qt would take the error for a failure of the test: here it is the point.
pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def handler(qtbot, tmp_path):
    installed = install_error_handler(QApplication.instance(), tmp_path / "logs")
    yield installed
    installed.uninstall()
    if installed.message_box is not None:
        installed.message_box.close()
    root = logging.getLogger()
    for log_handler in list(root.handlers):
        if getattr(log_handler, "baseFilename", None) == str(installed.log_file):
            root.removeHandler(log_handler)
            log_handler.close()


def _shown_box(qtbot, handler) -> QMessageBox:
    """The message the handler opened, once it is on screen (as the mediator sees it)."""
    qtbot.waitUntil(lambda: handler.message_box is not None, timeout=3000)
    box = handler.message_box
    assert box is not None
    qtbot.waitUntil(box.isVisible, timeout=3000)
    return box


def _all_text(box: QMessageBox) -> str:
    return "\n".join((box.text(), box.informativeText(), box.detailedText()))


def _boom() -> None:
    raise KeyError(NAME)


def test_an_error_in_a_timer_callback_shows_a_plain_message_and_logs_it(qtbot, handler):
    QTimer.singleShot(0, _boom)
    box = _shown_box(qtbot, handler)
    text = _all_text(box)
    assert "Something went wrong" in box.text()
    assert str(handler.log_file) in box.informativeText()
    assert "Traceback" not in text
    assert "KeyError" not in text
    assert NAME not in text
    assert box.detailedText() == ""
    log = handler.log_file.read_text(encoding="utf-8")
    assert "KeyError" in log
    assert "in _boom" in log
    assert "Hélène" not in log


def test_an_error_in_a_button_slot_shows_one_message_at_a_time(qtbot, handler):
    button = QPushButton("Go")
    qtbot.addWidget(button)
    button.clicked.connect(_boom)
    button.click()
    box = _shown_box(qtbot, handler)
    button.click()  # the same fault again, while the first message is open
    qtbot.wait(20)
    assert handler.message_box is box
    box.accept()
    qtbot.waitUntil(lambda: handler.message_box is None, timeout=3000)
    assert handler.log_file.read_text(encoding="utf-8").count("KeyError") == 2


def test_an_error_in_another_thread_is_shown_on_the_ui_thread(qtbot, handler):
    thread = threading.Thread(target=_boom)
    thread.start()
    thread.join()
    box = _shown_box(qtbot, handler)
    assert box.thread() is QApplication.instance().thread()
    assert "Something went wrong" in box.text()
    assert "Hélène" not in handler.log_file.read_text(encoding="utf-8")


def test_an_error_with_a_message_for_the_mediator_shows_that_message(qtbot, handler):
    def refuse() -> None:
        raise NotFoundError(id="0190-abc")

    QTimer.singleShot(0, refuse)
    box = _shown_box(qtbot, handler)
    assert box.text() == "No record has the id 0190-abc."
    assert "0190-abc" not in handler.log_file.read_text(encoding="utf-8")


def test_every_message_goes_through_the_catalogue(qtbot, handler, monkeypatch):
    monkeypatch.setattr("mediator_app.ui.error_handler._", lambda text: f"«{text}»")
    QTimer.singleShot(0, _boom)
    box = _shown_box(qtbot, handler)
    assert box.text().startswith("«Something went wrong")
    assert box.informativeText().startswith("«You can go on working.")
    assert str(handler.log_file) in box.informativeText()


def test_a_message_that_cannot_be_rendered_gives_the_general_one(qtbot, handler):
    def refuse() -> None:
        raise ValidationError({"year": Problem("Between %(first)s and %(last)s.", {"last": 1})})

    QTimer.singleShot(0, refuse)
    box = _shown_box(qtbot, handler)
    assert "Something went wrong" in box.text()


def test_message_for_reads_validation_errors_and_leaves_bugs_alone():
    error = ValidationError({"date": Problem("Enter the date of the session.")})
    assert message_for(error) == "Enter the date of the session."
    assert message_for(KeyError(NAME)) is None


def test_uninstall_puts_the_previous_hooks_back(qtbot, tmp_path):
    import sys

    before, before_thread = sys.excepthook, threading.excepthook
    installed = install_error_handler(QApplication.instance(), tmp_path / "logs")
    assert sys.excepthook != before
    installed.uninstall()
    assert sys.excepthook == before
    assert threading.excepthook == before_thread
    root = logging.getLogger()
    for log_handler in list(root.handlers):
        if getattr(log_handler, "baseFilename", None) == str(installed.log_file):
            root.removeHandler(log_handler)
            log_handler.close()
