-- Sign-in tokens and integration keys (only hashes of their secrets), and the
-- idempotency keys of filed reports.

CREATE TABLE credentials (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('token', 'api_key')),
    secret_hash   text        COLLATE "C" NOT NULL UNIQUE,
    person_id     bigint      NOT NULL REFERENCES people (id),
    assignment_id bigint      REFERENCES role_assignments (id),
    scopes        jsonb       NOT NULL,
    name          text        NOT NULL,
    created_by    bigint      REFERENCES people (id),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX credentials_api_keys ON credentials (id) WHERE kind = 'api_key';

CREATE TABLE idempotency_keys (
    caller      text        COLLATE "C" NOT NULL,
    key         text        COLLATE "C" NOT NULL,
    fingerprint text        NOT NULL,
    report_id   bigint      NOT NULL REFERENCES reports (id),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (caller, key)
);
