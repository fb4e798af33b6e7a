"""What a key does on the highlighted skill of the diagnostic, and the filter that turns
the keys pressed on its table into those actions.

1 to 4 set a level, 0, Space, Delete or Backspace skip the skill, ``=`` keeps the level
of last time, Enter and Down move on, Up moves back. On a French AZERTY keyboard the
unshifted keys of the top row (& é " ' and à) work as 1 to 4 and 0.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView

from mediator_app.domain.skills import SKILL_LEVELS

#: What a key does on the highlighted skill: a level code, or one of these.
SKIP = "skip"
SAME_AS_LAST = "same"
NEXT = "next"
PREVIOUS = "previous"

#: Keys that work in every language: 1 to 4 in the order of the levels.
LEVEL_KEYS = {
    Qt.Key.Key_1: SKILL_LEVELS.codes[0],
    Qt.Key.Key_2: SKILL_LEVELS.codes[1],
    Qt.Key.Key_3: SKILL_LEVELS.codes[2],
    Qt.Key.Key_4: SKILL_LEVELS.codes[3],
}
#: The unshifted top row of a French or Belgian AZERTY keyboard, where digits need Shift.
AZERTY_TEXTS = {
    "&": SKILL_LEVELS.codes[0],
    "é": SKILL_LEVELS.codes[1],
    '"': SKILL_LEVELS.codes[2],
    "'": SKILL_LEVELS.codes[3],
    "à": SKIP,
}
OTHER_KEYS = {
    Qt.Key.Key_0: SKIP,
    Qt.Key.Key_Space: SKIP,
    Qt.Key.Key_Delete: SKIP,
    Qt.Key.Key_Backspace: SKIP,
    Qt.Key.Key_Equal: SAME_AS_LAST,
    Qt.Key.Key_Return: NEXT,
    Qt.Key.Key_Enter: NEXT,
    Qt.Key.Key_Down: NEXT,
    Qt.Key.Key_Up: PREVIOUS,
}


def key_action(event: QKeyEvent) -> str | None:
    """What ``event`` does on the highlighted skill: a level code, ``SKIP``,
    ``SAME_AS_LAST``, ``NEXT`` or ``PREVIOUS``; ``None`` for a key that does nothing here."""
    key = Qt.Key(event.key())
    text = event.text()
    if key in LEVEL_KEYS:
        return LEVEL_KEYS[key]
    if key in OTHER_KEYS:
        return OTHER_KEYS[key]
    if text == "=":
        return SAME_AS_LAST
    return AZERTY_TEXTS.get(text)


class LevelKeys(QObject):
    """Watches the key presses on ``table`` and says, by ``triggered``, the action of each
    key that has one (see :func:`key_action`); the table never sees those keys. Keys with
    Ctrl or Alt, and every key while a level is picked from the list, go on to the table."""

    #: The action of a key pressed on the table.
    triggered = Signal(str)

    def __init__(self, table: QAbstractItemView, parent: Any = None):
        super().__init__(parent)
        self._table = table
        table.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._table
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            and self._table.state() != QAbstractItemView.State.EditingState
        ):
            action = key_action(event)
            if action is not None:
                self.triggered.emit(action)
                return True
        return super().eventFilter(watched, event)
