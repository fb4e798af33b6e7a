"""The "This desk's card" page of the Sync dialog: the desk's name, the fingerprint of its
card in digits and as a QR code, and the card saved to a file for the other desks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mediator_app.i18n import N_, _
from mediator_app.store import Store
from mediator_app.sync.keys import DeskCard, card_for_this_desk
from mediator_app.ui.qr import qr_image
from mediator_app.ui.sync_jobs import DeskState, RunJob
from mediator_app.ui.sync_messages import FileError, words
from mediator_app.ui.sync_widgets import digits_font, show_status, status_label, wrapped

_CARD_UNWRITABLE = N_("The card could not be written to %(path)s (%(reason)s).")


class CardPage(QWidget):
    """This desk's card, to enrol it on the others and compare its digits by eye.
    ``run`` runs the page's jobs on the worker."""

    def __init__(self, run: RunJob, parent: QWidget | None = None):
        super().__init__(parent)
        self._run = run
        self._card: DeskCard | None = None
        self._build()

    def _build(self) -> None:
        intro = wrapped(
            _(
                "Give this card to the other desks of the centre to enrol it there, and "
                "compare these digits by eye with the ones they show."
            )
        )
        self.desk_name = QLabel()
        self.desk_name.setObjectName("deskName")
        self.desk_name.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.desk_name.setWordWrap(True)
        self.desk_name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption = QLabel(_("Fingerprint of this desk's card:"))
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("deskFingerprint")
        font = digits_font(1.7)
        font.setWeight(QFont.Weight.DemiBold)
        self.fingerprint.setFont(font)
        self.fingerprint.setWordWrap(True)
        self.fingerprint.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.fingerprint.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.fingerprint.setAccessibleName(_("Fingerprint of this desk's card"))
        self.fingerprint_qr = QLabel()
        self.fingerprint_qr.setObjectName("fingerprintQr")
        self.fingerprint_qr.setAccessibleName(_("The fingerprint as a QR code"))
        self.save_card_button = QPushButton(_("Sa&ve the card…"))
        self.save_card_button.setObjectName("saveCard")
        self.save_card_button.setAutoDefault(False)
        self.save_card_button.clicked.connect(self._on_save_card)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_card_button)
        buttons.addStretch(1)
        self.card_status = status_label()

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(self.desk_name)
        layout.addWidget(caption)
        fingerprint_row = QHBoxLayout()
        fingerprint_row.addWidget(self.fingerprint, 1)
        fingerprint_row.addWidget(self.fingerprint_qr)
        layout.addLayout(fingerprint_row)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        layout.addWidget(self.card_status)
        layout.addStretch(1)

    def set_ready(self, ready: bool) -> None:
        """Let the button act once the worker has read the desk."""
        self.save_card_button.setEnabled(ready)

    def show_card(self, state: DeskState) -> None:
        """The desk's name and the fingerprint of its card, in digits and as a QR code."""
        self._card = state.card
        if state.centre_name:
            self.desk_name.setText(
                _("%(desk)s, at %(centre)s")
                % {"desk": state.card.name, "centre": state.centre_name}
            )
        else:
            self.desk_name.setText(state.card.name)
        self.fingerprint.setText(state.digits)
        self.fingerprint_qr.setPixmap(QPixmap.fromImage(qr_image(state.card_qr_text)))

    def _on_save_card(self) -> None:
        name = self._card.name if self._card is not None else "desk"
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = Path(folder) / f"{_safe_name(name)}.passerelle-card"
        chosen, _filter = QFileDialog.getSaveFileName(
            self.window(),
            _("Save this desk's card"),
            str(suggested),
            _("Desk cards (*.passerelle-card);;All files (*)"),
        )
        if not chosen:
            return
        path = Path(chosen)

        def write(store: Store, _progress: Any) -> Path:
            card = card_for_this_desk(store)
            try:
                path.write_bytes(card.to_bytes())
            except OSError as error:
                raise FileError(
                    _CARD_UNWRITABLE, path=str(path), reason=error.strerror or str(error)
                ) from error
            return path

        self._run(
            write,
            lambda written: show_status(
                self.card_status,
                _("The card is saved in %(path)s. Give it to the other desks.") % {"path": written},
            ),
            lambda error: show_status(self.card_status, words(error), warning=True),
        )


def _safe_name(text: str) -> str:
    kept = "".join(
        character if character.isalnum() or character in " -_" else " " for character in text
    )
    return "-".join(kept.split())[:60] or "desk"
