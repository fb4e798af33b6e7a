"""From the store to a resident's digital passport: their progress, open goals and the
centre, in their language unless another is asked for."""

from __future__ import annotations

from datetime import date

from mediator_app.i18n import PARTNER_LANGUAGES
from mediator_app.reports.passport import Passport, passport_from_progress
from mediator_app.store import Store
from mediator_app.store.mediators import find_mediator

FALLBACK_LANGUAGE = "fr"


def passport_language(store: Store, resident_id: str, asked: str | None = None) -> str:
    """The language asked for, else the resident's, else the desk's; always one the
    passport can be printed in."""
    resident = store.residents.get(resident_id)
    for language in (asked, resident.language, store.ensure_desk().language):
        if language in PARTNER_LANGUAGES:
            return language
    return FALLBACK_LANGUAGE


def passport_for_resident(
    store: Store, resident_id: str, *, language: str | None = None, encouragement: str = ""
) -> Passport:
    """What the passport of ``resident_id`` shows: first name only, the skills achieved
    and in progress, next steps from open goals, signed with the desk's mediator."""
    resident = store.residents.get(store.residents.shown(resident_id))
    desk = store.ensure_desk()
    assessments = store.skills.assessments(resident.id)
    mediator = find_mediator(store, desk.mediator_id) if desk.mediator_id else None
    return passport_from_progress(
        store.skills.progress(resident.id),
        first_name=resident.first_name or resident.last_name,
        centre=desk.centre_name,
        language=passport_language(store, resident.id, language),
        goals=store.skills.goals(resident.id, open_only=True),
        first_assessed_on=date.fromisoformat(assessments[0].assessed_on) if assessments else None,
        last_assessed_on=date.fromisoformat(assessments[-1].assessed_on) if assessments else None,
        encouragement=encouragement,
        mediator_first_name=mediator.name.split()[0] if mediator and mediator.name else "",
    )
