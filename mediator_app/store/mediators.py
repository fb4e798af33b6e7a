"""Mediators: the people who log sessions at the centre's desks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mediator_app.domain.markers import N_
from mediator_app.domain.validation import Problem, ValidationError

if TYPE_CHECKING:
    from mediator_app.store.database import Store


@dataclass(frozen=True)
class Mediator:
    id: str
    name: str
    active: bool


def add_mediator(store: Store, name: str) -> Mediator:
    """Add a mediator; raises ``ValidationError`` for an empty name."""
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError({"name": Problem(N_("Enter the mediator's name."))})
    with store.write() as writer:
        mediator_id = writer.insert("mediator", {"name": clean, "active": True})
    return Mediator(mediator_id, clean, True)


def active_mediators(store: Store) -> list[Mediator]:
    rows = store.conn.execute(
        "SELECT id, name, active FROM mediator WHERE active = 1 ORDER BY name"
    ).fetchall()
    return [Mediator(row[0], row[1], bool(row[2])) for row in rows]


def find_mediator(store: Store, mediator_id: str) -> Mediator | None:
    row = store.conn.execute(
        "SELECT id, name, active FROM mediator WHERE id = ?", (mediator_id,)
    ).fetchone()
    return Mediator(row[0], row[1], bool(row[2])) if row else None
