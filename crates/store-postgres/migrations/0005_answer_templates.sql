-- Answer templates: ready answers of an organisation, per category, that its staff
-- insert with one click. Kept when switched off (active = false), never deleted.

CREATE TABLE answer_templates (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      bigint      NOT NULL REFERENCES organisations (id),
    category_id bigint      REFERENCES categories (id),
    -- Byte order, as SQLite sorts: lists come in the same order on both backends.
    title       text        COLLATE "C" NOT NULL,
    body        text        NOT NULL,
    active      boolean     NOT NULL DEFAULT true,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX answer_templates_org ON answer_templates (org_id, category_id, title);
