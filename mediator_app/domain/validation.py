"""Validation results that name the field at fault and say what is wrong in words a
mediator understands. Messages are message ids, translated where they are shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field: a message id and its named placeholders."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, translate: Any = None) -> str:
        """The message, translated by ``translate`` when given, with its values filled in."""
        text = translate(self.message) if translate else self.message
        return text % self.params if self.params else text


class ValidationError(ValueError):
    """Raised when a record cannot be saved; ``problems`` maps each field to its problem."""

    def __init__(self, problems: dict[str, Problem]):
        self.problems = dict(problems)
        super().__init__("; ".join(f"{name}: {p.render()}" for name, p in self.problems.items()))
