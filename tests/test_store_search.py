"""Resident search: folded names, ranking, merged records, and the index kept in step."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.store import open_store
from mediator_app.store.search import CANDIDATE_LIMIT, fts_query, rebuild_index

TODAY = date(2026, 3, 15)


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "passerelle.db")
    yield opened
    opened.close()


def add(store, first, last, **more) -> Resident:
    more.setdefault("consent_date", "2026-03-01")
    return store.residents.create(Resident(first_name=first, last_name=last, **more), today=TODAY)


def helped(store, resident, day):
    store.sessions.create(
        SupportSession(date=day, themes=("email",), resident_id=resident.id), today=TODAY
    )


def found(store, text, limit=200) -> list[str]:
    return [hit.id for hit in store.residents.search(text, limit)]


def names(store, text) -> list[str]:
    return [f"{hit.first_name} {hit.last_name}" for hit in store.residents.search(text)]


@pytest.fixture
def people(store):
    """A small centre, with names from many traditions."""
    return {
        "helene": add(store, "Hélène", "Dupont"),
        "aubigne": add(store, "Chloé", "D'Aubigné"),
        "bensaid": add(store, "Karim", "Ben Saïd"),
        "nguyen": add(store, "Văn An", "Nguyễn"),
        "yildiz": add(store, "Ayşe", "Yıldız"),
        "dang": add(store, "Minh", "Đặng"),
        "coeur": add(store, "Béatrice", "Cœur"),
        "weiss": add(store, "Jürgen", "Weiß"),
        "soren": add(store, "Søren", "Kierkegaard"),
        "lukasz": add(store, "Łukasz", "Kowalski"),
        "arabic": add(store, "محمد", "العلي"),
        "fatima": add(store, "فاطمة", "الزهراء"),
        "joao": add(store, "João", "Conceição"),
        "marie": add(store, "Marie", "Martin"),
    }


@pytest.mark.parametrize("query", ["helene", "HÉLÈNE", "Hélène", "hélène", "HELENE", "hel", "Hél"])
def test_helene_spellings_meet(store, people, query):
    assert found(store, query) == [people["helene"].id]


def test_a_resident_typed_without_accents_is_found_with_them(store):
    plain = add(store, "HELENE", "DURAND")
    assert found(store, "Hélène Durand") == [plain.id]


@pytest.mark.parametrize(
    "query", ["daubigne", "d'aubigne", "D'Aubigné", "d’aubigné", "aubigne", "d aubigne", "DAUB"]
)
def test_apostrophes_do_not_get_in_the_way(store, people, query):
    assert found(store, query) == [people["aubigne"].id]


@pytest.mark.parametrize(
    "query", ["ben said", "bensaid", "Ben Saïd", "BENSAÏD", "said", "karim ben"]
)
def test_particles_do_not_get_in_the_way(store, people, query):
    assert found(store, query) == [people["bensaid"].id]


@pytest.mark.parametrize("query", ["nguyen", "Nguyễn", "NGUYEN van an", "vanan", "van"])
def test_vietnamese_names(store, people, query):
    assert found(store, query) == [people["nguyen"].id]


@pytest.mark.parametrize(
    ("key", "query"),
    [
        ("yildiz", "yildiz"),
        ("yildiz", "Yıldız"),
        ("yildiz", "ayse"),
        ("dang", "dang"),
        ("dang", "Đặng"),
        ("coeur", "coeur"),
        ("coeur", "CŒUR"),
        ("weiss", "weiss"),
        ("weiss", "Weiß"),
        ("weiss", "jurgen"),
        ("soren", "soren"),
        ("soren", "SØREN"),
        ("lukasz", "lukasz"),
        ("lukasz", "Łukasz"),
        ("joao", "joao conceicao"),
    ],
)
def test_letters_sqlite_cannot_fold(store, people, key, query):
    assert found(store, query) == [people[key].id]


@pytest.mark.parametrize(
    ("key", "query"),
    [
        ("arabic", "محمد"),
        ("arabic", "العلي"),
        ("arabic", "محمد العلي"),
        ("arabic", "مُحَمَّد"),
        ("arabic", "مح"),
        ("fatima", "فاطمة"),
        ("fatima", "الزهراء"),
    ],
)
def test_arabic_script_names_are_found_by_themselves(store, people, key, query):
    assert found(store, query) == [people[key].id]


def test_arabic_prefix_shared_by_two_names(store, people):
    assert set(found(store, "ال")) == {people["arabic"].id, people["fatima"].id}


def test_every_word_typed_must_match(store, people):
    other = add(store, "Marie", "Dupont")
    assert found(store, "marie dupont") == [other.id]
    assert found(store, "dupont") == [people["helene"].id, other.id]
    assert found(store, "marie zzz") == []


def test_nothing_found(store, people):
    assert found(store, "xyzzy") == []


@pytest.mark.parametrize("query", ["", "   ", "-", "' - '", "!!!", "\t"])
def test_empty_query_returns_nothing(store, people, query):
    assert store.residents.search(query) == []
    assert fts_query(query) is None


@pytest.mark.parametrize(
    ("query", "finds_martin"),
    [
        ('"', False),
        ('mar"tin', False),
        ("martin*", True),
        ("NOT martin", False),
        ("martin OR", False),
        ("AND", False),
        ("(martin", True),
        ("martin:", True),
        ("NEAR(a b)", False),
        ("^martin", True),
    ],
)
def test_fts_syntax_in_the_query_is_harmless(store, people, query, finds_martin):
    expected = [people["marie"].id] if finds_martin else []
    assert found(store, query) == expected


def test_fts_query_quotes_every_word_as_a_prefix():
    assert fts_query("Ben Saïd") == '"ben"* AND "said"*'
    assert fts_query("NOT") == '"not"*'


def test_whole_word_comes_before_prefix(store):
    martinez = add(store, "Ana", "Martinez")
    martineau = add(store, "Luc", "Martineau")
    martin = add(store, "Paul", "Martin")
    assert found(store, "martin") == [martin.id, martineau.id, martinez.id]


def test_whole_word_wins_over_recent_activity(store):
    martinez = add(store, "Ana", "Martinez")
    martin = add(store, "Paul", "Martin")
    helped(store, martinez, "2026-03-14")
    helped(store, martin, "2025-01-02")
    assert found(store, "martin") == [martin.id, martinez.id]


def test_more_whole_words_rank_higher(store):
    partial = add(store, "Marielle", "Dupont")
    both = add(store, "Marie", "Dupont")
    assert found(store, "marie dupont") == [both.id, partial.id]
    assert found(store, "mari dupont") == [both.id, partial.id]
    assert found(store, "dupont marie")[0] == both.id


def test_among_equals_the_most_recently_helped_comes_first(store):
    old = add(store, "Anne", "Martin")
    recent = add(store, "Zoé", "Martin")
    never = add(store, "Bruno", "Martin")
    helped(store, old, "2025-06-01")
    helped(store, recent, "2026-03-10")
    assert found(store, "martin") == [recent.id, old.id, never.id]


def test_then_alphabetical_order(store):
    zoe = add(store, "Zoé", "Martin")
    adam = add(store, "Adam", "Martin")
    elodie = add(store, "Élodie", "Martin")
    assert found(store, "martin") == [adam.id, elodie.id, zoe.id]


def test_hit_carries_what_the_list_shows(store):
    resident = add(store, "Marie", "Dupont", birth_year=1950, commune="Lyon")
    helped(store, resident, "2026-03-10")
    (hit,) = store.residents.search("dupont")
    assert (hit.id, hit.first_name, hit.last_name, hit.birth_year, hit.commune) == (
        resident.id,
        "Marie",
        "Dupont",
        1950,
        "Lyon",
    )
    assert hit.last_activity == "2026-03-10"


def test_limit_is_respected(store):
    made = [add(store, f"Personne{i:02d}", "Martin") for i in range(25)]
    assert len(store.residents.search("martin", limit=10)) == 10
    assert len(store.residents.search("martin", limit=1)) == 1
    assert len(store.residents.search("martin")) == len(made)
    assert found(store, "martin", limit=3) == [resident.id for resident in made[:3]]


def test_merged_resident_is_shown_once_as_its_target(store):
    target = add(store, "Martine", "Dupond", phone="0612345678")
    source = add(store, "Martine", "Dupont")
    store.residents.merge(source.id, target.id)
    assert found(store, "martine") == [target.id]


def test_search_for_a_merged_sources_name_finds_the_target(store):
    target = add(store, "Fatima", "Benali")
    source = add(store, "Fatma", "Ben Ali")
    store.residents.merge(source.id, target.id)
    assert found(store, "fatma") == [target.id]
    assert found(store, "ben ali") == [target.id]
    assert found(store, "fatima") == [target.id]
    (hit,) = store.residents.search("fatma")
    assert hit.first_name == "Fatima"


def test_chained_merges_show_the_final_target(store):
    first = add(store, "Ana", "Souza")
    second = add(store, "Ana", "Sousa")
    third = add(store, "Anna", "Souza")
    store.residents.merge(first.id, second.id)
    store.residents.merge(second.id, third.id)
    assert found(store, "souza") == [third.id]
    assert found(store, "sousa") == [third.id]
    assert store.residents.shown(first.id) == third.id


def test_renaming_reindexes(store):
    resident = add(store, "Marie", "Dupont")
    store.residents.update(replace(resident, last_name="Durand"), today=TODAY)
    assert found(store, "dupont") == []
    assert found(store, "durand") == [resident.id]


def test_last_activity_follows_the_newest_session(store):
    resident = add(store, "Marie", "Dupont")
    helped(store, resident, "2026-03-10")
    helped(store, resident, "2026-01-05")
    assert store.residents.search("dupont")[0].last_activity == "2026-03-10"


def test_last_activity_after_a_merge_includes_the_sources_sessions(store):
    target = add(store, "Marie", "Dupont")
    source = add(store, "Marie", "Dupond")
    helped(store, target, "2026-01-05")
    helped(store, source, "2026-03-10")
    store.residents.merge(source.id, target.id)
    assert store.residents.search("dupont")[0].last_activity == "2026-03-10"


def test_last_activity_after_deleting_the_newest_session(store):
    resident = add(store, "Marie", "Dupont")
    helped(store, resident, "2026-01-05")
    store.sessions.create(
        SupportSession(date="2026-03-10", themes=("email",), resident_id=resident.id),
        today=TODAY,
    )
    newest = store.sessions.for_resident(resident.id)[0]
    store.sessions.delete(newest.id)
    assert store.residents.search("dupont")[0].last_activity == "2026-01-05"


def test_last_activity_after_correcting_a_sessions_date(store):
    resident = add(store, "Marie", "Dupont")
    helped(store, resident, "2026-03-10")
    session = store.sessions.for_resident(resident.id)[0]
    store.sessions.update(replace(session, date="2026-02-01"), today=TODAY)
    assert store.residents.search("dupont")[0].last_activity == "2026-02-01"


def test_last_activity_after_moving_a_session_to_another_resident(store):
    wrong = add(store, "Marie", "Dupont")
    right = add(store, "Jeanne", "Dupont")
    helped(store, wrong, "2026-03-10")
    session = store.sessions.for_resident(wrong.id)[0]
    store.sessions.update(replace(session, resident_id=right.id), today=TODAY)
    activity = {hit.id: hit.last_activity for hit in store.residents.search("dupont")}
    assert activity == {wrong.id: None, right.id: "2026-03-10"}


def test_rebuilding_the_index_gives_the_same_results(store, people):
    helped(store, people["marie"], "2026-03-01")
    store.residents.merge(people["helene"].id, people["marie"].id)
    queries = ["helene", "martin", "dupont", "daubigne", "ben said", "محمد", "a", "k"]
    before = {query: store.residents.search(query) for query in queries}
    index_before = store.conn.execute("SELECT * FROM resident_index ORDER BY 1").fetchall()
    with store.conn:
        rebuild_index(store.conn)
    assert {query: store.residents.search(query) for query in queries} == before
    assert store.conn.execute("SELECT * FROM resident_index ORDER BY 1").fetchall() == index_before


def test_one_letter_query_is_bounded(store):
    for i in range(30):
        add(store, f"Awa{i}", "Diallo")
    assert len(store.residents.search("a", limit=5)) == 5
    assert CANDIDATE_LIMIT >= 200
