"""La Coop's probable-duplicate rule (REFERENCE §1): two residents are probable
duplicates when at least two of four match: last name similar, first name similar
(accents, case, spaces and hyphens folded), same phone, same e-mail."""

from __future__ import annotations

from dataclasses import dataclass

from mediator_app.domain.text import joined_name, normalise_email, normalise_phone

MATCHES_NEEDED = 2


@dataclass(frozen=True)
class DuplicateEvidence:
    """Which of the four criteria two residents share."""

    last_name: bool
    first_name: bool
    phone: bool
    email: bool

    @property
    def score(self) -> int:
        return sum((self.last_name, self.first_name, self.phone, self.email))

    @property
    def is_probable_duplicate(self) -> bool:
        return self.score >= MATCHES_NEEDED


@dataclass(frozen=True)
class DuplicateKeys:
    """What the rule compares of a resident, already folded: names without accents,
    case or separators, phone digits in national form, e-mail lower-cased."""

    last_name: str
    first_name: str
    phone: str
    email: str

    @classmethod
    def of(cls, first_name: str, last_name: str, phone: str, email: str) -> DuplicateKeys:
        return cls(
            joined_name(last_name),
            joined_name(first_name),
            normalise_phone(phone),
            normalise_email(email),
        )


def names_similar(a: str, b: str) -> bool:
    """Equal once folded, or one typing slip apart for names of five letters or more."""
    return _folded_similar(joined_name(a), joined_name(b))


def compare_keys(a: DuplicateKeys, b: DuplicateKeys) -> DuplicateEvidence:
    """The evidence that two residents, given by their folded keys, are one."""
    return DuplicateEvidence(
        last_name=_folded_similar(a.last_name, b.last_name),
        first_name=_folded_similar(a.first_name, b.first_name),
        phone=bool(a.phone) and a.phone == b.phone,
        email=bool(a.email) and a.email == b.email,
    )


def compare(
    first_a: str, last_a: str, phone_a: str, email_a: str,
    first_b: str, last_b: str, phone_b: str, email_b: str,
) -> DuplicateEvidence:  # fmt: skip
    """The evidence that two residents, given by their names and contacts, are one."""
    return compare_keys(
        DuplicateKeys.of(first_a, last_a, phone_a, email_a),
        DuplicateKeys.of(first_b, last_b, phone_b, email_b),
    )


def _folded_similar(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    if min(len(a), len(b)) < 5:
        return False
    return _within_one_edit(a, b)


def _within_one_edit(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns a into b."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differences = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(differences) <= 1:
            return True
        first, second = differences[0], differences[-1]
        return (
            len(differences) == 2
            and second == first + 1
            and a[first] == b[second]
            and a[second] == b[first]
        )
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
