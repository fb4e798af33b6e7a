"""Small widgets and helpers the screens share: inline field errors, labelled fields,
error boxes that speak plainly, remembered geometry."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QTableView,
    QWidget,
)

from mediator_app.domain.validation import MessageError, Problem, ValidationError
from mediator_app.i18n import _
from mediator_app.settings import Settings

WARNING_SIGN = "⚠"


class FieldError(QLabel):
    """A field's problem, shown under it with a sign and in words (not by colour alone)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setStyleSheet("color: #a4000f;")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.hide()

    def show_problem(self, problem: Problem | None) -> None:
        if problem is None:
            self.clear()
            self.hide()
        else:
            self.setText(f"{WARNING_SIGN} {problem.render(_)}")
            self.show()


def add_row(form: QFormLayout, label_text: str, field: QWidget) -> QLabel:
    """Add ``field`` to ``form`` with a label that is its buddy and its accessible name."""
    label = QLabel(label_text)
    label.setBuddy(field)
    field.setAccessibleName(label_text.replace("&", ""))
    form.addRow(label, field)
    return label


def explain_failure(parent: QWidget | None, error: BaseException) -> None:
    """Tell the mediator, in plain words, that an action failed and nothing was saved."""
    if isinstance(error, MessageError):
        detail = error.render(_)
    elif isinstance(error, ValidationError):
        detail = "\n".join(problem.render(_) for problem in error.problems.values())
    else:
        detail = _("An unexpected error occurred: %(error)s") % {"error": error}
    QMessageBox.warning(
        parent,
        _("Not saved"),
        _("Nothing was saved.") + "\n\n" + detail,
    )


def fit_columns_to_headers(view: QTableView, minimum_widths: tuple[int, ...]) -> None:
    """Give each column at least the width of its translated header, without asking a
    lazy model for its rows (as ``ResizeToContents`` would)."""
    metrics = view.horizontalHeader().fontMetrics()
    model = view.model()
    for column, minimum in enumerate(minimum_widths):
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        view.setColumnWidth(column, max(minimum, metrics.horizontalAdvance(title) + 28))


def scrolling(body: QWidget) -> QScrollArea:
    """``body`` in a frameless scroll area: with large system fonts a form still fits."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(body)
    return scroll


def fit_to_screen(window: QWidget, body: QWidget, extra: QSize = QSize(48, 96)) -> None:  # noqa: B008
    """Size ``window`` to show all of ``body`` (plus ``extra`` for buttons and margins),
    but never larger than the screen it opens on."""
    wanted = body.sizeHint() + extra
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        wanted = wanted.boundedTo(screen.availableGeometry().size() * 0.95)
    window.resize(wanted)


def restore_geometry(widget: QWidget, settings: Settings, name: str) -> None:
    stored = settings["geometry"].get(name)
    if stored:
        widget.restoreGeometry(QByteArray.fromBase64(stored.encode("ascii")))


def remember_geometry(widget: QWidget, settings: Settings, name: str) -> None:
    geometry = dict(settings["geometry"])
    geometry[name] = bytes(widget.saveGeometry().toBase64().data()).decode("ascii")
    settings["geometry"] = geometry


class PasswordWarning(QLabel):
    """Shown under a notes field while its text looks like a resident's password or
    login: those are never written down here."""

    def __init__(self, notes: QPlainTextEdit, parent: QWidget | None = None):
        super().__init__(parent)
        from mediator_app.domain.secrets import looks_like_a_password

        self.setObjectName("passwordWarning")
        self.setWordWrap(True)
        self.setStyleSheet("background: #fde7e9; color: #6b0000; padding: 4px; border-radius: 3px;")
        self.setText(
            f"{WARNING_SIGN} "
            + _(
                "This looks like a password or a login. Never write down a resident's "
                "password: remove it before saving."
            )
        )
        self.hide()
        self._looks = looks_like_a_password
        self._notes = notes
        notes.textChanged.connect(self._on_text_changed)

    def _on_text_changed(self) -> None:
        self.setVisible(self._looks(self._notes.toPlainText()))
