"""A ReportLab canvas that holds every page until the document ends, so that each page
can say how many there are ("page x / y"). Documents draw their own footer."""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.canvas import Canvas


class HeldPagesCanvas(Canvas):
    """Subclasses draw on each page in ``finish_page(number, total)``, once the total
    is known; the page's own state is back in place when it is called."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self.finish_page(number, total)
            super().showPage()
        super().save()

    def finish_page(self, number: int, total: int) -> None:
        """Draw what needs the page count; nothing by default."""

    @property
    def page_count(self) -> int:
        return len(self._held_pages)
