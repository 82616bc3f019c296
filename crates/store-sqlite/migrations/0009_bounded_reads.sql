-- Reads with bounded work (the store's `plan` module): every list is read from an index
-- already in its order, and a search intersects its words with the filter's facets inside
-- the text index.

-- Whose lists hold each report (OrgTree::reach: what held it and everything above, the
-- national root left out), with the keys those lists are read by. A coordinator's queue
-- tab is one run of this table, instead of the reports of the instansi's thirty units
-- gathered and sorted on every request.
CREATE TABLE report_reach (
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    status       TEXT    NOT NULL,
    submitted_at INTEGER NOT NULL,
    report_id    INTEGER NOT NULL REFERENCES reports (id),
    queue_due_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, status, submitted_at, report_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX report_reach_report ON report_reach (report_id, org_id);
CREATE INDEX report_reach_queue ON report_reach (org_id, status, queue_due_at, report_id);

INSERT INTO report_reach (org_id, status, submitted_at, report_id, queue_due_at)
WITH RECURSIVE up (report_id, org_id) AS (
    SELECT report_id, org_id FROM report_orgs
    UNION
    SELECT up.report_id, o.parent_id FROM up JOIN organisations o ON o.id = up.org_id
    WHERE o.parent_id IS NOT NULL
)
SELECT up.org_id, r.status, r.submitted_at, up.report_id, r.queue_due_at
FROM up
JOIN reports r ON r.id = up.report_id
JOIN organisations o ON o.id = up.org_id
WHERE NOT (o.kind = 'national' AND o.parent_id IS NULL);

-- Every index a list is read from carries, beyond its key, the columns lists filter on
-- (status, confidential, category_id, instansi_id, region_code): a page or a count tests
-- the filters on the index entries and reads a report only to show it. A reporter's own
-- reports, the map's located ones and the public's (not confidential) get an index too.
DROP INDEX reports_submitted;
CREATE INDEX reports_submitted ON reports (submitted_at, id, status, confidential, category_id, instansi_id, region_code);
DROP INDEX reports_status;
CREATE INDEX reports_status ON reports (status, submitted_at, id, confidential, category_id, instansi_id, region_code);
DROP INDEX reports_status_queue;
CREATE INDEX reports_status_queue ON reports (status, queue_due_at, id, confidential, category_id, instansi_id, region_code);
DROP INDEX reports_instansi;
CREATE INDEX reports_instansi ON reports (instansi_id, submitted_at, id, status, confidential, category_id, region_code);
DROP INDEX reports_category;
CREATE INDEX reports_category ON reports (category_id, submitted_at, id, status, confidential, instansi_id, region_code);
DROP INDEX reports_province;
CREATE INDEX reports_province
    ON reports (province_code, submitted_at, id, status, confidential, category_id, instansi_id, region_code);
DROP INDEX reports_regency;
CREATE INDEX reports_regency
    ON reports (regency_code, submitted_at, id, status, confidential, category_id, instansi_id, region_code);
DROP INDEX reports_province_status;
CREATE INDEX reports_province_status
    ON reports (province_code, status, submitted_at, id, confidential, category_id, instansi_id, region_code);
DROP INDEX reports_regency_status;
CREATE INDEX reports_regency_status
    ON reports (regency_code, status, submitted_at, id, confidential, category_id, instansi_id, region_code);
DROP INDEX reports_overdue;
CREATE INDEX reports_overdue ON reports (queue_due_at, id, status, confidential, category_id, instansi_id, region_code)
    WHERE marked_overdue;
DROP INDEX reports_reporter;
CREATE INDEX reports_reporter
    ON reports (reporter_person_id, submitted_at, id, status, confidential, category_id, instansi_id, region_code)
    WHERE reporter_person_id IS NOT NULL;
CREATE INDEX reports_located ON reports (submitted_at, id, status, confidential, category_id, instansi_id, region_code)
    WHERE lat IS NOT NULL AND lon IS NOT NULL;
CREATE INDEX reports_public_status ON reports (status, submitted_at, id, category_id, instansi_id, region_code, confidential)
    WHERE NOT confidential;

-- The text index now also holds facet tokens (`_p`, `_s_closed`, `_o_12`, …; see the
-- store's `search` module), which `_` keeps whole. Its rows are written by the program
-- (the words are stemmed in Rust): the store refills it after this migration, from the
-- report with the lowest id up, and notes here how far it got.
DROP TABLE report_text;
CREATE VIRTUAL TABLE report_text USING fts5 (
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2 tokenchars ''_'''
);
CREATE TABLE store_tasks (
    name     TEXT    PRIMARY KEY,
    -- The last report id done.
    progress INTEGER NOT NULL DEFAULT 0
);
INSERT INTO store_tasks (name) SELECT 'search_index' WHERE EXISTS (SELECT 1 FROM reports);
