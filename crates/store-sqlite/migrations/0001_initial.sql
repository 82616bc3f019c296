-- Aduan on SQLite. Timestamps are INTEGER microseconds since 1970 (UTC); dates are
-- TEXT 'YYYY-MM-DD'; small structured values are JSON TEXT.

CREATE TABLE organisations (
    id                  INTEGER PRIMARY KEY,
    code                TEXT    NOT NULL UNIQUE,
    name                TEXT    NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('national', 'instansi', 'unit')),
    parent_id           INTEGER REFERENCES organisations (id),
    region_code         TEXT,
    zone                TEXT    NOT NULL CHECK (zone IN ('WIB', 'WITA', 'WIT')),
    active              INTEGER NOT NULL DEFAULT 1,
    screens_own_reports INTEGER NOT NULL DEFAULT 0,
    contact             TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX organisations_parent ON organisations (parent_id);

CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    display_name  TEXT    NOT NULL,
    email         TEXT    UNIQUE,
    phone         TEXT,
    locale        TEXT    NOT NULL DEFAULT 'id',
    password_hash TEXT,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);

CREATE TABLE role_assignments (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    role       TEXT    NOT NULL,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    granted_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX role_assignments_person ON role_assignments (person_id);
CREATE INDEX role_assignments_org ON role_assignments (org_id);
CREATE UNIQUE INDEX role_assignments_active ON role_assignments (person_id, role, org_id) WHERE revoked_at IS NULL;

CREATE TABLE categories (
    id        INTEGER PRIMARY KEY,
    code      TEXT    NOT NULL UNIQUE,
    parent_id INTEGER REFERENCES categories (id),
    name_id   TEXT    NOT NULL,
    name_en   TEXT    NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE routing_rules (
    id          INTEGER PRIMARY KEY,
    category_id INTEGER NOT NULL REFERENCES categories (id),
    region_code TEXT,
    instansi_id INTEGER NOT NULL REFERENCES organisations (id),
    unit_id     INTEGER REFERENCES organisations (id)
);

CREATE TABLE holiday_years (
    year      INTEGER PRIMARY KEY,
    loaded_at INTEGER NOT NULL
);

CREATE TABLE holidays (
    date TEXT    PRIMARY KEY,
    year INTEGER NOT NULL REFERENCES holiday_years (year) ON DELETE CASCADE,
    kind TEXT    NOT NULL CHECK (kind IN ('public', 'cuti_bersama')),
    name TEXT    NOT NULL
);

CREATE TABLE sla_overrides (
    org_id INTEGER PRIMARY KEY REFERENCES organisations (id),
    limits TEXT    NOT NULL
);

CREATE TABLE reports (
    id                   INTEGER PRIMARY KEY,
    tracking             TEXT    NOT NULL UNIQUE,
    version              INTEGER NOT NULL,
    kind                 TEXT    NOT NULL,
    title                TEXT    NOT NULL,
    description          TEXT    NOT NULL,
    incident_date        TEXT,
    region_code          TEXT,
    address              TEXT,
    lat                  REAL,
    lon                  REAL,
    category_id          INTEGER REFERENCES categories (id),
    tags                 TEXT    NOT NULL DEFAULT '[]',
    target_instansi_id   INTEGER REFERENCES organisations (id),
    channel              TEXT    NOT NULL,
    anonymous            INTEGER NOT NULL,
    confidential         INTEGER NOT NULL,
    reporter_person_id   INTEGER REFERENCES people (id),
    reporter_name        TEXT,
    reporter_email       TEXT,
    reporter_phone       TEXT,
    reporter_nik         TEXT,
    reporter_public_name TEXT,
    entered_by           INTEGER REFERENCES people (id),
    secret_hash          TEXT,
    attachments          TEXT    NOT NULL DEFAULT '[]',
    status               TEXT    NOT NULL,
    screening_desk_id    INTEGER NOT NULL REFERENCES organisations (id),
    instansi_id          INTEGER REFERENCES organisations (id),
    complexity           TEXT,
    archive_reason       TEXT,
    closure              TEXT,
    support_count        INTEGER NOT NULL DEFAULT 0,
    rating_stars         INTEGER,
    rating_comment       TEXT,
    rating_at            INTEGER,
    appealed             INTEGER NOT NULL DEFAULT 0,
    ombudsman_flagged_at INTEGER,
    submitted_at         INTEGER NOT NULL,
    verified_at          INTEGER,
    forwarded_at         INTEGER,
    first_answer_at      INTEGER,
    responded_at         INTEGER,
    closed_at            INTEGER,
    updated_at           INTEGER NOT NULL,
    -- The province and kabupaten/kota of the location, so that a region filter walks an
    -- index already in submission order instead of sorting a whole province.
    province_code        TEXT GENERATED ALWAYS AS (substr(region_code, 1, 2)) VIRTUAL,
    regency_code         TEXT GENERATED ALWAYS AS (substr(region_code, 1, 5)) VIRTUAL
);
CREATE INDEX reports_submitted ON reports (submitted_at, id);
CREATE INDEX reports_status ON reports (status, submitted_at, id);
CREATE INDEX reports_instansi ON reports (instansi_id, submitted_at);
CREATE INDEX reports_category ON reports (category_id, submitted_at);
CREATE INDEX reports_region ON reports (region_code);
CREATE INDEX reports_province ON reports (province_code, submitted_at, id);
CREATE INDEX reports_regency ON reports (regency_code, submitted_at, id);
CREATE INDEX reports_reporter ON reports (reporter_person_id) WHERE reporter_person_id IS NOT NULL;

-- Every organisation that has held a report: the scope of "reports that are, or were,
-- in their scope".
CREATE TABLE report_orgs (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    org_id    INTEGER NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (org_id, report_id)
) WITHOUT ROWID;
CREATE INDEX report_orgs_report ON report_orgs (report_id);

CREATE TABLE report_units (
    report_id       INTEGER NOT NULL REFERENCES reports (id),
    unit_id         INTEGER NOT NULL REFERENCES organisations (id),
    assigned_at     INTEGER NOT NULL,
    final_answer_at INTEGER,
    PRIMARY KEY (report_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX report_units_unit ON report_units (unit_id, report_id);

CREATE TABLE deadlines (
    report_id     INTEGER NOT NULL REFERENCES reports (id),
    seq           INTEGER NOT NULL,
    clock         TEXT    NOT NULL,
    holder_id     INTEGER NOT NULL REFERENCES organisations (id),
    zone          TEXT    NOT NULL,
    limit_unit    TEXT    NOT NULL CHECK (limit_unit IN ('working_days', 'calendar_days')),
    limit_count   INTEGER NOT NULL,
    started_at    INTEGER NOT NULL,
    due_at        INTEGER NOT NULL,
    state         TEXT    NOT NULL,
    paused_at     INTEGER,
    stopped_at    INTEGER,
    overdue_at    INTEGER,
    assumed_years TEXT    NOT NULL DEFAULT '[]',
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
-- What the scheduler looks for: running clocks past due that nobody acted on yet.
CREATE INDEX deadlines_due ON deadlines (due_at) WHERE state = 'running' AND overdue_at IS NULL;
CREATE INDEX deadlines_overdue ON deadlines (report_id) WHERE state = 'running' AND overdue_at IS NOT NULL;

-- Append-only: nothing updates or deletes an event.
CREATE TABLE events (
    report_id    INTEGER NOT NULL REFERENCES reports (id),
    seq          INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    actor_person INTEGER REFERENCES people (id),
    actor_org    INTEGER REFERENCES organisations (id),
    actor_role   TEXT,
    from_status  TEXT,
    to_status    TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    visibility   TEXT    NOT NULL CHECK (visibility IN ('public', 'reporter', 'internal')),
    data         TEXT    NOT NULL,
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TABLE supports (
    report_id  INTEGER NOT NULL REFERENCES reports (id),
    supporter  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (report_id, supporter)
) WITHOUT ROWID;

-- Full-text index of titles and descriptions, fed with Snowball-Indonesian stems by the
-- store (the same algorithm as PostgreSQL's `indonesian` configuration). The rowid is
-- the report id.
CREATE VIRTUAL TABLE report_text USING fts5 (
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE job_leases (
    name       TEXT    PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
