"""The actions of the workshops page, declared in one registry: name, text, standard key
sequence and the page method that handles it.

Shortcuts work while the keyboard is anywhere in the page, so they never clash with the
window's own; the window's Workshops menu lists the same actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from mediator_app.i18n import _


@dataclass(frozen=True)
class PageActionSpec:
    name: str
    text: str
    shortcut: QKeySequence | QKeySequence.StandardKey | None
    handler: str
    tip: str = ""
    #: Where the shortcut works: anywhere in the page, or only in the widget (the
    #: participants table) the action is added to.
    context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut


def _specs() -> tuple[PageActionSpec, ...]:
    key = QKeySequence
    return (
        PageActionSpec("new_workshop", _("&New workshop…"), key("Ctrl+Shift+N"), "new_workshop"),
        PageActionSpec("edit_workshop", _("E&dit the workshop…"), key("Ctrl+Shift+D"),
                       "edit_workshop"),
        PageActionSpec("schedule", _("&Schedule a session or a series…"), key("Ctrl+Shift+O"),
                       "schedule"),
        PageActionSpec("move", _("&Move the session…"), key("Ctrl+M"), "move"),
        PageActionSpec("cancel_occurrence", _("&Cancel the session…"), None,
                       "cancel_occurrence"),
        PageActionSpec("register", _("&Register a resident…"), key("Ctrl+R"), "register"),
        PageActionSpec("register_series", _("Register to the whole ser&ies…"),
                       key("Ctrl+Shift+R"), "register_series"),
        PageActionSpec("unregister", _("&Unregister…"), key(key.StandardKey.Delete),
                       "unregister", context=Qt.ShortcutContext.WidgetShortcut),
        PageActionSpec("walk_in", _("Add a &walk-in…"), key("Ctrl+I"), "walk_in"),
        PageActionSpec("anonymous", _("&Anonymous participants…"), key("Ctrl+Shift+A"),
                       "anonymous"),
        PageActionSpec("enter_sheet", _("&Enter the signed sheet…"), key("Ctrl+Shift+E"),
                       "enter_sheet"),
        PageActionSpec("attach_scan", _("Attac&h the scan…"), None, "attach_scan"),
        PageActionSpec("open_scan", _("&Open the scan"), None, "open_scan"),
        PageActionSpec("print_sheet", _("&Print the sheet…"), key(key.StandardKey.Print),
                       "print_sheet"),
        PageActionSpec("save_sheet", _("Sa&ve the sheet as PDF…"), key(key.StandardKey.Save),
                       "save_sheet"),
        PageActionSpec("series_sheets", _("Sheets of the series"), None, "",
                       _("Print or save the sheets of every session of the series")),
        PageActionSpec("print_series", _("Print &the whole series…"), key("Ctrl+Shift+P"),
                       "print_series"),
        PageActionSpec("save_series", _("Save the whole series as PD&F…"), None,
                       "save_series"),
        PageActionSpec("print_week", _("Print the wee&k…"), None, "print_week"),
        PageActionSpec("save_week", _("Save the week as PDF…"), None, "save_week"),
        PageActionSpec("previous_week", _("Previous week"), key("Alt+Left"), "previous_week"),
        PageActionSpec("next_week", _("Next week"), key("Alt+Right"), "next_week"),
        PageActionSpec("this_week", _("This week"), key("Alt+Home"), "this_week"),
    )  # fmt: skip


def create_page_actions(page: QWidget) -> dict[str, QAction]:
    """The page's actions, their shortcuts live while the focus is in ``page``."""
    actions: dict[str, QAction] = {}
    for spec in _specs():
        action = QAction(spec.text, page)
        action.setObjectName(spec.name)
        # Buttons show the text without its mnemonic: the window's letters stay unique.
        action.setIconText(spec.text.replace("&", ""))
        tip = spec.tip or spec.text.replace("&", "")
        if spec.shortcut is not None:
            sequence = QKeySequence(spec.shortcut)
            action.setShortcut(sequence)
            action.setShortcutContext(spec.context)
            tip = f"{tip} ({sequence.toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        if spec.handler:
            action.triggered.connect(getattr(page, spec.handler))
        page.addAction(action)
        actions[spec.name] = action
    return actions
