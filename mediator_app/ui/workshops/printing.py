"""Printing a PDF through Qt: PDFium (pypdfium2) renders each page to an image at the
printer's resolution, and QPainter paints it on the printer's page.

Qt allows painting on a ``QPrinter`` outside the UI thread, so the whole job runs on the
worker; the printer must not be touched by the UI thread until the job is done.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

from mediator_app.ui.workshops.context import JobCancelled

#: Pages are rendered at most this fine: 300 dpi is what a laser printer shows of a
#: form, and an A4 page at 1200 dpi would take half a gigabyte of memory.
MAX_RENDER_DPI = 300
PDF_POINTS_PER_INCH = 72

#: ``(done, total) -> keep_going``, as the worker's progress callback.
Progress = Callable[[int, int], bool]


class PrintError(Exception):
    """The printer could not be opened (no such printer, no right to write the file)."""


def render_page(pdf_page, dpi: float) -> QImage:
    """One page of a ``pypdfium2`` document as an opaque image at ``dpi``."""
    import pypdfium2.raw as pdfium_c

    bitmap = pdf_page.render(
        scale=dpi / PDF_POINTS_PER_INCH,
        force_bitmap_format=pdfium_c.FPDFBitmap_BGRx,
        rev_byteorder=True,
        may_draw_forms=False,
    )
    try:
        # RGBX bytes in memory order, whatever the machine's byte order.
        image = QImage(
            bitmap.buffer,
            bitmap.width,
            bitmap.height,
            bitmap.stride,
            QImage.Format.Format_RGBX8888,
        )
        return image.copy()  # detached from PDFium's buffer, which is freed below
    finally:
        bitmap.close()


def _fitted(image_size: QSize, page: QRectF) -> QRectF:
    """The largest rectangle of the image's proportions centred in ``page``."""
    if image_size.isEmpty():
        return page
    scale = min(page.width() / image_size.width(), page.height() / image_size.height())
    width, height = image_size.width() * scale, image_size.height() * scale
    return QRectF(
        page.x() + (page.width() - width) / 2,
        page.y() + (page.height() - height) / 2,
        width,
        height,
    )


def print_pdf(pdf: Path, printer: QPrinter, progress: Progress | None = None) -> int:
    """Print every page of ``pdf`` on ``printer``; returns the number of pages.

    The PDF has its own margins, so each page fills the whole sheet of paper. Raises
    ``JobCancelled`` (after aborting the printer) when ``progress`` returns ``False``.
    """
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        count = len(document)
        dpi = min(printer.resolution(), MAX_RENDER_DPI)
        printer.setFullPage(True)
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintError(printer.printerName() or printer.outputFileName())
        try:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            for number in range(count):
                if progress is not None and not progress(number, count):
                    printer.abort()
                    raise JobCancelled
                if number:
                    printer.newPage()
                pdf_page = document[number]
                try:
                    image = render_page(pdf_page, dpi)
                finally:
                    pdf_page.close()
                target = QRectF(0, 0, printer.width(), printer.height())
                painter.drawImage(_fitted(image.size(), target), image)
            if progress is not None:
                progress(count, count)
        finally:
            painter.end()
    finally:
        document.close()
    return count
