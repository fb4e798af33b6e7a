"""La Coop's duplicate rule over thousands of rows at once.

``Residents.probable_duplicates`` asks the search index once per person: right for one
resident at the desk, too slow for 20,000 rows that must also be compared with each
other. ``DuplicateFinder`` holds the same folded keys the index holds (read from it, so a
merged record counts as the resident it was merged into) and the rows already seen, in
memory, and applies the same rule (``domain.duplicates.compare_keys``).

Candidates are found by blocking: two people the rule matches share a phone, an e-mail,
or a similar last name (each of the rule's pairs of criteria holds one of those three).
Similar names are equal, or one typing slip apart; both then share a key among
themselves and their one-letter deletions, so the blocking misses no pair the rule
matches.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from mediator_app.domain.duplicates import DuplicateEvidence, DuplicateKeys, compare_keys
from mediator_app.domain.text import SORT_KEY_SEPARATOR

if TYPE_CHECKING:
    from mediator_app.store.database import Store

#: Names shorter than this are similar only when equal (``domain.duplicates``).
_SLIP_MIN_LENGTH = 5

Owner = TypeVar("Owner", bound=Hashable)


@dataclass(frozen=True)
class Found(Generic[Owner]):
    """Someone the rule says may be the same person, and the evidence."""

    owner: Owner
    evidence: DuplicateEvidence


class DuplicateFinder(Generic[Owner]):
    """Keys of people known so far, each under an *owner* (a resident id, a row number),
    and a ``find`` that applies the duplicate rule to them."""

    def __init__(self) -> None:
        self._keys: list[DuplicateKeys] = []
        self._owners: list[Owner] = []
        self._by_phone: dict[str, list[int]] = {}
        self._by_email: dict[str, list[int]] = {}
        self._by_last_name: dict[str, list[int]] = {}

    @classmethod
    def of_store(cls, store: Store) -> DuplicateFinder[str]:
        """The residents of the desk, as the search index folds them; each under the id
        it is shown as (a merged record under its target)."""
        finder: DuplicateFinder[str] = DuplicateFinder()
        for shown_id, key, phone, email in store.conn.execute(
            "SELECT shown_id, sort_key, phone, email FROM resident_index ORDER BY resident_id"
        ):
            last, _separator, first = key.partition(SORT_KEY_SEPARATOR)
            finder.add(
                DuplicateKeys(last.replace(" ", ""), first.replace(" ", ""), phone, email),
                shown_id,
            )
        return finder

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, keys: DuplicateKeys, owner: Owner) -> None:
        position = len(self._keys)
        self._keys.append(keys)
        self._owners.append(owner)
        if keys.phone:
            self._by_phone.setdefault(keys.phone, []).append(position)
        if keys.email:
            self._by_email.setdefault(keys.email, []).append(position)
        for variant in _name_variants(keys.last_name):
            self._by_last_name.setdefault(variant, []).append(position)

    def find(self, keys: DuplicateKeys) -> list[Found[Owner]]:
        """Everyone the rule matches with ``keys``, once per owner with the strongest
        evidence, strongest first (then in the order they were added)."""
        positions: set[int] = set()
        if keys.phone:
            positions.update(self._by_phone.get(keys.phone, ()))
        if keys.email:
            positions.update(self._by_email.get(keys.email, ()))
        for variant in _name_variants(keys.last_name):
            positions.update(self._by_last_name.get(variant, ()))
        best: dict[Owner, tuple[int, DuplicateEvidence]] = {}
        for position in sorted(positions):
            evidence = compare_keys(keys, self._keys[position])
            if not evidence.is_probable_duplicate:
                continue
            owner = self._owners[position]
            held = best.get(owner)
            if held is None or evidence.score > held[1].score:
                best[owner] = (position if held is None else held[0], evidence)
        ranked = sorted(best.items(), key=lambda item: (-item[1][1].score, item[1][0]))
        return [Found(owner, evidence) for owner, (_position, evidence) in ranked]


def _name_variants(joined: str) -> set[str]:
    """A folded name and, when long enough for a slip to count, each way of deleting
    one of its letters: two names one slip apart (a letter changed, added, dropped or
    two swapped) always share one of these."""
    if not joined:
        return set()
    if len(joined) < _SLIP_MIN_LENGTH:
        return {joined}
    return {joined, *(joined[:i] + joined[i + 1 :] for i in range(len(joined)))}
