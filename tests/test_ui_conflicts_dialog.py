"""The conflicts screen on a desk that received a real conflict from another desk: it
describes the record and the field, lists every version with its desk, and asks the
caller to keep the chosen value, which ``resolve`` then settles."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QWidget

from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.i18n import format_date, set_language
from mediator_app.store import open_store
from mediator_app.store.errors import NotFoundError
from mediator_app.sync.conflicts import open_conflicts, resolve
from mediator_app.sync.desk_sync import SyncFolders, export_bundle, import_files
from mediator_app.sync.keys import card_for_this_desk, enroll
from mediator_app.ui.conflicts_dialog import ConflictsDialog, describe_record
from mediator_app.ui.models import ID_ROLE

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
CTRL = Qt.KeyboardModifier.ControlModifier


class Desk:
    def __init__(self, folder: Path, name: str):
        self.path = folder / f"{name}.db"
        self.store = open_store(self.path)
        self.store.ensure_desk(name=name, centre_name="Centre social", configured=True)
        self.folders = SyncFolders.beside(self.path)


class Centre:
    """Two desks that enrolled each other; ``exchange`` carries bundles both ways."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.accueil = Desk(folder, "Accueil")
        self.fablab = Desk(folder, "Fablab")
        enroll(self.fablab.store, card_for_this_desk(self.accueil.store))
        enroll(self.accueil.store, card_for_this_desk(self.fablab.store))

    def exchange(self) -> None:
        for sender, receiver in ((self.accueil, self.fablab), (self.fablab, self.accueil)):
            bundle = export_bundle(sender.store, self.folder / "stick")
            if bundle is not None:
                import_files(receiver.store, [bundle], receiver.folders)

    def close(self) -> None:
        self.accueil.store.close()
        self.fablab.store.close()


@pytest.fixture
def centre(tmp_path: Path):
    made = Centre(tmp_path)
    yield made
    made.close()


def _edit_resident_on_both(centre: Centre, resident_id: str, **fields) -> None:
    """Accueil sets the first value of each field, then Fablab the second, before they
    exchange: Fablab's edit is later, so the record shows it."""
    for desk, index in ((centre.accueil, 0), (centre.fablab, 1)):
        store = desk.store
        values = {name: pair[index] for name, pair in fields.items()}
        store.residents.update(replace(store.residents.get(resident_id), **values))
    centre.exchange()


@pytest.fixture
def helene(centre: Centre) -> Resident:
    """Hélène, whose commune Accueil wrote "Lyon" and Fablab "Grans", unaware."""
    resident = centre.accueil.store.residents.create(
        Resident(first_name="Hélène", last_name="Petit", birth_year=1951, **CONSENT)
    )
    centre.exchange()
    _edit_resident_on_both(centre, resident.id, commune=("Lyon", "Grans"))
    return resident


def _open(qtbot, store) -> ConflictsDialog:
    dialog = ConflictsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    return dialog


def _resolve_through(dialog: ConflictsDialog, store) -> None:
    """What the window does on the worker, done here at once."""

    def settle(table: str, row_id: str, field: str, value: object) -> None:
        try:
            resolve(store, table, row_id, field, value)
        except Exception as error:  # the window hands any failure back
            dialog.resolve_failed(error)
        else:
            dialog.conflict_resolved()

    dialog.resolve_requested.connect(settle)


def _click(qtbot, button) -> None:
    """Click a radio button on its circle (a radio takes clicks on its circle and text)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def _cells(dialog: ConflictsDialog, row: int) -> list[str]:
    model = dialog.model
    return [model.index(row, column).data() for column in range(model.columnCount())]


def test_the_list_describes_the_resident_and_the_field(qtbot, qtmodeltester, centre, helene):
    dialog = _open(qtbot, centre.accueil.store)
    qtmodeltester.check(dialog.model)
    assert dialog.model.rowCount() == 1
    assert _cells(dialog, 0) == ["Hélène Petit", "Commune", "2"]
    assert dialog.model.index(0, 0).data(ID_ROLE) == helene.id
    headers = [dialog.model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
    assert headers == ["Record", "Field", "Versions"]
    assert dialog.table.currentIndex().row() == 0
    assert dialog.versions_record.text() == "Hélène Petit"
    assert dialog.versions_intro.text().startswith("“Commune” has 2 versions.")


def test_both_versions_are_listed_with_their_desks(qtbot, centre, helene):
    dialog = _open(qtbot, centre.accueil.store)
    shown, other = (button.text() for button in dialog.version_buttons)
    today = format_date(centre.accueil.store.residents.get(helene.id).updated_at[:10])
    assert shown.startswith("«Grans» — on Fablab, ")
    assert shown.endswith("(shown now)")
    assert other.startswith("«Lyon» — on Accueil (this desk), ")
    assert "shown now" not in other
    assert today in shown and today in other
    # Seen from the other desk, the names swap.
    dialog = _open(qtbot, centre.fablab.store)
    shown, other = (button.text() for button in dialog.version_buttons)
    assert "on Fablab (this desk)" in shown and "on Accueil," in other
    # A commune is text: another value may be typed; nothing is chosen yet.
    assert dialog.other_button.isVisible() and not dialog.other_value.isEnabled()
    assert not dialog.keep_button.isEnabled()


def test_choosing_the_other_version_asks_to_keep_exactly_it(qtbot, centre, helene):
    dialog = _open(qtbot, centre.accueil.store)
    _click(qtbot, dialog.version_buttons[1])
    assert dialog.keep_button.isEnabled()
    with qtbot.waitSignal(dialog.resolve_requested, timeout=1000) as blocker:
        qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["resident", helene.id, "commune", "Lyon"]
    # Until the caller answers, a second request cannot leave.
    assert not dialog.keep_button.isEnabled()
    with qtbot.assertNotEmitted(dialog.resolve_requested):
        dialog.keep()


def test_keeping_a_version_settles_the_conflict_and_empties_the_screen(qtbot, centre, helene):
    store = centre.accueil.store
    dialog = _open(qtbot, store)
    _resolve_through(dialog, store)
    dialog.choose(1)
    qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)
    assert open_conflicts(store.conn) == []
    assert store.residents.get(helene.id).commune == "Lyon"
    assert dialog.model.rowCount() == 0
    assert dialog.empty_label.isVisible()
    assert dialog.empty_label.text() == "No conflict: every desk agrees."
    assert not dialog.keep_button.isEnabled()
    assert not dialog.general_error.isVisible()
    # The choice is an ordinary edit: the other desk takes it at the next exchange.
    centre.exchange()
    assert open_conflicts(centre.fablab.store.conn) == []
    assert centre.fablab.store.residents.get(helene.id).commune == "Lyon"


def test_another_value_can_be_typed(qtbot, centre, helene):
    store = centre.accueil.store
    dialog = _open(qtbot, store)
    _resolve_through(dialog, store)
    _click(qtbot, dialog.other_button)
    assert dialog.other_value.isEnabled()
    qtbot.keyClicks(dialog.other_value, "  Salon-de-Provence ")
    with qtbot.waitSignal(dialog.resolve_requested, timeout=1000) as blocker:
        qtbot.keyClick(dialog.other_value, Qt.Key.Key_Return)
    assert blocker.args == ["resident", helene.id, "commune", "Salon-de-Provence"]
    assert store.residents.get(helene.id).commune == "Salon-de-Provence"
    assert open_conflicts(store.conn) == []


def test_an_empty_other_value_is_refused_inline(qtbot, centre, helene):
    dialog = _open(qtbot, centre.accueil.store)
    dialog.choose(2)
    assert dialog.other_button.isChecked()
    with qtbot.assertNotEmitted(dialog.resolve_requested):
        dialog.keep()
    assert dialog.other_error.isVisible()
    assert "Type the value to keep" in dialog.other_error.text()


def test_a_number_field_takes_only_a_number(qtbot, centre, helene):
    store = centre.accueil.store
    _edit_resident_on_both(centre, helene.id, birth_year=(1952, 1950))
    dialog = _open(qtbot, store)
    row = dialog.model.row_of(("resident", helene.id, "birth_year"))
    assert row is not None and _cells(dialog, row)[1:] == ["Year of birth", "2"]
    dialog.table.selectRow(row)
    assert [button.text()[:6] for button in dialog.version_buttons] == ["«1950»", "«1952»"]
    dialog.choose(2)
    qtbot.keyClicks(dialog.other_value, "mille neuf cent")
    with qtbot.assertNotEmitted(dialog.resolve_requested):
        dialog.keep()
    assert dialog.other_error.isVisible()
    assert "Type a whole number, for example 1950." in dialog.other_error.text()
    # Typing again hides the error; the resident's own rules still apply.
    dialog.other_value.clear()
    qtbot.keyClicks(dialog.other_value, "1850")
    assert not dialog.other_error.isVisible()
    with qtbot.assertNotEmitted(dialog.resolve_requested):
        dialog.keep()
    assert "between 1900 and" in dialog.other_error.text()
    dialog.other_value.clear()
    qtbot.keyClicks(dialog.other_value, "1951")
    with qtbot.waitSignal(dialog.resolve_requested, timeout=1000) as blocker:
        dialog.keep()
    assert blocker.args == ["resident", helene.id, "birth_year", 1951]


def test_sessions_are_described_and_the_next_conflict_follows(qtbot, centre, helene):
    accueil, fablab = centre.accueil.store, centre.fablab.store
    session = accueil.sessions.create(
        SupportSession(date="2026-11-20", duration_min=45, themes=("email",),
                       resident_id=helene.id),
    )  # fmt: skip
    centre.exchange()
    accueil.sessions.update(replace(accueil.sessions.get(session.id), themes=("email", "sante")))
    fablab.sessions.update(replace(fablab.sessions.get(session.id), themes=("bureautique",)))
    centre.exchange()
    dialog = _open(qtbot, accueil)
    _resolve_through(dialog, accueil)
    assert dialog.model.rowCount() == 2
    row = dialog.model.row_of(("support_session", session.id, "themes"))
    assert row is not None
    assert _cells(dialog, row) == ["Session of 20 Nov 2026 with Hélène Petit", "Themes", "2"]
    dialog.table.selectRow(row)
    values = [button.text().split("»")[0] for button in dialog.version_buttons]
    assert values == ["«Office software", "«E-mail, Health"]
    # Themes are chosen from a list: no other value is offered.
    assert not dialog.other_button.isVisible()
    dialog.choose(0)
    dialog.keep()
    assert accueil.sessions.get(session.id).themes == ("bureautique",)
    # The other conflict is selected at once, its versions shown.
    assert dialog.model.rowCount() == 1
    assert dialog.table.currentIndex().row() == 0
    assert _cells(dialog, 0)[:2] == ["Hélène Petit", "Commune"]
    assert len(dialog.version_buttons) == 2
    assert dialog.buttons.checkedId() == -1


def test_the_keyboard_reaches_everything(qtbot, centre, helene):
    store = centre.accueil.store
    _edit_resident_on_both(centre, helene.id, phone=("0611223344", "0699887766"))
    dialog = _open(qtbot, store)
    assert QApplication.focusWidget() is dialog.table
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.table.currentIndex().row() == 1
    field = _cells(dialog, 1)[1]
    assert field in ("Commune", "Phone")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.version_buttons[0]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)
    assert dialog.version_buttons[1].isChecked()
    assert QApplication.focusWidget() is dialog.version_buttons[1]
    # On an AZERTY keyboard, the unshifted key of 1 is "&".
    qtbot.keyClick(dialog.version_buttons[1], "&")
    assert dialog.version_buttons[0].isChecked()
    qtbot.keyClick(dialog.version_buttons[0], Qt.Key.Key_3)
    assert dialog.other_button.isChecked() and dialog.other_value.isEnabled()
    qtbot.keyClick(dialog.other_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.other_value


def test_a_conflict_on_a_row_that_is_gone_still_shows(qtbot, centre, helene):
    store = centre.accueil.store
    store.conn.execute("DELETE FROM resident WHERE id = ?", (helene.id,))
    assert describe_record(store, "resident", helene.id) == "A resident no longer on this desk"
    assert describe_record(store, "no_such_table", "x") == "no_such_table"
    dialog = _open(qtbot, store)
    _resolve_through(dialog, store)
    assert _cells(dialog, 0) == ["A resident no longer on this desk", "Commune", "2"]
    assert len(dialog.version_buttons) == 2
    dialog.choose(1)
    dialog.keep()
    # The store refuses: the message shows, the choice stays, another try is possible.
    assert dialog.general_error.isVisible()
    assert dialog.general_error.text().startswith("⚠ This value was not kept: No record")
    assert dialog.version_buttons[1].isChecked()
    assert dialog.keep_button.isEnabled()
    assert dialog.model.rowCount() == 1


def test_a_failure_is_shown_and_the_choice_kept(qtbot, centre, helene):
    dialog = _open(qtbot, centre.accueil.store)
    dialog.choose(0)
    dialog.keep()
    dialog.resolve_failed(NotFoundError(id="x"))
    assert "No record has the id x." in dialog.general_error.text()
    assert dialog.version_buttons[0].isChecked() and dialog.keep_button.isEnabled()


def test_no_conflict_says_so(qtbot, store):
    dialog = _open(qtbot, store)
    assert dialog.empty_label.isVisible()
    assert not dialog.keep_button.isEnabled()
    assert dialog.close_button.isEnabled()
    with qtbot.assertNotEmitted(dialog.resolve_requested):
        qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)


MNEMONIC = re.compile(r"&([^&\s])")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_mnemonics_are_unique_and_controls_named(qtbot, centre, helene, language):
    set_language(language)
    dialog = _open(qtbot, centre.accueil.store)
    dialog.choose(2)
    texts = [
        widget.text()
        for widget in dialog.findChildren(QWidget)
        if isinstance(widget, QAbstractButton)
        or (isinstance(widget, QLabel) and widget.buddy() is not None)
    ]
    texts += [box.title() for box in dialog.findChildren(QGroupBox)]
    letters = [
        letter.casefold() for text in texts for letter in MNEMONIC.findall(text.replace("&&", ""))
    ]
    assert len(letters) >= 5
    assert [letter for letter, count in Counter(letters).items() if count > 1] == []
    focusable = [
        widget
        for widget in dialog.findChildren(QWidget)
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(dialog)
    ]
    unnamed = [
        widget.objectName() or type(widget).__name__
        for widget in focusable
        if not (widget.accessibleName() or getattr(widget, "text", lambda: "")())
    ]
    assert unnamed == []


def test_values_read_like_the_rest_of_the_app(qtbot, centre, helene):
    store = centre.accueil.store
    # Both desks had her address; one cleared it, the other changed it.
    _edit_resident_on_both(centre, helene.id, email=("h@example.org", "h@example.org"))
    _edit_resident_on_both(centre, helene.id, email=("", "helene@example.org"))
    dialog = _open(qtbot, store)
    row = dialog.model.row_of(("resident", helene.id, "email"))
    dialog.table.selectRow(row)
    assert _cells(dialog, row)[1] == "E-mail"
    assert dialog.version_buttons[0].text().startswith("«helene@example.org»")
    assert dialog.version_buttons[1].text().startswith("«(empty)»")
    dialog.choose(2)
    qtbot.keyClicks(dialog.other_value, "helene@")
    with qtbot.assertNotEmitted(dialog.resolve_requested):
        dialog.keep()
    assert "e-mail address is not complete" in dialog.other_error.text()
