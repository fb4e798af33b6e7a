"""Participants who gave no name, counted by profile (gender, age band, status), as
La Coop's collective report counts them. The caller saves the counts."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.codes import AGE_BANDS, GENDERS, SOCIAL_STATUSES
from mediator_app.domain.validation import Problem
from mediator_app.domain.workshop import MAX_CAPACITY, AnonymousCount
from mediator_app.i18n import _, ngettext
from mediator_app.ui.saving_dialog import SavingDialog
from mediator_app.ui.session_dialog import code_combo
from mediator_app.ui.widgets import FieldError, add_row, fit_to_screen
from mediator_app.ui.workshops.models import AnonymousCountsModel


class AnonymousCountsDialog(SavingDialog):
    """Edit the anonymous counts of one session; ``submitted`` carries the groups."""

    def __init__(self, parent: QWidget | None, heading: str, groups: Sequence[AnonymousCount] = ()):
        super().__init__(parent)
        self.setObjectName("anonymousCountsDialog")
        self.setWindowTitle(_("Anonymous participants"))
        heading_label = QLabel(heading)
        heading_label.setWordWrap(True)
        heading_label.setStyleSheet("font-size: 13pt; font-weight: 600;")
        explanation = QLabel(
            _(
                "People who took part without giving their name: count them by profile. "
                "Add one row per profile."
            )
        )
        explanation.setWordWrap(True)

        form = QFormLayout()
        self.count = QSpinBox()
        self.count.setRange(1, MAX_CAPACITY)
        self.gender = code_combo(GENDERS, "non_communique")
        self.age_band = code_combo(AGE_BANDS, "non_communique")
        self.status = code_combo(SOCIAL_STATUSES, "non_communique")
        add_row(form, _("&Number of people"), self.count)
        add_row(form, _("&Gender"), self.gender)
        add_row(form, _("Age &band"), self.age_band)
        add_row(form, _("S&tatus"), self.status)
        self.add_button = QPushButton(_("&Add to the list"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_group)
        form.addRow("", self.add_button)

        self.model = AnonymousCountsModel(self)
        self.model.set_rows(groups)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Anonymous participants by profile"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(140)
        table_label = QLabel(_("Counted so far"))
        table_label.setBuddy(self.table)
        self.remove_button = QPushButton(_("Re&move the selected row"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.total = QLabel()
        self.errors["anonymous_participants"] = FieldError()
        self.model.rowsInserted.connect(self._update_total)
        self.model.rowsRemoved.connect(self._update_total)
        self.model.dataChanged.connect(self._update_total)
        self.model.modelReset.connect(self._update_total)
        below = QHBoxLayout()
        below.addWidget(self.total, 1)
        below.addWidget(self.remove_button)

        body = QWidget()
        layout_body = QVBoxLayout(body)
        layout_body.addWidget(heading_label)
        layout_body.addWidget(explanation)
        layout_body.addLayout(form)
        layout_body.addWidget(table_label)
        layout_body.addWidget(self.table, 1)
        layout_body.addLayout(below)
        layout_body.addWidget(self.errors["anonymous_participants"])
        layout_body.addWidget(self.general_error)
        layout = QVBoxLayout(self)
        layout.addWidget(body, 1)
        layout.addLayout(self.button_row(_("&Save")))
        fit_to_screen(self, body)
        self._update_total()
        self.count.setFocus()
        self.count.selectAll()

    def add_group(self) -> None:
        self.model.add(
            AnonymousCount(
                count=self.count.value(),
                gender=self.gender.currentData(),
                age_band=self.age_band.currentData(),
                social_status=self.status.currentData(),
            )
        )
        self.count.setValue(1)
        self.count.setFocus()
        self.count.selectAll()

    def remove_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.model.remove(index.row())

    def _update_total(self, *_args: object) -> None:
        total = self.model.total()
        self.total.setText(
            ngettext("%(count)s anonymous participant", "%(count)s anonymous participants", total)
            % {"count": total}
        )
        self.remove_button.setEnabled(self.model.rowCount() > 0)

    def collect(self) -> tuple[tuple[AnonymousCount, ...], dict[str, Problem]]:
        groups = self.model.counts()
        problems: dict[str, Problem] = {}
        for group in groups:
            for problem in group.problems():
                problems["anonymous_participants"] = problem
        return groups, problems
