"""Resident search: a folded-name FTS5 index kept in step with the resident table.

Names are folded in Python (``domain.text``) before they reach FTS5, which cannot fold
ı, đ, œ, ß, ø or ł, and would split ``D'Aubigné`` so that ``daubigne`` misses. A merged
resident stays indexed under its own names but is shown as the resident it was merged
into.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mediator_app.domain.duplicates import DuplicateKeys
from mediator_app.domain.text import (
    SORT_KEY_SEPARATOR,
    joined_name,
    name_words,
    normalise_email,
    normalise_phone,
    search_terms,
    sort_key,
)
from mediator_app.store.changes import Change
from mediator_app.store.driver import sqlite3

#: How many index hits are ranked for one query; ranking a bounded set keeps a one-letter
#: query as fast as a long one.
CANDIDATE_LIMIT = 3000


@dataclass(frozen=True)
class SearchHit:
    """A resident found by a search, with what the result list shows."""

    id: str
    first_name: str
    last_name: str
    birth_year: int | None
    commune: str
    last_activity: str | None


#: The date a resident was last helped: a support session, or a workshop attended.
_LAST_ACTIVITY_SQL = (
    "SELECT MAX(day) FROM ("
    "SELECT MAX(date) AS day FROM support_session WHERE resident_id = :resident "
    "UNION ALL SELECT MAX(o.date) FROM registration r "
    "JOIN workshop_occurrence o ON o.id = r.occurrence_id "
    "WHERE r.resident_id = :resident AND r.attendance IN ('present', 'late'))"
)


#: The resident fields the index is made of: an edit of another field leaves it as is.
INDEXED_FIELDS = frozenset(
    {"first_name", "last_name", "phone", "email", "merged_into", "anonymised_at"}
)
#: Anonymised residents have no name to sort by: they come after everyone, in the order
#: of their ids (unique, so that the list's pages never overlap).
ANONYMISED_SORT_PREFIX = "\U0010ffff"


def on_change(conn: sqlite3.Connection, change: Change, before: dict[str, Any] | None) -> None:
    """Keep the index in step with the changes that touch it (a change listener)."""
    if change.table_name == "resident":
        if change.op == "delete":
            drop_resident(conn, change.row_id)
        elif change.op == "insert" or INDEXED_FIELDS & change.data.keys():
            index_resident(conn, change.row_id)
            if change.data.get("merged_into"):
                _reindex_absorbed(conn, change.data["merged_into"])
    elif change.table_name in ("support_session", "registration") and (
        change.op == "delete" or {"date", "resident_id", "attendance"} & change.data.keys()
    ):
        # The residents the row left and joined both get their last activity anew.
        affected = {(before or {}).get("resident_id")}
        row = conn.execute(
            f"SELECT resident_id FROM {change.table_name} WHERE id = ?", (change.row_id,)
        ).fetchone()
        affected.add(row[0] if row else None)
        for resident_id in affected - {None}:
            refresh_last_activity(conn, resident_id)
    elif change.table_name == "workshop_occurrence" and "date" in change.data:
        for (resident_id,) in conn.execute(
            "SELECT resident_id FROM registration WHERE occurrence_id = ?", (change.row_id,)
        ).fetchall():
            refresh_last_activity(conn, resident_id)


def refresh_last_activity(conn: sqlite3.Connection, resident_id: str) -> None:
    """Set a resident's last activity to the date it was last helped (or none)."""
    conn.execute(
        f"UPDATE resident_index SET last_activity = ({_LAST_ACTIVITY_SQL}) "
        "WHERE resident_id = :resident",
        {"resident": resident_id},
    )


def index_resident(conn: sqlite3.Connection, resident_id: str) -> None:
    """(Re)build one resident's index rows from the resident table.

    Index rows have their own integer key, kept by ``VACUUM`` (the resident table's
    implicit rowid is not), which is also the FTS row's id.
    """
    row = conn.execute(
        "SELECT first_name, last_name, phone, email, merged_into, anonymised_at "
        "FROM resident WHERE id = ?",
        (resident_id,),
    ).fetchone()
    if row is None:
        drop_resident(conn, resident_id)
        return
    first_name, last_name, phone, email, merged_into, anonymised_at = row
    key = sort_key(last_name, first_name)
    if anonymised_at and not (first_name or last_name):
        key = ANONYMISED_SORT_PREFIX + resident_id
    shown_id = _final_target(conn, merged_into) if merged_into else resident_id
    (last_activity,) = conn.execute(_LAST_ACTIVITY_SQL, {"resident": resident_id}).fetchone()
    (rowid,) = conn.execute(
        "INSERT INTO resident_index (resident_id, shown_id, sort_key, phone, email, "
        "last_activity) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (resident_id) DO "
        "UPDATE SET shown_id = excluded.shown_id, sort_key = excluded.sort_key, "
        "phone = excluded.phone, email = excluded.email, "
        "last_activity = excluded.last_activity RETURNING resident_rowid",
        (
            resident_id,
            shown_id,
            key,
            normalise_phone(phone),
            normalise_email(email),
            last_activity,
        ),
    ).fetchone()
    conn.execute("DELETE FROM resident_fts WHERE rowid = ?", (rowid,))
    conn.execute(
        "INSERT INTO resident_fts (rowid, terms, endings) VALUES (?, ?, ?)",
        (
            rowid,
            " ".join(search_terms(first_name, last_name)),
            " ".join(joined_name(name)[::-1] for name in (first_name, last_name)),
        ),
    )


def rebuild_index(conn: sqlite3.Connection) -> None:
    """Rebuild the whole index from the resident table (after a bulk change or repair)."""
    conn.execute("DELETE FROM resident_fts")
    conn.execute("DELETE FROM resident_index")
    ids = [row[0] for row in conn.execute("SELECT id FROM resident ORDER BY rowid")]
    for resident_id in ids:
        index_resident(conn, resident_id)


def fts_query(text: str) -> str | None:
    """The FTS5 query for what was typed: every word as a prefix, all required.

    ``None`` when nothing searchable was typed.
    """
    words = name_words(text)
    if not words:
        return None
    return " AND ".join(f'"{word}"*' for word in words)


def search(conn: sqlite3.Connection, text: str, limit: int = 200) -> list[SearchHit]:
    """Residents whose names match ``text``, best first, merged records shown once as
    the resident they were merged into.

    Ranking: a word typed in full before a prefix (``martin`` puts Martin before
    Martinez), then the most recently helped, then alphabetical order.
    """
    query = fts_query(text)
    if query is None:
        return []
    words = set(name_words(text))
    candidates = conn.execute(
        "SELECT ri.shown_id, f.terms, shown.sort_key, shown.last_activity "
        "FROM resident_fts f "
        "JOIN resident_index ri ON ri.resident_rowid = f.rowid "
        "JOIN resident_index shown ON shown.resident_id = ri.shown_id "
        "WHERE f.terms MATCH ? LIMIT ?",
        (query, CANDIDATE_LIMIT),
    ).fetchall()
    # Rank on what the index already holds; fetch whole rows only for those shown.
    whole_words: dict[str, int] = {}
    keys: dict[str, tuple[str, str]] = {}
    for shown_id, terms, key, last_activity in candidates:
        matched = len(words.intersection(terms.split()))
        whole_words[shown_id] = max(whole_words.get(shown_id, 0), matched)
        keys[shown_id] = (key, last_activity or "")
    ranked = sorted(keys, key=lambda shown_id: keys[shown_id][0])
    ranked.sort(key=lambda shown_id: keys[shown_id][1], reverse=True)
    ranked.sort(key=lambda shown_id: whole_words[shown_id], reverse=True)
    return _fetch_hits(conn, ranked[:limit])


def probable_duplicate_candidates(
    conn: sqlite3.Connection, first_name: str, last_name: str, phone: str, email: str
) -> list[tuple[str, DuplicateKeys]]:
    """Residents that may match on at least one criterion of the duplicate rule, with
    their folded keys and the id they are shown under (a merged record counts as its
    target); the rule itself (``domain.duplicates``) decides."""
    found: set[str] = set()
    for column, key in (("phone", normalise_phone(phone)), ("email", normalise_email(email))):
        if key:
            found.update(
                row[0]
                for row in conn.execute(
                    f"SELECT resident_id FROM resident_index WHERE {column} = ?", (key,)
                )
            )
    # Without a shared contact, the rule needs both names similar. Names one typing
    # slip apart share their first three letters or their last three.
    name_clauses = []
    for name in (last_name, first_name):
        joined = joined_name(name)
        if len(joined) < 2:
            name_clauses = []
            break
        ways = [f'terms : "{joined[:3]}"*']
        if len(joined) >= 5:
            ways.append(f'endings : "{joined[::-1][:3]}"*')
        name_clauses.append("(" + " OR ".join(ways) + ")")
    if name_clauses:
        found.update(
            row[0]
            for row in conn.execute(
                "SELECT ri.resident_id FROM resident_fts f JOIN resident_index ri "
                "ON ri.resident_rowid = f.rowid WHERE resident_fts MATCH ?",
                (" AND ".join(name_clauses),),
            )
        )
    candidates: list[tuple[str, DuplicateKeys]] = []
    ids = sorted(found)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        placeholders = ", ".join("?" for _ in chunk)
        for shown_id, key, phone_key, email_key in conn.execute(
            "SELECT shown_id, sort_key, phone, email FROM resident_index "
            f"WHERE resident_id IN ({placeholders}) ORDER BY resident_id",
            chunk,
        ):
            last, _separator, first = key.partition(SORT_KEY_SEPARATOR)
            keys = DuplicateKeys(
                last.replace(" ", ""), first.replace(" ", ""), phone_key, email_key
            )
            candidates.append((shown_id, keys))
    return candidates


def _fetch_hits(conn: sqlite3.Connection, ids: list[str]) -> list[SearchHit]:
    """The residents ``ids`` (at most a few hundred), in the order given."""
    if not ids:
        return []
    placeholders = ", ".join("?" for _ in ids)
    by_id = {
        row[0]: SearchHit(*row)
        for row in conn.execute(
            "SELECT r.id, r.first_name, r.last_name, r.birth_year, r.commune, "
            "ri.last_activity FROM resident r "
            "JOIN resident_index ri ON ri.resident_id = r.id "
            f"WHERE r.id IN ({placeholders})",
            ids,
        )
    }
    return [by_id[resident_id] for resident_id in ids if resident_id in by_id]


def _final_target(conn: sqlite3.Connection, resident_id: str) -> str:
    """Follow a chain of merges to the resident that absorbed them all."""
    seen = {resident_id}
    while True:
        row = conn.execute(
            "SELECT merged_into FROM resident WHERE id = ?", (resident_id,)
        ).fetchone()
        if row is None or row[0] is None or row[0] in seen:
            return resident_id
        resident_id = row[0]
        seen.add(resident_id)


def _reindex_absorbed(conn: sqlite3.Connection, target_id: str) -> None:
    """Point every resident merged, directly or not, into a record at its final target."""
    final = _final_target(conn, target_id)
    conn.execute(
        "WITH RECURSIVE absorbed(id) AS (SELECT id FROM resident WHERE merged_into = ? "
        "UNION SELECT r.id FROM resident r JOIN absorbed a ON r.merged_into = a.id) "
        "UPDATE resident_index SET shown_id = ? WHERE resident_id IN (SELECT id FROM absorbed)",
        (final, final),
    )


def drop_resident(conn: sqlite3.Connection, resident_id: str) -> None:
    """Take a resident out of the index (deleted or erased)."""
    row = conn.execute(
        "SELECT resident_rowid FROM resident_index WHERE resident_id = ?", (resident_id,)
    ).fetchone()
    if row:
        conn.execute("DELETE FROM resident_fts WHERE rowid = ?", (row[0],))
        conn.execute("DELETE FROM resident_index WHERE resident_rowid = ?", row)
