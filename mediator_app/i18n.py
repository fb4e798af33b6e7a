"""Translation and locale-aware formatting, for the UI and for printed documents.

Message ids are English. ``_`` translates now, ``N_`` marks a string for extraction and
leaves it to be translated where it is shown, ``ngettext`` and ``pgettext`` as in gettext.
Catalogues are read from the ``.po`` files under ``i18n/`` and compiled in memory, so a
fresh checkout needs no build step.
"""

from __future__ import annotations

import gettext
import io
from datetime import date, datetime, time
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from mediator_app.paths import catalogue_dir

DOMAIN = "passerelle"
SOURCE_LANGUAGE = "en"
DEFAULT_LANGUAGE = "fr"

#: The partnership's languages: printed documents exist in each of them.
PARTNER_LANGUAGES = ("fr", "en", "es", "it", "pt")

#: Languages offered in the settings, each named in its own language.
LANGUAGES: dict[str, str] = {
    "fr": "Français",
    "en": "English",
    "es": "Español",
    "it": "Italiano",
    "pt": "Português",
}

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translate it with ``_`` where it is shown."""
    return message


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translations.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    return _translations.pgettext(context, message)


def set_language(language: str) -> str:
    """Use ``language`` for every later translation and format; returns the language
    actually used (the source language when there is no catalogue for it)."""
    global _translations, _language
    if language not in LANGUAGES:
        language = SOURCE_LANGUAGE
    _translations = translations_for(language)
    _language = language
    return language


def current_language() -> str:
    return _language


@lru_cache(maxsize=8)
def translations_for(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``, compiled from its ``.po`` file once per process."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    po_path = catalogue_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def babel_locale(language: str | None = None) -> Locale:
    """The Babel locale of a UI language: French as spoken in France, and so on."""
    regions = {"fr": "fr_FR", "en": "en_GB", "es": "es_ES", "it": "it_IT", "pt": "pt_PT"}
    return Locale.parse(regions.get(language or _language, "en_GB"))


def format_date(day: date | str, length: str = "medium", language: str | None = None) -> str:
    """A date as the UI language writes it: ``29 nov. 2026`` in French."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return babel_dates.format_date(day, format=length, locale=babel_locale(language))


def format_time(moment: time | datetime, language: str | None = None) -> str:
    return babel_dates.format_time(moment, format="short", locale=babel_locale(language))


def format_number(value: float, language: str | None = None) -> str:
    return babel_numbers.format_decimal(value, locale=babel_locale(language))


def format_percent(ratio: float, language: str | None = None) -> str:
    return babel_numbers.format_percent(ratio, locale=babel_locale(language))


def format_duration(minutes: int) -> str:
    """A duration in hours and minutes: ``45 min``, ``1 h``, ``1 h 30``."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": rest}
    if not rest:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(hours)s h %(minutes)02d") % {"hours": hours, "minutes": rest}
