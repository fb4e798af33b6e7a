"""The fonts printed documents embed: DejaVu Sans, shipped under ``resources/fonts``.

ReportLab's bundled Vera lacks U+202F (the narrow no-break space of French numbers) and
many letters of our residents' names; DejaVu Sans has them.
"""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from mediator_app.paths import resources_dir

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the document fonts with ReportLab; later calls do nothing.

    Safe to call from several threads. Raises ``OSError`` when a font file is missing
    from the installation.
    """
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        folder = resources_dir() / "fonts"
        for name, file_name in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / file_name)))
        pdfmetrics.registerFontFamily(
            REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
        )
        _registered = True
