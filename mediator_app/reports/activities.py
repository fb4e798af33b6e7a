"""Activities as every report counts them, at the desk and at the coordinator's.

An *activity* is, as La Coop counts it, one individual session (a resident, or an
anonymous visit) or one workshop session with its N participants. Each participant is
described by a profile only: a pseudonym (a keyed hash of the resident, never their id or
name), gender, age band, social status, commune and postcode, the date they were first
helped (to tell new from returning residents) and, for a workshop, their attendance.

The statistics, the La Coop spreadsheet, the Italian CSV and the coordinator's export are
all made from these records, so the figures a centre sees and the ones the coordinator
adds up are computed the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from mediator_app.domain.codes import age_band_for
from mediator_app.domain.markers import N_
from mediator_app.domain.validation import MessageError
from mediator_app.store import Store

INDIVIDUAL, COLLECTIVE = "individuel", "collectif"
NOT_GIVEN = "non_communique"
PSEUDONYM_KEY_ID = "pseudonym_key"


class NoPseudonymKey(MessageError):
    message = N_(
        "This desk has not received the centre's key for exports yet: sync with the other "
        "desks of the centre first."
    )


@dataclass(frozen=True)
class Participant:
    """Who took part, as a profile; ``key`` is "" for an anonymous participant."""

    key: str
    gender: str = NOT_GIVEN
    age_band: str = NOT_GIVEN
    social_status: str = NOT_GIVEN
    commune: str = ""
    postcode: str = ""
    #: The day this resident was first helped (a session, or a workshop attended).
    first_seen: str | None = None
    #: Workshops: present, late, absent, excused, or None when not entered.
    attendance: str | None = None
    walk_in: bool = False
    #: Workshops: registered (True) or on the waiting list (False).
    registered: bool = True
    #: How many people this line stands for (anonymous groups of a workshop).
    count: int = 1
    #: Kept at the desk for reports that need it (the Italian age bands); never exported.
    birth_year: int | None = None

    @property
    def took_part(self) -> bool:
        return self.attendance in ("present", "late")


@dataclass(frozen=True)
class Activity:
    id: str
    kind: str
    date: str
    duration_min: int
    themes: tuple[str, ...] = ()
    admin_themes: tuple[str, ...] = ()
    place_type: str = ""
    device: str = ""
    autonomy: str | None = None
    referred: bool = False
    referral_to: str | None = None
    mediator_id: str | None = None
    workshop_title: str = ""
    workshop_level: str = ""
    place: str = ""
    participants: tuple[Participant, ...] = field(default_factory=tuple)
    created_at: str = ""
    updated_at: str = ""

    @property
    def anonymous_visit(self) -> bool:
        return self.kind == INDIVIDUAL and all(not p.key for p in self.participants)

    def to_record(self, *, keep_birth_year: bool = False) -> dict[str, Any]:
        """A plain dict for a file; the year of birth stays at the desk unless asked."""
        record = asdict(self)
        record["themes"] = list(self.themes)
        record["admin_themes"] = list(self.admin_themes)
        for participant in record["participants"]:
            if not keep_birth_year:
                participant.pop("birth_year", None)
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Activity:
        values = dict(record)
        values["themes"] = tuple(values.get("themes", ()))
        values["admin_themes"] = tuple(values.get("admin_themes", ()))
        values["participants"] = tuple(
            Participant(**participant) for participant in values.get("participants", ())
        )
        return cls(**values)


def pseudonym_key(store: Store) -> bytes:
    """The centre's secret for pseudonyms: made by the desk that started the centre and
    synced to the others, so every desk gives a resident the same pseudonym."""
    row = store.conn.execute(
        "SELECT value FROM centre_setting WHERE id = ?", (PSEUDONYM_KEY_ID,)
    ).fetchone()
    if row is not None:
        return bytes.fromhex(row[0])
    desk = store.ensure_desk()
    if desk.centre_id and desk.centre_id != desk.id:
        raise NoPseudonymKey()
    value = secrets.token_hex(32)
    with store.write() as writer:
        writer.insert("centre_setting", {"id": PSEUDONYM_KEY_ID, "value": value})
    return bytes.fromhex(value)


def pseudonym(key: bytes, resident_id: str) -> str:
    """A resident's keyed hash: the same at every desk of the centre, meaningless
    elsewhere."""
    return hmac.new(key, resident_id.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def activities_between(store: Store, start: date, end: date) -> Iterator[Activity]:
    """Every activity dated ``start``..``end`` (inclusive): individual sessions, then
    workshop sessions that were not cancelled, each in date order."""
    return ActivityReader(store).between(start, end)


class ActivityReader:
    """Reads activities of several periods (a period and the one before, say) with what
    they share read once: the centre's key, each resident's first day of help and
    profile, the lists of themes."""

    def __init__(self, store: Store):
        self._store = store
        self._key = pseudonym_key(store)
        self._first_seen = _first_seen(store)
        self._people = _People(store, self._key, self._first_seen)
        self._themes = _Parsed()

    def between(self, start: date, end: date) -> Iterator[Activity]:
        span = (start.isoformat(), end.isoformat())
        yield from _sessions(self._store, span, self._people, self._themes)
        yield from _workshops(self._store, span, self._key, self._first_seen)


def _first_seen(store: Store) -> dict[str, str]:
    """Each resident's first day of help: a session, or a workshop they attended."""
    return dict(
        store.conn.execute(
            "SELECT resident_id, MIN(day) FROM ("
            " SELECT resident_id, date AS day FROM support_session WHERE resident_id IS NOT NULL"
            " UNION ALL"
            " SELECT r.resident_id, o.date FROM registration r"
            " JOIN workshop_occurrence o ON o.id = r.occurrence_id"
            " WHERE r.attendance IN ('present', 'late') AND o.cancelled = 0"
            ") GROUP BY resident_id"
        )
    )


_PERSON_COLUMNS = (
    "p.id, p.gender, p.birth_year, p.social_status, p.commune, p.postcode, p.anon_age_band"
)
#: How many of a query's first columns ``_person`` reads.
_PERSON_WIDTH = 7


def _person(
    row: tuple,
    on_year: int,
    key: bytes,
    first_seen: dict[str, str],
    pseudonyms: dict[str, str] | None = None,
    **extra: Any,
) -> Participant:
    resident_id, gender, birth_year, status, commune, postcode, anon_band = row
    if pseudonyms is None:
        alias = pseudonym(key, resident_id)
    else:
        alias = pseudonyms.get(resident_id) or pseudonyms.setdefault(
            resident_id, pseudonym(key, resident_id)
        )
    return Participant(
        key=alias,
        gender=gender or NOT_GIVEN,
        # An anonymised resident's year of birth is gone: the band kept in its place
        # (as of their last activity) stands for it.
        age_band=age_band_for(birth_year, on_year)
        if birth_year is not None or not anon_band
        else anon_band,
        social_status=status or NOT_GIVEN,
        commune=commune or "",
        postcode=postcode or "",
        first_seen=first_seen.get(resident_id),
        birth_year=birth_year,
        **extra,
    )


def _sessions(
    store: Store, span: tuple[str, str], people: _People, themes_of: _Parsed
) -> Iterator[Activity]:
    """Individual sessions in date order. A year holds hundreds of thousands: residents
    are read once, and each resident's profile, pseudonym and themes are made once and
    shared by their sessions (the records are frozen)."""
    cursor = store.conn.execute(
        "SELECT id, date, duration_min, themes, admin_themes, place_type, device, autonomy, "
        "referred, referral_to, mediator_id, anon_gender, anon_age_band, anon_social_status, "
        "anon_commune, created_at, updated_at, resident_id FROM support_session "
        "WHERE date BETWEEN ? AND ? ORDER BY date",
        span,
    )
    for row in cursor:
        (session_id, day, duration, themes, admin_themes, place_type, device, autonomy,
         referred, referral_to, mediator_id, anon_gender, anon_band, anon_status,
         anon_commune, created_at, updated_at, resident_id) = row  # fmt: skip
        participant = people.get(resident_id, int(day[:4])) if resident_id else None
        if participant is None:
            participant = Participant(
                key="",
                gender=anon_gender or NOT_GIVEN,
                age_band=anon_band or NOT_GIVEN,
                social_status=anon_status or NOT_GIVEN,
                commune=anon_commune or "",
            )
        yield Activity(
            id=session_id,
            kind=INDIVIDUAL,
            date=day,
            duration_min=duration,
            themes=themes_of(themes),
            admin_themes=themes_of(admin_themes),
            place_type=place_type,
            device=device,
            autonomy=autonomy,
            referred=bool(referred),
            referral_to=referral_to if referred else None,
            mediator_id=mediator_id,
            participants=(participant,),
            created_at=created_at,
            updated_at=updated_at,
        )


class _Parsed:
    """JSON lists of codes as tuples, each distinct text parsed once."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, ...]] = {}

    def __call__(self, text: str) -> tuple[str, ...]:
        found = self._seen.get(text)
        if found is None:
            found = self._seen[text] = tuple(json.loads(text))
        return found


class _People:
    """Each resident's participant profile for a year, made once."""

    def __init__(self, store: Store, key: bytes, first_seen: dict[str, str]):
        self._rows = {
            row[0]: row for row in store.conn.execute(f"SELECT {_PERSON_COLUMNS} FROM resident p")
        }
        self._key = key
        self._first_seen = first_seen
        self._made: dict[tuple[str, int], Participant] = {}
        #: A resident's pseudonym, whatever the year: the keyed hash is not cheap.
        self._pseudonyms: dict[str, str] = {}

    def get(self, resident_id: str, on_year: int) -> Participant | None:
        made = self._made.get((resident_id, on_year))
        if made is None:
            row = self._rows.get(resident_id)
            if row is None:
                return None
            made = _person(row, on_year, self._key, self._first_seen, self._pseudonyms)
            self._made[(resident_id, on_year)] = made
        return made


def _workshops(
    store: Store, span: tuple[str, str], key: bytes, first_seen: dict[str, str]
) -> Iterator[Activity]:
    occurrences = store.conn.execute(
        "SELECT o.id, o.date, o.start_time, o.end_time, o.place, o.anonymous_participants, "
        "o.created_at, o.updated_at, w.title, w.themes, w.level, w.default_duration_min "
        "FROM workshop_occurrence o JOIN workshop w ON w.id = o.workshop_id "
        "WHERE o.date BETWEEN ? AND ? AND o.cancelled = 0 ORDER BY o.date, o.start_time, o.id",
        span,
    ).fetchall()
    for (occurrence_id, day, start_time, end_time, place, anonymous, created_at, updated_at,
         title, themes, level, default_duration) in occurrences:  # fmt: skip
        people = [
            _person(
                row[:_PERSON_WIDTH], int(day[:4]), key, first_seen,
                attendance=row[_PERSON_WIDTH], walk_in=bool(row[_PERSON_WIDTH + 1]),
                registered=row[_PERSON_WIDTH + 2] == "registered",
            )
            for row in store.conn.execute(
                f"SELECT {_PERSON_COLUMNS}, r.attendance, r.walk_in, r.status "
                "FROM registration r JOIN resident p ON p.id = r.resident_id "
                "WHERE r.occurrence_id = ? AND r.status != 'unregistered' ORDER BY p.id",
                (occurrence_id,),
            )
        ]  # fmt: skip
        people.extend(
            Participant(
                key="",
                gender=group.get("gender") or NOT_GIVEN,
                age_band=group.get("age_band") or NOT_GIVEN,
                social_status=group.get("social_status") or NOT_GIVEN,
                attendance="present",
                count=int(group.get("count", 1)),
            )
            for group in json.loads(anonymous)
        )
        yield Activity(
            id=occurrence_id,
            kind=COLLECTIVE,
            date=day,
            duration_min=_minutes_between(start_time, end_time) or default_duration,
            themes=tuple(json.loads(themes)),
            workshop_title=title,
            workshop_level=level,
            place=place,
            participants=tuple(people),
            created_at=created_at,
            updated_at=updated_at,
        )


def _minutes_between(start: str, end: str) -> int:
    try:
        start_h, start_m = (int(part) for part in start.split(":")[:2])
        end_h, end_m = (int(part) for part in end.split(":")[:2])
    except ValueError:
        return 0
    return max(0, (end_h * 60 + end_m) - (start_h * 60 + start_m))
