-- Work queues list reports by their earliest running verification or follow-up deadline,
-- and dashboards list the reports with a staff clock marked overdue. Computing either
-- from the clocks of every candidate report took seconds on large databases; kept on the
-- report row (written with the report's clocks, in the same transaction) they are read
-- in order from an index. Times are microseconds; 253402300799000000 is the end of 9999,
-- "no running deadline".
ALTER TABLE reports ADD COLUMN queue_due_at INTEGER NOT NULL DEFAULT 253402300799000000;
ALTER TABLE reports ADD COLUMN queue_due_zone TEXT;
ALTER TABLE reports ADD COLUMN marked_overdue INTEGER NOT NULL DEFAULT 0;

-- Only reports with a running clock change: the rest keep the defaults.
UPDATE reports SET
    queue_due_at = (
        SELECT MIN(d.due_at) FROM deadlines d
        WHERE d.report_id = reports.id AND d.state = 'running' AND d.clock IN ('verification', 'follow_up')
    ),
    queue_due_zone = (
        SELECT d.zone FROM deadlines d
        WHERE d.report_id = reports.id AND d.state = 'running' AND d.clock IN ('verification', 'follow_up')
        ORDER BY d.due_at LIMIT 1
    )
WHERE id IN (
    SELECT report_id FROM deadlines WHERE state = 'running' AND clock IN ('verification', 'follow_up')
);

UPDATE reports SET marked_overdue = 1
WHERE id IN (
    SELECT report_id FROM deadlines
    WHERE state = 'running' AND overdue_at IS NOT NULL AND clock IN ('verification', 'follow_up', 'completion')
);

CREATE INDEX reports_status_queue ON reports (status, queue_due_at, id);
CREATE INDEX reports_overdue ON reports (queue_due_at, id) WHERE marked_overdue;
CREATE INDEX reports_instansi_overdue ON reports (instansi_id, queue_due_at, id) WHERE marked_overdue;
