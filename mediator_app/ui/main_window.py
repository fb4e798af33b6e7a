"""The main window: search residents as you type, open a file, log a session, see today.

Keyboard first: the search box has focus at start; Enter opens the highlighted resident;
Ctrl+L logs a session for them; Ctrl+N makes a new resident; Ctrl+Shift+L logs an
anonymous visit; Ctrl+T shows today; Ctrl+W shows the workshops; Ctrl+F comes back to
the search box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mediator_app import APP_NAME
from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.i18n import _, format_number, ngettext
from mediator_app.settings import Settings, sheet_options
from mediator_app.store import Store
from mediator_app.store.accounts import has_accounts
from mediator_app.store.mediators import find_mediator
from mediator_app.ui.accounts_dialog import AccountsDialog, EncryptDialog, is_admin_or_open
from mediator_app.ui.goals_dialog import open_goal_choices
from mediator_app.ui.models import ID_ROLE, ResidentListModel, resident_display_name
from mediator_app.ui.resident_dialog import ResidentDialog
from mediator_app.ui.resident_file import ResidentFile
from mediator_app.ui.session_dialog import SessionDialog
from mediator_app.ui.skills_actions import SkillsActions
from mediator_app.ui.statistics_page import StatisticsPage
from mediator_app.ui.sync_status import AutoSync, SyncStatus, status_text
from mediator_app.ui.today_view import TodayView
from mediator_app.ui.widgets import (
    explain_failure,
    fit_columns_to_headers,
    remember_geometry,
    restore_geometry,
)
from mediator_app.ui.worker import DatabaseWorker
from mediator_app.ui.workshops import WorkshopsPage

RESIDENTS_TAB, TODAY_TAB, WORKSHOPS_TAB, STATISTICS_TAB = range(4)


@dataclass(frozen=True)
class ActionSpec:
    """One entry of the window's action registry."""

    name: str
    text: str
    shortcut: QKeySequence | QKeySequence.StandardKey
    handler: str


class MainWindow(QMainWindow):
    """Passerelle's window over an open store; writes go through ``worker``."""

    language_change_requested = Signal(str)
    #: Lock the desk now (the app's lock hides every window).
    lock_requested = Signal()
    settings_changed = Signal()
    #: Encrypt this clear database for (mediator id, passphrase): the app reopens it.
    encryption_requested = Signal(str, str)
    #: Put this backup file in place of the database: the app closes and reopens it.
    restore_requested = Signal(Path)

    def __init__(self, store: Store, worker: DatabaseWorker, settings: Settings):
        super().__init__()
        self.setObjectName("mainWindow")
        self._store = store
        self._worker = worker
        self._settings = settings
        self._worker.changed.connect(self._on_data_changed)
        self.active_dialog: QDialog | None = None
        desk = store.desk
        centre = desk.centre_name if desk and desk.centre_name else ""
        self.setWindowTitle(f"{APP_NAME} – {centre}" if centre else APP_NAME)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(settings["search_debounce_ms"])
        self._search_timer.timeout.connect(self._run_search)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_residents_page(), _("&Residents"))
        self.today_view = TodayView(store, self)
        self.today_view.open_resident_requested.connect(self.open_resident)
        self.today_view.follow_up_done_requested.connect(self._mark_follow_up_done)
        self.tabs.addTab(self.today_view, _("&Today"))
        self.workshops_page = WorkshopsPage(
            store, worker, sheet_options=lambda: sheet_options(self._settings), parent=self
        )
        self.workshops_page.status_message.connect(self._show_workshops_status)
        self.workshops_page.reveal_requested.connect(self._reveal_workshops)
        self.workshops_page.dialog_opened.connect(self._track_dialog)
        self.tabs.addTab(self.workshops_page, _("&Workshops"))
        self.statistics_page = StatisticsPage(store, worker, self)
        self.tabs.addTab(self.statistics_page, _("Stat&istics"))
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.setCentralWidget(self.tabs)
        self.actions_by_name = self._create_actions()
        self._show_status()
        self._build_sync_status()
        if store.ensure_desk().is_coordinator:
            self._show_as_coordinator()
        else:
            self._say_if_an_export_is_due()
        self.resize(1280, 720)
        restore_geometry(self, settings, "main")
        self.search_box.setFocus()

    # Building -------------------------------------------------------------------------

    def _build_residents_page(self) -> QWidget:
        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(_("Find a resident: type part of a name"))
        self.search_box.setAccessibleName(_("Find a resident"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setStyleSheet("font-size: 13pt; padding: 4px;")
        self.search_box.textEdited.connect(self._on_search_edited)
        self.search_box.returnPressed.connect(self._on_search_return)
        self.search_box.installEventFilter(self)
        search_label = QLabel(_("&Search"))
        search_label.setBuddy(self.search_box)

        self.results_model = ResidentListModel(self._store, self)
        self.results = QTableView()
        self.results.setObjectName("residentList")
        self.results.setModel(self.results_model)
        self.results.setAccessibleName(_("Residents"))
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().hide()
        self.results.verticalHeader().setDefaultSectionSize(26)
        self.results.setWordWrap(False)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        fit_columns_to_headers(self.results, (140, 120, 60, 130))
        self.results.activated.connect(self._on_result_activated)
        self.result_count = QLabel()
        self.result_count.setObjectName("resultCount")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(search_label)
        left_layout.addWidget(self.search_box)
        left_layout.addWidget(self.result_count)
        left_layout.addWidget(self.results, 1)

        # The view is recorded by the worker: a long write under way there (an import)
        # must not hold up the file opening here.
        self.resident_file = ResidentFile(
            self._store, self, record_view=self._record_view_on_worker
        )
        self.resident_file.log_session_requested.connect(self.log_session)
        self.resident_file.edit_resident_requested.connect(self.edit_resident)
        self.resident_file.edit_session_requested.connect(self.edit_session)
        self.resident_file.duplicate_session_requested.connect(self._duplicate_session)
        self.resident_file.delete_session_requested.connect(self._delete_session)
        self.resident_file.merge_requested.connect(self._merge_residents)
        self.resident_file.follow_up_done_requested.connect(self._mark_follow_up_done)
        self.resident_file.workshop_occurrence_requested.connect(self.show_workshop_occurrence)
        self.skills_actions = SkillsActions(
            self,
            self._store,
            self._worker,
            self._open_dialog,
            lambda message: self.statusBar().showMessage(message, 5000),
        )
        skills = self.resident_file.skills_panel
        skills.assess_requested.connect(self.assess_skills)
        skills.goals_requested.connect(self.set_goals)
        skills.passport_requested.connect(self.print_passport)
        skills.goal_achieved_requested.connect(self.skills_actions.mark_goal_achieved)
        skills.goal_removal_requested.connect(self.skills_actions.remove_goal)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.resident_file)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([600, 740])
        self._update_result_count()
        self._select_first_result()
        return splitter

    def _create_actions(self) -> dict[str, QAction]:
        specs = (
            ActionSpec("find", _("&Find a resident"), QKeySequence.StandardKey.Find,
                       "focus_search"),
            ActionSpec("new_resident", _("&New resident…"), QKeySequence.StandardKey.New,
                       "new_resident"),
            ActionSpec("log_session", _("&Log a session…"), QKeySequence("Ctrl+L"),
                       "log_session"),
            ActionSpec("anonymous_visit", _("Log an &anonymous visit…"),
                       QKeySequence("Ctrl+Shift+L"), "log_anonymous_visit"),
            ActionSpec("edit_resident", _("&Edit the resident's file…"), QKeySequence("Ctrl+E"),
                       "edit_resident"),
            ActionSpec("today", _("&Today"), QKeySequence("Ctrl+T"), "show_today"),
            ActionSpec("assess", _("Assess the &skills…"), QKeySequence("Ctrl+Shift+A"),
                       "assess_skills"),
            ActionSpec("goals", _("Set &goals…"), QKeySequence("Ctrl+Shift+G"), "set_goals"),
            ActionSpec("passport", _("Digital &passport…"), QKeySequence("Ctrl+Shift+P"),
                       "print_passport"),
            ActionSpec("erase_resident", _("Erase the resident…"), QKeySequence(),
                       "erase_resident"),
            ActionSpec("workshops", _("&Go to the workshops"), QKeySequence("Ctrl+W"),
                       "show_workshops"),
            ActionSpec("statistics", _("Stat&istics"), QKeySequence("Ctrl+Shift+S"),
                       "show_statistics"),
            ActionSpec("sync_now", _("S&ync now"), QKeySequence("Ctrl+Shift+Y"), "sync_now"),
            ActionSpec("sync", _("Sync with the other &desks…"), QKeySequence(), "open_sync"),
            ActionSpec("conflicts", _("&Conflicts between desks…"), QKeySequence(),
                       "open_conflicts"),
            ActionSpec("import_residents", _("&Import residents…"), QKeySequence(),
                       "import_residents"),
            ActionSpec("prepare_export", _("Prepare the &export for the coordinator…"),
                       QKeySequence("Ctrl+Shift+E"), "prepare_export"),
            ActionSpec("settings", _("&Settings…"), QKeySequence.StandardKey.Preferences,
                       "open_settings"),
            ActionSpec("quit", _("&Quit"), QKeySequence.StandardKey.Quit, "close"),
            ActionSpec("lock", _("&Lock the desk"), QKeySequence("Ctrl+Alt+L"), "lock_desk"),
            ActionSpec("accounts", _("&Mediators and passphrases…"), QKeySequence(),
                       "open_accounts"),
            ActionSpec("encrypt", _("&Encrypt the database…"), QKeySequence(),
                       "encrypt_database"),
            ActionSpec("consent_register", _("Consent &register…"), QKeySequence(),
                       "open_consent_register"),
            ActionSpec("restore", _("Restore a &backup…"), QKeySequence(), "restore_backup"),
            ActionSpec("audit", _("&Audit trail…"), QKeySequence(), "open_audit_trail"),
            ActionSpec("access_report", _("Everything &held about the resident…"),
                       QKeySequence(), "save_access_report"),
            ActionSpec("retention", _("Re&tention review…"), QKeySequence(),
                       "open_retention_review"),
            ActionSpec("withdraw_consent", _("&Withdraw the resident's consent…"),
                       QKeySequence(), "withdraw_consent"),
        )  # fmt: skip
        menus = {
            _("&File"): ("new_resident", "import_residents", "", "sync_now", "sync", "conflicts",
                         "prepare_export", "", "settings", "quit"),
            _("&Desk"): ("find", "log_session", "anonymous_visit", "edit_resident", "today", "",
                         "assess", "goals", "passport", "", "statistics", "",
                         "erase_resident"),
            _("Pri&vacy"): ("lock", "", "consent_register", "access_report", "withdraw_consent",
                             "retention", "audit", "", "accounts", "encrypt", "restore"),
            # The workshops page owns its actions ("" is a separator).
            _("W&orkshops"): ("workshops", "", "new_workshop", "edit_workshop", "schedule",
                              "move", "cancel_occurrence", "", "register", "register_series",
                              "walk_in", "anonymous", "", "enter_sheet", "attach_scan",
                              "open_scan", "", "print_sheet", "save_sheet", "print_series",
                              "save_series", "print_week", "save_week"),
        }  # fmt: skip
        actions: dict[str, QAction] = {}
        for spec in specs:
            action = QAction(spec.text, self)
            action.setObjectName(spec.name)
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(getattr(self, spec.handler))
            self.addAction(action)
            actions[spec.name] = action
        page_actions = self.workshops_page.actions_by_name
        for title, names in menus.items():
            menu = self.menuBar().addMenu(title)
            for name in names:
                if not name:
                    menu.addSeparator()
                else:
                    menu.addAction(actions.get(name) or page_actions[name])
        toolbar = self.addToolBar(_("Actions"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name in ("new_resident", "log_session", "anonymous_visit", "today"):
            toolbar.addAction(actions[name])
        return actions

    def _build_sync_status(self) -> None:
        """The sync line in the status bar, and sync in the background."""
        self.sync_status = SyncStatus(self)
        self.statusBar().addPermanentWidget(self.sync_status)
        self.auto_sync = None
        #: A share password the keyring could not keep: asked once, kept for the session.
        self._sync_password: str | None = None
        self.sync_status.clicked.connect(self.open_sync)
        if self._store.path is not None:
            self.auto_sync = AutoSync(
                self._store,
                self._worker,
                self._store.path,
                self,
                transport_for=self._sync_transport,
            )
            self.auto_sync.finished.connect(lambda _report: self._update_sync_status())
            self.auto_sync.failed.connect(self._update_sync_status)
        self._update_sync_status()

    def _sync_transport(self, store: Store):
        """The configured transport, with the session's password if one was typed (runs
        on the worker)."""
        from mediator_app.sync.settings import NoTransport, transport_setting
        from mediator_app.ui.sync_dialog import open_transport

        setting = transport_setting(store)
        if setting is None:
            raise NoTransport()
        return open_transport(setting, self._sync_password)

    def sync_now(self) -> None:
        from mediator_app.sync.settings import transport_setting

        if self.auto_sync is None:
            return
        if transport_setting(self._store) is None:
            self.open_sync()
            return
        self.statusBar().showMessage(_("Syncing with the other desks…"), 3000)
        self.auto_sync.sync_now()

    def open_sync(self) -> None:
        from mediator_app.ui.sync_dialog import SyncDialog

        if self._store.path is None or not self._admin_or_say():
            return
        dialog = SyncDialog(
            self._store, self._worker, self._store.path, self,
            session_password=self._sync_password,
        )  # fmt: skip
        dialog.synced.connect(lambda _report: self._update_sync_status())
        dialog.finished.connect(lambda _result: self._keep_sync_password(dialog))
        self._open_dialog(dialog)

    def open_conflicts(self) -> None:
        """The fields two desks changed apart: a mediator chooses, on the worker."""
        from mediator_app.sync.conflicts import resolve
        from mediator_app.ui.conflicts_dialog import ConflictsDialog

        dialog = ConflictsDialog(self._store, self)

        def settle(table: str, row_id: str, field: str, value: object) -> None:
            self._worker.run(
                lambda store, _progress: resolve(store, table, row_id, field, value),
                on_success=lambda _result: dialog.conflict_resolved(),
                on_failure=dialog.resolve_failed,
                topics=("residents", "sessions", "workshops", "skills", "sync"),
            )

        dialog.resolve_requested.connect(settle)
        self._open_dialog(dialog)

    def _show_as_coordinator(self) -> None:
        """The coordinator's window holds no resident: the statistics of the centres'
        exports, and the action that takes them in."""
        for index in (RESIDENTS_TAB, TODAY_TAB, WORKSHOPS_TAB):
            self.tabs.setTabVisible(index, False)
        self.tabs.setCurrentIndex(STATISTICS_TAB)
        for menu_action in self.menuBar().actions()[1:]:
            menu_action.setVisible(False)
        for name in ("new_resident", "import_residents", "log_session", "anonymous_visit",
                     "today", "sync_now", "conflicts", "prepare_export"):  # fmt: skip
            self.actions_by_name[name].setVisible(False)
        take_in = QAction(_("&Take in the centres' exports…"), self)
        take_in.setObjectName("take_in_exports")
        take_in.triggered.connect(self.take_in_exports)
        self.menuBar().actions()[0].menu().insertAction(self.actions_by_name["sync"], take_in)
        self.actions_by_name["take_in_exports"] = take_in
        self.setWindowTitle(f"{APP_NAME} – " + _("Coordination"))

    def take_in_exports(self, paths: list[str] | None = None) -> None:
        """Import the exports the coordinator chooses, on the worker."""
        from mediator_app.domain.validation import MessageError
        from mediator_app.sync.coordinator import import_export

        if not paths:
            paths, _filter = QFileDialog.getOpenFileNames(
                self, _("The centres' exports"), "", _("Passerelle exports (*.pbundle)")
            )
        if not paths:
            return

        def job(store: Store, _progress) -> tuple[int, list[str]]:
            taken, refused = 0, []
            for path in paths:
                try:
                    import_export(store, Path(path))
                    taken += 1
                except MessageError as error:
                    refused.append(f"{Path(path).name}: {error.render(_)}")
            return taken, refused

        def done(result: tuple[int, list[str]]) -> None:
            taken, refused = result
            self.statusBar().showMessage(
                ngettext("%(count)s export taken in.", "%(count)s exports taken in.", taken)
                % {"count": taken},
                8000,
            )
            if refused:
                QMessageBox.warning(self, _("Exports refused"), "\n".join(refused))
            self.statistics_page.reload_scopes()
            self.statistics_page.refresh()

        self._worker.run(job, on_success=done, on_failure=lambda e: explain_failure(self, e))

    def erase_resident(self) -> None:
        """The right to erasure: the resident and everything about them, here and, by
        sync, on every desk of the centre; after an explicit confirmation."""
        resident = self.resident_file.resident
        if resident is None:
            self.statusBar().showMessage(_("Open a resident's file first."), 5000)
            return
        answer = QMessageBox.warning(
            self,
            _("Erase the resident"),
            _(
                "Erase everything about %(name)s? Their file, sessions, workshop "
                "registrations, skills and goals are removed from this desk and, by sync, "
                "from every desk of the centre. This cannot be undone."
            )
            % {"name": resident.full_name},
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        resident_id, name = resident.id, resident.full_name
        self._run_write(
            lambda store: store.residents.erase(resident_id),
            on_success=lambda _result: self._after_erasure(name),
            topics=("residents", "sessions", "workshops", "skills"),
        )

    def _after_erasure(self, name: str) -> None:
        self.resident_file.show_resident(None)
        self.statusBar().showMessage(_("%(name)s was erased.") % {"name": name}, 8000)

    def import_residents(self) -> None:
        """Residents from a centre's spreadsheet: file, columns, preview and consent."""
        from mediator_app.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self._store, self._worker, self)
        dialog.imported.connect(
            lambda _result: self.statusBar().showMessage(_("Residents imported."), 8000)
        )
        self._open_dialog(dialog)

    def prepare_export(self) -> None:
        """The periodic export for the coordinator, in one action."""
        from mediator_app.reports.periodic_export import export_due
        from mediator_app.ui.coordinator_export_dialog import CoordinatorExportDialog

        dialog = CoordinatorExportDialog(
            self._store, self._worker, self, due=export_due(self._store)
        )
        self._open_dialog(dialog)

    def _say_if_an_export_is_due(self) -> None:
        from mediator_app.reports.periodic_export import export_due

        due = export_due(self._store)
        if due:
            self.statusBar().showMessage(
                _(
                    "The export for the coordinator for %(period)s is due: File, "
                    "Prepare the export for the coordinator."
                )
                % {"period": due},
                30000,
            )

    def _keep_sync_password(self, dialog) -> None:
        self._sync_password = dialog.session_password or self._sync_password
        self._update_sync_status()

    def _update_sync_status(self, error: str = "") -> None:
        if self.auto_sync is None:
            self.sync_status.hide()
            return
        self.sync_status.setText(status_text(self.auto_sync.summary(), error))

    def _show_status(self) -> None:
        desk = self._store.desk
        mediator = (
            find_mediator(self._store, desk.mediator_id) if desk and desk.mediator_id else None
        )
        parts = [desk.name if desk else ""]
        if mediator is not None:
            parts.append(mediator.name)
        self.statusBar().showMessage(" · ".join(part for part in parts if part))

    # Search ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down or Page Down in the search box moves into the results."""
        if (
            watched is self.search_box
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
        ):
            self._flush_search()
            self.results.setFocus()
            if not self.results.currentIndex().isValid():
                self._select_first_result()
            return True
        return super().eventFilter(watched, event)

    def _on_search_edited(self, _text: str) -> None:
        self._search_timer.start()

    def _flush_search(self) -> None:
        if self._search_timer.isActive():
            self._search_timer.stop()
            self._run_search()

    def _run_search(self) -> None:
        self.results_model.set_query(self.search_box.text())
        self._update_result_count()
        self._select_first_result()

    def _select_first_result(self) -> None:
        if self.results_model.rowCount():
            self.results.setCurrentIndex(self.results_model.index(0, 0))

    def _update_result_count(self) -> None:
        count = self.results_model.rowCount()
        if self.results_model.truncated:
            text = _("The %(count)s best matches: type more letters to narrow them.")
        elif self.results_model.is_search:
            text = ngettext("%(count)s resident found", "%(count)s residents found", count)
        else:
            text = ngettext("%(count)s resident", "%(count)s residents", count)
        self.result_count.setText(text % {"count": format_number(count)})

    def _on_search_return(self) -> None:
        self._flush_search()
        resident_id = self._highlighted_resident_id()
        if resident_id:
            self.open_resident(resident_id)
        elif self.search_box.text().strip():
            self.statusBar().showMessage(
                _("Nobody found. Press Ctrl+N to create a new resident."), 5000
            )

    def _on_result_activated(self, index) -> None:
        resident_id = index.data(ID_ROLE)
        if resident_id:
            self.open_resident(resident_id)

    def _highlighted_resident_id(self) -> str | None:
        index = self.results.currentIndex()
        if index.isValid():
            return self.results_model.resident_id(index.row())
        return self.results_model.resident_id(0)

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(RESIDENTS_TAB)
        self.search_box.setFocus()
        self.search_box.selectAll()

    def open_resident(self, resident_id: str) -> None:
        self.tabs.setCurrentIndex(RESIDENTS_TAB)
        self.resident_file.show_resident(self._store.residents.shown(resident_id))
        self.resident_file.history.setFocus()
        if self.resident_file.history_model.rowCount():
            self.resident_file.history.setCurrentIndex(self.resident_file.history_model.index(0, 0))

    def show_today(self) -> None:
        self.today_view.refresh()
        self.tabs.setCurrentIndex(TODAY_TAB)
        self.today_view.sessions_view.setFocus()

    def show_workshops(self) -> None:
        self.tabs.setCurrentIndex(WORKSHOPS_TAB)
        self.workshops_page.focus_main_list()

    def show_statistics(self) -> None:
        self.tabs.setCurrentIndex(STATISTICS_TAB)
        self.statistics_page.preset.setFocus()

    def _reveal_workshops(self) -> None:
        self.tabs.setCurrentIndex(WORKSHOPS_TAB)

    def _show_workshops_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def show_workshop_occurrence(self, occurrence_id: str) -> None:
        occurrence = self._store.workshops.get_occurrence(occurrence_id)
        self.workshops_page.select_occurrence(occurrence)
        self.tabs.setCurrentIndex(WORKSHOPS_TAB)
        self.workshops_page.panel.table.setFocus()

    def _on_tab_changed(self, index: int) -> None:
        if index == TODAY_TAB:
            self.today_view.refresh()
        elif index == WORKSHOPS_TAB:
            self.workshops_page.refresh()

    # Residents ------------------------------------------------------------------------

    def _mediator_name(self) -> str:
        desk = self._store.desk
        mediator = (
            find_mediator(self._store, desk.mediator_id) if desk and desk.mediator_id else None
        )
        return mediator.name if mediator else ""

    def new_resident(self) -> None:
        typed = self.search_box.text().split()
        preset = Resident(
            first_name=" ".join(typed[:1]) if len(typed) > 1 else "",
            last_name=" ".join(typed[1:]) if len(typed) > 1 else " ".join(typed),
        )
        self._edit_resident_dialog(preset, is_new=True)

    def edit_resident(self) -> None:
        resident = self.resident_file.resident
        if resident is not None and not self._anonymised_say(resident):
            self._edit_resident_dialog(resident, is_new=False)

    def _anonymised_say(self, resident: Resident) -> bool:
        """Whether ``resident`` is anonymised (their file is kept for the figures only);
        if so, says what to do instead."""
        if not resident.is_anonymised:
            return False
        self.statusBar().showMessage(
            _("This file is anonymised: press Ctrl+Shift+L to log an anonymous visit."), 8000
        )
        return True

    def _edit_resident_dialog(self, resident: Resident, *, is_new: bool) -> None:
        desk = self._store.desk
        dialog = ResidentDialog(
            self,
            find_duplicates=self._store.residents.probable_duplicates,
            resident=resident if not is_new else None,
            collected_by=self._mediator_name(),
            language=desk.language if desk else "fr",
            centre_name=desk.centre_name if desk else "",
        )
        if is_new:
            dialog.first_name.setText(resident.first_name)
            dialog.last_name.setText(resident.last_name)
        dialog.accepted.connect(lambda: self._on_resident_dialog_accepted(dialog, is_new))
        self._open_dialog(dialog)

    def _on_resident_dialog_accepted(self, dialog: ResidentDialog, is_new: bool) -> None:
        if dialog.open_existing_id:
            self.open_resident(dialog.open_existing_id)
            return
        record = dialog.result_resident
        if record is None:
            return
        if is_new:
            self._run_write(
                lambda store: store.residents.create(record),
                on_success=lambda saved: self._after_resident_saved(saved, created=True),
                topics=("residents",),
            )
        else:
            self._run_write(
                lambda store: store.residents.update(record),
                on_success=lambda saved: self._after_resident_saved(saved, created=False),
                topics=("residents",),
            )

    def _open_dialog(self, dialog: QDialog) -> None:
        """Show a dialog window-modal without blocking; it is deleted once closed."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._track_dialog(dialog)
        dialog.open()

    def _track_dialog(self, dialog: QDialog) -> None:
        self.active_dialog = dialog
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))

    def _forget_dialog(self, dialog: QDialog) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None

    def _after_resident_saved(self, resident: Resident, *, created: bool) -> None:
        self.open_resident(resident.id)
        message = _("%(name)s was added.") if created else _("%(name)s was updated.")
        self.statusBar().showMessage(message % {"name": resident.full_name}, 5000)

    def _merge_residents(self, source_id: str, target_id: str) -> None:
        source = self._store.residents.get(source_id)
        target = self._store.residents.get(target_id)
        answer = QMessageBox.question(
            self,
            _("Merge two files"),
            _(
                "Merge the file of %(source)s into the file of %(target)s? The sessions "
                "move to %(target)s; details missing there are taken from the other file."
            )
            % {"source": source.full_name, "target": target.full_name},
            defaultButton=QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._run_write(
            lambda store: store.residents.merge(source_id, target_id),
            on_success=lambda merged: self.open_resident(merged.id),
            topics=("residents", "sessions"),
        )

    # Sessions -------------------------------------------------------------------------

    def log_session(self) -> None:
        """Log a session for the highlighted search result, or for the open file."""
        focus = self.focusWidget()
        if focus in (self.search_box, self.results):
            self._flush_search()
            resident_id = self._highlighted_resident_id()
            if not resident_id:
                # Never fall back on the file opened before: the name typed is someone else.
                self.statusBar().showMessage(
                    _("Nobody found. Press Ctrl+N to create a new resident."), 5000
                )
                return
            self.open_resident(resident_id)
        resident = self.resident_file.resident
        if resident is None:
            self.statusBar().showMessage(
                _("Find a resident first, or press Ctrl+Shift+L for an anonymous visit."), 5000
            )
            return
        if self._anonymised_say(resident):
            return
        self._session_dialog(resident.id, resident.full_name, None)

    def _procedures(self) -> tuple[str, ...]:
        """The common online procedures of the centre's country (its country pack)."""
        from mediator_app.domain.country_packs import pack_for
        from mediator_app.paths import resources_dir

        country = self._store.ensure_desk().country
        return pack_for(country, resources_dir() / "countries").procedures

    def _open_resident_or_say(self) -> str | None:
        """The id of the resident whose file is open; without one, says what to do."""
        resident = self.resident_file.resident
        if resident is None:
            self.statusBar().showMessage(_("Open a resident's file first."), 5000)
            return None
        return resident.id

    def assess_skills(self) -> None:
        resident_id = self._open_resident_or_say()
        if resident_id:
            self.resident_file.show_skills()
            self.skills_actions.open_diagnostic(resident_id)

    def set_goals(self) -> None:
        resident_id = self._open_resident_or_say()
        if resident_id:
            self.resident_file.show_skills()
            self.skills_actions.open_goals(resident_id)

    def print_passport(self) -> None:
        resident_id = self._open_resident_or_say()
        if resident_id:
            self.skills_actions.open_passport(resident_id)

    def log_anonymous_visit(self) -> None:
        self._session_dialog(None, "", None)

    def edit_session(self, session: SupportSession) -> None:
        name = self.resident_file.resident.full_name if self.resident_file.resident else ""
        self._session_dialog(session.resident_id, name, session)

    def _session_dialog(
        self, resident_id: str | None, name: str, session: SupportSession | None
    ) -> None:
        goals = open_goal_choices(self._store, resident_id) if resident_id else []
        dialog = SessionDialog(
            self, resident_id=resident_id, resident_name=name, session=session, goals=goals,
            procedures=self._procedures(),
        )  # fmt: skip
        dialog.accepted.connect(lambda: self._on_session_dialog_accepted(dialog, session, name))
        self._open_dialog(dialog)

    def _on_session_dialog_accepted(
        self, dialog: SessionDialog, original: SupportSession | None, name: str
    ) -> None:
        result = dialog.result_session
        if result is None:
            return
        achieved = dialog.achieved_goal_ids

        def save(store: Store) -> SupportSession:
            # The session and the goals it reached are saved together, or not at all.
            with store.write():
                if original is None:
                    saved = store.sessions.create(result)
                else:
                    saved = store.sessions.update(replace(result, id=original.id))
                for goal_id in achieved:
                    store.skills.mark_goal_achieved(goal_id, date.fromisoformat(saved.date))
            return saved

        self._run_write(
            save,
            on_success=lambda saved: self._after_session_saved(saved, name),
            topics=("sessions", "skills") if achieved else ("sessions",),
        )

    def _after_session_saved(self, session: SupportSession, name: str) -> None:
        if name:
            message = _("Session saved for %(name)s.") % {"name": name}
        else:
            message = _("Anonymous visit saved.")
        self.statusBar().showMessage(message, 5000)

    def _duplicate_session(self, session_id: str) -> None:
        self._run_write(
            lambda store: store.sessions.duplicate(session_id),
            on_success=lambda saved: self.statusBar().showMessage(
                _("A copy of the session was logged for today."), 5000
            ),
            topics=("sessions",),
        )

    def _delete_session(self, session_id: str) -> None:
        answer = QMessageBox.question(
            self,
            _("Delete the session"),
            _("Delete this session? This cannot be undone."),
            defaultButton=QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._run_write(lambda store: store.sessions.delete(session_id), topics=("sessions",))

    def _mark_follow_up_done(self, session_id: str) -> None:
        self._run_write(
            lambda store: store.sessions.set_follow_up_done(session_id), topics=("sessions",)
        )

    # Writes and refreshes -------------------------------------------------------------

    def _run_write(
        self,
        action: Callable[[Store], object],
        *,
        on_success: Callable[[object], None] | None = None,
        topics: tuple[str, ...],
    ) -> None:
        self._worker.run(
            lambda store, _progress: action(store),
            on_success=on_success,
            on_failure=lambda error: explain_failure(self, error),
            topics=topics,
        )

    def _on_data_changed(self, topics: frozenset[str]) -> None:
        if topics & {"residents", "sessions"}:
            current = self._highlighted_resident_id()
            self.results_model.refresh()
            self._update_result_count()
            row = self.results_model.row_of(current) if current else None
            if row is not None:
                self.results.setCurrentIndex(self.results_model.index(row, 0))
            self.resident_file.refresh()
            self.today_view.refresh()
        if "skills" in topics:
            self.resident_file.refresh()
        if topics & {"sync", "residents", "sessions"}:
            self._update_sync_status()
        if topics & {"skills", "residents"}:
            self.statistics_page.mark_stale()
        if topics & {"workshops", "residents"}:
            self.workshops_page.refresh()
            if "workshops" in topics:
                self.resident_file.refresh()

    def lock_desk(self) -> None:
        if not has_accounts(self._store):
            QMessageBox.information(
                self,
                APP_NAME,
                _(
                    "Give the mediators a passphrase first (Privacy, Mediators and "
                    "passphrases): the desk then locks, and opens again with them."
                ),
            )
            return
        self.lock_requested.emit()

    def _admin_or_say(self) -> bool:
        if is_admin_or_open(self._store):
            return True
        QMessageBox.information(self, APP_NAME, _("Only an admin of this desk can do this."))
        return False

    def open_accounts(self) -> None:
        if self._admin_or_say():
            self._open_dialog(AccountsDialog(self, self._store))

    def encrypt_database(self) -> None:
        if self._store.key is not None or self._store.path is None:
            QMessageBox.information(self, APP_NAME, _("This database is already encrypted."))
            return
        if not self._admin_or_say():
            return
        dialog = EncryptDialog(self, self._store)
        if dialog.exec() and dialog.mediator_id:
            self.encryption_requested.emit(dialog.mediator_id, dialog.passphrase.text())

    def restore_backup(self) -> None:
        from mediator_app.store.backups import backup_folder
        from mediator_app.ui.restore_dialog import RestoreDialog

        if self._store.path is None or not self._admin_or_say():
            return
        dialog = RestoreDialog(self, backup_folder(self._store.path))
        if dialog.exec() and dialog.chosen is not None:
            self.restore_requested.emit(dialog.chosen)

    def _record_view_on_worker(self, resident_id: str) -> None:
        from mediator_app.store import audit

        self._worker.run(lambda store, _progress: audit.record(store, audit.VIEW, resident_id))

    def save_access_report(self, path: Path | None = None) -> None:
        """The right of access: everything the centre holds about the open resident, as
        a PDF in their language or as JSON, and the fact recorded in the audit trail."""
        from mediator_app.reports.access_report import (
            access_data,
            write_access_json,
            write_access_pdf,
        )
        from mediator_app.store import audit
        from mediator_app.ui.workshops.sheet_output import safe_file_name

        resident = self.resident_file.resident
        if resident is None:
            self.statusBar().showMessage(_("Open a resident's file first."), 5000)
            return
        if path is None:
            name, _filter = QFileDialog.getSaveFileName(
                self,
                _("Everything held about the resident"),
                f"{safe_file_name(resident_display_name(resident))}.pdf",
                _("PDF document (*.pdf);;JSON data (*.json)"),
            )
            if not name:
                return
            path = Path(name)
        as_json = path.suffix.lower() == ".json"

        def job(store: Store, _progress) -> Path:
            data = access_data(store, resident.id)
            if as_json:
                write_access_json(data, path)
                audit.record(store, audit.EXPORT, resident.id, audit.ACCESS_REPORT)
            else:
                write_access_pdf(data, path)
                audit.record(store, audit.PRINT, resident.id, audit.ACCESS_REPORT)
            return path

        self._worker.run(
            job,
            on_success=lambda written: self.statusBar().showMessage(
                _("Written: %(path)s") % {"path": written}, 8000
            ),
            on_failure=lambda error: explain_failure(self, error),
        )

    def open_retention_review(self) -> None:
        from mediator_app.ui.retention_dialog import RetentionDialog

        if self._admin_or_say():
            self._open_dialog(
                RetentionDialog(self._store, self._worker, self, settings=self._settings)
            )

    def withdraw_consent(self) -> None:
        from mediator_app.ui.retention_dialog import withdraw_consent_interactively

        resident_id = self._open_resident_or_say()
        if resident_id is not None:
            withdraw_consent_interactively(self, self._store, resident_id, worker=self._worker)

    def open_audit_trail(self) -> None:
        from mediator_app.ui.audit_dialog import open_audit_trail

        open_audit_trail(
            self, self._store, can_read=is_admin_or_open(self._store), open_dialog=self._open_dialog
        )

    def open_consent_register(self) -> None:
        from mediator_app.ui.consent_dialog import ConsentRegisterDialog

        dialog = ConsentRegisterDialog(self._store, self)
        self._worker.changed.connect(dialog.on_data_changed)
        self._open_dialog(dialog)

    def open_settings(self) -> None:
        from mediator_app.ui.settings_dialog import SettingsDialog

        if not self._admin_or_say():
            return
        dialog = SettingsDialog(
            self,
            self._settings,
            encrypted=None if self._store.path is None else self._store.key is not None,
        )
        if not dialog.exec():
            if dialog.encryption_asked:
                self.encrypt_database()
            return
        dialog.apply()
        self.settings_changed.emit()
        if dialog.chosen_language != self._settings["language"]:
            self.language_change_requested.emit(dialog.chosen_language)

    def closeEvent(self, event: QCloseEvent) -> None:
        remember_geometry(self, self._settings, "main")
        self._settings.save()
        super().closeEvent(event)
