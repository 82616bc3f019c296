-- The outbox: every message (e-mail, SMS, webhook delivery) is written here in the
-- transaction of the change that causes it, and workers send it afterwards (claiming
-- rows with FOR UPDATE SKIP LOCKED). Also the webhooks organisations register, the
-- notices people turned off, single-use account tokens (only their hashes), and when an
-- account's e-mail address was confirmed.

CREATE TABLE webhooks (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     bigint      NOT NULL REFERENCES organisations (id),
    url        text        NOT NULL,
    -- Event codes; empty means every event.
    events     text[]      NOT NULL DEFAULT '{}',
    secret     text        NOT NULL,
    active     boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL
);
CREATE INDEX webhooks_org ON webhooks (org_id);

CREATE TABLE outbox (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at      timestamptz NOT NULL,
    kind            text        NOT NULL,
    medium          text        NOT NULL CHECK (medium IN ('email', 'sms', 'webhook')),
    address         text        COLLATE "C" NOT NULL,
    locale          text        NOT NULL,
    person_id       bigint      REFERENCES people (id),
    report_id       bigint      REFERENCES reports (id),
    webhook_id      bigint      REFERENCES webhooks (id),
    -- What the message says, captured when it was written.
    facts           jsonb       NOT NULL,
    dedupe_key      text        COLLATE "C" UNIQUE,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    claimed_by      text,
    claimed_until   timestamptz,
    sent_at         timestamptz,
    last_error      text,
    response        text
);
-- What the delivery workers ask for: pending messages by when they are due.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_state ON outbox (state, id);
CREATE INDEX outbox_report ON outbox (report_id) WHERE report_id IS NOT NULL;
CREATE INDEX outbox_webhook ON outbox (webhook_id) WHERE webhook_id IS NOT NULL;
CREATE INDEX outbox_address ON outbox (address);

-- Notices a subject (`person:<id>` or `address:<e-mail>`) turned off.
CREATE TABLE notice_optouts (
    subject    text        COLLATE "C" NOT NULL,
    kind       text        NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (subject, kind)
);

CREATE TABLE account_tokens (
    hash       text        COLLATE "C" PRIMARY KEY,
    person_id  bigint      NOT NULL REFERENCES people (id),
    purpose    text        NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX account_tokens_person ON account_tokens (person_id);

ALTER TABLE people ADD COLUMN email_verified_at timestamptz;
