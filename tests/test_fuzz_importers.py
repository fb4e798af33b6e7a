"""Every reader of a file a person hands to Passerelle fed hostile files: arbitrary
bytes, random CSV text, truncated or garbled XLSX archives, damaged, forged and
malformed sync bundles, random files given as a backup or as the database, damaged
mapping, card, country and settings files. Each is read (and what it wrote reads back
as it was previewed) or refused with the app's own error and a message, and a refusal
leaves every table (and every file) as it was."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from mediator_app.domain.country_packs import CountryPack, CountryPackError
from mediator_app.domain.ids import new_id
from mediator_app.domain.resident import Consent, Resident
from mediator_app.domain.session import SupportSession
from mediator_app.domain.skills import Framework, FrameworkError
from mediator_app.importing.apply import Action, apply_import
from mediator_app.importing.errors import ImportFileError
from mediator_app.importing.mapping import (
    FIELDS,
    LACOOP_TEMPLATE,
    check_mapping,
    guess_mapping,
    load_mapping,
    mapping_from_json,
)
from mediator_app.importing.plan import Outcome, preview
from mediator_app.importing.reading import SheetRow, Table, read_csv_bytes, read_table
from mediator_app.importing.rows import birth_year_of, candidate_from_row
from mediator_app.settings import REGISTRY, Settings
from mediator_app.store import open_store
from mediator_app.store.backups import list_backups, make_backup, restore
from mediator_app.store.changes import SYNCED_TABLES, utc_now
from mediator_app.store.errors import StoreError
from mediator_app.store.schema import SCHEMA_VERSION
from mediator_app.sync.bundle_file import BundleError, open_bundle, write_bundle
from mediator_app.sync.desk_sync import SyncFolders, export_bundle, import_file
from mediator_app.sync.exchange import MIN_READER_SCHEMA, outgoing
from mediator_app.sync.keys import (
    DeskCard,
    card_for_this_desk,
    desk_keys,
    enroll,
    recipients_for,
    trusted_signer,
)
from tests.fuzz_helpers import (
    FUZZ,
    REFUSED,
    Template,
    assert_explained,
    examples,
    json_values,
    names,
    numbers,
    saved_or_refused,
    snapshot,
    texts,
)

TODAY = date(2026, 11, 29)
CONSENT = Consent(date(2026, 1, 5), "Nadia", "fr")
RESIDENT_CONSENT = {"consent_date": "2026-01-05", "consent_version": "2026-1"}

#: Files that are almost something: the start of a known format, then anything.
SIGNATURES = [
    b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
    b"SQLite format 3\x00", b"age-encryption.org/v1\n", b"{", b"[" * 3000, b"\x00" * 16,
]  # fmt: skip
hostile_bytes = st.one_of(
    st.binary(max_size=300),
    st.builds(bytes.__add__, st.sampled_from(SIGNATURES), st.binary(max_size=300)),
    st.text(max_size=200).map(str.encode),
)


def _refused_or(read, *refusals):
    """``read()``, or ``REFUSED`` once the refusal is checked to carry a message."""
    try:
        return read()
    except refusals as error:
        assert_explained(error)
        return REFUSED


# Spreadsheets --------------------------------------------------------------------------


@FUZZ
@given(data=hostile_bytes, suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".xls", ".ods", ""]))
def test_any_file_is_read_as_a_table_or_refused(tmp_path, data, suffix):
    path = tmp_path / f"residents{suffix}"
    path.write_bytes(data)
    table = _refused_or(lambda: read_table(path), ImportFileError)
    if table is not REFUSED:
        assert table.rows or table.headers
    assert path.read_bytes() == data


@cache
def _spreadsheet() -> bytes:
    """A real XLSX file of residents, with a merged title cell and typed cells."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Bénéficiaires"
    sheet.append(["Liste des personnes accompagnées"])
    sheet.merge_cells("A1:C1")
    sheet.append(list(LACOOP_TEMPLATE))
    sheet.append(["Petit", "Hélène", 1950, "Grans", "0612345678", "", "F", "", "", 13450])
    sheet.append(["Ben Saïd", "Karim", datetime(1988, 3, 2), "Lyon", 612345678.0, "k@x.fr"])
    sheet.append(["Nguyễn", "Thị", "31/12/1960", None, None, None, "Femme"])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


@st.composite
def damaged_spreadsheets(draw) -> bytes:
    """The real XLSX cut short, with bytes changed, or with a run of bytes inserted."""
    data = bytearray(_spreadsheet())
    kind = draw(st.sampled_from(["truncated", "flipped", "inserted"]))
    if kind == "truncated":
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    if kind == "flipped":
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] ^= draw(st.integers(1, 255))
        return bytes(data)
    at = draw(st.integers(0, len(data)))
    return bytes(data[:at]) + draw(st.binary(min_size=1, max_size=64)) + bytes(data[at:])


@FUZZ
@given(data=damaged_spreadsheets())
def test_a_damaged_spreadsheet_is_read_or_refused(tmp_path, data):
    path = tmp_path / "residents.xlsx"
    path.write_bytes(data)
    table = _refused_or(lambda: read_table(path), ImportFileError)
    if table is not REFUSED:
        assert table.kind in ("xlsx", "csv")


@FUZZ
@given(
    members=st.dictionaries(
        st.sampled_from(
            ["[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
             "xl/worksheets/sheet1.xml", "mimetype", "_rels/.rels"]
        ) | st.text(max_size=12),
        hostile_bytes,
        max_size=6,
    ),
    sheet=st.none() | texts,
)  # fmt: skip
def test_an_archive_of_any_members_is_read_or_refused(tmp_path, members, sheet):
    path = tmp_path / "residents.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name.replace("\x00", "") or "empty", data)
    _refused_or(lambda: read_table(path, sheet), ImportFileError)


# Rows and the import -------------------------------------------------------------------

cells = st.one_of(
    st.none(),
    texts,
    names,
    numbers,
    st.dates(),
    st.datetimes(),
    st.sampled_from(["1950", "31/12/1960", "1960-12-31", "F", "Homme", "13450", "06 12 34 56 78"]),
)


@FUZZ
@given(value=cells)
@examples("value", [10**400, -(10**400), float("nan"), 2_958_466, date.max])
def test_a_birth_year_cell_gives_a_year_or_a_reason(value):
    year, problem, _reduced = birth_year_of(value, TODAY)
    assert (year is None) or (problem is None)
    if year is not None:
        assert isinstance(year, int)
    if problem is not None:
        assert problem.render().strip()


@FUZZ
@given(
    row=st.lists(cells, max_size=10),
    mapping=st.dictionaries(st.integers(0, 11), st.sampled_from(FIELDS), max_size=8),
    country=st.sampled_from(["FR", "ES", "IT", "PT", ""]),
)
def test_a_row_becomes_a_resident_or_its_reasons(row, mapping, country):
    candidate = candidate_from_row(SheetRow(2, tuple(row)), mapping, today=TODAY, country=country)
    for problem in candidate.problems.values():
        assert problem.render().strip()
    if candidate.valid:
        resident = replace(candidate.resident, **RESIDENT_CONSENT)
        assert resident.validated(TODAY) == resident


@pytest.fixture
def desk_template(db_path) -> Template:
    """A desk holding Hélène, whom imported rows may duplicate."""
    store = open_store(db_path)
    try:
        store.ensure_desk(name="Desk 1", centre_name="Test centre", configured=True)
        store.residents.create(
            Resident(first_name="Hélène", last_name="Petit", phone="0612345678",
                     **RESIDENT_CONSENT),
            today=TODAY,
        )  # fmt: skip
    finally:
        store.close()
    return Template(db_path)


def _import_and_check(store, table: Table, skip_invalid: bool, duplicates: Action) -> None:
    """Preview and import ``table``: refused with nothing written, or each resident made
    as the preview showed it, valid, with the consent of the import."""
    mapping = guess_mapping(table.headers).mapping
    plan = saved_or_refused(store.conn, lambda: preview(store, table, mapping, today=TODAY))
    if plan is REFUSED:
        return
    result = saved_or_refused(
        store.conn,
        lambda: apply_import(
            store, plan, CONSENT, skip_invalid=skip_invalid, duplicates=duplicates, today=TODAY
        ),
    )
    if result is REFUSED:
        assert not skip_invalid and plan.with_outcome(Outcome.INVALID)
        return
    made = dict(
        store.conn.execute(
            "SELECT row_number, resident_id FROM import_item WHERE import_id = ? "
            "AND action = 'created'",
            (result.import_id,),
        ).fetchall()
    )
    for number, resident_id in made.items():
        saved = store.residents.get(resident_id)
        planned = plan.row(number)
        assert planned.outcome is not Outcome.INVALID
        assert saved.to_record() == replace(planned.resident, **CONSENT.as_fields()).to_record()
        assert saved.validated(TODAY) == saved


HEADERS = (
    list(LACOOP_TEMPLATE),
    ["Apellidos", "Nombre", "Fecha de nacimiento", "Sexo", "Teléfono", "Correo"],
    ["Cognome", "Nome", "Anno di nascita", "Comune", "CAP", "Cellulare", "Note"],
    ["Nom", "Nom", "Prénom", "Prénom", "Date de naissance", "Ville", "Situation"],
)


@FUZZ
@given(
    headers=st.sampled_from(HEADERS) | st.lists(texts, min_size=1, max_size=4),
    rows=st.lists(st.lists(st.none() | texts | names | cells.map(str), max_size=8), max_size=6),
    separator=st.sampled_from([";", ",", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    skip_invalid=st.booleans(),
    duplicates=st.sampled_from(list(Action)),
)
def test_a_csv_file_is_imported_as_previewed_or_refused(
    desk_template, headers, rows, separator, encoding, skip_invalid, duplicates
):
    import csv

    text = io.StringIO()
    writer = csv.writer(text, delimiter=separator)
    for line in [headers, *rows]:
        writer.writerow(["" if cell is None else cell for cell in line])
    data = text.getvalue().encode(encoding, errors="replace")
    table = _refused_or(lambda: read_csv_bytes(data, "residents.csv"), ImportFileError)
    if table is REFUSED:
        return
    with desk_template.copy() as store:
        _import_and_check(store, table, skip_invalid, duplicates)


@FUZZ
@given(
    rows=st.lists(st.lists(cells, max_size=10), min_size=1, max_size=5),
    skip_invalid=st.booleans(),
    duplicates=st.sampled_from(list(Action)),
)
def test_a_spreadsheet_of_any_cells_is_imported_as_previewed_or_refused(
    desk_template, rows, skip_invalid, duplicates
):
    table = Table(
        file_name="residents.xlsx",
        headers=LACOOP_TEMPLATE,
        header_row=1,
        rows=tuple(SheetRow(number, tuple(cells)) for number, cells in enumerate(rows, 2)),
        kind="xlsx",
    )
    with desk_template.copy() as store:
        _import_and_check(store, table, skip_invalid, duplicates)


# Mapping, card, country, framework and settings files ----------------------------------

mapping_documents = st.one_of(
    texts,
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {"format": st.just("passerelle-column-mapping"), "version": json_values},
        optional={"columns": st.lists(st.dictionaries(texts, json_values, max_size=4))},
    ).map(json.dumps),
    st.just("[" * 5000 + "]" * 5000),
)


@FUZZ
@given(
    document=mapping_documents,
    headers=st.lists(st.none() | texts | names, max_size=6),
    garbled=st.booleans(),
)
def test_a_mapping_file_is_read_or_refused(tmp_path, document, headers, garbled):
    from mediator_app.importing.errors import MappingError

    mapping = _refused_or(lambda: mapping_from_json(document, headers, "map.json"), MappingError)
    if mapping is not REFUSED:
        assert all(isinstance(index, int) and isinstance(field, str) for index, field in
                   mapping.items())  # fmt: skip
        _refused_or(lambda: check_mapping(mapping, len(headers)), MappingError)
    path = tmp_path / "map.json"
    path.write_bytes(document.encode() + (b"\xff\xfe\x00" if garbled else b""))
    _refused_or(lambda: load_mapping(path, headers), MappingError)


card_documents = st.one_of(
    hostile_bytes,
    json_values.map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries(
        {"format": st.just("passerelle-desk-card"), "version": st.just(1) | json_values},
        optional={
            name: json_values | texts
            for name in ("desk_id", "centre_id", "role", "name", "signing_key", "age_recipient")
        },
    ).map(lambda fields: json.dumps(fields).encode()),
    st.just(b"[" * 5000),
)


@FUZZ
@given(data=card_documents)
def test_a_card_file_is_read_or_refused(data):
    from mediator_app.sync.keys import CardError

    _refused_or(lambda: DeskCard.from_bytes(data), CardError)


@pytest.fixture
def card(tmp_path) -> DeskCard:
    other = open_store(tmp_path / "other.db")
    try:
        other.ensure_desk(name="Other desk", configured=True)
        return card_for_this_desk(other)
    finally:
        other.close()


@FUZZ
@given(
    name=texts | names,
    centre_id=st.none() | texts,
    role=st.sampled_from(["desk", "coordinator", "recovery"]),
)
def test_a_card_with_any_name_is_enrolled_or_refused(desk_template, card, name, centre_id, role):
    from mediator_app.sync.keys import CardError

    changed = replace(card, name=name, centre_id=centre_id or card.centre_id, role=role)
    if role == "recovery":
        changed = replace(changed, signing_key=None)
    read = _refused_or(lambda: DeskCard.from_bytes(changed.to_bytes()), CardError)
    if read is REFUSED:
        return
    assert read == changed
    with desk_template.copy() as store:
        peer = saved_or_refused(store.conn, lambda: enroll(store, read))
        if peer is not REFUSED:
            assert (peer.name, peer.role, peer.centre_id) == (name, role, read.centre_id)


@FUZZ
@given(
    document=hostile_bytes
    | json_values.map(lambda value: json.dumps(value).encode())
    | st.fixed_dictionaries(
        {"country": json_values | texts, "procedures": json_values},
        optional={"export_profile": json_values},
    ).map(lambda value: json.dumps(value).encode())
)
@examples("document", [b"[" * 5000, b'{"country": "FR", "procedures": 5}'])
def test_a_country_or_framework_file_is_read_or_refused(tmp_path, document):
    """Country packs and frameworks are written by partners: their errors speak to the
    person who wrote the file (``CountryPackError``, ``FrameworkError``)."""
    path = tmp_path / "XX.json"
    path.write_bytes(document)
    try:
        pack = CountryPack.load(path)
    except CountryPackError as error:
        assert str(error).strip()
    else:
        assert all(isinstance(name, str) and name for name in pack.procedures)
    try:
        Framework.load(path)
    except FrameworkError as error:
        assert str(error).strip()


settings_documents = st.one_of(
    hostile_bytes,
    json_values.map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries(
        {"version": json_values | st.integers(-2, 3)},
        optional={
            "values": json_values
            | st.dictionaries(st.sampled_from(sorted(REGISTRY)) | texts, json_values)
        },
    ).map(lambda value: json.dumps(value).encode()),
)


@FUZZ
@given(document=settings_documents)
@examples(
    "document",
    [b'{"version": [1]}', b'{"version": 1e400}', b'{"version": 1, "values": [1, 2]}', b"[" * 5000],
)
def test_a_settings_file_gives_settings_of_the_right_kinds(tmp_path, document):
    path = tmp_path / "settings.json"
    path.write_bytes(document)
    settings = Settings(path)
    for name, setting in REGISTRY.items():
        assert isinstance(settings[name], setting.kind)
    assert path.read_bytes() == document


# Sync bundles ----------------------------------------------------------------------------


class Desks:
    """Two desks of one centre, enrolled on each other: ``sender`` stays open to sign
    bundles; the receiver is a template, opened afresh for each example."""

    def __init__(self, folder: Path):
        receiver_path = folder / "receiver.db"
        self.sender = open_store(folder / "sender.db")
        self.sender.ensure_desk(name="Sender", centre_name="Centre", configured=True)
        receiver = open_store(receiver_path)
        try:
            receiver.ensure_desk(name="Receiver", centre_name="Centre", configured=True)
            enroll(receiver, card_for_this_desk(self.sender))
            enroll(self.sender, card_for_this_desk(receiver))
            self.receiver_id = receiver.ensure_desk().id
        finally:
            receiver.close()
        self.receiver = Template(receiver_path)
        helene = self.sender.residents.create(
            Resident(first_name="Hélène", last_name="Petit", **RESIDENT_CONSENT), today=TODAY
        )
        self.sender.residents.update(replace(helene, commune="Grans"), today=TODAY)
        self.sender.sessions.create(
            SupportSession(date="2026-11-02", themes=("email",), resident_id=helene.id),
            today=TODAY,
        )
        self.real_records = list(outgoing(self.sender, [])[1])
        self.bundle = export_bundle(self.sender, folder / "outbox")
        self.folder = folder

    def __repr__(self) -> str:
        return "Desks(sender, receiver)"


@pytest.fixture
def desks(tmp_path) -> Desks:
    made = Desks(tmp_path)
    yield made
    made.sender.close()


def _imported_or_refused(desks: Desks, path: Path) -> tuple[object, str]:
    """Import ``path`` on a fresh receiver; a refusal changes no table but the bundle
    log, which gains its line. Returns the result and the receiver's state."""
    with desks.receiver.copy() as store:
        folders = SyncFolders.beside(store.path)
        before = snapshot(store.conn, leave_out=("bundle_log",))
        logged = store.conn.execute("SELECT COUNT(*) FROM bundle_log").fetchone()[0]
        result = import_file(store, path, folders)
        event(f"bundle {result.status}")
        assert not store.conn.in_transaction
        if result.status == "refused":
            assert result.reason.strip()
            assert snapshot(store.conn, leave_out=("bundle_log",)) == before
            assert store.conn.execute("SELECT COUNT(*) FROM bundle_log").fetchone()[0] == (
                logged + 1
            )
            assert (folders.quarantine / path.name).exists()
        else:
            assert result.status in ("applied", "already", "wait")
            assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        return result, store.conn.execute("PRAGMA integrity_check").fetchone()[0]


@FUZZ
@given(data=hostile_bytes)
def test_any_file_given_as_a_bundle_is_refused(desks, data):
    path = desks.folder / "inbox" / "passerelle-x.passerelle"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    result, integrity = _imported_or_refused(desks, path)
    assert result.status == "refused"
    assert integrity == "ok"


@st.composite
def damaged_bundles(draw, original: bytes) -> bytes:
    data = bytearray(original)
    kind = draw(st.sampled_from(["truncated", "flipped", "inserted", "appended"]))
    if kind == "truncated":
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    if kind == "flipped":
        at = draw(st.integers(0, len(data) - 1))
        data[at] ^= draw(st.integers(1, 255))
        return bytes(data)
    extra = draw(st.binary(min_size=1, max_size=64))
    at = len(data) if kind == "appended" else draw(st.integers(0, len(data)))
    return bytes(data[:at]) + extra + bytes(data[at:])


@FUZZ
@given(data=st.data())
def test_a_damaged_bundle_is_refused(desks, data):
    damaged = data.draw(damaged_bundles(desks.bundle.read_bytes()))
    path = desks.folder / "inbox" / desks.bundle.name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(damaged)
    result, _integrity = _imported_or_refused(desks, path)
    assert result.status == "refused"


def _change_records(desks: Desks) -> st.SearchStrategy[list[dict]]:
    """Lines of a bundle: changes of the sender's desk, some right, most not."""
    sender = desks.sender.ensure_desk().id
    columns = {
        table: [row[1] for row in desks.sender.conn.execute(f'PRAGMA table_info("{table}")')]
        for table in SYNCED_TABLES
    }
    record = st.fixed_dictionaries(
        {
            "hlc": st.integers(1, 2**62) | numbers,
            "desk": st.just(sender) | texts,
            "tx": st.just(new_id()) | texts,
            "table": st.sampled_from(sorted(SYNCED_TABLES)),
            "row": st.sampled_from(["r1", "r2", new_id()]) | texts,
            "op": st.sampled_from(["insert", "update", "delete"]) | texts,
        },
        optional={"author": json_values, "base": json_values, "seq": numbers},
    )

    @st.composite
    def records(draw) -> list[dict]:
        made = []
        for position in range(draw(st.integers(0, 4))):
            line = draw(record)
            fields = columns[line["table"]] + ["nonexistent"]
            line["data"] = draw(
                st.dictionaries(st.sampled_from(fields), json_values | texts, max_size=5)
                | json_values
            )
            line.setdefault("seq", position + 1)
            made.append(line)
        return made

    @st.composite
    def altered(draw) -> list[dict]:
        """The sender's real changes, one or two values changed for anything."""
        made = [{**line, "data": dict(line["data"])} for line in desks.real_records]
        for _ in range(draw(st.integers(0, 2))):
            line = draw(st.sampled_from(made))
            name = draw(st.sampled_from([*sorted(line["data"]), "nonexistent"]))
            line["data"][name] = draw(json_values | texts | numbers)
        return made

    return records() | altered()


def _manifest(desks: Desks) -> st.SearchStrategy[dict]:
    desk = desks.sender.ensure_desk()
    valid = {
        "bundle_id": new_id(), "kind": "replication", "centre_id": desk.centre_id,
        "origin_desk": desk.id, "origin_name": desk.name, "schema_version": SCHEMA_VERSION,
        "min_reader_schema": MIN_READER_SCHEMA, "created_at": utc_now(), "ranges": {},
        "acks": {}, "counts": {},
    }  # fmt: skip
    return st.dictionaries(
        st.sampled_from(["bundle_id", "kind", "min_reader_schema", "ranges", "acks"]),
        json_values,
        max_size=2,
    ).map(lambda hostile: {**valid, **hostile, "bundle_id": new_id(), "origin_desk": desk.id})


@FUZZ
@given(data=st.data())
def test_a_signed_bundle_of_malformed_changes_is_refused_or_applied(desks, data):
    manifest = data.draw(_manifest(desks), label="manifest")
    records = data.draw(_change_records(desks), label="changes")
    path = desks.folder / "inbox" / f"passerelle-{new_id()}.passerelle"
    path.parent.mkdir(exist_ok=True)
    write_bundle(
        path,
        manifest,
        records,
        keys=desk_keys(desks.sender),
        recipients=recipients_for(desks.sender, "replication"),
    )
    _result, integrity = _imported_or_refused(desks, path)
    assert integrity == "ok"


@FUZZ
@given(data=hostile_bytes)
def test_any_file_opened_as_a_bundle_is_refused_with_a_message(desks, data):
    path = desks.folder / "any.passerelle"
    path.write_bytes(data)
    with desks.receiver.copy() as store:
        identities, trusted = [desk_keys(store).age_identity], trusted_signer(store)
        _refused_or(lambda: open_bundle(path, identities=identities, trusted=trusted), BundleError)


class CentreAndCoordinator:
    """A centre's desk, open to sign its exports, and the coordinator enrolled with it,
    a template opened afresh for each example."""

    def __init__(self, folder: Path):
        coordinator_path = folder / "coordinator.db"
        self.centre = open_store(folder / "centre.db")
        self.centre.ensure_desk(name="Accueil", centre_name="Centre", configured=True)
        coordinator = open_store(coordinator_path)
        try:
            coordinator.ensure_desk(name="Coordination", configured=True)
            coordinator.become_coordinator()
            enroll(self.centre, card_for_this_desk(coordinator))
            enroll(coordinator, card_for_this_desk(self.centre))
        finally:
            coordinator.close()
        self.coordinator = Template(coordinator_path)
        self.folder = folder

    def __repr__(self) -> str:
        return "CentreAndCoordinator()"


@pytest.fixture
def export_desks(tmp_path) -> CentreAndCoordinator:
    made = CentreAndCoordinator(tmp_path)
    yield made
    made.centre.close()


ACTIVITY = {
    "type": "activity", "id": "a1", "kind": "individual", "date": "2026-11-02",
    "duration_min": 30, "themes": ["email"], "admin_themes": [], "place_type": "",
    "device": "", "autonomy": None, "referred": False, "referral_to": None,
    "mediator_id": None, "workshop_title": "", "workshop_level": "", "place": "",
    "participants": [], "created_at": "", "updated_at": "",
}  # fmt: skip
export_lines = st.lists(
    st.one_of(
        st.dictionaries(st.sampled_from(sorted(ACTIVITY)), json_values, max_size=3).map(
            lambda hostile: {**ACTIVITY, **hostile}
        ),
        st.just(ACTIVITY).map(lambda line: {key: line[key] for key in ("type", "id")}),
        st.dictionaries(texts, json_values, max_size=3).map(
            lambda line: {"type": "progress", **line}
        ),
        st.dictionaries(texts, json_values, max_size=4),
    ),
    max_size=4,
)


@FUZZ
@given(
    hostile=st.dictionaries(
        st.sampled_from(["period", "created_at", "min_reader_schema", "start", "centre_name"]),
        json_values,
        max_size=2,
    ),
    lines=export_lines,
)
def test_a_signed_export_of_any_lines_is_taken_in_or_refused(export_desks, hostile, lines):
    from mediator_app.sync.coordinator import COORDINATOR_KIND, import_export

    desk = export_desks.centre.ensure_desk()
    manifest = {
        "bundle_id": new_id(), "kind": COORDINATOR_KIND, "centre_id": desk.centre_id,
        "centre_name": "Centre", "country": "FR", "origin_desk": desk.id,
        "origin_name": desk.name, "period": "2026-11", "start": "2026-11-01",
        "end": "2026-11-30", "schema_version": SCHEMA_VERSION,
        "min_reader_schema": MIN_READER_SCHEMA, "created_at": utc_now(), **hostile,
    }  # fmt: skip
    path = export_desks.folder / f"passerelle-export-{new_id()}.pbundle"
    write_bundle(
        path, manifest, lines, keys=desk_keys(export_desks.centre),
        recipients=recipients_for(export_desks.centre, "coordinator"),
    )  # fmt: skip
    with export_desks.coordinator.copy() as store:
        taken = saved_or_refused(store.conn, lambda: import_export(store, path))
        if taken is not REFUSED:
            assert taken.status in ("imported", "replaced", "older")
            assert taken.activities == sum(1 for line in lines if line.get("type") == "activity")


# Backups and the database file -----------------------------------------------------------


@pytest.fixture
def closed_database(tmp_path) -> tuple[Path, Path]:
    """A database with Hélène, closed, and a real backup of it."""
    path = tmp_path / "desk" / "passerelle.db"
    store = open_store(path)
    try:
        store.ensure_desk(name="Desk 1", configured=True)
        store.residents.create(
            Resident(first_name="Hélène", last_name="Petit", **RESIDENT_CONSENT), today=TODAY
        )
        backup = make_backup(store, tmp_path / "backups")
    finally:
        store.close()
    return path, backup


@st.composite
def hostile_backups(draw, real: bytes) -> bytes:
    kind = draw(st.sampled_from(["any", "truncated", "flipped"]))
    if kind == "any":
        return draw(hostile_bytes)
    data = bytearray(real)
    if kind == "truncated":
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] ^= draw(st.integers(1, 255))
    return bytes(data)


@FUZZ
@given(data=st.data())
def test_any_file_given_as_a_backup_is_restored_whole_or_refused(closed_database, data):
    database, backup = closed_database
    candidate_bytes = data.draw(hostile_backups(backup.read_bytes()))
    candidate = backup.with_name("candidate.db")
    candidate.write_bytes(candidate_bytes)
    before = database.read_bytes()
    aside = _refused_or(lambda: restore(database, candidate), StoreError)
    assert candidate.read_bytes() == candidate_bytes
    if aside is REFUSED:
        assert database.read_bytes() == before
        assert sorted(p.name for p in database.parent.iterdir()) == [database.name]
        return
    assert database.read_bytes() == candidate_bytes
    assert aside.read_bytes() == before
    aside.unlink()


@FUZZ
@given(data=hostile_bytes)
def test_any_file_opened_as_the_database_is_refused_unchanged(tmp_path, data):
    path = tmp_path / "given.db"
    path.write_bytes(data)
    store = _refused_or(lambda: open_store(path), StoreError)
    if store is not REFUSED:
        store.close()
        return
    assert path.read_bytes() == data


def _with_schema_text_damaged(real: bytes):
    """``real`` with one byte of its schema's text no longer UTF-8, at places where
    SQLite then quotes that text in its error message."""
    starts = [at for at in range(len(real)) if real.startswith(b"commune TEXT NOT NULL", at)]
    for start in starts:
        for offset in range(0, 200, 10):
            data = bytearray(real)
            data[start + offset] ^= 0x80
            yield bytes(data)


def test_a_database_whose_schema_text_is_not_utf8_is_refused(closed_database, tmp_path):
    """SQLite quotes the damaged bytes in its message: the driver's UnicodeDecodeError
    must still become the app's refusal, which offers to restore a backup."""
    database, _backup = closed_database
    damaged = tmp_path / "damaged.db"
    refused = 0
    for data in _with_schema_text_damaged(database.read_bytes()):
        damaged.write_bytes(data)
        try:
            open_store(damaged).close()
        except StoreError:
            refused += 1
        for companion in tmp_path.glob("damaged.db-*"):
            companion.unlink()
    assert refused > 0  # some of the damage was seen and refused, none escaped


def test_a_backup_whose_damaged_text_is_not_utf8_is_refused(closed_database):
    database, backup = closed_database
    candidate = backup.with_name("candidate.db")
    refused = 0
    for data in _with_schema_text_damaged(backup.read_bytes()):
        candidate.write_bytes(data)
        try:
            restore(database, candidate)
        except StoreError:
            refused += 1
        for aside in database.parent.glob("*.before-restore-*"):
            aside.unlink()
    assert refused > 0


@FUZZ
@given(name=st.from_regex(r"passerelle-\d{8}T\d{6}Z-[a-z]{1,6}\.db", fullmatch=True))
@example(name="passerelle-20261399T000000Z-manual.db")
@example(name="passerelle-20261129T101500Z-manual.db")
def test_a_folder_of_backups_with_any_names_is_listed(tmp_path, name):
    """A name like a backup's, with any digits (Arabic-Indic ones included) or a time
    that does not exist, is left out; a real backup's name is listed."""
    folder = tmp_path / "backups"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(b"")
    stamp = name[len("passerelle-") : len("passerelle-") + 16]
    try:
        real = stamp.isascii() and bool(datetime.strptime(stamp, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        real = False
    assert [info.path.name for info in list_backups(folder)] == ([name] if real else [])
    (folder / name).unlink()
