"""A support session: one individual help given at the desk, for a resident or for an
anonymous visit (then only a profile is kept, as La Coop does)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from mediator_app.domain.codes import (
    ADMIN_HELP_THEME,
    ADMIN_THEMES,
    AGE_BANDS,
    AUTONOMY_LEVELS,
    DEVICES,
    GENDERS,
    PLACE_TYPES,
    REFERRAL_STRUCTURES,
    SOCIAL_STATUSES,
    THEMES,
)
from mediator_app.domain.markers import N_
from mediator_app.domain.text import clean_line, clean_text
from mediator_app.domain.validation import Problem, ValidationError

MAX_DURATION_MIN = 600
EARLIEST_SESSION_DATE = date(2000, 1, 1)
NOTES_MAX_CHARS = 2000

#: Fields kept as JSON lists in the store.
LIST_FIELDS = ("themes", "admin_themes")
#: Fields kept as 0/1 in the store.
FLAG_FIELDS = ("referred", "follow_up_needed", "follow_up_done")


@dataclass(frozen=True)
class SupportSession:
    """One help given. ``resident_id`` is ``None`` for an anonymous visit."""

    date: str = ""
    duration_min: int = 30
    themes: tuple[str, ...] = ()
    resident_id: str | None = None
    place_type: str = "lieu_activite"
    device: str = "ordinateur"
    admin_themes: tuple[str, ...] = ()
    procedure: str = ""
    autonomy: str | None = None
    referred: bool = False
    referral_to: str | None = None
    follow_up_needed: bool = False
    follow_up_date: str | None = None
    follow_up_done: bool = False
    notes: str = ""
    mediator_id: str | None = None
    anon_gender: str | None = None
    anon_age_band: str | None = None
    anon_social_status: str | None = None
    anon_commune: str = ""
    id: str = ""
    created_at: str = ""
    updated_at: str = ""

    MANAGED_FIELDS = frozenset({"id", "created_at", "updated_at"})

    @property
    def is_anonymous(self) -> bool:
        return self.resident_id is None

    @property
    def is_admin_help(self) -> bool:
        return ADMIN_HELP_THEME in self.themes

    def normalised(self) -> SupportSession:
        """A copy without values that do not apply: administrative themes without
        administrative help, a referral target without a referral, a follow-up date
        without a follow-up, a profile on a known resident's session."""
        changes: dict[str, Any] = {
            "date": _iso(self.date),
            "follow_up_date": _iso(self.follow_up_date) if self.follow_up_date else None,
            "themes": tuple(dict.fromkeys(self.themes)),
            "admin_themes": tuple(dict.fromkeys(self.admin_themes)),
            "procedure": clean_line(self.procedure),
            "notes": clean_text(self.notes),
            "anon_commune": clean_line(self.anon_commune),
        }
        if ADMIN_HELP_THEME not in self.themes:
            changes.update(admin_themes=(), procedure="")
        if not self.referred:
            changes["referral_to"] = None
        if not self.follow_up_needed:
            changes.update(follow_up_date=None, follow_up_done=False)
        if self.resident_id is not None:
            changes.update(
                anon_gender=None, anon_age_band=None, anon_social_status=None, anon_commune=""
            )
        return replace(self, **changes)

    def problems(self, today: date) -> dict[str, Problem]:
        """What stops this session from being saved, by field; empty when it is valid."""
        found: dict[str, Problem] = {}
        session_day = _parse_date(self.date)
        if session_day is None:
            found["date"] = Problem(N_("Enter the date of the session."))
        elif session_day > today:
            found["date"] = Problem(N_("A session cannot be logged for a future date."))
        elif session_day < EARLIEST_SESSION_DATE:
            found["date"] = Problem(
                N_("A session cannot be dated before %(year)s."),
                {"year": EARLIEST_SESSION_DATE.year},
            )
        if not isinstance(self.duration_min, int) or not (
            0 < self.duration_min <= MAX_DURATION_MIN
        ):
            found["duration_min"] = Problem(
                N_("The duration must be between 1 and %(max)s minutes."),
                {"max": MAX_DURATION_MIN},
            )
        if not self.themes:
            found["themes"] = Problem(N_("Choose at least one theme."))
        elif any(theme not in THEMES for theme in self.themes):
            found["themes"] = Problem(N_("Choose themes from the list."))
        if any(theme not in ADMIN_THEMES for theme in self.admin_themes):
            found["admin_themes"] = Problem(N_("Choose administrative themes from the list."))
        if self.place_type not in PLACE_TYPES:
            found["place_type"] = Problem(N_("Choose a place from the list."))
        if self.device not in DEVICES:
            found["device"] = Problem(N_("Choose a device from the list."))
        if self.autonomy is not None and self.autonomy not in AUTONOMY_LEVELS:
            found["autonomy"] = Problem(N_("Choose an autonomy level from the list."))
        if self.referred and self.referral_to not in REFERRAL_STRUCTURES:
            found["referral_to"] = Problem(N_("Choose the structure the resident was referred to."))
        if self.follow_up_needed:
            follow_up_day = _parse_date(self.follow_up_date)
            if follow_up_day is None:
                found["follow_up_date"] = Problem(N_("Enter the date of the follow-up."))
            elif session_day is not None and follow_up_day < session_day:
                found["follow_up_date"] = Problem(N_("The follow-up cannot be before the session."))
        if len(self.notes) > NOTES_MAX_CHARS:
            found["notes"] = Problem(
                N_("Notes are limited to %(count)s characters."), {"count": NOTES_MAX_CHARS}
            )
        if self.resident_id is None:
            for name, codes in (
                ("anon_gender", GENDERS),
                ("anon_age_band", AGE_BANDS),
                ("anon_social_status", SOCIAL_STATUSES),
            ):
                value = getattr(self, name)
                if value is not None and value not in codes:
                    found[name] = Problem(N_("Choose a value from the list."))
        return found

    def validated(self, today: date) -> SupportSession:
        """The normalised session; raises ``ValidationError`` naming every problem."""
        session = self.normalised()
        problems = session.problems(today)
        if problems:
            raise ValidationError(problems)
        return session

    def to_record(self) -> dict[str, Any]:
        """The stored fields the caller controls, lists as lists and flags as booleans."""
        record: dict[str, Any] = {}
        for f in fields(self):
            if f.name in self.MANAGED_FIELDS:
                continue
            value = getattr(self, f.name)
            record[f.name] = list(value) if f.name in LIST_FIELDS else value
        return record

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SupportSession:
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in row.items() if key in known}
        for name in LIST_FIELDS:
            values[name] = tuple(values.get(name) or ())
        for name in FLAG_FIELDS:
            values[name] = bool(values.get(name))
        for name in ("procedure", "notes", "anon_commune", "created_at", "updated_at"):
            if values.get(name) is None:
                values[name] = ""
        return cls(**values)


def _iso(text: str) -> str:
    """A date in the one form the store compares (``2026-11-29``), whatever ISO spelling
    it came in (``20261129``); anything else is left for validation to refuse."""
    parsed = _parse_date(text)
    return parsed.isoformat() if parsed else text


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
