"""Choosing themes by keyboard: type part of a theme, press Enter to tick it, go on."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.codes import THEMES
from mediator_app.i18n import _
from mediator_app.ui.models import CodeChoiceModel, FoldedFilterProxy, theme_labels


class ThemePicker(QWidget):
    """A filter box over a checkable list of La Coop's themes, and what is chosen."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, minimum_width: int = 300):
        super().__init__(parent)
        self.label = QLabel(_("T&hemes"))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(_("Type to find a theme, Enter to tick it"))
        self.filter.setAccessibleName(_("Find a theme"))
        self.label.setBuddy(self.filter)
        self.model = CodeChoiceModel(THEMES, self)
        self.proxy = FoldedFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setAccessibleName(_("Themes"))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setMinimumWidth(minimum_width)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.filter.textChanged.connect(self._on_filter_changed)
        self.filter.returnPressed.connect(self._on_filter_return)
        self.model.dataChanged.connect(self._on_model_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.summary)

    @property
    def checked(self) -> tuple[str, ...]:
        return self.model.checked

    def set_checked(self, codes: tuple[str, ...]) -> None:
        self.model.set_checked(codes)
        self._on_model_changed()

    def _on_filter_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    def _on_filter_return(self) -> None:
        """Tick (or untick) the highlighted theme and clear the filter for the next one."""
        current = self.list.currentIndex()
        if not current.isValid() and self.proxy.rowCount():
            current = self.proxy.index(0, 0)
        if current.isValid():
            self.model.toggle(self.proxy.mapToSource(current).row())
        self.filter.clear()

    def _on_model_changed(self) -> None:
        checked = self.model.checked
        self.summary.setText(
            _("Chosen: %(themes)s") % {"themes": theme_labels(checked)} if checked else ""
        )
        self.changed.emit()
