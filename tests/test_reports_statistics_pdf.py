"""The statistics report as a PDF: figures, periods and definitions read back from the
file, in English and in French; an empty period; the trend line's monthly counts."""

from __future__ import annotations

import io
import re
import time
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from mediator_app.i18n import translations_for
from mediator_app.reports.activities import COLLECTIVE, INDIVIDUAL, Activity, Participant
from mediator_app.reports.statistics import (
    DEFINITIONS,
    Statistics,
    compute_statistics,
    previous_period,
)
from mediator_app.reports.statistics_pdf import (
    monthly_activities,
    write_statistics_report,
)
from mediator_app.store.progress_stats import CentreProgress

START, END = date(2026, 10, 1), date(2026, 12, 31)
PREVIOUS_START, PREVIOUS_END = previous_period(START, END)
NNBSP = "\u202f"
NBSP = "\u00a0"


def session(activity_id, day, minutes, key="", **extra):
    participant = Participant(key, "feminin", "quarante_cinquante_neuf", "retraite", "Grans",
                              first_seen=extra.pop("first_seen", None))  # fmt: skip
    extra.setdefault("themes", ("sante",))
    return Activity(
        id=activity_id, kind=INDIVIDUAL, date=day, duration_min=minutes,
        place_type="lieu_activite", device="ordinateur", participants=(participant,), **extra,
    )  # fmt: skip


def workshop(activity_id, day, minutes, *participants):
    return Activity(
        id=activity_id, kind=COLLECTIVE, date=day, duration_min=minutes,
        themes=("securite_numerique",), workshop_title="Atelier", participants=participants,
    )  # fmt: skip


ACTIVITIES = [
    # The previous quarter: Bob and Frank, one anonymous visit, one workshop session.
    session("p1", "2026-07-03", 60, "bob", first_seen="2025-06-01"),
    session("p2", "2026-08-20", 45, "frank", first_seen="2026-08-20"),
    session("p3", "2026-09-02", 30),
    workshop("pw", "2026-09-15", 120, Participant("bob", attendance="present")),
    # This quarter: Alice twice, Bob (returning), two anonymous visits, one workshop where
    # Carol came, Dan did not and Erin walked in.
    session("c1", "2026-10-05", 60, "alice", first_seen="2026-10-05", autonomy="autonome"),
    session(
        "c2",
        "2026-11-12",
        30,
        "alice",
        first_seen="2026-10-05",
        referred=True,
        referral_to="administration",
    ),
    session("c3", "2026-11-20", 90, "bob", first_seen="2025-06-01", themes=("email",)),
    session("c4", "2026-12-01", 15, autonomy="entierement_accompagne"),
    session("c5", "2026-12-02", 20),
    workshop(
        "cw",
        "2026-12-10",
        120,
        Participant("carol", "feminin", attendance="present", first_seen="2026-12-10"),
        Participant("dan", "masculin", attendance="absent", first_seen="2024-01-01"),
        Participant("erin", attendance="present", walk_in=True),
    ),
]


def statistics(activities=ACTIVITIES) -> tuple[Statistics, Statistics]:
    current = compute_statistics(activities, start=START, end=END)
    previous = compute_statistics(activities, start=PREVIOUS_START, end=PREVIOUS_END)
    return current, previous


def write(current, previous, **options) -> tuple[int, PdfReader, str]:
    """Pages, the reader and the whole text with runs of white space made one space."""
    options.setdefault("language", "en")
    options.setdefault("centre", "AAGESC")
    options.setdefault("prepared_on", date(2027, 1, 5))
    buffer = io.BytesIO()
    pages = write_statistics_report(current, previous, buffer, **options)
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return pages, reader, flat(text)


def flat(text: str) -> str:
    """Runs of ordinary white space as one space; U+202F and U+00A0 are kept."""
    return re.sub(r"[ \t\r\n]+", " ", text)


def page_text(reader: PdfReader, number: int) -> str:
    return flat(reader.pages[number - 1].extract_text())


def test_the_figures_are_those_of_the_constructed_records():
    """The records above, counted by hand, so the report tests check real figures."""
    current, previous = statistics()
    assert (current.residents_helped, current.new_residents, current.returning_residents) == (
        4,
        3,
        1,
    )
    assert (current.anonymous_visits, current.individual_sessions) == (2, 5)
    assert (current.workshop_registrations, current.workshop_walk_ins) == (2, 1)
    assert (previous.residents_helped, previous.anonymous_visits) == (2, 1)
    assert (previous.individual_sessions, previous.workshop_sessions) == (3, 1)


def test_the_cover_shows_the_centre_the_scope_the_period_and_who_prepared_it():
    current, previous = statistics()
    pages, reader, _ = write(
        current, previous, scope="AAGESC, Salon-de-Provence", prepared_by="Camille Martin"
    )
    assert pages == len(reader.pages) >= 5
    cover = page_text(reader, 1)
    assert "Activity report" in cover
    assert "AAGESC" in cover and "AAGESC, Salon-de-Provence" in cover
    assert "1 Oct 2026 – 31 Dec 2026" in cover
    assert "1 Jul 2026 – 30 Sept 2026" in cover, "the period compared with"
    assert "Prepared by Camille Martin on 5 January 2027" in cover


def test_a_coordinator_report_names_its_scope_on_the_cover():
    current, previous = statistics()
    _, reader, _ = write(current, previous, centre="", scope="All centres")
    assert "All centres" in page_text(reader, 1)
    assert "All centres" in page_text(reader, 2), "and in the running header"


def test_key_figures_show_this_period_the_previous_one_and_the_change():
    current, previous = statistics()
    _, reader, _ = write(current, previous)
    key = page_text(reader, 2)
    assert "Key figures" in key
    assert "Residents helped 4 2 +100%" in key
    assert "New residents 3 1 +200%" in key
    assert "Returning residents 1 1 0%" in key
    assert "Anonymous visits 2 1 +100%" in key
    assert "Individual sessions 5 3 +67%" in key
    assert "Workshop sessions 1 1 0%" in key
    # 60 + 30 + 90 + 15 + 20 minutes = 3.58 h; before, 60 + 45 + 30 = 2.25 h: written
    # 3.6 and 2.3, the change computed on the minutes.
    assert "Hours of individual help 3.6 2.3 +59%" in key
    assert "Hours of workshops 2 2 0%" in key
    assert "Workshop registrations 2 1 +100%" in key
    assert "Workshop attendance rate 50% 100% −50 pts" in key
    assert "Walk-ins 1 0 –" in key, "no percentage of a change from zero"
    assert "Referrals 1 0 –" in key


def test_without_a_previous_period_only_this_period_is_shown():
    current, _ = statistics()
    _, reader, _ = write(current, None)
    key = page_text(reader, 2)
    assert "Residents helped 4" in key
    assert "Previous period" not in key and "Change" not in key


def test_residents_who_moved_up_come_from_the_progress_figures():
    current, previous = statistics()
    areas = ("device", "internet", "messages", "identity_safety", "procedures", "everyday")
    progress = CentreProgress(
        framework="passerelle-beginner", version="1.0", start=START, end=END,
        moved_up=dict.fromkeys(areas, 0) | {"device": 5, "procedures": 2}, moved_up_any=6,
        assessed=9,
        distribution={area: {"not_yet": 1, "with_guidance": 2, "with_help": 3,
                             "autonomous": 4} for area in areas},
    )  # fmt: skip
    previous_progress = replace(progress, moved_up_any=4)
    _, reader, text = write(
        replace(current, progress=progress), replace(previous, progress=previous_progress)
    )
    assert "Residents who moved up a level 6 4 +50%" in page_text(reader, 2)
    assert "Inclusion progress" in text
    # The areas named as the shipped framework names them, with the residents who moved
    # up, then the residents at each level.
    assert "Using a device 5 1 2 3 4" in text
    assert "Online procedures 2 1 2 3 4" in text
    assert "Residents assessed during the period: 9." in text


def test_without_progress_there_is_no_progress_section():
    current, previous = statistics()
    _, _, text = write(current, previous)
    assert "Inclusion progress" not in text.split("Appendix: definitions")[0]


def between(text: str, first: str, last: str) -> str:
    return text.split(first, 1)[1].split(last, 1)[0]


def test_charts_write_their_values_and_translated_labels():
    current, previous = statistics()
    _, _, text = write(current, previous)
    themes = between(text, "Activities by theme", "Activities by duration")
    for label in ("Health", "E-mail", "Staying safe online"):
        assert label in themes
    assert "Parenting" not in themes, "themes without activities are left out"
    # Values at the bars' ends, most first: health 4, then e-mail and safety 1 each.
    assert re.search(r"\b4 1 1\b", themes)
    durations = between(text, "Activities by duration", "Sessions by administrative theme")
    for label in ("Under 30 min", "30 min to under 1 h", "1 h to under 2 h", "2 h or more"):
        assert label in durations
    assert re.search(r"\b2 1 2 1\b", durations), "15 + 20 | 30 | 60 + 90 | 120 (workshop)"
    assert "Nothing in this period." in between(
        text, "Sessions by administrative theme", "Individual sessions"
    )
    autonomy = between(text, "Sessions by autonomy", "Sessions by place")
    assert "With guidance 1 20%" in autonomy
    assert "Autonomous 1 20%" in autonomy
    assert "Not given 3 60%" in autonomy


def test_the_appendix_lists_every_definition():
    current, previous = statistics()
    _, _, text = write(current, previous)
    appendix = text.split("Appendix: definitions", 1)[1]
    for definition in DEFINITIONS:
        assert definition.title in appendix, definition.figure
    assert flat(DEFINITIONS[0].text) in appendix


def test_an_empty_period_still_makes_a_valid_report():
    empty = compute_statistics([], start=START, end=END)
    monthly = [(date(2026, month, 1), 0) for month in (10, 11, 12)]
    pages, reader, text = write(empty, None, monthly=monthly)
    assert pages == len(reader.pages) >= 3
    assert "Nothing in this period." in text
    assert "Residents helped 0" in text
    for definition in DEFINITIONS:
        assert definition.title in text


def test_every_page_is_numbered_and_has_the_running_header():
    current, previous = statistics()
    pages, reader, _ = write(current, previous)
    for number in range(1, pages + 1):
        assert f"page {number} / {pages}" in page_text(reader, number)
    for number in range(2, pages + 1):
        assert "Activity report — AAGESC" in page_text(reader, number)


def test_only_embedded_dejavu_fonts_are_used():
    current, previous = statistics()
    _, reader, _ = write(current, previous)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "DejaVu" in font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_in_french_numbers_and_dates_follow_french_usage():
    """Figures of four digits carry a narrow no-break space, dates French month names,
    even where the report's own sentences are not translated yet."""
    many = [session(f"a{index}", "2026-11-03", 30) for index in range(1234)]
    current, previous = statistics(ACTIVITIES + many)
    _, reader, text = write(current, previous, language="fr")
    cover = page_text(reader, 1)
    assert "1 oct. 2026 – 31 déc. 2026" in cover
    assert "5 janvier 2027" in cover
    key = page_text(reader, 2)
    assert f"1{NNBSP}236" in key, "anonymous visits: 1 234 + 2"
    assert f"1{NNBSP}239" in key, "individual sessions"
    assert "Résidents" in key or "Residents" in key
    # The percent sign's no-break space reads back as a space: same glyph in DejaVu.
    assert re.search(f"\\+100[ {NBSP}]%", key), "residents helped: 4 against 2"
    gettext = translations_for("fr").gettext
    assert gettext("Residents helped") in key
    assert gettext("Health") in text, "theme labels in French"
    # Hours with a decimal comma: 3.6 h + 1 234 half-hours = 620.6 h.
    assert "620,6" in key


def test_the_trend_line_is_drawn_from_the_monthly_counts():
    current, previous = statistics()
    monthly = monthly_activities(ACTIVITIES, current, previous)
    assert monthly == [
        (date(2026, 7, 1), 1),
        (date(2026, 8, 1), 1),
        (date(2026, 9, 1), 2),
        (date(2026, 10, 1), 1),
        (date(2026, 11, 1), 2),
        (date(2026, 12, 1), 3),
    ]
    assert sum(count for _month, count in monthly[3:]) == current.activities
    assert sum(count for _month, count in monthly[:3]) == previous.activities
    _, reader, _ = write(current, previous, monthly=monthly)
    key = page_text(reader, 2)
    assert "Activities per month" in key
    assert "Jul" in key and "Dec" in key
    _, reader, _ = write(current, previous)
    assert "Activities per month" not in page_text(reader, 2)


def test_monthly_counts_follow_the_filters_of_the_statistics():
    current = compute_statistics(ACTIVITIES, start=START, end=END, theme="email")
    assert monthly_activities(ACTIVITIES, current) == [
        (date(2026, 10, 1), 0),
        (date(2026, 11, 1), 1),
        (date(2026, 12, 1), 0),
    ]
    workshops_left_out = compute_statistics(ACTIVITIES, start=START, end=END, mediator_id="m1")
    assert all(count == 0 for _month, count in monthly_activities(ACTIVITIES, workshops_left_out))


def test_filters_are_said_on_the_cover():
    current = compute_statistics(ACTIVITIES, start=START, end=END, theme="email")
    _, reader, _ = write(current, None)
    assert "Only the activities on the theme “E-mail”." in page_text(reader, 1)


def test_write_to_a_path(tmp_path):
    current, previous = statistics()
    path = tmp_path / "report.pdf"
    pages = write_statistics_report(current, previous, path, language="en", centre="AAGESC")
    assert pages == len(PdfReader(path).pages)


@pytest.mark.slow
def test_writing_the_report_of_fifty_thousand_activities_takes_well_under_a_second():
    """The report lays out figures: its time does not grow with the records counted."""
    themes = ("sante", "email", "bureautique", "navigation_sur_internet", "parentalite")
    communes = [f"Commune {index}" for index in range(40)]
    activities = [
        session(
            f"s{index}", f"2026-{10 + index % 3}-{1 + index % 28:02d}", 15 + index % 120,
            f"r{index % 9000}", first_seen="2026-01-01", themes=(themes[index % 5],),
            autonomy=("autonome", None)[index % 2],
        )
        for index in range(50_000)
    ]  # fmt: skip
    activities = [
        replace(
            activity,
            participants=(replace(activity.participants[0], commune=communes[index % 40]),),
        )
        for index, activity in enumerate(activities)
    ]
    current = compute_statistics(activities, start=START, end=END)
    assert current.activities == 50_000
    monthly = monthly_activities(activities, current)
    began = time.perf_counter()
    write(current, current, monthly=monthly, language="fr")
    elapsed = time.perf_counter() - began
    assert elapsed < 1.0, f"{elapsed:.2f} s"
