-- The outbox: every message (e-mail, SMS, webhook delivery) is written here in the
-- transaction of the change that causes it, and a worker sends it afterwards. Also the
-- webhooks organisations register, the notices people turned off, single-use account
-- tokens (only their hashes), and when an account's e-mail address was confirmed.

CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    url        TEXT    NOT NULL,
    -- A JSON array of event codes; empty means every event.
    events     TEXT    NOT NULL DEFAULT '[]',
    secret     TEXT    NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhooks_org ON webhooks (org_id);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    created_at      INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    medium          TEXT    NOT NULL CHECK (medium IN ('email', 'sms', 'webhook')),
    address         TEXT    NOT NULL,
    locale          TEXT    NOT NULL,
    person_id       INTEGER REFERENCES people (id),
    report_id       INTEGER REFERENCES reports (id),
    webhook_id      INTEGER REFERENCES webhooks (id),
    -- What the message says, as JSON, captured when it was written.
    facts           TEXT    NOT NULL,
    dedupe_key      TEXT    UNIQUE,
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_by      TEXT,
    claimed_until   INTEGER,
    sent_at         INTEGER,
    last_error      TEXT,
    response        TEXT
);
-- What the delivery worker asks for: pending messages by when they are due.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_state ON outbox (state, id);
CREATE INDEX outbox_report ON outbox (report_id) WHERE report_id IS NOT NULL;
CREATE INDEX outbox_webhook ON outbox (webhook_id) WHERE webhook_id IS NOT NULL;
CREATE INDEX outbox_address ON outbox (address);

-- Notices a subject (`person:<id>` or `address:<e-mail>`) turned off.
CREATE TABLE notice_optouts (
    subject    TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (subject, kind)
);

CREATE TABLE account_tokens (
    hash       TEXT    PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    purpose    TEXT    NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX account_tokens_person ON account_tokens (person_id);

ALTER TABLE people ADD COLUMN email_verified_at INTEGER;
