"""The application's log file: what went wrong and where in the code, never whom it
concerned.

A message or a value can hold a resident's name (``KeyError: 'Hélène'``, a failed
``UNIQUE`` constraint quoting a row, a logged ``%s`` of an exception). So the log file
keeps only what the code itself wrote:

- for an error, the exception's type and, for each frame of its traceback, the file,
  line number and function (no source line, no local variable, no exception message),
  with the version of Passerelle and the time;
- for any other record, the logger's message *template* (``"job failed: %s"``), never
  the values put into it: give values as arguments (``log.error("failed: %s", error)``),
  never inside the template (no f-string).

The file rotates: a few small files, so it never grows without bound. Nothing here
touches Qt.
"""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from platformdirs import user_log_dir

from mediator_app import APP_NAME, __version__

LOG_FILE_NAME = "passerelle.log"
#: Size at which the log file rotates, and how many older files are kept.
MAX_LOG_BYTES = 256 * 1024
KEPT_LOG_FILES = 3
#: Frames kept of one traceback (the innermost ones: where it failed).
MAX_FRAMES = 40
#: Chained exceptions (``raise ... from``, or raised while handling another) followed.
MAX_CHAINED = 5

_ERRORS_LOGGER = "mediator_app.errors"


def log_folder() -> Path:
    """The folder of the log files: the user's log directory for Passerelle."""
    return Path(user_log_dir(APP_NAME, appauthor=False))


def setup_logging(folder: Path | None = None) -> Path:
    """Send warnings and errors of every logger to a rotating file in ``folder`` (the
    user's log directory by default), written without personal data; returns the
    file's path. Calling it again replaces the file handler it set up before."""
    folder = folder if folder is not None else log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _PrivateFileHandler):
            root.removeHandler(handler)
            handler.close()
    handler = _PrivateFileHandler(
        path, maxBytes=MAX_LOG_BYTES, backupCount=KEPT_LOG_FILES, encoding="utf-8", delay=True
    )
    handler.setLevel(logging.WARNING)
    handler.setFormatter(PrivateFormatter())
    root.addHandler(handler)
    return path


def current_log_file() -> Path | None:
    """The file ``setup_logging`` writes to, or ``None`` before it was called."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _PrivateFileHandler):
            return Path(handler.baseFilename)
    return None


def log_unexpected_error(error: BaseException) -> None:
    """Write an error no one handled to the log: its type, where it was raised, the
    version and the time. Its message is not written: it may name a resident."""
    logging.getLogger(_ERRORS_LOGGER).error(
        "unexpected error", exc_info=(type(error), error, error.__traceback__)
    )


def describe_error(error: BaseException) -> str:
    """The lines the log keeps of ``error``: a header with the version and the time,
    then, for the error and the ones it was chained from, the type and its frames as
    ``file:line in function``."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    lines = [f"{APP_NAME} {__version__}, {now}"]
    seen: set[int] = set()
    current: BaseException | None = error
    for depth in range(MAX_CHAINED + 1):
        if current is None or id(current) in seen:
            break
        seen.add(id(current))
        if depth:
            lines.append("  raised while handling or from:")
        lines.append(_type_name(current))
        lines.extend(f"  {frame}" for frame in _frames(current.__traceback__))
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return "\n".join(lines)


class PrivateFormatter(logging.Formatter):
    """Formats a record as its time, level, logger and message *template*, then the
    error it carries as ``describe_error`` gives it: never a value, never a message."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds")
        template = record.msg if isinstance(record.msg, str) else f"<{type(record.msg).__name__}>"
        text = f"{moment} {record.levelname} {record.name}: {template}"
        if record.exc_info and record.exc_info[1] is not None:
            text += "\n" + describe_error(record.exc_info[1])
        return text


class _PrivateFileHandler(logging.handlers.RotatingFileHandler):
    """The handler ``setup_logging`` adds (told apart from others to be replaced)."""


def _type_name(error: BaseException) -> str:
    kind = type(error)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _frames(tb: TracebackType | None) -> list[str]:
    """``file:line in function`` of each frame, read from the code objects (no source
    line is looked up, no local is read)."""
    frames = [
        f"{_short_path(frame.f_code.co_filename)}:{line} in {frame.f_code.co_qualname}"
        for frame, line in traceback.walk_tb(tb)
    ]
    if len(frames) > MAX_FRAMES:
        left_out = len(frames) - MAX_FRAMES
        frames = [f"... {left_out} outer frames left out", *frames[-MAX_FRAMES:]]
    return frames


def _short_path(filename: str) -> str:
    """A source file's path from its package on: the folders above it name the
    person's home directory."""
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", "/dist-packages/"):
        if marker in path:
            return path.rsplit(marker, 1)[1]
    if "/mediator_app/" in path:
        return "mediator_app/" + path.rsplit("/mediator_app/", 1)[1]
    if "/tests/" in path:
        return "tests/" + path.rsplit("/tests/", 1)[1]
    return path.rsplit("/", 1)[-1]
