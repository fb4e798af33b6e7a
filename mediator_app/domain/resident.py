"""A resident: the small, consent-based record of a person helped at the desk.

Data minimisation is the rule: names, the year of birth (never the full date), gender,
social status, commune and postcode, optional phone and e-mail, and the consent that
allows keeping them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from mediator_app.domain.codes import GENDERS, SOCIAL_STATUSES, age_band_for
from mediator_app.domain.markers import N_
from mediator_app.domain.text import clean_line, clean_text, name_words, normalise_phone
from mediator_app.domain.validation import (
    Problem,
    ValidationError,
    is_whole_number,
    parse_day,
)

#: Version of the information text shown to a resident before they consent.
CONSENT_TEXT_VERSION = "2026-1"

EARLIEST_BIRTH_YEAR = 1900
NAME_MAX_CHARS = 100
NOTES_MAX_CHARS = 2000

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_PHONE_CHARACTERS = re.compile(r"^\+?[\d\s.\-()/]+$")
_POSTCODE = re.compile(r"^[A-Za-z0-9 \-]{2,10}$")


@dataclass(frozen=True)
class Resident:
    """One person helped. ``id`` is empty until the store has saved the record."""

    first_name: str = ""
    last_name: str = ""
    birth_year: int | None = None
    gender: str = "non_communique"
    social_status: str = "non_communique"
    commune: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    language: str = ""
    notes: str = ""
    consent_date: str = ""
    consent_version: str = ""
    consent_language: str = ""
    consent_collected_by: str = ""
    merged_into: str | None = None
    id: str = ""
    created_at: str = ""
    updated_at: str = ""
    #: When the identity was dropped (UTC timestamp), "" while it is kept.
    anonymised_at: str = ""
    #: The age band that stands in for the year of birth once it is dropped.
    anon_age_band: str | None = None
    #: The day the resident withdrew their consent, "" if they have not.
    consent_withdrawn_date: str = ""

    #: Fields the store does not take from the caller: the privacy fields are written
    #: only by ``store/retention.py``.
    MANAGED_FIELDS = frozenset(
        {
            "id",
            "created_at",
            "updated_at",
            "merged_into",
            "anonymised_at",
            "anon_age_band",
            "consent_withdrawn_date",
        }
    )

    @property
    def full_name(self) -> str:
        """First and last name; "" for an anonymised resident, whom screens show by a
        translated label (``ui.models.resident_display_name``)."""
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def is_anonymised(self) -> bool:
        return bool(self.anonymised_at)

    def age_band(self, on_year: int) -> str:
        """The age band as of ``on_year``; once the year of birth is dropped, the band
        kept in its place."""
        if self.birth_year is None and self.anon_age_band:
            return self.anon_age_band
        return age_band_for(self.birth_year, on_year)

    def normalised(self) -> Resident:
        """A copy with surrounding spaces removed and empty optional values cleared."""
        cleaned: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                cleaned[f.name] = clean_text(value) if f.name == "notes" else clean_line(value)
        consent_day = parse_day(cleaned.get("consent_date"))
        if consent_day is not None:  # one spelling per date: 2026-11-29, not 20261129
            cleaned["consent_date"] = consent_day.isoformat()
        return replace(self, **cleaned)

    def problems(self, today: date) -> dict[str, Problem]:
        """What stops this record from being saved, by field; empty when it is valid."""
        found: dict[str, Problem] = {}
        if not name_words(self.first_name) and not name_words(self.last_name):
            found["last_name"] = Problem(N_("Enter a last name or a first name."))
        for name in ("first_name", "last_name"):
            if len(getattr(self, name)) > NAME_MAX_CHARS:
                found[name] = Problem(
                    N_("A name is limited to %(count)s characters."), {"count": NAME_MAX_CHARS}
                )
        if self.birth_year is not None and not (
            is_whole_number(self.birth_year)
            and EARLIEST_BIRTH_YEAR <= self.birth_year <= today.year
        ):
            found["birth_year"] = Problem(
                N_("The year of birth must be between %(first)s and %(last)s."),
                {"first": EARLIEST_BIRTH_YEAR, "last": today.year},
            )
        if self.gender not in GENDERS:
            found["gender"] = Problem(N_("Choose a gender from the list."))
        if self.social_status not in SOCIAL_STATUSES:
            found["social_status"] = Problem(N_("Choose a status from the list."))
        if self.email and not _EMAIL.match(self.email.strip()):
            found["email"] = Problem(
                N_("This e-mail address is not complete: write it as name@example.org.")
            )
        if self.phone:
            digits = normalise_phone(self.phone)
            if not _PHONE_CHARACTERS.match(self.phone.strip()) or not 6 <= len(digits) <= 15:
                found["phone"] = Problem(
                    N_("This phone number is not valid: use digits, spaces and a leading +.")
                )
        if self.postcode and not _POSTCODE.match(self.postcode.strip()):
            found["postcode"] = Problem(N_("This postcode is not valid."))
        if len(self.notes) > NOTES_MAX_CHARS:
            found["notes"] = Problem(
                N_("Notes are limited to %(count)s characters."), {"count": NOTES_MAX_CHARS}
            )
        if not self.consent_date:
            found["consent_date"] = Problem(
                N_(
                    "Record the resident's consent before saving. Without consent, "
                    "log an anonymous visit instead."
                )
            )
        elif parse_day(self.consent_date) is None:
            found["consent_date"] = Problem(
                N_("The date of consent is not a date: record the consent again.")
            )
        return found

    def validated(self, today: date) -> Resident:
        """The normalised record; raises ``ValidationError`` naming every problem."""
        resident = self.normalised()
        problems = resident.problems(today)
        if problems:
            raise ValidationError(problems)
        return resident

    def to_record(self) -> dict[str, Any]:
        """The stored fields the caller controls."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if f.name not in self.MANAGED_FIELDS
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Resident:
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in row.items() if key in known}
        for name, value in list(values.items()):
            if value is None and name not in ("birth_year", "merged_into", "anon_age_band"):
                values[name] = ""
        return cls(**values)


@dataclass(frozen=True)
class Consent:
    """The record of a resident's consent to keeping their data."""

    collected_on: date
    collected_by: str
    language: str
    text_version: str = CONSENT_TEXT_VERSION

    def as_fields(self) -> dict[str, str]:
        return {
            "consent_date": self.collected_on.isoformat(),
            "consent_version": self.text_version,
            "consent_language": self.language,
            "consent_collected_by": self.collected_by,
        }
