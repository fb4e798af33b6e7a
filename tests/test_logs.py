"""The log file: where the code failed, never whom it concerned."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from mediator_app import __version__
from mediator_app.logs import (
    LOG_FILE_NAME,
    MAX_FRAMES,
    current_log_file,
    describe_error,
    log_unexpected_error,
    setup_logging,
)

NAME = "Hélène D'Aubigné"


@pytest.fixture
def log_file(tmp_path):
    path = setup_logging(tmp_path / "logs")
    yield path
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "baseFilename", None) == str(path):
            root.removeHandler(handler)
            handler.close()


def _fail_with_the_name() -> None:
    residents = {"someone else": 1}
    residents[NAME]  # KeyError: "Hélène D'Aubigné"


def _caught(function) -> BaseException:
    try:
        function()
    except BaseException as error:
        return error
    raise AssertionError("no error")


def test_setup_makes_a_rotating_file_in_the_folder_asked_for(log_file, tmp_path):
    assert log_file == tmp_path / "logs" / LOG_FILE_NAME
    assert current_log_file() == log_file
    assert setup_logging(tmp_path / "logs") == log_file  # a second call replaces the first
    handlers = [h for h in logging.getLogger().handlers if getattr(h, "baseFilename", "")]
    assert [h.baseFilename for h in handlers].count(str(log_file)) == 1


def test_an_error_is_logged_with_its_type_frames_and_version_but_not_its_message(log_file):
    log_unexpected_error(_caught(_fail_with_the_name))
    text = log_file.read_text(encoding="utf-8")
    assert "KeyError" in text
    assert "tests/test_logs.py:" in text
    assert "in _fail_with_the_name" in text
    assert f"Passerelle {__version__}" in text
    assert "Hélène" not in text
    assert "Aubign" not in text
    assert "residents[NAME]" not in text  # no source line either


def test_a_chained_error_is_logged_without_either_message(log_file):
    def wrapped() -> None:
        try:
            _fail_with_the_name()
        except KeyError as error:
            raise sqlite3.IntegrityError(f"UNIQUE constraint failed: {NAME}") from error

    log_unexpected_error(_caught(wrapped))
    text = log_file.read_text(encoding="utf-8")
    assert "sqlite3.IntegrityError" in text
    assert "KeyError" in text
    assert "Hélène" not in text


def test_other_loggers_keep_their_template_never_their_values(log_file):
    log = logging.getLogger("mediator_app.ui.worker")
    error = _caught(_fail_with_the_name)
    log.error("unhandled database job failure: %s", error)
    log.error(error)
    try:
        _fail_with_the_name()
    except KeyError:
        log.exception("database job failed")
    text = log_file.read_text(encoding="utf-8")
    assert "unhandled database job failure: %s" in text
    assert "database job failed" in text
    assert "<KeyError>" in text
    assert "Hélène" not in text
    assert "Aubign" not in text


def test_the_file_keeps_no_home_folder(log_file, tmp_path):
    log_unexpected_error(_caught(_fail_with_the_name))
    text = log_file.read_text(encoding="utf-8")
    assert str(tmp_path) not in text
    assert str(log_file.parent.parent.parent) not in text


def test_a_deep_traceback_keeps_its_innermost_frames():
    def recurse(depth: int) -> None:
        if depth == 0:
            raise ValueError(NAME)
        recurse(depth - 1)

    lines = describe_error(_caught(lambda: recurse(MAX_FRAMES * 3))).splitlines()
    assert any("outer frames left out" in line for line in lines)
    assert len(lines) < MAX_FRAMES + 5
    assert "in test_a_deep_traceback_keeps_its_innermost_frames.<locals>.recurse" in lines[-1]
    assert NAME not in "\n".join(lines)
