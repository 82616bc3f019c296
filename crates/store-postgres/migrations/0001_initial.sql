-- Aduan on PostgreSQL: timestamptz instants, date days, jsonb for small structured
-- values, and a tsvector in the `indonesian` configuration for search.
-- Codes compared by prefix or range (region, tracking, organisation and category codes)
-- use the "C" collation, so comparisons are bytewise whatever the database's locale.

CREATE TABLE organisations (
    id                  bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                text    COLLATE "C" NOT NULL UNIQUE,
    name                text    NOT NULL,
    kind                text    NOT NULL CHECK (kind IN ('national', 'instansi', 'unit')),
    parent_id           bigint  REFERENCES organisations (id),
    region_code         text    COLLATE "C",
    zone                text    NOT NULL CHECK (zone IN ('WIB', 'WITA', 'WIT')),
    active              boolean NOT NULL DEFAULT true,
    screens_own_reports boolean NOT NULL DEFAULT false,
    contact             jsonb   NOT NULL DEFAULT '{}'
);
CREATE INDEX organisations_parent ON organisations (parent_id);

CREATE TABLE people (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    display_name  text        NOT NULL,
    email         text        UNIQUE,
    phone         text,
    locale        text        NOT NULL DEFAULT 'id',
    password_hash text,
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL
);

CREATE TABLE role_assignments (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id  bigint      NOT NULL REFERENCES people (id),
    role       text        NOT NULL,
    org_id     bigint      NOT NULL REFERENCES organisations (id),
    granted_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX role_assignments_person ON role_assignments (person_id);
CREATE INDEX role_assignments_org ON role_assignments (org_id);
CREATE UNIQUE INDEX role_assignments_active ON role_assignments (person_id, role, org_id) WHERE revoked_at IS NULL;

CREATE TABLE categories (
    id        bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code      text    COLLATE "C" NOT NULL UNIQUE,
    parent_id bigint  REFERENCES categories (id),
    name_id   text    NOT NULL,
    name_en   text    NOT NULL,
    active    boolean NOT NULL DEFAULT true
);

CREATE TABLE routing_rules (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_id bigint NOT NULL REFERENCES categories (id),
    region_code text   COLLATE "C",
    instansi_id bigint NOT NULL REFERENCES organisations (id),
    unit_id     bigint REFERENCES organisations (id)
);

CREATE TABLE holiday_years (
    year      integer     PRIMARY KEY,
    loaded_at timestamptz NOT NULL
);

CREATE TABLE holidays (
    date date    PRIMARY KEY,
    year integer NOT NULL REFERENCES holiday_years (year) ON DELETE CASCADE,
    kind text    NOT NULL CHECK (kind IN ('public', 'cuti_bersama')),
    name text    NOT NULL
);

CREATE TABLE sla_overrides (
    org_id bigint PRIMARY KEY REFERENCES organisations (id),
    limits jsonb  NOT NULL
);

CREATE TABLE reports (
    id                   bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tracking             text             COLLATE "C" NOT NULL UNIQUE,
    version              bigint           NOT NULL,
    kind                 text             NOT NULL,
    title                text             NOT NULL,
    description          text             NOT NULL,
    incident_date        date,
    region_code          text             COLLATE "C",
    address              text,
    lat                  double precision,
    lon                  double precision,
    category_id          bigint           REFERENCES categories (id),
    tags                 jsonb            NOT NULL DEFAULT '[]',
    target_instansi_id   bigint           REFERENCES organisations (id),
    channel              text             NOT NULL,
    anonymous            boolean          NOT NULL,
    confidential         boolean          NOT NULL,
    reporter_person_id   bigint           REFERENCES people (id),
    reporter_name        text,
    reporter_email       text,
    reporter_phone       text,
    reporter_nik         text,
    reporter_public_name text,
    entered_by           bigint           REFERENCES people (id),
    secret_hash          text,
    attachments          jsonb            NOT NULL DEFAULT '[]',
    status               text             NOT NULL,
    screening_desk_id    bigint           NOT NULL REFERENCES organisations (id),
    instansi_id          bigint           REFERENCES organisations (id),
    complexity           text,
    archive_reason       jsonb,
    closure              jsonb,
    support_count        bigint           NOT NULL DEFAULT 0,
    rating_stars         smallint,
    rating_comment       text,
    rating_at            timestamptz,
    appealed             boolean          NOT NULL DEFAULT false,
    ombudsman_flagged_at timestamptz,
    submitted_at         timestamptz      NOT NULL,
    verified_at          timestamptz,
    forwarded_at         timestamptz,
    first_answer_at      timestamptz,
    responded_at         timestamptz,
    closed_at            timestamptz,
    updated_at           timestamptz      NOT NULL,
    -- Kept by PostgreSQL itself, so an edited title or description is searchable at once.
    -- The province and kabupaten/kota of the location, so that a region filter walks an
    -- index already in submission order instead of sorting a whole province.
    province_code        text COLLATE "C" GENERATED ALWAYS AS (left(region_code, 2)) STORED,
    regency_code         text COLLATE "C" GENERATED ALWAYS AS (left(region_code, 5)) STORED,
    -- The words, and tokens for the province and kabupaten/kota (wil64, wil6408) so that
    -- a search within a region intersects posting lists in the index.
    search               tsvector         GENERATED ALWAYS AS (
        to_tsvector('indonesian', title || ' ' || description)
        || CASE WHEN region_code IS NULL THEN ''::tsvector
           ELSE array_to_tsvector(ARRAY['wil' || left(region_code, 2), 'wil' || replace(left(region_code, 5), '.', '')])
           END
    ) STORED
);
CREATE INDEX reports_submitted ON reports (submitted_at, id);
CREATE INDEX reports_status ON reports (status, submitted_at, id);
CREATE INDEX reports_instansi ON reports (instansi_id, submitted_at);
CREATE INDEX reports_category ON reports (category_id, submitted_at);
CREATE INDEX reports_region ON reports (region_code);
CREATE INDEX reports_province ON reports (province_code, submitted_at, id);
CREATE INDEX reports_regency ON reports (regency_code, submitted_at, id);
CREATE INDEX reports_reporter ON reports (reporter_person_id) WHERE reporter_person_id IS NOT NULL;
CREATE INDEX reports_search ON reports USING gin (search);

-- Every organisation that has held a report: the scope of "reports that are, or were,
-- in their scope".
CREATE TABLE report_orgs (
    report_id bigint NOT NULL REFERENCES reports (id),
    org_id    bigint NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (org_id, report_id)
);
-- Loading a report reads its organisations by report.
CREATE INDEX report_orgs_report ON report_orgs (report_id);

CREATE TABLE report_units (
    report_id       bigint      NOT NULL REFERENCES reports (id),
    unit_id         bigint      NOT NULL REFERENCES organisations (id),
    assigned_at     timestamptz NOT NULL,
    final_answer_at timestamptz,
    PRIMARY KEY (report_id, unit_id)
);
CREATE INDEX report_units_unit ON report_units (unit_id, report_id);

CREATE TABLE deadlines (
    report_id     bigint      NOT NULL REFERENCES reports (id),
    seq           integer     NOT NULL,
    clock         text        NOT NULL,
    holder_id     bigint      NOT NULL REFERENCES organisations (id),
    zone          text        NOT NULL,
    limit_unit    text        NOT NULL CHECK (limit_unit IN ('working_days', 'calendar_days')),
    limit_count   integer     NOT NULL,
    started_at    timestamptz NOT NULL,
    due_at        timestamptz NOT NULL,
    state         text        NOT NULL,
    paused_at     timestamptz,
    stopped_at    timestamptz,
    overdue_at    timestamptz,
    assumed_years jsonb       NOT NULL DEFAULT '[]',
    PRIMARY KEY (report_id, seq)
);
-- What the scheduler looks for: running clocks past due that nobody acted on yet.
CREATE INDEX deadlines_due ON deadlines (due_at) WHERE state = 'running' AND overdue_at IS NULL;
CREATE INDEX deadlines_overdue ON deadlines (report_id) WHERE state = 'running' AND overdue_at IS NOT NULL;

-- Append-only: nothing updates, deletes or truncates an event.
CREATE TABLE events (
    report_id    bigint      NOT NULL REFERENCES reports (id),
    seq          bigint      NOT NULL,
    at           timestamptz NOT NULL,
    actor_person bigint      REFERENCES people (id),
    actor_org    bigint      REFERENCES organisations (id),
    actor_role   text,
    from_status  text,
    to_status    text        NOT NULL,
    kind         text        NOT NULL,
    visibility   text        NOT NULL CHECK (visibility IN ('public', 'reporter', 'internal')),
    data         jsonb       NOT NULL,
    PRIMARY KEY (report_id, seq)
);
CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_are_never_changed BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();

CREATE TABLE supports (
    report_id  bigint      NOT NULL REFERENCES reports (id),
    supporter  text        NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (report_id, supporter)
);

CREATE TABLE job_leases (
    name       text        PRIMARY KEY,
    holder     text        NOT NULL,
    expires_at timestamptz NOT NULL
);
