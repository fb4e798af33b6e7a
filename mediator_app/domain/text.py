"""Folding of names and contacts, so that searches and duplicate checks ignore accents,
case, hyphens, apostrophes and spacing.

SQLite's ``remove_diacritics`` misses letters that are not a base letter plus an accent
(Turkish ı, Vietnamese đ, œ, ß, ø, ł): they are mapped here first.
"""

from __future__ import annotations

import re
import unicodedata

_SPECIAL_LETTERS = str.maketrans(
    {
        "ı": "i",
        "İ": "i",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "ẞ": "ss",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "þ": "th",
        "Þ": "th",
        "ħ": "h",
        "Ħ": "h",
        # Apostrophes typed as letters or accents (Ukrainian ʼ, Hawaiian ʻ, ` ´ ′).
        "ʼ": "'",
        "ʻ": "'",
        "`": "'",
        "´": "'",
        "′": "'",
    }
)

_WORD_SEPARATORS = re.compile(r"[^\w]+|_")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents; keeps spaces and punctuation.

    ``fold("Hélène D'Aubigné") == "helene d'aubigne"``; letters of scripts without case
    or accents (Arabic, for instance) pass through unchanged.
    """
    mapped = text.translate(_SPECIAL_LETTERS)
    decomposed = unicodedata.normalize("NFKD", mapped)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold().translate(_SPECIAL_LETTERS)


def name_words(text: str) -> list[str]:
    """The folded words of a name: ``"D'Aubigné-Ben Saïd"`` gives
    ``["d", "aubigne", "ben", "said"]``."""
    return [word for word in _WORD_SEPARATORS.split(fold(text)) if word]


def joined_name(text: str) -> str:
    """The folded name with every separator removed: ``"D'Aubigné"`` gives ``"daubigne"``."""
    return "".join(name_words(text))


def search_terms(*names: str) -> list[str]:
    """The words under which a person's names are indexed.

    Each word on its own, plus each name written without its separators, so that
    ``daubigne`` finds ``D'Aubigné`` and ``bensaid`` finds ``Ben Saïd``.
    """
    terms: list[str] = []
    for name in names:
        words = name_words(name or "")
        terms.extend(words)
        if len(words) > 1:
            terms.append("".join(words))
    return list(dict.fromkeys(terms))


#: C0 control characters and DEL, tab and line breaks aside: pasted from another program
#: they print as boxes and make a name unfindable, and no one types them on purpose.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """A free text (notes) without control characters or surrounding blanks."""
    return _CONTROL_CHARACTERS.sub("", text).strip()


def clean_line(text: str) -> str:
    """A one-line value (a name, a commune) without control characters, its spaces
    collapsed to one."""
    return " ".join(_CONTROL_CHARACTERS.sub("", text).split())


def normalise_phone(phone: str | None) -> str:
    """The digits of a phone number, national form: ``+33 6 12 34 56 78`` and
    ``06.12.34.56.78`` both give ``0612345678``.

    Country codes of the partnership (33, 34, 39, 351) are folded to a leading zero
    where the national numbering plan uses one, so that both spellings meet.
    """
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+") or digits.startswith("00"):
        digits = digits.removeprefix("00")
        if digits.startswith("33"):
            return "0" + digits[2:].removeprefix("0")
        for country_code in ("351", "34", "39"):
            if digits.startswith(country_code):
                return digits[len(country_code) :]
    return digits


def normalise_email(email: str | None) -> str:
    """An e-mail address trimmed and lower-cased, for comparison."""
    return (email or "").strip().casefold()


#: Between the last and the first name in a sort key: below every letter.
SORT_KEY_SEPARATOR = "\x1f"


def sort_key(last_name: str, first_name: str) -> str:
    """The key that orders residents by last name, then first name, accents ignored."""
    return (
        f"{' '.join(name_words(last_name))}{SORT_KEY_SEPARATOR}{' '.join(name_words(first_name))}"
    )
