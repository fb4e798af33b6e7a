"""A QR code drawn with Qt: the fingerprint of a desk card, for a phone to read beside
the digits."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter


def qr_modules(text: str) -> list[list[bool]]:
    """The dark and light modules of the QR code of ``text`` (ReportLab encodes it)."""
    from reportlab.graphics.barcode.qr import QrCodeWidget

    code = QrCodeWidget(text).qr
    code.make()
    count = code.getModuleCount()
    return [[bool(code.isDark(row, column)) for column in range(count)] for row in range(count)]


def qr_image(text: str, module_px: int = 6, quiet_modules: int = 4) -> QImage:
    """Black modules on white, with the quiet zone scanners need around the code."""
    modules = qr_modules(text)
    side = (len(modules) + 2 * quiet_modules) * module_px
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor(Qt.GlobalColor.white))
    painter = QPainter(image)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(Qt.GlobalColor.black))
    for row, line in enumerate(modules):
        for column, dark in enumerate(line):
            if dark:
                painter.drawRect(
                    QRectF(
                        (column + quiet_modules) * module_px,
                        (row + quiet_modules) * module_px,
                        module_px,
                        module_px,
                    )
                )
    painter.end()
    return image
