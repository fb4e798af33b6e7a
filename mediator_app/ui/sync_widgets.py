"""The small pieces the pages of the Sync dialog share: wrapped text, a status line under
a page, a form row with its problem under the field, and the font of fingerprints."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mediator_app.ui.widgets import WARNING_SIGN, FieldError, add_row

WARNING_COLOUR = "#a4000f"


def wrapped(text: str) -> QLabel:
    """A label for ``text`` that wraps to the page's width."""
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def status_label() -> QLabel:
    """A hidden line that ``show_status`` fills: what a page's last action did."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def show_status(label: QLabel, text: str, *, warning: bool = False) -> None:
    """``text`` in ``label``; a warning carries a sign, not colour alone."""
    label.setText(f"{WARNING_SIGN} {text}" if warning else text)
    label.setStyleSheet(f"color: {WARNING_COLOUR};" if warning else "")
    label.show()


def indented(layout: QFormLayout) -> QHBoxLayout:
    """``layout`` set in from the left, under the choice it belongs to."""
    row = QHBoxLayout()
    row.addSpacing(24)
    row.addLayout(layout, 1)
    return row


def add_checked_row(
    form: QFormLayout, label_text: str, field: QWidget, shown: QWidget, error: FieldError
) -> None:
    """``add_row`` for a field with its problem right under it: ``shown`` is the field
    or a row holding it."""
    cell = QWidget()
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(shown)
    column.addWidget(error)
    label = add_row(form, label_text, cell)
    label.setBuddy(field)
    cell.setAccessibleName("")
    field.setAccessibleName(label_text.replace("&", ""))


def digits_font(scale: float = 1.0) -> QFont:
    """A fixed-width font as large as the interface's, times ``scale``: digits compared
    by eye line up."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(QGuiApplication.font().pointSizeF() * scale)
    return font
