-- Sign-in tokens and integration keys (only hashes of their secrets), and the
-- idempotency keys of filed reports.

CREATE TABLE credentials (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('token', 'api_key')),
    secret_hash   TEXT    NOT NULL UNIQUE,
    person_id     INTEGER NOT NULL REFERENCES people (id),
    assignment_id INTEGER REFERENCES role_assignments (id),
    scopes        TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    created_by    INTEGER REFERENCES people (id),
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER,
    revoked_at    INTEGER
);
CREATE INDEX credentials_kind ON credentials (kind) WHERE kind = 'api_key';

CREATE TABLE idempotency_keys (
    caller      TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (caller, key)
) WITHOUT ROWID;
