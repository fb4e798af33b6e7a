"""Three desks of a centre, each a real database, edit apart and exchange bundles in any
order: whatever happens, they end with the same data and the same conflicts, erased
residents are gone everywhere, and a refused or interrupted import changes nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from mediator_app.domain.clock import HybridLogicalClock
from mediator_app.domain.resident import Resident
from mediator_app.domain.session import SupportSession
from mediator_app.store import open_store
from mediator_app.store.changes import SYNCED_TABLES
from mediator_app.sync.conflicts import open_conflicts, resolve
from mediator_app.sync.desk_sync import SyncFolders, export_bundle, import_files, waiting_files
from mediator_app.sync.exchange import apply_bundle, outgoing, plan
from mediator_app.sync.keys import card_for_this_desk, enroll
from mediator_app.sync.merge import MergeError

CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}
DESKS = 3
NAMES = ("Hélène", "Karim", "Thị", "Zoé", "Ana")
COMMUNES = ("Salon-de-Provence", "Lyon", "Grans", "Miramas")
DAY_MS = 86_400_000


def table_rows(store) -> dict[str, list[tuple]]:
    return {
        table: store.conn.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
        for table in SYNCED_TABLES
    }


def conflict_rows(store) -> list[tuple]:
    return store.conn.execute(
        "SELECT table_name, row_id, field, hlc, desk_id, seq, value FROM sync_conflict "
        "ORDER BY table_name, row_id, field, hlc, desk_id, seq"
    ).fetchall()


def fingerprint(store) -> str:
    """A hash of everything a desk holds: the tables, the log, conflicts and acks."""
    digest = hashlib.sha256()
    for table in (*SYNCED_TABLES, "change_log", "sync_conflict", "sync_ack", "tombstone"):
        for row in store.conn.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2, 3'):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def carried(bundle: tuple[dict, list[dict]]) -> tuple[dict, list[dict]]:
    """A bundle as it arrives: through JSON, like the file."""
    manifest, records = bundle
    return json.loads(json.dumps(manifest)), [json.loads(json.dumps(r)) for r in records]


class ThreeDesks(RuleBasedStateMachine):
    residents = Bundle("residents")
    bundles = Bundle("bundles")
    files = Bundle("files")

    @initialize(target=residents)
    def open_desks(self) -> str:
        self.folder = Path(tempfile.mkdtemp(prefix="passerelle-sync-"))
        self.desks = []
        for number in range(DESKS):
            store = open_store(self.folder / f"desk{number}.db")
            store.ensure_desk(name=f"Desk {number}", centre_name="Centre", configured=True)
            # Durability is not what is tested here: skip the disk flushes.
            store.conn.execute("PRAGMA synchronous = OFF")
            self.desks.append(store)
        # The others join the first desk's centre, then every desk enrols every other.
        first_card = card_for_this_desk(self.desks[0])
        for store in self.desks[1:]:
            enroll(store, first_card)
        cards = [card_for_this_desk(store) for store in self.desks]
        for store, own in zip(self.desks, cards, strict=True):
            for card in cards:
                if card is not own:
                    enroll(store, card)
        self.folders = [
            SyncFolders(self.folder / f"desk{number}.sync").make() for number in range(DESKS)
        ]
        self.erased: set[str] = set()
        self.waiting: list[list[tuple[dict, list[dict]]]] = [[] for _ in range(DESKS)]
        # One resident every desk knows from the start, for edits that meet.
        shared = self.desks[0].residents.create(
            Resident(first_name="Hélène", last_name="Partagée", **CONSENT)
        )
        self._converge()
        return shared.id

    def teardown(self) -> None:
        for store in getattr(self, "desks", []):
            store.close()
        shutil.rmtree(getattr(self, "folder", ""), ignore_errors=True)

    # Edits ----------------------------------------------------------------------------

    @rule(target=residents, desk=st.integers(0, DESKS - 1), name=st.sampled_from(NAMES))
    def create_resident(self, desk: int, name: str) -> str:
        return (
            self.desks[desk]
            .residents.create(Resident(first_name=name, last_name="Martin", **CONSENT))
            .id
        )

    @rule(desk=st.integers(0, DESKS - 1), resident=residents,
          commune=st.sampled_from(COMMUNES))  # fmt: skip
    def edit_commune(self, desk: int, resident: str, commune: str) -> None:
        store = self.desks[desk]
        if self._holds(store, resident):
            store.residents.update(replace(store.residents.get(resident), commune=commune))

    @rule(desk=st.integers(0, DESKS - 1), resident=residents)
    def log_session(self, desk: int, resident: str) -> None:
        store = self.desks[desk]
        if self._holds(store, resident):
            store.sessions.create(
                SupportSession(date="2026-11-02", duration_min=30, themes=("email",),
                               resident_id=resident),
            )  # fmt: skip

    @rule(resident=residents, desks=st.permutations(range(DESKS)),
          communes=st.lists(st.sampled_from(COMMUNES), min_size=2, max_size=2))  # fmt: skip
    def edit_on_two_desks(self, resident: str, desks: list[int], communes: list[str]) -> None:
        """Two desks edit the same field without seeing each other's edit."""
        for desk, commune in zip(desks[:2], communes, strict=True):
            self.edit_commune(desk, resident, commune)

    @rule(resident=residents, desks=st.permutations(range(DESKS)))
    def erase_while_another_desk_edits(self, resident: str, desks: list[int]) -> None:
        """One desk erases a resident while another, not knowing, helps them again."""
        self.log_session(desks[1], resident)
        self.edit_commune(desks[1], resident, COMMUNES[0])
        self.erase(desks[0], resident)

    @rule(desk=st.integers(0, DESKS - 1), resident=residents)
    def erase(self, desk: int, resident: str) -> None:
        store = self.desks[desk]
        if self._holds(store, resident):
            store.residents.erase(resident)
            self.erased.add(resident)

    @rule(desk=st.integers(0, DESKS - 1), days=st.integers(-40, 40))
    def skew_clock(self, desk: int, days: int) -> None:
        """The desk's clock goes wrong by days; later edits carry wrong times."""
        store = self.desks[desk]
        offset = days * DAY_MS
        store._clock = HybridLogicalClock(
            store._clock.last, wall_ms=lambda: HybridLogicalClock()._wall_ms() + offset
        )

    @rule(desk=st.integers(0, DESKS - 1), pick=st.integers(0, 10))
    def resolve_a_conflict(self, desk: int, pick: int) -> None:
        store = self.desks[desk]
        conflicts = open_conflicts(store.conn)
        if conflicts:
            conflict = conflicts[pick % len(conflicts)]
            chosen = conflict.versions[pick % len(conflict.versions)].value
            resolve(store, conflict.table_name, conflict.row_id, conflict.field, chosen)

    # Exchanges ------------------------------------------------------------------------

    @rule(target=bundles, desk=st.integers(0, DESKS - 1), everything=st.booleans())
    def export(self, desk: int, everything: bool):
        store = self.desks[desk]
        others = [] if everything else [self.desks[d].ensure_desk().id for d in range(DESKS)
                                        if d != desk]  # fmt: skip
        manifest, records = outgoing(store, others)
        return carried((manifest, list(records)))

    @rule(desk=st.integers(0, DESKS - 1), bundle=bundles)
    def import_bundle(self, desk: int, bundle) -> None:
        self._import(desk, bundle)

    @rule(target=files, desk=st.integers(0, DESKS - 1))
    def export_file(self, desk: int) -> Path:
        """A real bundle file: signed, encrypted, as it travels."""
        return export_bundle(self.desks[desk], self.folder / "shared", force=True)

    @rule(desk=st.integers(0, DESKS - 1), file=files)
    def import_file(self, desk: int, file: Path) -> None:
        folders = self.folders[desk]
        results = import_files(self.desks[desk], [file, *waiting_files(folders)], folders)
        assert all(result.status != "refused" for result in results)

    @rule(desk=st.integers(0, DESKS - 1), file=files, offset=st.integers(0, 10**6),
          truncate=st.booleans())  # fmt: skip
    def damaged_file(self, desk: int, file: Path, offset: int, truncate: bool) -> None:
        """A bundle cut short or with one byte flipped is refused; nothing changes."""
        data = bytearray(file.read_bytes())
        position = offset % len(data)
        if truncate:
            del data[position:]
        else:
            data[position] ^= 0x01
        damaged = self.folder / "damaged" / file.name
        damaged.parent.mkdir(exist_ok=True)
        damaged.write_bytes(bytes(data))
        store = self.desks[desk]
        before = fingerprint(store)
        [result] = import_files(store, [damaged], self.folders[desk])
        assert result.status == "refused"
        assert fingerprint(store) == before

    @rule(desk=st.integers(0, DESKS - 1), bundle=bundles, cut=st.integers(0, 50))
    def crash_in_the_middle(self, desk: int, bundle, cut: int) -> None:
        """The import stops after ``cut`` changes (power lost): nothing of it stays."""
        store = self.desks[desk]
        manifest, records = bundle
        if plan(store, manifest).action != "apply" or cut >= len(records):
            return
        before = fingerprint(store)

        def interrupted():
            yield from records[:cut]
            raise OSError("power lost")

        with pytest.raises(OSError):
            apply_bundle(store, manifest, interrupted())
        assert fingerprint(store) == before

    @rule(desk=st.integers(0, DESKS - 1), bundle=bundles, position=st.integers(0, 50))
    def forged_gap(self, desk: int, bundle, position: int) -> None:
        """A bundle whose changes skip a sequence number is refused whole."""
        store = self.desks[desk]
        manifest, records = bundle
        if plan(store, manifest).action != "apply" or len(records) < 2:
            return
        records = [dict(record) for record in records]
        victim = records[position % len(records)]
        victim["seq"] = victim["seq"] + 1000
        before = fingerprint(store)
        with pytest.raises(MergeError):
            apply_bundle(store, manifest, records)
        assert fingerprint(store) == before

    @precondition(lambda self: hasattr(self, "desks"))
    @rule()
    def everyone_imports_everything(self) -> None:
        self._converge()

    def _import(self, desk: int, bundle) -> None:
        store = self.desks[desk]
        manifest, records = bundle
        result = apply_bundle(store, manifest, records)
        if result.status == "wait":
            self.waiting[desk].append(bundle)
        elif result.status == "applied":
            self._retry_waiting(desk)

    def _retry_waiting(self, desk: int) -> None:
        progress = True
        while progress:
            progress = False
            for bundle in list(self.waiting[desk]):
                result = apply_bundle(self.desks[desk], *bundle)
                if result.status != "wait":
                    self.waiting[desk].remove(bundle)
                    progress = progress or result.status == "applied"

    def _converge(self) -> None:
        """Every desk sends everything to every other until nothing moves; then they
        must hold the same data and the same conflicts."""
        for _round in range(DESKS + 1):
            for source in range(DESKS):
                bundle = carried((lambda m, r: (m, list(r)))(*outgoing(self.desks[source], [])))
                for target in range(DESKS):
                    if target != source:
                        self._import(target, bundle)
        reference = table_rows(self.desks[0])
        conflicts = conflict_rows(self.desks[0])
        for store in self.desks[1:]:
            assert table_rows(store) == reference
            assert conflict_rows(store) == conflicts
        for store in self.desks:
            for resident in self.erased:
                assert not self._holds(store, resident)
                for table in ("support_session", "skill_assessment", "registration"):
                    assert not store.conn.execute(
                        f"SELECT 1 FROM {table} WHERE resident_id = ?", (resident,)
                    ).fetchone()
                assert not store.conn.execute(
                    "SELECT 1 FROM resident_index WHERE resident_id = ?", (resident,)
                ).fetchone()

    @staticmethod
    def _holds(store, resident: str) -> bool:
        return (
            store.conn.execute(
                "SELECT 1 FROM resident WHERE id = ? AND merged_into IS NULL", (resident,)
            ).fetchone()
            is not None
        )

    @invariant()
    def databases_are_sound(self) -> None:
        for store in getattr(self, "desks", []):
            assert store.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    @invariant()
    def importing_twice_changes_nothing(self) -> None:
        # Checked cheaply on each step for the bundles a desk already applied.
        for store in getattr(self, "desks", []):
            applied = store.conn.execute(
                "SELECT COUNT(*) FROM bundle_log WHERE status = 'applied' "
                "GROUP BY bundle_id HAVING COUNT(*) > 1"
            ).fetchall()
            assert applied == []


ThreeDesks.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_three_desks_converge = ThreeDesks.TestCase


def test_two_edits_of_one_field_are_one_conflict_resolved_once(tmp_path):
    desks = []
    for number in range(3):
        store = open_store(tmp_path / f"d{number}.db")
        store.ensure_desk(name=f"Desk {number}")
        desks.append(store)
    centre = desks[0].ensure_desk().centre_id
    for store in desks[1:]:
        store.conn.execute("UPDATE desk SET centre_id = ?", (centre,))

    def send(source, target):
        manifest, records = outgoing(source, [])
        return apply_bundle(target, *carried((manifest, list(records))))

    helene = desks[0].residents.create(Resident(first_name="Hélène", last_name="Petit", **CONSENT))
    for target in desks[1:]:
        send(desks[0], target)
    for store, commune in zip(desks[:2], ("Lyon", "Grans"), strict=True):
        store.residents.update(replace(store.residents.get(helene.id), commune=commune))
    for source in desks:
        for target in desks:
            if source is not target:
                send(source, target)
    [shown] = {store.residents.get(helene.id).commune for store in desks}
    for store in desks:
        [conflict] = open_conflicts(store.conn)
        assert {v.value for v in conflict.versions} == {"Lyon", "Grans"}
        assert conflict.shown == shown
    resolve(desks[2], "resident", helene.id, "commune", "Salon-de-Provence")
    for source in desks:
        for target in desks:
            if source is not target:
                send(source, target)
    for store in desks:
        assert open_conflicts(store.conn) == []
        assert store.residents.get(helene.id).commune == "Salon-de-Provence"
        store.close()
