"""A resident's file: profile, consent, follow-ups due, probable duplicates, the
history of sessions, newest first, and the workshops they registered to. Opening a file
is recorded in the audit trail."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mediator_app.domain.codes import AGE_BANDS, GENDERS, SOCIAL_STATUSES, age_band_for
from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.i18n import _, format_date, ngettext
from mediator_app.store import NotFoundError, Store, audit
from mediator_app.store.driver import sqlite3
from mediator_app.ui.models import (
    ID_ROLE,
    SessionHistoryModel,
    resident_display_name,
    theme_labels,
)
from mediator_app.ui.skills_panel import SkillsPanel
from mediator_app.ui.widgets import WARNING_SIGN, fit_columns_to_headers
from mediator_app.ui.workshops.models import WorkshopHistoryModel

log = logging.getLogger(__name__)

SESSIONS_SECTION, WORKSHOPS_SECTION, SKILLS_SECTION = range(3)
BANNER_STYLE = "background: #fff4ce; color: #3b2f00; padding: 6px; border-radius: 3px;"


def _page(label: QLabel, view: QTableView) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.addWidget(label)
    layout.addWidget(view, 1)
    return page


class ResidentFile(QWidget):
    """Shows one resident; asks the window to act through its signals.

    Each time a file is opened (another resident shown, not the same one refreshed),
    ``record_view`` is called with its id and ``resident_viewed`` emitted. By default the
    view is recorded through ``store``; a window with a database worker passes a
    ``record_view`` that records it there.
    """

    #: A resident's file was opened: their id.
    resident_viewed = Signal(str)

    log_session_requested = Signal()
    edit_resident_requested = Signal()
    edit_session_requested = Signal(object)
    duplicate_session_requested = Signal(str)
    delete_session_requested = Signal(str)
    merge_requested = Signal(str, str)
    follow_up_done_requested = Signal(str)
    workshop_occurrence_requested = Signal(str)

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        record_view: Callable[[str], None] | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("residentFile")
        self._store = store
        self._record_view = record_view or self._record_view_in_store
        self._resident: Resident | None = None
        self._duplicate_ids: list[str] = []

        self.heading = QLabel()
        self.heading.setObjectName("residentName")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.profile = QLabel()
        self.profile.setWordWrap(True)
        self.profile.setTextFormat(Qt.TextFormat.PlainText)
        self.consent = QLabel()
        self.consent.setWordWrap(True)
        self.skills_panel = SkillsPanel(store)
        #: The summary of skills per area, first assessment and now.
        self.skills = self.skills_panel.summary
        self.follow_ups = QLabel()
        self.follow_ups.setWordWrap(True)
        self.follow_ups.setStyleSheet(BANNER_STYLE)
        self.duplicates = QLabel()
        self.duplicates.setWordWrap(True)
        self.duplicates.setStyleSheet(BANNER_STYLE)
        self.merge_button = QPushButton(_("&Merge the duplicate into this file…"))
        self.merge_button.setAutoDefault(False)
        self.merge_button.clicked.connect(self._on_merge_clicked)
        duplicate_row = QHBoxLayout()
        duplicate_row.addWidget(self.duplicates, 1)
        duplicate_row.addWidget(self.merge_button)

        self.log_button = QPushButton(_("&Log a session (Ctrl+L)"))
        self.log_button.setAutoDefault(False)
        self.log_button.clicked.connect(self.log_session_requested)
        self.edit_button = QPushButton(_("&Edit the file (Ctrl+E)"))
        self.edit_button.setAutoDefault(False)
        self.edit_button.clicked.connect(self.edit_resident_requested)
        actions_row = QHBoxLayout()
        actions_row.addWidget(self.log_button)
        actions_row.addWidget(self.edit_button)
        actions_row.addStretch(1)

        self.history_label = QLabel()
        self.history_model = SessionHistoryModel(store, self)
        self.history = QTableView()
        self.history.setObjectName("sessionHistory")
        self.history.setModel(self.history_model)
        self.history.setAccessibleName(_("History of sessions"))
        self.history_label.setBuddy(self.history)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        self.history.setWordWrap(False)
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        fit_columns_to_headers(self.history, (105, 240, 65, 190))
        self.history.doubleClicked.connect(self._on_history_activated)
        self.history.activated.connect(self._on_history_activated)
        self._add_history_actions()

        self.workshops_label = QLabel()
        self.workshops_model = WorkshopHistoryModel(self)
        self.workshops = QTableView()
        self.workshops.setObjectName("workshopHistory")
        self.workshops.setModel(self.workshops_model)
        self.workshops.setAccessibleName(_("Workshops of the resident"))
        self.workshops_label.setBuddy(self.workshops)
        self.workshops.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.workshops.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.workshops.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.workshops.verticalHeader().hide()
        self.workshops.setWordWrap(False)
        workshops_header = self.workshops.horizontalHeader()
        workshops_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        workshops_header.setStretchLastSection(True)
        fit_columns_to_headers(self.workshops, (105, 240, 110))
        self.workshops.activated.connect(self._on_workshop_activated)

        self.sections = QTabWidget()
        self.sections.setObjectName("residentSections")
        self.sections.addTab(_page(self.history_label, self.history), "")
        self.sections.addTab(_page(self.workshops_label, self.workshops), "")
        self.sections.addTab(self.skills_panel, "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.profile)
        layout.addWidget(self.consent)
        layout.addWidget(self.follow_ups)
        layout.addLayout(duplicate_row)
        layout.addLayout(actions_row)
        layout.addWidget(self.sections, 1)
        self.show_resident(None)

    @property
    def resident(self) -> Resident | None:
        return self._resident

    def _add_history_actions(self) -> None:
        self.history.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for text, shortcut, slot in (
            (_("Edit the session"), QKeySequence("F2"), self._on_edit_session),
            (_("Log a copy today"), QKeySequence("Ctrl+D"), self._on_duplicate_session),
            (_("Delete the session…"), QKeySequence(QKeySequence.StandardKey.Delete),
             self._on_delete_session),
            (_("Mark the follow-up as done"), QKeySequence("Ctrl+K"), self._on_follow_up_done),
        ):  # fmt: skip
            action = QAction(text, self.history)
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.history.addAction(action)

    def show_resident(self, resident_id: str | None) -> None:
        """Show a resident's file, or an empty page for ``None``. Showing another
        resident than the one shown is an opening: the audit trail records it."""
        shown = self._resident.id if self._resident else None
        self._show(resident_id)
        if self._resident is not None and self._resident.id != shown:
            self._record_view(self._resident.id)
            self.resident_viewed.emit(self._resident.id)

    def _record_view_in_store(self, resident_id: str) -> None:
        try:
            audit.record(self._store, audit.VIEW, resident_id)
        except sqlite3.Error:
            # The file is shown all the same; the worker may hold the database.
            log.exception("the opening of a file could not be recorded")

    def _show(self, resident_id: str | None) -> None:
        try:
            self._resident = self._store.residents.get(resident_id) if resident_id else None
        except NotFoundError:
            self._resident = None
        resident = self._resident
        has_resident = resident is not None
        for widget in (self.log_button, self.edit_button, self.history, self.sections):
            widget.setEnabled(has_resident)
        if resident is None:
            self.heading.setText(_("No resident open"))
            self.profile.setText(_("Type a name in the search box, then press Enter."))
            for label in (self.consent, self.follow_ups, self.duplicates, self.history_label):
                label.hide()
            self.merge_button.hide()
            self.history_model.set_resident(None)
            self._show_workshops(None)
            self.skills_panel.show_resident(None)
            self._name_sections(0, 0)
            return
        self.heading.setText(resident_display_name(resident))
        self.profile.setText(self._profile_text(resident))
        self.consent.setText(self._consent_text(resident))
        self.consent.show()
        self._show_follow_ups(resident)
        self._show_duplicates(resident)
        self.history_model.set_resident(resident.id)
        count = self.history_model.rowCount()
        self.history_label.setText(
            ngettext("%(count)s session, newest first", "%(count)s sessions, newest first", count)
            % {"count": count}
        )
        self.history_label.show()
        self._show_workshops(resident)
        self.skills_panel.show_resident(resident.id)
        self._name_sections(count, self.workshops_model.rowCount())

    def show_skills(self) -> None:
        """Bring the digital skills forward."""
        self.sections.setCurrentIndex(SKILLS_SECTION)

    def _name_sections(self, sessions: int, workshops: int) -> None:
        """Tab titles with their counts, so what is inside shows without opening it."""
        self.sections.setTabText(SESSIONS_SECTION, _("Sessions (%(count)s)") % {"count": sessions})
        self.sections.setTabText(
            WORKSHOPS_SECTION, _("Workshops (%(count)s)") % {"count": workshops}
        )
        self.sections.setTabText(SKILLS_SECTION, _("Digital skills"))
        self.sections.setTabEnabled(WORKSHOPS_SECTION, workshops > 0)

    def _show_workshops(self, resident: Resident | None) -> None:
        attended = self._store.workshops.history(resident.id) if resident else []
        self.workshops_model.set_rows(attended)
        self.workshops_label.setText(
            ngettext(
                "%(count)s workshop, newest first",
                "%(count)s workshops, newest first",
                len(attended),
            )
            % {"count": len(attended)}
        )
        self.workshops_label.setVisible(bool(attended))

    def _on_workshop_activated(self, index) -> None:
        occurrence_id = self.workshops_model.data(index, ID_ROLE)
        if occurrence_id:
            self.workshop_occurrence_requested.emit(occurrence_id)

    def refresh(self) -> None:
        """Show the same file again, as it is now: not an opening."""
        self._show(self._resident.id if self._resident else None)

    def selected_session(self) -> SupportSession | None:
        index = self.history.currentIndex()
        return self.history_model.session(index.row()) if index.isValid() else None

    def _profile_text(self, resident: Resident) -> str:
        parts: list[str] = []
        if resident.birth_year:
            band = age_band_for(resident.birth_year, date.today().year)
            parts.append(
                _("Born in %(year)s (%(band)s)")
                % {"year": resident.birth_year, "band": _(AGE_BANDS.label(band))}
            )
        elif resident.anon_age_band:
            parts.append(_(AGE_BANDS.label(resident.anon_age_band)))
        if resident.gender != "non_communique":
            parts.append(_(GENDERS.label(resident.gender)))
        if resident.social_status != "non_communique":
            parts.append(_(SOCIAL_STATUSES.label(resident.social_status)))
        place = " ".join(part for part in (resident.postcode, resident.commune) if part)
        if place:
            parts.append(place)
        lines = [" · ".join(parts)]
        contacts = [part for part in (resident.phone, resident.email) if part]
        if contacts:
            lines.append(" · ".join(contacts))
        if resident.notes:
            lines.append(_("Notes: %(notes)s") % {"notes": resident.notes})
        return "\n".join(lines)

    def _consent_text(self, resident: Resident) -> str:
        if resident.consent_withdrawn_date:
            return _("Consent withdrawn on %(date)s: only anonymous figures are kept.") % {
                "date": format_date(resident.consent_withdrawn_date)
            }
        if resident.is_anonymised:
            return _(
                "Anonymised at the end of the retention period: only anonymous figures are kept."
            )
        if not resident.consent_date:
            return f"{WARNING_SIGN} " + _("No consent recorded.")
        return _("Consent recorded on %(date)s by %(who)s (information text %(version)s).") % {
            "date": format_date(resident.consent_date),
            "who": resident.consent_collected_by or "—",
            "version": resident.consent_version or "—",
        }

    def _show_follow_ups(self, resident: Resident) -> None:
        open_follow_ups = self._store.sessions.open_follow_ups(resident.id)
        if not open_follow_ups:
            self.follow_ups.hide()
            return
        today = date.today().isoformat()
        lines = []
        for session in open_follow_ups:
            due = session.follow_up_date or ""
            marker = f"{WARNING_SIGN} " if due <= today else ""
            lines.append(
                _("%(marker)sFollow-up due %(date)s: %(themes)s")
                % {
                    "marker": marker,
                    "date": format_date(due) if due else "—",
                    "themes": theme_labels(session.themes),
                }
            )
        self.follow_ups.setText("\n".join(lines))
        self.follow_ups.show()

    def _show_duplicates(self, resident: Resident) -> None:
        duplicates = self._store.residents.probable_duplicates(resident)
        self._duplicate_ids = [duplicate.resident.id for duplicate in duplicates]
        if not duplicates:
            self.duplicates.hide()
            self.merge_button.hide()
            return
        names = ", ".join(duplicate.resident.full_name for duplicate in duplicates[:3])
        self.duplicates.setText(
            f"{WARNING_SIGN} " + _("Probable duplicate of this file: %(names)s.") % {"names": names}
        )
        self.duplicates.show()
        self.merge_button.show()

    def _on_merge_clicked(self) -> None:
        """Merge a probable duplicate into this file: the mediator picks which one."""
        if self._resident is None or not self._duplicate_ids:
            return
        source_id = self._duplicate_ids[0]
        if len(self._duplicate_ids) > 1:
            names = [self._describe(resident_id) for resident_id in self._duplicate_ids]
            chosen, accepted = QInputDialog.getItem(
                self,
                _("Merge a duplicate"),
                _("Which file is the same person as %(name)s?")
                % {"name": self._resident.full_name},
                names,
                0,
                False,
            )
            if not accepted:
                return
            source_id = self._duplicate_ids[names.index(chosen)]
        self.merge_requested.emit(source_id, self._resident.id)

    def _describe(self, resident_id: str) -> str:
        other = self._store.residents.get(resident_id)
        year = f" ({other.birth_year})" if other.birth_year else ""
        return f"{other.full_name}{year}"

    def _on_history_activated(self, *_args: object) -> None:
        self._on_edit_session()

    def _on_edit_session(self) -> None:
        session = self.selected_session()
        if session is not None:
            self.edit_session_requested.emit(session)

    def _on_duplicate_session(self) -> None:
        session = self.selected_session()
        if session is not None:
            self.duplicate_session_requested.emit(session.id)

    def _on_delete_session(self) -> None:
        session = self.selected_session()
        if session is not None:
            self.delete_session_requested.emit(session.id)

    def _on_follow_up_done(self) -> None:
        session = self.selected_session()
        if session is not None and session.follow_up_needed:
            self.follow_up_done_requested.emit(session.id)
