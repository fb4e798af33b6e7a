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


def names_similar(a: str, b: str) -> bool:
    """Equal once folded, or one typing slip apart for names of five letters or more."""
    folded_a, folded_b = joined_name(a), joined_name(b)
    if not folded_a or not folded_b:
        return False
    if folded_a == folded_b:
        return True
    if min(len(folded_a), len(folded_b)) < 5:
        return False
    return _within_one_edit(folded_a, folded_b)


def compare(
    first_a: str, last_a: str, phone_a: str, email_a: str,
    first_b: str, last_b: str, phone_b: str, email_b: str,
) -> DuplicateEvidence:  # fmt: skip
    """The evidence that two residents, given by their names and contacts, are one."""
    phone_a, phone_b = normalise_phone(phone_a), normalise_phone(phone_b)
    email_a, email_b = normalise_email(email_a), normalise_email(email_b)
    return DuplicateEvidence(
        last_name=names_similar(last_a, last_b),
        first_name=names_similar(first_a, first_b),
        phone=bool(phone_a) and phone_a == phone_b,
        email=bool(email_a) and email_a == email_b,
    )


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
