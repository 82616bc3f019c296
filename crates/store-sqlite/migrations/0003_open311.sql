-- Open311: requests changed in a period (`updated_after`/`updated_before`), and the
-- published updates of every report in a period (`servicerequestupdates`).

CREATE INDEX reports_updated ON reports (updated_at, id);
CREATE INDEX events_public_at ON events (at, report_id, seq) WHERE visibility = 'public';
