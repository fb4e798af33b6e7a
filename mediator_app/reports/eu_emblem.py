"""The European Union emblem, drawn as vector from its geometric description.

A blue rectangle of ratio 3:2 (Reflex Blue, RGB 0/51/153) carries twelve upright
five-pointed yellow stars (RGB 255/204/0) placed like the hours on a clock face. The
circle they sit on has a radius of one third of the flag's height; each star's points
lie on a circle of one eighteenth of the flag's height.
"""

from __future__ import annotations

import math

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

REFLEX_BLUE = Color(0, 51 / 255, 153 / 255)
EU_YELLOW = Color(1, 204 / 255, 0)

STAR_COUNT = 12
#: Inner to outer radius of a regular five-pointed star: cos 72° / cos 36°.
_STAR_INNER_RATIO = math.cos(math.radians(72)) / math.cos(math.radians(36))


def emblem_width(height: float) -> float:
    """The width of an emblem ``height`` high: the flag is 3:2."""
    return height * 3 / 2


def star_centres(height: float) -> list[tuple[float, float]]:
    """The centres of the twelve stars, from the flag's lower-left corner, starting at
    twelve o'clock and going clockwise."""
    centre_x, centre_y = emblem_width(height) / 2, height / 2
    radius = height / 3
    return [
        (
            centre_x + radius * math.cos(math.radians(90 - 30 * hour)),
            centre_y + radius * math.sin(math.radians(90 - 30 * hour)),
        )
        for hour in range(STAR_COUNT)
    ]


def star_outline(centre_x: float, centre_y: float, radius: float) -> list[tuple[float, float]]:
    """The ten corners of an upright five-pointed star, its top point first; ``radius``
    is the distance from the centre to each point."""
    inner = radius * _STAR_INNER_RATIO
    corners = []
    for index in range(10):
        angle = math.radians(90 + 36 * index)
        distance = radius if index % 2 == 0 else inner
        corners.append(
            (centre_x + distance * math.cos(angle), centre_y + distance * math.sin(angle))
        )
    return corners


def draw_eu_emblem(canvas: Canvas, x: float, y: float, height: float) -> None:
    """Draw the emblem with its lower-left corner at (``x``, ``y``), ``height`` points
    high and one and a half times as wide. The canvas state is left as it was."""
    canvas.saveState()
    canvas.translate(x, y)
    canvas.setFillColor(REFLEX_BLUE)
    canvas.rect(0, 0, emblem_width(height), height, stroke=0, fill=1)
    canvas.setFillColor(EU_YELLOW)
    star_radius = height / 18
    path = canvas.beginPath()
    for centre_x, centre_y in star_centres(height):
        first, *others = star_outline(centre_x, centre_y, star_radius)
        path.moveTo(*first)
        for corner in others:
            path.lineTo(*corner)
        path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
