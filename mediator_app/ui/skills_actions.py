"""What the window does when a mediator works on a resident's skills: open the
diagnostic, the goals or the passport, and save what they give on the worker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from mediator_app.domain.skills import SkillAssessment, SkillGoal
from mediator_app.i18n import _, ngettext
from mediator_app.store import Store
from mediator_app.ui.diagnostic_dialog import DiagnosticDialog
from mediator_app.ui.goals_dialog import GoalsDialog
from mediator_app.ui.passport_dialog import PassportDialog, print_passport_job, write_passport_pdf
from mediator_app.ui.widgets import explain_failure
from mediator_app.ui.worker import DatabaseWorker
from mediator_app.ui.workshops.context import explain

#: The topic of every write made here.
SKILLS_TOPIC = "skills"


class SkillsActions:
    """Opens the skills dialogs over ``parent`` and runs their writes on ``worker``."""

    def __init__(
        self,
        parent: QWidget,
        store: Store,
        worker: DatabaseWorker,
        open_dialog: Callable[[QDialog], None],
        show_status: Callable[[str], None],
    ):
        self._parent = parent
        self._store = store
        self._worker = worker
        self._open_dialog = open_dialog
        self._show_status = show_status

    def _run(
        self,
        action: Callable[[Store], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        topics: tuple[str, ...] = (SKILLS_TOPIC,),
    ) -> None:
        self._worker.run(
            lambda store, _progress: action(store),
            on_success=on_success,
            on_failure=on_failure or (lambda error: explain_failure(self._parent, error)),
            topics=topics,
        )

    # Assessments -----------------------------------------------------------------------

    def open_diagnostic(self, resident_id: str, items: Sequence[str] | None = None) -> None:
        """The initial diagnostic, or a re-assessment of every skill or of ``items``."""
        dialog = DiagnosticDialog(self._store, resident_id, self._parent, items=items)
        dialog.submitted.connect(lambda assessment: self._save_assessment(dialog, assessment))
        self._open_dialog(dialog)

    def _save_assessment(self, dialog: DiagnosticDialog, assessment: SkillAssessment) -> None:
        def saved(result: SkillAssessment) -> None:
            dialog.saved(result)
            self._show_status(
                ngettext(
                    "Assessment saved: %(count)s skill.",
                    "Assessment saved: %(count)s skills.",
                    len(result.ratings),
                )
                % {"count": len(result.ratings)}
            )

        self._run(lambda store: store.skills.record_assessment(assessment), saved, dialog.refused)

    # Goals ------------------------------------------------------------------------------

    def open_goals(self, resident_id: str) -> None:
        dialog = GoalsDialog(self._parent, self._store, resident_id)
        dialog.submitted.connect(lambda goals: self._save_goals(dialog, goals))
        self._open_dialog(dialog)

    def _save_goals(self, dialog: GoalsDialog, goals: list[SkillGoal]) -> None:
        def save(store: Store) -> int:
            with store.write():  # all the goals, or none
                for goal in goals:
                    store.skills.add_goal(goal)
            return len(goals)

        def saved(count: int) -> None:
            dialog.saved(count)
            self._show_status(
                ngettext("%(count)s goal set.", "%(count)s goals set.", count) % {"count": count}
            )

        self._run(save, saved, dialog.refused)

    def mark_goal_achieved(self, goal_id: str) -> None:
        self._run(
            lambda store: store.skills.mark_goal_achieved(goal_id),
            lambda _result: self._show_status(_("Goal achieved. Well done!")),
        )

    def remove_goal(self, goal_id: str) -> None:
        answer = QMessageBox.question(
            self._parent,
            _("Remove the goal"),
            _("Remove this goal? Its skill stays as it was assessed."),
            defaultButton=QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda store: store.skills.remove_goal(goal_id))

    # Passport ---------------------------------------------------------------------------

    def open_passport(self, resident_id: str) -> None:
        resident = self._store.residents.get(resident_id)
        desk = self._store.ensure_desk()
        dialog = PassportDialog(
            self._parent,
            first_name=resident.first_name or resident.last_name,
            language=resident.language,
            centre_language=desk.language,
        )
        dialog.accepted.connect(lambda: self._make_passport(dialog, resident_id))
        self._open_dialog(dialog)

    def _make_passport(self, dialog: PassportDialog, resident_id: str) -> None:
        language, encouragement = dialog.chosen_language, dialog.encouragement_text
        path, printer = dialog.chosen_path, dialog.chosen_printer
        if path is not None:
            self._run(
                lambda store: write_passport_pdf(
                    store, resident_id, language, encouragement, path
                ),
                lambda pages: self._show_status(
                    ngettext(
                        "Saved %(path)s (%(pages)s page).", "Saved %(path)s (%(pages)s pages).",
                        pages,
                    )
                    % {"path": path, "pages": pages}
                ),
                lambda error: explain(self._parent, error),
                topics=(),
            )  # fmt: skip
        elif printer is not None:
            self._run(
                lambda store: print_passport_job(
                    store, resident_id, language, encouragement, printer
                ),
                lambda pages: self._show_status(
                    ngettext(
                        "%(pages)s page sent to the printer.",
                        "%(pages)s pages sent to the printer.",
                        pages,
                    )
                    % {"pages": pages}
                ),
                lambda error: explain(self._parent, error),
                topics=(),
            )
