-- Answer templates: ready answers of an organisation, per category, that its staff
-- insert with one click. Kept when switched off (active = 0), never deleted.

CREATE TABLE answer_templates (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    category_id INTEGER REFERENCES categories (id),
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX answer_templates_org ON answer_templates (org_id, category_id, title);
