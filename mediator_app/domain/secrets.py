"""Residents' passwords for online services must never be written down here: a note
that looks like one is pointed out before it is saved."""

from __future__ import annotations

import re

from mediator_app.domain.text import fold

#: Words that introduce a password or a code, in the partner languages (folded).
_PASSWORD_WORDS = re.compile(
    r"\b(mot de passe|mdp|password|passwd|pwd|pass|contrasena|clave|senha|codigo|"
    r"code secret|code pin|pin|identifiant|login|usuario|utente|utilizador)\b\s*[:=]"
)
#: A run of 8 or more characters mixing letters with digits or symbols (not the hyphen of
#: a compound word), no spaces:
#: how passwords look (a phone number or a date does not).
_PASSWORD_LIKE = re.compile(r"(?=\S*[A-Za-z])(?=\S*[0-9!@#$%^&*?+_=])\S{8,}")
_NOT_A_PASSWORD = re.compile(r"^(https?://|www\.)|@\S+\.\S+$|^\d[\d\s./-]*$")


def looks_like_a_password(text: str) -> bool:
    """Whether a note seems to hold a password or a login: a "password:" label in one
    of the partner languages, or a token mixing letters with digits or symbols that
    is not a web address, an email or a number."""
    if _PASSWORD_WORDS.search(fold(text)):
        return True
    for token in text.split():
        token = token.strip(".,;:()[]\"'«»")
        if _NOT_A_PASSWORD.search(token):
            continue
        if _PASSWORD_LIKE.fullmatch(token) and not token.isalpha():
            return True
    return False
