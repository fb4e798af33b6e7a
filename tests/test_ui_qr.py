"""The QR code of a desk card's fingerprint: a real code, that a decoder would read."""

from __future__ import annotations

from PySide6.QtGui import QColor

from mediator_app.ui.qr import qr_image, qr_modules


def test_the_code_has_its_finder_patterns_and_a_quiet_zone(qtbot):
    modules = qr_modules("193856869473755834516915580202")
    count = len(modules)
    assert count >= 21 and all(len(line) == count for line in modules)
    # The three finder squares: a dark 7×7 ring with a dark 3×3 centre, at three corners.
    for top, left in ((0, 0), (0, count - 7), (count - 7, 0)):
        assert all(modules[top][left + i] and modules[top + 6][left + i] for i in range(7))
        assert not modules[top + 1][left + 1] and modules[top + 3][left + 3]
    image = qr_image("193856869473755834516915580202", module_px=4, quiet_modules=4)
    assert image.width() == image.height() == (count + 8) * 4
    white, black = QColor("white").rgb(), QColor("black").rgb()
    assert image.pixel(2, 2) == white  # quiet zone
    assert image.pixel(16 + 1, 16 + 1) == black  # first module of the top-left finder


def test_different_fingerprints_give_different_codes(qtbot):
    assert qr_modules("111111111111111111111111111111") != qr_modules(
        "222222222222222222222222222222"
    )
