""" "Import residents…": a centre's spreadsheet in three steps, nothing written before
the last one.

1. **The file**: a CSV or XLSX file, read on the worker (``reading.read_table``); what
   was read is said (encoding and separator, or sheet), or why it cannot be.
2. **The columns**: one row per column of the file, its header, a few of its values and
   the field it goes to, guessed from the headers (``mapping.guess_mapping``) and
   corrected in the table (F2, Enter or Space opens the list; a click as well). A
   mapping can be saved to a file and used again.
3. **Preview and consent**: every row's outcome, worked out on the worker with progress
   (``plan.preview``, which writes nothing); a choice per probable duplicate (skip, keep
   both, merge; the Menu key or a right click for the selected rows); the consent
   statement; then the import in one transaction (``apply.apply_import``), and its undo.

All database work runs on the ``DatabaseWorker``; the dialog only shows results. The
sentences come from ``importing.describe``, as on the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QContextMenuEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from mediator_app.domain.consent import load_consent_texts
from mediator_app.domain.resident import Consent
from mediator_app.domain.validation import MessageError
from mediator_app.i18n import N_, _, format_date, format_number, ngettext
from mediator_app.importing import describe
from mediator_app.importing.apply import (
    Action,
    ImportResult,
    UndoResult,
    apply_import,
    check_consent,
    undo_import,
)
from mediator_app.importing.errors import ConsentError, ImportCancelled, MappingError
from mediator_app.importing.mapping import (
    FIELD_LABELS,
    FIELDS,
    MappingGuess,
    check_mapping,
    column_letter,
    guess_mapping,
    load_mapping,
    save_mapping,
)
from mediator_app.importing.plan import ImportPlan, Outcome, PlannedRow, preview
from mediator_app.importing.reading import CellValue, Table, read_table
from mediator_app.paths import consent_texts_dir
from mediator_app.store import Store
from mediator_app.ui.error_handler import unexpected_error_text
from mediator_app.ui.models import AnyIndex, ColumnsTableModel
from mediator_app.ui.progress_job import run_with_progress
from mediator_app.ui.session_dialog import from_qdate, to_qdate
from mediator_app.ui.widgets import (
    WARNING_SIGN,
    FieldError,
    add_row,
    explain_failure,
    fit_columns_to_headers,
)
from mediator_app.ui.worker import DatabaseWorker

STEP_FILE, STEP_COLUMNS, STEP_PREVIEW = range(3)
#: Values of a column shown beside its header, and rows searched for them.
SAMPLE_VALUES = 3
SAMPLE_ROWS_SEARCHED = 200
#: The size the dialog asks for; never more than the screen.
PREFERRED_SIZE = QSize(1080, 720)
TOPICS = ("residents",)

#: The outcome of a preview row (``Outcome``), for the filter.
OUTCOME_ROLE = Qt.ItemDataRole.UserRole + 20

_DECISION_LABELS = {
    Action.SKIP: N_("Skip"),
    Action.CREATE: N_("Keep both"),
    Action.MERGE: N_("Merge"),
}
_DECISION_MENU_LABELS = {
    Action.SKIP: N_("&Skip"),
    Action.CREATE: N_("&Keep both"),
    Action.MERGE: N_("&Merge into the existing record"),
}
#: The filter of the preview: all rows, or those of one outcome.
_FILTERS = (
    (None, N_("All rows")),
    (Outcome.NEW, N_("New residents")),
    (Outcome.DUPLICATE, N_("Probable duplicates")),
    (Outcome.INVALID, N_("Invalid rows")),
)
_INVALID_COLOUR = QColor("#a4000f")
_FILE_PATTERNS = "*.csv *.txt *.tsv *.xlsx *.xlsm *.ods *.xls"


def _sample_text(value: CellValue) -> str:
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


# Models -------------------------------------------------------------------------------


class ColumnMappingModel(ColumnsTableModel):
    """One row per column of the file: its letter, header, a few values, and the field
    it goes to (``EditRole``: the field, ``""`` when not imported)."""

    COLUMNS = (N_("Column"), N_("Header"), N_("Examples"), N_("Imported as"))
    FIELD_COLUMN = 3

    mapping_changed = Signal()

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._headers: tuple[str, ...] = ()
        self._samples: list[str] = []
        self._mapping: dict[int, str] = {}

    def set_table(self, table: Table, mapping: Mapping[int, str]) -> None:
        self.beginResetModel()
        self._headers = table.headers
        found: list[list[str]] = [[] for _header in table.headers]
        for row in table.rows[:SAMPLE_ROWS_SEARCHED]:
            for index, values in enumerate(found):
                value = row.cell(index)
                if len(values) < SAMPLE_VALUES and value is not None and value != "":
                    values.append(_sample_text(value))
        self._samples = [" · ".join(values) for values in found]
        self._mapping = {index: field for index, field in mapping.items()
                         if 0 <= index < len(self._headers)}  # fmt: skip
        self.endResetModel()
        self.mapping_changed.emit()

    def mapping(self) -> dict[int, str]:
        return dict(sorted(self._mapping.items()))

    def set_mapping(self, mapping: Mapping[int, str]) -> None:
        self._mapping = {index: field for index, field in mapping.items()
                         if 0 <= index < len(self._headers) and field in FIELDS}  # fmt: skip
        if self._headers:
            self.dataChanged.emit(
                self.index(0, self.FIELD_COLUMN),
                self.index(len(self._headers) - 1, self.FIELD_COLUMN),
            )
        self.mapping_changed.emit()

    def row_total(self) -> int:
        return len(self._headers)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.FIELD_COLUMN:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._headers):
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.EditRole and column == self.FIELD_COLUMN:
            return self._mapping.get(row, "")
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        if column == 0:
            return column_letter(row)
        if column == 1:
            return self._headers[row] or "—"
        if column == 2:
            return self._samples[row]
        if column == self.FIELD_COLUMN:
            field = self._mapping.get(row)
            label = _(FIELD_LABELS[field]) if field else _("not imported")
            if role == Qt.ItemDataRole.ToolTipRole:
                return _("%(field)s. F2, Enter or a click chooses another field.") % {
                    "field": label
                }
            return f"{label}  ▾" if role == Qt.ItemDataRole.DisplayRole else label
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or index.column() != self.FIELD_COLUMN
            or role != Qt.ItemDataRole.EditRole
            or (value and value not in FIELDS)
        ):
            return False
        if self._mapping.get(index.row(), "") == (value or ""):
            return True
        if value:
            self._mapping[index.row()] = value
        else:
            self._mapping.pop(index.row(), None)
        self.dataChanged.emit(index, index)
        self.mapping_changed.emit()
        return True


class PreviewModel(ColumnsTableModel):
    """Every row of a plan, in the file's order: nothing is computed for a row before it
    is shown, so 20,000 rows scroll as a few. The decision of each probable duplicate
    is kept here (``EditRole`` of the decision column)."""

    COLUMNS = (N_("Row"), N_("Name"), N_("Born"), N_("Outcome"), N_("Decision"),
               N_("Details"))  # fmt: skip
    ROW_COLUMN, NAME_COLUMN, BORN_COLUMN, OUTCOME_COLUMN, DECISION_COLUMN, DETAILS_COLUMN = range(6)

    decisions_changed = Signal()

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._plan: ImportPlan | None = None
        self._rows: tuple[PlannedRow, ...] = ()
        self._decisions: dict[int, Action] = {}
        self._editable = True

    @property
    def plan(self) -> ImportPlan | None:
        return self._plan

    def set_plan(self, plan: ImportPlan | None, duplicates: Action = Action.SKIP) -> None:
        self.beginResetModel()
        self._plan = plan
        self._rows = plan.rows if plan is not None else ()
        self._decisions = {
            row.number: duplicates for row in self._rows if row.outcome is Outcome.DUPLICATE
        }
        self._editable = True
        self.endResetModel()
        self.decisions_changed.emit()

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        if self._rows:
            self.dataChanged.emit(
                self.index(0, self.DECISION_COLUMN),
                self.index(len(self._rows) - 1, self.DECISION_COLUMN),
            )

    def planned(self, row: int) -> PlannedRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def outcome_at(self, row: int) -> Outcome:
        return self._rows[row].outcome

    def decisions(self) -> dict[int, Action]:
        """The decision of each probable duplicate, by row number of the file."""
        return dict(self._decisions)

    def decision(self, row_number: int) -> Action | None:
        return self._decisions.get(row_number)

    def set_decision(self, rows: Iterable[int], action: Action) -> int:
        """Give ``action`` to the probable duplicates among ``rows`` (model rows);
        returns how many changed."""
        changed = []
        for row in rows:
            planned = self.planned(row)
            if planned is None or planned.number not in self._decisions:
                continue
            if self._decisions[planned.number] is not action:
                self._decisions[planned.number] = action
                changed.append(row)
        if changed:
            self.dataChanged.emit(
                self.index(min(changed), self.DECISION_COLUMN),
                self.index(max(changed), self.DETAILS_COLUMN),
            )
            self.decisions_changed.emit()
        return len(changed)

    def set_every_decision(self, action: Action) -> None:
        self.set_decision(range(len(self._rows)), action)

    def row_total(self) -> int:
        return len(self._rows)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        planned = self.planned(index.row())
        if (
            self._editable
            and index.column() == self.DECISION_COLUMN
            and planned is not None
            and planned.outcome is Outcome.DUPLICATE
        ):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        planned = self.planned(index.row())
        if planned is None:
            return None
        column = index.column()
        if role == OUTCOME_ROLE:
            return planned.outcome
        if role == Qt.ItemDataRole.EditRole and column == self.DECISION_COLUMN:
            action = self._decisions.get(planned.number)
            return action.value if action is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and planned.outcome is Outcome.INVALID:
            return QBrush(_INVALID_COLOUR) if column == self.OUTCOME_COLUMN else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.ROW_COLUMN,
            self.BORN_COLUMN,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        return self._cell(planned, column, role)

    def _cell(self, planned: PlannedRow, column: int, role: int) -> str:
        if column == self.ROW_COLUMN:
            return str(planned.number)
        if column == self.NAME_COLUMN:
            return planned.resident.full_name or "—"
        if column == self.BORN_COLUMN:
            year = planned.resident.birth_year
            return "" if year is None else str(year)
        if column == self.OUTCOME_COLUMN:
            label = describe.outcome_label(planned.outcome)
            return f"{WARNING_SIGN} {label}" if planned.outcome is Outcome.INVALID else label
        action = self._decisions.get(planned.number)
        if column == self.DECISION_COLUMN:
            if action is None:
                return ""
            label = _(_DECISION_LABELS[action])
            shown_editable = self._editable and role == Qt.ItemDataRole.DisplayRole
            return f"{label}  ▾" if shown_editable else label
        if column == self.DETAILS_COLUMN:
            return " ".join(self._explanation(planned))
        return ""

    def explanation(self, row: int) -> list[str]:
        """Why a row is invalid (a sentence per problem), or whom it may duplicate and
        what will happen; nothing for a new resident."""
        planned = self.planned(row)
        return self._explanation(planned) if planned is not None else []

    def _explanation(self, planned: PlannedRow) -> list[str]:
        if self._plan is None:
            return []
        if planned.outcome is Outcome.INVALID:
            return describe.reason_lines(self._plan, planned)
        action = self._decisions.get(planned.number)
        if planned.outcome is Outcome.DUPLICATE and action is not None:
            return [describe.duplicate_line(planned, action)]
        return []

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or role != Qt.ItemDataRole.EditRole
            or not self.flags(index) & Qt.ItemFlag.ItemIsEditable
        ):
            return False
        try:
            action = Action(value)
        except ValueError:
            return False
        self.set_decision((index.row(),), action)
        return True


class OutcomeFilterProxy(QSortFilterProxyModel):
    """Keeps the rows of one outcome, or all of them."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._outcome: Outcome | None = None

    def set_outcome(self, outcome: Outcome | None) -> None:
        self.beginFilterChange()
        self._outcome = outcome
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._outcome is None:
            return True
        model = self.sourceModel()
        if isinstance(model, PreviewModel):
            return model.outcome_at(source_row) is self._outcome
        return model.index(source_row, 0, source_parent).data(OUTCOME_ROLE) is self._outcome


# Views --------------------------------------------------------------------------------


class ChoiceDelegate(QStyledItemDelegate):
    """A list to choose a cell's value from: ``choices`` are ``(label, value)`` pairs.
    A choice is written at once (arrows, a click in the list), the list stays open
    until Enter, Tab or a click elsewhere."""

    def __init__(self, choices: Callable[[], Sequence[tuple[str, str]]], accessible_name: str,
                 parent: Any = None):  # fmt: skip
        super().__init__(parent)
        self._choices = choices
        self._accessible_name = accessible_name

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:  # fmt: skip
        editor = QComboBox(parent)
        editor.setAccessibleName(_(self._accessible_name))
        for label, value in self._choices():
            editor.addItem(label, value)
        editor.activated.connect(lambda _row: self.commitData.emit(editor))
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:  # fmt: skip
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ChoiceTable(QTableView):
    """A table of rows whose one editable column is chosen from a list: F2, Enter or
    Space on any cell of a row opens the list of that row, as a click on the cell or a
    double click on the row does; the Menu key asks for ``menu_requested``."""

    menu_requested = Signal(QPoint)

    def __init__(self, choice_column: int, parent: QWidget | None = None):
        super().__init__(parent)
        self._choice_column = choice_column
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        header = self.verticalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setHighlightSections(False)
        self.clicked.connect(self._on_clicked)
        self.doubleClicked.connect(self.edit_choice)

    def choice_index(self, index: QModelIndex) -> QModelIndex:
        return index.siblingAtColumn(self._choice_column) if index.isValid() else index

    def edit_choice(self, index: QModelIndex | None = None) -> bool:
        """Open the list of the row of ``index`` (the current row by default)."""
        target = self.choice_index(self.currentIndex() if index is None else index)
        if not target.isValid() or not target.flags() & Qt.ItemFlag.ItemIsEditable:
            return False
        self.setCurrentIndex(target)
        return self.edit(target, QAbstractItemView.EditTrigger.AllEditTriggers, None)

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.column() == self._choice_column:
            self.edit_choice(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = (Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
        if (
            event.key() in keys
            and event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                      Qt.KeyboardModifier.KeypadModifier)
            and self.state() != QAbstractItemView.State.EditingState
            and self.edit_choice()
        ):  # fmt: skip
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            rect = self.visualRect(self.currentIndex())
            position = self.viewport().mapToGlobal(rect.center() if rect.isValid() else QPoint())
        else:
            position = event.globalPos()
        self.menu_requested.emit(position)
        event.accept()


def _table_label(text: str, table: QTableView) -> QLabel:
    label = QLabel(text)
    label.setBuddy(table)
    table.setAccessibleName(text.replace("&", ""))
    return label


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("stepHeading")
    label.setStyleSheet("font-size: 13pt; font-weight: 600;")
    label.setWordWrap(True)
    return label


def _wrapped(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class _Problem(FieldError):
    """A reason said in words, with a sign (not by colour alone); hidden when there is
    none."""

    def say(self, text: str | None) -> None:
        if text:
            self.setText(f"{WARNING_SIGN} {text}")
            self.show()
        else:
            self.clear()
            self.hide()


# The dialog ---------------------------------------------------------------------------


class ImportDialog(QDialog):
    """Import residents from a spreadsheet in three steps; ``imported`` carries the
    ``ImportResult`` once the import is written.

    ``store`` is the window's store, which the dialog never uses itself: every read
    and write of the import runs on ``worker`` (topic "residents" after a write).
    ``path`` opens the dialog on a file already chosen; ``today`` is the latest date
    of consent allowed (tests pass a fixed day)."""

    imported = Signal(object)
    #: Emitted once an import made here is undone, with the ``UndoResult``.
    undone = Signal(object)

    def __init__(
        self,
        store: Store,
        worker: DatabaseWorker,
        parent: QWidget | None = None,
        *,
        path: Path | None = None,
        today: date | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(_("Import residents"))
        self._store = store
        self._worker = worker
        self._today = today or date.today()
        self._path: Path | None = None
        self._table: Table | None = None
        self._guess: MappingGuess | None = None
        self._plan_mapping: dict[int, str] | None = None
        self._consent_language = ""
        self._result: ImportResult | None = None
        self._busy = False
        self._cancel: Callable[[], None] | None = None
        self.progress_dialog: QProgressDialog | None = None

        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_file_page())
        self.pages.addWidget(self._build_columns_page())
        self.pages.addWidget(self._build_preview_page())
        self.pages.currentChanged.connect(lambda _page: self._update_buttons())

        self.result_label = _wrapped()
        self.result_label.setObjectName("importResult")
        self.result_label.setStyleSheet("font-weight: 600;")
        self.result_label.setContentsMargins(9, 0, 9, 0)
        self.result_label.hide()
        self.back_button = QPushButton(_("&Back"))
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton(_("&Next"))
        self.next_button.clicked.connect(self.go_next)
        self.import_button = QPushButton(_("&Import"))
        self.import_button.clicked.connect(self.start_import)
        self.undo_button = QPushButton(_("&Undo this import…"))
        self.undo_button.clicked.connect(self.undo)
        self.undo_button.hide()
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.import_button,
                       self.close_button):  # fmt: skip
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.result_label)
        layout.addLayout(buttons)
        for button in self.findChildren(QPushButton):
            # Enter belongs to the field or table that has the keyboard, never to a
            # button the mediator is not looking at: Alt+N, Alt+B, Alt+I move on.
            button.setAutoDefault(False)
            button.setDefault(False)
        self._fit_to_screen()
        self._update_buttons()
        self._load_desk_defaults()
        self.choose_button.setFocus()
        if path is not None:
            self.read_file(Path(path))

    # Building -------------------------------------------------------------------------

    def _build_file_page(self) -> QWidget:
        page = QWidget()
        explanation = _wrapped(
            _(
                "Choose the spreadsheet that lists the residents: a CSV file or an Excel "
                "workbook (XLSX). Nothing is written before the last step, and a whole "
                "import can be undone."
            )
        )
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(_("The path of the file, or choose it"))
        self.path_edit.returnPressed.connect(self._on_path_entered)
        self.choose_button = QPushButton(_("C&hoose…"))
        self.choose_button.clicked.connect(self.choose_file)
        path_row = QWidget()
        path_layout = QHBoxLayout(path_row)
        path_layout.setContentsMargins(0, 0, 0, 0)
        path_layout.addWidget(self.path_edit, 1)
        path_layout.addWidget(self.choose_button)
        form = QFormLayout()
        add_row(form, _("&File"), path_row)
        self.path_edit.setAccessibleName(_("&File").replace("&", ""))
        self.file_status = _wrapped()
        self.file_status.setObjectName("fileStatus")
        self.file_error = _Problem()
        layout = QVBoxLayout(page)
        layout.addWidget(_heading(_("Step 1 of 3: the file")))
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.file_status)
        layout.addWidget(self.file_error)
        layout.addStretch(1)
        return page

    def _build_columns_page(self) -> QWidget:
        page = QWidget()
        self.template_label = QLabel(_("This is La Coop's beneficiary template."))
        self.template_label.setStyleSheet("font-weight: 600;")
        self.template_label.hide()
        explanation = _wrapped(
            _(
                "Check the field each column of the file goes to. To change one, select "
                "its row and press F2, Enter or Space, or click the field; columns left "
                "“not imported” are ignored."
            )
        )
        self.mapping_model = ColumnMappingModel(self)
        self.mapping_model.mapping_changed.connect(self._on_mapping_changed)
        self.mapping_table = ChoiceTable(ColumnMappingModel.FIELD_COLUMN)
        self.mapping_table.setModel(self.mapping_model)
        self.mapping_delegate = ChoiceDelegate(_field_choices, N_("Imported as"), self)
        self.mapping_table.setItemDelegateForColumn(
            ColumnMappingModel.FIELD_COLUMN, self.mapping_delegate
        )
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        fit_columns_to_headers(self.mapping_table, (70, 240, 330))
        self.unknown_label = _wrapped()
        self.mapping_error = _Problem()
        self.save_mapping_button = QPushButton(_("&Save this mapping…"))
        self.save_mapping_button.clicked.connect(self.save_mapping)
        self.load_mapping_button = QPushButton(_("&Open a saved mapping…"))
        self.load_mapping_button.clicked.connect(self.load_mapping)
        self.mapping_status = _wrapped()
        mapping_buttons = QHBoxLayout()
        mapping_buttons.addWidget(self.save_mapping_button)
        mapping_buttons.addWidget(self.load_mapping_button)
        mapping_buttons.addWidget(self.mapping_status, 1)
        layout = QVBoxLayout(page)
        layout.addWidget(_heading(_("Step 2 of 3: the columns")))
        layout.addWidget(self.template_label)
        layout.addWidget(explanation)
        layout.addWidget(_table_label(_("&Columns of the file"), self.mapping_table))
        layout.addWidget(self.mapping_table, 1)
        layout.addWidget(self.unknown_label)
        layout.addWidget(self.mapping_error)
        layout.addLayout(mapping_buttons)
        return page

    def _build_preview_page(self) -> QWidget:
        page = QWidget()
        self.counts_label = _wrapped()
        self.counts_label.setObjectName("previewCounts")
        self.counts_label.setStyleSheet("font-weight: 600;")
        self.reduced_label = _wrapped()
        self.filter = QComboBox()
        for outcome, label in _FILTERS:
            self.filter.addItem(_(label), outcome.value if outcome else "")
        self.filter.currentIndexChanged.connect(self._on_filter_changed)
        filter_form = QFormLayout()
        filter_form.setContentsMargins(0, 0, 0, 0)
        add_row(filter_form, _("Sho&w"), self.filter)

        self.preview_model = PreviewModel(self)
        self.preview_model.decisions_changed.connect(self._update_buttons)
        self.preview_proxy = OutcomeFilterProxy(self)
        self.preview_proxy.setSourceModel(self.preview_model)
        self.preview_table = ChoiceTable(PreviewModel.DECISION_COLUMN)
        self.preview_table.setModel(self.preview_proxy)
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.preview_delegate = ChoiceDelegate(_decision_choices, N_("Decision"), self)
        self.preview_table.setItemDelegateForColumn(
            PreviewModel.DECISION_COLUMN, self.preview_delegate
        )
        self.preview_table.menu_requested.connect(self._on_menu_requested)
        self.preview_table.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._show_row_details()
        )
        self.preview_model.dataChanged.connect(lambda *_args: self._show_row_details())
        self.row_details = _wrapped()
        self.row_details.setObjectName("rowDetails")
        fit_columns_to_headers(self.preview_table, (56, 200, 56, 140, 100))
        rows_hint = _wrapped(
            _(
                "A probable duplicate is skipped unless you choose otherwise: select it "
                "and press F2, Enter or Space, or click its decision; the Menu key or a "
                "right click decides for all the selected rows."
            )
        )

        self.every_duplicate = QComboBox()
        for action in Action:
            self.every_duplicate.addItem(_(_DECISION_LABELS[action]), action.value)
        self.every_duplicate.activated.connect(self._on_every_duplicate)
        self.skip_invalid = QCheckBox(_("Skip the in&valid rows"))
        self.skip_invalid.toggled.connect(self._update_buttons)
        options = QFormLayout()
        options.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        add_row(options, _("&Every probable duplicate"), self.every_duplicate)
        options.addRow("", self.skip_invalid)

        self.consent_box = QGroupBox(_("Consent"))
        consent_form = QFormLayout(self.consent_box)
        self.consent_date = QDateEdit()
        self.consent_date.setCalendarPopup(True)
        self.consent_date.setMaximumDate(to_qdate(self._today))
        self.consent_date.setDate(to_qdate(self._today))
        self.consent_date.dateChanged.connect(self._update_buttons)
        add_row(consent_form, _("&Date of consent"), self.consent_date)
        self.consent_by = QLineEdit()
        self.consent_by.setPlaceholderText(_("The name of the mediator who collected it"))
        self.consent_by.textChanged.connect(self._update_buttons)
        add_row(consent_form, _("Collected b&y"), self.consent_by)
        self.consent_given = QCheckBox(
            _("The centre collected the consent of the &people on this list")
        )
        self.consent_given.toggled.connect(self._update_buttons)
        consent_form.addRow(self.consent_given)
        self.blocked_label = _Problem()
        self.blocked_label.setObjectName("importBlocked")

        bottom = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(options)
        left.addWidget(self.blocked_label)
        left.addStretch(1)
        bottom.addLayout(left, 1)
        bottom.addWidget(self.consent_box, 1)

        top = QHBoxLayout()
        top.addWidget(_table_label(_("&Rows of the file"), self.preview_table))
        top.addStretch(1)
        top.addLayout(filter_form)
        layout = QVBoxLayout(page)
        layout.addWidget(_heading(_("Step 3 of 3: preview and consent")))
        layout.addWidget(self.counts_label)
        layout.addWidget(self.reduced_label)
        layout.addLayout(top)
        layout.addWidget(self.preview_table, 1)
        layout.addWidget(self.row_details)
        layout.addWidget(rows_hint)
        layout.addLayout(bottom)
        return page

    def _fit_to_screen(self) -> None:
        wanted = PREFERRED_SIZE
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            wanted = wanted.boundedTo(screen.availableGeometry().size() * 0.95)
        self.resize(wanted)

    # State ----------------------------------------------------------------------------

    @property
    def table(self) -> Table | None:
        return self._table

    @property
    def plan(self) -> ImportPlan | None:
        return self.preview_model.plan

    @property
    def result(self) -> ImportResult | None:
        return self._result

    def mapping(self) -> dict[int, str]:
        return self.mapping_model.mapping()

    def _alive(self) -> bool:
        return Shiboken.isValid(self)

    def _mapping_problem(self) -> str | None:
        if self._table is None:
            return None
        try:
            check_mapping(self.mapping(), self._table.column_count)
        except MappingError as error:
            return error.render(_)
        return None

    def import_blocked_because(self) -> str | None:
        """Why Import cannot be pressed now, in words; ``None`` when it can."""
        plan = self.plan
        if plan is None:
            return None
        counts = plan.counts
        if counts.invalid and not self.skip_invalid.isChecked():
            return ngettext(
                "%(count)s row is invalid: correct it in the file and choose the file "
                "again, or skip the invalid rows.",
                "%(count)s rows are invalid: correct them in the file and choose the file "
                "again, or skip the invalid rows.",
                counts.invalid,
            ) % {"count": format_number(counts.invalid)}
        decisions = self.preview_model.decisions()
        if not counts.new and all(action is Action.SKIP for action in decisions.values()):
            return _("No row would be imported: every row is skipped.")
        try:
            check_consent(self.consent(), self._today)
        except ConsentError as error:
            return error.render(_)
        return None

    def consent(self) -> Consent | None:
        """The consent statement as filled in; ``None`` until the box is ticked."""
        if not self.consent_given.isChecked():
            return None
        collected_on = from_qdate(self.consent_date.date())
        return Consent(
            collected_on=collected_on,
            collected_by=self.consent_by.text().strip(),
            language=self._consent_language,
            # The information text in force when the centre collected it.
            text_version=load_consent_texts(consent_texts_dir()).current(collected_on).version,
        )

    def _update_buttons(self) -> None:
        step = self.pages.currentIndex()
        done = self._result is not None
        idle = not self._busy
        self.back_button.setEnabled(idle and not done and step > STEP_FILE)
        self.next_button.setVisible(step < STEP_PREVIEW)
        self.import_button.setVisible(step == STEP_PREVIEW)
        if step == STEP_FILE:
            self.next_button.setEnabled(idle and self._table is not None)
        elif step == STEP_COLUMNS:
            self.next_button.setEnabled(idle and self._mapping_problem() is None)
        blocked = self.import_blocked_because() if step == STEP_PREVIEW and not done else None
        self.blocked_label.say(blocked)
        self.import_button.setEnabled(
            idle and not done and step == STEP_PREVIEW and self.plan is not None and not blocked
        )
        for widget in (self.choose_button, self.path_edit, self.save_mapping_button,
                       self.load_mapping_button):  # fmt: skip
            widget.setEnabled(idle)

    # Step 1: the file -----------------------------------------------------------------

    def _load_desk_defaults(self) -> None:
        """The desk's mediator (who usually collects consent) and language, read on the
        worker; a name already typed is kept."""

        def job(store: Store, _progress: Callable[[int, int], bool]) -> tuple[str, str]:
            from mediator_app.store.mediators import find_mediator

            desk = store.desk
            mediator = find_mediator(store, desk.mediator_id) if desk and desk.mediator_id else None
            return (mediator.name if mediator else "", desk.language if desk else "")

        def loaded(defaults: tuple[str, str]) -> None:
            if not self._alive():
                return
            name, language = defaults
            self._consent_language = language
            if name and not self.consent_by.text():
                self.consent_by.setText(name)

        self._worker.run(job, on_success=loaded, on_failure=lambda _error: None)

    def choose_file(self) -> None:
        start = str(self._path.parent) if self._path else QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )  # fmt: skip
        spreadsheets, everything = _("Spreadsheets"), _("All files")
        filters = f"{spreadsheets} ({_FILE_PATTERNS});;{everything} (*)"
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the file of residents"), start, filters
        )
        if chosen:
            self.read_file(Path(chosen))

    def _on_path_entered(self) -> None:
        text = self.path_edit.text().strip()
        if text:
            self.read_file(Path(text).expanduser())

    def read_file(self, path: Path) -> None:
        """Read ``path`` on the worker; the columns are guessed once it is read."""
        self._path = path
        self.path_edit.setText(str(path))
        self._set_table(None)
        self.file_error.say(None)
        self.file_status.setText(_("Reading %(name)s…") % {"name": path.name})
        self._busy = True
        self._update_buttons()

        def read(table: Table) -> None:
            if not self._alive():
                return
            self._busy = False
            self._set_table(table)
            self.next_button.setEnabled(True)
            self.next_button.setFocus()
            lines = [
                describe.file_line(table),
                ngettext(
                    "%(count)s row under the headers, which are on row %(row)s.",
                    "%(count)s rows under the headers, which are on row %(row)s.",
                    len(table.rows),
                )
                % {"count": format_number(len(table.rows)), "row": table.header_row},
            ]
            self.file_status.setText("\n".join(lines))
            self._update_buttons()

        def refused(error: BaseException) -> None:
            if not self._alive():
                return
            self._busy = False
            self.file_status.clear()
            self.file_error.say(_file_error_text(path, error))
            self._update_buttons()
            self.choose_button.setFocus()

        self._worker.run(
            lambda _store, _progress: read_table(path), on_success=read, on_failure=refused
        )

    def _set_table(self, table: Table | None) -> None:
        self._table = table
        self._guess = guess_mapping(table.headers) if table is not None else None
        self._plan_mapping = None
        self.preview_model.set_plan(None)
        if table is not None and self._guess is not None:
            self.mapping_model.set_table(table, self._guess.mapping)
            self.template_label.setVisible(self._guess.template == "lacoop")
            unknown = len(self._guess.unknown)
            self.unknown_label.setText(
                ngettext(
                    "%(count)s column was not recognised: choose its field if it should be "
                    "imported.",
                    "%(count)s columns were not recognised: choose their field if they "
                    "should be imported.",
                    unknown,
                )
                % {"count": unknown}
                if unknown
                else ""
            )
            self.unknown_label.setVisible(bool(unknown))
            self.mapping_status.clear()

    # Step 2: the columns --------------------------------------------------------------

    def _on_mapping_changed(self) -> None:
        self.mapping_error.say(self._mapping_problem())
        self._update_buttons()

    def save_mapping(self) -> None:
        if self._table is None:
            return
        start = (self._path.with_suffix(".json") if self._path
                 else Path(self._table.file_name).with_suffix(".json"))  # fmt: skip
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the column mapping"),
            str(start.with_name(start.stem + "-mapping.json")),
            _mapping_filter(),
        )
        if not chosen:
            return
        target = Path(chosen)
        try:
            save_mapping(target, self.mapping(), self._table.headers)
        except OSError as error:
            self.mapping_status.setText(
                _("The file could not be written: %(reason)s") % {"reason": error.strerror}
            )
            return
        self.mapping_status.setText(_("Mapping written to %(path)s.") % {"path": target})

    def load_mapping(self) -> None:
        if self._table is None:
            return
        start = str(self._path.parent) if self._path else ""
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Open a saved column mapping"), start, _mapping_filter()
        )
        if not chosen:
            return
        try:
            mapping = load_mapping(Path(chosen), self._table.headers)
        except MappingError as error:
            self.mapping_status.setText(f"{WARNING_SIGN} {error.render(_)}")
            return
        except (OSError, UnicodeDecodeError) as error:
            self.mapping_status.setText(
                f"{WARNING_SIGN} "
                + _("The file %(name)s could not be opened: %(reason)s")
                % {"name": Path(chosen).name, "reason": getattr(error, "strerror", "") or error}
            )
            return
        self.mapping_model.set_mapping(mapping)
        self.mapping_status.setText(_("Mapping read from %(name)s.") % {"name": Path(chosen).name})

    # Step 3: preview and consent ------------------------------------------------------

    def go_next(self) -> None:
        step = self.pages.currentIndex()
        if step == STEP_FILE and self._table is not None:
            self.pages.setCurrentIndex(STEP_COLUMNS)
            self.mapping_table.setFocus()
            if not self.mapping_table.currentIndex().isValid() and self.mapping_model.rowCount():
                self.mapping_table.setCurrentIndex(self.mapping_model.index(0, 0))
        elif step == STEP_COLUMNS and self._mapping_problem() is None:
            if self.plan is not None and self._plan_mapping == self.mapping():
                self._show_preview_page()
            else:
                self.run_preview()

    def go_back(self) -> None:
        step = self.pages.currentIndex()
        if step > STEP_FILE and not self._busy and self._result is None:
            self.pages.setCurrentIndex(step - 1)
            (self.choose_button if step - 1 == STEP_FILE else self.mapping_table).setFocus()

    def run_preview(self) -> None:
        """Work out every row's outcome on the worker; writes nothing."""
        table, mapping, today = self._table, self.mapping(), self._today
        if table is None:
            return
        self.mapping_status.clear()

        def previewed(plan: ImportPlan) -> None:
            self._plan_mapping = mapping
            self.preview_model.set_plan(plan, Action(self.every_duplicate.currentData()))
            self._show_counts(plan)
            self._show_preview_page()

        def failed(error: BaseException) -> None:
            if isinstance(error, ImportCancelled):
                self.mapping_status.setText(_("Preview cancelled: nothing was written."))
            else:
                self.mapping_status.setText(f"{WARNING_SIGN} {_error_text(error)}")

        self._run(
            lambda store, progress: preview(store, table, mapping, today=today,
                                            progress=progress),
            label=_("Checking every row of the file…"),
            on_success=previewed,
            on_failure=failed,
        )  # fmt: skip

    def _show_counts(self, plan: ImportPlan) -> None:
        counts = plan.counts
        self.counts_label.setText(describe.counts_line(counts))
        reduced = describe.dates_reduced_line(counts)
        self.reduced_label.setText(reduced or "")
        self.reduced_label.setVisible(bool(reduced))
        self.skip_invalid.setEnabled(bool(counts.invalid))
        if not counts.invalid:
            self.skip_invalid.setChecked(False)

    def _show_preview_page(self) -> None:
        self.pages.setCurrentIndex(STEP_PREVIEW)
        self.preview_table.setFocus()
        if self.preview_proxy.rowCount():
            self.preview_table.setCurrentIndex(self.preview_proxy.index(0, 0))
        self._update_buttons()

    def _show_row_details(self) -> None:
        """The whole explanation of the current row, which its cell may cut."""
        current = self.preview_proxy.mapToSource(self.preview_table.currentIndex())
        details = self.preview_model.explanation(current.row()) if current.isValid() else []
        self.row_details.setText("\n".join(details))
        self.row_details.setVisible(bool(details))

    def _on_filter_changed(self, _index: int) -> None:
        value = self.filter.currentData()
        self.preview_proxy.set_outcome(Outcome(value) if value else None)
        if not self.preview_table.currentIndex().isValid() and self.preview_proxy.rowCount():
            self.preview_table.setCurrentIndex(self.preview_proxy.index(0, 0))
        self._show_row_details()

    def _on_every_duplicate(self, _index: int) -> None:
        self.preview_model.set_every_decision(Action(self.every_duplicate.currentData()))

    def selected_rows(self) -> list[int]:
        """The model rows of the selected preview rows (the current one when none)."""
        selection = self.preview_table.selectionModel()
        indexes = selection.selectedRows() if selection is not None else []
        if not indexes and self.preview_table.currentIndex().isValid():
            indexes = [self.preview_table.currentIndex()]
        return sorted({self.preview_proxy.mapToSource(index).row() for index in indexes})

    def decision_menu(self) -> QMenu:
        """The choices for the selected probable duplicates."""
        menu = QMenu(self)
        rows = self.selected_rows()
        duplicates = [
            row for row in rows if self.preview_model.outcome_at(row) is Outcome.DUPLICATE
        ]
        for action in Action:
            item = menu.addAction(_(_DECISION_MENU_LABELS[action]))
            item.setEnabled(bool(duplicates) and self._result is None)
            item.triggered.connect(
                lambda _checked=False, chosen=action: self.preview_model.set_decision(
                    duplicates, chosen
                )
            )
        return menu

    def _on_menu_requested(self, position: QPoint) -> None:
        menu = self.decision_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(position)

    # Import and undo ------------------------------------------------------------------

    def start_import(self) -> None:
        """Write the plan in one transaction, on the worker."""
        plan = self.plan
        if plan is None or self.import_blocked_because() is not None:
            return
        consent = self.consent()
        decisions: dict[int, Action] = dict(self.preview_model.decisions())
        skip_invalid, today = self.skip_invalid.isChecked(), self._today

        def written(result: ImportResult) -> None:
            self._result = result
            self.preview_model.set_editable(False)
            for widget in (self.consent_box, self.every_duplicate, self.skip_invalid):
                widget.setEnabled(False)
            self.result_label.setText(describe.result_line(result))
            self.result_label.show()
            self.undo_button.show()
            self.undo_button.setEnabled(True)
            self.undo_button.setFocus()
            self.imported.emit(result)

        def failed(error: BaseException) -> None:
            if isinstance(error, ImportCancelled):
                self.result_label.setText(_("Import cancelled: nothing was written."))
                self.result_label.show()
            else:
                explain_failure(self, error)

        self._run(
            lambda store, progress: apply_import(
                store, plan, consent, decisions=decisions, skip_invalid=skip_invalid,
                today=today, progress=progress,
            ),
            label=_("Importing the residents…"),
            on_success=written,
            on_failure=failed,
            topics=TOPICS,
        )  # fmt: skip

    def undo(self) -> None:
        """Take the whole import back, after a confirmation, on the worker."""
        result = self._result
        if result is None:
            return
        answer = QMessageBox.question(
            self,
            _("Undo this import"),
            ngettext(
                "Undo the import %(id)s? The %(count)s resident it created is erased, on "
                "every desk of the centre, and the fields it filled in are emptied again.",
                "Undo the import %(id)s? The %(count)s residents it created are erased, on "
                "every desk of the centre, and the fields it filled in are emptied again.",
                result.created,
            )
            % {"id": result.import_id, "count": format_number(result.created)},
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        import_id = result.import_id

        def undone(outcome: UndoResult) -> None:
            self.undo_button.setEnabled(False)
            self.result_label.setText("\n".join(describe.undo_lines(outcome)))
            self.close_button.setFocus()
            self.undone.emit(outcome)

        def failed(error: BaseException) -> None:
            if isinstance(error, ImportCancelled):
                self.result_label.setText(
                    "\n".join(
                        (describe.result_line(result), _("Undo cancelled: nothing was changed."))
                    )
                )
            else:
                explain_failure(self, error)

        self._run(
            lambda store, progress: undo_import(store, import_id, progress=progress),
            label=_("Undoing the import…"),
            on_success=undone,
            on_failure=failed,
            topics=TOPICS,
        )

    # Running on the worker ------------------------------------------------------------

    def _run(
        self,
        job: Callable[[Store, Callable[[int, int], bool]], Any],
        *,
        label: str,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
        topics: Iterable[str] = (),
    ) -> None:
        """Run ``job`` on the worker behind a progress dialog that can cancel it; the
        buttons wait until it is over."""
        self._busy = True
        self._update_buttons()

        def finished() -> None:
            self._busy = False
            self._cancel = None
            self.progress_dialog = None

        def succeeded(result: Any) -> None:
            on_success(result)
            self._update_buttons()

        def failed(error: BaseException) -> None:
            on_failure(error)
            self._update_buttons()

        self.progress_dialog, self._cancel = run_with_progress(
            self, self._worker, job, label=label, on_success=succeeded, on_failure=failed,
            on_finished=finished, topics=topics,
        )  # fmt: skip

    def done(self, result: int) -> None:
        """Closing asks a job under way to stop: a cancelled preview, import or undo
        writes nothing."""
        if self._cancel is not None:
            self._cancel()
        super().done(result)


def _mapping_filter() -> str:
    mappings = _("Column mappings")
    return f"{mappings} (*.json)"


def _field_choices() -> list[tuple[str, str]]:
    return [(_("not imported"), "")] + [(_(FIELD_LABELS[field]), field) for field in FIELDS]


def _decision_choices() -> list[tuple[str, str]]:
    return [(_(_DECISION_LABELS[action]), action.value) for action in Action]


def _error_text(error: BaseException) -> str:
    if isinstance(error, MessageError):
        return error.render(_)
    return unexpected_error_text(error)


def _file_error_text(path: Path, error: BaseException) -> str:
    if isinstance(error, OSError):
        return _("The file %(name)s could not be opened: %(reason)s") % {
            "name": path.name,
            "reason": error.strerror or error,
        }
    return _error_text(error)
