-- Public lists filter by region and status together and page newest first: with these,
-- a province's or regency's reports of one status are read in order, instead of every
-- report of that status in the country being walked to find them.

CREATE INDEX reports_province_status ON reports (province_code, status, submitted_at, id);
CREATE INDEX reports_regency_status ON reports (regency_code, status, submitted_at, id);
