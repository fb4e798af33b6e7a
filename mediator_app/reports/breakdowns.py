"""Every breakdown of a period's figures as (group, label, this period, period before):
the detailed table of the Statistics screen, in the order the report shows them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from mediator_app.domain.codes import (
    ADMIN_THEMES,
    AGE_BANDS,
    AUTONOMY_LEVELS,
    DEVICES,
    GENDERS,
    PLACE_TYPES,
    REFERRAL_STRUCTURES,
    SOCIAL_STATUSES,
    THEMES,
    CodeList,
)
from mediator_app.domain.markers import N_
from mediator_app.reports.statistics import DURATION_BANDS, OTHER_COMMUNES, Statistics

NOT_GIVEN = "non_communique"


@dataclass(frozen=True)
class Breakdown:
    #: The group's title (a message id).
    title: str
    counts: Callable[[Statistics], dict[str, int]]
    #: Codes to labels; ``None`` for free names (communes).
    code_list: CodeList | None


BREAKDOWNS = (
    Breakdown(N_("Activities by theme"), lambda s: s.activities_by_theme, THEMES),
    Breakdown(N_("Sessions by administrative theme"), lambda s: s.sessions_by_admin_theme,
              ADMIN_THEMES),
    Breakdown(N_("Activities by duration"), lambda s: s.activities_by_duration_band,
              DURATION_BANDS),
    Breakdown(N_("Sessions by autonomy"), lambda s: s.sessions_by_autonomy, AUTONOMY_LEVELS),
    Breakdown(N_("Sessions by place"), lambda s: s.sessions_by_place_type, PLACE_TYPES),
    Breakdown(N_("Sessions by device"), lambda s: s.sessions_by_device, DEVICES),
    Breakdown(N_("Referrals by structure"), lambda s: s.referrals_by_structure,
              REFERRAL_STRUCTURES),
    Breakdown(N_("Gender"), lambda s: s.profiles.gender, GENDERS),
    Breakdown(N_("Age band"), lambda s: s.profiles.age_band, AGE_BANDS),
    Breakdown(N_("Social status"), lambda s: s.profiles.social_status, SOCIAL_STATUSES),
    Breakdown(N_("Commune"), lambda s: s.profiles.commune, None),
)  # fmt: skip


def breakdown_rows(
    current: Statistics, previous: Statistics | None, translate: Callable[[str], str]
) -> Iterator[tuple[str, str, int, int | None]]:
    """``(group, label, this period, period before)`` for every code counted in either
    period, each group in its code list's order."""
    for breakdown in BREAKDOWNS:
        now = breakdown.counts(current)
        before = breakdown.counts(previous) if previous is not None else {}
        for code in dict.fromkeys([*now, *before]):
            if not now.get(code) and not before.get(code):
                continue
            yield (
                translate(breakdown.title),
                _label(breakdown.code_list, code, translate),
                now.get(code, 0),
                before.get(code, 0) if previous is not None else None,
            )


def _label(code_list: CodeList | None, code: str, translate: Callable[[str], str]) -> str:
    if code == NOT_GIVEN:
        return translate(N_("Not given"))
    if code == OTHER_COMMUNES:
        return translate(N_("Other communes"))
    if code_list is not None and code in code_list:
        return translate(code_list.label(code))
    return code
