"""Validation results that name the field at fault and say what is wrong in words a
mediator understands. Messages are message ids, translated where they are shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


def render_message(message: str, params: dict[str, Any], translate: Any = None) -> str:
    """A message id, translated by ``translate`` when given, with its values filled in."""
    text = translate(message) if translate else message
    return text % params if params else text


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field: a message id and its named placeholders."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, translate: Any = None) -> str:
        return render_message(self.message, self.params, translate)


class MessageError(Exception):
    """An error a mediator can act on, not a bug: a message id (``message``, the class's
    default or one given) and its named values, translated where it is shown."""

    message = ""

    def __init__(self, message: str | None = None, **params: Any):
        self.message = message or self.message
        self.params = params
        super().__init__(self.message % params if params else self.message)

    def render(self, translate: Any = None) -> str:
        return render_message(self.message, self.params, translate)


class ValidationError(ValueError):
    """Raised when a record cannot be saved; ``problems`` maps each field to its problem."""

    def __init__(self, problems: dict[str, Problem]):
        self.problems = dict(problems)
        super().__init__("; ".join(f"{name}: {p.render()}" for name, p in self.problems.items()))


def is_whole_number(value: Any) -> bool:
    """An ``int`` and not a ``bool``: ``1950.0``, ``NaN`` and ``True`` are not years,
    capacities or durations, even where Python compares them as numbers."""
    return isinstance(value, int) and not isinstance(value, bool)


def parse_day(text: Any) -> date | None:
    """The date an ISO 8601 text names (``2026-11-29``, ``20261129``, ``2026-W48-7``);
    ``None`` for anything else. Store ``day.isoformat()``: one spelling per date."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
