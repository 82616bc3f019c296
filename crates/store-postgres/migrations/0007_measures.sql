-- Evaluation cells (DOMAIN.md §8): pre-aggregated counters that every change of a report
-- updates in its own transaction, so that dashboards and rankings never scan reports.
-- One row per month, organisation (0: the national roll-up) and breakdown value; the
-- counters are a compact binary record of the non-zero fields (aduan_store::measures::encode).
CREATE TABLE measure_cells (
    cube     TEXT    NOT NULL,
    org_id   BIGINT  NOT NULL,
    value    TEXT    NOT NULL,
    period   INTEGER NOT NULL,
    counters BYTEA   NOT NULL,
    -- Months next to each other: a dashboard reads a range of months of a few organisations.
    PRIMARY KEY (cube, org_id, period, value)
);
