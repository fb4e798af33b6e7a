"""Workshops of the demo centre: a small catalogue, weekly series around ``today`` with
registrations (some on the waiting list), attendance marked on past sessions, and a few
signed sheets not yet entered or scanned, as a real FabLab keeps them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from mediator_app.domain.workshop import AnonymousCount, Workshop, WorkshopOccurrence
from mediator_app.store.database import Store

#: A tiny valid PNG, standing for the scan of a signed sheet.
_SCAN_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf0000000301010018dd8db00000000049454e44ae426082"
)


@dataclass(frozen=True)
class _Plan:
    title: str
    themes: tuple[str, ...]
    level: str
    capacity: int
    start_time: str
    end_time: str
    place: str
    weekday: int
    eu_funded: bool
    description: str


_CATALOGUE = (
    _Plan("Premiers pas sur la tablette", ("prendre_en_main_du_materiel",), "debutant", 8,
          "14:00", "16:00", "FabLab", 1, True,
          "Allumer, toucher, faire défiler : apprivoiser une tablette en petit groupe."),
    _Plan("Créer et utiliser sa boîte mail", ("email",), "debutant", 10,
          "09:30", "11:30", "Salle multimédia", 2, True,
          "Créer une adresse, lire, répondre, envoyer une pièce jointe."),
    _Plan("Démarches en ligne : FranceConnect et Ameli",
          ("aide_aux_demarches_administratives", "securite_numerique"), "intermediaire", 8,
          "14:00", "16:30", "Salle multimédia", 3, False,
          "Se connecter aux services publics et suivre ses remboursements."),
    _Plan("Reconnaître les arnaques en ligne", ("securite_numerique",), "debutant", 12,
          "10:00", "12:00", "FabLab", 4, True,
          "Faux SMS, faux colis, faux conseillers : les repérer et réagir."),
    _Plan("Fabriquer au FabLab : découpe et impression 3D", ("creer_avec_le_numerique",),
          "avance", 6, "09:00", "16:00", "FabLab", 5, False,
          "Une journée pour concevoir un objet et le fabriquer."),
)  # fmt: skip

SERIES_LENGTH = 12
WEEKS_BEFORE_TODAY = 8


def generate_workshops(
    store: Store,
    rng: random.Random,
    today: date,
    resident_ids: list[str],
    facilitators: list[str],
) -> int:
    """Add the demo workshops through the store's workshop API; returns the number of
    occurrences made."""
    if not resident_ids or store.workshops.catalogue(include_archived=True):
        return 0
    made = 0
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS_BEFORE_TODAY)
    for plan in _CATALOGUE:
        workshop = store.workshops.create_workshop(
            Workshop(
                title=plan.title,
                themes=plan.themes,
                level=plan.level,
                description=plan.description,
                capacity=plan.capacity,
                default_duration_min=_minutes(plan.start_time, plan.end_time),
                facilitators=tuple(rng.sample(facilitators, k=min(2, len(facilitators)))),
                eu_funded=plan.eu_funded,
                erasmus_disclaimer=plan.eu_funded,
            )
        )
        first = monday + timedelta(days=plan.weekday - 1)
        occurrences = store.workshops.create_series(
            WorkshopOccurrence(
                workshop_id=workshop.id,
                date=first.isoformat(),
                start_time=plan.start_time,
                end_time=plan.end_time,
                place=plan.place,
            ),
            count=SERIES_LENGTH,
            skip=(first + timedelta(weeks=4),),
        )
        made += len(occurrences)
        group = rng.sample(resident_ids, k=min(len(resident_ids), plan.capacity + 2))
        for resident_id in group:
            store.workshops.register_series(occurrences[0].series_id, resident_id, first)
        for occurrence in occurrences:
            if occurrence.day < today:
                _mark_attendance(store, rng, occurrence, resident_ids, today)
    return made


def _mark_attendance(
    store: Store,
    rng: random.Random,
    occurrence: WorkshopOccurrence,
    everyone: list[str],
    today: date,
) -> None:
    for person in store.workshops.participants(occurrence.id):
        if person.status != "registered":
            continue
        state = rng.choices(["present", "absent", "excused", "late"], [70, 12, 10, 8])[0]
        arrival = None
        if state == "late":
            arrival = _later(occurrence.start_time, rng.choice([10, 15, 25]))
        store.workshops.set_attendance(occurrence.id, person.resident_id, state, arrival)
    if rng.random() < 0.3:
        store.workshops.add_walk_in(occurrence.id, rng.choice(everyone))
    if rng.random() < 0.25:
        store.workshops.set_anonymous_participants(
            occurrence.id,
            (AnonymousCount(rng.randint(1, 3), "feminin", "soixante_dix_plus", "retraite"),),
        )
    # The sheets of the last ten days still wait to be entered and scanned.
    if occurrence.day < today - timedelta(days=10):
        store.workshops.mark_attendance_entered(occurrence.id)
        store.workshops.attach_scan_data(occurrence.id, "feuille-emargement.png", _SCAN_PNG)


def _minutes(start: str, end: str) -> int:
    start_hours, start_minutes = map(int, start.split(":"))
    end_hours, end_minutes = map(int, end.split(":"))
    return (end_hours - start_hours) * 60 + end_minutes - start_minutes


def _later(start: str, minutes: int) -> str:
    hours, rest = map(int, start.split(":"))
    total = hours * 60 + rest + minutes
    return f"{total // 60:02d}:{total % 60:02d}"
