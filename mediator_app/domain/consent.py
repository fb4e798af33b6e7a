"""The information text a resident is given before they consent, in versions.

Each version is a file of ``resources/consent/`` (``<version>.json``) holding the text
in every language of the partnership: a title, short sections (what the centre records
and why, what it never records, who sees it, how long, the resident's rights) and the
wording of the printed consent form. A version never changes once residents have
consented under it: a new wording is a new file, with the day it comes into force. A
resident's record keeps the version and the language they were shown, so the register
can say who consented under an older text.

The text names the centre where it says ``{centre}``; the form fills ``{version}``,
``{page}`` and ``{pages}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

#: The languages every version must be written in.
CONSENT_LANGUAGES = ("fr", "en", "es", "it", "pt")
#: Where a language without a text falls back to, in turn.
FALLBACK_LANGUAGES = ("fr", "en")
#: The folder of ``resources/`` holding one file per version.
CONSENT_FOLDER_NAME = "consent"

CENTRE_PLACEHOLDER = "{centre}"
#: Printed where the centre's name goes when the desk has none: a line to write it on.
UNNAMED_CENTRE = "_" * 24

FORM_FIELDS = (
    "title", "name", "date", "choose", "agree", "refuse", "resident_signature",
    "mediator_signature", "version", "page",
)  # fmt: skip
#: Placeholders each form field must hold (and the only ones it may).
_FORM_PLACEHOLDERS = {"version": {"version"}, "page": {"page", "pages"}}
_PLACEHOLDER = re.compile(r"\{([a-z_]*)\}")
_VERSION_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$")


class ConsentTextError(ValueError):
    """A consent text file that cannot be used: what is wrong, for the person who
    wrote it."""


@dataclass(frozen=True)
class Section:
    """One short part of the information text: a heading and a paragraph."""

    heading: str
    text: str


@dataclass(frozen=True)
class FormWording:
    """The printed form's words in one language (see ``FORM_FIELDS``)."""

    title: str
    name: str
    date: str
    choose: str
    agree: str
    refuse: str
    resident_signature: str
    mediator_signature: str
    version: str
    """Holds ``{version}``."""
    page: str
    """Holds ``{page}`` and ``{pages}``."""

    def version_line(self, version: str) -> str:
        return self.version.replace("{version}", version)

    def page_line(self, page: int, pages: int) -> str:
        return self.page.replace("{pages}", str(pages)).replace("{page}", str(page))


@dataclass(frozen=True)
class InformationText:
    """The information text of one version in one language.

    ``language`` is the language of the words, which differs from the one asked for
    when that one has no text (see ``ConsentTextVersion.text``).
    """

    version: str
    language: str
    title: str
    sections: tuple[Section, ...]
    form: FormWording

    def with_centre(self, centre_name: str) -> InformationText:
        """The text naming ``centre_name`` where it says ``{centre}``; a line to write
        the name on when it is empty."""
        name = " ".join(centre_name.split()) or UNNAMED_CENTRE

        def fill(text: str) -> str:
            return text.replace(CENTRE_PLACEHOLDER, name)

        return replace(
            self,
            title=fill(self.title),
            sections=tuple(Section(fill(s.heading), fill(s.text)) for s in self.sections),
        )

    def plain_text(self) -> str:
        """Title and sections as plain text, a blank line between sections."""
        parts = [self.title]
        parts += [f"{section.heading}\n{section.text}" for section in self.sections]
        return "\n\n".join(parts)


@dataclass(frozen=True)
class ConsentTextVersion:
    """One version of the information text, in every language it was written in."""

    version: str
    effective: date
    """The day from which it is shown to residents."""
    texts: Mapping[str, InformationText]

    @classmethod
    def load(cls, path: Path) -> ConsentTextVersion:
        """Read and check one version file; raises ``ConsentTextError`` naming the file
        and the fault."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls.from_data(data)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise ConsentTextError(f"{path.name}: {error}") from error

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ConsentTextVersion:
        version = str(data["version"]).strip()
        if not _VERSION_ID.match(version):
            raise ConsentTextError(f"the version id {version!r} is not a short plain name")
        effective = date.fromisoformat(str(data["effective"]))
        texts = {
            str(language): _read_text(version, str(language), raw)
            for language, raw in dict(data["texts"]).items()
        }
        missing = [language for language in CONSENT_LANGUAGES if language not in texts]
        if missing:
            raise ConsentTextError(f"version {version} has no text in {', '.join(missing)}")
        return cls(version, effective, texts)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.texts)

    def language_for(self, language: str) -> str:
        """The language whose text is shown to someone who reads ``language``: that
        one, else French, else English."""
        for candidate in (language, *FALLBACK_LANGUAGES):
            if candidate in self.texts:
                return candidate
        return next(iter(self.texts))

    def text(self, language: str, centre_name: str = "") -> InformationText:
        """The text in ``language`` (or its fallback), naming ``centre_name``."""
        return self.texts[self.language_for(language)].with_centre(centre_name)


class ConsentTexts:
    """Every version of the information text this installation knows."""

    def __init__(self, versions: Iterable[ConsentTextVersion]):
        ordered = sorted(versions, key=lambda v: (v.effective, v.version))
        if not ordered:
            raise ConsentTextError("there is no consent text")
        by_id: dict[str, ConsentTextVersion] = {}
        for version in ordered:
            if version.version in by_id:
                raise ConsentTextError(f"version {version.version} is there twice")
            by_id[version.version] = version
        self._by_id = by_id
        self.versions: tuple[ConsentTextVersion, ...] = tuple(ordered)
        """Oldest first, by the day each came into force."""

    @classmethod
    def from_folder(cls, folder: Path) -> ConsentTexts:
        """The versions in ``folder`` (one ``.json`` file each); ``ConsentTextError``
        when one is broken or there is none."""
        return cls(ConsentTextVersion.load(path) for path in sorted(folder.glob("*.json")))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(version.version for version in self.versions)

    def __contains__(self, version_id: object) -> bool:
        return version_id in self._by_id

    def get(self, version_id: str) -> ConsentTextVersion:
        """The version ``version_id``; ``KeyError`` when it is not installed."""
        return self._by_id[version_id]

    def current(self, today: date | None = None) -> ConsentTextVersion:
        """The version to show on ``today``: the latest already in force (the first
        one, should none be in force yet)."""
        day = today or date.today()
        in_force = [version for version in self.versions if version.effective <= day]
        return in_force[-1] if in_force else self.versions[0]

    def text(self, version_id: str, language: str, centre_name: str = "") -> InformationText:
        """The text of ``version_id`` in ``language`` (else French, else English),
        naming ``centre_name``; ``KeyError`` for a version not installed."""
        return self.get(version_id).text(language, centre_name)


@lru_cache(maxsize=4)
def load_consent_texts(folder: Path) -> ConsentTexts:
    """``ConsentTexts.from_folder``, read once per process and folder. The files must
    not change while the app runs."""
    return ConsentTexts.from_folder(folder)


def _read_text(version: str, language: str, raw: Mapping[str, Any]) -> InformationText:
    where = f"version {version}, {language}"
    title = _words(raw["title"], f"{where}: title")
    sections = tuple(
        Section(
            _words(section["heading"], f"{where}: section {number} heading"),
            _words(section["text"], f"{where}: section {number} text"),
        )
        for number, section in enumerate(raw["sections"], start=1)
    )
    if not sections:
        raise ConsentTextError(f"{where}: no section")
    body = [title, *(part for section in sections for part in (section.heading, section.text))]
    if not any(CENTRE_PLACEHOLDER in part for part in body):
        raise ConsentTextError(f"{where}: the text never names the centre ({{centre}})")
    for part in body:
        unknown = set(_PLACEHOLDER.findall(part)) - {"centre"}
        if unknown:
            raise ConsentTextError(f"{where}: unknown placeholder {sorted(unknown)}")
    form_raw = dict(raw["form"])
    missing = [name for name in FORM_FIELDS if name not in form_raw]
    if missing:
        raise ConsentTextError(f"{where}: the form lacks {', '.join(missing)}")
    form_values = {name: _words(form_raw[name], f"{where}: form {name}") for name in FORM_FIELDS}
    for name, value in form_values.items():
        if set(_PLACEHOLDER.findall(value)) != _FORM_PLACEHOLDERS.get(name, set()):
            raise ConsentTextError(f"{where}: form {name} has the wrong placeholders")
    return InformationText(version, language, title, sections, FormWording(**form_values))


def _words(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConsentTextError(f"{where} is empty")
    return " ".join(value.split())
