-- Evaluation cells (DOMAIN.md §8): pre-aggregated counters that every change of a report
-- updates in its own transaction, so that dashboards and rankings never scan reports.
-- One row per month, organisation (0: the national roll-up) and breakdown value; the
-- counters are sparse JSON text ({"submitted": 12, "days.first_answer.3": 2}).
CREATE TABLE measure_cells (
    cube     TEXT    NOT NULL,
    org_id   BIGINT  NOT NULL,
    value    TEXT    NOT NULL,
    period   INTEGER NOT NULL,
    counters TEXT    NOT NULL,
    PRIMARY KEY (cube, org_id, value, period)
);
