"""The monitoring CSV of Italy's network of digital facilitation services (REFERENCE §2).

One row per service: an individual session is a "Facilitazione individuale", a workshop
session a "Facilitazione di gruppo". The Italian monitoring describes each service by the
citizen it served; a group serves several, and one row per participant would count one
service many times, so a group session is one row whose "Partecipanti" column gives the
number of people who took part (present or late, and the anonymous ones) and whose
profile columns (Genere, Fascia d'età, Condizione occupazionale) are empty. A group session
that only one person attended carries that person's profile. Individual sessions count 1.

Mapping, documented in the tables below:

- Genere: F / M from our genders; "not given" becomes "Preferisco non rispondere", the
  Italian list's only answer for an unstated gender (we record no "non-binary").
- Fascia d'età: computed per export from the year of birth and the activity's year, as La
  Coop computes its own bands (the age may be one year more than the true age early in
  the year). Under 14 or unknown: "Non indicata". Without a year of birth (anonymous
  visits, records from another desk), a La Coop band that lies within one Italian band
  gives it (18-24 → 18–29, 60-69 → 55–74); the others straddle two and give
  "Non indicata".
- Titolo di studio and Cittadinanza: not collected, left empty.
- Condizione occupazionale: from our social status, see ``EMPLOYMENT``.
- Provincia: the province of the site (we keep a resident's commune, not their province).
- Area DigComp and Competenze: from the themes, see ``THEME_COMPETENCES``; each
  competence as its code and Italian title ("2.3 Esercitare la cittadinanza..."), never
  a bare "2.3" that Excel would turn into a date.
- Ambito del servizio pubblico: from the administrative themes, see
  ``PUBLIC_SERVICE_DOMAINS``; empty when there are none.

The file is UTF-8 with a byte-order mark and ";" between fields, as Excel expects in Italy;
several values in one cell are separated by " | ".
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import BinaryIO

from mediator_app.reports.activities import COLLECTIVE, Activity, Participant

COLUMNS: tuple[str, ...] = (
    "Facilitatore",
    "Sede",
    "Genere",
    "Fascia d'età",
    "Titolo di studio",
    "Condizione occupazionale",
    "Cittadinanza",
    "Provincia",
    "Data",
    "Durata",
    "Tipo di servizio",
    "Partecipanti",
    "Area DigComp",
    "Competenze",
    "Ambito del servizio pubblico",
)

SERVICE_TYPES = {
    "individuel": "Facilitazione individuale",
    "collectif": "Facilitazione di gruppo",
}

GENDERS = {
    "feminin": "F",
    "masculin": "M",
    "non_communique": "Preferisco non rispondere",
}

#: Our social status (La Coop's) → the Italian employment condition. "In work" does not
#: say whether someone is an employee, self-employed or an entrepreneur: it is given as
#: "Occupato dipendente", the most frequent case, an approximation. Not given → empty.
EMPLOYMENT = {
    "scolarise": "Studente",
    "sans_emploi": "Non occupato",
    "en_emploi": "Occupato dipendente",
    "retraite": "Pensionato",
    "non_communique": "",
}
OTHER_EMPLOYMENT = "Altro"

AGE_UNKNOWN = "Non indicata"
#: Lower bound (inclusive) of each Italian age band, oldest first; under 14 is not a band.
_AGE_BAND_FLOORS = ((75, "75+"), (55, "55–74"), (30, "30–54"), (18, "18–29"), (14, "14–17"))
#: La Coop's bands that lie within one Italian band, for participants without a year.
_WITHIN_ONE_BAND = {"dix_huit_vingt_quatre": "18–29", "soixante_soixante_neuf": "55–74"}

#: The five areas of DigComp 2.2, as the Italian translation names them.
DIGCOMP_AREAS = {
    "1": "1. Alfabetizzazione su informazioni e dati",
    "2": "2. Comunicazione e collaborazione",
    "3": "3. Creazione di contenuti digitali",
    "4": "4. Sicurezza",
    "5": "5. Risolvere problemi",
}

#: The 21 competences of DigComp 2.2, as the Italian translation names them. A cell
#: gives each code with its title: a bare "5.4" would become the 5th of April when Excel
#: opens the file with an Italian (or German, Portuguese...) locale.
DIGCOMP_COMPETENCES = {
    "1.1": "Navigare, ricercare e filtrare dati, informazioni e contenuti digitali",
    "1.2": "Valutare dati, informazioni e contenuti digitali",
    "1.3": "Gestire dati, informazioni e contenuti digitali",
    "2.1": "Interagire attraverso le tecnologie digitali",
    "2.2": "Condividere informazioni attraverso le tecnologie digitali",
    "2.3": "Esercitare la cittadinanza attraverso le tecnologie digitali",
    "2.4": "Collaborare attraverso le tecnologie digitali",
    "2.5": "Netiquette",
    "2.6": "Gestire l'identità digitale",
    "3.1": "Sviluppare contenuti digitali",
    "3.2": "Integrare e rielaborare contenuti digitali",
    "3.3": "Copyright e licenze",
    "3.4": "Programmazione",
    "4.1": "Proteggere i dispositivi",
    "4.2": "Proteggere i dati personali e la privacy",
    "4.3": "Proteggere la salute e il benessere",
    "4.4": "Proteggere l'ambiente",
    "5.1": "Risolvere problemi tecnici",
    "5.2": "Individuare fabbisogni e risposte tecnologiche",
    "5.3": "Utilizzare in modo creativo le tecnologie digitali",
    "5.4": "Individuare i divari di competenze digitali",
}

#: Each theme → the DigComp 2.2 competences it works on (REFERENCE §3, §4).
THEME_COMPETENCES: dict[str, tuple[str, ...]] = {
    "diagnostic_numerique": ("5.4",),  # identifying digital competence gaps
    "prendre_en_main_du_materiel": ("5.1",),  # device basics: solving technical problems
    "maintenance_de_materiel": ("4.1", "5.1"),  # protecting devices, technical problems
    "gere_ses_contenus_numeriques": ("1.3",),  # managing data, information and content
    "navigation_sur_internet": ("1.1", "1.2"),  # browsing, searching; evaluating
    "email": ("2.1", "2.2"),  # interacting; sharing (attachments)
    "bureautique": ("3.1",),  # developing content
    "reseaux_sociaux": ("2.1", "2.2"),  # interacting; sharing
    "sante": ("2.3",),  # public health services online
    "banque_et_achats_en_ligne": ("2.3", "4.2"),  # online services; protecting data
    "entrepreneuriat": ("2.4", "3.1"),  # collaborating; content for a business
    "insertion_professionnelle": ("2.3", "3.1"),  # job services online; a CV
    "securite_numerique": ("4.1", "4.2"),  # protecting devices; personal data
    "parentalite": ("2.3", "4.3"),  # school platforms; children's well-being
    "scolarite_et_numerique": ("5.2",),  # needs and technological responses
    "creer_avec_le_numerique": ("3.1", "3.2", "3.4"),  # creating, remixing, programming
    "culture_numerique": ("1.2", "3.3", "4.4"),  # evaluating; licences; environment
    "intelligence_artificielle": ("1.2", "5.3"),  # evaluating AI output; creative use
    # Online procedures, and the digital identity (SPID/CIE) nearly all of them need.
    "aide_aux_demarches_administratives": ("2.3", "2.6"),
}

#: Each administrative theme → the public-service domain of the Italian monitoring.
PUBLIC_SERVICE_DOMAINS = {
    "papiers_elections_citoyennete": "Identità digitale (SPID/CIE)",
    "famille_scolarite": "Istruzione",
    "social_sante": "Sanità / Fascicolo sanitario",
    "travail_formation": "Lavoro",
    "logement": "Welfare",
    "transports_mobilite": "Trasporti",
    "argent_impots": "Fisco",
    "justice": "Giustizia",
    "etrangers_europe": "Immigrazione",
    "loisirs_sports_culture": "Cultura e tempo libero",
    "associations": "Terzo settore",
}

#: Several values in one cell; competence titles hold commas.
LIST_SEPARATOR = " | "
#: A field Excel would read as a formula starts with one of these.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _no_facilitator(_mediator_id: str | None) -> str:
    return ""


def write_italy_csv(
    activities: Iterable[Activity],
    output: Path | BinaryIO,
    *,
    facilitator_of: Callable[[str | None], str] = _no_facilitator,
    site: str,
    province: str,
) -> int:
    """Write ``activities`` as the Italian monitoring CSV; returns the rows written (one
    per service, header excluded).

    ``facilitator_of`` names the facilitator of a mediator id (``None`` for a workshop,
    which records none); by default the column stays empty. Given a path, the file is
    written atomically: a failure leaves no file, or the previous one untouched. Given a
    binary stream, the caller owns it and it is left open.
    """
    if isinstance(output, Path):
        return _write_atomically(output, activities, facilitator_of, site, province)
    return _write(output, activities, facilitator_of, site, province)


def italian_age_band(birth_year: int | None, on_year: int) -> str:
    """The Italian age band of someone born in ``birth_year``, as of ``on_year``."""
    if birth_year is None:
        return AGE_UNKNOWN
    age = on_year - birth_year
    for floor, band in _AGE_BAND_FLOORS:
        if age >= floor:
            return band
    return AGE_UNKNOWN


def digcomp_competences(themes: Iterable[str]) -> list[str]:
    """The DigComp competences of ``themes``, each once, in the framework's order."""
    found = {code for theme in themes for code in THEME_COMPETENCES.get(theme, ())}
    return sorted(found, key=lambda code: tuple(int(part) for part in code.split(".")))


def _write(
    output: BinaryIO,
    activities: Iterable[Activity],
    facilitator_of: Callable[[str | None], str],
    site: str,
    province: str,
) -> int:
    text = io.TextIOWrapper(output, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        rows = 0
        for activity in activities:
            writer.writerow(_row(activity, facilitator_of, site, province))
            rows += 1
        text.flush()
    finally:
        text.detach()  # the caller's stream stays open
    return rows


def _row(
    activity: Activity,
    facilitator_of: Callable[[str | None], str],
    site: str,
    province: str,
) -> list[str | int]:
    people = _people_who_took_part(activity)
    person = _profiled_person(activity, people)
    if person is None:
        gender = age_band = employment = ""
    else:
        gender = GENDERS.get(person.gender, GENDERS["non_communique"])
        age_band = _age_band_of(person, activity.date)
        employment = EMPLOYMENT.get(person.social_status, OTHER_EMPLOYMENT)
    competences = digcomp_competences(activity.themes)
    areas = dict.fromkeys(DIGCOMP_AREAS[code.split(".")[0]] for code in competences)
    domains = dict.fromkeys(
        PUBLIC_SERVICE_DOMAINS[code]
        for code in activity.admin_themes
        if code in PUBLIC_SERVICE_DOMAINS
    )
    return [
        _as_text(facilitator_of(activity.mediator_id)),
        _as_text(site),
        gender,
        age_band,
        "",  # Titolo di studio: not collected
        employment,
        "",  # Cittadinanza: not collected
        _as_text(province),
        _italian_date(activity.date),
        _hours_minutes(activity.duration_min),
        SERVICE_TYPES.get(activity.kind, activity.kind),
        people,
        LIST_SEPARATOR.join(areas),
        LIST_SEPARATOR.join(f"{code} {DIGCOMP_COMPETENCES[code]}" for code in competences),
        LIST_SEPARATOR.join(domains),
    ]


def _people_who_took_part(activity: Activity) -> int:
    if activity.kind == COLLECTIVE:
        return sum(person.count for person in activity.participants if person.took_part)
    return sum(person.count for person in activity.participants)


def _profiled_person(activity: Activity, people: int) -> Participant | None:
    """Whose profile the row carries: the one person served, or nobody for a group."""
    if activity.kind != COLLECTIVE:
        return activity.participants[0] if activity.participants else None
    if people != 1:
        return None
    return next(person for person in activity.participants if person.took_part)


def _age_band_of(person: Participant, day: str) -> str:
    if person.birth_year is not None:
        try:
            on_year = date.fromisoformat(day).year
        except ValueError:
            return AGE_UNKNOWN
        return italian_age_band(person.birth_year, on_year)
    return _WITHIN_ONE_BAND.get(person.age_band, AGE_UNKNOWN)


def _italian_date(day: str) -> str:
    try:
        return date.fromisoformat(day).strftime("%d/%m/%Y")
    except ValueError:
        return day


def _hours_minutes(minutes: int) -> str:
    hours, rest = divmod(max(0, minutes), 60)
    return f"{hours:02d}:{rest:02d}"


def _as_text(value: str) -> str:
    """Free text as Excel will show it: a leading "=", "+", "-" or "@" would make it a
    formula, so such a value starts with an apostrophe."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _write_atomically(
    path: Path,
    activities: Iterable[Activity],
    facilitator_of: Callable[[str | None], str],
    site: str,
    province: str,
) -> int:
    """Write to a temporary file beside ``path``, flushed to disk, then rename it over
    ``path``; on any failure the temporary file is removed and ``path`` untouched."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            rows = _write(stream, activities, facilitator_of, site, province)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return rows
