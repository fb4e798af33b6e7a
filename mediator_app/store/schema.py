"""Numbered schema migrations. Each one is applied once, in order, in its own transaction,
and sets ``PRAGMA user_version`` to its number: a database whose version is higher than
``SCHEMA_VERSION`` comes from a newer Passerelle and is refused."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATION_SET = "passerelle"
migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_foundation")
def _foundation(db: Database) -> None:
    db.executescript(
        """
        -- This desk's identity: local, never synced.
        CREATE TABLE desk (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            centre_name TEXT NOT NULL,
            country TEXT NOT NULL,
            language TEXT NOT NULL,
            configured INTEGER NOT NULL DEFAULT 0,
            mediator_id TEXT,
            created_at TEXT NOT NULL,
            singleton INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1)
        );

        -- Synced tables: written only through the change writer.
        CREATE TABLE mediator (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE resident (
            id TEXT PRIMARY KEY,
            first_name TEXT NOT NULL DEFAULT '',
            last_name TEXT NOT NULL DEFAULT '',
            birth_year INTEGER,
            gender TEXT NOT NULL DEFAULT 'non_communique',
            social_status TEXT NOT NULL DEFAULT 'non_communique',
            commune TEXT NOT NULL DEFAULT '',
            postcode TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            consent_date TEXT NOT NULL DEFAULT '',
            consent_version TEXT NOT NULL DEFAULT '',
            consent_language TEXT NOT NULL DEFAULT '',
            consent_collected_by TEXT NOT NULL DEFAULT '',
            merged_into TEXT REFERENCES resident(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE support_session (
            id TEXT PRIMARY KEY,
            resident_id TEXT REFERENCES resident(id),
            date TEXT NOT NULL,
            duration_min INTEGER NOT NULL,
            place_type TEXT NOT NULL,
            device TEXT NOT NULL,
            themes TEXT NOT NULL DEFAULT '[]',
            admin_themes TEXT NOT NULL DEFAULT '[]',
            procedure TEXT NOT NULL DEFAULT '',
            autonomy TEXT,
            referred INTEGER NOT NULL DEFAULT 0,
            referral_to TEXT,
            follow_up_needed INTEGER NOT NULL DEFAULT 0,
            follow_up_date TEXT,
            follow_up_done INTEGER NOT NULL DEFAULT 0,
            notes TEXT NOT NULL DEFAULT '',
            mediator_id TEXT REFERENCES mediator(id),
            anon_gender TEXT,
            anon_age_band TEXT,
            anon_social_status TEXT,
            anon_commune TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX support_session_by_resident ON support_session (resident_id, date);
        CREATE INDEX support_session_by_date ON support_session (date);
        CREATE INDEX support_session_follow_ups ON support_session (follow_up_date)
            WHERE follow_up_needed = 1 AND follow_up_done = 0;

        -- The change log: every write to a synced table, field by field.
        CREATE TABLE change_log (
            id INTEGER PRIMARY KEY,
            hlc INTEGER NOT NULL,
            desk_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            tx_id TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_id TEXT NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
            data TEXT NOT NULL,
            author TEXT,
            UNIQUE (desk_id, seq)
        );
        CREATE INDEX change_log_by_row ON change_log (table_name, row_id);
        CREATE INDEX change_log_by_hlc ON change_log (hlc);

        -- Derived search data, rebuilt from the synced tables whenever needed.
        CREATE TABLE resident_index (
            resident_rowid INTEGER PRIMARY KEY,
            resident_id TEXT NOT NULL UNIQUE,
            shown_id TEXT NOT NULL,
            sort_key TEXT NOT NULL,
            phone TEXT NOT NULL,
            email TEXT NOT NULL,
            last_activity TEXT
        );
        CREATE INDEX resident_index_by_sort_key ON resident_index (sort_key)
            WHERE shown_id = resident_id;
        CREATE INDEX resident_index_by_phone ON resident_index (phone) WHERE phone != '';
        CREATE INDEX resident_index_by_email ON resident_index (email) WHERE email != '';
        CREATE VIRTUAL TABLE resident_fts USING fts5 (
            terms, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
        );

        PRAGMA user_version = 1;
        """
    )


@migrations(name="0002_name_endings")
def _name_endings(db: Database) -> None:
    """Index each name backwards too, so that names one slip apart near their start are
    found by their endings. The search index is derived data: emptied here, it is
    rebuilt when the store opens."""
    db.executescript(
        """
        DROP TABLE resident_fts;
        CREATE VIRTUAL TABLE resident_fts USING fts5 (
            terms, endings, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
        );
        DELETE FROM resident_index;
        PRAGMA user_version = 2;
        """
    )


@migrations(name="0003_workshops")
def _workshops(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE workshop (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            themes TEXT NOT NULL DEFAULT '[]',
            level TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            default_duration_min INTEGER NOT NULL,
            capacity INTEGER NOT NULL,
            facilitators TEXT NOT NULL DEFAULT '[]',
            eu_funded INTEGER NOT NULL DEFAULT 0,
            erasmus_disclaimer INTEGER NOT NULL DEFAULT 0,
            archived INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE workshop_occurrence (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL REFERENCES workshop(id),
            series_id TEXT,
            date TEXT NOT NULL,
            start_time TEXT NOT NULL,
            end_time TEXT NOT NULL,
            place TEXT NOT NULL,
            cancelled INTEGER NOT NULL DEFAULT 0,
            attendance_entered INTEGER NOT NULL DEFAULT 0,
            anonymous_participants TEXT NOT NULL DEFAULT '[]',
            scan_sha256 TEXT NOT NULL DEFAULT '',
            scan_name TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX workshop_occurrence_by_date ON workshop_occurrence (date, start_time);
        CREATE INDEX workshop_occurrence_by_workshop ON workshop_occurrence (workshop_id, date);
        CREATE INDEX workshop_occurrence_by_series ON workshop_occurrence (series_id)
            WHERE series_id IS NOT NULL;

        -- One row per resident and occurrence; its id derives from both (UUIDv5), so two
        -- desks registering the same person make the same row.
        CREATE TABLE registration (
            id TEXT PRIMARY KEY,
            occurrence_id TEXT NOT NULL REFERENCES workshop_occurrence(id),
            resident_id TEXT NOT NULL REFERENCES resident(id),
            status TEXT NOT NULL CHECK (status IN ('registered', 'waiting', 'unregistered')),
            requested_at TEXT NOT NULL,
            attendance TEXT,
            arrival_time TEXT,
            walk_in INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (occurrence_id, resident_id)
        );
        CREATE INDEX registration_by_resident ON registration (resident_id);

        -- Scanned sheets, kept in the database so they move with it. Content-addressed
        -- and never changed: occurrences refer to them by their SHA-256.
        CREATE TABLE attachment (
            sha256 TEXT PRIMARY KEY,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            data BLOB NOT NULL,
            created_at TEXT NOT NULL
        );

        PRAGMA user_version = 3;
        """
    )


@migrations(name="0004_skills")
def _skills(db: Database) -> None:
    db.executescript(
        """
        -- Ratings are one JSON object {item id: level}: an assessment is made at once.
        CREATE TABLE skill_assessment (
            id TEXT PRIMARY KEY,
            resident_id TEXT NOT NULL REFERENCES resident(id),
            framework TEXT NOT NULL,
            framework_version TEXT NOT NULL,
            assessed_on TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'assessment',
            ratings TEXT NOT NULL DEFAULT '{}',
            mediator_id TEXT REFERENCES mediator(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX skill_assessment_by_resident ON skill_assessment (resident_id, assessed_on);

        CREATE TABLE skill_goal (
            id TEXT PRIMARY KEY,
            resident_id TEXT NOT NULL REFERENCES resident(id),
            framework TEXT NOT NULL,
            framework_version TEXT NOT NULL,
            item_id TEXT NOT NULL,
            target_date TEXT NOT NULL,
            achieved_on TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX skill_goal_by_resident ON skill_goal (resident_id);

        PRAGMA user_version = 4;
        """
    )


@migrations(name="0005_sync")
def _sync(db: Database) -> None:
    db.executescript(
        """
        -- The centre this desk belongs to: desks of one centre replicate to each other.
        ALTER TABLE desk ADD COLUMN centre_id TEXT;
        UPDATE desk SET centre_id = id WHERE centre_id IS NULL;
        -- A centre's desk, or the coordinator's (who receives the centres' exports).
        ALTER TABLE desk ADD COLUMN mode TEXT NOT NULL DEFAULT 'centre'
            CHECK (mode IN ('centre', 'coordinator'));

        -- What the writer of a change had seen of each field it set (JSON
        -- {field: [[hlc, desk_id, seq], ...]}): an edit replaces exactly those versions,
        -- so two edits that did not see each other are told apart from one that followed.
        ALTER TABLE change_log ADD COLUMN base TEXT;

        -- Fields edited concurrently on two desks: every version kept (the row shows
        -- the one with the highest version) until a mediator chooses. Derived by the
        -- merge, identical on every desk that imported the same bundles; never synced.
        CREATE TABLE sync_conflict (
            table_name TEXT NOT NULL,
            row_id TEXT NOT NULL,
            field TEXT NOT NULL,
            hlc INTEGER NOT NULL,
            desk_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            value TEXT,
            PRIMARY KEY (table_name, row_id, field, hlc, desk_id, seq)
        );

        -- Erased rows (a resident and everything about them): ids only, so a change
        -- that arrives later for one of them is dropped. Local; erasures travel as
        -- changes of the synced ``erasure`` table.
        CREATE TABLE tombstone (
            row_id TEXT PRIMARY KEY,
            table_name TEXT NOT NULL,
            erased_at TEXT NOT NULL
        );
        CREATE TABLE erasure (
            id TEXT PRIMARY KEY,
            erased_at TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        -- Settings shared by the desks of a centre, synced like data: the key that
        -- turns a resident into a pseudonym in the coordinator's exports.
        CREATE TABLE centre_setting (
            id TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        -- This desk's keys: an Ed25519 signing key and an age identity. Local only.
        CREATE TABLE desk_secret (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            signing_key BLOB NOT NULL,
            age_identity TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        -- Desks, coordinators and recovery keys this desk exchanges bundles with,
        -- enrolled from their public cards. A revoked peer's later bundles are refused.
        CREATE TABLE peer (
            id TEXT PRIMARY KEY,
            centre_id TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('desk', 'coordinator', 'recovery')),
            name TEXT NOT NULL,
            signing_key BLOB,
            age_recipient TEXT NOT NULL,
            enrolled_at TEXT NOT NULL,
            revoked_at TEXT
        );

        -- What each peer said it holds: per origin desk, the highest sequence number
        -- applied. Changes every recipient holds need not travel again.
        CREATE TABLE sync_ack (
            peer_id TEXT NOT NULL,
            origin_desk TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (peer_id, origin_desk)
        );

        -- Every bundle made or met: what happened to it, in words a mediator reads.
        CREATE TABLE bundle_log (
            bundle_id TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
            file_name TEXT NOT NULL,
            origin_desk TEXT,
            status TEXT NOT NULL CHECK (status IN ('written', 'sent', 'applied', 'already',
                                                   'waiting', 'refused', 'deleted')),
            reason TEXT,
            changes INTEGER NOT NULL DEFAULT 0,
            -- For a bundle this desk made: the ranges of changes it carries (JSON).
            ranges TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX bundle_log_by_id ON bundle_log (bundle_id);

        -- The exports this desk prepared for the coordinator: when, for which period,
        -- what they held. Local.
        CREATE TABLE export_log (
            bundle_id TEXT PRIMARY KEY,
            period TEXT NOT NULL,
            start TEXT NOT NULL,
            end TEXT NOT NULL,
            file_name TEXT NOT NULL,
            activities INTEGER NOT NULL,
            at TEXT NOT NULL
        );

        -- At the coordinator's: the centres' exports, the latest one per centre and
        -- period (a corrected export replaces the earlier one), and what they hold.
        CREATE TABLE coord_export (
            centre_id TEXT NOT NULL,
            period TEXT NOT NULL,
            centre_name TEXT NOT NULL,
            country TEXT NOT NULL,
            start TEXT NOT NULL,
            end TEXT NOT NULL,
            bundle_id TEXT NOT NULL,
            origin_desk TEXT NOT NULL,
            made_at TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            PRIMARY KEY (centre_id, period)
        );
        CREATE TABLE coord_activity (
            centre_id TEXT NOT NULL,
            period TEXT NOT NULL,
            activity_id TEXT NOT NULL,
            date TEXT NOT NULL,
            record TEXT NOT NULL,
            PRIMARY KEY (centre_id, period, activity_id)
        );
        CREATE INDEX coord_activity_by_date ON coord_activity (date);
        CREATE TABLE coord_progress (
            centre_id TEXT NOT NULL,
            period TEXT NOT NULL,
            record TEXT NOT NULL,
            PRIMARY KEY (centre_id, period)
        );

        -- How this desk reaches the others: a folder or a WebDAV share (no password:
        -- that goes to the system's keyring). Local.
        CREATE TABLE sync_setting (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        PRAGMA user_version = 5;
        """
    )


@migrations(name="0006_imports")
def _imports(db: Database) -> None:
    db.executescript(
        """
        -- Residents imported from a centre's spreadsheet: one row per import, so that
        -- the whole import can be undone. Local: the residents it wrote travel as
        -- changes; an import is undone on the desk that made it.
        CREATE TABLE import_log (
            id TEXT PRIMARY KEY,
            file_name TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            -- The change-log transaction that wrote it, and the one that undid it.
            tx_id TEXT NOT NULL,
            mediator_id TEXT,
            rows_total INTEGER NOT NULL,
            created INTEGER NOT NULL,
            merged INTEGER NOT NULL,
            skipped INTEGER NOT NULL,
            invalid INTEGER NOT NULL,
            consent_date TEXT NOT NULL,
            consent_collected_by TEXT NOT NULL,
            undone_at TEXT,
            undo_tx_id TEXT
        );

        -- What each imported row became: a resident created, or an existing one whose
        -- empty fields it filled. For a merge, ``filled`` holds those fields' values
        -- before (empty ones, JSON), never the values imported. Ids only: an erasure
        -- leaves nothing of the person here.
        CREATE TABLE import_item (
            import_id TEXT NOT NULL REFERENCES import_log(id),
            row_number INTEGER NOT NULL,
            resident_id TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('created', 'merged')),
            filled TEXT,
            PRIMARY KEY (import_id, row_number)
        );
        CREATE INDEX import_item_by_resident ON import_item (resident_id);

        -- Deleting a resident makes SQLite check that no record was merged into it
        -- (the merged_into foreign key): without an index each delete scans every
        -- resident, which made undoing a 20,000-row import take minutes.
        CREATE INDEX resident_by_merged_into ON resident (merged_into)
            WHERE merged_into IS NOT NULL;

        PRAGMA user_version = 6;
        """
    )


@migrations(name="0007_privacy")
def _privacy(db: Database) -> None:
    db.executescript(
        """
        -- A resident's identity can be dropped while their anonymous figures stay: on
        -- withdrawal of consent, or at the end of the retention period. The age band
        -- then stands in for the year of birth.
        ALTER TABLE resident ADD COLUMN anonymised_at TEXT NOT NULL DEFAULT '';
        ALTER TABLE resident ADD COLUMN anon_age_band TEXT;
        ALTER TABLE resident ADD COLUMN consent_withdrawn_date TEXT NOT NULL DEFAULT '';

        -- Who may open this desk: a passphrase (argon2id) per mediator. Local, never
        -- synced: each desk has its own accounts, as it has its own database key.
        CREATE TABLE mediator_account (
            mediator_id TEXT PRIMARY KEY REFERENCES mediator(id),
            role TEXT NOT NULL CHECK (role IN ('admin', 'mediator')),
            passphrase_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        -- Who viewed or changed which resident, when. Local and append-only: the only
        -- change allowed is forgetting the resident of an event when they are erased.
        CREATE TABLE audit_event (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            mediator_id TEXT,
            action TEXT NOT NULL,
            resident_id TEXT,
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX audit_event_by_resident ON audit_event (resident_id)
            WHERE resident_id IS NOT NULL;
        CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
        BEGIN
            SELECT RAISE(ABORT, 'the audit trail is append-only');
        END;
        CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
        WHEN NOT (
            NEW.resident_id IS NULL AND NEW.seq = OLD.seq AND NEW.at = OLD.at
            AND NEW.mediator_id IS OLD.mediator_id AND NEW.action = OLD.action
            AND NEW.detail = OLD.detail
        )
        BEGIN
            SELECT RAISE(ABORT, 'the audit trail is append-only');
        END;

        PRAGMA user_version = 7;
        """
    )


@migrations(name="0008_audit_indexes")
def _audit_indexes(db: Database) -> None:
    db.executescript(
        """
        -- Which resident a logged row belongs to, for one resident's audit trail and for
        -- erasure, which blanks every change about them.
        CREATE INDEX change_log_by_owner
            ON change_log (json_extract(data, '$.resident_id')) WHERE op = 'insert';
        -- Who wrote what: the audit trail filtered by mediator.
        CREATE INDEX change_log_by_author ON change_log (author, hlc);
        CREATE INDEX audit_event_by_mediator ON audit_event (mediator_id)
            WHERE mediator_id IS NOT NULL;
        -- A name taken out of the search index (erased, anonymised, corrected) is
        -- overwritten in the index's pages, not left until they are merged.
        INSERT INTO resident_fts (resident_fts, rank) VALUES ('secure-delete', 1);

        PRAGMA user_version = 8;
        """
    )


#: The highest schema this version of Passerelle reads and writes.
SCHEMA_VERSION = 8
