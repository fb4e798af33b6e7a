"""Code lists shared with La Coop de la médiation numérique (REFERENCE §1).

The stored values are La Coop's ``snake_case`` codes, so that a French centre can hand
its data over without translation. Labels are English message ids, translated where
they are shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mediator_app.domain.markers import N_


@dataclass(frozen=True)
class CodeList:
    """An ordered list of ``(code, label)`` pairs; labels are untranslated message ids."""

    name: str
    items: tuple[tuple[str, str], ...]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, code: object) -> bool:
        return any(code == known for known, _label in self.items)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _label in self.items)

    def label(self, code: str) -> str:
        """The message id of ``code``'s label; raises ``KeyError`` for an unknown code."""
        for known, label in self.items:
            if known == code:
                return label
        raise KeyError(f"{code!r} is not in the code list {self.name!r}")


THEMES = CodeList(
    "theme",
    (
        ("diagnostic_numerique", N_("Digital skills check")),
        ("prendre_en_main_du_materiel", N_("Getting to grips with a device")),
        ("maintenance_de_materiel", N_("Device maintenance")),
        ("gere_ses_contenus_numeriques", N_("Managing digital content")),
        ("navigation_sur_internet", N_("Browsing the internet")),
        ("email", N_("E-mail")),
        ("bureautique", N_("Office software")),
        ("reseaux_sociaux", N_("Social networks, communication")),
        ("sante", N_("Health")),
        ("banque_et_achats_en_ligne", N_("Online banking and shopping")),
        ("entrepreneuriat", N_("Supporting a professional")),
        ("insertion_professionnelle", N_("Finding work")),
        ("securite_numerique", N_("Staying safe online")),
        ("parentalite", N_("Parenting")),
        ("scolarite_et_numerique", N_("School and digital tools")),
        ("creer_avec_le_numerique", N_("Creating with digital tools")),
        ("culture_numerique", N_("Digital culture")),
        ("intelligence_artificielle", N_("Artificial intelligence (AI)")),
        ("aide_aux_demarches_administratives", N_("Help with online procedures")),
    ),
)

#: The theme that opens the administrative themes and the procedure's name.
ADMIN_HELP_THEME = "aide_aux_demarches_administratives"

ADMIN_THEMES = CodeList(
    "admin_theme",
    (
        ("papiers_elections_citoyennete", N_("Papers - Elections - Citizenship")),
        ("famille_scolarite", N_("Family - School")),
        ("social_sante", N_("Social - Health")),
        ("travail_formation", N_("Work - Training - Business")),
        ("logement", N_("Housing")),
        ("transports_mobilite", N_("Transport - Mobility")),
        ("argent_impots", N_("Money - Taxes")),
        ("justice", N_("Justice")),
        ("etrangers_europe", N_("Foreigners - Europe")),
        ("loisirs_sports_culture", N_("Leisure - Sport - Culture")),
        ("associations", N_("Associations")),
    ),
)

#: Duration quick picks, in minutes.
DURATION_QUICK_PICKS_MIN = (15, 30, 45, 60, 90, 120)

PLACE_TYPES = CodeList(
    "place_type",
    (
        ("lieu_activite", N_("At the centre")),
        ("domicile", N_("At home")),
        ("a_distance", N_("Remote (phone, video)")),
        ("autre", N_("Elsewhere")),
    ),
)

DEVICES = CodeList(
    "device",
    (
        ("ordinateur", N_("Computer")),
        ("telephone", N_("Phone")),
        ("tablette", N_("Tablet")),
        ("autre", N_("Other device")),
        ("aucun", N_("No device")),
    ),
)

AUTONOMY_LEVELS = CodeList(
    "autonomy",
    (
        ("entierement_accompagne", N_("With guidance")),
        ("partiellement_autonome", N_("Autonomous with help when needed")),
        ("autonome", N_("Autonomous")),
    ),
)

#: Stars shown beside each autonomy level, so that colour is never the only signal.
AUTONOMY_STARS = {
    "entierement_accompagne": "★",
    "partiellement_autonome": "★★",
    "autonome": "★★★",
}

REFERRAL_STRUCTURES = CodeList(
    "referral",
    (
        ("administration", N_("Administration (town hall, prefecture)")),
        ("mediation_numerique", N_("Another digital mediation place")),
        ("operateur_ou_organisme_en_charge", N_("The body in charge of the procedure")),
        ("aide_sociale", N_("Social help, social centre")),
        ("insertion_professionnelle", N_("Employment agency, youth mission")),
        ("aide_aux_demarches_administratives", N_("France Services")),
        ("autre", N_("Other structure")),
    ),
)

GENDERS = CodeList(
    "gender",
    (
        ("feminin", N_("Woman")),
        ("masculin", N_("Man")),
        ("non_communique", N_("Not given")),
    ),
)

SOCIAL_STATUSES = CodeList(
    "social_status",
    (
        ("scolarise", N_("In education")),
        ("sans_emploi", N_("Not in work")),
        ("en_emploi", N_("In work")),
        ("retraite", N_("Retired")),
        ("non_communique", N_("Not given")),
    ),
)

AGE_BANDS = CodeList(
    "age_band",
    (
        ("moins_de_douze", N_("Under 12")),
        ("douze_dix_huit", N_("12 to 17")),
        ("dix_huit_vingt_quatre", N_("18 to 24")),
        ("vingt_cinq_trente_neuf", N_("25 to 39")),
        ("quarante_cinquante_neuf", N_("40 to 59")),
        ("soixante_soixante_neuf", N_("60 to 69")),
        ("soixante_dix_plus", N_("70 and over")),
        ("non_communique", N_("Not given")),
    ),
)

#: Lower bound (inclusive) of each age band, oldest first, for ``age_band_for``.
_AGE_BAND_FLOORS = (
    (70, "soixante_dix_plus"),
    (60, "soixante_soixante_neuf"),
    (40, "quarante_cinquante_neuf"),
    (25, "vingt_cinq_trente_neuf"),
    (18, "dix_huit_vingt_quatre"),
    (12, "douze_dix_huit"),
    (0, "moins_de_douze"),
)


def age_band_for(birth_year: int | None, on_year: int) -> str:
    """La Coop's age band of someone born in ``birth_year``, as of ``on_year``.

    Only the year of birth is kept, so the age is the difference of years: it may be one
    year more than the true age early in the year, the same approximation La Coop makes.
    """
    if birth_year is None:
        return "non_communique"
    age = on_year - birth_year
    for floor, band in _AGE_BAND_FLOORS:
        if age >= floor:
            return band
    return "moins_de_douze"


COUNTRIES = CodeList(
    "country",
    (
        ("FR", N_("France")),
        ("ES", N_("Spain")),
        ("IT", N_("Italy")),
        ("PT", N_("Portugal")),
    ),
)
